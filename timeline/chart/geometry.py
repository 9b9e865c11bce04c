"""How big the chart is and where each part of it sits, in paper fractions and pixels."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from timeline.chart.style import (
    APP_FONTS,
    FONT_FAMILY,
    SIZES,
    SLIDE_FONTS,
    SLIDE_REFERENCE_PX,
    STYLES,
    TONE,
    Colors,
    Fonts,
    Sizes,
)
from timeline.chart.text import text_width

_MS = pd.Timedelta(milliseconds=1)


@dataclass(frozen=True)
class FigureStyle:
    """Size and look. ``presentation`` is the slide look: titles, legend, footer, no slider."""

    width: int = 1300
    height: int = 640
    presentation: bool = False
    transparent: bool = False
    theme: str = "light"  # "light" or "dark": the background the slide sits on
    font_family: str = FONT_FAMILY
    # Slide text larger than the size alone gives: for a chart shown smaller than its pixels,
    # such as a picture beside text on a deck's slide.
    text_scale: float = 1.0
    sizes: Sizes = field(default=SIZES, repr=False)

    @property
    def fonts(self) -> Fonts:
        if not self.presentation:
            return APP_FONTS
        ref_w, ref_h = SLIDE_REFERENCE_PX
        area = math.sqrt(self.width * self.height / (ref_w * ref_h))
        return SLIDE_FONTS.scaled(area * self.text_scale)

    @property
    def font_size(self) -> float:
        return self.fonts.base

    @property
    def colors(self) -> Colors:
        return STYLES.get(self.theme, STYLES["light"])


@dataclass(frozen=True)
class TextBlock:
    """Lines of slide text around the plot: how many of each, for the margins."""

    title: int = 0
    subtitle: int = 0
    footer: int = 0
    key: int = 1


class Geometry:
    """Where each part of the chart sits for one style, set of lanes and date range."""

    def __init__(
        self,
        style: FigureStyle,
        lane_labels: Sequence[str],
        x_range,
        *,
        text: TextBlock = TextBlock(),
    ) -> None:
        s = self.sizes = style.sizes
        self.style = style
        self.colors = style.colors
        self.fonts = style.fonts
        fs = self.font = self.fonts.base
        self.line = s.line_height
        self.margin = {
            "l": int(self._left_margin(lane_labels)),
            "r": int(fs * s.margin_right),
            "t": int(self._top_margin(text)),
            "b": int(self._bottom_margin(text)),
        }
        self.plot_h = max(s.plot_min_px, style.height - self.margin["t"] - self.margin["b"])
        self.plot_w = max(s.plot_min_px, style.width - self.margin["l"] - self.margin["r"])
        self.lane_count = max(len(lane_labels), 1)
        self.x_lo, self.x_hi = (pd.Timestamp(v) for v in x_range)
        self.ms_per_px = (self.x_hi - self.x_lo) / _MS / self.plot_w
        # The callouts may take up to a share of the height, but never the lanes' least room.
        f = self.fonts
        era_px = f.small * s.line_height * s.era_rows + f.base * 0.3
        below = f.small * s.tone_min + f.base * s.tone_gap + era_px
        lanes_min = f.base * s.lane_min * self.lane_count
        self.band_max_px = max(
            0.0, min(self.plot_h * s.callout_band_fraction, self.plot_h - below - lanes_min)
        )
        self.set_callout_band(self.band_max_px)

    def _left_margin(self, lane_labels: Sequence[str]) -> float:
        s, f = self.sizes, self.fonts
        names = max((text_width(t, f.base, bold=True) for t in lane_labels), default=0)
        tone = text_width("−10", f.small) + f.small * s.line_height * 1.6  # ticks + "Tone"
        return max(names, tone) + f.base * s.margin_left_pad

    def _top_margin(self, text: TextBlock) -> float:
        s, f = self.sizes, self.fonts
        if not self.style.presentation:
            return f.base * s.margin_top_app
        lines = text.title * f.title + text.subtitle * f.subtitle
        return f.base * (s.slide_pad + s.slide_gap) + lines * s.line_height

    def _bottom_margin(self, text: TextBlock) -> float:
        s, f = self.sizes, self.fonts
        if not self.style.presentation:
            return f.base * s.margin_bottom_app
        ticks = s.tick_len_px + f.base * s.line_height
        legend = text.key * f.small * s.line_height + f.base * s.slide_gap
        footer = text.footer * f.small * s.line_height
        return ticks + legend + footer + f.base * (s.slide_gap + s.slide_pad)

    def set_callout_band(self, band_px: float) -> None:
        """Give the callouts ``band_px`` at the top; the swing strip, era names and lanes follow."""
        s, f = self.sizes, self.fonts
        self.band_px = band_px
        era_px = f.small * s.line_height * s.era_rows + f.base * 0.3
        rest = self.plot_h - band_px - era_px
        tone_px = max(f.small * s.tone_min, rest * s.tone_fraction)
        self.callout_bottom = 1 - self.px_to_paper(band_px)
        self.tone_top = self.callout_bottom - self.px_to_paper(f.base * s.tone_gap)
        self.tone_bottom = self.tone_top - self.px_to_paper(tone_px)
        row_h = f.small * s.line_height
        self.era_label_rows = tuple(
            self.tone_bottom - self.px_to_paper(row_h * (r + 0.5) + f.base * 0.15)
            for r in range(s.era_rows)
        )
        self.lanes_top = self.tone_bottom - self.px_to_paper(era_px)

    def px_to_paper(self, px: float) -> float:
        """A vertical distance in pixels as a fraction of the plot's height."""
        return px / self.plot_h

    def paper_to_px(self, paper: float) -> float:
        """Distance from the top of the plot area, in pixels."""
        return (1 - paper) * self.plot_h

    def tone_to_paper(self, tone: float) -> float:
        return self.tone_bottom + (tone - TONE.lo) / TONE.span * (self.tone_top - self.tone_bottom)

    def lane_to_paper(self, y: float) -> float:
        """A position on the lanes' axis (lane index plus sub-row offset) as paper height."""
        n = self.lane_count
        return self.lanes_top * (n - 0.5 - y) / n

    def x_to_px(self, when) -> np.ndarray | float:
        """Dates (a Series, Timestamp or array) as pixels from the plot's left edge."""
        offset = (when - self.x_lo) / _MS / self.ms_per_px
        return offset.to_numpy() if isinstance(offset, pd.Series) else offset

    def px_to_x(self, px: float) -> pd.Timestamp:
        return self.x_lo + pd.Timedelta(milliseconds=px * self.ms_per_px)

    def text_px(self, text: str, font: float, *, bold: bool = False) -> float:
        """The width of ``text`` at ``font`` pixels, before it is drawn."""
        return text_width(text, font, bold=bold)


def padded_range(
    events: pd.DataFrame, lo: pd.Timestamp | None = None, hi: pd.Timestamp | None = None
) -> tuple[pd.Timestamp, pd.Timestamp]:
    """The dates a chart spans: ``lo``/``hi`` where given, else the events' own, padded a little.

    With no events and no bounds, the ten years up to today: any dataset's chart opens somewhere.
    """
    if events.empty:
        today = pd.Timestamp.today().normalize()
        lo = today - pd.DateOffset(years=10) if lo is None else lo
        hi = today if hi is None else hi
    else:
        lo = events["start"].min() if lo is None else lo
        hi = events["end"].max() if hi is None else hi
    pad = max((hi - lo) * 0.02, pd.Timedelta(days=60))
    return lo - pad, hi + pad
