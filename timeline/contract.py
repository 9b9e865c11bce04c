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
APP_CHART_WIDTH = 1000
APP_CHART_HEIGHT = 600
