import itertools
import json
import re

import numpy as np
import pandas as pd
import pytest

from timeline.chart import (
    SIZES,
    FigureStyle,
    build_timeline_figure,
    swing_curve,
    theme_lanes,
)
from timeline.contract import META, ROLES
from timeline.export import bundle_traces
from timeline.filters import EventFilter, filter_events
from timeline.views import build_view_figure


def _event_traces(fig):
    return [t for t in fig.data if isinstance(t.meta, dict) and t.meta.get("role") == "events"]


def _ids_on_chart(fig):
    return {i for t in _event_traces(fig) for i in t.customdata}


def test_every_event_is_on_the_chart(dataset):
    fig = build_view_figure(dataset, EventFilter())
    events = dataset.events[dataset.events["kind"] == "event"]
    assert _ids_on_chart(fig) == set(events["id"])


def test_each_event_sits_in_each_of_its_theme_lanes(dataset):
    fig = build_view_figure(dataset, EventFilter())
    themes = {t.meta["theme"]: set(t.customdata) for t in _event_traces(fig)}
    for row in dataset.events[dataset.events["kind"] == "event"].itertuples():
        for theme in row.themes:
            assert row.id in themes[theme]


def test_filtered_chart_shows_only_that_theme(dataset):
    fig = build_view_figure(dataset, EventFilter(themes=("china",)))
    traces = _event_traces(fig)
    assert {t.meta["theme"] for t in traces} == {"china"}
    assert list(fig.layout.yaxis.tickvals) == [0]


def test_eras_are_shaded_bands(dataset):
    fig = build_view_figure(dataset, EventFilter())
    eras = dataset.events[dataset.events["kind"] == "era"]
    rects = [s for s in fig.layout.shapes if s.type == "rect"]
    assert len(rects) == len(eras)
    assert all(s.yref == "paper" for s in rects)


def _callouts(fig):
    return [a for a in fig.layout.annotations if (a.name or "").startswith("callout:")]


def _plain(text: str) -> str:
    return re.sub(r"<[^>]+>", "", text.replace("<br>", " "))


def test_callouts_show_the_authors_words_in_full(dataset):
    fig = build_view_figure(dataset, EventFilter())
    callouts = _callouts(fig)
    assert callouts, "the full view quotes the author"
    events = dataset.events.set_index("id")
    for a in callouts:
        row = events.loc[a.name.removeprefix("callout:")]
        quote = re.findall(r"<i>(.*?)</i>", a.text)
        if quote:
            shown = " ".join(quote)
            assert shown[0] == "“" and shown[-1] == "”"
            shown = shown[1:-1]
            assert shown == " ".join((row.get("callout") or row["commentary"]).split())
        assert "…" not in _plain(a.text)


def test_pins_choose_the_callouts(dataset):
    pins = ("2011-raymond-davis", "1998-nuclear-tests-sanctions")
    fig = build_view_figure(dataset, EventFilter(), pins=pins, callouts="pinned")
    assert {a.name for a in _callouts(fig)} == {f"callout:{p}" for p in pins}
    assert not _callouts(build_view_figure(dataset, EventFilter(), callouts="none"))
    auto = {a.name for a in _callouts(build_view_figure(dataset, EventFilter(), pins=pins))}
    assert {f"callout:{p}" for p in pins} <= auto


def test_few_events_are_all_named(dataset):
    flt = EventFilter(("china",))
    fig = build_view_figure(dataset, flt, style=SLIDE)
    shown = filter_events(dataset, flt)
    events = shown[shown["kind"] == "event"]
    assert len(events) <= SIZES.few_events
    assert {a.name for a in _callouts(fig)} == {f"callout:{i}" for i in events["id"]}


SLIDE = FigureStyle(width=1920, height=1080, presentation=True)


def test_hover_says_the_date_as_precisely_as_known(dataset):
    fig = build_view_figure(dataset, EventFilter())
    hover = {
        i: h for t in _event_traces(fig) for i, h in zip(t.customdata, t.hovertext, strict=True)
    }
    assert "2 May 2011 (" in hover["2011-abbottabad-raid"]
    month_only = dataset.events[(dataset.events["precision"] == "month")].iloc[0]
    assert month_only["start"].strftime("%B %Y") in hover.get(month_only["id"], "")


def test_imprecise_dates_show_their_span(dataset):
    fig = build_view_figure(dataset, EventFilter())
    spans = [t for t in fig.data if (t.name or "").endswith("date span")]
    assert spans, "events known to the month or year get a faint bar"
    assert all(t.opacity < 0.5 for t in spans)


def test_text_in_data_is_escaped(dataset):
    events = dataset.events.copy()
    events.loc[events.index[-1], "title"] = "<script>alert(1)</script>"
    events.loc[events.index[-1], "kind"] = "event"
    events.loc[events.index[-1], "themes"] = ["security"]
    fig = build_timeline_figure(events, theme_lanes(("security",)))
    hover = " ".join(h for t in _event_traces(fig) for h in t.hovertext)
    assert "<script>" not in hover
    assert "&lt;script&gt;" in hover


def test_empty_result_says_so(dataset):
    empty = filter_events(dataset, EventFilter(query="no-such-words-anywhere"))
    fig = build_timeline_figure(empty, theme_lanes(dataset.themes))
    texts = [a.text for a in fig.layout.annotations]
    assert "No events match these filters" in texts


def test_swing_is_positive_in_the_alliance_and_negative_in_2011(dataset):
    items = dataset.events[dataset.events["kind"] == "event"]
    grid, curve = swing_curve(items, (pd.Timestamp("1947-01-01"), pd.Timestamp("2022-01-01")))
    at = lambda year: curve[np.argmin(np.abs(grid - pd.Timestamp(f"{year}-07-01")))]  # noqa: E731
    assert at(1955) > 3
    assert at(2011) < -3


def test_presentation_has_title_subtitle_footer_and_no_slider(dataset):
    style = FigureStyle(width=1920, height=1080, presentation=True)
    fig = build_view_figure(dataset, EventFilter(("security",), "2001", "2021"), style=style)
    named = {a.name: a.text for a in fig.layout.annotations if a.name}
    assert dataset.info.title in _plain(named["title"])
    assert "Security · 2001–2021" in named["subtitle"]
    assert fig.layout.xaxis.rangeslider.visible is False
    assert "exact date" in named["key"]
    assert any("Future Directions International" in (a.text or "") for a in fig.layout.annotations)


def test_many_events_are_summarised_not_smeared(dataset):
    rng = np.random.default_rng(1)
    base = dataset.events[dataset.events["kind"] == "event"]
    many = base.sample(5000, replace=True, random_state=1).reset_index(drop=True)
    many["id"] = [f"e{i}" for i in range(len(many))]
    shift = pd.to_timedelta(rng.integers(-400, 400, len(many)), unit="D")
    for col in ("start", "start_hi", "end", "end_lo"):
        many[col] = many[col] + shift
    fig = build_timeline_figure(many, theme_lanes(dataset.themes), max_markers=600)
    density = [t for t in fig.data if isinstance(t.meta, dict) and t.meta.get("role") == "density"]
    assert len(density) == len(dataset.themes)
    assert len(_ids_on_chart(fig)) <= 600
    assert any("most important" in (a.text or "") for a in fig.layout.annotations)


def test_figures_are_valid_plotly(dataset):
    # The builder skips plotly's validation for speed; check here that nothing invalid slips by.
    import plotly.graph_objects as go

    for style in (FigureStyle(), FigureStyle(width=1920, height=1080, presentation=True)):
        fig = build_view_figure(
            dataset, EventFilter(), style=style, selected="2011-salala-incident"
        )
        go.Figure(fig.to_dict())
    many = pd.concat([dataset.events] * 80, ignore_index=True)
    many["id"] = [f"e{i}" for i in range(len(many))]
    go.Figure(build_timeline_figure(many, theme_lanes(dataset.themes)).to_dict())


def test_the_apps_plain_dict_figure_is_the_same_valid_figure(dataset):
    import plotly.graph_objects as go
    import plotly.io as pio

    flt = EventFilter(themes=("security", "china"))
    plain = build_view_figure(dataset, flt, selected="2011-salala-incident", as_dict=True)
    assert isinstance(plain, dict)
    checked = go.Figure(plain)  # validates every property
    made = build_view_figure(dataset, flt, selected="2011-salala-incident")
    assert json.loads(pio.to_json(checked)) == json.loads(pio.to_json(made))


def test_hover_text_wraps_at_spaces_and_loses_no_words(dataset):
    import html

    long_word = "x" * 80
    summary = ("Talks resumed after a pause of several months in Islamabad. " * 2) + long_word
    events = dataset.events[dataset.events["kind"] == "event"].head(1).copy()
    events["summary"] = summary
    fig = build_timeline_figure(events, theme_lanes(dataset.themes))
    hover = html.unescape(_event_traces(fig)[0].hovertext[0])
    lines = hover.split("<br>")[2:]  # after the title and the date
    assert all(len(line) <= 64 for line in lines)
    assert "".join(lines).replace(" ", "") == summary.replace(" ", "")
    # Lines are filled: the next line's first word would not have fitted.
    assert all(len(a) + 1 + len(b.split()[0]) > 64 for a, b in itertools.pairwise(lines))
    assert lines[-1] == long_word[64:]


def test_the_app_uses_only_traces_in_its_plotly_bundle(dataset):
    many = pd.concat([dataset.events] * 80, ignore_index=True)
    many["id"] = [f"e{i}" for i in range(len(many))]
    for fig in (
        build_view_figure(dataset, EventFilter(), selected="2011-salala-incident", as_dict=True),
        build_timeline_figure(many, theme_lanes(dataset.themes), as_dict=True),
    ):
        assert {t.get("type", "scatter") for t in fig["data"]} <= bundle_traces()


def test_the_shipped_plotly_bundle_matches_plotly_py():
    from pathlib import Path

    import plotly

    def version(path: Path) -> str:
        return re.search(r"plotly\.js.*? v(\d+\.\d+\.\d+)", path.read_text()[:300]).group(1)

    full = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
    [shipped] = (Path(__file__).parent.parent / "timeline" / "assets").glob("plotly-*.min.js")
    assert version(shipped) == version(full), (
        f"{shipped.name} is plotly.js {version(shipped)} but plotly.py draws with "
        f"{version(full)}: update it (see README, Development)"
    )


def test_a_theme_keeps_its_colour_when_others_are_hidden(dataset):
    def colours(fig):
        return {
            t["meta"]["theme"]: t["marker"]["color"]
            for t in fig["data"]
            if t.get("meta", {}).get("role") == "events"
        }

    everything = colours(build_view_figure(dataset, EventFilter(), as_dict=True))
    one = colours(build_view_figure(dataset, EventFilter(themes=("nuclear",)), as_dict=True))
    assert one == {"nuclear": everything["nuclear"]}


class _Pixels:
    """Converts a figure's coordinates to pixels from the plot area's top left."""

    def __init__(self, fig):
        m = fig.layout.margin
        self.w = fig.layout.width - m.l - m.r
        self.h = fig.layout.height - m.t - m.b
        self.lo, self.hi = (pd.Timestamp(v) for v in fig.layout.xaxis.range)

    def x(self, when) -> float:
        return (pd.Timestamp(when) - self.lo) / (self.hi - self.lo) * self.w

    def y(self, paper: float) -> float:
        return (1 - paper) * self.h


def _segments_cross(p1, p2, q1, q2) -> bool:
    def orient(a, b, c):
        return (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0])

    d1, d2 = orient(p1, p2, q1), orient(p1, p2, q2)
    d3, d4 = orient(q1, q2, p1), orient(q1, q2, p2)
    return d1 * d2 < 0 and d3 * d4 < 0


@pytest.mark.parametrize(
    "flt",
    [EventFilter(), EventFilter(("china",)), EventFilter(("security", "afghanistan"), "2001")],
    ids=["all", "china", "security-2001"],
)
@pytest.mark.parametrize("size", [(1920, 1080), (1080, 1080), (1000, 600)], ids=str)
def test_leaders_end_at_their_marker_and_never_cross_or_hide(dataset, flt, size):
    style = FigureStyle(*size, presentation=size != (1000, 600))
    fig = build_view_figure(dataset, flt, style=style)
    px = _Pixels(fig if style.presentation else fig.update_layout(width=size[0]))
    leaders = {s.name.removeprefix("leader:"): s for s in fig.layout.shapes if s.name}
    boxes = {}
    for a in _callouts(fig):
        w, h = a.width + 2 * a.borderpad + 2, a.height + 2 * a.borderpad + 2
        boxes[a.name.removeprefix("callout:")] = (px.x(a.x), px.y(a.y), w, h)
    assert set(leaders) == set(boxes) and boxes
    lanes_top = fig.layout.yaxis.domain[1]
    n = len(fig.layout.yaxis.tickvals)
    markers = {}
    for t in _event_traces(fig):
        for i, x, y in zip(t.customdata, t.x, t.y, strict=True):
            paper = lanes_top * (n - 0.5 - y) / n
            markers.setdefault(i, []).append((px.x(x), px.y(paper)))
    segs = {}
    for event, s in leaders.items():
        top, end = (px.x(s.x0), px.y(s.y0)), (px.x(s.x1), px.y(s.y1))
        segs[event] = (top, end)
        # Ends at the event's own marker (just above it, at its edge).
        assert any(abs(mx - end[0]) < 1 and 0 <= my - end[1] <= 25 for mx, my in markers[event])
        left, box_top, w, h = boxes[event]
        assert left - 1 <= top[0] <= left + w + 1 and abs(top[1] - (box_top + h)) < 2
    for a, b in itertools.combinations(segs, 2):
        assert not _segments_cross(*segs[a], *segs[b]), (a, b)
    for event, (p, q) in segs.items():
        for other, (left, top, w, h) in boxes.items():
            if other == event:
                continue
            corners = [(left, top), (left + w, top), (left + w, top + h), (left, top + h)]
            for c, d in itertools.pairwise([*corners, corners[0]]):
                assert not _segments_cross(p, q, c, d), (event, other)
    for a, b in itertools.combinations(boxes.values(), 2):
        apart_x = a[0] + a[2] <= b[0] or b[0] + b[2] <= a[0]
        apart_y = a[1] + a[3] <= b[1] or b[1] + b[3] <= a[1]
        assert apart_x or apart_y


def test_third_party_events_stay_off_the_swing_line(dataset):
    events = dataset.events[dataset.events["kind"] == "event"]
    others = events["tone_note"].str.lower().str.startswith("third party")
    assert others.any()
    x_range = (pd.Timestamp("1947-01-01"), pd.Timestamp("2022-01-01"))
    _, with_them = swing_curve(events, x_range)
    _, without = swing_curve(events[~others], x_range)
    np.testing.assert_array_equal(with_them, without)
    # Had they counted, their zeros would have pulled the line: the test would see it.
    counted = events.assign(tone_note="")
    assert not np.array_equal(swing_curve(counted, x_range)[1], with_them, equal_nan=True)


def test_the_selection_ring_is_drawn_whole_at_the_swing_strips_edge(dataset):
    # Salala's tone is -10: its ring on the swing strip sits on the strip's lower edge.
    fig = build_view_figure(dataset, EventFilter(), selected="2011-salala-incident", as_dict=True)
    rings = [t for t in fig["data"] if t.get("meta", {}).get(META.ROLE) == ROLES.SELECTED]
    on_strip = [t for t in rings if t.get("yaxis") == "y2"]
    assert on_strip and on_strip[0]["y"][0] == -10
    assert all(t["cliponaxis"] is False for t in rings)
