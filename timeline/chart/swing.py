"""The swing strip: the relationship's smoothed tone over time, and each event's tone."""

from __future__ import annotations

import numpy as np
import pandas as pd

from timeline.chart.draft import Draft, HoverTexts, iso, midpoint, rgba
from timeline.chart.geometry import Geometry
from timeline.contract import META, ROLES

SWING_POINTS = 600
# The smoothing's bandwidth: about a year, and never narrower than 1/90 of the chart.
BANDWIDTH_DAYS = 365 * 0.9
MIN_BANDWIDTH_FRACTION = 1 / 90
BANDWIDTHS_SEARCHED = 3
# Below this total weight (no event within about three bandwidths) the curve is left blank.
MIN_WEIGHT = 0.011
_MS_PER_DAY = 86_400_000


def third_party(items: pd.DataFrame) -> pd.Series:
    """Events between others (a ``tone_note`` beginning "third party"): scored 0, they are not
    part of the relationship's swing, which they would only pull toward zero."""
    if "tone_note" not in items:
        return pd.Series(False, index=items.index)
    return items["tone_note"].str.lower().str.startswith("third party").fillna(False)


def swing_curve(
    items: pd.DataFrame, x_range, points: int = SWING_POINTS
) -> tuple[pd.DatetimeIndex, np.ndarray]:
    """The relationship's tone over time: a Gaussian-weighted mean of event tones.

    Binned first, so the cost grows with the number of grid points, not of events. Where no event
    lies within three bandwidths the curve is left blank rather than invented.
    """
    lo, hi = (pd.Timestamp(v) for v in x_range)
    grid = pd.date_range(lo, hi, periods=points)
    rated = items[items["tone"].notna() & ~third_party(items)]
    if rated.empty:
        return grid, np.full(points, np.nan)
    t = midpoint(rated).to_numpy().astype("datetime64[ms]").astype("int64")
    g = grid.to_numpy().astype("datetime64[ms]").astype("int64")
    step = (g[-1] - g[0]) / (points - 1)
    idx = np.clip(np.rint((t - g[0]) / step).astype(int), 0, points - 1)
    counts = np.bincount(idx, minlength=points).astype(float)
    sums = np.bincount(idx, weights=rated["tone"].to_numpy(), minlength=points)
    sigma = max(points * MIN_BANDWIDTH_FRACTION, BANDWIDTH_DAYS * _MS_PER_DAY / step)
    half = int(np.ceil(sigma * BANDWIDTHS_SEARCHED))
    kernel = np.exp(-0.5 * (np.arange(-half, half + 1) / sigma) ** 2)
    weight = np.convolve(counts, kernel, mode="same")
    total = np.convolve(sums, kernel, mode="same")
    with np.errstate(invalid="ignore", divide="ignore"):
        curve = np.where(weight > MIN_WEIGHT, total / weight, np.nan)
    return grid, curve


def _fill_polygons(grid: pd.DatetimeIndex, part: np.ndarray) -> tuple[list, list]:
    """Closed shapes between a curve and zero, one per unbroken run, so gaps stay empty."""
    xs: list = []
    ys: list = []
    valid = ~np.isnan(part)
    edges = np.flatnonzero(np.diff(np.concatenate([[0], valid.astype(int), [0]])))
    grid_text = iso(grid)
    for a, b in zip(edges[0::2], edges[1::2], strict=True):
        run_x = list(grid_text[a:b])
        xs += [*run_x, run_x[-1], run_x[0], None]
        ys += [*part[a:b].tolist(), 0.0, 0.0, None]
    return xs, ys


def add_swing(
    fig: Draft, items: pd.DataFrame, geo: Geometry, *, hover: HoverTexts, max_markers: int
) -> None:
    """The smoothed tone (green above zero, orange below) and a dot per rated event."""
    s, c = geo.sizes, geo.colors
    grid, curve = swing_curve(items, (geo.x_lo, geo.x_hi))
    for name, part, color in (
        ("cooperation", np.where(curve >= 0, curve, 0.0), c.cooperation),
        ("hostility", np.where(curve <= 0, curve, 0.0), c.hostility),
    ):
        xs, ys = _fill_polygons(grid, np.where(np.isnan(curve), np.nan, part))
        fig.add_trace(
            dict(
                type="scatter",
                x=xs,
                y=ys,
                mode="lines",
                fill="toself",
                fillcolor=rgba(color, s.swing_fill_alpha),
                line={"width": 0},
                hoverinfo="skip",
                showlegend=False,
                xaxis="x2",
                yaxis="y2",
                name=f"swing ({name})",
                meta={META.ROLE: ROLES.SWING},
            )
        )
    _add_line(fig, grid, curve, geo)
    _add_tone_dots(fig, items, geo, hover=hover, max_markers=max_markers)


def _add_line(fig: Draft, grid: pd.DatetimeIndex, curve: np.ndarray, geo: Geometry) -> None:
    fig.add_trace(
        dict(
            type="scatter",
            x=iso(grid),
            y=curve,
            mode="lines",
            line={"color": geo.colors.muted, "width": geo.sizes.swing_line_px},
            hoverinfo="skip",
            showlegend=False,
            xaxis="x2",
            yaxis="y2",
            name="swing",
            meta={META.ROLE: ROLES.SWING},
            connectgaps=False,
        )
    )


def _add_tone_dots(fig: Draft, items: pd.DataFrame, geo: Geometry, *, hover, max_markers) -> None:
    """A dot per rated event at its tone (the most important ones when there are very many)."""
    s, c = geo.sizes, geo.colors
    rated = items[items["tone"].notna()]
    if len(rated) > max_markers:
        rated = rated.nlargest(max_markers // 3, "importance")
    fig.add_trace(
        dict(
            type="scatter",
            x=iso(midpoint(rated)),
            y=rated["tone"],
            mode="markers",
            name="Event tone",
            marker={
                "color": c.ink,
                "size": geo.font
                * (s.tone_dot_base + s.tone_dot_per_importance * rated["importance"].to_numpy()),
                "opacity": s.tone_dot_opacity,
            },
            customdata=rated["id"].to_numpy(),
            hovertext=hover(rated),
            hovertemplate="%{hovertext}<br>Tone %{y:+g}<extra></extra>",
            showlegend=False,
            xaxis="x2",
            yaxis="y2",
            meta={META.ROLE: ROLES.TONE},
        )
    )
