"""How big the chart is and where each part of it sits, in paper fractions and pixels."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from timeline.chart.style import FONT_FAMILY, LIGHT, SIZES, TONE, Colors, Sizes

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
    sizes: Sizes = field(default=SIZES, repr=False)

    @property
    def font_size(self) -> float:
        s = self.sizes
        if not self.presentation:
            return s.app_font_px
        ref_w, ref_h = s.slide_reference_px
        scaled = s.app_font_px * min(self.width / ref_w, self.height / ref_h)
        return max(s.slide_font_min_px, min(s.slide_font_max_px, scaled))

    @property
    def colors(self) -> Colors:
        return LIGHT


class Geometry:
    """Where each part of the chart sits for one style, lane count and date range."""

    def __init__(self, style: FigureStyle, lane_count: int, x_range) -> None:
        s = style.sizes
        self.style = style
        self.sizes = s
        self.colors = style.colors
        fs = self.font = style.font_size
        pres = style.presentation
        self.margin = {
            "l": int(fs * s.margin_left),
            "r": int(fs * s.margin_right),
            "t": int(fs * (s.margin_top_slide if pres else s.margin_top_app)),
            # In the app the range slider and its labels sit in this margin (plotly would
            # otherwise grow it after the callouts were laid out).
            "b": int(fs * (s.margin_bottom_slide if pres else s.margin_bottom_app)),
        }
        self.plot_h = max(s.plot_min_px, style.height - self.margin["t"] - self.margin["b"])
        self.plot_w = max(s.plot_min_px, style.width - self.margin["l"] - self.margin["r"])
        callout_px = fs * s.callout_band
        era_px = fs * s.era_band
        tone_px = max(s.tone_min_px, (self.plot_h - callout_px - era_px) * s.tone_fraction)
        self.callout_bottom = 1 - callout_px / self.plot_h
        self.tone_top = self.callout_bottom - self.px_to_paper(fs * s.tone_gap)
        self.tone_bottom = self.tone_top - self.px_to_paper(tone_px)
        self.era_label_rows = tuple(
            self.tone_bottom - self.px_to_paper(fs * row) for row in s.era_label_rows
        )
        self.lanes_top = self.tone_bottom - self.px_to_paper(era_px)
        self.lane_count = max(lane_count, 1)
        self.x_lo, self.x_hi = (pd.Timestamp(v) for v in x_range)
        self.ms_per_px = (self.x_hi - self.x_lo) / _MS / self.plot_w

    def px_to_paper(self, px: float) -> float:
        """A vertical distance in pixels as a fraction of the plot's height."""
        return px / self.plot_h

    def paper_to_px(self, paper: float) -> float:
        """Distance from the top of the plot area, in pixels."""
        return (1 - paper) * self.plot_h

    def tone_to_paper(self, tone: float) -> float:
        return self.tone_bottom + (tone - TONE.lo) / TONE.span * (self.tone_top - self.tone_bottom)

    def x_to_px(self, when) -> np.ndarray | float:
        """Dates (a Series, Timestamp or array) as pixels from the plot's left edge."""
        offset = (when - self.x_lo) / _MS / self.ms_per_px
        return offset.to_numpy() if isinstance(offset, pd.Series) else offset

    def px_to_x(self, px: float) -> pd.Timestamp:
        return self.x_lo + pd.Timedelta(milliseconds=px * self.ms_per_px)

    def text_px(self, chars: int, font: float) -> float:
        """The width of ``chars`` characters at ``font`` pixels, before they are drawn."""
        return chars * font * self.sizes.char_width


def padded_range(
    events: pd.DataFrame, lo: pd.Timestamp | None = None, hi: pd.Timestamp | None = None
) -> tuple[pd.Timestamp, pd.Timestamp]:
    """The dates a chart spans: ``lo``/``hi`` where given, else the events' own, padded a little."""
    if events.empty and (lo is None or hi is None):
        return pd.Timestamp("1947-01-01"), pd.Timestamp("2022-01-01")
    lo = events["start"].min() if lo is None else lo
    hi = events["end"].max() if hi is None else hi
    pad = max((hi - lo) * 0.02, pd.Timedelta(days=60))
    return lo - pad, hi + pad
