"""What Python, the page's JavaScript and CSS, the benchmarks and the tests all rely on, named once.

Trace roles and ``meta`` keys are set on the chart's traces (``timeline.chart``) and read in the
browser (``assets/clientside.js``), by ``bench/`` and by the tests. Nothing here imports Dash, so
the chart (library core) can use it too.
"""

from __future__ import annotations

from types import SimpleNamespace

# Keys of a trace's ``meta`` dict and of the figure's ``layout.meta``.
META = SimpleNamespace(
    ROLE="role",  # what a trace draws (ROLES below)
    THEME="theme",  # the theme lane a trace belongs to
    VIEW="view",  # layout.meta: the URL query of the view a figure draws
    TITLE="title",  # layout.meta: the figure's title as plain text (an HTML export's <title>)
    BOX="box",  # layout.meta: [width, height] of the chart box the app's figure is laid out for
)

# What each trace draws, as ``meta[META.ROLE]``.
ROLES = SimpleNamespace(
    EVENTS="events",  # one marker per event in a theme lane (customdata: event ids)
    SPAN="span",  # faint bars: a date known only to the month, year or decade
    DURATION="duration",  # solid bars: an event that lasted
    DENSITY="density",  # a lane's density strip when events outnumber pixels
    SWING="swing",  # the smoothed tone line and its fills
    TONE="tone",  # one dot per rated event on the swing strip (customdata: event ids)
    SELECTED="selected",  # the ring around the selected event
    LEGEND="legend",  # legend-only entries of a slide
)

# The app's chart is laid out for exactly this size (callouts are placed in pixels).
APP_CHART_WIDTH = 720  # the chart box beside the filters and details at 1366×768
APP_CHART_HEIGHT = 600
# The chart box sizes the browser may report and the server lays a figure out for; anything
# else is not a box on a screen, and gets the size above.
CHART_BOX_WIDTHS = (280, 3000)
CHART_BOX_HEIGHTS = (240, 1600)

# The id of the JSON element the server puts in the page with ``browser_contract()``: the one
# name clientside.js spells itself.
# The filtered events as CSV, streamed (``timeline.downloads``); the query is the view's own.
CSV_DOWNLOAD_PATH = "download/events.csv"
CONTRACT_ELEMENT = "timeline-contract"
# The class on <html> while a shared link's view is on its way (set by clientside.js, dimmed by
# style.css, which names it too: tests/test_contract.py checks the two agree).
PENDING_CLASS = "view-pending"
# The class on <html> while a story plays (set by clientside.js; style.css and the keys use it).
STORY_CLASS = "story-mode"


# The element holding the page's first figure as JSON (first_paint.py writes it).
FIRST_FIGURE_ID = "first-paint-figure"
# Plotly's config for the app's chart: no logo, no camera (it saved a worse picture than
# Export image under the same name), no selection tools (nothing uses a selection).
CHART_CONFIG = {
    "displaylogo": False,
    "responsive": True,
    "modeBarButtonsToRemove": ["select2d", "lasso2d", "autoScale2d", "toImage"],
}


def browser_contract() -> dict:
    """What the page's JavaScript needs from Python: ids, meta keys, trace roles and sizes.

    Read when called, so what the page gets is what these definitions say at that moment.
    """
    from timeline import ids
    from timeline.access import CONTROL_NAMES, PHONE_HIDDEN_COLUMNS

    return {
        "ids": ids.all_ids(),
        "names": dict(CONTROL_NAMES),
        "phoneHiddenColumns": list(PHONE_HIDDEN_COLUMNS),
        "meta": dict(vars(META)),
        "roles": dict(vars(ROLES)),
        "chart": {
            "width": APP_CHART_WIDTH,
            "height": APP_CHART_HEIGHT,
            "widths": list(CHART_BOX_WIDTHS),
            "heights": list(CHART_BOX_HEIGHTS),
        },
        "chartConfig": CHART_CONFIG,
        "firstFigureId": FIRST_FIGURE_ID,
        "pendingClass": PENDING_CLASS,
        "storyClass": STORY_CLASS,
    }
