"""The slides as a PDF, a 16:9 page each: text set in PDF's standard fonts (or, for a slide
with a character they lack, drawn by the browser), the charts merged in as vector pages."""

from __future__ import annotations

import html
import io

import plotly.graph_objects as go

from timeline.chart.text import text_width
from timeline.deck.layout import FONT, LINE, SLIDE_H, SLIDE_W, Palette, SlideModel, placed_lines

PDF_PX_PER_IN = 96  # CSS pixels, so a 1280×720 page is 13.333 × 7.5 in
PDF_FONTS = {
    (False, False): "Helvetica",  # PDF's standard fonts: Arial's metrics, nothing to embed
    (True, False): "Helvetica-Bold",
    (False, True): "Helvetica-Oblique",
    (True, True): "Helvetica-BoldOblique",
}
_PT = 72  # PDF units per inch
# A line of slide text hangs from its top left corner, in fractions of the page.
_LINE_ANCHOR = {
    "xref": "paper",
    "yref": "paper",
    "xanchor": "left",
    "yanchor": "top",
    "showarrow": False,
    "align": "left",
    "borderpad": 0,
}


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
        font = {
            "family": f"{FONT}, 'Liberation Sans', sans-serif",
            "size": para.size * px / 72,
            "color": palette.muted if para.muted else palette.ink,
        }
        place = {"x": left / SLIDE_W, "y": 1 - top / SLIDE_H}
        annotations.append({**_LINE_ANCHOR, **place, "text": shown, "font": font})
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
            x1 = x0 + text_width(line, para.size, bold=para.bold)
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


def _add_chart(page, chart_pdf: bytes, model: SlideModel) -> None:
    """The chart's page (vector, as the browser drew it) scaled into the slide's chart box."""
    from pypdf import PdfReader, Transformation

    chart = PdfReader(io.BytesIO(chart_pdf)).pages[0]
    chart_w, chart_h = float(chart.mediabox.width), float(chart.mediabox.height)
    box = model.chart_box.fitted((chart_w, chart_h))
    scale = box.w * _PT / chart_w
    x, y = box.x * _PT, (SLIDE_H - box.y - box.h) * _PT
    page.merge_transformed_page(chart, Transformation().scale(scale).translate(x, y))


def join_pdf(
    slides: list[SlideModel],
    *,
    charts: list[bytes],
    texts: list[bytes | None],
    frames: dict[int, bytes],
    palette: Palette,
) -> bytes:
    """One PDF, a 16:9 page per slide: its background, its text (``texts``, or for the slides
    in ``frames`` a page the browser drew), and its chart (vector, as drawn) in its box."""
    from pypdf import PdfReader, PdfWriter
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
            _add_chart(page, charts[model.chart], model)
        for link in _links(model):
            writer.add_annotation(index, link)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
