import itertools
import json
import re

import numpy as np
import pandas as pd
import pytest

from timeline.chart import (
    SIZES,
    TONE,
    FigureStyle,
    build_timeline_figure,
    swing_curve,
    theme_lanes,
)
from timeline.chart.callouts import commentary_excerpt
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


def test_callouts_quote_the_author_for_importance_three(dataset):
    fig = build_view_figure(dataset, EventFilter())
    callouts = [a for a in fig.layout.annotations if (a.name or "").startswith("callout:")]
    keyed = dataset.events[
        (dataset.events["importance"] == 3) & (dataset.events["commentary"] != "")
    ]
    assert len(callouts) == len(keyed)
    salala = next(a for a in callouts if a.name == "callout:2011-salala-incident")
    assert "two dozen troops" in salala.text


@pytest.mark.parametrize(
    "style",
    [FigureStyle(width=1920, height=1080, presentation=True), FigureStyle(width=1000, height=600)],
    ids=["slide", "app"],
)
def test_callouts_do_not_overlap_or_leave_the_chart(dataset, style):
    fig = build_view_figure(dataset, EventFilter(), style=style)
    callouts = [a for a in fig.layout.annotations if (a.name or "").startswith("callout:")]
    lo, hi = (pd.Timestamp(v) for v in fig.layout.xaxis.range)
    plot_w = style.width - fig.layout.margin.l - fig.layout.margin.r
    by_row: dict[float, list] = {}
    for a in callouts:
        x = (pd.Timestamp(a.ax) - lo) / (hi - lo) * plot_w
        lines = re.sub(r"</?[bi]>", "", a.text).split("<br>")
        half = max(len(line) for line in lines) * a.font.size * SIZES.char_width / 2
        label_y = round(a.ay + _tone_px(fig, a.y), 1)  # the label's height on the page
        by_row.setdefault(label_y, []).append((x - half, x + half))
        assert x - half >= -1 and x + half <= plot_w + 1, a.name
    assert 1 <= len(by_row) <= 2
    for spans in by_row.values():
        spans.sort()
        for (_, r1), (l2, _) in itertools.pairwise(spans):
            assert l2 >= r1, spans


def _tone_px(fig, tone):
    """Pixels from the top of the plot area down to a tone value."""
    lo, hi = fig.layout.yaxis2.domain
    plot_h = fig.layout.height - fig.layout.margin.t - fig.layout.margin.b
    paper = lo + (tone - TONE.lo) / TONE.span * (hi - lo)
    return (1 - paper) * plot_h


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
    assert dataset.info.title in fig.layout.title.text
    assert "Security · 2001–2021" in fig.layout.title.text
    assert fig.layout.xaxis.rangeslider.visible is False
    assert fig.layout.showlegend is True
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


def test_excerpt_cuts_at_a_word():
    assert commentary_excerpt("one two three four", limit=9) == "one two …"
    assert commentary_excerpt("short") == "short"


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


# The app ships plotly.js's cartesian bundle (timeline/assets), not the full one.
CARTESIAN_TRACES = {"bar", "box", "contour", "heatmap", "histogram", "image", "pie", "scatter"}


def test_the_app_uses_only_traces_in_its_plotly_bundle(dataset):
    many = pd.concat([dataset.events] * 80, ignore_index=True)
    many["id"] = [f"e{i}" for i in range(len(many))]
    for fig in (
        build_view_figure(dataset, EventFilter(), selected="2011-salala-incident", as_dict=True),
        build_timeline_figure(many, theme_lanes(dataset.themes), as_dict=True),
    ):
        assert {t.get("type", "scatter") for t in fig["data"]} <= CARTESIAN_TRACES


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
