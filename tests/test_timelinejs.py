"""TimelineJS sheets (CSV, XLSX) and JSON read as they are; TimelineJS JSON written; the round trip.

The files in tests/timelinejs/ were written for these tests (see its README).
"""

import csv
import io
import json
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import DATA
from hypothesis import assume, example, given, settings
from hypothesis import strategies as st

from timeline.cli import cli
from timeline.convert import to_timelinejs
from timeline.data import DataError, load_dataset
from timeline.data.fields import slugify
from timeline.data.html_text import (
    _is_tidy,
    _is_tidy_at_once,
    html_links,
    html_texts,
    html_texts_and_links,
    html_to_text,
    is_web_link,
    web_link,
)
from timeline.data.sources import cite
from timeline.data.timelinejs import (
    NO_SOURCE,
    SHEET_COLUMNS,
    _id_bases,
    _json_document,
    _json_slides,
    _shaped_slides,
)

FILES = Path(__file__).resolve().parent / "timelinejs"


def by_title(dataset):
    return dataset.events.set_index("title")


def test_a_sheet_csv_is_read_by_its_header():
    ds = load_dataset(FILES / "sheet.csv")
    assert ds.info.title == "Pakistan–US relations: four events"
    assert ds.info.subtitle == "Copied from the shipped data."
    assert ds.themes == ("china", "economy-aid", "security")
    assert ds.theme_label("economy-aid") == "Economy & aid"  # slugified, label kept
    ev = by_title(ds)
    trip = ev.loc["Kissinger’s secret trip to Beijing via Pakistan"]
    assert (trip.start_text, trip.end_text, trip.precision) == ("1971-07-09", "1971-07-11", "day")
    assert trip.themes == ("china",)
    assert trip.url == "https://history.state.gov/historicaldocuments/frus1969-76v17/d135"
    assert trip.source.startswith("Office of the Historian, FRUS 1969–76")
    # HTML paragraphs stay paragraphs; the markup is gone.
    assert trip.summary.endswith(
        "returned on 11 July;\n\non 15 July Nixon announced he would visit China."
    )
    aid = ev.loc["US cuts off aid under the Symington Amendment"]
    assert (aid.start_text, aid.precision) == ("1979-04", "month")
    # The credit's link: its URL kept after its words, and the source's link.
    assert "via Pak Military Monitor (https://thepakmilitarymonitor.com/" in aid.source
    assert aid.url == "https://thepakmilitarymonitor.com/the-united-states-and-pakistan/"
    raid = ev.loc["US raid in Abbottabad kills Osama bin Laden"]
    assert raid.date_note == "1 May in Washington"
    paper = ev.loc["Votel and Nagata publish “The Future of US Cooperation with Pakistan”"]
    assert (paper.start_text, paper.precision, paper.source) == ("2021", "year", NO_SOURCE)
    era = ev.loc["Partnership in the Soviet–Afghan war"]
    assert (era.kind, era.start_text, era.end_text) == ("era", "1979-12-24", "1989-02-15")
    assert ds.events["tone"].isna().all()  # TimelineJS codes no tone, and none is made up


def test_an_xlsx_sheet_reads_like_its_csv(tmp_path):
    import csv

    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    with open(FILES / "sheet.csv", encoding="utf-8", newline="") as handle:
        for row in csv.reader(handle):
            # Numbers as a spreadsheet holds them: 1971.0 must read as 1971.
            sheet.append([float(c) if c.lstrip("-").isdigit() else (c or None) for c in row])
    book.save(tmp_path / "sheet.xlsx")
    from_xlsx = load_dataset(tmp_path / "sheet.xlsx")
    from_csv = load_dataset(FILES / "sheet.csv")
    columns = ["id", "kind", "start_text", "end_text", "title", "summary", "themes", "source"]
    assert from_xlsx.events[columns].equals(from_csv.events[columns])
    assert from_xlsx.info.title == from_csv.info.title


def test_json_with_eras_and_title():
    ds = load_dataset(FILES / "eras.json")
    assert ds.info.title == "Pakistan & the US: two eras"
    ev = by_title(ds)
    assert ev.loc["Pakistan a founding member of SEATO (Manila Pact)", "id"] == "1954-seato"
    eras = ds.events[ds.events["kind"].eq("era")]
    assert eras["title"].tolist() == [
        "Partnership in the Soviet–Afghan war",
        "“War on terror” partnership",
    ]
    assert eras["start_text"].tolist() == ["1979-12-24", "2001-09"]
    assert ev.loc["US–Taliban agreement signed in Doha", "themes"] == ("events",)  # no group
    assert ds.theme_label("events") == "Events"
    salala = ev.loc["Salala: NATO air attack kills Pakistani soldiers at border posts"]
    assert salala.date_note == "26 November 2011, around 2 a.m."


def test_rows_without_a_source_are_shown_so_and_validate_warns():
    result = CliRunner().invoke(cli, ["validate", str(FILES / "eras.json")])
    assert result.exit_code == 0, result.output
    assert "OK — 3 events, 2 eras" in result.stdout
    assert f"3 rows have no source (shown as “{NO_SOURCE}”)" in result.stderr


def test_html_and_hostile_markup_become_plain_text():
    ds = load_dataset(FILES / "hostile.json")
    evil = ds.events.set_index("id").loc["evil-1"]
    assert evil.title == "Bold <script>window.__pwned = 1</script>"  # escaped text, kept as text
    assert evil.summary == (
        "First paragraph.\n\nSee the js link, the web link (https://example.org/a?b=c&d=e)"
        " and the data link.\n\nLast & final."
    )
    assert evil.url == ""  # a javascript: Media is no link
    assert evil.source == "Evil credit"
    assert evil.date_note == "2 May"
    assert ds.info.title == "Hostile markup"
    assert ds.theme_label("security") == "Security"


@pytest.mark.parametrize(
    ("html", "text"),
    [
        ("a<br>b<br/>c", "a\nb\nc"),
        ("<ul><li>one</li><li>two</li></ul>", "one\n\ntwo"),
        ('<a href="https://x.org">https://x.org</a>', "https://x.org"),
        ('<a href=" JavaScript:alert(1)">x</a>', "x"),
        ('<a href="https://x.org/a b">x</a>', "x"),  # not a usable link
        ("<svg><script>alert(1)</script><text>t</text></svg>after", "after"),
        ("&lt;b&gt; &amp;amp; &#x41;", "<b> &amp; A"),
        ("<p>unclosed <b>bold", "unclosed bold"),
    ],
)
def test_html_to_text(html, text):
    assert html_to_text(html) == text
    assert html_texts([html]) == [text]


# Fragments as a sheet's column holds them: plain prose (no parse), entities without tags,
# everyday markup, and markup that would run on into the next fragment if they were read as
# one document (an open comment, quote or raw-text element, a stray end tag).
FRAGMENTS = [
    "Plain   prose,\n\n\n two paragraphs.",
    "Talks &amp; aid: 3 &lt; 4",
    "a < b and c > d",
    "<3 and <= 4",
    '<p>Talks <b>begin</b>.</p><p>See <a href="https://x.org/a?b=1&amp;c=2">this</a>.</p>',
    "<p>unclosed <b>bold",
    "before <!-- an open comment",
    '<a href="https://x.org/open-quote>words',
    "<textarea>raw text, never closed",
    "</div></body>after the stray end tags",
    "<div>an open division<p>inside",
    '<a href="javascript:alert(1)">js</a> and <script>alert(2)</script>gone',
    "<table><tr><td>cell",
    "</html>text after",
    "",
    "last &amp; plain",
]


def test_html_texts_read_many_fragments_as_each_alone():
    alone = [html_to_text(f) for f in FRAGMENTS]
    assert alone[:5] == [
        "Plain prose,\n\ntwo paragraphs.",
        "Talks & aid: 3 < 4",
        "a < b and c > d",
        "<3 and <= 4",
        "Talks begin.\n\nSee this (https://x.org/a?b=1&c=2).",
    ]
    assert alone[11] == "js and gone"  # no javascript: link, no script text
    # Read together, in every order and mixed with many everyday fragments: the same texts.
    many = FRAGMENTS * 40 + FRAGMENTS[::-1] * 40
    assert html_texts(many) == [html_to_text(f) for f in many]
    texts, links = html_texts_and_links(many)
    assert (texts, links) == (html_texts(many), [html_links(f) for f in many])
    assert links[4] == ["https://x.org/a?b=1&c=2"]
    for i in range(len(FRAGMENTS)):
        rotated = FRAGMENTS[i:] + FRAGMENTS[:i]
        assert html_texts(rotated) == [html_to_text(f) for f in rotated]


def test_a_fragment_that_opens_an_unmarked_part_cannot_take_the_next_ones_text_or_link():
    """Found in review: a fragment closed its own part, opened a part with no mark and hid the
    next part's mark in a comment; the parts' count still matched, and the next slide's text
    and link moved. Each must read as it does alone."""
    fragments = [
        "<b>Slide A</b></rt-part><rt-part>INJECTED INTO B <!--",
        '<i>x</i>--> real B <a href="https://b.example/">text</a>',
        "<b>C</b>",
    ]
    assert html_texts(fragments) == [html_to_text(f) for f in fragments]
    texts, links = html_texts_and_links(fragments)
    assert links == [html_links(f) for f in fragments]
    assert "INJECTED" not in texts[1] and links[0] == []


def test_marks_a_fragment_copies_into_the_text_do_not_pass_for_the_parts_own():
    """Found in review: raw text (a <textarea>'s) can hold the document's own markup, marks
    and all, so libxslt's text holds a copy of the next part's mark, followed by '"' rather
    than a line break. The marks' check reads each number up to its line break: with the
    number alone, these three read as 'A</rt-part><rt-part n="', '">B' and 'C'."""
    fragments = ["A<textarea>", "B</textarea></rt-part><rt-part>", "C"]
    assert html_texts(fragments) == [html_to_text(f) for f in fragments] == ["A", "B", "C"]


def test_many_marked_fragments_and_a_very_long_one_read_together_as_each_alone():
    # Every fragment has markup (the texts' usual case, read without index bookkeeping), over
    # several shared documents, one of them very long and untidy: control characters, runs
    # of spaces, entities, unclosed and misnested tags, javascript: and web links.
    long = (
        "<p>Start &amp; <b>bold <i>both</b> italic</i>\x01 \x0b  spaced&nbsp;out"
        ' <a href="javascript:alert(1)">js</a> <a href="https://x.org/a?b=1&amp;c=2">web</a>'
        "<div><p>unclosed" * 2000
    )
    many = [f"<p>Text {i} &lt;{i}&gt;</p>" for i in range(2500)]
    many[1234] = long
    many[2000] = "<script>alert(1)</script><b>after</b>\x0c"
    texts = html_texts(many)
    assert texts == [html_to_text(f) for f in many]
    assert texts[0] == "Text 0 <0>"
    assert texts[1234].startswith(
        "Start & bold both italic\x01 spaced out js web (https://x.org/a?b=1&c=2)"
    )
    assert texts[2000] == "after"
    assert html_links(long) == ["https://x.org/a?b=1&c=2"]


def test_text_nested_past_libxml2s_depth_is_kept():
    """libxml2 stops at 256 nested elements and keeps what it read, which loses the text
    inside: such a text is read by the standard library's parser, alone or among others."""
    deep = "<div>" * 300 + 'deep <a href="https://x.org/">words</a>' + "</div>" * 300
    assert html_to_text(deep) == "deep words (https://x.org/)"
    many = ["<p>before</p>", deep, "<p>after</p>"] * 2
    texts, links = html_texts_and_links(many)
    assert texts == ["before", "deep words (https://x.org/)", "after"] * 2
    assert links == [[], ["https://x.org/"], []] * 2


def test_deep_texts_are_read_on_threads_with_stacks_that_hold_them():
    """libxslt recurses once per nested element: musl gives a thread 128 KiB of stack, in which
    250 levels crashed the process. The reading threads get stacks of their own size; this
    process stands for musl by asking 128 KiB of every thread (in a child: a crash is a
    failure here, not the end of the test run)."""
    script = """
import threading
from timeline.data import html_text
threading.stack_size(128 * 1024)
html_text._cores = lambda: 2
deep = "<div>" * 250 + 'x{} <a href="https://x.org/">w</a>' + "</div>" * 250
many = [f"<p>a {i}</p>" for i in range(2100)]  # distinct: three shared documents
many[1500:1503] = [deep.format(i) for i in range(3)]
texts, links = html_text.html_texts_and_links(many)
print(texts[1502], links[1502], threading.stack_size())
"""
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split("\n")[0] == "x2 w (https://x.org/) ['https://x.org/'] 131072"


def test_unfinished_markup_at_the_end_reads_alike_shallow_or_deep():
    """A text libxml2 stops reading goes to the standard library's parser, which drops an
    unfinished tag or comment at the end, as libxml2 does (and reads many in linear time:
    CPython before 3.11.13 took minutes for these at close())."""
    for tail, text in [
        ("x <!-- hidden", "x"),
        ("x <a href='https://x.org/", "x"),
        ("x " + "<a " * 20_000, "x"),
        ("x <", "x <"),  # a last "<" is text
    ]:
        deep = "<div>" * 300 + tail
        assert html_to_text(tail) == html_to_text(deep) == text, tail[:30]


def test_everyday_fragments_are_read_in_shared_documents_on_several_threads(monkeypatch):
    """Everyday texts pass the marks' check, so none is read alone (which would be correct but
    several times as slow); 2,500 of them are three shared documents, read on the pool's
    threads."""
    from timeline.data import html_text

    def read_alone(html):
        raise AssertionError(f"read alone: {html!r}")

    many = [
        f'<p>Talks <b>{i}</b> &amp; aid.</p><p>See <a href="https://x.org/{i}">this</a>.</p>'
        for i in range(2500)
    ]
    expected = [f"Talks {i} & aid.\n\nSee this (https://x.org/{i})." for i in range(2500)]
    monkeypatch.setattr(html_text, "_read_one", read_alone)
    monkeypatch.setattr(html_text, "_cores", lambda: 2)
    threads = set()
    batch_texts = html_text._batch_texts

    def batch_on_a_thread(htmls, *, with_links):
        threads.add(threading.get_ident())
        return batch_texts(htmls, with_links=with_links)

    monkeypatch.setattr(html_text, "_batch_texts", batch_on_a_thread)
    texts, links = html_texts_and_links(many)
    assert texts == expected
    assert links == [[f"https://x.org/{i}"] for i in range(2500)]
    # On the pool's threads (one or both: a thread free again may take the next batch).
    assert threads and threading.get_ident() not in threads


# Pieces fragments are made of: markup a sheet holds, links good and bad, whitespace of every
# kind str.split() knows (where a tidy line ends is what the fast paths must get right), and
# control characters lxml reads but will not write back into a tree.
_WHITESPACE = [c for c in map(chr, range(0x3001)) if c.isspace()]
_PIECES = st.one_of(
    st.sampled_from(
        [
            "<p>",
            "</p>",
            "<b>",
            "</b>",
            "<br>",
            "<div>",
            "</div>",
            "<li>",
            "<script>",
            "</script>",
            "<style>",
            "&amp;",
            "&nbsp;",
            "&#11;",
            "&lt;",
            "<!--",
            "-->",
            '"',
            '<a href="https://x.org/a">',
            '<a href=" HTTP://y.org ">',
            '<a href="https://">',
            '<a href="javascript:x">',
            "<textarea>",
            "</textarea>",
            "<title>",
            "<rt-part>",
            "</rt-part>",
            "'",
            '<a href="https://z.org/a b">',
            "</a>",
            "https://x.org/a",
            "words",
            " ",
            "  ",
            "\n",
            "\n\n\n",
            "\x01",
            "\x0b",
        ]
    ),
    st.sampled_from(_WHITESPACE),
    st.text(st.characters(codec="utf-8", exclude_characters="\x00"), max_size=6),
)
_FRAGMENT = st.lists(_PIECES, max_size=12).map("".join)


@settings(max_examples=150, deadline=None)
@given(fragments=st.lists(_FRAGMENT, min_size=2, max_size=30))
def test_fuzzed_fragments_read_together_as_each_alone(fragments):
    texts, links = html_texts_and_links(fragments)
    assert texts == [html_to_text(f) for f in fragments]
    assert links == [html_links(f) for f in fragments]
    assert html_texts(fragments) == texts


@settings(max_examples=300, deadline=None)
@given(url=st.lists(_PIECES, max_size=5).map("".join))
@example(url="https://x.org/a")
@example(url="http://x.org\u200b")  # printable? no: the general way, which keeps it
@example(url="https://x.org/\u00a0")
def test_is_web_link_is_http_or_https_with_a_host_and_nothing_refused(url):
    stripped = url.strip()
    lowered = stripped.lower()
    plain = (
        lowered.startswith(("http://", "https://"))
        and bool(stripped.split("://", 1)[1])
        and stripped.split() == [stripped]
        and not set("<>\"'`") & set(stripped)
    )
    assert is_web_link(url) == plain
    scheme = lowered.split("://", 1)[0] + "://" if plain else ""
    assert web_link(url) == (scheme + stripped[len(scheme) :] if plain else "")


@settings(max_examples=300, deadline=None)
@given(text=st.lists(st.one_of(_PIECES, st.sampled_from(["\U0001f600", "\ud800"])), max_size=8))
def test_a_long_text_is_seen_tidy_as_its_lines_are(text):
    text = "".join(text)
    assert _is_tidy_at_once(text) == _is_tidy(text)


@settings(max_examples=300, deadline=None)
@given(
    titles=st.lists(
        st.text(st.sampled_from("aZ09 -_.,:;&'\"\u00e9\n"), max_size=130), min_size=1, max_size=6
    ),
    year=st.sampled_from(["", "1947", "1947-03", "12"]),
)
def test_ids_made_at_once_are_each_title_slugified_and_cut_at_a_word(titles, year):
    def made(text):
        base = slugify(text) or "event"
        return base if len(base) <= 60 else base[:61].rsplit("-", 1)[0]

    rows = list(range(len(titles)))
    expected = {i: made(f"{year[:4]} {t}") for i, t in enumerate(titles)}
    assert _id_bases(rows, [year] * len(titles), titles) == expected


# Without what the fast reader declines (a lone CR, NUL, \x1c-\x1f): most examples check.
_SHEET_CELL = st.one_of(
    st.sampled_from(["", " ", "\u00a0", "\u2028", "1971", "7", "era", "Title", '"q"', "a,b"]),
    st.sampled_from(["line\nbreak", "crlf\r\nbreak", "<p>x</p>", '"', "\t"]),
    st.text(st.characters(codec="utf-8", exclude_characters="\r\x00\x1c\x1d\x1e\x1f"), max_size=8),
)
_SHEET_ROW = st.one_of(
    st.lists(_SHEET_CELL, min_size=len(SHEET_COLUMNS), max_size=len(SHEET_COLUMNS)),
    st.sampled_from([[""] * len(SHEET_COLUMNS), [" "] * len(SHEET_COLUMNS)]),  # blank rows
)


@settings(max_examples=150, deadline=None)
@given(
    before=st.integers(0, 2),
    rows=st.lists(_SHEET_ROW, max_size=8),
    crlf=st.booleans(),
    bom=st.booleans(),
)
def test_a_sheet_read_by_arrow_reads_as_row_by_row(before, rows, crlf, bom):
    from timeline.data.timelinejs import _csv_rows, _fast_sheet_slides, _sheet_slides

    out = io.StringIO()
    blank = [""] * len(SHEET_COLUMNS)
    writer = csv.writer(out, lineterminator="\r\n" if crlf else "\n")
    writer.writerows([*[blank] * before, list(SHEET_COLUMNS), *rows])
    data = ("\ufeff" if bom else "").encode() + out.getvalue().encode()
    fast = _fast_sheet_slides("x.csv", data)
    # Arrow may decline (None) and leave the file to the csv module; such an example checks
    # nothing, so hypothesis is told to find others (it fails if it cannot).
    assume(fast is not None)
    assert fast == _sheet_slides("x.csv", _csv_rows("x.csv", out.getvalue()))


@pytest.mark.parametrize("ending", ["\r\n", "\n"])
def test_a_sheet_with_a_lone_carriage_return_is_read_row_by_row(ending):
    """Arrow reads a lone CR as a line's end and the csv module does not: such a file is left
    to the csv module, which is the one that says where each row is."""
    from timeline.data.timelinejs import _csv_rows, _fast_sheet_slides, _sheet_slides

    header = ",".join(SHEET_COLUMNS)
    row = "1971,7,,,,,,,,Talks,Text" + "," * (len(SHEET_COLUMNS) - 11)
    plain = (header + ending + row + ending).encode()
    assert _fast_sheet_slides("x.csv", plain) is not None
    for data in (plain.replace(b"Talks", b"Ta\rlks"), plain + b"\r"):
        assert _fast_sheet_slides("x.csv", data) is None
    text = (plain + b"\r").decode()
    assert _sheet_slides("x.csv", _csv_rows("x.csv", text)).cells["headline"] == ["Talks"]


def test_years_before_1_or_past_pandas_timestamps_name_the_row(tmp_path):
    result = CliRunner().invoke(cli, ["validate", str(FILES / "before_year_1.csv")])
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    lines = result.stderr.splitlines()
    assert lines[0].endswith("before_year_1.csv: 2 problems found")
    assert "before_year_1.csv:3 (‘A year before 1’): column 'start': 'year -500'" in lines[1]
    assert "before_year_1.csv:4 (‘An end past 9999’): column 'end': 'year 12000'" in lines[2]
    assert "this timeline draws only years 1678–2261" in lines[1]
    doc = json.loads((FILES / "eras.json").read_text(encoding="utf-8"))
    doc["events"][1]["start_date"]["year"] = 1500
    (tmp_path / "early.json").write_text(json.dumps(doc), encoding="utf-8")
    with pytest.raises(DataError) as caught:
        load_dataset(tmp_path / "early.json")
    assert str(caught.value.problems[0]).startswith(
        f"{tmp_path / 'early.json'} (events[1], ‘Salala: NATO air attack kills Pakistani…’):"
        " column 'start': 'year 1500 month 11 day 26'"
    )


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("bad.json", b"{", "bad.json:1: not valid JSON"),
        ("list.json", b"[1, 2]", 'expected a TimelineJS object: {"title": ..., "events": [...]}'),
        ("slide.json", b'{"events": [3]}', "events[0]: expected an object"),
        ("bad.xlsx", b"not a zip", "not a readable XLSX workbook"),
        ("bad_year.csv", b"Year,Headline\n1971.5,x\n", "'year 1971.5' — Year must be a whole"),
        ("empty.json", b"", "the file is empty"),
        # Found in review: a lone surrogate reached pyarrow, deep nesting the JSON readers.
        (
            "surrogate.json",
            b'{"events":[{"start_date":{"year":"1971"},"text":{"headline":"a\\ud800b"}}]}',
            "events[0].text.headline holds a lone surrogate",
        ),
        ("deep.json", b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
    ],
)
def test_broken_files_give_a_message_not_a_traceback(tmp_path, name, content, expected):
    (tmp_path / name).write_bytes(content)
    result = CliRunner().invoke(cli, ["validate", str(tmp_path / name)])
    assert result.exit_code == 2, result.output
    assert expected in result.stderr
    assert "Traceback" not in result.output


@pytest.mark.parametrize(
    "content",
    [
        (FILES / "eras.json").read_bytes(),
        (FILES / "hostile.json").read_bytes(),
        b'{"events": [{"start_date": {"year": 123456789012345678901234567890}}]}',
        b'{"events": [{"group": "a", "group": "b"}], "title": {"text": {"headline": 1.5}}}',
        b'{"events": [{"start_date": {"year": NaN}}]}',
        b"\xef\xbb\xbf" + (FILES / "eras.json").read_bytes(),  # a byte-order mark
        '{"events": [{"group": "UTF-16"}]}'.encode("utf-16"),
    ],
)
def test_json_is_read_to_the_values_the_standard_library_reads(content):
    assert _json_document("x.json", content) == json.loads(content)


def test_a_lone_surrogate_is_named_where_it_is():
    """msgspec refuses it and the standard library reads it, but it is not text (pyarrow would
    raise on it): the file is refused, naming the field."""
    content = b'{"events": [{"text": {"text": "\\ud800 \\u0000 caf\\u00e9"}}]}'
    with pytest.raises(DataError, match=r"events\[0\]\.text\.text holds a lone surrogate"):
        _json_document("x.json", content)


_VALUE = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**20), 10**20),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=4),
    st.lists(st.integers(), max_size=2),
    st.dictionaries(st.text(max_size=2), st.integers(), max_size=2),
)


def _maybe_object(*keys):
    return st.one_of(_VALUE, st.fixed_dictionaries({}, optional=dict.fromkeys(keys, _VALUE)))


_SLIDE = st.fixed_dictionaries(
    {},
    optional={
        "start_date": _maybe_object("year", "month", "day", "display_date"),
        "end_date": _maybe_object("year", "month", "day"),
        "text": _maybe_object("headline", "text"),
        "media": _maybe_object("url", "credit", "caption"),
        "display_date": _VALUE,
        "group": _VALUE,
        "unique_id": _VALUE,
        "background": _VALUE,
    },
)


def test_our_own_object_under_an_escaped_key_is_read_the_general_way():
    """Found in review: the typed reading looked for our key's bytes, so a key written with an
    escape ("relations\\u005ftimeline") slipped past it and was dropped."""
    for data in (
        b'{"events":[{"start_date":{"year":1971},"text":{"headline":"a"}}],'
        b'"relations\\u005ftimeline":{"theme_labels":{"x":"Y"}}}',
        b'{"events":[{"start_date":{"year":1971},"text":{"headline":"a"},'
        b'"relations\\u005ftimeline":{"themes":["x"],"start":"1971"}}]}',
    ):
        assert json.loads(data)  # valid JSON, with our key once decoded
        assert _shaped_slides(data) is None


MAX_EXAMPLES = 400
_SLIDES = st.one_of(_VALUE, st.lists(st.one_of(_SLIDE, _SLIDE, _VALUE), max_size=4))
_DOCUMENT = st.one_of(
    st.fixed_dictionaries(
        {}, optional={"title": st.one_of(_SLIDE, _VALUE), "events": _SLIDES, "eras": _SLIDES}
    ),
    _VALUE,
)


@settings(max_examples=MAX_EXAMPLES, deadline=None)
@given(doc=_DOCUMENT)
# Found by this test: a display date of 0 was '0' one way and '' (none) the other.
@example(doc={"title": {"start_date": None, "display_date": 0}})
def test_slides_read_straight_into_fields_are_those_read_from_dictionaries(doc):
    data = json.dumps(doc).encode()
    shaped = _shaped_slides(data)
    try:
        slides = _json_slides("x.json", _json_document("x.json", data))[0]
    except DataError:
        assert shaped is None  # the general way says what is wrong
        return
    assert shaped is None or shaped == slides


def test_timelinejs_files_are_read_straight_into_fields():
    for name in ("eras.json", "hostile.json"):
        assert _shaped_slides((FILES / name).read_bytes()) is not None


@pytest.mark.parametrize(
    ("name", "head"),
    [("big.json", b'{"events": ['), ("big.csv", b"Year,Headline\n"), ("big.xlsx", b"PK")],
)
def test_a_file_over_the_size_limit_is_refused_before_it_is_parsed(
    tmp_path, monkeypatch, name, head
):
    import timeline.data.timelinejs as timelinejs

    path = tmp_path / name
    with path.open("wb") as handle:
        handle.write(head)  # a TimelineJS file's start, then zeros: parsing would say so
        handle.truncate(50 * 1024**2)
    assert timelinejs.timelinejs_format(path)  # read as TimelineJS, not as our CSV
    monkeypatch.setenv("TIMELINE_MAX_BYTES", str(10 * 1024**2))
    for parse in ("_json_document", "_csv_rows", "_xlsx_rows"):
        monkeypatch.setattr(timelinejs, parse, lambda *a: pytest.fail("parsed"))
    with pytest.raises(DataError) as caught:
        load_dataset(path)
    assert "file is 52,428,800 bytes; the limit is 10,485,760 bytes" in str(caught.value)


def test_our_data_to_timelinejs_json_and_back_keeps_titles_dates_and_themes(tmp_path, dataset):
    result = CliRunner().invoke(cli, ["convert", str(DATA), str(tmp_path / "t.json")])
    assert result.exit_code == 0, result.output
    back = load_dataset(tmp_path / "t.json")
    columns = ["id", "kind", "start_text", "end_text", "title", "themes", "summary", "source"]
    columns += ["tone", "commentary", "callout", "url", "date_note", "label", "cameo"]

    def rows(ds):
        return ds.events[columns].sort_values("id").reset_index(drop=True)

    assert rows(back).equals(rows(dataset))
    assert back.themes == dataset.themes
    assert [back.theme_label(t) for t in back.themes] == [
        dataset.theme_label(t) for t in dataset.themes
    ]
    assert (back.info.title, back.info.subtitle, back.info.slug) == (
        dataset.info.title,
        dataset.info.subtitle,
        dataset.info.slug,
    )
    # And on to this project's CSV: the same again, and a file the loader takes.
    result = CliRunner().invoke(cli, ["convert", str(tmp_path / "t.json"), str(tmp_path / "e.csv")])
    assert result.exit_code == 0, result.output
    assert "e.toml" in result.output
    assert rows(load_dataset(tmp_path / "e.csv")).equals(rows(dataset))


def test_timelinejs_alone_keeps_titles_dates_at_their_precision_and_the_first_theme(dataset):
    """Without our own object on each slide, what TimelineJS itself holds still comes back."""
    doc = to_timelinejs(dataset)
    for slide in doc["events"] + doc["eras"]:
        slide.pop("relations_timeline")
    doc.pop("relations_timeline")
    events = {s["unique_id"]: s for s in doc["events"]}
    for row in dataset.events.itertuples():
        if row.kind == "era" or row.precision == "decade":
            continue
        slide = events[row.id]
        assert html_to_text(slide["text"]["headline"]) == row.title
        parts = row.start_text.rstrip("~?").split("-")
        assert [
            str(slide["start_date"][k]).zfill(len(p))
            for k, p in zip(("year", "month", "day"), parts, strict=False)
        ] == parts
        assert slide["group"] == dataset.theme_label(row.themes[0])
    assert html_to_text(doc["title"]["text"]["headline"]) == dataset.info.title


def test_exported_text_holds_summary_commentary_attributed_and_sources(dataset):
    doc = to_timelinejs(dataset)
    slide = next(s for s in doc["events"] if s["unique_id"] == "2011-salala-incident")
    row = dataset.events.set_index("id").loc["2011-salala-incident"]
    text = html_to_text(slide["text"]["text"])
    assert text.startswith(row.summary)
    assert f"What Saleem Qamar Butt says: “{row.commentary}”" in text
    # Each source with its own link where it has one (and the row's page for the older form).
    citation = cite(row.source, row.url)
    assert "Sources: " + citation.sources[0].text in text
    for source in citation.sources:
        said = f"{source.text} (link ({source.link}))" if source.link else source.text
        assert said in text
    assert not citation.page or f"(link ({citation.page}))" in text
    assert html_links(slide["text"]["text"]) == citation.links
    assert slide["display_date"] == "26 November 2011; " + row.date_note  # as the app says it


def test_convert_refuses_unknown_outputs_and_its_own_input(tmp_path):
    result = CliRunner().invoke(cli, ["convert", str(DATA), str(tmp_path / "out.txt")])
    assert result.exit_code == 2
    assert "cannot write '.txt' files; use .json (TimelineJS JSON)" in result.output
    result = CliRunner().invoke(cli, ["convert", str(DATA), str(DATA)])
    assert result.exit_code == 2
    assert "is the input file" in result.output


def test_convert_writes_nothing_when_the_input_is_broken(tmp_path):
    target = tmp_path / "out.json"
    result = CliRunner().invoke(cli, ["convert", str(FILES / "before_year_1.csv"), str(target)])
    assert result.exit_code == 2
    assert not target.exists()


HOSTILE_TITLE = "Bold <script>window.__pwned = 1</script>"


@pytest.mark.browser
def test_hostile_timelinejs_is_text_in_the_page_and_the_exports(browser, engine, tmp_path):
    from conftest import app_page
    from page_names import VIEW_DRAWN, S

    from timeline.export import ImageSpec
    from timeline.filters import EventFilter
    from timeline.views import export_view

    hostile = load_dataset(FILES / "hostile.json")
    with app_page(browser, hostile, engine, "?event=evil-1") as page:
        page.wait_for_selector(S("#$DETAIL .event-title"), timeout=30_000)
        assert page.inner_text(S("#$DETAIL .event-title")) == HOSTILE_TITLE
        # Paragraphs stay paragraphs; the one http(s) URL is the only link in them.
        shown = page.locator(S("#$DETAIL h3 + p, #$DETAIL h3 + p ~ p")).all_inner_texts()
        assert shown[:3] == [
            "First paragraph.",
            "See the js link, the web link (https://example.org/a?b=c&d=e) and the data link.",
            "Last & final.",
        ]
        hrefs = page.eval_on_selector_all(S("#$DETAIL a[href]"), "as => as.map(a => a.href)")
        assert hrefs == ["https://example.org/a?b=c&d=e"]
        assert page.locator("iframe, img[src='x'], [onerror], [onmouseover]").count() == 0
        page.wait_for_function(S(VIEW_DRAWN))
        page.wait_for_selector(S("#$GRID .ag-row"), timeout=30_000)
        assert HOSTILE_TITLE in page.inner_text(S("#$GRID"))
        assert page.evaluate("window.__pwned") is None
        assert page.dialogs == []
        # The interactive HTML export, opened on its own.
        data, name = export_view(hostile, EventFilter(), ImageSpec.build("html"), engine)
        (tmp_path / name).write_bytes(data)
        page.goto((tmp_path / name).as_uri())
        page.wait_for_selector(".js-plotly-plot .scatterlayer .point", state="attached")
        assert page.evaluate("window.__pwned") is None
        assert page.locator("iframe, img[src='x'], [onerror]").count() == 0
    svg, _ = export_view(hostile, EventFilter(), ImageSpec.build("svg"), engine)
    assert b"<script>window" not in svg and b"<img" not in svg and b"javascript:" not in svg


def _timelinejs_or_skip():
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))
    import timelinejs_check

    try:
        timelinejs_check.install(timelinejs_check.cache_dir(), offline=True)
    except (OSError, Exception) as exc:  # no npm, or the package is not in npm's cache
        pytest.skip(f"TimelineJS is not installed ({exc}); run scripts/timelinejs_check.py once")
    return timelinejs_check


@pytest.mark.browser
def test_timelinejs_itself_draws_our_json_with_our_headlines(browser, dataset):
    from timeline.convert import timelinejs_json

    check = _timelinejs_or_skip()
    folder = check.cache_dir()
    found = check.render(browser, folder, timelinejs_json(dataset))
    assert check.check(dataset, found) == []
    assert found["eras"] == int(dataset.events["kind"].eq("era").sum())
    # Hostile text, written by us into TimelineJS's HTML fields, stays text there too.
    hostile = load_dataset(FILES / "hostile.json")
    found = check.render(browser, folder, timelinejs_json(hostile))
    assert check.check(hostile, found) == []
    assert HOSTILE_TITLE in found["headlines"]
    assert found["scripts"] == 0


def test_a_converted_file_read_slide_by_slide_gives_the_same_table(tmp_path, dataset):
    """Our own JSON is read a column at a time; a slide the quick way cannot take (one era
    without our object) sends the whole file the careful way, with the same result."""
    doc = to_timelinejs(dataset)
    (tmp_path / "quick.json").write_text(json.dumps(doc), encoding="utf-8")
    del doc["eras"][0]["relations_timeline"]["summary"]
    doc["eras"][0]["relations_timeline"]["tone"] = 0  # a number, as a person might write it
    (tmp_path / "careful.json").write_text(json.dumps(doc), encoding="utf-8")
    quick = load_dataset(tmp_path / "quick.json").events
    careful = load_dataset(tmp_path / "careful.json").events
    era = careful["id"].eq(doc["eras"][0]["unique_id"])
    assert careful.loc[era, "summary"].tolist() == [""]
    assert careful.loc[era, "tone"].tolist() == [0.0]
    same = ["id", "start_text", "end_text", "title", "themes", "source", "commentary"]
    assert quick[same].equals(careful[same])


def test_a_problem_in_a_converted_file_names_its_slide(tmp_path, dataset):
    doc = to_timelinejs(dataset)
    doc["events"][2]["relations_timeline"]["tone"] = "11"
    (tmp_path / "t.json").write_text(json.dumps(doc), encoding="utf-8")
    with pytest.raises(DataError) as caught:
        load_dataset(tmp_path / "t.json")
    title = doc["events"][2]["text"]["headline"]
    assert caught.value.problems[0].place.startswith(f"events[2], ‘{title[:20]}")
    assert caught.value.problems[0].column == "tone"


def test_a_workbook_that_unpacks_past_the_limit_is_refused(tmp_path, monkeypatch):
    import zipfile

    with zipfile.ZipFile(tmp_path / "big.xlsx", "w", zipfile.ZIP_DEFLATED) as book:
        book.writestr("xl/worksheets/sheet1.xml", b" " * 2_000_000)
    monkeypatch.setenv("TIMELINE_MAX_BYTES", "1000000")
    with pytest.raises(DataError) as caught:
        load_dataset(tmp_path / "big.xlsx")
    assert "the workbook unpacks to 2,000,000 bytes; the limit is 1,000,000 bytes" in str(
        caught.value
    )


def test_a_long_headline_is_shortened_at_a_word_and_kept_whole_in_the_summary(tmp_path):
    headline = "Talks " + "and more talks " * 8 + "end"  # 129 characters
    (tmp_path / "long.csv").write_text(
        f"Year,Headline,Text,Group\n2001,{headline},What happened.,Talks\n", encoding="utf-8"
    )
    event = load_dataset(tmp_path / "long.csv").events.iloc[0]
    assert len(event.title) <= 90 and event.title.endswith("…")
    cut = event.title[:-1]
    assert headline.startswith(cut) and headline[len(cut)] == " "  # at a word
    assert event.summary == f"{headline}\n\nWhat happened."


def test_links_with_a_capital_scheme_or_spaces_are_kept_as_links(tmp_path):
    """Found in review: ' HTTPS://x.org/a' passed as a link, then failed the url column's check."""
    path = tmp_path / "caps.csv"
    path.write_text(
        "Year,Month,Day,Headline,Text,Media,Media Credit\n"
        "1971,7,9,Kissinger,<p>Secret trip</p>, HTTPS://x.org/a ,"
        "\"<a href=' HTTP://Y.org/b'>Credit</a>\"\n"
        "1972,2,21,Nixon,<p>Visit</p>,,\"<a href='HTTPS://z.org/c'>Another</a>\"\n",
        encoding="utf-8",
    )
    events = load_dataset(path).events
    assert list(events["url"]) == ["https://x.org/a", "https://z.org/c"]
    assert list(events["source"]) == ["Credit (http://Y.org/b)", "Another (https://z.org/c)"]
