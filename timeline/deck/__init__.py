"""Slide decks of a story: a PPTX (python-pptx) or a PDF with one 16:9 page per slide.

A deck is a title slide, one slide per step (headline, the chart at the step's view, the author's
words on the focus events, speaker notes with the narration and every source) and closing
"Sources" slides. Slides are first laid out as plain models (``plan``: text boxes in inches, with
sizes chosen so that every word fits at 12 pt or more; measured in ``layout``), then written as
PPTX (``pptx_file``) or PDF (``pdf_file``): the two formats share one layout. Every chart comes
from one browser (``ExportEngine``), two at a time (``charts``). Nothing here knows about Dash.
"""

from __future__ import annotations

from timeline.data import Dataset
from timeline.deck.charts import CHART_SCALE, ProgressFn, Renders, chart_image, chart_style
from timeline.deck.layout import MIN_PT, PALETTES, SLIDE_H, SLIDE_W, SlideModel
from timeline.deck.pdf_file import PDF_PX_PER_IN, join_pdf, pdf_text, slide_figure
from timeline.deck.plan import plan_deck, quote_of
from timeline.deck.pptx_file import write_pptx
from timeline.export import ExportEngine, ExportError, ImageSpec
from timeline.stories import Story

DECK_FORMATS = ("pptx", "pdf")

__all__ = [
    "CHART_SCALE",
    "DECK_FORMATS",
    "MIN_PT",
    "build_deck",
    "chart_image",
    "chart_style",
    "plan_deck",
    "quote_of",
]


def _submit_charts(
    renders: Renders, slides: list[SlideModel], *, dataset: Dataset, story: Story, **draw
) -> None:
    """A render job per step, in step order, each for the box its slide places it in."""
    boxes = {m.chart: m.chart_box for m in slides if m.chart is not None and m.chart_box}
    for index in range(len(story.steps)):
        renders.submit(lambda i=index: chart_image(dataset, story, i, box=boxes[i], **draw))


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
    # Laid out first (in milliseconds): each chart's text is sized for the box it goes in.
    slides = plan_deck(dataset, story)
    renders = Renders(progress)
    try:
        _submit_charts(renders, slides, dataset=dataset, story=story, spec=spec, engine=engine)
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
    return join_pdf(slides, charts=rendered[:steps], texts=texts, frames=frames, palette=palette)
