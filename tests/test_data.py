import re
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from timeline import dates
from timeline.cameo import cameo_codes, describe, goldstein
from timeline.cli import cli
from timeline.data import CALLOUT_MAX, COLUMNS, LABEL_MAX, DataError, load_dataset, load_events
from timeline.data.sources import Citation, Source, cite
from timeline.dates import describe_date, parse_dates

BAD = Path(__file__).parent / "bad_csv"


def test_shipped_data_validates(dataset):
    events = dataset.events
    assert 40 <= len(events) <= 90
    assert set(events["kind"]) == {"event", "era"}
    assert events["id"].is_unique
    assert dataset.info.slug == "pakistan-us"
    assert "Butt" in dataset.info.source["author"]


def _fragments(text: str) -> list[str]:
    return [f.strip() for f in re.split(r"\s*…\s*", text) if f.strip()]


def test_every_quote_is_verbatim_from_the_article(dataset, article_text):
    quoted = dataset.events[(dataset.events["commentary"] != "") | (dataset.events["cited"] != "")]
    assert len(quoted) >= 15
    for row in quoted.itertuples():
        for column in ("commentary", "cited"):
            for fragment in _fragments(getattr(row, column)):
                assert fragment in article_text, f"{row.id}.{column}: {fragment[:60]!r}"


def test_no_quote_on_an_event_after_its_text_was_written(dataset):
    # The loader refuses this too (see bad_csv/quote_after_its_text); here against the shipped
    # metadata, so a changed date in events.toml cannot quietly switch the check off.
    ev = dataset.events
    article = pd.Timestamp(dataset.info.source["date"])
    paper = pd.Timestamp(dataset.info.cited["written_before"])
    assert article == pd.Timestamp("2021-09-02")
    assert paper <= pd.Timestamp("2021-08-15")  # before the Taliban took Kabul
    assert not ev[(ev["commentary"] != "") & (ev["start"] > article)]["id"].tolist()
    assert not ev[(ev["cited"] != "") & (ev["start"] >= paper)]["id"].tolist()


def test_quotes_left_only_where_the_texts_speak_of_the_event(dataset):
    ev = dataset.events.set_index("id")
    for unnamed in (
        "2018-trump-lies-deceit-tweet",
        "2019-khan-trump-kashmir-mediation",
        "2021-khan-absolutely-not",
        "2012-fatf-grey-list",
        "2018-baradar-release",
        "2004-us-india-nssp",
        "2021-fall-of-kabul",
    ):
        assert ev.at[unnamed, "commentary"] == ev.at[unnamed, "cited"] == "", unnamed
    assert "Afghan Taliban" in ev.at["2020-doha-agreement", "commentary"]
    assert "Whatever U.S. strategic concerns" in ev.at["2021-votel-nagata-paper", "cited"]


def test_callouts_and_labels_for_the_chart(dataset, article_text):
    ev = dataset.events
    for row in ev[ev["callout"] != ""].itertuples():
        assert len(row.callout) <= CALLOUT_MAX
        assert row.callout in article_text, row.id
        assert " ".join(row.callout.split()) in " ".join(row.commentary.split()), row.id
    needs_callout = ev[(ev["importance"] == 3) & (ev["commentary"] != "")]
    assert len(needs_callout) >= 8
    assert (needs_callout["callout"] != "").all(), needs_callout["id"].tolist()
    salala = ev.set_index("id").at["2011-salala-incident", "callout"]
    assert "betrayal and backstabbing" in salala
    needs_label = ev[(ev["kind"] == "era") | (ev["importance"] == 3) | (ev["commentary"] != "")]
    assert (needs_label["label"] != "").all(), needs_label["id"][needs_label["label"] == ""]
    assert (ev["label"].str.len() <= LABEL_MAX).all()


def test_every_event_is_coded_and_its_tone_reproducible(dataset):
    events = dataset.events[dataset.events["kind"] == "event"]
    assert events["cameo"].isin(tuple(cameo_codes())).all()
    scale = events["cameo"].map(goldstein)
    overridden = events[(events["tone"] - scale).abs() > 1e-9]
    assert (overridden["tone_note"] != "").all()
    # The only overrides are events between others, scored 0 (README: How tone was coded).
    assert (overridden["tone"] == 0).all()
    assert overridden["tone_note"].str.startswith("third party").all()
    ev = events.set_index("id")
    assert ev.at["2011-salala-incident", "tone"] == goldstein("195") == -10.0
    assert ev.at["1990-pressler-sanctions", "cameo"] == "163"


def test_cameo_codes_are_described_for_readers():
    assert describe("163") == "CAMEO 163: impose embargo, boycott, or sanctions"
    assert describe("190") == "CAMEO 190: use conventional military force"
    assert describe("057") == "CAMEO 057: sign formal agreement"
    assert describe("19") == "CAMEO 19: fight"
    assert describe("57") == describe("") == describe("999") == ""
    assert len(cameo_codes()) > 300
    assert goldstein("0874") == 10.0 and goldstein("2042") == -10.0


def test_tone_defaults_to_the_goldstein_value(tmp_path):
    path = tmp_path / "e.csv"
    path.write_text(
        "id,start,title,summary,themes,cameo,tone,tone_note,source\n"
        "a,1998-05-30,Sanctions,Glenn,nuclear,163,,,src\n"
        "b,1999-10-12,Coup sanctions,Section 508,economy,163,-5,aid only,src\n"
        "c,2000,Uncoded,Still works,economy,,3,,src\n",
        encoding="utf-8",
    )
    events = load_events(path).set_index("id")
    assert events["tone"].to_dict() == {"a": -8.0, "b": -5.0, "c": 3.0}
    assert events.at["a", "cameo"] == "163" and events.at["c", "cameo"] == ""
    assert events.at["b", "tone_note"] == "aid only"
    path.write_text(
        "id,start,title,summary,themes,cameo,source\na,2011-11-26,Salala,Strike,security,195,src\n",
        encoding="utf-8",
    )
    assert load_events(path)["tone"].tolist() == [-10.0]  # every tone from its code


def test_cited_passages_name_their_work(dataset):
    cited = dataset.events[dataset.events["cited"] != ""]
    assert len(cited) >= 3
    assert cited["cited_from"].str.contains("Votel").all()


def test_events_the_article_names_are_present(dataset):
    ids = set(dataset.events["id"])
    for needed in (
        "2011-raymond-davis",
        "2011-abbottabad-raid",
        "2011-salala-incident",
        "2020-doha-agreement",
        "2021-fall-of-kabul",
        "1954-seato",
        "1971-kissinger-secret-trip",
        "2021-fdi-article",
        "2021-votel-nagata-paper",
    ):
        assert needed in ids


def test_disputed_facts_say_so(dataset):
    ev = dataset.events.set_index("id")
    assert re.search(r"24.*26|26.*24", ev.at["2011-salala-incident", "summary"])
    assert "1 May" in ev.at["2011-abbottabad-raid", "date_note"]


def test_every_row_has_a_source(dataset):
    assert (dataset.events["source"].str.len() > 5).all()
    for row in dataset.events.itertuples():
        citation = cite(row.source, row.url)
        assert citation.sources, row.id
        assert all(link.startswith(("https://", "http://")) for link in citation.links), row.id


def test_each_source_gets_the_link_in_its_slot():
    three = "Reuters ; BBC News ; Dawn"
    assert cite(three, "https://r.example/a ; ; https://d.example/c") == Citation(
        (
            Source("Reuters", "https://r.example/a"),
            Source("BBC News"),
            Source("Dawn", "https://d.example/c"),
        )
    )
    # The older form: one link for several sources is the row's page, on no one source.
    assert cite(three, "https://p.example/") == Citation(
        (Source("Reuters"), Source("BBC News"), Source("Dawn")), page="https://p.example/"
    )
    assert cite("Reuters", "https://r.example/a").sources == (
        Source("Reuters", "https://r.example/a"),
    )
    assert cite("Reuters", "").links == []


@pytest.mark.parametrize("csv_path", sorted(BAD.glob("*.csv")), ids=lambda p: p.stem)
def test_bad_file_gives_its_message(csv_path):
    expected = csv_path.with_suffix(".expected").read_text(encoding="utf-8").splitlines()
    result = CliRunner().invoke(cli, ["validate", str(csv_path)])
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    for line in filter(None, expected):
        assert line in result.output, f"{line!r} not in:\n{result.output}"


def test_validate_summarises_a_good_file():
    result = CliRunner().invoke(cli, ["validate", "data/events.csv"])
    assert result.exit_code == 0, result.output
    assert re.search(r"OK — \d+ events, \d+ eras, 7 themes .* 1947–20\d\d", result.output)


def test_all_problems_are_collected(write_csv):
    path = write_csv(
        "a,event,2011-02-30,,T,s,security,1,1,,,,src,",
        "a,event,2011,,T,s,security,11,1,,,,src,",
    )
    with pytest.raises(DataError) as err:
        load_events(path)
    messages = [str(p) for p in err.value.problems]
    assert len(messages) == 4, messages
    assert any(":2: column 'start'" in m for m in messages)
    assert any(":3: column 'tone': '11'" in m for m in messages)


def test_bom_and_crlf_are_accepted(tmp_path):
    path = tmp_path / "e.csv"
    text = (
        "id,start,title,summary,themes,tone,source\r\n"
        "a,1971-07,Kissinger,Secret trip,china,8,Office of the Historian\r\n"
    )
    path.write_bytes(b"\xef\xbb\xbf" + text.encode())
    events = load_events(path)
    assert events.loc[0, "title"] == "Kissinger"
    assert events.loc[0, "precision"] == "month"


def test_unknown_theme_is_refused_when_themes_are_declared(tmp_path, write_csv):
    path = write_csv("a,event,2011,,T,s,securty,1,1,,,,src,")
    path.with_suffix(".toml").write_text('[themes]\nsecurity = "Security"\n')
    with pytest.raises(DataError, match=r"'securty'.*each one of: security"):
        load_dataset(path)


def test_size_limit_is_enforced(write_csv, monkeypatch):
    path = write_csv("a,event,2011,,T,s,security,1,1,,,,src,")
    monkeypatch.setenv("TIMELINE_MAX_BYTES", "50")
    with pytest.raises(DataError, match="the limit is 50 bytes"):
        load_events(path)


def test_dates_keep_their_precision():
    parsed = parse_dates(pd.Series(["1971-07-09", "1971-07", "1971", "197X", "2000-02-29~"]))
    assert list(parsed["precision"]) == ["day", "month", "year", "decade", "day"]
    assert parsed.at[1, "hi"] == pd.Timestamp("1971-07-31 23:59:59")
    assert parsed.at[3, "lo"] == pd.Timestamp("1970-01-01")
    assert parsed.at[3, "hi"] == pd.Timestamp("1979-12-31 23:59:59")
    assert bool(parsed.at[4, "approximate"])
    assert parsed["error"].isna().all()


# Dates near and far from the grammar: digits, X, dashes, flags, spaces, other letters.
_DATE_LIKE = st.text(alphabet="0123456789X-~? a٣", max_size=12) | st.from_regex(
    r"[0-9]{3}[0-9X](-[0-9]{2}(-[0-9]{2})?)?[~?]?", fullmatch=True
)
_EDGES = ["", " ", "0000", "9999-12-31", "1971-13", "1971-00", "1971-02-29", "2000-02-29",
          "1971-04-31", "197X-01", "19X1", "1971-7", "1971-07-9", "1971~?", " 1971 ", "١٩٧١",
          "1971-07-09\n", "1971--07"]  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(st.lists(_DATE_LIKE, max_size=20))
def test_few_dates_parse_as_a_column_does(texts):
    """Up to _FEW values are split one at a time in Python, more as a column: same result."""
    text = pd.Series([*texts, *_EDGES, None], dtype="str").str.strip()
    one_by_one = dates._intervals(dates._split_few(text), text.index)
    as_column = dates._intervals(dates._split_column(text), text.index)
    pd.testing.assert_frame_equal(one_by_one, as_column)


def test_parse_dates_takes_either_path(monkeypatch):
    texts = pd.Series(["1971-07-09", "1971-07", "197X", "1971-02-30", "soon", ""] * 3)
    few = parse_dates(texts)
    monkeypatch.setattr(dates, "_FEW", 0)
    pd.testing.assert_frame_equal(few, parse_dates(texts))
    assert list(few["error"][:6]) == [None, None, None, "no such day in that month",
                                      f"expected {dates.EXPECTED}", None]  # fmt: skip


@pytest.mark.parametrize(
    ("text", "note", "said"),
    [
        ("1971-07", "", "July 1971"),
        ("197X", "", "the 1970s"),
        ("2011-05-02", "1 May in Washington", "2 May 2011 (1 May in Washington)"),
        ("1979~", "", "about 1979"),
        ("2001-09?", "", "September 2001, uncertain"),
        # A note that only says the date another way replaces it: the date is said once.
        ("2001-09?", "Sep or Oct 2001", "September or October 2001, uncertain"),
        (
            "2011-11-26",
            "toll 24 or 26 (sources differ)",
            "26 November 2011; toll 24 or 26 (sources differ)",
        ),
    ],
)
def test_dates_are_said_as_precisely_as_known(text, note, said):
    assert describe_date(text, note) == said


def test_readme_documents_every_column():
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## The data format") : readme.index("## Configuration")]
    for column in COLUMNS:
        assert f"| `{column}` |" in section, column
    assert "### How tone was coded" in section


def test_metadata_slug_is_made_from_the_title_or_the_file_name(tmp_path):
    from timeline.data import load_info

    toml = tmp_path / "x.toml"
    toml.write_text('[dataset]\ntitle = "T"\nslug = "India & China"\ncountries = ["India"]\n')
    assert load_info(toml).slug == "india-china"  # countries is accepted (and not used)
    assert load_info(tmp_path / "missing.toml", default_title="!!!").slug == "timeline"


@pytest.mark.parametrize("caller_had_it_on", [True, False])
def test_a_load_leaves_the_cycle_collector_as_it_found_it(caller_had_it_on):
    """A TimelineJS load pauses Python's cycle collector (it has nothing to collect there);
    after it, good file or bad, the collector is on again, unless the caller had turned it
    off."""
    import gc

    timelinejs = Path(__file__).parent / "timelinejs"
    (gc.enable if caller_had_it_on else gc.disable)()
    try:
        assert load_dataset(timelinejs / "eras.json").events.shape[0] > 0
        assert gc.isenabled() is caller_had_it_on
        with pytest.raises(DataError):
            load_dataset(timelinejs / "before_year_1.csv")
        assert gc.isenabled() is caller_had_it_on
    finally:
        gc.enable()
