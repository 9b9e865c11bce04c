"""Every size, ratio and colour the chart uses, named once.

Sizes are multiples of the chart's font size unless their name says otherwise, so one edit here
changes the chart everywhere; tests import these instead of copying numbers.
"""

from __future__ import annotations

from dataclasses import dataclass

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
FONT_FAMILY = "Inter, 'Segoe UI', 'Helvetica Neue', Arial, sans-serif"


@dataclass(frozen=True)
class Colors:
    """The chart's colours (themes take theirs from ``PALETTE``)."""

    ink: str = "#1f2933"
    muted: str = "#52606d"
    cooperation: str = "#007a5a"
    hostility: str = "#b34700"
    era_fills: tuple[str, str] = ("rgba(82,96,109,0.08)", "rgba(82,96,109,0.15)")
    background: str = "#ffffff"
    grid: str = "#eef1f4"
    lane_line: str = "#e4e7eb"
    zero_line: str = "#9aa5b1"
    leader: str = "#52606d"
    callout_fill: str = "rgba(255,255,255,0.96)"
    callout_border: str = "#9aa5b1"
    slider: str = "#f5f7fa"
    marker_edge: str = "#ffffff"
    hover_fill: str = "#ffffff"


LIGHT = Colors()
DARK = Colors(
    ink="#f1f5f9",
    muted="#cbd5e1",
    cooperation="#4ade80",
    hostility="#fdba74",
    era_fills=("rgba(226,232,240,0.06)", "rgba(226,232,240,0.12)"),
    background="#0f172a",
    grid="#1e293b",
    lane_line="#334155",
    zero_line="#64748b",
    leader="#cbd5e1",
    callout_fill="rgba(15,23,42,0.96)",
    callout_border="#94a3b8",
    slider="#1e293b",
    marker_edge="#0f172a",
    hover_fill="#1e293b",
)
STYLES = {"light": LIGHT, "dark": DARK}


def _luminance(hex_color: str) -> float:
    def channel(c: int) -> float:
        v = c / 255
        return v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4

    r, g, b = (int(hex_color[i : i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast(a: str, b: str) -> float:
    """WCAG 2 contrast ratio of two ``#rrggbb`` colours (1 to 21)."""
    hi, lo = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def readable(color: str, background: str, ratio: float = 4.5) -> str:
    """``color``, darkened or lightened just enough to reach ``ratio`` against ``background``."""
    toward = 0 if _luminance(background) > 0.5 else 255
    r, g, b = (int(color[i : i + 2], 16) for i in (1, 3, 5))
    for step in range(21):
        t = step / 20
        mixed = "#{:02x}{:02x}{:02x}".format(*(round(c + (toward - c) * t) for c in (r, g, b)))
        if contrast(mixed, background) >= ratio:
            return mixed
    return "#000000" if toward == 0 else "#ffffff"


@dataclass(frozen=True)
class ToneScale:
    """The swing strip's axis: the Goldstein scale, −10 to +10, with a little room at the ends."""

    lo: float = -10.5
    hi: float = 10.5
    ticks: tuple[int, ...] = (-10, 0, 10)
    tick_text: tuple[str, ...] = ("−10", "0", "+10")

    @property
    def span(self) -> float:
        return self.hi - self.lo


TONE = ToneScale()


@dataclass(frozen=True)
class Fonts:
    """Font sizes in pixels."""

    base: float  # tick labels and lane names
    callout: float  # the callout boxes
    small: float  # the smallest text: notes, legend, footer, era names, tone ticks
    title: float
    subtitle: float

    def scaled(self, k: float) -> Fonts:
        return Fonts(
            *(v * k for v in (self.base, self.callout, self.small, self.title, self.subtitle))
        )


APP_FONTS = Fonts(base=13, callout=12, small=11, title=22, subtitle=14)
# A slide's fonts at 1920×1080: 24 px is 12 pt on a 13.33-inch slide, legible at the back of a
# room. Other sizes scale with the square root of their area, so a square or A4 page keeps the
# same proportion of text to picture.
SLIDE_FONTS = Fonts(base=26, callout=28, small=24, title=46, subtitle=30)
SLIDE_REFERENCE_PX = (1920, 1080)


@dataclass(frozen=True)
class Sizes:
    """Sizes as multiples of the base font size, unless named ``_px``, ``_fraction`` and so on."""

    line_height: float = 1.3  # Plotly's line spacing for multi-line text, in font sizes
    margin_left_pad: float = 1.2  # beside the lane names
    margin_right: float = 1.8  # room for the last year's tick label
    margin_top_app: float = 1.6  # room for the note over the callouts
    margin_bottom_app: float = 6.8  # room for the range slider and its labels
    slide_pad: float = 0.8  # between a slide's edge and its title or footer
    slide_gap: float = 0.6  # between a slide's title block and the plot, ticks and legend
    plot_min_px: float = 200
    tone_gap: float = 0.5  # between the callouts and the swing strip
    tone_min: float = 4.0  # in small-font sizes: room for its three tick labels
    lane_min: float = 1.0  # each lane's least height, so sub-rows of markers stay apart
    tone_fraction: float = 0.26  # of the height left for the swing strip and the lanes
    era_rows: int = 2  # rows of era names above the lanes
    tick_len_px: float = 4
    # Lanes
    marker_gap: float = 0.95  # neighbours closer than this share a lane on different sub-rows
    sub_rows: tuple[float, ...] = (0.0, -0.27, 0.27, -0.14, 0.14)  # offsets in lane heights
    span_width: float = 0.75
    span_opacity: float = 0.28
    duration_width: float = 0.45
    duration_opacity: float = 0.6
    marker_base: float = 0.45
    marker_per_importance: float = 0.2
    marker_edge_px: float = 1.4
    density_gap: float = 0.8
    density_bins_max: int = 400
    density_px_per_bin: float = 3
    # Swing strip
    swing_fill_alpha: float = 0.22
    swing_line_px: float = 1.5
    tone_dot_base: float = 0.2
    tone_dot_per_importance: float = 0.12
    tone_dot_opacity: float = 0.7
    # Callouts
    callout_band_fraction: float = 0.46  # at most this much of the plot's height
    callout_width_fraction: float = 0.34  # a box's text at most this much of the plot's width
    callout_width_chars: float = 17  # and at most this many callout-font ems
    callout_pad: float = 0.3  # inside the box, in callout-font sizes
    callout_gap: float = 0.45  # between boxes
    leader_clearance: float = 0.3  # between a box and another box's leader line
    leader_attach: float = 0.5  # a leader meets its box at least this far from the corner
    leader_px: float = 1.5
    max_callouts: int = 12
    spread_bins: int = 6  # the best callout of each sixth of the view is tried first
    few_events: int = 15  # at most this many events in view: every one is labelled
    # Marks and notes
    selection_px: float = 22
    selection_line_px: float = 2.5
    slider_thickness_fraction: float = 0.05
    side_label_x_fraction: float = 0.003  # "▲ cooperation" / "▼ hostility"
    legend_marker: float = 0.9


SIZES = Sizes()
