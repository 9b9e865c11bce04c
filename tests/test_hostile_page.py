"""Text in the data is data: markup in any field shows as literal text, in the page and exports."""

import pytest
from conftest import app_page
from page_names import VIEW_DRAWN, S

from timeline.data import load_dataset
from timeline.export import ImageSpec
from timeline.filters import EventFilter
from timeline.views import export_view

pytestmark = pytest.mark.browser

SCRIPT = "<script>window.__pwned = 1</script>"
IMG = '<img src=x onerror="window.__pwned = 2">'
MARKDOWN = "[click me](javascript:alert(1))"


@pytest.fixture(scope="module")
def hostile_dataset(tmp_path_factory, write_csv_module):
    path = write_csv_module(
        f'evil-1,event,2011-05-02,,"{SCRIPT}","{IMG.replace(chr(34), chr(34) * 2)} {MARKDOWN}",'
        f'security,-8,3,"{IMG.replace(chr(34), chr(34) * 2)}","{SCRIPT}",'
        f'"<b>Paper</b>","<i>source</i>",https://example.org/a?b=c',
        "plain-1,event,2001,,Plain event,Nothing odd,security,1,1,,,,src,",
    )
    return load_dataset(path)


@pytest.fixture(scope="module")
def write_csv_module(tmp_path_factory):
    from conftest import HEADER

    folder = tmp_path_factory.mktemp("hostile")

    def write(*rows):
        path = folder / "events.csv"
        path.write_text(HEADER + "\n".join(rows) + "\n", encoding="utf-8")
        return path

    return write


def test_markup_in_the_data_is_shown_as_text(browser, hostile_dataset, engine):
    with app_page(browser, hostile_dataset, engine, "?event=evil-1") as page:
        page.wait_for_selector(S("#$DETAIL .event-title"), timeout=30_000)
        assert page.inner_text(S("#$DETAIL .event-title")) == SCRIPT
        detail = page.inner_text(S("#$DETAIL"))
        assert IMG in detail and MARKDOWN in detail
        assert page.inner_text(S("#$DETAIL blockquote.cited")).startswith(SCRIPT)
        assert page.locator(S("#$DETAIL a[href^='javascript']")).count() == 0
        assert page.locator("img[src='x']").count() == 0
        page.wait_for_selector(S("#$GRID .ag-row"), timeout=30_000)  # drawn after the chart
        grid_text = page.inner_text(S("#$GRID"))
        assert SCRIPT in grid_text
        # Everything is drawn (chart, list, panel): any script the data smuggled in has run.
        page.wait_for_function(S(VIEW_DRAWN))
        assert page.evaluate("window.__pwned") is None
        assert page.dialogs == []
    svg, _ = export_view(hostile_dataset, EventFilter(), ImageSpec.build("svg"), engine)
    assert b"<script>window" not in svg
    assert b"<img src=x" not in svg
