"""Slide decks of a story: a PPTX (python-pptx) or a PDF with one 16:9 page per slide.

A deck is a title slide, one slide per step (headline, the chart at the step's view, the author's
words on the focus events, speaker notes with the narration and every source) and closing
"Sources" slides. Slides are first laid out as plain models (text boxes in inches, with sizes
chosen so that every word fits at 12 pt or more), then written as PPTX or PDF: the two formats
share one layout. Every chart comes from one browser (``ExportEngine``), two at a time.
Nothing here knows about Dash.
"""

from __future__ import annotations

import contextlib
import html
import io
import itertools
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field, replace
from functools import cache, lru_cache
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go

from timeline.data import Dataset
from timeline.dates import describe_span
from timeline.export import ExportEngine, ExportError, ImageSpec
from timeline.filters import describe_filter
from timeline.stories import Step, Story

DECK_FORMATS = ("pptx", "pdf")
SLIDE_W, SLIDE_H = 40 / 3, 7.5  # inches: PowerPoint's 16:9 (12,192,000 × 6,858,000 EMU)
PDF_PX_PER_IN = 96  # CSS pixels, so a 1280×720 page is 13.333 × 7.5 in
MIN_PT = 12.0  # nothing on a slide is smaller: it must be read from the back of a room
FONT = "Arial"  # LibreOffice and Chromium substitute the metric-compatible Liberation Sans
# Without the font to measure, the average glyph width of prose in Arial, in ems, with a margin
# so estimated lines never overflow; and line height as a multiple of the font size.
CHAR_EM = {False: 0.5, True: 0.55}
LINE = 1.22
CHART_SCALE = 2  # 3840×2160 pixels for a 1920×1080 chart: crisp on a 4K projector
RENDER_THREADS = 2  # the engine's browser has two tabs


@dataclass(frozen=True)
class Palette:
    background: str
    ink: str
    muted: str


PALETTES = {
    "light": Palette(background="#ffffff", ink="#1f2933", muted="#52606d"),
    "dark": Palette(background="#111827", ink="#f5f7fa", muted="#cbd2d9"),
}


# Slide text is set in Arial; Liberation Sans has the same metrics and is where Linux keeps it.
_FONT_FILES = {
    (False, False): ("LiberationSans-Regular.ttf", "Arial.ttf", "arial.ttf"),
    (True, False): ("LiberationSans-Bold.ttf", "Arial Bold.ttf", "arialbd.ttf"),
    (False, True): ("LiberationSans-Italic.ttf", "Arial Italic.ttf", "ariali.ttf"),
    (True, True): ("LiberationSans-BoldItalic.ttf", "Arial Bold Italic.ttf", "arialbi.ttf"),
}
_FONT_DIRS = (
    "/usr/share/fonts/truetype/liberation2",
    "/usr/share/fonts/truetype/liberation",
    "/Library/Fonts",
    "C:/Windows/Fonts",
)
WRAP_MARGIN = 0.96  # lines are filled to 96% of the box: renderers differ by a little


@cache
def _metrics(bold: bool, italic: bool):
    """The font's outlines at 100 px, for measuring text; None when no copy is installed."""
    from PIL import ImageFont  # Pillow comes with python-pptx

    for folder in _FONT_DIRS:
        for name in _FONT_FILES[(bold, italic)]:
            path = Path(folder) / name
            if path.exists():
                with contextlib.suppress(OSError):
                    return ImageFont.truetype(str(path), 100)
    return None


@lru_cache(maxsize=65536)
def _units(word: str, bold: bool, italic: bool) -> float:
    """Points a word (or a space) takes at 1 pt: measured once, or estimated."""
    font = _metrics(bold, italic)
    if font is None:
        return len(word) * CHAR_EM[bold]
    return font.getlength(word) / 100


def text_width(text: str, size: float, bold: bool = False, italic: bool = False) -> float:
    """Points ``text`` takes at ``size`` pt (words plus the spaces between them)."""
    words = text.split()
    units = sum(_units(w, bold, italic) for w in words)
    return (units + max(0, len(words) - 1) * _units(" ", bold, italic)) * size


def _break_word(word: str, bold: bool, italic: bool, limit: float) -> list[str]:
    """A word wider than a line (a URL) cut into pieces that each fit."""
    pieces, start, used = [], 0, 0.0
    for i, char in enumerate(word):
        width = _units(char, bold, italic)
        if i > start and used + width > limit:
            pieces.append(word[start:i])
            start, used = i, 0.0
        used += width
    return [*pieces, word[start:]]


@lru_cache(maxsize=4096)
def wrap_text(text: str, size: float, bold: bool, italic: bool, width_pt: float) -> list[str]:
    """Greedy word wrap as a renderer does it; a word wider than a line (a URL) is broken."""
    limit = width_pt * WRAP_MARGIN / size  # in points at 1 pt
    space = _units(" ", bold, italic)
    lines: list[str] = []
    current: list[str] = []
    used = 0.0
    for word in text.split():
        width = _units(word, bold, italic)
        if current and used + space + width > limit:
            lines.append(" ".join(current))
            current, used = [], 0.0
        if width > limit:
            *whole, word = _break_word(word, bold, italic, limit)
            lines += whole
            width = _units(word, bold, italic)
        used = used + space + width if current else width
        current.append(word)
    if current:
        lines.append(" ".join(current))
    return lines or [""]


@dataclass(frozen=True)
class Box:
    """A rectangle on the slide, in inches from the top left."""

    x: float
    y: float
    w: float
    h: float


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

    def lines(self, width_in: float) -> list[str]:
        """The text wrapped as it will wrap in a box ``width_in`` wide."""
        return wrap_text(self.text, self.size, self.bold, self.italic, width_in * 72)

    def splits_words(self, width_in: float) -> bool:
        """Whether a word (a link aside) is wider than a line, and would be broken."""
        limit = width_in * 72 * WRAP_MARGIN
        return not self.link and any(
            text_width(word, self.size, self.bold, self.italic) > limit
            for word in self.text.split()
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


HEADLINE = Box(0.45, 0.3, 12.43, 0.95)
CHART = Box(0.3, 1.3, 9.4, 5.29)
SIDE = Box(9.95, 1.35, 3.1, 5.8)
FOOTER = Box(0.45, 6.8, 9.0, 0.4)
# When the author's words do not fit beside a full-size chart, the chart gives way.
CHART_NARROW = Box(0.3, 1.35, 7.3, 4.11)
SIDE_WIDE = Box(7.85, 1.35, 5.2, 5.75)
BODY = Box(0.45, 1.35, 12.43, 5.8)
SOURCES_LEFT = Box(0.45, 1.35, 6.0, 5.8)
SOURCES_RIGHT = Box(6.88, 1.35, 6.0, 5.8)


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


def _headline(text: str, box: Box = HEADLINE) -> TextBox:
    fitted = fit_paras(lambda s: [Para(text, s, bold=True)], box, (32, 28, 24, 20, 16))
    # A headline is at most 80 characters: at 16 pt it fits the box on two lines.
    return fitted or TextBox(box, (Para(text, 16, bold=True),))


def _focus_rows(dataset: Dataset, step: Step) -> list[pd.Series]:
    by_id = dataset.events.set_index("id", drop=False)
    return [by_id.loc[event_id] for event_id in step.focus if event_id in by_id.index]


def quote_of(row: pd.Series) -> str:
    """The author's words on an event: its ``callout`` when the dataset has one, else all of
    its commentary (verbatim; passages are joined by the data's own `` … ``)."""
    callout = row.get("callout")
    if isinstance(callout, str) and callout.strip():
        return callout.strip()
    commentary = row.get("commentary")
    return commentary.strip() if isinstance(commentary, str) else ""


def _quoted(quote: str) -> str:
    """The quote in quotation marks, unless it opens or closes with its own (“frenemy”):
    the words stay verbatim, and italics with the attribution still mark them as quoted."""
    if quote[:1] in '“"‘' or quote[-1:] in '”"’':
        return quote
    return f"“{quote}”"


def when(row: pd.Series) -> str:
    return describe_span(row["start_text"], row["end_text"])


def _side_paras(dataset: Dataset, rows: list[pd.Series], size: float) -> list[Para]:
    small = max(MIN_PT, round(size * 0.85))
    author = dataset.info.author_short or "the article's author"
    paras: list[Para] = []
    for row in rows:
        gap = size * 0.9 if paras else 0
        paras.append(Para(f"{when(row)} · {row['title']}", size, bold=True, space_before=gap))
        quote = quote_of(row)
        if quote:
            paras.append(Para(_quoted(quote), size, italic=True, space_before=size * 0.3))
            paras.append(Para(f"— {author}", small, muted=True, space_before=size * 0.15))
    if any(quote_of(row) for row in rows) and dataset.info.attribution:
        paras.append(
            Para(f"Quotes: {dataset.info.attribution}", small, muted=True, space_before=size)
        )
    return paras


def _step_slides(dataset: Dataset, story: Story, index: int) -> list[SlideModel]:
    """The slide of step ``index`` (0-based), and continuation slides if its quotes need them."""
    step = story.steps[index]
    rows = _focus_rows(dataset, step)
    sizes = (20, 18, 17, 16, 15, 14, 13, MIN_PT)
    notes = _notes(step, rows)
    footer = TextBox(
        FOOTER,
        (Para(f"{index + 1} / {len(story.steps)} · {story.title}", MIN_PT, muted=True),),
    )
    alt = f"Timeline chart: {step.title} ({describe_filter(dataset, step.filter)})"
    slide = SlideModel([_headline(step.title), footer], index, CHART, alt, notes)
    build = lambda s: _side_paras(dataset, rows, s)  # noqa: E731
    # Large enough to read from the back of the room before the chart gives way; then smaller.
    readable, smaller = sizes[:-2], sizes[-2:]
    layouts = ((CHART, SIDE), (CHART_NARROW, SIDE_WIDE))
    for tried, (chart_box, side_box) in itertools.product((readable, smaller), layouts):
        side = fit_paras(build, side_box, tried)
        if side is not None:
            slide.texts.append(side)
            slide.chart_box = chart_box
            return [slide]
    # Too many words for one slide even at 12 pt: they go on slides of their own, whole.
    slide.chart_box = CHART_NARROW
    pages = paginate([[p] for p in build(MIN_PT)], SIDE_WIDE)
    slide.texts.append(pages[0])
    rest = [[p] for page in pages[1:] for p in page.paras]
    more = [
        SlideModel([_headline(f"{step.title} (continued)"), page]) for page in paginate(rest, BODY)
    ]
    for extra in more:
        extra.notes = notes
    return [slide, *more]


def _sources_of(row: pd.Series) -> list[str]:
    return [s.strip() for s in str(row["source"]).split(" ; ") if s.strip()]


def _notes(step: Step, rows: list[pd.Series]) -> str:
    """Speaker notes: the narration, then every source of the events the slide names."""
    lines = [step.text or step.title, "", "Sources:"]
    for row in rows:
        lines.append(f"{row['title']} ({when(row)})")
        lines += [f"  – {source}" for source in _sources_of(row)]
        if row["url"]:
            lines.append(f"    {row['url']}")
    return "\n".join(lines)


def _title_slide(dataset: Dataset, story: Story) -> SlideModel:
    info = dataset.info
    paras = [Para(story.title, 40, bold=True)]
    if story.subtitle:
        paras.append(Para(story.subtitle, 24, space_before=18))
    paras.append(Para(f"{len(story.steps)} steps · data: {info.title}", 18, space_before=30))
    if info.attribution:
        paras.append(Para(f"Commentary: {info.attribution}", 16, muted=True, space_before=12))
    paras.append(
        Para(
            "Facts: the sources of each event are in the speaker notes and on the closing "
            "slides · made with Relations Timeline",
            16,
            muted=True,
            space_before=6,
        )
    )
    box = Box(0.9, 1.6, 11.5, 5.2)
    fitted = fit_paras(lambda s: [replace(p, size=p.size * s) for p in paras], box, (1, 0.8))
    return SlideModel([fitted or TextBox(box, tuple(paras))])


def _sources_slides(dataset: Dataset, story: Story) -> list[SlideModel]:
    """Every source used in the deck, event by event, over as many slides as it takes."""
    seen: dict[str, pd.Series] = {}
    for step in story.steps:
        for row in _focus_rows(dataset, step):
            seen.setdefault(row["id"], row)
    blocks: list[list[Para]] = []
    if dataset.info.attribution:
        blocks.append([Para(f"Commentary: {dataset.info.attribution}", MIN_PT, space_before=8)])
    for row in seen.values():
        block = [Para(f"{when(row)} · {row['title']}", MIN_PT, bold=True, space_before=8)]
        block += [Para(f"– {source}", MIN_PT) for source in _sources_of(row)]
        if row["url"]:
            block.append(Para(row["url"], MIN_PT, muted=True, link=row["url"]))
        blocks.append(block)
    # Two columns: most lines are short, so a page holds nearly twice as many.
    columns = paginate(blocks, SOURCES_LEFT)
    right = [TextBox(SOURCES_RIGHT, c.paras) for c in columns[1::2]]
    pairs = [[left, *right[i : i + 1]] for i, left in enumerate(columns[0::2])]
    return [
        SlideModel(
            [_headline("Sources" if len(pairs) == 1 else f"Sources ({i}/{len(pairs)})"), *pair]
        )
        for i, pair in enumerate(pairs, start=1)
    ]


def plan_deck(dataset: Dataset, story: Story) -> list[SlideModel]:
    """Every slide of the deck, laid out, before any chart is drawn."""
    slides = [_title_slide(dataset, story)]
    for index in range(len(story.steps)):
        slides += _step_slides(dataset, story, index)
    return slides + _sources_slides(dataset, story)


def chart_image(
    dataset: Dataset, story: Story, index: int, spec: ImageSpec, engine: ExportEngine
) -> tuple[bytes, str]:
    """The chart of step ``index`` as ``spec`` says: the one place a deck draws a chart."""
    from timeline.views import export_view  # the views layer imports the chart; load it late

    step = story.steps[index]
    return export_view(
        dataset,
        step.filter,
        spec,
        engine,
        pins=step.focus,
        callouts="pinned",
        # The slide's headline is editable text above the picture; the picture names the view.
        title=describe_filter(dataset, step.filter),
        subtitle=story.title,
    )


ProgressFn = Callable[[int, int], None]


class _Renders:
    """Render jobs run two at a time (the browser's tabs) while the caller goes on working."""

    def __init__(self, progress: ProgressFn | None):
        self.pool = ThreadPoolExecutor(max_workers=RENDER_THREADS)
        self.futures: list = []
        self.progress = progress

    def submit(self, job: Callable[[], bytes]) -> None:
        self.futures.append(self.pool.submit(job))

    def results(self) -> list[bytes]:
        """Every job's bytes in the order submitted, reporting each as it finishes."""
        try:
            for done, future in enumerate(as_completed(self.futures), start=1):
                future.result()
                if self.progress:
                    self.progress(done, len(self.futures))
            return [future.result() for future in self.futures]
        finally:
            for future in self.futures:
                future.cancel()
            self.pool.shutdown(wait=True)


def build_deck(
    dataset: Dataset,
    story: Story,
    *,
    fmt: str = "pptx",
    preset: str | None = None,
    style: str = "light",
    engine: ExportEngine,
    scale: float = CHART_SCALE,
    progress: ProgressFn | None = None,
) -> bytes:
    """The deck of ``story`` as PPTX or PDF bytes; raises ExportError with a clear message.

    ``preset`` sizes each chart (default slide-16x9); PNG charts (PPTX) are drawn at ``scale``.
    ``progress(done, total)`` is called as each picture is finished.
    """
    if fmt not in DECK_FORMATS:
        raise ExportError(f"Unknown deck format {fmt!r}: choose one of {', '.join(DECK_FORMATS)}.")
    if not story.steps:
        raise ExportError(f"The story {story.slug!r} has no steps.")
    chart_format = "png" if fmt == "pptx" else "pdf"
    spec = ImageSpec.build(chart_format, preset or "slide-16x9", scale=scale, style=style)
    palette = PALETTES[spec.style]
    renders = _Renders(progress)
    try:
        for index in range(len(story.steps)):
            renders.submit(lambda i=index: chart_image(dataset, story, i, spec, engine)[0])
        # Laid out while the browser draws the charts.
        slides = plan_deck(dataset, story)
        if fmt == "pptx":
            return write_pptx(slides, renders.results, palette, (spec.width, spec.height))
        # Text goes straight into the PDF in its standard fonts; a slide with a character
        # those fonts lack (outside Windows-1252) is drawn by the browser instead.
        texts = [pdf_text(model, palette) for model in slides]
        drawn = [i for i, text in enumerate(texts) if text is None]
        page = ImageSpec.build(
            "pdf", width=round(SLIDE_W * PDF_PX_PER_IN), height=round(SLIDE_H * PDF_PX_PER_IN)
        )
        for index in drawn:
            renders.submit(lambda i=index: engine.render(slide_figure(slides[i], palette), page))
        rendered = renders.results()
    finally:
        renders.pool.shutdown(wait=True, cancel_futures=True)
    steps = len(story.steps)
    frames = dict(zip(drawn, rendered[steps:], strict=True))
    return join_pdf(slides, rendered[:steps], texts, frames, palette)


def _emu(inches: float) -> int:
    return round(inches * 914400)


def _fitted_picture_box(box: Box, size: tuple[int, int]) -> Box:
    """The largest rectangle of the picture's shape inside ``box``, centred."""
    ratio = size[0] / size[1]
    w, h = (box.w, box.w / ratio) if box.w / box.h < ratio else (box.h * ratio, box.h)
    return Box(box.x + (box.w - w) / 2, box.y + (box.h - h) / 2, w, h)


def write_pptx(
    slides: list[SlideModel],
    charts: list[bytes] | Callable[[], list[bytes]],
    palette: Palette,
    chart_size: tuple[int, int],
) -> bytes:
    """The slides as a PPTX file: real, editable text; the charts as pictures; notes.

    ``charts`` may be a function that waits for them: the text is set while they are drawn.
    """
    from pptx import Presentation
    from pptx.dml.color import RGBColor

    prs = Presentation()
    prs.slide_width, prs.slide_height = _emu(SLIDE_W), _emu(SLIDE_H)
    blank = prs.slide_layouts[6]
    pptx_slides = []
    for model in slides:
        slide = prs.slides.add_slide(blank)
        fill = slide.background.fill
        fill.solid()
        fill.fore_color.rgb = RGBColor.from_string(palette.background[1:])
        for text in model.texts:
            _add_text(slide, text, palette)
        if model.notes:
            slide.notes_slide.notes_text_frame.text = model.notes
        pptx_slides.append(slide)
    pictures = charts() if callable(charts) else charts
    for model, slide in zip(slides, pptx_slides, strict=True):
        if model.chart is None or model.chart_box is None:
            continue
        box = _fitted_picture_box(model.chart_box, chart_size)
        picture = slide.shapes.add_picture(
            io.BytesIO(pictures[model.chart]), _emu(box.x), _emu(box.y), _emu(box.w), _emu(box.h)
        )
        picture.name = "Chart"
        picture._element.nvPicPr.cNvPr.set("descr", model.chart_alt)
    out = io.BytesIO()
    prs.save(out)
    return out.getvalue()


def _add_text(slide, text: TextBox, palette: Palette) -> None:
    from pptx.dml.color import RGBColor
    from pptx.enum.text import MSO_ANCHOR, MSO_AUTO_SIZE
    from pptx.util import Pt

    b = text.box
    frame = slide.shapes.add_textbox(_emu(b.x), _emu(b.y), _emu(b.w), _emu(b.h)).text_frame
    frame.word_wrap = True
    frame.auto_size = MSO_AUTO_SIZE.NONE
    frame.vertical_anchor = MSO_ANCHOR.TOP
    frame.margin_left = frame.margin_right = frame.margin_top = frame.margin_bottom = 0
    for i, para in enumerate(text.paras):
        p = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
        p.line_spacing = Pt(para.size * LINE)
        p.space_before = Pt(para.space_before)
        run = p.add_run()
        run.text = para.text
        font = run.font
        font.name = FONT
        font.size = Pt(para.size)
        font.bold = para.bold
        font.italic = para.italic
        font.color.rgb = RGBColor.from_string((palette.muted if para.muted else palette.ink)[1:])
        if para.link:
            run.hyperlink.address = para.link


def placed_lines(model: SlideModel) -> Iterator[tuple[Para, str, float, float]]:
    """Every line of the slide's text with its paragraph and its left and top, in inches."""
    for text in model.texts:
        top = text.box.y
        for para in text.paras:
            top += para.space_before / 72
            for line in para.lines(text.box.w):
                yield para, line, text.box.x, top
                top += para.size * LINE / 72


def slide_figure(model: SlideModel, palette: Palette) -> go.Figure:
    """A slide's text as a Plotly figure the size of a 16:9 page, one annotation per line.

    Lines are placed where the layout estimated them, so the PDF page and the PPTX slide agree.
    """
    px = PDF_PX_PER_IN
    annotations = []
    for para, line, left, top in placed_lines(model):
        shown = html.escape(line)
        shown = f"<b>{shown}</b>" if para.bold else shown
        shown = f"<i>{shown}</i>" if para.italic else shown
        annotations.append(
            dict(
                x=left / SLIDE_W,
                y=1 - top / SLIDE_H,
                xref="paper",
                yref="paper",
                xanchor="left",
                yanchor="top",
                showarrow=False,
                align="left",
                borderpad=0,
                text=shown,
                font={
                    "family": f"{FONT}, 'Liberation Sans', sans-serif",
                    "size": para.size * px / 72,
                    "color": palette.muted if para.muted else palette.ink,
                },
            )
        )
    fig = go.Figure()
    fig.update_layout(
        width=round(SLIDE_W * px),
        height=round(SLIDE_H * px),
        margin={"l": 0, "r": 0, "t": 0, "b": 0, "pad": 0},
        paper_bgcolor=palette.background,
        plot_bgcolor=palette.background,
        xaxis={"visible": False, "range": [0, 1]},
        yaxis={"visible": False, "range": [0, 1]},
        showlegend=False,
        annotations=annotations,
    )
    return fig


PDF_FONTS = {
    (False, False): "Helvetica",  # PDF's standard fonts: Arial's metrics, nothing to embed
    (True, False): "Helvetica-Bold",
    (False, True): "Helvetica-Oblique",
    (True, True): "Helvetica-BoldOblique",
}
_PT = 72  # PDF units per inch


def _rgb(color: str) -> str:
    return " ".join(f"{int(color[i : i + 2], 16) / 255:.3f}" for i in (1, 3, 5))


def pdf_text(model: SlideModel, palette: Palette) -> bytes | None:
    """PDF drawing operators for the slide's text, lines where the layout put them; None when
    a character is missing from the standard fonts' encoding (Windows-1252)."""
    ops = []
    fonts = list(PDF_FONTS)
    for para, line, left, top in placed_lines(model):
        try:
            raw = line.encode("cp1252")
        except UnicodeEncodeError:
            return None
        shown = raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")
        font = fonts.index((para.bold, para.italic))
        color = _rgb(palette.muted if para.muted else palette.ink)
        # Baseline: the line's half-leading plus the font's ascent below its top.
        baseline = top + para.size * ((LINE - 1) / 2 + 0.8) / 72
        x, y = left * _PT, (SLIDE_H - baseline) * _PT
        ops.append(
            f"BT /F{font} {para.size:g} Tf {color} rg {x:.2f} {y:.2f} Td (".encode()
            + shown
            + b") Tj ET"
        )
    return b"\n".join(ops)


def _links(model: SlideModel) -> list:
    """Clickable areas over the slide's links (URLs on the Sources slides)."""
    from pypdf.annotations import Link

    links = []
    for para, line, left, top in placed_lines(model):
        if para.link:
            x0, y1 = left * _PT, (SLIDE_H - top) * _PT
            x1 = x0 + text_width(line, para.size, para.bold, para.italic)
            rect = (x0, y1 - para.size * LINE, x1, y1)
            links.append(Link(rect=rect, url=para.link, border=[0, 0, 0]))
    return links


def _font_resources():
    from pypdf.generic import DictionaryObject, NameObject

    fonts = DictionaryObject()
    for i, name in enumerate(PDF_FONTS.values()):
        fonts[NameObject(f"/F{i}")] = DictionaryObject(
            {
                NameObject("/Type"): NameObject("/Font"),
                NameObject("/Subtype"): NameObject("/Type1"),
                NameObject("/BaseFont"): NameObject(f"/{name}"),
                NameObject("/Encoding"): NameObject("/WinAnsiEncoding"),
            }
        )
    return DictionaryObject({NameObject("/Font"): fonts})


def join_pdf(
    slides: list[SlideModel],
    charts: list[bytes],
    texts: list[bytes | None],
    frames: dict[int, bytes],
    palette: Palette,
) -> bytes:
    """One PDF, a 16:9 page per slide: its background, its text (``texts``, or for the slides
    in ``frames`` a page the browser drew), and its chart (vector, as drawn) in its box."""
    from pypdf import PdfReader, PdfWriter, Transformation
    from pypdf.generic import DecodedStreamObject, NameObject

    writer = PdfWriter()
    page_w, page_h = SLIDE_W * _PT, SLIDE_H * _PT
    for index, model in enumerate(slides):
        page = writer.add_blank_page(page_w, page_h)
        page[NameObject("/Resources")] = _font_resources()
        content = DecodedStreamObject()
        # The whole page painted first: the browser leaves a thin margin round a figure.
        paint = f"{_rgb(palette.background)} rg 0 0 {page_w:.2f} {page_h:.2f} re f".encode()
        content.set_data(paint + b"\n" + (texts[index] or b""))
        page.replace_contents(content)
        if index in frames:
            page.merge_page(PdfReader(io.BytesIO(frames[index])).pages[0])
        if model.chart is not None and model.chart_box is not None:
            chart = PdfReader(io.BytesIO(charts[model.chart])).pages[0]
            chart_w, chart_h = float(chart.mediabox.width), float(chart.mediabox.height)
            box = _fitted_picture_box(model.chart_box, (round(chart_w), round(chart_h)))
            scale = box.w * _PT / chart_w
            x, y = box.x * _PT, (SLIDE_H - box.y - box.h) * _PT
            page.merge_transformed_page(chart, Transformation().scale(scale).translate(x, y))
        for link in _links(model):
            writer.add_annotation(index, link)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
