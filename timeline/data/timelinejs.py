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
from dataclasses import dataclass, field, replace
from pathlib import Path

import pandas as pd
import pyarrow as pa

from timeline.data.fields import COLUMNS, SLUG, TITLE_MAX, slugify
from timeline.data.html_text import html_links, html_to_text, is_web_link
from timeline.data.info import DatasetInfo
from timeline.data.problems import DataError, Problem, file_error
from timeline.data.read import decode, max_bytes, read_bytes

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
NO_SOURCE = "no source given"
NO_TEXT = "no text given"
UNGROUPED = ("events", "Events")  # the lane of slides that name no group
# The years the chart can draw: pandas' timestamps (nanoseconds) hold 1677-09-21 to 2262-04-11.
FIRST_YEAR, LAST_YEAR = pd.Timestamp.min.year + 1, pd.Timestamp.max.year - 1
_SNIFF_BYTES = 65536
_SLUG = re.compile(SLUG)
_OUT_OF_RANGE = (
    f"TimelineJS allows it, but this timeline draws only years {FIRST_YEAR}–{LAST_YEAR}"
    " (what pandas' timestamps hold): change the date or leave the row out"
)


def timelinejs_format(path: Path) -> str | None:
    """'json' or 'sheet' when ``path`` is a TimelineJS file, else None (this project's CSV).

    By the extension, and for a ``.csv`` by its header: the template's Year and Headline.
    """
    suffix = path.suffix.lower()
    if suffix == ".json":
        return "json"
    if suffix == ".xlsx":
        return "sheet"
    try:
        with path.open("rb") as handle:
            head = handle.read(_SNIFF_BYTES)
    except OSError:
        return None  # the CSV reader says what is wrong with the path
    first_line = head.removeprefix(b"\xef\xbb\xbf").split(b"\n", 1)[0]
    try:
        header = next(csv.reader([first_line.decode("utf-8", "replace")]), [])
    except csv.Error:
        return None
    names = {c.strip().lower() for c in header}
    return "sheet" if {"year", "headline"} <= names else None


@dataclass
class Slide:
    """One TimelineJS slide, whichever file it came from, with its cells as given."""

    line: int  # the row's line (sheet) or position (JSON, 1-based), for ordering problems
    place: str  # where a JSON's slide is ("events[3]"); a sheet's line number says it
    kind: str  # "event", "era" or "title"
    start: tuple = ("", "", "")  # year, month, day
    end: tuple = ("", "", "")
    display_date: str = ""
    headline: str = ""
    text: str = ""
    media: str = ""
    credit: str = ""
    caption: str = ""
    group: str = ""
    unique_id: str = ""
    extension: dict = field(default_factory=dict)


def read_timelinejs(path: Path) -> tuple[pd.DataFrame, DatasetInfo, Callable]:
    """The file's slides as an events table of text columns (plus ``line``), the dataset's
    metadata, and a function that turns problems found in the table into a DataError naming
    each problem's slide."""
    name = str(path)
    data = read_bytes(path)  # the size limit holds before anything is parsed
    fmt = timelinejs_format(path)
    ours = None
    if fmt == "json":
        doc = _json_document(name, data)
        ours = _ours_frame(doc)
        slides, meta = _json_slides(name, doc, title_only=ours is not None)
    elif path.suffix.lower() == ".xlsx":
        slides, meta = _sheet_slides(name, _xlsx_rows(name, data)), {}
    else:
        slides, meta = _sheet_slides(name, _csv_rows(name, decode(name, data))), {}
    if ours is None:
        frame, labels, problems = _table(name, [s for s in slides if s.kind != "title"], meta)
    else:
        frame, labels, problems = *ours, []

    def located(found: list[Problem]) -> DataError:
        # A JSON's "lines" are its slides' positions: name the slide instead.
        every = _json_slides(name, doc)[0] if ours is not None else slides
        places = {s.line: _place(s) for s in every}
        json_file = fmt == "json"
        return DataError(
            [
                replace(p, line=None if json_file else p.line, place=places.get(p.line, p.place))
                for p in found
            ]
        )

    if problems:
        raise located(problems)
    info = _info(path, next((s for s in slides if s.kind == "title"), None), meta, labels)
    return frame, info, located


def _place(slide: Slide) -> str:
    """'events[3], ‘Salala: NATO air attack…’': where a person finds the slide."""
    headline = _one_line(slide.headline)
    headline = headline if len(headline) <= 40 else headline[:39].rstrip() + "…"
    quoted = f"‘{headline}’" if headline else ""
    return ", ".join(p for p in (slide.place, quoted) if p)


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
    import openpyxl  # only a workbook needs it

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
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        rows = list(book.worksheets[0].iter_rows(values_only=True)) if book.worksheets else []
        book.close()
    except (zipfile.BadZipFile, OSError, KeyError, ValueError, TypeError, IndexError) as exc:
        raise file_error(name, f"not a readable XLSX workbook ({exc})") from None
    for number, row in enumerate(rows, start=1):
        yield number, [_cell(v) for v in row]


def _cell(value) -> str:
    """A spreadsheet cell as the text a person typed: 1971, not 1971.0."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _sheet_slides(name: str, rows) -> list[Slide]:
    header, slides = None, []
    for line, row in rows:
        if not any(c.strip() for c in row):
            continue
        if header is None:
            header = {c.strip().lower(): i for i, c in enumerate(row) if c.strip()}
            missing = [c for c in ("Year", "Headline") if c.lower() not in header]
            if missing:
                expected = "a TimelineJS sheet needs the template's columns: " + ", ".join(
                    SHEET_COLUMNS
                )
                raise DataError([Problem(name, line, c, None, expected) for c in missing])
            continue

        slides.append(_sheet_slide(header, line, row))
    if header is None:
        raise file_error(name, "the file is empty; expected the TimelineJS template's header")
    return slides


def _sheet_slide(header: dict[str, int], line: int, row: list[str]) -> Slide:
    def cell(column: str) -> str:
        i = header.get(column.lower())
        return row[i].strip() if i is not None and i < len(row) else ""

    kind = cell("Type").lower()
    return Slide(
        line=line,
        place="",  # the line number says where
        kind=kind if kind in ("title", "era") else "event",
        start=(cell("Year"), cell("Month"), cell("Day")),
        end=(cell("End Year"), cell("End Month"), cell("End Day")),
        display_date=cell("Display Date"),
        headline=cell("Headline"),
        text=cell("Text"),
        media=cell("Media"),
        credit=cell("Media Credit"),
        caption=cell("Media Caption"),
        group=cell("Group"),
    )


def _json_document(name: str, data: bytes) -> dict:
    try:
        doc = json.loads(data)
    except UnicodeDecodeError:
        raise file_error(name, "not UTF-8 text; save the JSON as UTF-8") from None
    except json.JSONDecodeError as exc:
        raise file_error(name, f"not valid JSON: {exc.msg}", line=exc.lineno) from None
    if not isinstance(doc, dict) or not isinstance(doc.get("events", []), list):
        raise file_error(name, 'expected a TimelineJS object: {"title": ..., "events": [...]}')
    return doc


def _json_slides(name: str, doc: dict, *, title_only: bool = False) -> tuple[list[Slide], dict]:
    slides, problems = [], []
    title = doc.get("title")
    if isinstance(title, dict):
        slides.append(_json_slide(title, 0, "title", "title"))
    groups = () if title_only else (("events", "event"), ("eras", "era"))
    for key, kind in groups:
        items = doc.get(key) or []
        if not isinstance(items, list):
            problems.append(Problem(name, None, None, None, f"'{key}' must be a list of slides"))
            continue
        for i, item in enumerate(items):
            place = f"{key}[{i}]"
            if not isinstance(item, dict):
                problems.append(Problem(name, None, None, None, f"{place}: expected an object"))
                continue
            # Events from 1, then eras: the lines _ours_frame gives them too (the title is 0).
            line = len(slides) + (not slides or slides[0].kind != "title")
            slides.append(_json_slide(item, line, place, kind))
    if problems:
        raise DataError(problems)
    meta = doc.get(EXTENSION)
    return slides, meta if isinstance(meta, dict) else {}


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
    table = pa.table(
        {
            **{c: pa.array(columns[c], type=pa.string()) for c in COLUMNS},
            "line": pa.array(range(1, len(items) + 1), type=pa.int64()),
        }
    )
    return table.to_pandas(), labels


def _theme_labels(meta: dict, cells: set[str]) -> dict[str, str]:
    """The declared theme labels, in lane order, then any other theme the cells name."""
    declared = meta.get("theme_labels")
    labels = {str(k): str(v) for k, v in declared.items()} if isinstance(declared, dict) else {}
    for cell in sorted(cells):
        for theme in filter(None, map(str.strip, cell.split(";"))):
            labels.setdefault(theme, theme.replace("-", " ").capitalize())
    return labels


def _json_slide(item: dict, line: int, place: str, kind: str) -> Slide:
    text = item.get("text") if isinstance(item.get("text"), dict) else {}
    extension = item.get(EXTENSION)
    if isinstance(extension, dict) and extension:
        # Written by timeline convert: the rest of the slide is ours, said again for TimelineJS.
        headline = _text(text.get("headline"))
        unique_id = _text(item.get("unique_id"))
        return Slide(line, place, kind, headline=headline, unique_id=unique_id, extension=extension)
    media = item.get("media") if isinstance(item.get("media"), dict) else {}
    start = _date_parts(item.get("start_date"))
    display = item.get("display_date") or _date_field(item.get("start_date"), "display_date")
    return Slide(
        line=line,
        place=place,
        kind=kind,
        start=start,
        end=_date_parts(item.get("end_date")),
        display_date=_text(display),
        headline=_text(text.get("headline")),
        text=_text(text.get("text")),
        media=_text(media.get("url")),
        credit=_text(media.get("credit")),
        caption=_text(media.get("caption")),
        group=_text(item.get("group")),
        unique_id=_text(item.get("unique_id")),
    )


def _date_parts(value) -> tuple[str, str, str]:
    if not isinstance(value, dict):
        return ("", "", "")
    return tuple(_date_field(value, k) for k in ("year", "month", "day"))


def _date_field(value, key: str) -> str:
    return _text(value.get(key)) if isinstance(value, dict) else ""


def _text(value) -> str:
    if type(value) is str:
        return value.strip()
    if value is None or isinstance(value, (dict, list, bool)):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _table(
    name: str, slides: list[Slide], meta: dict
) -> tuple[pd.DataFrame, dict[str, str], list[Problem]]:
    """The slides as rows of text columns, the theme labels (lane order), and the problems."""
    declared = meta.get("theme_labels")
    labels = {str(k): str(v) for k, v in declared.items()} if isinstance(declared, dict) else {}
    slug_of = {label: slug for slug, label in labels.items()}
    rows, problems, cells = [], [], set()
    for slide in slides:
        row = _row(name, slide, problems)
        if slide.kind == "event" and not row["themes"]:
            label = _one_line(slide.group) or UNGROUPED[1]
            if label not in slug_of:
                slug = UNGROUPED[0] if not slide.group else slugify(label)
                slug_of[label] = slug or f"group-{len(slug_of) + 1}"
                labels.setdefault(slug_of[label], label)
            row["themes"] = slug_of[label]
        if row["themes"] not in cells:  # a few hundred combinations among many rows
            cells.add(row["themes"])
            for theme in filter(None, map(str.strip, row["themes"].split(";"))):
                labels.setdefault(theme, theme.replace("-", " ").capitalize())
        rows.append(row)
    _assign_ids(rows, slides)
    # Through Arrow, as the CSV reader does: the same column types, built in C.
    table = pa.table(
        {
            **{c: pa.array([r[c] for r in rows], type=pa.string()) for c in COLUMNS},
            "line": pa.array([r["line"] for r in rows], type=pa.int64()),
        }
    )
    return table.to_pandas(), labels, problems


def _row(name: str, slide: Slide, problems: list[Problem]) -> dict:
    """One slide as a row of the events table (text cells), noting its date problems."""
    row = dict.fromkeys(COLUMNS, "")
    row["line"] = slide.line
    row["kind"] = slide.kind
    row["title"] = _one_line(slide.headline)
    if slide.extension:
        # Written by timeline convert: our own fields, no HTML to read.
        _apply_extension(name, slide, row, problems)
        return row
    summary = html_to_text(slide.text) or html_to_text(slide.caption)
    if len(row["title"]) > TITLE_MAX:
        # Shortened at a word for lanes and lists; the whole headline opens the summary.
        summary = f"{row['title']}\n\n{summary}" if summary else row["title"]
        row["title"] = row["title"][: TITLE_MAX - 1].rsplit(" ", 1)[0].rstrip(" ,;:") + "…"
    row["summary"] = summary or (NO_TEXT if slide.kind == "event" else "")
    row["source"] = html_to_text(slide.credit) or NO_SOURCE
    links = [slide.media] if is_web_link(slide.media) else html_links(slide.credit)
    row["url"] = links[0] if links else ""
    row["date_note"] = _one_line(slide.display_date)
    for column, parts in (("start", slide.start), ("end", slide.end)):
        row[column], expected = edtf(*parts)
        if expected:
            named = zip(("year", "month", "day"), parts, strict=True)
            shown = " ".join(f"{k} {v}" for k, v in named if v)
            problems.append(Problem(name, slide.line, column, shown or None, expected))
    return row


# What a TimelineJS slide has no place for, kept in its ``relations_timeline`` object.
EXTENSION_FIELDS = tuple(c for c in COLUMNS if c not in ("id", "kind", "title"))
_BLANKS = ("",) * len(EXTENSION_FIELDS)


def _apply_extension(name: str, slide: Slide, row: dict, problems: list[Problem]) -> None:
    """Our own fields, written by ``timeline convert``: they replace what the slide says."""
    extension = slide.extension
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
            problems.append(Problem(name, slide.line, key, None, expected))
            continue
        row[key] = _text(value)
    row["source"] = row["source"] or NO_SOURCE
    for column in ("start", "end"):
        year = _integer(row[column][:4].replace("X", "0")) if row[column] else None
        if year is not None and not FIRST_YEAR <= year <= LAST_YEAR:
            problems.append(Problem(name, slide.line, column, row[column], _OUT_OF_RANGE))
            row[column] = ""


def _assign_ids(rows: list[dict], slides: list[Slide]) -> None:
    """The slide's unique_id when it is a usable slug, else one made from its year and title."""
    seen: set[str] = set()
    for row, slide in zip(rows, slides, strict=True):
        given = slide.unique_id
        if not (given and given not in seen and _SLUG.match(given)):
            base = slugify(f"{row['start'][:4]} {row['title']}") or "event"
            base = base if len(base) <= 60 else base[:61].rsplit("-", 1)[0]
            given, n = base, 1
            while given in seen:
                n += 1
                given = f"{base}-{n}"
        seen.add(given)
        row["id"] = given


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


def _one_line(html: str) -> str:
    if "<" not in html and "&" not in html and "\n" not in html and "  " not in html:
        return html.strip()
    return " ".join(html_to_text(html).split())


def _info(path: Path, title: Slide | None, meta: dict, labels: dict[str, str]) -> DatasetInfo:
    """The dataset's title (the title slide's headline), its text, and the theme labels."""
    paragraphs = html_to_text(title.text).split("\n\n") if title else []
    fallback = path.stem.replace("_", " ").replace("-", " ").strip().capitalize() or "Timeline"
    name = (_one_line(title.headline) if title else "") or fallback

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


def unsourced_warning(dataset) -> str:
    """'3 events have no source (shown as “no source given”)', or '' when every row has one."""
    count = int(dataset.events["source"].eq(NO_SOURCE).sum())
    if not count:
        return ""
    rows = "row has" if count == 1 else "rows have"
    return f"{count} {rows} no source (shown as “{NO_SOURCE}”): name one in each row's source"
