"""The timeline chart: theme lanes, eras, the relationship's swing and the author's callouts.

The package's face; everything outside the chart imports from here.
"""

from timeline.figures import (
    DEFAULT_MAX_MARKERS,
    FigureStyle,
    Lane,
    build_timeline_figure,
    padded_range,
    swing_curve,
    theme_lanes,
)

CALLOUT_MODES = ("auto", "pinned", "none")
STYLES = ("light", "dark")

__all__ = [
    "CALLOUT_MODES",
    "DEFAULT_MAX_MARKERS",
    "STYLES",
    "FigureStyle",
    "Lane",
    "build_timeline_figure",
    "padded_range",
    "swing_curve",
    "theme_lanes",
]
