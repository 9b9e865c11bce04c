"""Theme lanes: one row per theme with a marker per event, bars for spans, or density strips."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from timeline.chart.draft import Draft, HoverTexts, escape, iso, midpoint, rgba, segments
from timeline.chart.geometry import Geometry
from timeline.chart.style import PALETTE, readable
from timeline.contract import META, ROLES

SYMBOLS = {"exact": "circle", "approximate": "circle-open", "uncertain": "diamond-open"}
# The key to the marks (a slide's key line and the app's legend both read it).
SYMBOL_KEY = (
    ("exact date", "●"),
    ("approximate (~)", "○"),
    ("uncertain (?)", "◇"),
    ("faint bar: known only to the month, year or decade", "▬"),
)
DEFAULT_MAX_MARKERS = 3000


@dataclass(frozen=True)
class Lane:
    """One theme row of the chart."""

    theme: str
    label: str
    color: str


def theme_lanes(themes: Sequence[str], labels: dict[str, str] | None = None) -> list[Lane]:
    """Lanes in the given order, each with its palette colour."""
    labels = labels or {}
    return [
        Lane(t, labels.get(t) or t.replace("-", " ").capitalize(), PALETTE[i % len(PALETTE)])
        for i, t in enumerate(themes)
    ]


def lane_color(lane: Lane, geo: Geometry) -> str:
    """The lane's colour, lightened where needed to stand out on a dark slide (3:1, WCAG 1.4.11)."""
    if geo.style.theme == "dark":
        return readable(lane.color, geo.colors.background, 3.0)
    return lane.color


def pack_rows(x_px: np.ndarray, min_gap: float, rows: int) -> np.ndarray:
    """Give each point (sorted by x) a sub-row so that close neighbours do not overlap."""
    last = np.full(rows, -np.inf)
    out = np.zeros(len(x_px), dtype=int)
    for i, x in enumerate(x_px):
        free = np.nonzero(x - last >= min_gap)[0]
        row = int(free[0]) if len(free) else int(np.argmin(last))
        out[i] = row
        last[row] = x
    return out


def add_lanes(
    fig: Draft, items: pd.DataFrame, lanes: Sequence[Lane], geo: Geometry, **options
) -> pd.DataFrame:
    """Markers, spans and bars for each theme lane.

    ``options``: ``max_markers`` and ``hover`` (a ``HoverTexts``). Returns the events drawn with
    markers: their ``id`` and the ``y`` each marker sits at, one row per (event, lane).
    """
    max_markers: int = options["max_markers"]
    hover: HoverTexts = options["hover"]
    lane_index = {lane.theme: i for i, lane in enumerate(lanes)}
    # (row position, theme) pairs: exploding only the themes, not every column of every row.
    tags = pd.Series(items["themes"].to_numpy(), index=np.arange(len(items))).explode()
    tags = tags[tags.isin(lane_index.keys())]
    if len(tags) > max_markers:
        add_density(fig, items, tags, lanes=lanes, geo=geo)
        weight = items["importance"].to_numpy() * 100 + items["tone"].abs().to_numpy()
        top = np.argsort(-np.nan_to_num(weight, nan=-1), kind="stable")[: max_markers // 3]
        items = items.iloc[np.sort(top)]
    exploded = items.assign(theme=items["themes"]).explode("theme")
    exploded = exploded[exploded["theme"].isin(lane_index.keys())]
    ids, ys = [], []
    for lane in lanes:
        rows = exploded[exploded["theme"] == lane.theme]
        if rows.empty:
            continue
        y = _lane_rows(rows, lane_index[lane.theme], geo)
        _add_bars(fig, rows, y, lane=lane, geo=geo)
        _add_markers(fig, rows, y, lane=lane, geo=geo, hover=hover(rows))
        ids.append(rows["id"].to_numpy())
        ys.append(y)
    # Only what callouts need: a copy of every column per lane would cost more than the lane.
    if not ids:
        return pd.DataFrame({"id": pd.Series(dtype="str"), "y": pd.Series(dtype=float)})
    return pd.DataFrame({"id": np.concatenate(ids), "y": np.concatenate(ys)})


def _lane_rows(rows: pd.DataFrame, index: int, geo: Geometry) -> np.ndarray:
    """The y of each event in a lane: close neighbours move to sub-rows."""
    s = geo.sizes
    sub = pack_rows(geo.x_to_px(midpoint(rows)), geo.font * s.marker_gap, len(s.sub_rows))
    return index + np.asarray(s.sub_rows)[sub]


def _add_bars(fig: Draft, rows: pd.DataFrame, y: np.ndarray, *, lane: Lane, geo: Geometry) -> None:
    """Faint bars over vague dates, solid bars over things that lasted."""
    s = geo.sizes
    vague = rows["precision"].ne("day").to_numpy() & ~rows["has_end"].to_numpy()
    lasting = rows["has_end"].to_numpy()
    for role, mask, end, width, opacity, what in (
        (ROLES.SPAN, vague, "start_hi", s.span_width, s.span_opacity, "date span"),
        (ROLES.DURATION, lasting, "end", s.duration_width, s.duration_opacity, "duration"),
    ):
        if not mask.any():
            continue
        xs, ys = segments(rows["start"][mask], rows[end][mask], y[mask])
        color = lane_color(lane, geo)
        fig.add_trace(
            dict(
                type="scatter",
                x=xs,
                y=ys,
                mode="lines",
                line={"color": color, "width": geo.font * width},
                opacity=opacity,
                hoverinfo="skip",
                showlegend=False,
                legendgroup=lane.theme,
                xaxis="x",
                yaxis="y",
                name=f"{lane.label}: {what}",
                meta={META.ROLE: role, META.THEME: lane.theme},
            )
        )


def _add_markers(fig: Draft, rows, y, *, lane: Lane, geo: Geometry, hover: list[str]) -> None:
    s = geo.sizes
    symbol = np.where(
        rows["uncertain"],
        SYMBOLS["uncertain"],
        np.where(rows["approximate"], SYMBOLS["approximate"], SYMBOLS["exact"]),
    )
    size = geo.font * (s.marker_base + s.marker_per_importance * rows["importance"].to_numpy())
    is_open = np.char.endswith(symbol.astype(str), "open")
    color = lane_color(lane, geo)
    fig.add_trace(
        dict(
            type="scatter",
            x=iso(midpoint(rows)),
            y=y,
            mode="markers",
            name=lane.label,
            legendgroup=lane.theme,
            showlegend=False,
            marker={
                "color": color,
                "size": size,
                "symbol": symbol,
                "line": {
                    "color": np.where(is_open, color, geo.colors.marker_edge),
                    "width": s.marker_edge_px,
                },
            },
            customdata=rows["id"].to_numpy(),
            hovertext=hover,
            hovertemplate="%{hovertext}<extra>" + escape(lane.label) + "</extra>",
            xaxis="x",
            yaxis="y",
            meta={META.ROLE: ROLES.EVENTS, META.THEME: lane.theme},
        )
    )


def add_density(
    fig: Draft, items, tags: pd.Series, *, lanes: Sequence[Lane], geo: Geometry
) -> None:
    """A strip per lane whose darkness is the number of events in each stretch of time.

    ``tags`` pairs row positions in ``items`` with a theme (an exploded themes column).
    """
    s = geo.sizes
    bins = int(min(s.density_bins_max, geo.plot_w / s.density_px_per_bin))
    edges = pd.date_range(geo.x_lo, geo.x_hi, periods=bins + 1)
    mids = edges[:-1] + (edges[1:] - edges[:-1]) / 2
    when = midpoint(items).to_numpy().astype("datetime64[ms]").astype("int64")
    codes, themes = pd.factorize(tags)
    rows = tags.index.to_numpy()
    for i, lane in enumerate(lanes):
        code = themes.get_loc(lane.theme) if lane.theme in themes else -2
        counts, _ = np.histogram(
            when[rows[codes == code]],
            bins=edges.to_numpy().astype("datetime64[ms]").astype("int64"),
        )
        z = np.where(counts > 0, counts, np.nan)[None, :]
        fig.add_trace(
            dict(
                type="heatmap",
                x=iso(mids),
                y=[i],
                z=z,
                zmin=0,
                zmax=max(1, np.nanmax(z) if counts.any() else 1),
                colorscale=[
                    [0, "rgba(255,255,255,0)"],
                    [0.02, rgba(lane.color, 0.15)],
                    [1, rgba(lane.color, 0.9)],
                ],
                showscale=False,
                xaxis="x",
                yaxis="y",
                ygap=geo.font * s.density_gap,
                name=lane.label,
                hovertemplate="%{z} events<extra>" + escape(lane.label) + "</extra>",
                meta={META.ROLE: ROLES.DENSITY, META.THEME: lane.theme},
            )
        )


def add_selection(fig: Draft, selected: str, geo: Geometry) -> None:
    """Ring the selected event wherever it is drawn (its lanes and the swing strip)."""
    s = geo.sizes
    for trace in list(fig.data):
        if trace.get("meta", {}).get(META.ROLE) not in (ROLES.EVENTS, ROLES.TONE):
            continue
        ids = list(trace.get("customdata", []))
        if selected not in ids:
            continue
        i = ids.index(selected)
        fig.add_trace(
            dict(
                type="scatter",
                x=[np.asarray(trace["x"])[i]],
                y=[np.asarray(trace["y"])[i]],
                mode="markers",
                hoverinfo="skip",
                showlegend=False,
                # A ring at the swing strip's -10 or +10 would be cut in half at its edge.
                cliponaxis=False,
                marker={
                    "size": s.selection_px,
                    "symbol": "circle-open",
                    "color": geo.colors.ink,
                    "line": {"width": s.selection_line_px},
                },
                xaxis=trace["xaxis"],
                yaxis=trace["yaxis"],
                name="selected",
                meta={META.ROLE: ROLES.SELECTED},
            )
        )
