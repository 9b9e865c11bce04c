"""TimelineJS files read as they are: the Google Sheets template (CSV or XLSX) and its JSON.

Each slide becomes a row of this project's events table, as text, so the same checks run on it
as on ``events.csv``: Year/Month/Day (and End ...) to ``start``/``end`` at the precision given,
Display Date to ``date_note``, Headline to ``title``, Text to ``summary``, Group to a theme
(slugified, its label kept), Media Credit and Media (when a link) to ``source`` and ``url``;
``era`` slides and JSON ``eras`` to eras; the ``title`` slide to the dataset's title. Their
text is HTML: it is turned into plain text here (``html_text``) and never shown as markup.

A JSON written by ``timeline convert`` also carries, per slide, what TimelineJS has no place
for (every theme, tone, commentary, ...) in a ``relations_timeline`` object; when present it
gives those fields, so our data goes to TimelineJS and back without loss.
"""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, replace
from itertools import compress, repeat
from operator import add, attrgetter
from pathlib import Path
from typing import Any

import msgspec
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from pyarrow import csv as pa_csv

from timeline.data.fields import (
    COLUMNS,
    NO_SOURCE,
    REQUIRED_COLUMNS,
    SLUG,
    TITLE_MAX,
    slugify,
)
from timeline.data.html_text import (
    html_texts,
    html_texts_and_links,
    html_to_text,
    web_link,
)
from timeline.data.info import DatasetInfo
from timeline.data.problems import DataError, Problem, file_error
from timeline.data.read import decode, header_names, max_bytes, read_bytes, timelinejs_format

SHEET_COLUMNS = (
    "Year",
    "Month",
    "Day",
    "Time",
    "End Year",
    "End Month",
    "End Day",
    "End Time",
    "Display Date",
    "Headline",
    "Text",
    "Media",
    "Media Credit",
    "Media Caption",
    "Media Thumbnail",
    "Type",
    "Group",
    "Background",
)
EXTENSION = "relations_timeline"  # our own key in a TimelineJS JSON; TimelineJS ignores it
NO_TEXT = "no text given"
UNGROUPED = ("events", "Events")  # the lane of slides that name no group
# The years the chart can draw: pandas' timestamps (nanoseconds) hold 1677-09-21 to 2262-04-11.
FIRST_YEAR, LAST_YEAR = pd.Timestamp.min.year + 1, pd.Timestamp.max.year - 1
_SLUG = re.compile(SLUG)
_SLUGS = re.compile(f"(?:{SLUG[1:-1]}\n)*{SLUG[1:-1]}")  # SLUG on each line
_OUT_OF_RANGE = (
    f"TimelineJS allows it, but this timeline draws only years {FIRST_YEAR}–{LAST_YEAR}"
    " (what pandas' timestamps hold): change the date or leave the row out"
)


# A slide's cells, each from a sheet's column (its header) or a JSON slide's field.
_SHEET_CELLS = {
    "year": "Year",
    "month": "Month",
    "day": "Day",
    "end_year": "End Year",
    "end_month": "End Month",
    "end_day": "End Day",
    "display_date": "Display Date",
    "headline": "Headline",
    "text": "Text",
    "media": "Media",
    "credit": "Media Credit",
    "caption": "Media Caption",
    "group": "Group",
}
_OURS_KEPT = ("headline", "unique_id")  # what is read of a slide carrying our object
_NOTHING: dict = {}  # in place of a field that is not an object (never changed)


@dataclass
class Slides:
    """A file's slides, a list per field, in file order: read a column at a time."""

    line: list[int]  # the row's line (sheet) or position (JSON, 1-based), for ordering problems
    place: list[str]  # where a JSON's slide is ("events[3]"); a sheet's line number says it
    kind: list[str]  # "event", "era" or "title"
    cells: dict[str, list[str]]  # _SHEET_CELLS' keys and unique_id: text as given, stripped
    extension: list[dict]  # a slide's object from timeline convert, else empty

    def places(self) -> dict[int, str]:
        """Each slide's line and where a person finds it."""
        return dict(zip(self.line, map(_place, self.place, self.cells["headline"]), strict=True))

    def title(self) -> tuple[str, str] | None:
        """The first title slide's headline and text."""
        if "title" not in self.kind:
            return None
        i = self.kind.index("title")
        return self.cells["headline"][i], self.cells["text"][i]

    def events_and_eras(self) -> Slides:
        if "title" not in self.kind:
            return self
        titles = [i for i, kind in enumerate(self.kind) if kind == "title"]

        def pick(values: list) -> list:
            kept = list(values)  # a file has one title slide, or a few: deleted, not copied
            for i in reversed(titles):
                del kept[i]
            return kept

        cells = {key: pick(values) for key, values in self.cells.items()}
        extension = pick(self.extension)
        return Slides(pick(self.line), pick(self.place), pick(self.kind), cells, extension)


def read_timelinejs(path: Path) -> tuple[pd.DataFrame, DatasetInfo, Callable]:
    """The file's slides as an events table of text columns (plus ``line``), the dataset's
    metadata, and a function that turns problems found in the table into a DataError naming
    each problem's slide."""
    name = str(path)
    data = read_bytes(path)  # the size limit holds before anything is parsed
    fmt = timelinejs_format(path)
    doc, ours = None, None
    if fmt == "json":
        doc, ours, slides, meta, (frame, labels, problems) = _read_json(name, data)
    else:
        if path.suffix.lower() == ".xlsx":
            slides = _sheet_slides(name, _xlsx_rows(name, data))
        else:
            slides = _fast_sheet_slides(name, data)
            if slides is None:
                slides = _sheet_slides(name, _csv_rows(name, decode(name, data)))
        meta = {}
        frame, labels, problems = _table(name, slides.events_and_eras(), meta)

    def located(found: list[Problem]) -> DataError:
        # A JSON's "lines" are its slides' positions: name the slide instead.
        every = _json_slides(name, doc)[0] if ours is not None else slides
        places = every.places()
        json_file = fmt == "json"
        return DataError(
            [
                replace(p, line=None if json_file else p.line, place=places.get(p.line, p.place))
                for p in found
            ]
        )

    if problems:
        raise located(problems)
    info = _info(path, slides.title(), meta, labels)
    return frame, info, located


def _read_json(name: str, data: bytes):
    """The document, our table when ``timeline convert`` wrote it, the slides, the metadata
    and the table, labels and problems (``read_timelinejs``)."""
    slides = _shaped_slides(data)
    if slides is not None:
        return None, None, slides, {}, _table(name, slides.events_and_eras(), {})
    doc = _json_document(name, data)
    ours = _ours_frame(doc)
    slides, meta = _json_slides(name, doc, title_only=ours is not None)
    if ours is not None:
        return doc, ours, slides, meta, (*ours, [])
    # The slides hold all that is read of it: the document's many objects go before the
    # table is made, rather than be walked by each of its garbage collections.
    del doc
    return None, None, slides, meta, _table(name, slides.events_and_eras(), meta)


def _place(place: str, headline: str) -> str:
    """'events[3], ‘Salala: NATO air attack…’': where a person finds the slide."""
    headline = _one_line(headline)
    headline = headline if len(headline) <= 40 else headline[:39].rstrip() + "…"
    quoted = f"‘{headline}’" if headline else ""
    return ", ".join(p for p in (place, quoted) if p)


def _csv_rows(name: str, text: str):
    reader = csv.reader(io.StringIO(text, newline=""))
    last = 0
    try:
        for row in reader:
            yield last + 1, row
            last = reader.line_num
    except csv.Error as exc:
        raise file_error(name, f"not valid CSV: {exc}", line=last + 1) from None


def _xlsx_rows(name: str, data: bytes):
    # calamine (Rust) reads a workbook about ten times as fast as openpyxl: 10,000 slides in a
    # fifth of a second instead of nearly three. Only a workbook needs it.
    import python_calamine

    try:
        # A workbook is a zip: what it unpacks to is held to the same limit as a file.
        unpacked = sum(i.file_size for i in zipfile.ZipFile(io.BytesIO(data)).infolist())
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise file_error(name, f"not a readable XLSX workbook ({exc})") from None
    if unpacked > max_bytes():
        raise file_error(
            name,
            f"the workbook unpacks to {unpacked:,} bytes; the limit is {max_bytes():,} bytes "
            "(set TIMELINE_MAX_BYTES to raise it)",
        )
    try:
        book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
        # From cell A1, empty rows and columns kept: each row's number is its line.
        first = book.get_sheet_by_index(0) if book.sheet_names else None
        rows = first.to_python(skip_empty_area=False) if first is not None else []
    except (python_calamine.CalamineError, OSError, ValueError, TypeError, IndexError) as exc:
        raise file_error(name, f"not a readable XLSX workbook ({exc})") from None
    for number, row in enumerate(rows, start=1):
        # Most cells are text (or "" when empty): only numbers and dates are converted.
        yield number, [v if type(v) is str else _cell(v) for v in row]


def _cell(value) -> str:
    """A spreadsheet cell as the text a person typed: 1971, not 1971.0."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _sheet_slides(name: str, rows) -> Slides:
    header, lines, body = None, [], []
    for line, row in rows:
        if not "".join(row).strip():
            continue
        if header is None:
            header = _sheet_header(name, line, row)
            continue
        lines.append(line)
        body.append(row)
    if header is None:
        raise file_error(name, "the file is empty; expected the TimelineJS template's header")
    return _sheet_cells(
        header, lines, lambda i: [row[i].strip() if i < len(row) else "" for row in body]
    )


def _sheet_header(name: str, line: int, row: list[str]) -> dict[str, int]:
    """Each column's title (lower case) and position; the template's Year and Headline must be
    among them."""
    header = {c.strip().lower(): i for i, c in enumerate(row) if c.strip()}
    missing = [c for c in ("Year", "Headline") if c.lower() not in header]
    if missing:
        expected = "a TimelineJS sheet needs the template's columns: " + ", ".join(SHEET_COLUMNS)
        raise DataError([Problem(name, line, c, None, expected) for c in missing])
    return header


def _sheet_cells(header: dict[str, int], lines: list[int], column_at: Callable) -> Slides:
    """The slides of a sheet's rows, given each column's cells (stripped) by its position."""

    def column(title: str) -> list[str]:
        i = header.get(title.lower())
        return [""] * len(lines) if i is None else column_at(i)

    cells = {key: column(title) for key, title in _SHEET_CELLS.items()}
    cells["unique_id"] = [""] * len(lines)
    kinds = [k if k in ("title", "era") else "event" for k in map(str.lower, column("Type"))]
    return Slides(lines, [""] * len(lines), kinds, cells, [_NOTHING] * len(lines))


def _fast_sheet_slides(name: str, data: bytes) -> Slides | None:
    """A well-formed sheet CSV read a column at a time by pyarrow's C++ reader, or None to read
    it row by row (``_csv_rows``), which explains what is wrong with a file.

    Only the plain case: every row as wide as the first line, no lone carriage returns, no
    NUL, and none of the control characters Python counts as whitespace but Arrow does not
    (so that a row Arrow finds blank is one ``_sheet_slides`` skips, and only those).
    """
    if any(c in data for c in (b"\x00", b"\x1c", b"\x1d", b"\x1e", b"\x1f")):
        return None
    if b"\r" in data:  # each carriage return must end a line, before its line feed
        codes = np.frombuffer(data, np.uint8)
        returns = np.flatnonzero(codes == 13)
        if returns[-1] + 1 == len(codes) or not (codes[returns + 1] == 10).all():
            return None
    start = 3 if data.startswith(b"\xef\xbb\xbf") else 0
    try:
        width = len(header_names(data, start))
        table = pa_csv.read_csv(
            pa.BufferReader(pa.py_buffer(data).slice(start)),
            read_options=pa_csv.ReadOptions(autogenerate_column_names=True),
            parse_options=pa_csv.ParseOptions(newlines_in_values=True, ignore_empty_lines=False),
            convert_options=pa_csv.ConvertOptions(
                column_types={f"f{i}": pa.string() for i in range(width)},
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except (pa.ArrowException, csv.Error, StopIteration, UnicodeDecodeError):
        return None
    columns = table.columns
    if len(columns) != width:
        return None
    lines = 1 + np.arange(table.num_rows)
    if data.count(b"\n") != table.num_rows - (not data.endswith(b"\n")):
        # A record starts a line after the one before it, and after the line breaks in its
        # cells (counted only when there are some: one count of the file says so).
        breaks = sum(pc.count_substring(c, "\n").to_numpy() for c in columns)
        lines += np.concatenate([[0], np.cumsum(breaks)[:-1]])
    # Each cell that holds more than whitespace; a column of none is read as "" in each row.
    cells_filled = [
        pc.invert(pc.or_(pc.equal(c, ""), pc.utf8_is_space(c))).to_numpy() for c in columns
    ]
    filled = np.logical_or.reduce(cells_filled)
    rows = np.flatnonzero(filled)
    if not len(rows):
        raise file_error(name, "the file is empty; expected the TimelineJS template's header")
    header_row = [c[int(rows[0])].as_py() for c in columns]
    header = _sheet_header(name, int(lines[rows[0]]), header_row)
    first = int(rows[0]) + 1
    # Below the header: read as "" in each row without a pass.
    blank = {i for i, cells in enumerate(cells_filled) if not cells[rows[1:]].any()}
    # No blank row below the header (as usual): the body is a slice, not a copy.
    body = None if len(rows) - 1 == table.num_rows - first else pa.array(rows[1:])

    def cells_of(i: int) -> list[str]:
        if i in blank:
            return [""] * (len(rows) - 1)
        column = columns[i].slice(first) if body is None else columns[i].take(body)
        return list(map(str.strip, column.to_pylist()))

    return _sheet_cells(header, lines[rows[1:]].tolist(), cells_of)


def _json_document(name: str, data: bytes) -> dict:
    """The file's JSON object. msgspec (C) reads it in half the standard library's time, to
    the same values (integers exact); the standard library reads what msgspec refuses (NaN, a
    byte-order mark, UTF-16, a lone surrogate) and says what is wrong with a broken file."""
    try:
        doc = msgspec.json.decode(data)
    except (msgspec.MsgspecError, RecursionError):
        pass
    else:
        if isinstance(doc, dict) and isinstance(doc.get("events", []), list):
            return doc
    try:
        doc = json.loads(data)
    except UnicodeDecodeError:
        raise file_error(name, "not UTF-8 text; save the JSON as UTF-8") from None
    except json.JSONDecodeError as exc:
        raise file_error(name, f"not valid JSON: {exc.msg}", line=exc.lineno) from None
    except RecursionError:
        raise file_error(name, "nested too deeply to be a TimelineJS file") from None
    if not isinstance(doc, dict) or not isinstance(doc.get("events", []), list):
        raise file_error(name, 'expected a TimelineJS object: {"title": ..., "events": [...]}')
    try:
        place = _lone_surrogate(doc)
    except RecursionError:
        raise file_error(name, "nested too deeply to be a TimelineJS file") from None
    if place:
        raise file_error(
            name,
            f"{place} holds a lone surrogate (\\ud800 to \\udfff alone: half of a UTF-16 pair),"
            " which is not text: fix that text, or save the JSON again as UTF-8",
        )
    return doc


def _lone_surrogate(value, where: str = "") -> str:
    """Where the first string of ``value`` holding a lone surrogate is ('events[3].text'), or ''.
    Only files msgspec refuses come here, so the walk costs the usual file nothing."""
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return where or "the file"
        return ""
    if not isinstance(value, dict | list):
        return ""
    items = value.items() if isinstance(value, dict) else enumerate(value)
    for key, item in items:
        if isinstance(key, int):
            found = _lone_surrogate(item, f"{where}[{key}]")
        else:
            inner = f"{where}.{key}" if where else key
            found = _lone_surrogate(key, where) or _lone_surrogate(item, inner)
        if found:
            return found
    return ""


# A TimelineJS file's slides as msgspec reads them straight into their fields: about three
# times as fast as into dictionaries and then a field at a time. Only the fields read here
# (``_json_cells``) are kept; a value's type is whatever the file gives.
class _ShapedDate(msgspec.Struct, gc=False):
    year: Any = None
    month: Any = None
    day: Any = None
    display_date: Any = None


class _ShapedText(msgspec.Struct, gc=False):
    headline: Any = None
    text: Any = None


class _ShapedMedia(msgspec.Struct, gc=False):
    url: Any = None
    credit: Any = None
    caption: Any = None


class _ShapedSlide(msgspec.Struct, gc=False):
    start_date: _ShapedDate | None = None
    end_date: _ShapedDate | None = None
    text: _ShapedText | None = None
    media: _ShapedMedia | None = None
    display_date: Any = None
    group: Any = None
    unique_id: Any = None
    # Our own object, however its key is spelled (``\u005f`` for "_", say): the general way.
    relations_timeline: Any = None


class _ShapedDocument(msgspec.Struct, gc=False):
    title: _ShapedSlide | None = None
    events: list[_ShapedSlide] = []  # msgspec copies it; null is refused, as json's way does
    eras: list[_ShapedSlide] | None = None
    relations_timeline: Any = None


_SHAPED = msgspec.json.Decoder(_ShapedDocument)
_NO_OBJECTS = (_ShapedDate(), _ShapedDate(), _ShapedText(), _ShapedMedia())


def _shaped_objects(slides: list[_ShapedSlide], key: str, empty) -> list:
    """Each slide's object under ``key`` (the empty one where it has none); [] when no slide
    has one."""
    objects = list(map(attrgetter(key), slides))
    if not any(objects):
        return []
    return [o or empty for o in objects]


# Each cell: which of a slide's objects it is read from (its start and end date, its text,
# its media, the slide itself), and under which key.
_CELL_SOURCES = {
    "year": (0, "year"),
    "month": (0, "month"),
    "day": (0, "day"),
    "end_year": (1, "year"),
    "end_month": (1, "month"),
    "end_day": (1, "day"),
    "headline": (2, "headline"),
    "text": (2, "text"),
    "media": (3, "url"),
    "credit": (3, "credit"),
    "caption": (3, "caption"),
    "group": (4, "group"),
    "unique_id": (4, "unique_id"),
}


def _cell_sources(*objects) -> dict:
    """Each cell's (the slides' objects, key): ``objects`` are the slides' starts, ends, texts,
    media and the slides themselves, each a list (or what stands for none)."""
    return {name: (objects[which], key) for name, (which, key) in _CELL_SOURCES.items()}


def _shaped_slides(data: bytes) -> Slides | None:
    """The slides of a TimelineJS file (not ours) whose slides and their date, text and media
    are objects, as ``_json_slides`` gives them; None for any other file, which goes that way
    (and is told what is wrong with it)."""
    if b'"' + EXTENSION.encode() + b'"' in data:
        return None  # perhaps our own object: _ours_frame reads that
    try:
        doc = _SHAPED.decode(data)
    except (msgspec.MsgspecError, RecursionError):
        return None
    events, eras = doc.events, doc.eras or []
    items = [doc.title, *events, *eras] if doc.title is not None else [*events, *eras]
    ours = list(map(attrgetter(EXTENSION), items))
    if doc.relations_timeline is not None or ours.count(None) != len(ours):
        return None  # our own object, its key written with an escape: _ours_frame reads that
    first = 1 - (doc.title is not None)  # the title's line is 0, the first event's 1
    kinds = ["title"] * (doc.title is not None) + ["event"] * len(events) + ["era"] * len(eras)
    places = ["title"] * (doc.title is not None)
    places += [f"events[{i}]" for i in range(len(events))]
    places += [f"eras[{i}]" for i in range(len(eras))]
    starts, ends, texts, media = (
        _shaped_objects(items, key, empty)
        for key, empty in zip(("start_date", "end_date", "text", "media"), _NO_OBJECTS, strict=True)
    )
    sources = _cell_sources(starts, ends, texts, media, items)
    # A field of an object no slide has (media, say) is "" without a pass.
    cells = {
        name: _texts(list(map(attrgetter(key), objects))) if objects else [""] * len(items)
        for name, (objects, key) in sources.items()
    }
    # The slide's own display date, else its start's: a falsy one (0, "") is none, as in
    # ``_json_cells``.
    displays = list(map(attrgetter("display_date"), items))
    starting = list(map(attrgetter("display_date"), starts)) if starts else [None] * len(items)
    displays = [d or s for d, s in zip(displays, starting, strict=True)]
    cells["display_date"] = _texts(displays)
    lines = list(range(first, first + len(items)))
    return Slides(lines, places, kinds, cells, [_NOTHING] * len(items))


def _json_slides(name: str, doc: dict, *, title_only: bool = False) -> tuple[Slides, dict]:
    items, lines, places, kinds, problems = [], [], [], [], []
    title = doc.get("title")
    if isinstance(title, dict):
        items.append(title)
        lines.append(0)
        places.append("title")
        kinds.append("title")
    groups = () if title_only else (("events", "event"), ("eras", "era"))
    for key, kind in groups:
        entries = doc.get(key) or []
        if not isinstance(entries, list):
            problems.append(Problem(name, None, None, None, f"'{key}' must be a list of slides"))
            continue
        # Events from 1, then eras: the lines _ours_frame gives them too (the title is 0).
        after_title = kinds[:1] == ["title"]
        if all(type(item) is dict for item in entries):  # the usual case: a list at a time
            first = len(items) + (not after_title)
            lines += range(first, first + len(entries))
            items += entries
            places += [f"{key}[{i}]" for i in range(len(entries))]
            kinds += [kind] * len(entries)
            continue
        for i, item in enumerate(entries):
            if not isinstance(item, dict):
                problems.append(Problem(name, None, None, None, f"{key}[{i}]: expected an object"))
                continue
            lines.append(len(items) + (not after_title))
            items.append(item)
            places.append(f"{key}[{i}]")
            kinds.append(kind)
    if problems:
        raise DataError(problems)
    meta = doc.get(EXTENSION)
    return _json_cells(items, lines, places, kinds), meta if isinstance(meta, dict) else {}


def _json_cells(items: list[dict], lines: list[int], places: list[str], kinds: list[str]) -> Slides:
    """The slides' fields a list at a time (``map`` runs each pass in C)."""
    texts, media, starts, ends = (
        _objects(_field(items, key)) for key in ("text", "media", "start_date", "end_date")
    )
    displays = [
        i.get("display_date") or d.get("display_date")
        for i, d in zip(items, starts or [_NOTHING] * len(items), strict=True)
    ]
    sources = _cell_sources(starts, ends, texts, media, items)
    # A field no slide has (media, say, or the end of every slide) is "" without a pass.
    cells = {
        name: _texts(_field(objects, key)) if objects is not None else [""] * len(items)
        for name, (objects, key) in sources.items()
    }
    cells["display_date"] = _texts(displays)
    extension = [e if type(e) is dict and e else _NOTHING for e in _field(items, EXTENSION)]
    for i in (i for i, e in enumerate(extension) if e):
        # Written by timeline convert: the rest of the slide is ours, said again for TimelineJS.
        for key, values in cells.items():
            values[i] = values[i] if key in _OURS_KEPT else ""
    return Slides(lines, places, kinds, cells, extension)


def _field(objects: list[dict], key: str) -> list:
    return list(map(dict.get, objects, repeat(key)))


def _objects(values: list) -> list[dict] | None:
    """Each value that is an object, else the empty one; None when no value is an object."""
    if set(map(type, values)) <= {type(None)}:
        return None
    return [v if type(v) is dict else _NOTHING for v in values]


def _texts(values: list) -> list[str]:
    """``_text`` of each value: in one pass when they are all text (or all whole numbers)."""
    types = set(map(type, values))
    if types <= {str}:
        return list(map(str.strip, values))
    if types == {type(None)}:
        return [""] * len(values)  # a field every slide leaves out (their end's months)
    if types <= {str, type(None)}:
        return ["" if v is None else v.strip() for v in values]
    if types <= {int, type(None)}:
        # Dates' parts: a few hundred numbers among many slides, each made text once.
        texts = {v: _text(v) for v in set(values)}
        return list(map(texts.__getitem__, values))
    return [_text(v) for v in values]


def _ours_frame(doc: dict) -> tuple[pd.DataFrame, dict[str, str]] | None:
    """A file ``timeline convert`` wrote, read a column at a time; None for any other file.

    Every slide carries our object with text values in range, so nothing needs to be said
    about a slide: anything else goes the slide-by-slide way, which explains each problem.
    """
    events, eras = doc.get("events"), doc.get("eras") or []
    meta = doc.get(EXTENSION)
    if not (events and isinstance(eras, list) and isinstance(meta, dict)):
        return None
    items = events + eras
    if not all(type(i) is dict and type(i.get(EXTENSION)) is dict for i in items):
        return None
    if not all(type(i.get("text")) is dict for i in items):
        return None
    ours = [i[EXTENSION] for i in items]
    columns = {k: [o.get(k, "") for o in ours] for k in EXTENSION_FIELDS}
    columns["themes"] = [";".join(t) if type(t) is list else t for t in columns["themes"]]
    columns["title"] = [i["text"].get("headline", "") for i in items]
    columns["id"] = [i.get("unique_id", "") for i in items]
    if any(set(map(type, column)) - {str} for column in columns.values()):
        return None
    for column in ("start", "end"):
        years = {_integer(v[:4].replace("X", "0")) for v in columns[column] if v}
        if any(y is None or not FIRST_YEAR <= y <= LAST_YEAR for y in years):
            return None
    if len(set(columns["id"])) != len(items) or not all(map(_SLUG.match, columns["id"])):
        return None
    columns["title"] = [_one_line(t) for t in columns["title"]]
    columns["kind"] = ["event"] * len(events) + ["era"] * len(eras)
    columns["source"] = [s or NO_SOURCE for s in columns["source"]]
    labels = _theme_labels(meta, set(columns["themes"]))
    return _frame(columns, range(1, len(items) + 1)), labels


def _frame(columns: dict[str, list[str]], lines) -> pd.DataFrame:
    """The text columns and ``line``, through Arrow as the CSV reader does: the same column
    types, built in C. A column no slide fills is left out, as a CSV may leave it out: the
    checks fill it with "" and skip its column checks, which "" always passes."""
    given = [c for c in COLUMNS if c in REQUIRED_COLUMNS or any(columns[c])]
    table = pa.table(
        {
            # large_string: the type pandas keeps its text in (no cast on the way)
            **{c: pa.array(columns[c], type=pa.large_string()) for c in given},
            "line": pa.array(lines, type=pa.int64()),
        }
    )
    return table.to_pandas()


def _theme_labels(meta: dict, cells: set[str]) -> dict[str, str]:
    """The declared theme labels, in lane order, then any other theme the cells name."""
    declared = meta.get("theme_labels")
    labels = {str(k): str(v) for k, v in declared.items()} if isinstance(declared, dict) else {}
    for cell in sorted(cells):
        for theme in filter(None, map(str.strip, cell.split(";"))):
            labels.setdefault(theme, theme.replace("-", " ").capitalize())
    return labels


def _text(value) -> str:
    if type(value) is str:
        return value.strip()
    if value is None or isinstance(value, (dict, list, bool)):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _table(
    name: str, slides: Slides, meta: dict
) -> tuple[pd.DataFrame, dict[str, str], list[Problem]]:
    """The slides as rows of text columns, the theme labels (lane order), and the problems."""
    cells, problems = slides.cells, []
    columns = {c: [""] * len(slides.line) for c in COLUMNS}
    columns["kind"] = slides.kind
    columns["title"], columns["summary"] = _titles_and_summaries(cells, slides.kind)
    credits, credit_links = html_texts_and_links(cells["credit"])
    columns["source"] = [text or NO_SOURCE for text in credits]
    # The media's link, else the credit's first: most slides have no media to look at.
    columns["url"] = [
        (media and web_link(media)) or (links[0] if links else "")
        for media, links in zip(cells["media"], credit_links, strict=True)
    ]
    columns["date_note"] = _one_lines(cells["display_date"])
    for column, prefix in (("start", ""), ("end", "end_")):
        parts = [cells[prefix + part] for part in ("year", "month", "day")]
        columns[column] = _date_column(name, slides.line, column, parts, problems)
    for i in (i for i, extension in enumerate(slides.extension) if extension):
        # Written by timeline convert: our own fields, no HTML to read.
        row = dict.fromkeys(COLUMNS, "")
        row["kind"], row["title"] = slides.kind[i], _one_line(cells["headline"][i])
        _apply_extension(name, slides.line[i], slides.extension[i], row, problems)
        for column, value in row.items():
            columns[column][i] = value
    labels = _group_themes(meta, slides, columns["themes"])
    columns["id"] = _ids(cells["unique_id"], columns["start"], columns["title"])
    problems.sort(key=lambda p: p.line)  # stable: a slide's problems in the order found
    return _frame(columns, slides.line), labels, problems


def _titles_and_summaries(cells: dict, kinds: list[str]) -> tuple[list[str], list[str]]:
    """Headlines as titles, and the text (or the caption, when there is none) as summaries."""
    titles = _one_lines(cells["headline"])
    summaries = html_texts(cells["text"])
    captions = cells["caption"]
    missing = [i for i, summary in enumerate(summaries) if not summary and captions[i]]
    for i, caption in zip(missing, html_texts([captions[i] for i in missing]), strict=True):
        summaries[i] = caption
    for i in [i for i, title in enumerate(titles) if len(title) > TITLE_MAX]:
        # Shortened at a word for lanes and lists; the whole headline opens the summary.
        title, summary = titles[i], summaries[i]
        summaries[i] = f"{title}\n\n{summary}" if summary else title
        titles[i] = title[: TITLE_MAX - 1].rsplit(" ", 1)[0].rstrip(" ,;:") + "…"
    no_text = {"event": NO_TEXT}
    return titles, [s or no_text.get(k, "") for s, k in zip(summaries, kinds, strict=True)]


def _date_column(
    name: str, lines: list[int], column: str, parts: list[list[str]], problems: list[Problem]
) -> list[str]:
    """TimelineJS date parts (years, months, days) as this project's date texts, noting problems.

    Each distinct year, month and day is read once (a few hundred among many rows); ``edtf``
    reads any row where one of them is not plain digits in range, and says what is wrong.
    """
    years, months, days = parts
    # "?" for a part edtf must read; a day without a month is one too.
    year_text = {v: _digits(v, FIRST_YEAR, LAST_YEAR, "{:04d}") for v in set(years)}
    if any(months) or any(days):
        month_day = {
            (m, d): "?"
            if d and not m
            else _digits(m, 1, 12, "-{:02d}") + _digits(d, 1, 31, "-{:02d}")
            for m, d in set(zip(months, days, strict=True))
        }
        later = map(month_day.get, zip(months, days, strict=True))
        texts = list(map(add, map(year_text.get, years), later))
    else:  # years alone, as most end dates are
        month_day, texts = {}, list(map(year_text.get, years))
    # A month or day without a year starts with "-". Rows are looked at one by one only when
    # a distinct part or a scan of them all says that some row needs edtf.
    distinct = "".join(year_text.values()) + "".join(month_day.values())
    if "?" not in distinct and "\x00-" not in "\x00" + "\x00".join(texts):
        return texts
    for i in [i for i, text in enumerate(texts) if "?" in text or text[:1] == "-"]:
        given = [p[i] for p in parts]
        texts[i], expected = edtf(*given)
        if expected:
            named = zip(("year", "month", "day"), given, strict=True)
            shown = " ".join(f"{k} {v}" for k, v in named if v)
            problems.append(Problem(name, lines[i], column, shown or None, expected))
    return texts


def _digits(value: str, low: int, high: int, form: str) -> str:
    """'' for '', the number in ``form`` when ``value`` is plain digits from low to high, else
    '?' (for ``edtf`` to read)."""
    if not value:
        return ""
    if not (value.isascii() and value.isdigit() and low <= int(value) <= high):
        return "?"
    return form.format(int(value))


def _group_themes(meta: dict, slides: Slides, themes: list[str]) -> dict[str, str]:
    """Each event without themes in its group's lane (slugified); the labels, in lane order."""
    declared = meta.get("theme_labels")
    labels = {str(k): str(v) for k, v in declared.items()} if isinstance(declared, dict) else {}
    slug_of = {label: slug for slug, label in labels.items()}
    lane_of: dict[str, str] = {}  # a group as given: its lane
    groups = slides.cells["group"]
    grouped = [
        kind == "event" and not theme for kind, theme in zip(slides.kind, themes, strict=True)
    ]
    for group in dict.fromkeys(compress(groups, grouped)):  # in the order they come
        label = _one_line(group) or UNGROUPED[1]
        if label not in slug_of:
            slug = UNGROUPED[0] if not group else slugify(label)
            slug_of[label] = slug or f"group-{len(slug_of) + 1}"
            labels.setdefault(slug_of[label], label)
        lane_of[group] = slug_of[label]
    themes[:] = [
        lane_of[group] if lane else theme
        for group, lane, theme in zip(groups, grouped, themes, strict=True)
    ]
    for cell in dict.fromkeys(themes):  # a few hundred combinations among many rows
        for theme in filter(None, map(str.strip, cell.split(";"))):
            labels.setdefault(theme, theme.replace("-", " ").capitalize())
    return labels


# What a TimelineJS slide has no place for, kept in its ``relations_timeline`` object.
EXTENSION_FIELDS = tuple(c for c in COLUMNS if c not in ("id", "kind", "title"))
_BLANKS = ("",) * len(EXTENSION_FIELDS)


def _apply_extension(
    name: str, line: int, extension: dict, row: dict, problems: list[Problem]
) -> None:
    """Our own fields, written by ``timeline convert``: they replace what the slide says."""
    # map and zip run in C: this runs once per slide of a file we wrote.
    values = dict(zip(EXTENSION_FIELDS, map(extension.get, EXTENSION_FIELDS, _BLANKS), strict=True))
    themes = values["themes"]
    if type(themes) is list and set(map(type, themes)) <= {str}:
        values["themes"] = ";".join(themes)
    if set(map(type, values.values())) == {str}:
        row.update(values)  # the usual case: every value is text (the checks strip it)
        values = {}
    for key, value in values.items():
        if type(value) is str:
            row[key] = value.strip()
            continue
        if key == "themes" and isinstance(value, list):
            value = ";".join(str(v) for v in value)
        if isinstance(value, (dict, list, bool)) or value is None:
            expected = f"{EXTENSION}.{key} must be text or a number"
            problems.append(Problem(name, line, key, None, expected))
            continue
        row[key] = _text(value)
    row["source"] = row["source"] or NO_SOURCE
    for column in ("start", "end"):
        year = _integer(row[column][:4].replace("X", "0")) if row[column] else None
        if year is not None and not FIRST_YEAR <= year <= LAST_YEAR:
            problems.append(Problem(name, line, column, row[column], _OUT_OF_RANGE))
            row[column] = ""


def _ids(given: list[str], starts: list[str], titles: list[str]) -> list[str]:
    """The slide's unique_id when it is a usable slug, else one made from its year and title."""
    distinct = set(given)
    joined = "\n".join(distinct)
    if "" not in distinct and joined.count("\n") == len(distinct) - 1 and _SLUGS.fullmatch(joined):
        slugs = distinct  # each a slug, seen in one match of them all (a line each)
    else:
        slugs = {g for g in distinct if g and _SLUG.match(g)}
    if len(slugs) == len(given):
        return list(given)  # each slide names its own, as a file we wrote does
    made = _id_bases([i for i, g in enumerate(given) if g not in slugs], starts, titles)
    if not slugs and len(set(made.values())) == len(given):
        return list(made.values())  # each made, none the same (as a sheet's usually are)
    ids, seen = [], set()
    for i, wanted in enumerate(given):
        if wanted in seen or wanted not in slugs:
            base = made.get(i) or _id_bases([i], starts, titles)[i]
            wanted, n = base, 1
            while wanted in seen:
                n += 1
                wanted = f"{base}-{n}"
        seen.add(wanted)
        ids.append(wanted)
    return ids


def _id_bases(rows: list[int], starts: list[str], titles: list[str]) -> dict[int, str]:
    """``slugify`` of each row's year and title, shortened at a word to 60 characters.

    At once for ASCII text, where it is the same as ``slugify``: every character but a-z and
    0-9 to "-" in one ``translate`` of all the texts (a line each), then runs of "-" to one.
    """
    texts = [f"{starts[i][:4]} {titles[i]}" for i in rows]
    joined = "\n".join(texts)
    if joined.count("\n") == len(texts) - 1 and joined.isascii():
        # As bytes: to lower case and every other byte to "-" in one translate.
        slugged = joined.encode("ascii").translate(_SLUG_BYTES)
        while b"--" in slugged:  # runs of "-" to one: a pass halves each (faster than a regex)
            slugged = slugged.replace(b"--", b"-")
        bases = {}
        for i, slug in zip(rows, slugged.decode("ascii").split("\n"), strict=True):
            base = slug.strip("-") or "event"
            bases[i] = base if len(base) <= 60 else base[:61].rsplit("-", 1)[0]
        return bases
    if joined.count("\n") == len(texts) - 1:  # no text holds a line break of its own
        slugs = _DASHES.sub("-", joined.lower().translate(_NOT_SLUG)).split("\n")
    else:
        slugs = [slugify(text) for text in texts]
    bases = {}
    for i, text, slug in zip(rows, texts, slugs, strict=True):
        base = (slug.strip("-") if text.isascii() else slugify(text)) or "event"
        bases[i] = base if len(base) <= 60 else base[:61].rsplit("-", 1)[0]
    return bases


# ASCII but a-z, 0-9 and the line break that separates texts, to "-" (``_id_bases``).
_NOT_SLUG = {c: "-" for c in range(128) if not (chr(c).isdigit() or chr(c).islower() or c == 10)}
_DASHES = re.compile("--+")
# The same for ASCII bytes, upper case to lower: 256 bytes for bytes.translate.
_SLUG_BYTES = (
    bytes(
        c if chr(c).isdigit() or chr(c).islower() or c == 10 else c + 32 if chr(c).isupper() else 45
        for c in range(128)
    )
    + b"-" * 128
)


def edtf(year: str, month: str = "", day: str = "") -> tuple[str, str | None]:
    """TimelineJS date parts as this project's date text, or what is wrong with them.

    ``('1971', '7', '')`` -> ``('1971-07', None)``; the day's validity is left to the date
    parser, which says 'no such day in that month'.
    """
    if not year:
        return "", ("a Day needs a Month and a Year" if month or day else None)
    number = _integer(year)
    if number is None:
        return "", "Year must be a whole number"
    if not FIRST_YEAR <= number <= LAST_YEAR:
        return "", _OUT_OF_RANGE
    text = f"{number:04d}"
    if not month:
        return text, ("a Day needs a Month" if day else None)
    m = _integer(month)
    if m is None or not 1 <= m <= 12:
        return "", "Month must be a whole number from 1 to 12"
    text += f"-{m:02d}"
    if not day:
        return text, None
    d = _integer(day)
    if d is None or not 1 <= d <= 31:
        return "", "Day must be a whole number from 1 to 31"
    return f"{text}-{d:02d}", None


def _integer(text: str) -> int | None:
    try:
        return int(text)
    except ValueError:
        pass
    try:
        number = float(text)
    except ValueError:
        return None
    return int(number) if number.is_integer() else None


def _one_lines(htmls: list[str]) -> list[str]:
    """``_one_line`` of each: the cells themselves when none holds markup, an entity, a line
    break or a run of spaces (as most headlines and display dates do), seen in a few scans of
    them all."""
    joined = "\x00".join(htmls)
    if any(c in joined for c in ("<", "&", "\n", "  ")):
        return list(map(_one_line, htmls))
    return list(map(str.strip, htmls))


def _one_line(html: str) -> str:
    if "<" not in html and "&" not in html and "\n" not in html and "  " not in html:
        return html.strip()
    return " ".join(html_to_text(html).split())


def _info(
    path: Path, title: tuple[str, str] | None, meta: dict, labels: dict[str, str]
) -> DatasetInfo:
    """The dataset's title (the title slide's headline), its text, and the theme labels."""
    headline, text = title or ("", "")
    paragraphs = html_to_text(text).split("\n\n") if title else []
    fallback = path.stem.replace("_", " ").replace("-", " ").strip().capitalize() or "Timeline"
    name = _one_line(headline) or fallback

    def given(key: str, default):
        value = meta.get(key)
        return value if isinstance(value, type(default)) and value else default

    return DatasetInfo(
        title=name,
        subtitle=given("subtitle", paragraphs[0] if paragraphs else ""),
        slug=slugify(given("slug", "")) or slugify(name) or "timeline",
        about=given("about", "\n\n".join(paragraphs[1:])),
        source=given("source", {}),
        cited=given("cited", {}),
        theme_labels=labels,
        tone_coded=bool(meta.get("tone_coded", False)),
    )
