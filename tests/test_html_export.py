"""The HTML export: titled, fits the window it is opened in, keeps hover text and callouts."""

import pytest

from timeline.export import ImageSpec
from timeline.filters import EventFilter
from timeline.views import export_view

pytestmark = pytest.mark.browser

TITLE = 'Pakistan & China: "all-weather" <friends>'


@pytest.fixture(scope="module")
def html_export(dataset, engine, tmp_path_factory):
    data, name = export_view(
        dataset, EventFilter(("china",)), ImageSpec.build("html"), engine, title=TITLE
    )
    path = tmp_path_factory.mktemp("html") / name
    path.write_bytes(data)
    return path


@pytest.mark.parametrize("size", [(1366, 768), (800, 1000), (1920, 1080)])
def test_the_page_is_titled_and_fits_the_window(browser, html_export, size):
    context = browser.new_context(viewport={"width": size[0], "height": size[1]})
    page = context.new_page()
    try:
        page.goto(html_export.as_uri())
        page.wait_for_selector(".js-plotly-plot .scatterlayer .point", state="attached")
        assert page.title() == TITLE
        box = page.eval_on_selector(
            ".js-plotly-plot", "e => JSON.parse(JSON.stringify(e.getBoundingClientRect()))"
        )
        assert box["right"] <= size[0] + 1 and box["bottom"] <= size[1] + 1
        assert box["width"] >= size[0] - 1 or box["height"] >= size[1] - 1  # fills one way
        scroll = page.evaluate("[document.documentElement.scrollWidth, innerWidth]")
        assert scroll[0] <= scroll[1]
    finally:
        context.close()


def test_the_page_keeps_hover_text_and_callouts(browser, html_export, dataset):
    context = browser.new_context(viewport={"width": 1000, "height": 700})
    page = context.new_page()
    try:
        page.goto(html_export.as_uri())
        page.wait_for_selector(".js-plotly-plot .scatterlayer .point", state="attached")
        callouts = page.evaluate(
            "() => document.querySelector('.js-plotly-plot').layout.annotations"
            ".filter(a => (a.name || '').startsWith('callout:')).length"
        )
        assert callouts > 0
        point = page.locator(".js-plotly-plot .scatterlayer .point").last.bounding_box()
        page.mouse.move(point["x"] + point["width"] / 2, point["y"] + point["height"] / 2)
        page.wait_for_selector(".hoverlayer .hovertext", timeout=5_000)
        hover = page.text_content(".hoverlayer .hovertext")
        china = dataset.events[dataset.events["themes"].map(lambda t: "china" in t)]
        assert any(title[:20] in hover for title in china["title"])
    finally:
        context.close()
