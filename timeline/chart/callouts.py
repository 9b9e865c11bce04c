"""Callouts: boxes naming events and quoting the author, each tied to its marker by a leader.

Which events get one, in order, when not all fit:
1. the presenter's pins;
2. (callouts "auto") events with an author's callout (the ``callout`` column: a verbatim passage
   of the commentary, at most 120 characters), the strongest swings first;
3. (callouts "auto") when at most ``Sizes.few_events`` events are in view, every other event,
   named by its label.
A box shows the event's label (or title) and the whole passage, wrapped, never cut: when boxes do
not all fit, the lowest in that order are left out, never shortened. Leaders run straight down
from a box to the event's marker in its lane, so no two cross, and no box is placed over
another box's leader.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from timeline.chart.draft import Draft, escape
from timeline.chart.geometry import Geometry
from timeline.chart.text import widest, wrap_to_width

CALLOUT_MAX = 120


@dataclass(frozen=True)
class Box:
    """A callout to place, in pixels from the band's top left: its event's marker (x, y, below
    the band), its size, and its priority (higher placed first)."""

    x: float
    y: float
    width: float
    height: float
    priority: float


@dataclass(frozen=True)
class Spacing:
    """Gaps the placement keeps, in pixels."""

    gap: float  # between two boxes
    clearance: float  # between a box and another box's leader
    attach: float  # a leader meets its box at least this far from the box's corner


@dataclass(frozen=True)
class Spot:
    """Where a box went: its top left, and where its leader leaves its bottom edge."""

    left: float
    top: float
    attach_x: float


def place_boxes(
    boxes: Sequence[Box], *, span: float, band: float, spacing: Spacing
) -> list[Spot | None]:
    """A spot for each box in a band ``span`` wide and ``band`` high, or None if left out.

    A leader runs straight from the bottom edge of its box (below the box's own x where it can)
    to its marker. Boxes do not overlap; no leader crosses another leader or runs through another
    box. Greedy, trying a few orders (priority, left to right, right to left) and
    keeping the one that places the most priority; the cost depends only on the number of boxes.
    """
    n = len(boxes)
    if n == 0:
        return []
    xs = np.array([b.x for b in boxes])
    prio = np.array([b.priority for b in boxes])
    orders = (
        np.argsort(-prio, kind="stable"),
        np.argsort(xs, kind="stable"),
        np.argsort(-xs, kind="stable"),
    )
    best: list[Spot | None] = [None] * n
    best_score = -1.0
    for order in orders:
        result = _place_in_order(boxes, order, span=span, band=band, spacing=spacing)
        score = sum(p for p, r in zip(prio, result, strict=True) if r is not None)
        if score > best_score + 1e-9:
            best, best_score = result, score
        if all(r is not None or p < 1_000 for p, r in zip(prio, result, strict=True)):
            break  # every pin and quote placed: other orders are for those, not for names
    return best


def _place_in_order(boxes, order, *, span, band, spacing) -> list[Spot | None]:
    placed: list[tuple[Box, Spot]] = []
    out: list[Spot | None] = [None] * len(boxes)
    for i in order:
        spot = _first_fit(boxes[i], placed, span=span, band=band, sp=spacing)
        if spot is not None:
            placed.append((boxes[i], spot))
            out[i] = spot
    return out


def _first_fit(b: Box, placed, *, span: float, band: float, sp: Spacing) -> Spot | None:
    """The highest, then most centred, spot for ``b`` that breaks no rule with ``placed``.

    Every candidate spot is checked against every placed box at once (numpy), so a callout
    costs a few array operations whatever the chart holds.
    """
    if b.width > span or b.height > band:
        return None
    lefts = [b.x - b.width / 2, b.x - sp.attach, b.x - b.width + sp.attach]
    tops = [0.0, band - b.height]
    for o, spot in placed:
        lefts += [spot.left + o.width + sp.gap, spot.left - sp.gap - b.width]
        lefts += [o.x + sp.clearance, o.x - sp.clearance - b.width]
        lefts += [spot.attach_x + sp.clearance, spot.attach_x - sp.clearance - b.width]
        tops.append(spot.top + o.height + sp.gap)
    lefts_arr = np.unique(np.clip(np.array(lefts), 0, span - b.width))
    lefts_arr = lefts_arr[np.argsort(np.abs(lefts_arr + b.width / 2 - b.x), kind="stable")]
    tops_arr = np.array(sorted(t for t in set(tops) if 0 <= t <= band - b.height + 1e-6))
    if not len(tops_arr):
        return None
    # Highest first, then nearest centred. Most boxes fit in the top row: try it alone, then
    # every other row in one go.
    for rows in (tops_arr[:1], tops_arr[1:]):
        if not len(rows):
            break
        left = np.tile(lefts_arr, len(rows))
        top = np.repeat(rows, len(lefts_arr))
        attach = np.clip(b.x, left + sp.attach, left + b.width - sp.attach)
        ok = ~conflicts(b, (left, top, attach), placed, sp)
        if ok.any():
            k = int(np.argmax(ok))
            return Spot(float(left[k]), float(top[k]), float(attach[k]))
    return None


def _x_at(a, b, y):
    """x of the segment from point a to point b (a above b) at height y (numpy broadcast)."""
    return a[0] + (b[0] - a[0]) * (y - a[1]) / np.maximum(b[1] - a[1], 1e-9)


def _leader_in_rect(a, b, rect):
    """Whether leaders from a down to b pass through rectangles (left, top, right, bottom)."""
    left, top, right, bottom = rect
    y0 = np.maximum(top, a[1])
    y1 = np.minimum(bottom, b[1])
    xa, xb = _x_at(a, b, y0), _x_at(a, b, y1)
    lo, hi = np.minimum(xa, xb), np.maximum(xa, xb)
    return (y0 <= y1) & (hi >= left) & (lo <= right)


def conflicts(b: Box, spots, placed: Sequence[tuple[Box, Spot]], sp: Spacing) -> np.ndarray:
    """For candidate ``spots`` of ``b`` (arrays: left, top, attach x), whether each one
    overlaps a placed box (with a gap), or its leader meets a placed box or leader (with a
    clearance), or a placed leader runs through it."""
    left, top, attach = (np.asarray(v, dtype=float)[:, None] for v in spots)
    if not placed:
        return np.zeros(len(left), dtype=bool)
    o_l = np.array([p.left for _, p in placed])[None, :]
    o_t = np.array([p.top for _, p in placed])[None, :]
    o_r = o_l + np.array([o.width for o, _ in placed])[None, :]
    o_b = o_t + np.array([o.height for o, _ in placed])[None, :]
    o_ax = np.array([p.attach_x for _, p in placed])[None, :]
    o_mx = np.array([o.x for o, _ in placed])[None, :]
    o_my = np.array([o.y for o, _ in placed])[None, :]
    c, g = sp.clearance, sp.gap
    right, bottom = left + b.width, top + b.height
    overlap = (o_l < right + g) & (left < o_r + g) & (o_t < bottom + g) & (top < o_b + g)
    mine = _leader_in_rect((attach, bottom), (b.x, b.y), (o_l - c, o_t - c, o_r + c, o_b + c))
    theirs = _leader_in_rect((o_ax, o_b), (o_mx, o_my), (left - c, top - c, right + c, bottom + c))
    # Two leaders going down meet where their difference in x changes sign (or comes within
    # the clearance) over the heights they share.
    y0, y1 = np.maximum(bottom, o_b), np.minimum(b.y, o_my)
    mine_ends, theirs_ends = ((attach, bottom), (b.x, b.y)), ((o_ax, o_b), (o_mx, o_my))
    d0 = _x_at(*mine_ends, y0) - _x_at(*theirs_ends, y0)
    d1 = _x_at(*mine_ends, y1) - _x_at(*theirs_ends, y1)
    cross = (y0 <= y1) & ((np.sign(d0) != np.sign(d1)) | (np.minimum(abs(d0), abs(d1)) < 1))
    return (overlap | mine | theirs | cross).any(axis=1)


@dataclass(frozen=True)
class CalloutText:
    label: list[str]
    quote: list[str]


def _quote_of(row) -> str:
    """The author's words a box may show in full: the callout passage, or a short commentary."""
    callout = " ".join(str(getattr(row, "callout", "") or "").split())
    if callout:
        return callout
    commentary = " ".join(row.commentary.split())
    return commentary if 0 < len(commentary) <= CALLOUT_MAX else ""


_BOX_COLUMNS = ("id", "title", "label", "callout", "commentary", "start", "start_hi", "importance")


def choose_callouts(items: pd.DataFrame, geo: Geometry, *, pins: Sequence[str], auto: bool):
    """The candidate events, best first (see the module's rule), and whether so few events are
    in view that every one must be named.

    Among the author's callouts, the strongest in each sixth of the view comes first, so a slide
    of seventy years is not all about one of them. Whole-column numpy work, then a handful of
    rows: the cost grows with the events only through a few vectorised passes.
    """
    s = geo.sizes
    start = items["start"].to_numpy().astype("datetime64[ms]").astype("int64")
    start_hi = items["start_hi"].to_numpy().astype("datetime64[ms]").astype("int64")
    mid = start + (start_hi - start) // 2
    lo, hi = (np.datetime64(t, "ms").astype("int64") for t in (geo.x_lo, geo.x_hi))
    in_view = (mid >= lo) & (mid <= hi)
    pinned = np.isin(items["id"].to_numpy(), list(pins))
    commentary = items["commentary"].to_numpy()
    has_quote = commentary != ""
    if "callout" in items:
        has_quote &= items["callout"].to_numpy() != ""
    else:
        has_quote &= items["importance"].to_numpy() == 3
    few = bool(auto and int(in_view.sum()) <= s.few_events)
    wanted = pinned | (has_quote if auto else False) | few
    idx = np.flatnonzero(wanted & in_view)
    tone = np.nan_to_num(np.abs(items["tone"].to_numpy(dtype=float)[idx]))
    priority = 10_000.0 * pinned[idx] + 1_000 * has_quote[idx]
    priority += 10 * items["importance"].to_numpy()[idx] + tone
    sixth = np.clip((mid[idx] - lo) * s.spread_bins // max(hi - lo, 1), 0, s.spread_bins - 1)
    for b in np.unique(sixth):
        members = np.flatnonzero((sixth == b) & has_quote[idx])
        if len(members):
            priority[members[np.argmax(priority[members])]] += 500
    limit = max(s.max_callouts, s.few_events if few else 0, len(pins))
    best = np.argsort(-priority, kind="stable")[:limit]
    # Only the columns a box needs: itertuples over every column cost more than the placement.
    columns = [c for c in _BOX_COLUMNS if c in items]
    return items.iloc[idx[best]][columns].assign(priority=priority[best]), few


def callout_text(row, geo: Geometry, *, quote: bool) -> CalloutText:
    f, s = geo.fonts, geo.sizes
    max_px = min(geo.plot_w * s.callout_width_fraction, f.callout * s.callout_width_chars)
    label = str(getattr(row, "label", "") or "") or row.title
    words = _quote_of(row) if quote else ""
    return CalloutText(
        label=wrap_to_width(label, f.callout, max_px, bold=True),
        quote=wrap_to_width(f"“{words}”", f.callout, max_px) if words else [],
    )


def box_size(text: CalloutText, geo: Geometry) -> tuple[float, float]:
    """(width, height) in pixels of the box holding ``text``, padding and border included."""
    f, s = geo.fonts, geo.sizes
    inner = max(widest(text.label, f.callout, bold=True), widest(text.quote, f.callout))
    lines = len(text.label) + len(text.quote)
    pad = f.callout * s.callout_pad
    return inner + 2 * pad + 2, lines * f.callout * s.line_height + 2 * pad + 2


def add_callouts(
    fig: Draft, items: pd.DataFrame, marked: pd.DataFrame, geo: Geometry, **choice
) -> bool:
    """Draw the callouts chosen by ``choice`` (``pins``, ``auto``); True if any quotes the author.

    ``marked`` holds the drawn markers (id, y): a leader ends at the event's topmost marker.
    Shrinks the callout band in ``geo`` to what the boxes use.
    """
    keyed, must = choose_callouts(items, geo, pins=choice["pins"], auto=choice["auto"])
    top_y = marked.groupby("id")["y"].min() if len(marked) else pd.Series(dtype=float)
    keyed = keyed[keyed["id"].isin(top_y.index)]
    s, f = geo.sizes, geo.fonts
    spacing = Spacing(f.base * s.callout_gap, f.base * s.leader_clearance, f.base * s.leader_attach)
    rows = list(keyed.itertuples(index=False))
    pinned = set(choice["pins"])
    # Quotes first; if that leaves events out where every event should be named, name them
    # all with fewer quotes (pins keep theirs); if even that fails, keep the quotes.
    modes = ("all", "pins", "none") if pinned else ("all", "none")
    first = None
    for quotes in modes if must else modes[:1]:
        texts = [callout_text(r, geo, quote=quotes == "all" or r.id in pinned) for r in rows]
        boxes = [_box(r, t, geo, float(top_y[r.id])) for r, t in zip(rows, texts, strict=True)]
        spots = place_boxes(boxes, span=geo.plot_w, band=geo.band_max_px, spacing=spacing)
        first = first or (texts, boxes, spots)
        if all(spot is not None for spot in spots):
            break
    else:
        texts, boxes, spots = first
    drawn = [
        (r, t, b, spot) for r, t, b, spot in zip(rows, texts, boxes, spots, strict=True) if spot
    ]
    _shrink_band(geo, [(float(top_y[r.id]), b, spot) for r, _, b, spot in drawn], spacing)
    for row, text, box, spot in drawn:
        _draw(fig, row, text=text, box=box, spot=spot, geo=geo, lane_y=float(top_y[row.id]))
    return any(text.quote for _, text, _, _ in drawn)


def _box(row, text: CalloutText, geo: Geometry, lane_y: float) -> Box:
    width, height = box_size(text, geo)
    return Box(
        x=float(geo.x_to_px(row.start + (row.start_hi - row.start) / 2)),
        y=geo.paper_to_px(geo.lane_to_paper(lane_y)),
        width=width,
        height=height,
        priority=float(row.priority),
    )


def _shrink_band(geo: Geometry, drawn: list[tuple[float, Box, Spot]], sp: Spacing) -> None:
    """Give the lanes what the boxes leave, unless lifting the markers would break a rule.

    ``drawn``: (lane position of the marker, box, spot) for each callout drawn.
    """
    full = geo.band_px
    used = max((spot.top + b.height for _, b, spot in drawn), default=0.0)
    geo.set_callout_band(used + (sp.gap if drawn else 0.0))
    lifted = [
        (replace(b, y=geo.paper_to_px(geo.lane_to_paper(lane_y))), spot)
        for lane_y, b, spot in drawn
    ]
    for i, (b, spot) in enumerate(lifted):
        others = lifted[:i] + lifted[i + 1 :]
        if conflicts(b, ([spot.left], [spot.top], [spot.attach_x]), others, sp)[0]:
            geo.set_callout_band(full)
            return


def _draw(fig: Draft, row, *, text: CalloutText, box: Box, spot: Spot, geo: Geometry, lane_y):
    s, f, c = geo.sizes, geo.fonts, geo.colors
    left, top = spot.left, spot.top
    pad = f.callout * s.callout_pad
    lines = [f"<b>{escape(line)}</b>" for line in text.label]
    lines += [f"<i>{escape(line)}</i>" for line in text.quote]
    fig.add_annotation(
        x=geo.px_to_x(left),
        xref="x",
        xanchor="left",
        y=1 - geo.px_to_paper(top),
        yref="paper",
        yanchor="top",
        width=box.width - 2 * pad - 2,
        height=box.height - 2 * pad - 2,
        text="<br>".join(lines),
        showarrow=False,
        align="left",
        valign="middle",
        font={"size": f.callout, "color": c.ink},
        bgcolor=c.callout_fill,
        bordercolor=c.callout_border,
        borderwidth=1,
        borderpad=pad,
        name=f"callout:{row.id}",
    )
    when = row.start + (row.start_hi - row.start) / 2
    radius = f.base * (s.marker_base + s.marker_per_importance * row.importance) / 2
    fig.add_shape(
        type="line",
        xref="x",
        yref="paper",
        x0=geo.px_to_x(spot.attach_x),
        x1=when,
        y0=1 - geo.px_to_paper(top + box.height),
        y1=geo.lane_to_paper(lane_y) + geo.px_to_paper(radius + 1),
        line={"color": c.leader, "width": s.leader_px},
        name=f"leader:{row.id}",
        layer="above",
    )
