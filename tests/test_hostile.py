"""Whatever a user feeds it, the loader ends in a dataset or a readable DataError."""

import csv
import io

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from timeline.callbacks import controls_to_state
from timeline.data import COLUMNS, DataError, load_events

SETTINGS = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def _outcome(path):
    try:
        return load_events(path)
    except DataError as exc:
        assert exc.problems, "a DataError always names at least one problem"
        assert all(str(p.path) == str(path) for p in exc.problems)
        assert exc.message.startswith(str(path))
        return exc


@SETTINGS
@given(st.binary(max_size=2000))
def test_arbitrary_bytes(tmp_path, data):
    path = tmp_path / "junk.csv"
    path.write_bytes(data)
    _outcome(path)


cell = st.text(st.characters(codec="utf-8"), max_size=40)


@SETTINGS
@given(
    header=st.lists(st.sampled_from([*COLUMNS, "bogus", ""]), min_size=1, max_size=16),
    rows=st.lists(st.lists(cell, min_size=0, max_size=18), max_size=8),
    crlf=st.booleans(),
)
def test_csv_shaped_text(tmp_path, header, rows, crlf):
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n" if crlf else "\n").writerows([header, *rows])
    path = tmp_path / "shaped.csv"
    path.write_text(out.getvalue(), encoding="utf-8")
    _outcome(path)


def test_nul_column_and_unclosed_quote_and_wide_line(tmp_path):
    header = ",".join(COLUMNS) + "\n"
    for name, body in {
        "nul": header + "a,event,2011,,\x00\x00,s,t,1,1,,,,src,,\n",
        "unclosed": header + 'a,event,2011,,"never closed\n',
        "wide": "id," * 1_000_000 + "\n",
    }.items():
        path = tmp_path / f"{name}.csv"
        path.write_text(body, encoding="utf-8")
        result = _outcome(path)
        assert isinstance(result, DataError), name


@given(
    themes=st.one_of(
        st.none(),
        st.text(),
        st.integers(),
        st.lists(st.one_of(st.text(), st.integers(), st.none()), max_size=50),
    ),
    years=st.one_of(
        st.none(), st.text(), st.lists(st.one_of(st.integers(), st.text(), st.floats()), max_size=4)
    ),
    query=st.one_of(st.none(), st.integers(), st.text(max_size=300)),
    pins=st.one_of(st.none(), st.text(), st.lists(st.one_of(st.text(), st.integers()))),
    zoom=st.one_of(st.none(), st.text(), st.lists(st.one_of(st.text(), st.floats()), max_size=3)),
)
@settings(max_examples=200, deadline=None)
def test_controls_from_the_browser_are_checked(dataset, themes, years, query, pins, zoom):
    state = controls_to_state(
        dataset, themes=themes, years=years, query=query, pins=pins, callouts=pins, zoom=zoom
    )
    flt = state.filter
    assert all(t in dataset.themes for t in flt.themes)
    assert len(flt.query) <= 200
    assert set(state.pins) <= dataset.event_ids
    assert state.callouts in ("auto", "pinned", "none")
    assert len(state.zoom) in (0, 2)


def test_extreme_controls(dataset):
    state = controls_to_state(
        dataset, themes=["security"] * 10_000, years=[0, 99999], query="x" * 1_000_000
    )
    flt = state.filter
    assert flt.themes == ("security",)
    assert flt.date_from == "" and flt.date_to == ""
    assert len(flt.query) == 200


@SETTINGS
@given(
    rows=st.lists(st.lists(cell, min_size=len(COLUMNS), max_size=len(COLUMNS)), max_size=8),
    crlf=st.booleans(),
)
def test_fast_reader_agrees_with_the_careful_one(rows, crlf):
    from timeline.data.read import fast_frame, split_records

    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n" if crlf else "\n").writerows([COLUMNS, *rows])
    text = out.getvalue()
    fast = fast_frame("x.csv", text.encode("utf-8"))
    # The fast reader may decline (None) and leave the file to the careful one; such an
    # example checks nothing, so hypothesis is told to find others (it fails if it cannot).
    assume(fast is not None)
    _, records, lines, problems = split_records("x.csv", text)
    assert problems == []
    assert fast["line"].tolist() == lines
    assert fast[list(COLUMNS)].to_numpy().tolist() == records


def test_fast_reader_reads_the_shipped_data():
    from pathlib import Path

    from timeline.data.read import fast_frame, split_records

    text = (Path(__file__).parent.parent / "data" / "events.csv").read_text(encoding="utf-8")
    fast = fast_frame("events.csv", text.encode("utf-8"))
    assert fast is not None
    _, records, lines, _ = split_records("events.csv", text)
    assert fast["line"].tolist() == lines
    assert fast[list(COLUMNS)].to_numpy().tolist() == records


@pytest.mark.parametrize("trailing", ["", "\n"])
def test_line_numbers_count_line_breaks_inside_values(trailing):
    from timeline.data.read import fast_frame

    cells = {"id": "x-{}", "start": "2001", "title": "Title", "summary": "{}", "tone": "1"}
    row = [cells.get(c, "") for c in COLUMNS]
    lines = [",".join(COLUMNS)]
    lines.append(",".join(row).format(1, '"two\nlines"'))
    lines.append(",".join(row).format(2, "one line"))
    fast = fast_frame("x.csv", ("\n".join(lines) + trailing).encode())
    assert fast["line"].tolist() == [2, 4]


def test_fast_reader_skips_a_byte_order_mark():
    from pathlib import Path

    from timeline.data.read import fast_frame

    raw = (Path(__file__).parent.parent / "data" / "events.csv").read_bytes()
    plain = fast_frame("events.csv", raw)
    marked = fast_frame("events.csv", b"\xef\xbb\xbf" + raw)
    assert marked is not None and list(marked.columns) == list(plain.columns)
    assert marked.equals(plain)
