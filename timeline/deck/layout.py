"""A slide's geometry and its text, measured: boxes in inches, paragraphs wrapped as a renderer
wraps them, boxes filled at the largest size that fits and paginated when nothing fits.

Text is measured with the chart's own widths (``timeline.chart.text``: Arial's advance widths,
which Liberation Sans and PDF's Helvetica share; the italics have the same widths as the
uprights), so the deck and the chart agree on what fits, with no font files to find.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache

from timeline.chart.text import text_width, wrap_to_width

SLIDE_W, SLIDE_H = 40 / 3, 7.5  # inches: PowerPoint's 16:9 (12,192,000 × 6,858,000 EMU)
MIN_PT = 12.0  # nothing on a slide is smaller: it must be read from the back of a room
FONT = "Arial"  # LibreOffice and Chromium substitute the metric-compatible Liberation Sans
LINE = 1.22  # line height as a multiple of the font size


@dataclass(frozen=True)
class Palette:
    background: str
    ink: str
    muted: str


PALETTES = {
    "light": Palette(background="#ffffff", ink="#1f2933", muted="#52606d"),
    "dark": Palette(background="#111827", ink="#f5f7fa", muted="#cbd2d9"),
}


def _break_word(word: str, bold: bool, limit: float) -> list[str]:
    """A word wider than a line (a URL) cut into pieces that each fit."""
    pieces, start = [], 0
    for end in range(1, len(word) + 1):
        if end - start > 1 and text_width(word[start:end], 1, bold=bold) > limit:
            pieces.append(word[start : end - 1])
            start = end - 1
    return [*pieces, word[start:]]


@lru_cache(maxsize=4096)
def wrap_text(text: str, size: float, *, bold: bool, width_pt: float) -> tuple[str, ...]:
    """Greedy word wrap as a renderer does it; a word wider than a line (a URL) is broken."""
    lines: list[str] = []
    for line in wrap_to_width(text, size, width_pt, bold=bold):
        too_wide = text_width(line, size, bold=bold) > width_pt
        # Only a single word is ever wider than the line: wrap_to_width breaks at spaces.
        lines += _break_word(line, bold, width_pt / size) if too_wide else [line]
    return tuple(lines) or ("",)


@dataclass(frozen=True)
class Box:
    """A rectangle on the slide, in inches from the top left."""

    x: float
    y: float
    w: float
    h: float

    def fitted(self, size: tuple[float, float]) -> Box:
        """The largest rectangle of a picture's shape (``size``) inside the box, centred."""
        ratio = size[0] / size[1]
        w, h = (self.w, self.w / ratio) if self.w / self.h < ratio else (self.h * ratio, self.h)
        return Box(self.x + (self.w - w) / 2, self.y + (self.h - h) / 2, w, h)


@dataclass(frozen=True)
class Para:
    """A paragraph of slide text."""

    text: str
    size: float
    bold: bool = False
    italic: bool = False
    muted: bool = False
    space_before: float = 0.0  # points
    link: str = ""

    def lines(self, width_in: float) -> tuple[str, ...]:
        """The text wrapped as it will wrap in a box ``width_in`` wide."""
        return wrap_text(self.text, self.size, bold=self.bold, width_pt=width_in * 72)

    def splits_words(self, width_in: float) -> bool:
        """Whether a word (a link aside) is wider than a line, and would be broken."""
        limit = width_in * 72
        return not self.link and any(
            text_width(word, self.size, bold=self.bold) > limit for word in self.text.split()
        )

    def height(self, width_in: float) -> float:
        """Inches the paragraph takes, its space before included."""
        return (self.space_before + len(self.lines(width_in)) * self.size * LINE) / 72


@dataclass(frozen=True)
class TextBox:
    box: Box
    paras: tuple[Para, ...]

    def fits(self) -> bool:
        """Whether the paragraphs fit the box, no word broken across lines."""
        if any(p.splits_words(self.box.w) for p in self.paras):
            return False
        return sum(p.height(self.box.w) for p in self.paras) <= self.box.h + 1e-6


@dataclass
class SlideModel:
    """What one slide shows: text boxes, the index of its step's chart (if any), notes."""

    texts: list[TextBox] = field(default_factory=list)
    chart: int | None = None
    chart_box: Box | None = None
    chart_alt: str = ""
    notes: str = ""


def fit_paras(
    build: Callable[[float], list[Para]], box: Box, sizes: Sequence[float]
) -> TextBox | None:
    """The paragraphs ``build(size)`` makes at the largest size that fits ``box``, or None."""
    for size in sizes:
        candidate = TextBox(box, tuple(build(size)))
        if candidate.fits():
            return candidate
    return None


def paginate(blocks: Sequence[Sequence[Para]], box: Box) -> list[TextBox]:
    """Blocks of paragraphs over as many boxes as they need, a block split only when it is
    taller than a box; a box's first paragraph has no space before it."""
    pages: list[list[Para]] = [[]]
    used = 0.0
    for block in blocks:
        block_h = sum(p.height(box.w) for p in block)
        if pages[-1] and used + block_h > box.h:
            pages.append([])
            used = 0.0
        for para in block:
            if pages[-1] and used + para.height(box.w) > box.h:
                pages.append([])
                used = 0.0
            if not pages[-1]:
                para = replace(para, space_before=0)
            pages[-1].append(para)
            used += para.height(box.w)
    return [TextBox(box, tuple(p)) for p in pages if p]


def placed_lines(model: SlideModel) -> Iterator[tuple[Para, str, float, float]]:
    """Every line of the slide's text with its paragraph and its left and top, in inches."""
    for text in model.texts:
        top = text.box.y
        for para in text.paras:
            top += para.space_before / 72
            for line in para.lines(text.box.w):
                yield para, line, text.box.x, top
                top += para.size * LINE / 72
