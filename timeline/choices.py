"""The choices a user picks from (formats, sizes, styles, callout modes), as plain constants.

Importing this costs nothing (no pandas, no plotly), so ``timeline --help`` can list the
choices at once. ``timeline.export`` and ``timeline.chart`` import them from here.
"""

from __future__ import annotations

PRESETS: dict[str, tuple[int, int]] = {
    "slide-16x9": (1920, 1080),
    "slide-4x3": (1600, 1200),
    # A4 landscape at CSS's 96 px per inch (297 x 210 mm), so a PDF page is exactly A4.
    "a4-landscape": (1123, 794),
    "square": (1080, 1080),
}
FORMATS = ("png", "svg", "pdf", "html")
STYLES = ("light", "dark")
CALLOUT_MODES = ("auto", "pinned", "none")
