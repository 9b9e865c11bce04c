"""The timeline chart: theme lanes, eras, the relationship's swing and the author's callouts.

``build_timeline_figure`` is a pure function from events to a Plotly figure; the app and the
image export both call it, the export with ``presentation=True``. Everything outside the chart
imports from here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import pandas as pd
import plotly.graph_objects as go

from timeline.chart.callouts import Box, Spacing, add_callouts, place_boxes
from timeline.chart.chrome import Chrome, add_chrome, slide_text
from timeline.chart.draft import Draft, HoverTexts
from timeline.chart.eras import add_eras
from timeline.chart.geometry import FigureStyle, Geometry, padded_range
from timeline.chart.lanes import (
    DEFAULT_MAX_MARKERS,
    SYMBOL_KEY,
    Lane,
    add_lanes,
    add_selection,
    theme_lanes,
)
from timeline.chart.style import DARK, LIGHT, PALETTE, SIZES, SLIDE_FONTS, TONE, contrast
from timeline.chart.swing import add_swing, swing_curve
from timeline.choices import CALLOUT_MODES, STYLES  # plain constants the CLI lists at once

__all__ = [
    "CALLOUT_MODES",
    "DARK",
    "DEFAULT_MAX_MARKERS",
    "LIGHT",
    "PALETTE",
    "SIZES",
    "SLIDE_FONTS",
    "STYLES",
    "SYMBOL_KEY",
    "TONE",
    "Box",
    "FigureStyle",
    "Lane",
    "Spacing",
    "build_timeline_figure",
    "contrast",
    "padded_range",
    "place_boxes",
    "swing_curve",
    "theme_lanes",
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

    ``callouts``: "auto" (the presenter's ``pins`` plus the events the author dwells on, and
    every event when few are in view), "pinned" (only ``pins``) or "none"; see
    ``timeline.chart.callouts`` for the rule when not all fit.

    ``as_dict`` returns the same figure as plain ``{"data", "layout"}`` dicts, which is what the
    app sends to the browser: it skips the graph object's copy of every property.
    """
    style = style or FigureStyle()
    x_range = padded_range(events) if x_range is None else x_range
    is_era = events["kind"].eq("era")
    eras = events[is_era]
    items = events[~is_era] if len(eras) else events  # no copy of a large frame without eras
    chrome = Chrome(title, subtitle, footer, author, count=len(items))
    text = slide_text(chrome, style)
    geo = Geometry(style, [lane.label for lane in lanes], x_range, text=text.block)
    fig = Draft()
    hover = HoverTexts()
    add_swing(fig, items, geo, hover=hover, max_markers=max_markers)
    marked = add_lanes(fig, items, lanes, geo, max_markers=max_markers, hover=hover)
    quoted = False
    if callouts != "none":
        quoted = add_callouts(fig, items, marked, geo, pins=pins, auto=callouts == "auto")
    else:
        geo.set_callout_band(0.0)
    add_eras(fig, eras, geo)
    if selected:
        add_selection(fig, selected, geo)
    chrome = replace(chrome, shown=int(marked["id"].nunique()))
    add_chrome(fig, lanes, geo, chrome=chrome, text=text, quoted=quoted)
    return {"data": fig.data, "layout": fig.layout} if as_dict else fig.figure()
