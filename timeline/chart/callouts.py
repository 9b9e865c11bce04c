"""Callouts: boxes quoting the author on the events he dwells on, laid out so none overlap."""

from __future__ import annotations

import textwrap
from collections.abc import Sequence

import numpy as np
import pandas as pd

from timeline.chart.draft import Draft, escape, midpoint
from timeline.chart.geometry import Geometry


def commentary_excerpt(commentary: str, limit: int = 70) -> str:
    """The opening of the author's commentary, cut at a word, for a callout."""
    text = " ".join(commentary.split())
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0].rstrip(",;:")
    return cut + " …"


def place_labels(want: np.ndarray, widths: np.ndarray, span: float, gap: float):
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


def choose_callouts(items: pd.DataFrame, geo: Geometry, *, pins: Sequence[str], auto: bool):
    """The events that get a callout, strongest swing (either way) first, pins before all."""
    mid = midpoint(items)
    pinned = items["id"].isin(list(pins))
    wanted = pinned | (items["importance"].eq(3) & items["commentary"].ne("")) if auto else pinned
    keyed = items[wanted & items["tone"].notna() & (mid >= geo.x_lo) & (mid <= geo.x_hi)]
    keyed = keyed.assign(strength=keyed["tone"].abs() + 100 * keyed["id"].isin(list(pins)))
    return keyed.nlargest(geo.sizes.max_callouts, "strength", keep="first").sort_values("start")


def _callout_text(row, font: float, geo: Geometry) -> tuple[str, float]:
    s = geo.sizes
    chars = s.callout_chars
    title = textwrap.shorten(row.title, chars, placeholder="…")
    quote = textwrap.wrap(
        "“" + commentary_excerpt(row.commentary, s.callout_quote_chars) + "”", chars
    )
    if len(quote) > 2:
        quote = [quote[0], quote[1].rstrip(",;: …”") + " …”"]
    lines = [f"<b>{escape(title)}</b>"] + [f"<i>{escape(q)}</i>" for q in quote]
    width = geo.text_px(max(len(title), *(len(q) for q in quote)), font) + s.callout_pad_px
    return "<br>".join(lines), width


def add_callouts(
    fig: Draft, items: pd.DataFrame, geo: Geometry, *, author: str, pins=(), auto=True
) -> None:
    """Label the chosen events with the author's words, in two rows that never overlap."""
    keyed = choose_callouts(items, geo, pins=pins, auto=auto)
    if keyed.empty:
        return
    s, c = geo.sizes, geo.colors
    fs = geo.font * s.callout_font
    made = [_callout_text(row, fs, geo) for row in keyed.itertuples(index=False)]
    texts = [t for t, _ in made]
    widths = np.array([w for _, w in made])
    want = geo.x_to_px(midpoint(keyed))
    placed, rows = place_labels(want, widths, geo.plot_w, s.callout_gap_px)
    # Two rows hold only so much: leave out the weakest swings rather than push any box off
    # the chart.
    while len(keyed) > 1 and (placed - widths / 2 < -1).any():
        keep = np.arange(len(keyed)) != int(np.argmin(keyed["strength"].to_numpy()))
        keyed, want, widths = keyed[keep], want[keep], widths[keep]
        texts = [t for t, k in zip(texts, keep, strict=True) if k]
        placed, rows = place_labels(want, widths, geo.plot_w, s.callout_gap_px)
    row_paper = (
        1.0 - geo.px_to_paper(fs * s.callout_rows[0]),
        geo.callout_bottom + geo.px_to_paper(fs * s.callout_rows[1]),
    )
    order = np.argsort(rows, kind="stable")
    whens = list(midpoint(keyed))
    tones = keyed["tone"].to_numpy()
    ids = keyed["id"].to_numpy()
    for i in order:
        ay = geo.paper_to_px(row_paper[rows[i]]) - geo.paper_to_px(geo.tone_to_paper(tones[i]))
        fig.add_annotation(
            x=whens[i],
            y=tones[i],
            xref="x2",
            yref="y2",
            ax=geo.px_to_x(placed[i]),
            axref="x2",
            ay=ay,
            ayref="pixel",
            xanchor="center",
            yanchor="middle",
            text=texts[i],
            showarrow=True,
            arrowhead=0,
            arrowwidth=1,
            arrowcolor=c.leader,
            standoff=geo.font * s.callout_standoff,
            align="left",
            font={"size": fs, "color": c.ink},
            bgcolor=c.callout_fill,
            bordercolor=c.callout_border,
            borderwidth=1,
            borderpad=s.callout_border_pad_px,
            name=f"callout:{ids[i]}",
        )
    fig.add_annotation(
        x=1,
        y=1,
        xref="paper",
        yref="paper",
        xanchor="right",
        yanchor="bottom",
        showarrow=False,
        text=escape(f"Boxes quote the article's author, {author}"),
        font={"size": geo.font * s.note_font, "color": c.muted},
    )
