"""The real app in a real headless Chromium: load, filter, click, read, export."""

import io
import re
from pathlib import Path

import page_names
import pytest
from page_names import S
from PIL import Image

from timeline.contract import ROLES

pytestmark = pytest.mark.browser

CHART_POINTS = S("#$CHART .scatterlayer .point")


PENDING = S("() => document.documentElement.classList.contains('$PENDING')")
VIEW_DRAWN = S(page_names.VIEW_DRAWN)


def _open(page, live_app, query=""):
    page.goto(live_app.url + "/" + query)
    page.wait_for_selector(CHART_POINTS, state="attached", timeout=30_000)
    page.wait_for_function(
        S("() => (document.querySelector('#$COUNT')?.textContent || '').length > 0")
    )
    # A link's own view has been drawn once the page stops dimming the default one.
    page.wait_for_function(f"() => !({PENDING})()", timeout=30_000)


def _chart_ids(page):
    return set(
        page.evaluate(
            S("""() => {
        const gd = document.getElementById('$CHART').querySelector('.js-plotly-plot');
        return gd.data.filter(t => t.meta && t.meta['$META_ROLE'] === '$ROLE_EVENTS')
                      .flatMap(t => t.customdata || []);
    }""")
        )
    )


def _wait_for_view(page):
    """Until the address and the chart agree: the view asked for is the view drawn."""
    page.wait_for_function(VIEW_DRAWN, timeout=30_000)


# Every row the list holds, from the grid itself: it draws only the rows in view, so a long
# list has rows that are not (yet) in the page.
GRID_IDS = S("""() => {
    const api = window.dash_ag_grid && dash_ag_grid.getApi('$GRID');
    const ids = [];
    if (api) { api.forEachNodeAfterFilterAndSort(node => ids.push(node.id)); }
    return ids.sort();
}""")


def _grid_ids(page, expected):
    """The list's row ids, once they are ``expected`` (a wrong list times out, failing)."""
    page.wait_for_selector(S("#$GRID"), timeout=30_000)  # the list is drawn after the chart
    page.wait_for_function(
        f"want => JSON.stringify(({GRID_IDS})()) === JSON.stringify(want)",
        arg=sorted(expected),
        timeout=10_000,
    )
    return set(page.evaluate(GRID_IDS))


def test_page_loads_with_every_event_and_no_console_errors(page, live_app, dataset):
    scripts = []
    page.on("request", lambda r: scripts.append(r.url) if r.resource_type == "script" else None)
    _open(page, live_app)
    # The chart draws with the app's own plotly.js bundle in assets; the full one is never
    # fetched.
    assert any("plotly-timeline" in u for u in scripts)
    assert not any("plotly.min.js" in u for u in scripts)
    # Nor Babel's polyfill for old browsers, nor the DataTable bundle, which it does not use.
    assert not any("polyfill" in u or "dash_table" in u for u in scripts)
    events = dataset.events[dataset.events["kind"] == "event"]
    assert _chart_ids(page) == set(events["id"])
    assert page.inner_text("h1") == dataset.info.title
    assert f"Showing {len(events)} of {len(events)} events" in page.inner_text(S("#$COUNT"))
    assert page.console_errors == []


def test_one_theme_leaves_only_its_events_on_chart_and_list(page, live_app, dataset):
    _open(page, live_app)
    # Untick every theme but Nuclear.
    for theme in dataset.themes:
        if theme != "nuclear":
            page.locator(S(f"#$THEMES input[value='{theme}']")).uncheck()
    everything = f"Showing {(dataset.events['kind'] == 'event').sum()} "
    page.wait_for_function(
        S(
            "() => /Showing \\d+ of/.test((document.querySelector('#$COUNT')?.textContent || ''))"
            " && !(document.querySelector('#$COUNT')?.textContent || '')"
            f".startsWith('{everything}')"
        )
    )
    _wait_for_view(page)
    events = dataset.events[dataset.events["kind"] == "event"]
    nuclear = events[events["themes"].map(lambda t: "nuclear" in t)]
    assert _chart_ids(page) == set(nuclear["id"])
    assert _grid_ids(page, nuclear["id"]) == set(nuclear["id"])
    assert "themes=nuclear" in page.url


def test_a_theme_click_hides_its_traces_in_the_browser_before_the_server_answers(page, live_app):
    _open(page, live_app)
    # From here on the server never answers a filter change: what happens is the browser's own.
    blocked = []
    page.route(
        re.compile(r".*/_dash-update-component(\?.*)?$"),
        lambda route: blocked.append(route.request.url) or route.abort(),
    )
    looks = S("""theme => document.querySelector('#$CHART .js-plotly-plot').data
        .filter(t => t.meta && t.meta['$META_THEME'] === theme)
        .map(t => [t.meta['$META_ROLE'], t.opacity === undefined ? 1 : t.opacity,
                   t.hoverinfo || 'all'])""")
    before = page.evaluate(looks, "china")
    assert before and dict((r, o) for r, o, _ in before)[ROLES.EVENTS] == 1
    other = page.evaluate(looks, "nuclear")
    page.locator(S("#$THEMES input[value='china']")).uncheck()
    page.wait_for_function(f"() => ({looks})('china').every(t => t[1] === 0)", timeout=5_000)
    assert all(hover == "skip" for _, _, hover in page.evaluate(looks, "china"))
    assert page.evaluate(looks, "nuclear") == other
    page.locator(S("#$THEMES input[value='china']")).check()
    page.wait_for_function(f"() => ({looks})('china').every(t => t[1] > 0)", timeout=5_000)
    assert page.evaluate(looks, "china") == before
    assert blocked, "the server was asked for nothing: the test would prove nothing"


def test_search_narrows_chart_and_list(page, live_app, dataset):
    _open(page, live_app)
    page.fill(S("#$SEARCH"), "Abbottabad")
    everything = f"Showing {(dataset.events['kind'] == 'event').sum()} "
    page.wait_for_function(
        S(
            "() => !(document.querySelector('#$COUNT')?.textContent || '')"
            f".startsWith('{everything}')"
        ),
        timeout=10_000,
    )
    _wait_for_view(page)
    ids = _chart_ids(page)
    assert "2011-abbottabad-raid" in ids
    assert len(ids) < 6
    assert _grid_ids(page, ids) == ids
    assert "q=Abbottabad" in page.url


def test_clicking_an_event_in_the_list_shows_its_commentary(page, live_app):
    _open(page, live_app, "?from=2011&to=2011")
    page.locator(S("#$GRID .ag-row[row-id='2011-salala-incident'] .ag-cell")).first.click()
    page.wait_for_selector(S("#$DETAIL blockquote.author"), timeout=10_000)
    detail = page.inner_text(S("#$DETAIL"))
    assert "Salalah post" in detail
    assert "Brigadier Saleem Qamar Butt" in detail
    assert "event=2011-salala-incident" in page.url


def _click_last_marker(page):
    # Plotly listens on its drag layer, so click where the marker is drawn, as a person would.
    box = page.locator(S("#$CHART .cartesianlayer .xy .scatterlayer .point")).last.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.wait_for_function("() => location.search.includes('event=')", timeout=10_000)


def test_clicking_an_event_on_the_chart_shows_it(page, live_app, dataset):
    _open(page, live_app, "?themes=nuclear")
    _click_last_marker(page)
    event_id = re.search(r"event=([^&]+)", page.url).group(1)
    assert "nuclear" in _event(dataset, event_id)["themes"]
    page.wait_for_selector(S("#$DETAIL .event-title"), timeout=10_000)
    assert page.inner_text(S("#$DETAIL .event-title")) == _event(dataset, event_id)["title"]


def test_a_click_on_the_chart_before_the_list_has_loaded_is_not_lost(page, live_app, dataset):
    # The list's script is loaded after the chart; here it never arrives.
    page.route("**/dash_ag_grid/**", lambda route: route.abort())
    _open(page, live_app, "?themes=nuclear")
    assert page.locator(S("#$GRID")).count() == 0
    _click_last_marker(page)
    event_id = re.search(r"event=([^&]+)", page.url).group(1)
    page.wait_for_selector(S("#$DETAIL .event-title"), timeout=10_000)
    assert page.inner_text(S("#$DETAIL .event-title")) == _event(dataset, event_id)["title"]


def _event(dataset, event_id):
    return dataset.events.set_index("id").loc[event_id]


def test_url_restores_filters_and_selection(page, live_app, dataset):
    _open(
        page, live_app, "?themes=security,afghanistan&from=2001&to=2021&event=2011-abbottabad-raid"
    )
    page.wait_for_selector(S("#$DETAIL .event-title"))
    title = _event(dataset, "2011-abbottabad-raid")["title"]
    assert "Abbottabad" in title
    assert page.inner_text(S("#$DETAIL .event-title")) == title
    checked = page.eval_on_selector_all(S("#$THEMES input:checked"), "els => els.map(e => e.value)")
    assert sorted(checked) == ["afghanistan", "security"]
    assert "2 May 2011" in page.inner_text(S("#$DETAIL .when"))
    ids = _chart_ids(page)
    assert ids and all(i[:4].isdigit() and 2000 <= int(i[:4]) <= 2021 for i in ids)
    # The list, drawn after the chart, shows the link's view, not the default one.
    assert _grid_ids(page, ids) == ids


def test_a_shared_link_dims_the_default_view_until_its_own_is_drawn(page, live_app, dataset):
    china = dataset.events[dataset.events["themes"].map(lambda t: "china" in t)]
    events = dataset.events[dataset.events["kind"] == "event"]
    # The server's answers are held back, so the default view is surely on screen first.
    held = []
    updates = re.compile(r".*/_dash-update-component(\?.*)?$")

    def hold(route):
        held.append(route)

    page.route(updates, hold)
    page.goto(live_app.url + "/?themes=china")
    page.wait_for_selector(CHART_POINTS, state="attached", timeout=30_000)
    assert _chart_ids(page) == set(events["id"])  # the default view…
    assert page.evaluate(PENDING), "the default view was shown undimmed for a link to another view"
    assert float(page.eval_on_selector(".chart-box", "e => getComputedStyle(e).opacity")) < 1
    assert held, "the page asked the server for its view"
    for route in held:
        route.continue_()
    page.unroute(updates, hold)  # it lets through any request held since
    page.wait_for_function(f"() => !({PENDING})()", timeout=30_000)
    assert _chart_ids(page) == set(china["id"])
    # Once the fade is over, the view is shown in full.
    page.wait_for_function(
        "() => getComputedStyle(document.querySelector('.chart-box')).opacity === '1'"
    )


def test_back_to_the_bare_address_restores_the_default_view(page, live_app, dataset):
    _open(page, live_app)
    events = dataset.events[dataset.events["kind"] == "event"]
    # A theme some event has alone, so unticking it changes the count.
    theme = next(t for t in dataset.themes if (t,) in set(map(tuple, events["themes"])))
    page.locator(S(f"#$THEMES input[value='{theme}']")).uncheck()
    page.wait_for_function("() => location.search.includes('themes=')")
    page.wait_for_function(
        S(
            "() => !(document.querySelector('#$COUNT')?.textContent || '')"
            f".startsWith('Showing {len(events)} of')"
        )
    )
    page.go_back()
    page.wait_for_function("() => location.search === ''")
    page.wait_for_function(
        S(
            "() => (document.querySelector('#$COUNT')?.textContent || '')"
            f".startsWith('Showing {len(events)} of')"
        )
    )
    checked = page.eval_on_selector_all(S("#$THEMES input:checked"), "els => els.length")
    assert checked == len(dataset.themes)
    _wait_for_view(page)
    assert _chart_ids(page) == set(events["id"])


@pytest.mark.parametrize("query", ["", "?utm_source=mail", "?q=%20%20"])
def test_links_that_need_no_redraw_are_not_left_dimmed(page, live_app, dataset, query):
    _open(page, live_app, query)  # waits until the page is no longer dimmed
    events = dataset.events[dataset.events["kind"] == "event"]
    assert _chart_ids(page) == set(events["id"])
    assert page.console_errors == []


def test_bad_url_shows_a_note_not_an_error(page, live_app):
    _open(page, live_app, "?themes=bogus&from=banana&event=%3Cscript%3E")
    notes = page.inner_text(S("#$NOTES"))
    assert "bogus" in notes and "banana" in notes
    assert page.console_errors == []


def test_export_button_downloads_the_current_view(page, live_app):
    _open(page, live_app, "?themes=security&from=2001&to=2021")
    page.locator(S("#$EXPORT_PRESET")).click()
    page.get_by_text("square (1080×1080)").click()
    with page.expect_download(timeout=60_000) as info:
        page.click(S("#$EXPORT_BUTTON"))
    download = info.value
    assert download.suggested_filename == "pakistan-us_security_2001-2021.png"
    image = Image.open(io.BytesIO(Path(download.path()).read_bytes()))
    assert image.size == (1080, 1080)


def test_the_chart_has_no_camera_button(page, live_app):
    # It saved a different, worse picture than "Export image" under the same name.
    _open(page, live_app, "?themes=china")
    page.hover(S("#$CHART .nsewdrag"))
    page.wait_for_selector(S("#$CHART .modebar-btn[data-title='Zoom in']"), timeout=10_000)
    assert page.locator(S("#$CHART .modebar-btn[data-title*='PNG']")).count() == 0


def test_the_chart_follows_the_window_and_is_not_redrawn_at_the_same_size(page, live_app):
    _open(page, live_app)
    count_draws = S("""() => {
        const gd = document.querySelector('#$CHART .js-plotly-plot');
        window.__draws = 0;
        gd.on('plotly_afterplot', () => { window.__draws += 1; });
        return gd._fullLayout.width;
    }""")
    wide = page.evaluate(count_draws)
    # dcc.Graph asks for a resize after drawing and when its box is observed; at the size
    # already drawn, plotly.js (our bundle) draws nothing.
    same = page.evaluate(
        S("() => Plotly.Plots.resize(document.querySelector('#$CHART .js-plotly-plot'))"
          ".then(() => window.__draws)")
    )  # fmt: skip
    assert same == 0
    page.set_viewport_size({"width": 1000, "height": 768})
    page.wait_for_function(
        S("""w => { const gd = document.querySelector('#$CHART .js-plotly-plot');
                    return gd._fullLayout.width !== w
                        && Math.abs(gd._fullLayout.width - gd.clientWidth) <= 1; }"""),
        arg=wide,
        timeout=10_000,
    )
    assert page.evaluate("window.__draws") >= 1


def test_phone_width_stacks_the_page(browser, live_app):
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.goto(live_app.url)
    page.wait_for_selector(CHART_POINTS, state="attached", timeout=30_000)
    width = page.evaluate("document.documentElement.scrollWidth")
    context.close()
    assert width <= 400, "nothing forces sideways scrolling on a phone"


def test_text_in_the_page_is_never_markup(page, live_app):
    page.goto(live_app.url + "/?q=%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E")
    page.wait_for_function(
        S("() => /No events/.test((document.querySelector('#$COUNT')?.textContent || ''))")
    )
    assert page.locator("img[src='x']").count() == 0
    assert re.search(r"No events match", page.inner_text(S("#$COUNT")))


def test_the_list_works_from_the_keyboard(page, live_app):
    _open(page, live_app, "?q=Kissinger")
    page.locator(S("#$GRID .ag-row[row-id='1971-kissinger-secret-trip'] .ag-cell")).first.focus()
    page.keyboard.press("Space")
    page.wait_for_selector(S("#$DETAIL .event-title"), timeout=10_000)
    assert "Kissinger" in page.inner_text(S("#$DETAIL .event-title"))
    assert "diplomatic bridge" in page.inner_text(S("#$DETAIL blockquote.author"))


CALLOUTS = S("""() => document.querySelector('#$CHART .js-plotly-plot').layout.annotations
    .map(a => a.name || '').filter(n => n.startsWith('callout:'))""")


def test_a_pinned_callout_is_in_the_link_and_survives_a_reload(page, live_app):
    salala = "2011-salala-incident"
    _open(page, live_app, "?from=2011&to=2011&callouts=pinned")
    assert page.evaluate(CALLOUTS) == []  # pinned only, and nothing pinned yet
    page.locator(S(f"#$GRID .ag-row[row-id='{salala}'] .ag-cell")).first.click()
    page.click(S("#$PIN_BUTTON:has-text('Pin as callout')"))
    page.wait_for_function(f"() => location.search.includes('pins={salala}')")
    _wait_for_view(page)
    assert page.evaluate(CALLOUTS) == [f"callout:{salala}"]
    _open(page, live_app, page.url.removeprefix(live_app.url + "/"))  # opened anew
    assert f"pins={salala}" in page.url
    assert page.evaluate(CALLOUTS) == [f"callout:{salala}"]
    assert page.inner_text(S("#$PIN_BUTTON")) == "Unpin"
    page.click(S("#$PIN_BUTTON"))
    page.wait_for_function("() => !location.search.includes('pins=')")
    _wait_for_view(page)
    assert page.evaluate(CALLOUTS) == []


def test_callouts_none_draws_no_callout(page, live_app):
    _open(page, live_app)
    assert page.evaluate(CALLOUTS), "the full view has callouts to remove"
    page.locator(S("#$CALLOUTS input[value='none']")).check()
    page.wait_for_function("() => location.search.includes('callouts=none')")
    _wait_for_view(page)
    assert page.evaluate(CALLOUTS) == []


def test_a_drag_zoom_is_in_the_link_and_in_the_export(page, live_app):
    _open(page, live_app)
    drag = page.locator(S("#$CHART .nsewdrag")).first.bounding_box()
    y = drag["y"] + drag["height"] / 2
    page.mouse.move(drag["x"] + drag["width"] * 0.70, y)
    page.mouse.down()
    page.mouse.move(drag["x"] + drag["width"] * 0.80, y, steps=5)
    page.mouse.move(drag["x"] + drag["width"] * 0.90, y, steps=5)
    page.mouse.up()
    page.wait_for_function("() => location.search.includes('zoom=')")
    _wait_for_view(page)
    zoom = re.search(r"zoom=(\d{4})-\d\d-\d\d%2C(\d{4})-\d\d-\d\d", page.url)
    y0, y1 = int(zoom.group(1)), int(zoom.group(2))
    assert 1947 < y0 < y1 <= 2022
    page.locator(S("#$EXPORT_FORMAT input[value='svg']")).check()
    with page.expect_download(timeout=60_000) as info:
        page.click(S("#$EXPORT_BUTTON"))
    svg = Path(info.value.path()).read_text(encoding="utf-8")
    assert f"Pakistan–US relations, {y0}–{y1}" in svg
    # The link keeps the zoom: opened anew, the chart shows the same dates.
    _open(page, live_app, page.url.removeprefix(live_app.url + "/"))
    shown = page.evaluate(
        S("() => document.querySelector('#$CHART .js-plotly-plot').layout.xaxis.range")
    )
    assert str(shown[0]).startswith(str(y0)) and str(shown[1]).startswith(str(y1))


STORY_HEADLINE = S("#$STORY_HEADLINE")


def _story_step(page, headline):
    page.wait_for_function(
        "([sel, want]) => document.querySelector(sel)?.textContent === want",
        arg=[STORY_HEADLINE, headline],
        timeout=30_000,
    )


def _callout_ids(page):
    return set(
        page.evaluate(
            S("""() => {
        const gd = document.getElementById('$CHART').querySelector('.js-plotly-plot');
        return (gd.layout.annotations || []).map(a => a.name || '')
            .filter(n => n.startsWith('callout:')).map(n => n.slice('callout:'.length));
    }""")
        )
    )


def test_story_mode_steps_with_keys_and_back_and_esc_keeps_the_view(page, live_app, dataset):
    from timeline.stories import load_stories

    story = next(s for s in load_stories(dataset) if s.slug == "widening-gap")
    two, three = story.steps[1], story.steps[2]
    _open(page, live_app, "?story=widening-gap&step=2")
    _story_step(page, two.title)
    counter = page.text_content(S("#$STORY_COUNTER"))
    assert f"Step 2 of {len(story.steps)}" in counter
    assert page.get_attribute(S("#$STORY_PANEL .story-step"), "aria-live") == "polite"

    page.keyboard.press("ArrowRight")
    _story_step(page, three.title)
    page.wait_for_function("() => location.search.includes('step=3')")

    page.go_back()
    _story_step(page, two.title)
    assert "step=2" in page.evaluate("location.search")

    # Typing in the search box moves nothing (had → moved to step 3, Esc would keep step 3's view).
    page.focus(S("#$SEARCH"))
    page.keyboard.press("ArrowRight")
    page.locator("body").click(position={"x": 5, "y": 5})
    page.keyboard.press("Escape")
    page.wait_for_selector(S("#$STORY_PANEL"), state="hidden")
    page.wait_for_function("() => !location.search.includes('story=')")
    _wait_for_view(page)
    assert page.is_checked(f"{S('#$THEMES')} input[value='{two.themes[0]}']")
    assert set(two.focus) <= _callout_ids(page)
    assert not set(three.focus) <= _callout_ids(page)
    assert page.is_visible(S("#$STORY_RESUME"))
    assert not page.console_errors


@pytest.mark.browser
def test_the_browser_keeps_every_feature_playwright_turns_off(page):
    """Chromium keeps only the last --disable-features switch: the project's (timeline/headless.py)
    must name every feature Playwright's own switch does, and the omnibox popup's."""
    from timeline.headless import OMNIBOX_POPUP_FEATURES

    page.goto("chrome://version")
    switches = re.findall(r"--disable-features=(\S+)", page.inner_text("#command_line"))
    assert len(switches) >= 2  # Playwright's, then ours
    kept = set(switches[-1].split(","))
    for earlier in switches[:-1]:
        assert set(earlier.split(",")) <= kept
    assert set(OMNIBOX_POPUP_FEATURES) <= kept
