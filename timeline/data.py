"""Read and validate an events CSV (and its metadata) into a typed DataFrame.

Every problem found is collected and reported together, each naming the file, line, column, the
bad value and what was expected, so one run of ``timeline validate`` is enough to fix a file.
"""

from __future__ import annotations

import csv
import io
import os
import re
import tomllib
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path

import numpy as np
import pandas as pd
import pandera.pandas as pa
import pyarrow.compute as pc
from pyarrow import ArrowException
from pyarrow import BufferReader as pa_BufferReader
from pyarrow import array as pa_array
from pyarrow import csv as pa_csv
from pyarrow import default_memory_pool as pa_memory_pool
from pyarrow import py_buffer as pa_py_buffer
from pyarrow import scalar as pa_scalar
from pyarrow import string as pa_string

from timeline.cameo import cameo_codes, goldstein
from timeline.dates import parse_dates

COLUMNS = (
    "id",
    "kind",
    "start",
    "end",
    "title",
    "label",
    "summary",
    "themes",
    "cameo",
    "tone",
    "tone_note",
    "importance",
    "commentary",
    "callout",
    "cited",
    "cited_from",
    "source",
    "url",
    "date_note",
)
REQUIRED_COLUMNS = ("id", "start", "title", "source")
KINDS = ("event", "era")
TITLE_MAX = 90
LABEL_MAX = 40
CALLOUT_MAX = 120
DEFAULT_MAX_BYTES = 1024**3
SLUG = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
_CONTROL = r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]"
# What Python's \s matches, as the characters themselves: pandas hands a pattern with \s (or a
# \u escape) to Python's re one cell at a time, where pyarrow's RE2 runs the whole column at once.
_WHITESPACE = "".join(c for c in map(chr, range(0x3001)) if c.isspace())
_MAX_SHOWN = 50


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a data file, located precisely enough to fix it."""

    path: str
    line: int | None
    column: str | None
    value: str | None
    expected: str

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        what = f"column '{self.column}'" if self.column else ""
        if self.value is not None:
            shown = self.value if len(self.value) <= 60 else self.value[:57] + "..."
            what = f"{what}: {shown!r}" if what else repr(shown)
        return f"{where}: {what} — {self.expected}" if what else f"{where}: {self.expected}"


class DataError(Exception):
    """A data file that cannot be used, with every problem found in it."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__(self.message)

    @property
    def message(self) -> str:
        count = len(self.problems)
        head = f"{self.problems[0].path}: {count} problem{'s' if count != 1 else ''} found"
        lines = [str(p) for p in self.problems[:_MAX_SHOWN]]
        if count > _MAX_SHOWN:
            lines.append(f"... and {count - _MAX_SHOWN} more")
        return "\n".join([head, *("  " + line for line in lines)])


@dataclass(frozen=True)
class DatasetInfo:
    """What a dataset is about and where its commentary comes from (``<csv>.toml``)."""

    title: str
    subtitle: str = ""
    slug: str = "timeline"
    countries: tuple[str, ...] = ()
    about: str = ""
    source: dict = field(default_factory=dict)
    cited: dict = field(default_factory=dict)
    theme_labels: dict[str, str] = field(default_factory=dict)

    @property
    def attribution(self) -> str:
        """One line naming the article the commentary comes from."""
        src = self.source
        parts = [f"‘{src['title']}’" if src.get("title") else "", src.get("author", "")]
        parts += [src.get("publisher", ""), str(src.get("date", ""))]
        return ", ".join(p for p in parts if p)

    @property
    def author_short(self) -> str:
        """The commentary author's name as a quote is signed: 'Saleem Qamar Butt'."""
        author = self.source.get("author", "")
        return re.sub(r"^(Brigadier|Brig\.|Gen\.|General|Dr\.?)\s+|\s*\(.*\)$", "", author).strip()


@dataclass(frozen=True)
class Dataset:
    """A validated events table with its metadata and theme lanes."""

    events: pd.DataFrame
    info: DatasetInfo
    themes: tuple[str, ...]
    path: str = ""

    def theme_label(self, theme: str) -> str:
        return self.info.theme_labels.get(theme) or theme.replace("-", " ").capitalize()

    @cached_property
    def theme_masks(self) -> dict[str, np.ndarray]:
        """For each theme, which rows of ``events`` carry it (computed once, used by filters)."""
        codes, combos = theme_combinations(self.events["themes"])
        return {t: np.array([t in c for c in combos], dtype=bool)[codes] for t in self.themes}

    @cached_property
    def event_ids(self) -> frozenset[str]:
        return frozenset(self.events["id"])

    @cached_property
    def search_text(self) -> pd.Series:
        """Title, summary, commentary and quoted passage, lower-cased, for text search."""
        ev = self.events
        columns = [pa_array(ev[c]) for c in ("title", "summary", "commentary", "cited")]
        # One pass in Arrow, without the intermediate joins '+' would make.
        newline = pa_scalar("\n", type=columns[0].type)
        lowered = pc.utf8_lower(pc.binary_join_element_wise(*columns, newline))
        pa_memory_pool().release_unused()
        return pd.Series(lowered, index=ev.index, dtype="str")

    def theme_counts(self, rows: np.ndarray | None = None) -> dict[str, int]:
        """Events (not eras) per theme among ``rows`` (a mask over ``events``; all if None)."""
        is_event = self.events["kind"].eq("event").to_numpy()
        if rows is not None:
            is_event = is_event & rows
        return {t: int((mask & is_event).sum()) for t, mask in self.theme_masks.items()}


def max_bytes() -> int:
    """The largest file the loader reads, settable with TIMELINE_MAX_BYTES."""
    try:
        return int(os.environ.get("TIMELINE_MAX_BYTES", DEFAULT_MAX_BYTES))
    except ValueError:
        return DEFAULT_MAX_BYTES


def load_dataset(path: str | os.PathLike, info_path: str | os.PathLike | None = None) -> Dataset:
    """Load ``path`` and the metadata beside it (``events.toml`` for ``events.csv``).

    Raises DataError listing every problem when the file cannot be used as it is.
    """
    path = Path(path)
    info_path = Path(info_path) if info_path else path.with_suffix(".toml")
    info = load_info(info_path, default_title=path.stem)
    events = load_events(path, theme_labels=info.theme_labels)
    problems = _check_quote_dates(str(path), events, info, info_path)
    if problems:
        raise DataError(problems)
    themes = tuple(info.theme_labels) or _themes_by_frequency(events)
    return Dataset(events=events, info=info, themes=themes, path=str(path))


def _check_quote_dates(
    name: str, events: pd.DataFrame, info: DatasetInfo, info_path: Path
) -> list[Problem]:
    """No quote on an event that happened after its text was written.

    A passage on an event says its author commented on that event, which no author can do in
    advance. The dates come from the metadata: ``[source] date`` for ``commentary`` and
    ``[cited] written_before`` (or ``date``) for ``cited``; a missing or partial date skips
    the check.
    """
    # written_before, when given, is sharper than a publication date.
    cited_key = "written_before" if "written_before" in info.cited else "date"
    problems = []
    for column, section, key in (("commentary", "source", "date"), ("cited", "cited", cited_key)):
        written = _day(getattr(info, section).get(key))
        if written is None:
            continue
        before = key == "written_before"
        late = events["start"].ge(written) if before else events["start"].gt(written)
        expected = (
            f"the event is dated after its text was written ({'before ' if before else ''}"
            f"{written:%Y-%m-%d}, [{section}] {key} in {info_path.name}): attach the passage "
            "to an event the text speaks of, or to the text's own row"
        )
        problems += [
            Problem(name, int(line), column, None, expected)
            for line in events.loc[late & events[column].ne(""), "line"]
        ]
    return sorted(problems, key=lambda p: p.line or 0)


def _day(value) -> pd.Timestamp | None:
    """A full date from TOML (a date or 'YYYY-MM-DD' text), else None."""
    text = str(value or "")
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        return None
    try:
        return pd.Timestamp(text)
    except ValueError:
        return None


def load_info(path: Path, default_title: str = "Timeline") -> DatasetInfo:
    """Read a dataset's metadata TOML; a missing file gives plain defaults."""
    if not path.exists():
        title = default_title.replace("_", " ").replace("-", " ").strip().capitalize()
        return DatasetInfo(title=title or "Timeline", slug=_slugify(default_title))
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise DataError([Problem(str(path), None, None, None, f"not valid TOML: {exc}")]) from None
    dataset = raw.get("dataset", {})
    themes = raw.get("themes", {})
    problems = []
    for key, expected in (("dataset", dict), ("source", dict), ("cited", dict), ("themes", dict)):
        if not isinstance(raw.get(key, {}), expected):
            problems.append(Problem(str(path), None, key, None, "expected a [table]"))
    bad_themes = [t for t in themes if not re.match(SLUG, t)] if isinstance(themes, dict) else []
    problems += [
        Problem(str(path), None, "themes", t, "theme names are lowercase slugs like india-kashmir")
        for t in bad_themes
    ]
    if problems:
        raise DataError(problems)
    return DatasetInfo(
        title=str(dataset.get("title") or default_title),
        subtitle=str(dataset.get("subtitle", "")),
        slug=_slugify(str(dataset.get("slug") or default_title)),
        countries=tuple(dataset.get("countries", ())),
        about=str(dataset.get("about", "")).strip(),
        source=dict(raw.get("source", {})),
        cited=dict(raw.get("cited", {})),
        theme_labels={str(k): str(v) for k, v in themes.items()},
    )


def load_events(
    path: str | os.PathLike, theme_labels: dict[str, str] | None = None
) -> pd.DataFrame:
    """Read an events CSV into a typed, validated DataFrame (one row per CSV record)."""
    name = str(path)
    data = _read_bytes(Path(path))
    frame = _fast_frame(name, data)
    problems: list[Problem] = []
    if frame is None:
        header, records, lines, problems = _split_records(name, _decode(name, data))
        frame = pd.DataFrame(records, columns=list(header), dtype="str")
        frame["line"] = np.asarray(lines, dtype="int64")
    given = [c for c in COLUMNS if c in frame.columns]
    frame = frame.reindex(columns=[*COLUMNS, "line"], fill_value="")
    for column in given:
        frame[column] = frame[column].str.strip()
    problems += _check_schema(name, frame, theme_labels or {}, given)
    typed, date_problems = _type_columns(name, frame)
    problems += date_problems
    if problems:
        problems.sort(
            key=lambda p: (p.line or 0, COLUMNS.index(p.column) if p.column in COLUMNS else -1)
        )
        raise DataError(problems)
    del frame, data
    # Arrow's allocator keeps what the reader and the checks freed; hand it back to the system,
    # or a 1M-row file would leave the server holding several times its size.
    pa_memory_pool().release_unused()
    return typed


def _read_bytes(path: Path) -> bytes:
    """The file's bytes, after the checks that need no parsing (size, empty)."""
    name = str(path)
    try:
        with path.open("rb") as handle:
            size = os.fstat(handle.fileno()).st_size
            limit = max_bytes()
            if size > limit:
                raise DataError(
                    [
                        Problem(
                            name,
                            None,
                            None,
                            None,
                            f"file is {size:,} bytes; the limit is {limit:,} bytes "
                            "(set TIMELINE_MAX_BYTES to raise it)",
                        )
                    ]
                )
            data = handle.read(limit + 1)
    except FileNotFoundError:
        raise DataError([Problem(name, None, None, None, "no such file")]) from None
    except IsADirectoryError:
        raise DataError([Problem(name, None, None, None, "is a folder, not a CSV file")]) from None
    except PermissionError:
        raise DataError([Problem(name, None, None, None, "permission denied")]) from None
    if len(data) > limit:
        raise DataError(
            [Problem(name, None, None, None, f"file exceeds the limit of {limit:,} bytes")]
        )
    if not data.strip(b" \t\r\n\xef\xbb\xbf"):
        expected = "the file is empty; expected a header line: " + ",".join(COLUMNS)
        raise DataError([Problem(name, 1, None, None, expected)])
    return data


def _decode(name: str, data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        bad = data[exc.start : exc.start + 4]
        raise DataError(
            [Problem(name, line, None, repr(bad)[2:-1], "the file is not UTF-8; save it as UTF-8")]
        ) from None


def _fast_frame(name: str, data: bytes) -> pd.DataFrame | None:
    """Read a well-formed file with pyarrow's C++ CSV reader, or None to read it carefully.

    Only the happy path: valid UTF-8, no blank lines, no lone carriage returns, every row the
    header's width. Anything else goes to ``_split_records``, which finds and explains each
    problem. The bytes go to pyarrow as they are: no decoded copy of a large file is made.
    """
    if b"\n\n" in data or b"\n\r\n" in data or data.count(b"\r") != data.count(b"\r\n"):
        return None
    start = 3 if data.startswith(b"\xef\xbb\xbf") else 0  # skip a byte-order mark, uncopied
    try:
        table = pa_csv.read_csv(
            pa_BufferReader(pa_py_buffer(data).slice(start)),
            parse_options=pa_csv.ParseOptions(newlines_in_values=True),
            convert_options=pa_csv.ConvertOptions(
                column_types=dict.fromkeys(_header_names(data, start), pa_string()),
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except (ArrowException, csv.Error, StopIteration, UnicodeDecodeError):
        return None
    if table.num_rows == 0:
        return None
    header = [c.strip() for c in table.column_names]
    problems = _check_header(name, header, 1)
    if problems:
        raise DataError(problems)
    # One chunk per column: sorting and filtering a chunked column is several times slower.
    table = table.rename_columns(header).combine_chunks()
    pa_memory_pool().release_unused()  # the reader's buffers
    frame = table.to_pandas()
    rows = np.arange(table.num_rows)
    if data.count(b"\n") == table.num_rows + data.endswith(b"\n"):
        frame["line"] = 2 + rows  # one line per record
        return frame
    # A record starts one line after the previous one, plus the line breaks inside its values.
    breaks = sum(pc.count_substring(table.column(i), "\n").to_numpy() for i in range(len(header)))
    frame["line"] = 2 + rows + np.concatenate([[0], np.cumsum(breaks)[:-1]])
    return frame


def _header_names(data: bytes, start: int = 0) -> list[str]:
    end = data.find(b"\n", start)
    first_line = data[start : end if end >= 0 else len(data)]
    return next(csv.reader(io.StringIO(first_line.decode("utf-8"))))


def _split_records(
    name: str, text: str
) -> tuple[list[str], list[list[str]], list[int], list[Problem]]:
    """Split CSV text into header and records, noting the line each record starts on."""
    problems: list[Problem] = []
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    header: list[str] | None = None
    records: list[list[str]] = []
    lines: list[int] = []
    last_line = 0
    try:
        for row in reader:
            start_line = last_line + 1
            last_line = reader.line_num
            if not row or (len(row) == 1 and not row[0].strip()):
                continue
            if header is None:
                header = [c.strip() for c in row]
                problems += _check_header(name, header, start_line)
                if problems:
                    raise DataError(problems)
                continue
            if len(row) != len(header):
                problems.append(
                    Problem(
                        name,
                        start_line,
                        None,
                        None,
                        f"this row has {len(row)} fields; the header has {len(header)}"
                        " (a comma inside a value must be quoted)",
                    )
                )
                continue
            records.append(row)
            lines.append(start_line)
    except csv.Error as exc:
        problems.append(Problem(name, last_line + 1, None, None, f"not valid CSV: {exc}"))
    if header is None:
        raise DataError(problems or [Problem(name, 1, None, None, "no header line")])
    if not records and not problems:
        problems.append(Problem(name, 2, None, None, "the file has a header but no events"))
    return header, records, lines, problems


def _check_header(name: str, header: list[str], line: int) -> list[Problem]:
    problems = []
    for column in header:
        if column not in COLUMNS:
            problems.append(
                Problem(
                    name,
                    line,
                    column or "(empty)",
                    None,
                    "unknown column; expected only: " + ", ".join(COLUMNS),
                )
            )
    for column in REQUIRED_COLUMNS:
        if column not in header:
            problems.append(Problem(name, line, column, None, "required column is missing"))
    seen = set()
    for column in header:
        if column in seen and column in COLUMNS:
            problems.append(Problem(name, line, column, None, "column appears twice in the header"))
        seen.add(column)
    return problems


@lru_cache(maxsize=32)
def _schema_for(themes: tuple[str, ...], given: tuple[str, ...]) -> pa.DataFrameSchema:
    """The schema for these declared themes and these columns of the file, built once."""
    schema = _schema(dict.fromkeys(themes, ""))
    return schema.remove_columns([c for c in schema.columns if c not in given])


def _schema(theme_labels: dict[str, str]) -> pa.DataFrameSchema:
    def text(*checks: pa.Check, unique: bool = False) -> pa.Column:
        # Every column is read as text, so pandera's per-column dtype check would only cost time.
        return pa.Column(None, list(checks), unique=unique, report_duplicates="all")

    def blank_or(predicate, expected: str) -> pa.Check:
        return pa.Check(lambda s: s.eq("") | predicate(s), error=expected)

    def number_in(lo: float, hi: float):
        return lambda s: _numbers(s).between(lo, hi)

    nonempty = pa.Check(lambda s: s.ne(""), error="a value is required")
    no_control = pa.Check(
        lambda s: ~s.str.contains(_CONTROL, regex=True), error="no control characters (NUL etc.)"
    )
    # One full match per cell: a ';'-separated list of known themes (or of slugs, when the
    # dataset declares none), so no cell is split in Python just to be checked.
    if theme_labels:
        tag = "(?:" + "|".join(re.escape(t) for t in sorted(theme_labels, key=len, reverse=True))
        tag += ")"
        theme_expected = "themes separated by ';', each one of: " + ", ".join(theme_labels)
    else:
        tag = SLUG.strip("^$")
        theme_expected = "themes separated by ';', each a slug like india-kashmir"
    theme_list = rf"{tag}(?:[{_WHITESPACE}]*;[{_WHITESPACE}]*{tag})*"

    def themes_ok(s: pd.Series) -> pd.Series:
        return s.eq("") | s.str.fullmatch(theme_list)

    columns = {
        "id": text(
            nonempty,
            pa.Check(
                lambda s: s.eq("") | s.str.match(SLUG), error="lowercase letters, digits and '-'"
            ),
            unique=True,
        ),
        "kind": text(blank_or(lambda s: s.isin(KINDS), "'event' or 'era' (or empty for event)")),
        "start": text(nonempty),
        "title": text(
            nonempty,
            pa.Check(lambda s: s.str.len() <= TITLE_MAX, error=f"at most {TITLE_MAX} characters"),
            no_control,
        ),
        "label": text(
            pa.Check(
                lambda s: s.str.len() <= LABEL_MAX,
                error=f"at most {LABEL_MAX} characters (a short name for the chart)",
            ),
            no_control,
        ),
        "themes": text(pa.Check(themes_ok, error=theme_expected)),
        "cameo": text(
            blank_or(
                lambda s: s.isin(tuple(cameo_codes())),
                "a CAMEO event code from timeline/cameo.csv, as text with its leading zero "
                "(e.g. 057 sign formal agreement, 163 impose sanctions)",
            )
        ),
        "tone": text(blank_or(number_in(-10, 10), "a number from -10 to 10")),
        "callout": text(
            pa.Check(
                lambda s: s.str.len() <= CALLOUT_MAX,
                error=f"at most {CALLOUT_MAX} characters (the chart shows it whole)",
            ),
            no_control,
        ),
        "importance": text(blank_or(lambda s: s.isin(("1", "2", "3")), "1, 2 or 3")),
        "source": text(nonempty, no_control),
        "url": text(
            blank_or(
                lambda s: s.str.fullmatch(rf"https?://[^{_WHITESPACE}<>\"']+"),
                "an http:// or https:// link",
            )
        ),
    }
    for column in ("summary", "commentary", "cited", "cited_from", "date_note", "end", "tone_note"):
        columns[column] = text(no_control)
    return pa.DataFrameSchema(columns, strict=False)


def _check_schema(
    name: str, frame: pd.DataFrame, theme_labels: dict[str, str], given: list[str]
) -> list[Problem]:
    problems = []
    # A column the file leaves out is all "", which every check accepts: checking it costs
    # time on every load and can find nothing.
    schema = _schema_for(tuple(theme_labels), tuple(given))
    try:
        schema.validate(frame, lazy=True)
    except pa.errors.SchemaErrors as exc:
        cases = exc.failure_cases
        for case in cases.itertuples(index=False):
            if case.index is None or pd.isna(case.index):
                problems.append(Problem(name, None, case.column, None, str(case.check)))
                continue
            row = int(case.index)
            expected = str(case.check)
            if expected == "field_uniqueness":
                expected = "duplicate id; each id must be unique"
            value = str(case.failure_case)
            problems.append(
                Problem(name, int(frame.at[row, "line"]), case.column, value or None, expected)
            )
    events = frame["kind"].ne("era")
    for column in ("summary", "themes"):
        missing = events & frame[column].eq("")
        problems += [
            Problem(name, int(line), column, None, "required for events (kind 'event')")
            for line in frame.loc[missing, "line"]
        ]
    missing = events & frame["tone"].eq("") & frame["cameo"].eq("")
    problems += [
        Problem(name, int(line), "tone", None, "required for events without a 'cameo' code")
        for line in frame.loc[missing, "line"]
    ]
    problems += _check_tone_overrides(name, frame)
    problems += _check_callouts(name, frame)
    orphan = frame["cited"].ne("") & frame["cited_from"].eq("")
    problems += [
        Problem(
            name, int(line), "cited_from", None, "required when 'cited' is given: name the work"
        )
        for line in frame.loc[orphan, "line"]
    ]
    return problems


def _check_tone_overrides(name: str, frame: pd.DataFrame) -> list[Problem]:
    """A tone that differs from its CAMEO code's Goldstein value must say why (tone_note)."""
    coded = frame["cameo"].ne("")
    if not coded.any():
        return []
    coded &= frame["tone"].ne("") & frame["tone_note"].eq("")
    if not coded.any():
        return []
    rows = frame.loc[coded, ["line", "cameo", "tone"]]
    scale = rows["cameo"].map(goldstein).astype("float64")
    tone = _numbers(rows["tone"])
    differs = scale.notna() & tone.notna() & (tone - scale).abs().gt(1e-9)
    return [
        Problem(
            name,
            int(line),
            "tone",
            value,
            f"differs from {value_of:g}, the Goldstein value of CAMEO {code}; "
            "leave tone empty to use it, or say why in 'tone_note'",
        )
        for line, code, value, value_of in zip(
            rows["line"][differs],
            rows["cameo"][differs],
            rows["tone"][differs],
            scale[differs],
            strict=True,
        )
    ]


def _check_callouts(name: str, frame: pd.DataFrame) -> list[Problem]:
    """A callout is a passage of the row's own commentary (whitespace aside)."""
    given = frame["callout"].ne("")
    if not given.any():
        return []
    problems = []
    for line, callout, commentary in frame.loc[given, ["line", "callout", "commentary"]].itertuples(
        index=False
    ):
        if " ".join(callout.split()) not in " ".join(commentary.split()):
            expected = (
                "a passage copied from this row's 'commentary'"
                if commentary
                else "a callout needs a 'commentary' to quote from"
            )
            problems.append(Problem(name, int(line), "callout", callout, expected))
    return problems


def _type_columns(name: str, frame: pd.DataFrame) -> tuple[pd.DataFrame, list[Problem]]:
    problems = []
    start = parse_dates(frame["start"])
    end = parse_dates(frame["end"])
    for column, parsed in (("start", start), ("end", end)):
        bad = parsed["error"].notna()
        problems += [
            Problem(name, int(line), column, value, error)
            for line, value, error in zip(
                frame.loc[bad, "line"],
                frame.loc[bad, column],
                parsed.loc[bad, "error"],
                strict=True,
            )
        ]
    backwards = end["hi"].notna() & start["lo"].notna() & (end["hi"] < start["lo"])
    problems += [
        Problem(name, int(line), "end", value, f"end is before start ({st})")
        for line, value, st in zip(
            frame.loc[backwards, "line"],
            frame.loc[backwards, "end"],
            frame.loc[backwards, "start"],
            strict=True,
        )
    ]
    has_end = end["lo"].notna()
    typed = pd.DataFrame(
        {
            "id": frame["id"],
            "kind": frame["kind"].replace("", "event"),
            "start": start["lo"],
            "start_hi": start["hi"],
            "end": end["hi"].where(has_end, start["hi"]),
            "end_lo": end["lo"].where(has_end, start["lo"]),
            "has_end": has_end,
            "precision": start["precision"],
            "end_precision": end["precision"],
            "approximate": start["approximate"] | end["approximate"],
            "uncertain": start["uncertain"] | end["uncertain"],
            "start_text": frame["start"],
            "end_text": frame["end"],
            "title": frame["title"],
            "label": frame["label"],
            "summary": frame["summary"],
            "themes": _theme_lists(frame["themes"]),
            "cameo": frame["cameo"],
            "tone": _tones(frame["tone"], frame["cameo"]),
            "tone_note": frame["tone_note"],
            "importance": _numbers(frame["importance"]).fillna(1).astype("int8"),
            "commentary": frame["commentary"],
            "callout": frame["callout"],
            "cited": frame["cited"],
            "cited_from": frame["cited_from"],
            "source": frame["source"],
            "url": frame["url"],
            "date_note": frame["date_note"],
            "line": frame["line"],
        }
    )
    if not typed["start"].is_monotonic_increasing:  # rows in file order are in date order
        order = np.lexsort((typed["line"].to_numpy(), typed["start"].to_numpy()))
        typed = typed.take(order)
    return typed.reset_index(drop=True), problems


def _numbers(column: pd.Series) -> pd.Series:
    """Text to float64 (NaN where not a number), converting each distinct value once."""
    codes, distinct = pd.factorize(column)
    numbers = pd.to_numeric(pd.Series(distinct, dtype="str"), errors="coerce")
    return pd.Series(numbers.to_numpy(dtype="float64")[codes], index=column.index)


def _tones(tone: pd.Series, cameo: pd.Series) -> pd.Series:
    """The tone given, else the Goldstein value of the row's CAMEO code (NaN if neither)."""
    numbers = _numbers(tone)
    defaulted = numbers.isna() & cameo.ne("")
    if defaulted.any():
        numbers[defaulted] = cameo[defaulted].map(goldstein).astype("float64")
    return numbers


def _theme_lists(column: pd.Series) -> pd.Series:
    """'a; b' -> ('a', 'b') and '' -> () (the column is already checked).

    Each distinct cell is split once and its rows share the one (immutable) tuple: a million
    events name a few hundred combinations of themes.
    """
    codes, cells = pd.factorize(column)
    tuples = np.empty(len(cells), dtype=object)
    tuples[:] = [tuple(t for t in re.split(r"\s*;\s*", cell) if t) for cell in cells]
    return pd.Series(tuples[codes], index=column.index, dtype="object")


def theme_combinations(themes: pd.Series) -> tuple[np.ndarray, list[tuple[str, ...]]]:
    """(code per row, the distinct theme tuples) for a ``themes`` column."""
    codes, combos = pd.factorize(themes)
    return codes, list(combos)


def _themes_by_frequency(events: pd.DataFrame) -> tuple[str, ...]:
    codes, combos = theme_combinations(events["themes"])
    rows = np.bincount(codes, minlength=len(combos))
    counts: dict[str, int] = {}
    for combo, n in zip(combos, rows, strict=True):
        for theme in combo:
            counts[theme] = counts.get(theme, 0) + int(n)
    return tuple(sorted(counts, key=lambda t: (-counts[t], t)))


def _slugify(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "timeline"
