import io
import xml.etree.ElementTree as ET

import pytest
from PIL import Image
from pypdf import PdfReader

from timeline.export import ExportEngine, ExportError, ImageSpec, events_to_csv, write_atomic
from timeline.filters import EventFilter
from timeline.views import export_view, export_view_csv


def test_png_has_the_requested_size_times_scale(dataset, engine):
    spec = ImageSpec.build("png", preset="slide-16x9", scale=2)
    data, name = export_view(dataset, EventFilter(), spec, engine)
    image = Image.open(io.BytesIO(data))
    assert image.format == "PNG"
    assert image.size == (3840, 2160)
    assert name == "pakistan-us.png"
    # Not a blank page: a white background with many coloured pixels on it.
    colours = image.convert("RGB").resize((480, 270)).getcolors(maxcolors=200_000)
    assert len(colours) > 200


def test_svg_parses_and_holds_title_and_subtitle(dataset, engine):
    flt = EventFilter(("security", "afghanistan"), "2001", "2021")
    data, name = export_view(dataset, flt, ImageSpec.build("svg", preset="square"), engine)
    root = ET.fromstring(data)
    assert root.tag.endswith("svg")
    assert root.get("width") == "1080" and root.get("height") == "1080"
    text = data.decode()
    assert "Pakistan–US relations" in text
    assert "Security, Afghanistan · 2001–2021" in text
    assert name == "pakistan-us_security-afghanistan_2001-2021.svg"


def test_pdf_is_a4_landscape(dataset, engine):
    data, name = export_view(dataset, EventFilter(), ImageSpec.build("pdf"), engine)
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    # A4 landscape is 842 x 595 points; allow a point for rounding.
    assert abs(float(box.width) - 842) <= 1.5 and abs(float(box.height) - 595) <= 1.5
    assert name.endswith(".pdf")


def test_filtered_export_shows_only_the_filtered_events(dataset, engine):
    data, _ = export_view(dataset, EventFilter(("nuclear",)), ImageSpec.build("svg"), engine)
    text = data.decode()
    assert "Nuclear" in text
    assert ">Security<" not in text and ">China<" not in text


def test_html_export_is_self_contained(dataset, engine):
    data, name = export_view(dataset, EventFilter(), ImageSpec.build("html"), engine)
    text = data.decode()
    assert name.endswith(".html")
    assert "<script src=" not in text
    assert len(text) > 1_000_000  # plotly.js itself is inside
    assert "Salala" in text


def test_bad_specs_say_what_is_wrong():
    with pytest.raises(ExportError, match="Unknown format"):
        ImageSpec.build("gif")
    with pytest.raises(ExportError, match="Unknown preset"):
        ImageSpec.build("png", preset="poster")
    with pytest.raises(ExportError, match="Scale must be"):
        ImageSpec.build("png", scale=9)
    with pytest.raises(ExportError, match="both a width and a height"):
        ImageSpec.build("png", width=800)


def test_a_chart_the_export_browser_cannot_draw_is_refused_saying_why():
    # The export browser loads the app's cartesian plotly.js bundle: a map would come out blank.
    engine = ExportEngine()
    fig = {"data": [{"type": "scatter"}, {"type": "scattergeo"}], "layout": {}}
    with pytest.raises(ExportError, match="scattergeo traces"):
        engine.render(fig, ImageSpec.build("png"))
    assert not engine.started  # refused before any browser was started


def test_write_atomic_leaves_nothing_on_failure(tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where a folder should be")
    with pytest.raises(ExportError, match="Cannot write"):
        write_atomic(blocker / "x.png", b"data")
    assert [p.name for p in tmp_path.iterdir()] == ["not-a-folder"]


def test_write_atomic_replaces_whole(tmp_path):
    target = tmp_path / "out" / "x.png"
    write_atomic(target, b"first")
    write_atomic(target, b"second")
    assert target.read_bytes() == b"second"
    assert [p.name for p in target.parent.iterdir()] == ["x.png"]


def test_csv_export_is_the_dataset_format_and_spreadsheet_safe(dataset, tmp_path):
    from timeline.data import load_events

    pieces, name = export_view_csv(dataset, EventFilter(("china",)))
    assert name == "pakistan-us_china.csv"
    path = tmp_path / name
    path.write_text("".join(pieces), encoding="utf-8")
    back = load_events(path)
    assert set(back["id"]) == set(
        dataset.events[
            dataset.events["themes"].map(lambda t: "china" in t) | (dataset.events["kind"] == "era")
        ]["id"]
    )
    evil = dataset.events.head(1).copy()
    evil["title"] = '=HYPERLINK("http://x")'
    assert "'=HYPERLINK" in events_to_csv(evil)
    salala = dataset.events[dataset.events["id"] == "2011-salala-incident"]
    assert ",195,-10," in events_to_csv(salala)


def test_png_background_is_white_or_transparent(dataset, engine):
    white, _ = export_view(dataset, EventFilter(), ImageSpec.build("png", preset="square"), engine)
    clear, _ = export_view(
        dataset, EventFilter(), ImageSpec.build("png", preset="square", transparent=True), engine
    )
    assert Image.open(io.BytesIO(white)).convert("RGBA").getpixel((3, 3)) == (255, 255, 255, 255)
    assert Image.open(io.BytesIO(clear)).convert("RGBA").getpixel((3, 3))[3] == 0
