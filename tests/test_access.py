"""An app everyone can use: axe-core finds nothing serious on any view at a laptop's or a
phone's size, the keyboard reaches everything, a phone shows the chart first and a tapped
event's detail on the first screen; and what the page says for it (the chart in words, the
sources, the copied quote)."""

import pytest
from page_names import S

from timeline.access import describe_view
from timeline.callbacks import chart_style, render_view
from timeline.data import load_dataset
from timeline.filters import EventFilter, filter_events
from timeline.panels import detail_panel, quote_text
from timeline.probe import view_values

LAPTOP = {"width": 1366, "height": 768}
PHONE = {"width": 390, "height": 844}
# The views axe checks: the default page, an event selected, a filtered view, a story step.
VIEWS = {
    "default": "",
    "event selected": "?event=2011-salala-incident",
    "filtered": "?themes=nuclear%2Cchina&from=1970&q=sanctions",
    "story": "?story=widening-gap&step=2",
}
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def _events(frame):
    return frame[frame["kind"] == "event"]


# ---- What the page says (no browser) --------------------------------------------------------


def test_the_chart_is_described_in_words(dataset):
    said = describe_view(dataset.events, themes=len(dataset.themes))
    n = len(_events(dataset.events))
    assert said.startswith(f"The chart shows {n} events from 1947 to ")
    assert f"in {len(dataset.themes)} themes" in said
    # The strongest swings either way, named with their dates and tones.
    assert "Most cooperative: " in said and "tone +8" in said
    assert "Most hostile: " in said and "tone −10" in said
    nothing = filter_events(dataset, EventFilter(query="zzzz-no-such-thing"))
    assert describe_view(nothing, themes=7) == "The chart shows no events: the filters leave none."


def test_search_matches_theme_names_and_sources(dataset):
    china = _events(filter_events(dataset, EventFilter(query="China")))
    tagged = _events(dataset.events)[_events(dataset.events)["themes"].map(lambda t: "china" in t)]
    assert set(tagged["id"]) <= set(china["id"])
    # A publisher named only among a row's sources finds that row.
    frontline = _events(filter_events(dataset, EventFilter(query="PBS Frontline")))
    assert len(frontline) > 0
    assert all("PBS Frontline" in s for s in frontline["source"])


def _source_items(panel) -> list[tuple[str, list[str]]]:
    """Each item of the panel's source list: its words and the links in it."""
    listing = next(c for c in panel if getattr(c, "className", None) == "sources")
    items = []
    for item in listing.children:
        parts = item.children if isinstance(item.children, list) else [item.children]
        words = "".join(p if isinstance(p, str) else p.children for p in parts)
        items.append((words, [p.href for p in parts if getattr(p, "href", None)]))
    return items


def test_every_source_is_its_own_item_with_its_own_link(write_csv):
    path = write_csv(
        "a,event,2011-11-26,,Salala incident,NATO strike,security,-9,3,,,,"
        "Reuters ; BBC News ; Dawn,https://www.reuters.com/a ; ; https://www.dawn.com/c",
        "b,event,2011-05-02,,Raid,US raid,security,-8,3,,,,Reuters ; BBC News,https://pbs.org/p",
    )
    dataset = load_dataset(path)
    panel = detail_panel(dataset, "a")
    assert _source_items(panel) == [
        ("Reuters reuters.com/a", ["https://www.reuters.com/a"]),
        ("BBC News", []),
        ("Dawn dawn.com/c", ["https://www.dawn.com/c"]),
    ]
    assert _copied(panel, "Copy citation") == (
        "Reuters https://www.reuters.com/a\nBBC News\nDawn https://www.dawn.com/c"
    )
    # One link for several sources: the row's page, not pinned on any one source.
    assert _source_items(detail_panel(dataset, "b")) == [
        ("Reuters", []),
        ("BBC News", []),
        ("Online: pbs.org/p", ["https://pbs.org/p"]),
    ]


def _copied(components, label: str) -> str:
    """What the button named ``label`` copies, found anywhere in ``components``."""
    for component in components:
        if getattr(component, "children", None) == label:
            return getattr(component, "data-copy")
        children = getattr(component, "children", None)
        if isinstance(children, list | tuple):
            try:
                return _copied(children, label)
            except LookupError:
                continue
    raise LookupError(f"no {label!r} button")


def test_a_quote_can_be_copied_with_its_attribution(dataset):
    words = dataset.events.set_index("id").loc["2011-salala-incident", "commentary"]
    copied = quote_text(dataset, words)
    assert copied == (
        f"“{words}” — Brigadier Saleem Qamar Butt (Rtd), ‘Pakistan-US Relations: How to Bridge "
        "the Widening Gap’, Future Directions International, 2 September 2021"
    )
    assert "Copy quote" in str(detail_panel(dataset, "2011-salala-incident"))


def test_the_chart_is_laid_out_for_the_box_it_is_drawn_in(dataset):
    controls = view_values(list(dataset.themes), [1947, 2022])
    phone = render_view(dataset, controls, {"width": 370, "height": 460})["figure"]
    laptop = render_view(dataset, controls, None)["figure"]
    assert phone["layout"]["height"] == 460
    # Fewer callouts on a phone's narrow chart, rather than the laptop's piled up.
    assert 0 < len(_callouts(phone)) < len(_callouts(laptop))
    # A size no screen has is not believed: the default size is used.
    assert chart_style({"width": 10**9, "height": "x"}) == chart_style(None)
    assert chart_style({"width": 5, "height": 5}) == chart_style({})


def _callouts(figure: dict) -> list[str]:
    names = (a.get("name") or "" for a in figure["layout"].get("annotations", []))
    return [n for n in names if n.startswith("callout:")]


# ---- In the browser -------------------------------------------------------------------------


def _open(page, url):
    page.goto(url)
    page.wait_for_selector(S("#$CHART .scatterlayer .point"), state="attached", timeout=30_000)
    page.wait_for_selector(S("#$THEMES input.theme-input"), state="attached", timeout=10_000)
    # A link's own view has been drawn once the page stops dimming the default one.
    page.wait_for_function(
        S("() => !document.documentElement.classList.contains('$PENDING')"), timeout=30_000
    )
    page.wait_for_selector(S("#$GRID"), timeout=20_000)


def _axe_problems(page) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG}})
    return [
        f"{v['impact']} {v['id']}: {[n['target'] for n in v['nodes']][:5]}"
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


@pytest.mark.browser
@pytest.mark.parametrize("size", [LAPTOP, PHONE], ids=["laptop", "phone"])
def test_axe_finds_nothing_serious_on_any_view(page, live_app, size):
    page.set_viewport_size(size)
    problems = {}
    for name, query in VIEWS.items():
        _open(page, live_app.url + "/" + query)
        if name == "event selected":
            page.wait_for_selector(S("#$DETAIL .event-title"))
        if name == "story":
            page.wait_for_selector(S("#$STORY_PANEL:not([hidden]) .story-headline"))
        problems[name] = _axe_problems(page)
    assert problems == {name: [] for name in VIEWS}
    assert page.get_attribute("html", "lang") == "en"


def _tab_to(page, selector: str, limit: int = 80) -> None:
    """Press Tab until ``selector`` has the focus (as a keyboard user would), failing if it
    never does."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("s => !!document.activeElement?.matches(s)", selector):
            return
    raise AssertionError(f"Tab never reached {selector}")


def _focus_ring(page) -> str:
    return page.evaluate(
        "() => { const s = getComputedStyle(document.activeElement);"
        " return s.outlineStyle === 'none' ? '' : s.outlineWidth; }"
    )


@pytest.mark.browser
def test_the_keyboard_walks_filter_event_details_and_back(page, live_app, dataset):
    _open(page, live_app.url + "/")
    # Filter: "only" beside Nuclear, reached with Tab and pressed with Enter.
    _tab_to(page, "button.theme-only[data-theme='nuclear']")
    assert _focus_ring(page) not in ("", "0px")
    page.keyboard.press("Enter")
    nuclear = _events(dataset.events)[
        _events(dataset.events)["themes"].map(lambda t: "nuclear" in t)
    ]
    total = len(_events(dataset.events))
    page.wait_for_function(
        S("want => document.querySelector('#$COUNT').textContent.startsWith(want)"),
        arg=f"Showing {len(nuclear)} of {total} events",
    )
    assert page.get_attribute(S("#$COUNT"), "role") == "status"  # said aloud when it changes
    checked = page.eval_on_selector_all(S("#$THEMES input:checked"), "els => els.map(e => e.value)")
    assert checked == ["nuclear"]
    page.wait_for_selector(S(f"#$GRID .ag-row[row-id='{nuclear['id'].iloc[0]}']"))
    # Event: into the list, down to a row, Space chooses it.
    _tab_to(page, S("#$GRID .ag-header-cell, #$GRID .ag-cell"))
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Space")
    # Details: shown, with the focus on them, and their buttons next in the tab order.
    page.wait_for_selector(S("#$DETAIL .event-title"), timeout=10_000)
    page.wait_for_function(S("() => document.activeElement?.id === '$DETAIL'"))
    shown = page.inner_text(S("#$DETAIL .event-title"))
    assert shown in set(nuclear["title"])
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.textContent") == "Close"
    # Back: Close returns to the list row the event was chosen from.
    page.keyboard.press("Enter")
    page.wait_for_selector(S("#$DETAIL .event-title"), state="detached")
    page.wait_for_function(S("() => !!document.activeElement?.closest('#$GRID')"))
    assert "event=" not in page.url


CHART_TEXTS = S("""() => [...document.querySelectorAll('#$CHART svg text')]
    .filter(t => t.textContent.trim() && getComputedStyle(t).visibility !== 'hidden'
                 && getComputedStyle(t).display !== 'none' && t.getBBox().width > 0)
    .map(t => { const r = t.getBoundingClientRect();
                return {text: t.textContent.trim(), x0: r.left, y0: r.top, x1: r.right,
                        y1: r.bottom}; })""")


def _overlapping(boxes: list[dict]) -> list[tuple[str, str]]:
    def meet(a, b):  # by more than a pixel each way: touching glyph boxes are not overprints
        return min(a["x1"], b["x1"]) - max(a["x0"], b["x0"]) > 1 and (
            min(a["y1"], b["y1"]) - max(a["y0"], b["y0"]) > 1
        )

    return [
        (a["text"], b["text"]) for i, a in enumerate(boxes) for b in boxes[i + 1 :] if meet(a, b)
    ]


@pytest.mark.browser
def test_a_phone_shows_the_chart_first_and_a_tapped_event_on_the_first_screen(browser, live_app):
    context = browser.new_context(viewport=PHONE, has_touch=True, is_mobile=True)
    page = context.new_page()
    try:
        _open(page, live_app.url + "/")
        # Laid out for the phone's box (its height is the phone's), not a laptop's squeezed.
        page.wait_for_function(
            S("""() => { const gd = document.querySelector('#$CHART .js-plotly-plot');
                const box = document.getElementById('$CHART_BOX');
                return Math.abs(gd.layout.height - box.clientHeight) <= 10; }""")
        )
        chart = page.locator(S("#$CHART_BOX")).bounding_box()
        assert chart["y"] >= 0 and chart["y"] + chart["height"] <= PHONE["height"]
        assert page.locator(S("#$CONTROLS")).is_hidden()  # the filters wait behind a button
        texts = page.evaluate(CHART_TEXTS)
        assert len(texts) > 10
        assert _overlapping(texts) == []
        # A tap on an event opens its detail over the chart's screen, not far below.
        point = page.locator(
            S("#$CHART .cartesianlayer .xy .scatterlayer .point")
        ).last.bounding_box()
        page.tap(S("#$CHART .nsewdrag[data-subplot='xy']"), position=_inside(page, point))
        page.wait_for_selector(S("#$DETAIL .event-title"), timeout=10_000)
        detail = page.locator(S("#$DETAIL")).bounding_box()
        assert 0 <= detail["y"] < PHONE["height"] - 100
        assert page.locator(S("#$DETAIL .event-title")).is_visible()
        # The filters button opens the controls.
        page.tap(S("#$FILTERS_TOGGLE"))
        assert page.locator(S("#$CONTROLS")).is_visible()
    finally:
        context.close()


def _inside(page, point: dict) -> dict:
    """The centre of ``point`` (a page box) relative to the chart's drag layer."""
    drag = page.locator(S("#$CHART .nsewdrag[data-subplot='xy']")).bounding_box()
    return {
        "x": point["x"] + point["width"] / 2 - drag["x"],
        "y": point["y"] + point["height"] / 2 - drag["y"],
    }
