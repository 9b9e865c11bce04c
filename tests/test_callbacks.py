"""The app's callbacks called as plain functions: what each sends back for what it is given."""

import base64
import io
import re

from dash import no_update
from PIL import Image

from timeline import callbacks as cb
from timeline import ids
from timeline.filters import EventFilter, ViewState
from timeline.probe import view_values

SALALA = "2011-salala-incident"
RAID = "2011-abbottabad-raid"


def _controls(dataset, **chosen):
    return view_values(list(dataset.themes), [1947, 2022], **chosen)


def _callout_names(figure) -> set[str]:
    return {
        a.get("name", "")
        for a in figure["layout"].get("annotations", [])
        if a.get("name", "").startswith("callout:")
    }


def test_opening_the_bare_address_needs_no_redraw(dataset):
    assert cb.sync_url(dataset, None, "", _controls(dataset)) == {"pending": False}
    # Dash 4 names the address as the trigger when the page opens.
    assert cb.sync_url(dataset, ids.URL, "", _controls(dataset)) == {"pending": False}


def test_back_to_the_bare_address_resets_the_controls(dataset):
    out = cb.sync_url(dataset, ids.URL, "", _controls(dataset, query="raid"))
    assert out["query"] == "" and out["themes"] == list(dataset.themes)
    assert out["pending"] is True


def test_a_link_sets_every_control_and_notes_what_it_dropped(dataset):
    search = f"?themes=security&from=2001&to=2021&pins={SALALA},nope&callouts=pinned"
    search += "&zoom=2005-01-01,2012-12-31"
    out = cb.sync_url(dataset, ids.URL, search, _controls(dataset))
    assert out["themes"] == ["security"]
    assert out["years"] == [2001, 2021]
    assert out["pins"] == [SALALA]
    assert out["callouts"] == "pinned"
    assert out["zoom"] == ["2005-01-01", "2012-12-31"]
    assert out["pending"] is True
    assert "nope" in " ".join(note.children for note in out["notes"])
    assert "search" not in out  # the address is already right


def test_a_control_change_writes_the_address(dataset):
    controls = _controls(
        dataset, pins=[SALALA, RAID], callouts="none", zoom=["2001-01-01", "2011-12-31"]
    )
    controls["themes"] = ["security", "china"]
    out = cb.sync_url(dataset, ids.THEMES, "", controls)
    assert out == {
        "search": "?themes=security%2Cchina&pins=2011-salala-incident%2C2011-abbottabad-raid"
        "&callouts=none&zoom=2001-01-01%2C2011-12-31"
    }


def test_no_theme_ticked_is_not_written_as_a_theme(dataset):
    controls = _controls(dataset, query="raid")
    controls["themes"] = []
    assert cb.sync_url(dataset, ids.THEMES, "", controls) == {"search": "?q=raid"}
    state = cb.controls_to_state(dataset, **controls)
    assert state.no_themes and state.filter == EventFilter(query="raid")
    view = cb.render_view(dataset, controls)
    assert view["count"].startswith("No theme chosen")
    assert view["rows"] == []


def test_reset_clears_the_address_and_the_controls(dataset):
    out = cb.sync_url(dataset, ids.RESET, "?q=x", _controls(dataset, query="x", pins=[SALALA]))
    assert out["search"] == ""
    assert out["query"] == "" and out["pins"] == [] and out["zoom"] == []
    assert out["themes"] == list(dataset.themes)


def test_the_view_follows_the_pins_and_the_callout_mode(dataset):
    pinned = cb.render_view(dataset, _controls(dataset, pins=[RAID], callouts="pinned"))
    assert _callout_names(pinned["figure"]) == {f"callout:{RAID}"}
    none = cb.render_view(dataset, _controls(dataset, pins=[RAID], callouts="none"))
    assert _callout_names(none["figure"]) == set()
    auto = cb.render_view(dataset, _controls(dataset))
    assert _callout_names(auto["figure"])


def test_the_view_says_what_an_export_would_be_titled(dataset):
    view = cb.render_view(dataset, view_values(["security"], [2001, 2021]))
    assert view["title"] == "Pakistan–US relations, 2001–2021"
    assert view["subtitle"] == "Security · 2001–2021"
    assert view["file_name"] == "File: pakistan-us_security_2001-2021"
    assert view["count"].startswith("Showing ")
    assert all("Security" in row["themes"] for row in view["rows"])
    assert view["figure"]["layout"]["meta"]["view"] == "?themes=security&from=2001&to=2021"


def test_the_zoom_draws_the_chart_on_its_dates(dataset):
    view = cb.render_view(dataset, _controls(dataset, zoom=["2001-09-11", "2011-05-02"]))
    lo, hi = view["figure"]["layout"]["xaxis"]["range"]
    assert str(lo).startswith("2001-09-11") and str(hi).startswith("2011-05-02")
    assert "zoom=2001-09-11%2C2011-05-02" in view["figure"]["layout"]["meta"]["view"]


def test_pinning_toggles(dataset):
    assert cb.toggle_pin(dataset, 1, SALALA, []) == [SALALA]
    assert cb.toggle_pin(dataset, 1, SALALA, [RAID, SALALA]) == [RAID]
    assert cb.toggle_pin(dataset, 1, "nope", [RAID, "bogus"]) == [RAID]
    # Drawing the panel's new button is not a click.
    assert cb.toggle_pin(dataset, 0, SALALA, []) is no_update


def test_the_detail_panel_offers_pin_or_unpin(dataset):
    def button(children):
        return next(c for c in children if getattr(c, "id", None) == ids.PIN_BUTTON).children

    assert button(cb.show_detail(dataset, SALALA, [])) == "Pin as callout"
    assert button(cb.show_detail(dataset, SALALA, [SALALA])) == "Unpin"
    placeholder = [c.to_plotly_json() for c in cb.detail_placeholder()]
    shown = cb.show_detail(dataset, "<script>", [])
    assert [c.to_plotly_json() for c in shown] == placeholder


def test_a_zoom_on_the_chart_is_recorded_as_dates(dataset):
    drag = {"xaxis.range[0]": "1998-05-01 10:22:13.1", "xaxis.range[1]": "2011-12-31"}
    assert cb.zoom_from_relayout(drag) == ["1998-05-01", "2011-12-31"]
    assert cb.zoom_from_relayout({"xaxis.range": ["2011-12-31", "1998-05-01"]}) == [
        "1998-05-01",
        "2011-12-31",
    ]
    assert cb.zoom_from_relayout({"xaxis.autorange": True}) == []
    assert cb.zoom_from_relayout({"autosize": True}) is no_update
    assert cb.zoom_from_relayout({"xaxis.range[0]": "banana", "xaxis.range[1]": 5}) is no_update


def test_selecting_from_the_chart_or_the_list(dataset):
    click = {"points": [{"customdata": SALALA}]}
    assert cb.event_from_click(dataset, click) == SALALA
    assert cb.event_from_rows(dataset, [{"id": RAID}]) == RAID
    assert cb.event_from_click(dataset, {"points": []}) is no_update
    assert cb.event_from_rows(dataset, []) is no_update
    assert cb.event_from_rows(dataset, [{"id": "<b>"}]) is no_update


def _svg(out) -> str:
    return base64.b64decode(out["download"]["content"]).decode("utf-8")


def test_export_follows_pins_callout_mode_and_typed_title(dataset, engine):
    options = {"fmt": "svg", "preset": "slide-16x9", "title": "  My slide  ", "subtitle": ""}
    zoom = ["2010-01-01", "2012-12-31"]
    pinned = _controls(dataset, pins=[RAID], callouts="pinned", zoom=zoom)
    out = cb.export_image(dataset, engine, options, pinned)
    assert out["download"]["filename"] == "pakistan-us.svg"
    text = _svg(out)
    assert "My slide" in text and dataset.info.title not in text
    assert "Abbottabad" in text  # the pinned event's callout
    none = cb.export_image(dataset, engine, options, {**pinned, "callouts": "none"})
    assert "Abbottabad" not in _svg(none)


def test_export_follows_the_zoom(dataset, engine):
    options = {"fmt": "svg", "preset": "slide-16x9"}
    out = cb.export_image(dataset, engine, options, _controls(dataset, zoom=zoom_dates()))
    text = _svg(out)
    assert "Pakistan–US relations, 2009–2012" in text
    ticks = {int(y) for y in re.findall(r'class="xtick"><text[^>]*>[^<]*?((?:19|20)\d\d)<', text)}
    assert ticks and min(ticks) >= 2009 and max(ticks) <= 2013


def zoom_dates():
    return ["2009-01-01", "2012-12-31"]


def test_export_title_states_the_view_unless_typed(dataset, engine):
    options = {"fmt": "png", "preset": "square"}
    out = cb.export_image(dataset, engine, options, view_values(["china"], [2001, 2021]))
    assert out["download"]["filename"] == "pakistan-us_china_2001-2021.png"
    data = base64.b64decode(out["download"]["content"])
    assert Image.open(io.BytesIO(data)).size == (1080, 1080)
    assert out["status"].children.startswith("Saved pakistan-us_china_2001-2021.png")


def test_export_with_no_theme_ticked_says_so(dataset, engine):
    out = cb.export_image(dataset, engine, {"fmt": "png"}, view_values([], None))
    assert "download" not in out
    assert "Tick at least one theme" in out["status"].children


def test_a_bad_custom_size_is_a_message(dataset, engine):
    out = cb.export_image(
        dataset, engine, {"preset": "custom", "width": None}, view_values(None, None)
    )
    assert "width and a height" in out["status"].children


def test_the_first_view_is_the_default(dataset):
    view = cb.build_view(dataset, ViewState())
    events = dataset.events[dataset.events["kind"] == "event"]
    assert view.count == f"Showing {len(events)} of {len(events)} events"
    assert view.title == dataset.info.title
    assert view.notes == ()


def test_the_detail_panel_says_how_the_tone_was_coded(dataset):
    from timeline.panels import detail_panel

    def texts(node):
        if isinstance(node, str):
            yield node
        elif isinstance(node, list | tuple):
            for child in node:
                yield from texts(child)
        elif node is not None:
            yield from texts(getattr(node, "children", None))

    shown = " ".join(texts(detail_panel(dataset, "2011-salala-incident")))
    assert "Tone −10" in shown and "CAMEO 195: employ aerial weapons" in shown
    third = " ".join(texts(detail_panel(dataset, "2019-article-370-revoked")))
    assert "Note: Third party" in third
