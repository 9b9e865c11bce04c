"""What the page makes the browser fetch before the chart is live, and when.

Measured on the shipped data (headless Chromium, bench/first_paint_bench.py), the live chart
waited on: 2.8 MB of scripts, 1.3 MB of them AG Grid's, which the first view does not need (the
event list is drawn after the chart); then, only once every script had run, two requests for the
layout and the callbacks; then, once the layout was drawn, three more scripts (the graph,
dropdown and slider parts of dcc). The page itself carried the first view's figure twice (in
Dash's validation layout). Here the validation layout loses its data, the grid's script is left
out of the page and fetched once the chart is drawn (assets/clientside.js, showList), and the
requests are started from the page's head, so they travel while the scripts are read. (The graph
part of dcc is no longer fetched at all: Plotly draws the chart itself, see first_paint.py.)
"""

from __future__ import annotations

import copy
import json
import re

from dash import Dash
from dash.development.base_component import Component

from timeline import guard

DEFERRED_ELEMENT = "timeline-deferred"  # JSON: {name: script URL}, read by clientside.js
# The scripts dcc fetches when the page's layout first shows a dropdown and a slider.
FIRST_VIEW_CHUNKS = ("async-dropdown.js", "async-slider.js")
_DATA_PROPS = ("figure", "data", "rowData")
# Dash's renderer looks the grid's library up as it starts; the real one replaces this stand-in.
GRID_STAND_IN = "window.dash_ag_grid = {AgGrid: function () { return null; }};"
_STAND_IN = f"<script>{GRID_STAND_IN}</script>"
_GRID_SCRIPT = re.compile(r'<script src="([^"]*/dash_ag_grid/[^"]*\.js)"></script>\s*')
# Scripts Dash puts in every page that this page does not use: Babel's polyfill for old
# browsers (its one use in current ones, regeneratorRuntime, comes from assets/ instead; it also
# swaps String.prototype.trim for a slower copy, which Plotly calls as it draws) and the
# DataTable bundle (the event list is an AG Grid).
_UNUSED_SCRIPTS = re.compile(
    r'<script src="[^"]*/dash/(?:deps/polyfill@|dash_table/bundle)[^"]*\.js"></script>\s*'
)


def install(app: Dash) -> None:
    """Have ``app``'s page fetch what the first view needs at once and the grid afterwards.

    Call it once ``app.validation_layout`` is set.
    """
    app.validation_layout = without_data(app.validation_layout)
    guard.allow_inline_script(app, GRID_STAND_IN)
    plain = app.interpolate_index
    prefix = app.config.requests_pathname_prefix

    def interpolate_index(**parts):
        scripts, deferred = defer_grid(_UNUSED_SCRIPTS.sub("", parts["scripts"]))
        data = json.dumps(deferred).replace("<", "\\u003c")
        parts["scripts"] = (
            f'<script type="application/json" id="{DEFERRED_ELEMENT}">{data}</script>\n{scripts}'
        )
        parts["css"] = preload_links(prefix) + parts["css"]
        return plain(**parts)

    app.interpolate_index = interpolate_index


def without_data(layout: Component) -> Component:
    """A copy of ``layout`` without the data its components hold (figures, stores, rows).

    Dash 4 writes the validation layout into every page, and it holds the page's own layout:
    the first view's figure and rows, sent a second time (200 kB on the shipped data) for a
    check that needs only the ids and property names.
    """
    slim = copy.deepcopy(layout)
    for node in slim._traverse():
        for prop in _DATA_PROPS:
            if getattr(node, prop, None) is not None:
                setattr(node, prop, None)
    return slim


def defer_grid(scripts: str) -> tuple[str, dict[str, str]]:
    """``scripts`` without AG Grid's, and its URL by name (none found: nothing deferred)."""
    found = _GRID_SCRIPT.search(scripts)
    if not found:
        return scripts, {}
    return scripts[: found.start()] + _STAND_IN + scripts[found.end() :], {"grid": found.group(1)}


def preload_links(prefix: str) -> str:
    """Links that start the layout, callback and first-view chunk requests from the head.

    ``crossorigin`` makes each preload match the request Dash makes with ``fetch`` (same
    mode and credentials), so the browser hands over the response instead of asking again.
    """
    fetches = [f"{prefix}_dash-layout", f"{prefix}_dash-dependencies"]
    chunks = [f"{prefix}_dash-component-suites/dash/dcc/{name}" for name in FIRST_VIEW_CHUNKS]
    return "".join(
        [f'<link rel="preload" href="{url}" as="fetch" crossorigin>' for url in fetches]
        + [f'<link rel="preload" href="{url}" as="script">' for url in chunks]
    )
