"""The slides as a PPTX file (python-pptx): real, editable text, the charts as pictures, notes."""

from __future__ import annotations

import io
from collections.abc import Callable

from timeline.deck.layout import FONT, LINE, SLIDE_H, SLIDE_W, Palette, SlideModel, TextBox


def _emu(inches: float) -> int:
    return round(inches * 914400)


def write_pptx(
    slides: list[SlideModel],
    charts: list[bytes] | Callable[[], list[bytes]],
    palette: Palette,
    chart_size: tuple[int, int],
) -> bytes:
    """The slides as a PPTX file; ``chart_size`` is the charts' shape (CSS pixels).

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
        box = model.chart_box.fitted(chart_size)
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
