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
    cooperation: str = "#009E73"
    hostility: str = "#D55E00"
    era_fills: tuple[str, str] = ("rgba(82,96,109,0.08)", "rgba(82,96,109,0.15)")
    background: str = "white"
    grid: str = "#eef1f4"
    lane_line: str = "#e4e7eb"
    zero_line: str = "#9aa5b1"
    leader: str = "#9aa5b1"
    callout_fill: str = "rgba(255,255,255,0.92)"
    callout_border: str = "#cbd2d9"
    slider: str = "#f5f7fa"
    marker_edge: str = "white"


LIGHT = Colors()


@dataclass(frozen=True)
class ToneScale:
    """The swing strip's axis: the Goldstein scale, −10 to +10, with a little room at the ends."""

    lo: float = -10.5
    hi: float = 10.5
    ticks: tuple[int, ...] = (-10, -5, 0, 5, 10)
    tick_text: tuple[str, ...] = ("−10", "−5", "0", "+5", "+10")

    @property
    def span(self) -> float:
        return self.hi - self.lo


TONE = ToneScale()


@dataclass(frozen=True)
class Sizes:
    """Sizes as multiples of the font size, unless the name ends in ``_px``, ``_fraction`` etc."""

    app_font_px: float = 13
    # Slides scale the app's font with the image, between these bounds.
    slide_font_min_px: float = 12
    slide_font_max_px: float = 26
    slide_reference_px: tuple[int, int] = (1100, 620)
    # The average glyph width of the chart's sans-serif, for laying out text before it is drawn.
    char_width: float = 0.56
    margin_left: float = 9.5
    margin_right: float = 1.8
    margin_top_app: float = 1.5
    margin_top_slide: float = 6.4
    margin_bottom_app: float = 6.8  # room for the range slider and its labels
    margin_bottom_slide: float = 6.4  # room for the legend and the footer
    plot_min_px: float = 200
    callout_band: float = 8.6  # the two rows of callouts above the swing strip
    era_band: float = 2.7  # the two rows of era labels above the lanes
    tone_gap: float = 0.5  # between the callouts and the swing strip
    tone_min_px: float = 70
    tone_fraction: float = 0.28  # of the height left for the swing strip and the lanes
    era_label_rows: tuple[float, float] = (0.7, 1.85)  # below the swing strip
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
    callout_font: float = 0.8
    callout_chars: int = 26  # characters per line
    callout_quote_chars: int = 52
    callout_pad_px: float = 8
    callout_gap_px: float = 6
    callout_rows: tuple[float, float] = (2.3, 2.0)  # row centres: below the top, above the strip
    callout_standoff: float = 0.3
    callout_border_pad_px: float = 3
    max_callouts: int = 12
    # Labels and notes
    note_font: float = 0.72
    era_font: float = 0.82
    empty_font: float = 1.3
    axis_title_font: float = 0.9
    tone_tick_font: float = 0.8
    selection_px: float = 22
    selection_line_px: float = 2.5
    tick_len_px: float = 4
    slider_thickness_fraction: float = 0.05
    side_label_x_fraction: float = 0.003  # "▲ cooperation" / "▼ hostility"
    # Slide chrome
    title_font: float = 1.7
    subtitle_font: float = 1.05
    title_pad: float = 1.6
    legend_font: float = 0.85
    legend_offset: float = 2.3  # below the plot
    legend_marker: float = 1.0
    legend_symbol_marker: float = 0.9
    footer_lift: float = 0.4


SIZES = Sizes()
