"""The chart is in the page the server sends, and the live chart takes its place where it stands."""

import pytest
from conftest import LiveServer
from page_names import S

from timeline import ids
from timeline.contract import APP_CHART_WIDTH
from timeline.filters import ViewState
from timeline.first_paint import SHELL_ID, ChartPictures, picture_width
from timeline.static_page import static_html
from timeline.views import build_view
from timeline.webapp import create_app

PICTURE = f"#{SHELL_ID} .first-paint-picture"
CALLOUT_TITLE = "Abbottabad raid"  # a box the default view draws (the article dwells on it)


@pytest.fixture(scope="module")
def painted_app(dataset, engine, tmp_path_factory):
    """The app with its default view's picture drawn (in a cache folder of its own)."""
    import os

    folder = tmp_path_factory.mktemp("pictures")
    os.environ["TIMELINE_CACHE_DIR"] = str(folder)
    try:
        app = create_app(dataset, engine)
    finally:
        del os.environ["TIMELINE_CACHE_DIR"]
    assert app.server.extensions["timeline_first_paint"].wait() is not None
    server = LiveServer(app)
    yield server
    server.stop()


@pytest.mark.browser
def test_the_first_response_shows_the_chart_without_any_script(browser, painted_app, dataset):
    context = browser.new_context(
        viewport={"width": 1366, "height": 768}, java_script_enabled=False
    )
    page = context.new_page()
    page.goto(painted_app.url + "/")
    picture = page.locator(PICTURE)
    assert picture.is_visible()
    points = picture.locator(".scatterlayer .point")
    events = int(dataset.events["kind"].eq("event").sum())
    assert points.count() >= events  # a marker per event and lane, and the tone dots
    words = " ".join(picture.locator("svg text").all_text_contents())
    assert "Security" in words and CALLOUT_TITLE in words
    box = picture.bounding_box()
    # The chart's column, between the filters and the details panel, at 1366 wide.
    assert box["width"] > 650 and box["height"] == 600
    assert page.get_by_text(build_view(dataset, ViewState()).count).is_visible()
    # No control that would do nothing: the filters wait for the live page.
    assert page.locator(f"#{SHELL_ID} input, #{SHELL_ID} button:not([disabled])").count() == 0
    context.close()


@pytest.mark.browser
def test_the_live_chart_takes_the_pictures_place_and_answers_hover(page, painted_app):
    # Where the picture stood, read before any callback has run (the page's own scripts have
    # run by DOMContentLoaded; the live page needs its layout from the server after that).
    page.add_init_script(f"""document.addEventListener('DOMContentLoaded', () => {{
        const r = document.querySelector('{PICTURE}').getBoundingClientRect();
        window.pictureBox = [r.x, r.y, r.width, r.height];
    }});""")
    page.goto(painted_app.url + "/")
    page.wait_for_selector(f"#{SHELL_ID}", state="detached", timeout=30_000)
    picture = page.evaluate("window.pictureBox")
    chart = page.locator(S("#$CHART .main-svg")).first.bounding_box()
    assert [chart["x"], chart["y"], chart["width"], chart["height"]] == pytest.approx(picture)
    page.locator(S("#$CHART .scatterlayer .point")).first.hover(force=True)
    page.wait_for_selector(S("#$CHART .hoverlayer .hovertext"), timeout=10_000)
    assert page.console_errors == []


@pytest.mark.browser
def test_the_first_paints_chart_answers_before_dash_has_started(page, painted_app, dataset):
    # Dash's renderer is held back: the page has run only its own scripts and plotly.js.
    held = []
    page.route("**/dash_renderer*.js", lambda route: held.append(route))
    page.goto(painted_app.url + "/", wait_until="commit")
    first = f"#{SHELL_ID} .js-plotly-plot"
    page.wait_for_selector(f"{first} .scatterlayer .point", state="attached", timeout=30_000)
    assert held and page.locator(S("#$CHART")).count() == 0, "Dash has not built the page"
    # It has replaced the picture, and hovering an event names it.
    assert page.locator(f"{PICTURE} > svg").count() == 0
    box = page.locator(f"{first} .cartesianlayer .xy .scatterlayer .point").last.bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    page.wait_for_selector(f"{first} .hoverlayer .hovertext", timeout=10_000)
    hovered = page.evaluate(f"() => document.querySelector('{first}')._hoverdata[0].customdata")
    # A click now is answered once Dash has started, by the same chart, not lost.
    page.mouse.click(x, y)
    for route in held:
        route.continue_()
    page.wait_for_selector(f"#{SHELL_ID}", state="detached", timeout=30_000)
    page.wait_for_function("() => location.search.includes('event=')", timeout=10_000)
    assert f"event={hovered}" in page.url
    title = dataset.events.set_index("id").loc[hovered, "title"]
    page.wait_for_selector(S("#$DETAIL .event-title"), timeout=10_000)
    assert page.inner_text(S("#$DETAIL .event-title")) == title
    assert (
        page.evaluate(S("() => document.querySelectorAll('#$CHART .js-plotly-plot').length")) == 1
    )
    assert page.console_errors == []


# What the chart is laid out for at the moment the first paint goes (layout.meta's box).
AT_SWAP = S(
    """(() => {
    let seen = false;
    new MutationObserver(() => {
        if (document.getElementById('$SHELL')) {
            seen = true;
        } else if (seen && !window.__atSwap) {
            const gd = document.querySelector('#$CHART .js-plotly-plot');
            window.__atSwap = {box: gd && gd._fullLayout ? gd.layout.meta['$META_BOX'] : null};
        }
    }).observe(document, {childList: true, subtree: true});
})();""".replace("$SHELL", SHELL_ID)
)


@pytest.mark.browser
def test_a_phone_keeps_the_picture_until_a_chart_laid_out_for_it_comes(browser, painted_app):
    context = browser.new_context(viewport={"width": 390, "height": 844})
    context.add_init_script(AT_SWAP)
    page = context.new_page()
    held = []
    page.route("**/dash_renderer*.js", lambda route: held.append(route))
    page.goto(painted_app.url + "/", wait_until="commit")
    # The page's scripts up to Dash's have run (its request is held) ...
    page.wait_for_function("() => !!window.Plotly && !!window.timelineChart", timeout=30_000)
    assert held
    # ... and the default view, laid out for a laptop's chart box, was not drawn in a phone's.
    assert page.locator(f"{PICTURE} > svg").count() == 1
    assert page.locator(f"#{SHELL_ID} .js-plotly-plot").count() == 0
    for route in held:
        route.continue_()
    page.wait_for_selector(f"#{SHELL_ID}", state="detached", timeout=30_000)
    # The live chart took the picture's place laid out for the phone's box, never a laptop's.
    box = page.evaluate(
        S("""() => {
        const box = document.getElementById('$CHART_BOX');
        return [box.clientWidth, box.clientHeight].map(n => Math.round(n / 10) * 10);
    }""")
    )
    assert box[0] < APP_CHART_WIDTH
    assert page.evaluate("window.__atSwap") == {"box": box}
    context.close()


def test_pictures_are_kept_on_disk_for_the_next_start(dataset, engine, tmp_path):
    first = ChartPictures(dataset, engine, tmp_path)
    view = build_view(dataset, ViewState())
    first.start(view.figure, view.count)
    drawn = first.wait()

    class NoBrowser:
        def render(self, *_):
            raise AssertionError("a kept picture needs no browser")

    again = ChartPictures(dataset, NoBrowser(), tmp_path)
    again.start(view.figure, view.count)
    assert again.wait().svg == drawn.svg
    assert 'width="100%"' in drawn.svg[:400] and CALLOUT_TITLE in drawn.svg


def test_the_picture_is_drawn_at_the_width_this_browser_showed_last():
    assert picture_width(None) == APP_CHART_WIDTH
    assert picture_width("1062") == 1060
    assert picture_width("nonsense") == APP_CHART_WIDTH
    assert picture_width("99999") == 3000


def test_the_static_page_keeps_classes_and_texts_but_no_ids_or_live_buttons(dataset, engine):
    from dash import dcc, html

    layout = html.Div(
        id="x",
        className="page",
        children=[
            html.P("Showing <b>", id=ids.COUNT, style={"marginTop": 4}),
            html.Aside(className="controls", children=[dcc.Input(id="q")]),
            html.Button("Reset", className="button"),
            dcc.Graph(id=ids.CHART),
        ],
    )
    page = static_html(layout, inner={ids.CHART: "<svg/>"}, hints={"controls": "Loading…"})
    assert page == (
        '<div class="page"><p style="margin-top: 4px">Showing &lt;b&gt;</p>'
        '<aside class="controls"><p class="hint">Loading…</p></aside>'
        '<button class="button" disabled>Reset</button><svg/></div>'
    )


def test_the_page_leaves_the_grid_script_for_later_and_starts_its_requests_early(dataset, engine):
    import json
    import re
    from pathlib import Path

    from timeline.page_load import DEFERRED_ELEMENT

    page = create_app(dataset, engine).server.test_client().get("/").get_data(as_text=True)
    deferred = re.search(rf'id="{DEFERRED_ELEMENT}">(.*?)</script>', page).group(1)
    grid = json.loads(deferred)["grid"]
    assert "dash_ag_grid" in grid and f'src="{grid}"' not in page
    # Dash's validation layout in the page names the chart but does not carry its figure again.
    config = json.loads(
        re.search(r'id="_dash-config" type="application/json">(.*?)</script>', page).group(1)
    )
    assert f'"id": "{ids.CHART}"' in json.dumps(config["validation_layout"])
    assert CALLOUT_TITLE not in json.dumps(config["validation_layout"])
    head = page.split("</head>")[0]
    assert '<link rel="preload" href="/_dash-layout" as="fetch" crossorigin>' in head
    # The page's script reads the same element (a rename must reach it).
    script = Path(__file__).resolve().parent.parent / "timeline" / "assets" / "clientside.js"
    assert f"'{DEFERRED_ELEMENT}'" in script.read_text(encoding="utf-8")


@pytest.mark.browser
def test_a_phone_whose_own_figure_never_comes_still_gets_a_chart(browser, painted_app):
    """Should the request for the phone's figure fail, the page's figure is drawn after a wait
    (clientside.js, FIGURE_WAIT_MS), rather than the picture staying for good."""
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    aborted = []

    def drop_size(route):
        if ids.CHART_SIZE in (route.request.post_data or ""):
            aborted.append(route.request.url)
            route.abort()
        else:
            route.continue_()

    page.route(lambda url: "_dash-update-component" in url, drop_size)
    page.goto(painted_app.url + "/")
    page.wait_for_selector(f"#{SHELL_ID}", state="detached", timeout=30_000)
    assert aborted
    assert page.locator(S("#$CHART .js-plotly-plot .scatterlayer .trace")).count() > 0
    context.close()
