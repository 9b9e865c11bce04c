from timeline.filters import (
    EventFilter,
    ViewState,
    describe_filter,
    filter_events,
    filter_from_query,
    filter_slug,
    filter_to_query,
)


def _events(df):
    return df[df["kind"] == "event"]


def test_no_filter_keeps_everything(dataset):
    assert len(filter_events(dataset, EventFilter())) == len(dataset.events)


def test_theme_keeps_only_that_theme_and_the_eras(dataset):
    shown = filter_events(dataset, EventFilter(themes=("nuclear",)))
    events = _events(shown)
    assert len(events) >= 3
    assert all("nuclear" in themes for themes in events["themes"])
    assert set(shown[shown["kind"] == "era"]["id"]) == set(
        dataset.events[dataset.events["kind"] == "era"]["id"]
    )


def test_date_range_keeps_overlapping_events(dataset):
    shown = _events(filter_events(dataset, EventFilter(date_from="2001", date_to="2011")))
    assert len(shown) > 5
    assert (shown["end"].dt.year >= 2001).all()
    assert (shown["start"].dt.year <= 2011).all()
    assert "2011-salala-incident" in set(shown["id"])
    assert "2020-doha-agreement" not in set(shown["id"])


def test_text_search_is_case_insensitive_over_commentary(dataset):
    shown = _events(filter_events(dataset, EventFilter(query="SALALAH")))
    # "Salalah" is the article's spelling: found through the commentary column.
    assert "2011-salala-incident" in set(shown["id"])
    assert len(shown) < 5


def test_filters_combine(dataset):
    both = _events(filter_events(dataset, EventFilter(("security",), "2011", "2011", "")))
    assert set(both["id"]) >= {"2011-raymond-davis", "2011-abbottabad-raid"}
    assert all("security" in t for t in both["themes"])
    assert (both["start"].dt.year <= 2011).all()


def test_no_match_is_empty(dataset):
    assert _events(filter_events(dataset, EventFilter(query="zzzz-no-such-thing"))).empty


def test_url_round_trip(dataset):
    state = ViewState(
        EventFilter(("security", "afghanistan"), "2001", "2021", "drone strike"),
        "2011-salala-incident",
    )
    query = filter_to_query(state)
    assert query.startswith("?themes=security%2Cafghanistan&from=2001&to=2021&q=drone")
    back = filter_from_query(dataset, query)
    assert back.filter == state.filter
    assert back.event == state.event
    assert back.notes == ()


def test_bad_url_values_are_dropped_with_notes(dataset):
    state = filter_from_query(dataset, "?themes=security,bogus&from=20x1&to=99999&event=nope")
    assert state.filter.themes == ("security",)
    assert state.filter.date_from == "" and state.filter.date_to == ""
    assert state.event == ""
    text = " ".join(state.notes)
    assert "'bogus'" in text and "'from'" in text and "'to'" in text and "nope" in text


def test_huge_url_values_are_bounded(dataset):
    state = filter_from_query(dataset, "?q=" + "a" * 100_000 + "&themes=" + ",".join(["x"] * 5000))
    assert len(state.filter.query) <= 200
    assert state.filter.themes == ()


def test_description_and_file_name(dataset):
    flt = EventFilter(("security", "afghanistan"), "2001", "2021")
    assert describe_filter(dataset, flt) == "Security, Afghanistan · 2001–2021"
    assert filter_slug(dataset, flt) == "pakistan-us_security-afghanistan_2001-2021"
    assert describe_filter(dataset, EventFilter()) == "All themes"
    one_year = EventFilter(("security",), "2011", "2011")
    assert describe_filter(dataset, one_year) == "Security · 2011"
    assert describe_filter(dataset, EventFilter((), "", "1971")) == "start–1971"


def test_a_search_names_the_file_as_the_dataset_slug_is_made(dataset):
    # One slugify for the dataset's slug and the search part of a file name.
    assert filter_slug(dataset, EventFilter(query="Drone  strikes, 2004!")) == (
        "pakistan-us_drone-strikes-2004"
    )
    assert filter_slug(dataset, EventFilter(query="“…”")) == "pakistan-us_search"


def test_presenter_choices_round_trip_through_the_url(dataset):
    state = ViewState(
        EventFilter(("security",)),
        pins=("2011-salala-incident", "2011-abbottabad-raid"),
        callouts="pinned",
        zoom=("1998-05-01", "2011-12-31"),
    )
    query = filter_to_query(state)
    assert "pins=2011-salala-incident%2C2011-abbottabad-raid" in query
    assert "callouts=pinned" in query and "zoom=1998-05-01%2C2011-12-31" in query
    assert filter_from_query(dataset, query) == state
    # The default callout mode and no zoom leave the link as it was.
    assert filter_to_query(ViewState(EventFilter(("security",)))) == "?themes=security"


def test_bad_presenter_choices_are_dropped_with_notes(dataset):
    state = filter_from_query(
        dataset, "?pins=2011-salala-incident,nope&callouts=loud&zoom=2011-13-45,banana"
    )
    assert state.pins == ("2011-salala-incident",)
    assert state.callouts == "auto"
    assert state.zoom == ()
    text = " ".join(state.notes)
    assert "'nope'" in text and "callouts='loud'" in text and "zoom=" in text


def test_a_reversed_zoom_is_put_in_order(dataset):
    state = filter_from_query(dataset, "?zoom=2011-12-31,1998-05-01")
    assert state.zoom == ("1998-05-01", "2011-12-31") and state.notes == ()
