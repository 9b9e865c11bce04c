"""The timeline chart: theme lanes, eras, the relationship's swing and the author's callouts.

``build_timeline_figure`` is a pure function from events to a Plotly figure; the app and the
image export both call it, the export with ``presentation=True``.
"""

from __future__ import annotations

import html
import re
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from timeline.dates import describe_span

# Okabe & Ito's colour-blind-safe palette (yellow moved last: too faint on white), then Paul
# Tol's muted scheme for datasets with more themes.
PALETTE = (
    "#0072B2",
    "#D55E00",
    "#009E73",
    "#CC79A7",
    "#E69F00",
    "#56B4E9",
    "#8C6D00",
    "#332288",
    "#117733",
    "#44AA99",
    "#882255",
    "#AA4499",
    "#999933",
    "#661100",
)
COOPERATION = "#009E73"
HOSTILITY = "#D55E00"
INK = "#1f2933"
MUTED = "#52606d"
ERA_FILLS = ("rgba(82,96,109,0.08)", "rgba(82,96,109,0.15)")
SYMBOLS = {"exact": "circle", "approximate": "circle-open", "uncertain": "diamond-open"}
MAX_CALLOUTS = 12
DEFAULT_MAX_MARKERS = 3000
_MS_PER_DAY = 86_400_000


@dataclass(frozen=True)
class Lane:
    """One theme row of the chart."""

    theme: str
    label: str
    color: str


@dataclass(frozen=True)
class FigureStyle:
    """Size and look. ``presentation`` is the slide look: titles, legend, footer, no slider."""

    width: int = 1300
    height: int = 640
    presentation: bool = False
    transparent: bool = False
    theme: str = "light"  # "light" or "dark": the background the slide sits on
    font_family: str = "Inter, 'Segoe UI', 'Helvetica Neue', Arial, sans-serif"

    @property
    def font_size(self) -> float:
        if not self.presentation:
            return 13
        return max(12.0, min(26.0, 13 * min(self.width / 1100, self.height / 620)))


def theme_lanes(themes: Sequence[str], labels: dict[str, str] | None = None) -> list[Lane]:
    """Lanes in the given order, each with its palette colour."""
    labels = labels or {}
    return [
        Lane(t, labels.get(t) or t.replace("-", " ").capitalize(), PALETTE[i % len(PALETTE)])
        for i, t in enumerate(themes)
    ]


def build_timeline_figure(
    events: pd.DataFrame,
    lanes: Sequence[Lane],
    *,
    style: FigureStyle | None = None,
    title: str = "",
    subtitle: str = "",
    footer: str = "",
    author: str = "the author",
    selected: str = "",
    x_range: tuple[pd.Timestamp, pd.Timestamp] | None = None,
    max_markers: int = DEFAULT_MAX_MARKERS,
    pins: Sequence[str] = (),
    callouts: str = "auto",
    as_dict: bool = False,
) -> go.Figure | dict:
    """Draw ``events`` (a frame from ``load_dataset``, possibly filtered) on theme ``lanes``.

    Every event is drawn in each lane of its themes; eras are shaded bands. When more events are
    given than ``max_markers``, lanes show how many events fall in each stretch of time (a density
    strip) and markers only for the most important ones, so the chart stays readable.

    ``as_dict`` returns the same figure as plain ``{"data", "layout"}`` dicts, which is what the
    app sends to the browser: it skips the graph object's copy of every property.

    ``callouts``: "auto" (the presenter's ``pins`` plus the events the author dwells on),
    "pinned" (only ``pins``) or "none".
    """
    style = style or FigureStyle()
    geo = _Geometry(style, len(lanes))
    fig = _Draft()
    is_era = events["kind"].eq("era")
    eras = events[is_era]
    items = events[~is_era] if len(eras) else events  # no copy of a large frame without eras
    if x_range is None:
        x_range = padded_range(events)

    _add_eras(fig, eras, geo, x_range)
    hover = _HoverTexts()
    _add_swing(fig, items, geo, x_range, hover)
    shown = _add_lanes(fig, items, lanes, geo, x_range, max_markers, hover)
    if callouts != "none":
        _add_callouts(fig, items, geo, x_range, author, pins=pins, auto=callouts == "auto")
    if selected:
        _add_selection(fig, events, selected, lanes)
    _layout(fig, lanes, geo, x_range, title, subtitle, footer, len(items), shown)
    return {"data": fig.data, "layout": fig.layout} if as_dict else fig.figure()


class _Draft:
    """A figure as plain dicts while it is being built.

    Plotly validates every property each time a graph object is touched, which cost more than
    all the rest of building this chart; the finished figure is validated by the tests instead.
    """

    def __init__(self) -> None:
        self.data: list[dict] = []
        self.layout: dict = {"shapes": [], "annotations": []}

    def add_trace(self, trace: dict) -> None:
        self.data.append(trace)

    def add_shape(self, **shape) -> None:
        self.layout["shapes"].append(shape)

    def add_annotation(self, **annotation) -> None:
        self.layout["annotations"].append(annotation)

    def update_layout(self, **changes) -> None:
        self.layout.update(changes)

    def figure(self) -> go.Figure:
        return go.Figure(data=self.data, layout=self.layout, _validate=False)


class _Geometry:
    """Where each part of the chart sits, in paper fractions and pixels."""

    def __init__(self, style: FigureStyle, lane_count: int):
        self.style = style
        fs = style.font_size
        self.font = fs
        pres = style.presentation
        self.margin = {
            "l": int(fs * 9.5),
            "r": int(fs * 1.8),
            "t": int(fs * (6.4 if pres else 1.5)),
            # In the app the range slider and its labels sit in this margin (plotly would
            # otherwise grow it after the callouts were laid out).
            "b": int(fs * (6.4 if pres else 6.8)),
        }
        self.plot_h = max(200, style.height - self.margin["t"] - self.margin["b"])
        self.plot_w = max(200, style.width - self.margin["l"] - self.margin["r"])
        callout_px = fs * 8.6
        era_px = fs * 2.7  # two rows of era labels
        tone_px = max(70.0, (self.plot_h - callout_px - era_px) * 0.28)
        self.callout_bottom = 1 - callout_px / self.plot_h
        self.tone_top = self.callout_bottom - fs * 0.5 / self.plot_h
        self.tone_bottom = self.tone_top - tone_px / self.plot_h
        self.era_label_rows = (
            self.tone_bottom - fs * 0.7 / self.plot_h,
            self.tone_bottom - fs * 1.85 / self.plot_h,
        )
        self.lanes_top = self.tone_bottom - era_px / self.plot_h
        self.lane_count = max(lane_count, 1)

    def paper_to_px(self, paper: float) -> float:
        """Distance from the top of the plot area, in pixels."""
        return (1 - paper) * self.plot_h

    def tone_to_paper(self, tone: float) -> float:
        return self.tone_bottom + (tone + 10.5) / 21 * (self.tone_top - self.tone_bottom)

    def ms_per_px(self, x_range) -> float:
        lo, hi = (pd.Timestamp(v) for v in x_range)
        return (hi - lo) / pd.Timedelta(milliseconds=1) / self.plot_w


def padded_range(
    events: pd.DataFrame, lo: pd.Timestamp | None = None, hi: pd.Timestamp | None = None
) -> tuple[pd.Timestamp, pd.Timestamp]:
    """The dates a chart spans: ``lo``/``hi`` where given, else the events' own, padded a little."""
    if events.empty and (lo is None or hi is None):
        return pd.Timestamp("1947-01-01"), pd.Timestamp("2022-01-01")
    lo = events["start"].min() if lo is None else lo
    hi = events["end"].max() if hi is None else hi
    pad = max((hi - lo) * 0.02, pd.Timedelta(days=60))
    return lo - pad, hi + pad


def _midpoint(events: pd.DataFrame) -> pd.Series:
    return events["start"] + (events["start_hi"] - events["start"]) / 2


def _iso(values) -> np.ndarray:
    """Datetimes as ISO strings to the second, None where missing.

    Plotly's JSON encoder turns Timestamps into text one object at a time, which cost more than
    building the rest of the figure; numpy does the whole column at once.
    """
    stamps = np.asarray(values, dtype="datetime64[s]")
    text = np.datetime_as_string(stamps, unit="s").astype(object)
    text[np.isnat(stamps)] = None
    return text


def _segments(starts: pd.Series, ends: pd.Series, ys: np.ndarray) -> tuple[list, list]:
    """x and y lists for one line trace drawing many separate segments (None between)."""
    n = len(starts)
    xs = np.empty(n * 3, dtype=object)
    yy = np.empty(n * 3, dtype=object)
    xs[0::3] = _iso(starts)
    xs[1::3] = _iso(ends)
    xs[2::3] = None
    yy[0::3] = ys
    yy[1::3] = ys
    yy[2::3] = None
    return list(xs), list(yy)


_LINE = re.compile(r".{1,64}(?:\s+|$)|.{64}")


def _wrap(text: str) -> list[str]:
    """``text`` in lines of at most 64 characters, broken at spaces where there are any.

    One regular expression per text: textwrap took most of a redraw's time at 100k events.
    """
    return [line.strip() for line in _LINE.findall(" ".join(text.split()))]


class _HoverTexts:
    """Hover text per event (title, date as precisely as known, summary; all escaped).

    An event is drawn in its lanes and on the swing line; its text is made once.
    """

    def __init__(self) -> None:
        self._made: dict[int, str] = {}

    def __call__(self, events: pd.DataFrame) -> list[str]:
        todo = events.loc[~events.index.isin(self._made.keys())]
        todo = todo[~todo.index.duplicated()]
        columns = ["title", "start_text", "end_text", "date_note", "summary"]
        for key, (title, start, end, note, summary) in zip(
            todo.index, todo[columns].itertuples(index=False), strict=True
        ):
            when = describe_span(start, end, note)
            wrapped = "<br>".join(html.escape(line) for line in _wrap(summary)[:6])
            self._made[key] = f"<b>{html.escape(title)}</b><br>{html.escape(when)}<br>{wrapped}"
        return [self._made[key] for key in events.index]


def _pack_rows(x_px: np.ndarray, min_gap: float, rows: int) -> np.ndarray:
    """Give each point (sorted by x) a sub-row so that close neighbours do not overlap."""
    last = np.full(rows, -np.inf)
    out = np.zeros(len(x_px), dtype=int)
    for i, x in enumerate(x_px):
        free = np.nonzero(x - last >= min_gap)[0]
        row = int(free[0]) if len(free) else int(np.argmin(last))
        out[i] = row
        last[row] = x
    return out


_ROW_OFFSETS = np.array([0.0, -0.27, 0.27, -0.14, 0.14])


def _add_lanes(fig, items, lanes, geo, x_range, max_markers, hover) -> int:
    """Markers, spans and bars for each theme lane. Returns the number of events with markers."""
    lane_index = {lane.theme: i for i, lane in enumerate(lanes)}
    # (row position, theme) pairs: exploding only the themes, not every column of every row.
    tags = pd.Series(items["themes"].to_numpy(), index=np.arange(len(items))).explode()
    tags = tags[tags.isin(lane_index.keys())]
    dense = len(tags) > max_markers
    if dense:
        _add_density(fig, items, tags, lanes, lane_index, x_range, geo)
        weight = items["importance"].to_numpy() * 100 + items["tone"].abs().to_numpy()
        top = np.argsort(-np.nan_to_num(weight, nan=-1), kind="stable")[: max_markers // 3]
        items = items.iloc[np.sort(top)]
    exploded = items.assign(theme=items["themes"]).explode("theme")
    exploded = exploded[exploded["theme"].isin(lane_index.keys())]
    ms_per_px = geo.ms_per_px(x_range)
    marker_px = geo.font * 0.95
    for lane in lanes:
        rows = exploded[exploded["theme"] == lane.theme]
        if rows.empty:
            continue
        mid = _midpoint(rows)
        x_px = (mid - pd.Timestamp(x_range[0])) / pd.Timedelta(milliseconds=1) / ms_per_px
        sub = _pack_rows(x_px.to_numpy(), marker_px, len(_ROW_OFFSETS))
        y = lane_index[lane.theme] + _ROW_OFFSETS[sub]
        vague = rows["precision"].ne("day").to_numpy() & ~rows["has_end"].to_numpy()
        if vague.any():
            xs, ys = _segments(rows["start"][vague], rows["start_hi"][vague], y[vague])
            fig.add_trace(
                dict(
                    type="scatter",
                    x=xs,
                    y=ys,
                    mode="lines",
                    line={"color": lane.color, "width": geo.font * 0.75},
                    opacity=0.28,
                    hoverinfo="skip",
                    showlegend=False,
                    legendgroup=lane.theme,
                    xaxis="x",
                    yaxis="y",
                    name=f"{lane.label}: date span",
                    meta={"role": "span", "theme": lane.theme},
                )
            )
        lasting = rows["has_end"].to_numpy()
        if lasting.any():
            xs, ys = _segments(rows["start"][lasting], rows["end"][lasting], y[lasting])
            fig.add_trace(
                dict(
                    type="scatter",
                    x=xs,
                    y=ys,
                    mode="lines",
                    line={"color": lane.color, "width": geo.font * 0.45},
                    opacity=0.6,
                    hoverinfo="skip",
                    showlegend=False,
                    legendgroup=lane.theme,
                    xaxis="x",
                    yaxis="y",
                    name=f"{lane.label}: duration",
                    meta={"role": "duration", "theme": lane.theme},
                )
            )
        symbol = np.where(
            rows["uncertain"],
            SYMBOLS["uncertain"],
            np.where(rows["approximate"], SYMBOLS["approximate"], SYMBOLS["exact"]),
        )
        size = geo.font * (0.45 + 0.2 * rows["importance"].to_numpy())
        fig.add_trace(
            dict(
                type="scatter",
                x=_iso(mid),
                y=y,
                mode="markers",
                name=lane.label,
                legendgroup=lane.theme,
                showlegend=False,
                marker={
                    "color": lane.color,
                    "size": size,
                    "symbol": symbol,
                    "line": {
                        "color": np.where(
                            np.char.endswith(symbol.astype(str), "open"), lane.color, "white"
                        ),
                        "width": 1.4,
                    },
                },
                customdata=rows["id"].to_numpy(),
                hovertext=hover(rows),
                hovertemplate="%{hovertext}<extra>" + html.escape(lane.label) + "</extra>",
                xaxis="x",
                yaxis="y",
                meta={"role": "events", "theme": lane.theme},
            )
        )
    return int(exploded["id"].nunique())


def _add_density(fig, items, tags, lanes, lane_index, x_range, geo) -> None:
    """A strip per lane whose darkness is the number of events in each stretch of time.

    ``tags`` pairs row positions in ``items`` with a theme (an exploded themes column).
    """
    bins = int(min(400, geo.plot_w / 3))
    lo, hi = (pd.Timestamp(v) for v in x_range)
    edges = pd.date_range(lo, hi, periods=bins + 1)
    mids = edges[:-1] + (edges[1:] - edges[:-1]) / 2
    when = _midpoint(items).to_numpy().astype("datetime64[ms]").astype("int64")
    codes, themes = pd.factorize(tags)
    rows = tags.index.to_numpy()
    for lane in lanes:
        code = themes.get_loc(lane.theme) if lane.theme in themes else -2
        counts, _ = np.histogram(
            when[rows[codes == code]],
            bins=edges.to_numpy().astype("datetime64[ms]").astype("int64"),
        )
        z = np.where(counts > 0, counts, np.nan)[None, :]
        i = lane_index[lane.theme]
        fig.add_trace(
            dict(
                type="heatmap",
                x=_iso(mids),
                y=[i],
                z=z,
                zmin=0,
                zmax=max(1, np.nanmax(z) if counts.any() else 1),
                colorscale=[
                    [0, "rgba(255,255,255,0)"],
                    [0.02, _rgba(lane.color, 0.15)],
                    [1, _rgba(lane.color, 0.9)],
                ],
                showscale=False,
                xaxis="x",
                yaxis="y",
                ygap=geo.font * 0.8,
                name=lane.label,
                hovertemplate="%{z} events<extra>" + html.escape(lane.label) + "</extra>",
                meta={"role": "density", "theme": lane.theme},
            )
        )


def _rgba(hex_color: str, alpha: float) -> str:
    r, g, b = (int(hex_color[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgba({r},{g},{b},{alpha})"


def _add_eras(fig, eras: pd.DataFrame, geo: _Geometry, x_range) -> None:
    ms_per_px = geo.ms_per_px(x_range)
    order = eras.sort_values("start")
    right_edges: list[float] = [-np.inf, -np.inf]
    for i, era in enumerate(order.itertuples(index=False)):
        fig.add_shape(
            type="rect",
            xref="x",
            yref="paper",
            x0=era.start,
            x1=era.end,
            y0=0,
            y1=geo.tone_top,
            fillcolor=ERA_FILLS[i % 2],
            line={"width": 0},
            layer="below",
        )
        width_px = (era.end - era.start) / pd.Timedelta(milliseconds=1) / ms_per_px
        chars = max(0, int(width_px / (geo.font * 0.55)) - 1)
        if chars < 4:
            continue
        label = era.title if len(era.title) <= chars else era.title[: chars - 1].rstrip() + "…"
        x0_px = (era.start - pd.Timestamp(x_range[0])) / pd.Timedelta(milliseconds=1) / ms_per_px
        free = [r for r in (0, 1) if x0_px >= right_edges[r]]
        if not free:
            continue  # no room for a label: the band still shows, and the list names it
        row = free[0]
        right_edges[row] = x0_px + len(label) * geo.font * 0.55 + geo.font
        fig.add_annotation(
            x=era.start,
            y=geo.era_label_rows[row],
            xref="x",
            yref="paper",
            xanchor="left",
            yanchor="middle",
            showarrow=False,
            text=f"<i>{html.escape(label)}</i>",
            font={"size": geo.font * 0.82, "color": MUTED},
            hovertext=html.escape(f"{era.title}: {describe_span(era.start_text, era.end_text)}"),
            name=f"era:{era.id}",
        )


def swing_curve(
    items: pd.DataFrame, x_range, points: int = 600
) -> tuple[pd.DatetimeIndex, np.ndarray]:
    """The relationship's tone over time: a Gaussian-weighted mean of event tones.

    Binned first, so the cost grows with the number of grid points, not of events. Where no event
    lies within three bandwidths the curve is left blank rather than invented.
    """
    lo, hi = (pd.Timestamp(v) for v in x_range)
    grid = pd.date_range(lo, hi, periods=points)
    rated = items[items["tone"].notna()]
    if rated.empty:
        return grid, np.full(points, np.nan)
    t = _midpoint(rated).to_numpy().astype("datetime64[ms]").astype("int64")
    g = grid.to_numpy().astype("datetime64[ms]").astype("int64")
    step = (g[-1] - g[0]) / (points - 1)
    idx = np.clip(np.rint((t - g[0]) / step).astype(int), 0, points - 1)
    counts = np.bincount(idx, minlength=points).astype(float)
    sums = np.bincount(idx, weights=rated["tone"].to_numpy(), minlength=points)
    sigma = max(points / 90, 365 * _MS_PER_DAY / step * 0.9)
    half = int(np.ceil(sigma * 3))
    kernel = np.exp(-0.5 * (np.arange(-half, half + 1) / sigma) ** 2)
    weight = np.convolve(counts, kernel, mode="same")
    total = np.convolve(sums, kernel, mode="same")
    with np.errstate(invalid="ignore", divide="ignore"):
        curve = np.where(weight > 0.011, total / weight, np.nan)
    return grid, curve


def _fill_polygons(grid: pd.DatetimeIndex, part: np.ndarray) -> tuple[list, list]:
    """Closed shapes between a curve and zero, one per unbroken run, so gaps stay empty."""
    xs: list = []
    ys: list = []
    valid = ~np.isnan(part)
    edges = np.flatnonzero(np.diff(np.concatenate([[0], valid.astype(int), [0]])))
    grid_text = _iso(grid)
    for a, b in zip(edges[0::2], edges[1::2], strict=True):
        run_x = list(grid_text[a:b])
        xs += [*run_x, run_x[-1], run_x[0], None]
        ys += [*part[a:b].tolist(), 0.0, 0.0, None]
    return xs, ys


def _add_swing(fig, items: pd.DataFrame, geo: _Geometry, x_range, hover) -> None:
    grid, curve = swing_curve(items, x_range)
    for name, part, color in (
        ("cooperation", np.where(curve >= 0, curve, 0.0), COOPERATION),
        ("hostility", np.where(curve <= 0, curve, 0.0), HOSTILITY),
    ):
        xs, ys = _fill_polygons(grid, np.where(np.isnan(curve), np.nan, part))
        fig.add_trace(
            dict(
                type="scatter",
                x=xs,
                y=ys,
                mode="lines",
                fill="toself",
                fillcolor=_rgba(color, 0.22),
                line={"width": 0},
                hoverinfo="skip",
                showlegend=False,
                xaxis="x2",
                yaxis="y2",
                name=f"swing ({name})",
                meta={"role": "swing"},
            )
        )
    fig.add_trace(
        dict(
            type="scatter",
            x=_iso(grid),
            y=curve,
            mode="lines",
            line={"color": MUTED, "width": 1.5},
            hoverinfo="skip",
            showlegend=False,
            xaxis="x2",
            yaxis="y2",
            name="swing",
            meta={"role": "swing"},
            connectgaps=False,
        )
    )
    rated = items[items["tone"].notna()]
    if len(rated) > DEFAULT_MAX_MARKERS:
        rated = rated.nlargest(DEFAULT_MAX_MARKERS // 3, "importance")
    fig.add_trace(
        dict(
            type="scatter",
            x=_iso(_midpoint(rated)),
            y=rated["tone"],
            mode="markers",
            name="Event tone",
            marker={
                "color": INK,
                "size": geo.font * (0.2 + 0.12 * rated["importance"].to_numpy()),
                "opacity": 0.7,
            },
            customdata=rated["id"].to_numpy(),
            hovertext=hover(rated),
            hovertemplate="%{hovertext}<br>Tone %{y:+g}<extra></extra>",
            showlegend=False,
            xaxis="x2",
            yaxis="y2",
            meta={"role": "tone"},
        )
    )


def commentary_excerpt(commentary: str, limit: int = 70) -> str:
    """The opening of the author's commentary, cut at a word, for a callout."""
    text = " ".join(commentary.split())
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0].rstrip(",;:")
    return cut + " …"


def _add_callouts(
    fig, items: pd.DataFrame, geo: _Geometry, x_range, author: str, *, pins, auto: bool
) -> None:
    """Label the most important events with the author's words, in two rows that never overlap."""
    lo, hi = (pd.Timestamp(v) for v in x_range)
    mid = _midpoint(items)
    pinned = items["id"].isin(list(pins))
    wanted = pinned | (items["importance"].eq(3) & items["commentary"].ne("")) if auto else pinned
    keyed = items[wanted & items["tone"].notna() & (mid >= lo) & (mid <= hi)]
    if keyed.empty:
        return
    # The strongest swings (either way) first, when not all fit.
    keyed = keyed.assign(strength=keyed["tone"].abs() + 100 * keyed["id"].isin(list(pins)))
    keyed = keyed.nlargest(MAX_CALLOUTS, "strength", keep="first").sort_values("start")
    ms_per_px = geo.ms_per_px(x_range)
    fs = geo.font * 0.8
    chars = 26
    texts, widths = [], []
    for row in keyed.itertuples(index=False):
        title = textwrap.shorten(row.title, chars, placeholder="…")
        quote = textwrap.wrap("“" + commentary_excerpt(row.commentary, 52) + "”", chars)
        if len(quote) > 2:
            quote = [quote[0], quote[1].rstrip(",;: …”") + " …”"]
        lines = [f"<b>{html.escape(title)}</b>"] + [f"<i>{html.escape(q)}</i>" for q in quote]
        texts.append("<br>".join(lines))
        widths.append(max(len(title), *(len(q) for q in quote)) * fs * 0.56 + 8)
    want = ((_midpoint(keyed) - lo) / pd.Timedelta(milliseconds=1) / ms_per_px).to_numpy()
    widths = np.array(widths)
    placed, rows = _place_labels(want, widths, geo.plot_w)
    # Two rows hold only so much: leave out the weakest swings rather than push any box off
    # the chart.
    while len(keyed) > 1 and (placed - widths / 2 < -1).any():
        weakest = int(np.argmin(keyed["strength"].to_numpy()))
        keep = np.arange(len(keyed)) != weakest
        keyed, want, widths = keyed[keep], want[keep], widths[keep]
        texts = [t for t, k in zip(texts, keep, strict=True) if k]
        placed, rows = _place_labels(want, widths, geo.plot_w)
    row_paper = (1.0 - fs * 2.3 / geo.plot_h, geo.callout_bottom + fs * 2.0 / geo.plot_h)
    order = np.argsort(rows, kind="stable")
    columns = (
        list(keyed.itertuples(index=False)),
        texts,
        placed,
        rows,
        keyed["tone"].to_numpy(),
        list(_midpoint(keyed)),
    )
    for row, text, x_px, r, tone, when in zip(
        *([c[i] for i in order] for c in columns), strict=True
    ):
        label_y = row_paper[r]
        ay = geo.paper_to_px(label_y) - geo.paper_to_px(geo.tone_to_paper(tone))
        fig.add_annotation(
            x=when,
            y=tone,
            xref="x2",
            yref="y2",
            ax=lo + pd.Timedelta(milliseconds=x_px * ms_per_px),
            axref="x2",
            ay=ay,
            ayref="pixel",
            xanchor="center",
            yanchor="middle",
            text=text,
            showarrow=True,
            arrowhead=0,
            arrowwidth=1,
            arrowcolor="#9aa5b1",
            standoff=geo.font * 0.3,
            align="left",
            font={"size": fs, "color": INK},
            bgcolor="rgba(255,255,255,0.92)",
            bordercolor="#cbd2d9",
            borderwidth=1,
            borderpad=3,
            name=f"callout:{row.id}",
        )
    fig.add_annotation(
        x=1,
        y=1,
        xref="paper",
        yref="paper",
        xanchor="right",
        yanchor="bottom",
        showarrow=False,
        text=html.escape(f"Boxes quote the article's author, {author}"),
        font={"size": geo.font * 0.72, "color": MUTED},
    )


def _place_labels(want: np.ndarray, widths: np.ndarray, span: float, gap: float = 6.0):
    """Put labels as near their wanted x as possible, in two rows, without overlaps."""
    rows = np.zeros(len(want), dtype=int)
    placed = want.astype(float).copy()
    right = [-np.inf, -np.inf]
    for i in np.argsort(want, kind="stable"):
        half = widths[i] / 2
        pushes = [max(want[i], right[r] + gap + half) - want[i] for r in (0, 1)]
        r = int(np.argmin(pushes))
        placed[i] = max(want[i], right[r] + gap + half, half)
        rows[i] = r
        right[r] = placed[i] + half
    for r in (0, 1):
        members = [i for i in np.argsort(placed) if rows[i] == r]
        limit = span
        for i in reversed(members):
            half = widths[i] / 2
            if placed[i] + half > limit:
                placed[i] = limit - half
            limit = placed[i] - half - gap
    return placed, rows


def _add_selection(fig, events: pd.DataFrame, selected: str, lanes) -> None:
    """Ring the selected event in every lane it is drawn in."""
    for trace in list(fig.data):
        if trace.get("meta", {}).get("role") not in ("events", "tone"):
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
                marker={"size": 22, "symbol": "circle-open", "color": INK, "line": {"width": 2.5}},
                xaxis=trace["xaxis"],
                yaxis=trace["yaxis"],
                name="selected",
                meta={"role": "selected"},
            )
        )


def _layout(fig, lanes, geo: _Geometry, x_range, title, subtitle, footer, count, shown) -> None:
    style = geo.style
    fs = geo.font
    pres = style.presentation
    n = geo.lane_count
    background = "rgba(0,0,0,0)" if style.transparent else "white"
    fig.update_layout(
        width=style.width if pres else None,
        height=style.height,
        autosize=not pres,
        # Fixed margins: the callouts are laid out in pixels for exactly this plot area.
        margin={**geo.margin, "pad": 0, "autoexpand": False},
        paper_bgcolor=background,
        plot_bgcolor=background,
        font={"family": style.font_family, "size": fs, "color": INK},
        hovermode="closest",
        hoverlabel={"bgcolor": "white", "font": {"size": fs, "color": INK}, "align": "left"},
        showlegend=pres,
        dragmode="zoom",
        uirevision="timeline",
        xaxis={
            "type": "date",
            "range": list(x_range),
            "domain": [0, 1],
            "anchor": "y",
            "showgrid": True,
            "gridcolor": "#eef1f4",
            "ticks": "outside",
            "ticklen": 4,
            "rangeslider": {"visible": not pres, "thickness": 0.05, "bgcolor": "#f5f7fa"},
            "tickfont": {"size": fs},
        },
        xaxis2={
            "type": "date",
            "matches": "x",
            "anchor": "y2",
            "showticklabels": False,
            "showgrid": True,
            "gridcolor": "#eef1f4",
        },
        yaxis={
            "domain": [0, geo.lanes_top],
            "range": [n - 0.5, -0.5],
            "tickmode": "array",
            "tickvals": list(range(len(lanes))),
            "ticktext": [
                f"<span style='color:{lane.color}'><b>{html.escape(lane.label)}</b></span>"
                for lane in lanes
            ],
            "showgrid": False,
            "zeroline": False,
            "fixedrange": True,
            "tickfont": {"size": fs},
        },
        yaxis2={
            "domain": [geo.tone_bottom, geo.tone_top],
            "range": [-10.5, 10.5],
            "fixedrange": True,
            "tickvals": [-10, -5, 0, 5, 10],
            "ticktext": ["−10", "−5", "0", "+5", "+10"],
            "zeroline": True,
            "zerolinecolor": "#9aa5b1",
            "showgrid": False,
            "title": {"text": "Tone", "font": {"size": fs * 0.9}},
            "tickfont": {"size": fs * 0.8},
        },
    )
    for i in range(len(lanes)):
        fig.add_shape(
            type="line",
            xref="paper",
            yref="y",
            x0=0,
            x1=1,
            y0=i,
            y1=i,
            line={"color": "#e4e7eb", "width": 1},
            layer="below",
        )
    fig.add_annotation(
        x=0.003,
        y=geo.tone_top,
        xref="paper",
        yref="paper",
        xanchor="left",
        yanchor="top",
        showarrow=False,
        text="▲ cooperation",
        font={"size": fs * 0.72, "color": COOPERATION},
    )
    fig.add_annotation(
        x=0.003,
        y=geo.tone_bottom,
        xref="paper",
        yref="paper",
        xanchor="left",
        yanchor="bottom",
        showarrow=False,
        text="▼ hostility",
        font={"size": fs * 0.72, "color": HOSTILITY},
    )
    if count == 0:
        fig.add_annotation(
            x=0.5,
            y=geo.lanes_top / 2,
            xref="paper",
            yref="paper",
            showarrow=False,
            text="No events match these filters",
            font={"size": fs * 1.3, "color": MUTED},
        )
    elif shown < count:
        fig.add_annotation(
            x=1,
            y=geo.lanes_top,
            xref="paper",
            yref="paper",
            xanchor="right",
            yanchor="bottom",
            showarrow=False,
            font={"size": fs * 0.72, "color": MUTED},
            text=f"{count:,} events: shaded strips show how many fall in each stretch of time; "
            f"markers show the {shown:,} most important",
        )
    if pres:
        _presentation_chrome(fig, lanes, geo, title, subtitle, footer)


def _presentation_chrome(fig, lanes, geo: _Geometry, title, subtitle, footer) -> None:
    fs = geo.font
    fig.update_layout(
        title={
            "text": f"<b>{html.escape(title)}</b>"
            + (
                f"<br><span style='font-size:{fs * 1.05:.0f}px;color:{MUTED}'>"
                f"{html.escape(subtitle)}</span>"
                if subtitle
                else ""
            ),
            "x": 0,
            "xref": "paper",
            "xanchor": "left",
            "y": 1,
            "yref": "container",
            "yanchor": "top",
            "pad": {"t": fs * 1.6},
            "font": {"size": fs * 1.7},
        },
        legend={
            "orientation": "h",
            "x": 0,
            "xanchor": "left",
            "y": -fs * 2.3 / geo.plot_h,
            "yanchor": "top",
            "font": {"size": fs * 0.85},
            "itemsizing": "constant",
        },
    )
    for lane in lanes:
        fig.add_trace(
            dict(
                type="scatter",
                x=[None],
                y=[None],
                mode="markers",
                name=lane.label,
                xaxis="x",
                yaxis="y",
                legendgroup=lane.theme,
                marker={"symbol": "circle", "color": lane.color, "size": fs},
            )
        )
    for name, symbol in (
        ("exact date", "circle"),
        ("approximate (~)", "circle-open"),
        ("uncertain (?)", "diamond-open"),
    ):
        fig.add_trace(
            dict(
                type="scatter",
                x=[None],
                y=[None],
                mode="markers",
                name=name,
                xaxis="x",
                yaxis="y",
                marker={"symbol": symbol, "color": MUTED, "size": fs * 0.9},
            )
        )
    if footer:
        fig.add_annotation(
            x=0,
            y=0,
            xref="paper",
            yref="paper",
            xanchor="left",
            yanchor="bottom",
            yshift=-geo.margin["b"] + fs * 0.4,
            showarrow=False,
            text=html.escape(footer),
            font={"size": fs * 0.72, "color": MUTED},
            align="left",
        )
