"""An events file's bytes into a frame of text columns, one row per CSV record.

Well-formed files take pyarrow's C++ reader (``fast_frame``); anything else is read carefully
by Python's csv module (``split_records``), which finds and explains each problem.
"""

from __future__ import annotations

import csv
import io
import os
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.compute as pc
from pyarrow import ArrowException
from pyarrow import BufferReader as pa_BufferReader
from pyarrow import csv as pa_csv
from pyarrow import default_memory_pool as pa_memory_pool
from pyarrow import py_buffer as pa_py_buffer
from pyarrow import string as pa_string

from timeline.data.fields import COLUMNS, REQUIRED_COLUMNS
from timeline.data.problems import DataError, Problem, file_error

DEFAULT_MAX_BYTES = 1024**3
_SNIFF_BYTES = 65536


def max_bytes() -> int:
    """The largest file the loader reads, settable with TIMELINE_MAX_BYTES."""
    try:
        return int(os.environ.get("TIMELINE_MAX_BYTES", DEFAULT_MAX_BYTES))
    except ValueError:
        return DEFAULT_MAX_BYTES


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


def read_frame(path: Path) -> tuple[pd.DataFrame, list[Problem]]:
    """The file's records as text columns plus ``line``, and the problems found reading it."""
    name = str(path)
    data = read_bytes(path)
    frame = fast_frame(name, data)
    if frame is not None:
        return frame, []
    header, records, lines, problems = split_records(name, decode(name, data))
    frame = pd.DataFrame(records, columns=list(header), dtype="str")
    frame["line"] = np.asarray(lines, dtype="int64")
    return frame, problems


def read_bytes(path: Path) -> bytes:
    """The file's bytes, after the checks that need no parsing (size, empty)."""
    name = str(path)
    try:
        with path.open("rb") as handle:
            size = os.fstat(handle.fileno()).st_size
            limit = max_bytes()
            if size > limit:
                raise file_error(
                    name,
                    f"file is {size:,} bytes; the limit is {limit:,} bytes "
                    "(set TIMELINE_MAX_BYTES to raise it)",
                )
            data = handle.read(limit + 1)
    except FileNotFoundError:
        raise file_error(name, "no such file") from None
    except IsADirectoryError:
        raise file_error(name, "is a folder, not a CSV file") from None
    except PermissionError:
        raise file_error(name, "permission denied") from None
    if len(data) > limit:
        raise file_error(name, f"file exceeds the limit of {limit:,} bytes")
    if not data.strip(b" \t\r\n\xef\xbb\xbf"):
        raise file_error(
            name, "the file is empty; expected a header line: " + ",".join(COLUMNS), line=1
        )
    return data


def decode(name: str, data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        bad = data[exc.start : exc.start + 4]
        raise DataError(
            [Problem(name, line, None, repr(bad)[2:-1], "the file is not UTF-8; save it as UTF-8")]
        ) from None


def fast_frame(name: str, data: bytes) -> pd.DataFrame | None:
    """Read a well-formed file with pyarrow's C++ CSV reader, or None to read it carefully.

    Only the happy path: valid UTF-8, no blank lines, no lone carriage returns, every row the
    header's width. Anything else goes to ``split_records``, which finds and explains each
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
                column_types=dict.fromkeys(header_names(data, start), pa_string()),
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except (ArrowException, csv.Error, StopIteration, UnicodeDecodeError):
        return None
    if table.num_rows == 0:
        return None
    header = [c.strip() for c in table.column_names]
    problems = check_header(name, header, 1)
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


def header_names(data: bytes, start: int = 0) -> list[str]:
    end = data.find(b"\n", start)
    first_line = data[start : end if end >= 0 else len(data)]
    return next(csv.reader(io.StringIO(first_line.decode("utf-8"))))


def split_records(
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
                problems += check_header(name, header, start_line)
                if problems:
                    raise DataError(problems)
                continue
            if len(row) != len(header):
                expected = (
                    f"this row has {len(row)} fields; the header has {len(header)}"
                    " (a comma inside a value must be quoted)"
                )
                problems.append(Problem(name, start_line, None, None, expected))
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


def check_header(name: str, header: list[str], line: int) -> list[Problem]:
    """Only known columns, each at most once, and the required ones all present."""
    known = "unknown column; expected only: " + ", ".join(COLUMNS)
    problems = [
        Problem(name, line, column or "(empty)", None, known)
        for column in header
        if column not in COLUMNS
    ]
    problems += [
        Problem(name, line, column, None, "required column is missing")
        for column in REQUIRED_COLUMNS
        if column not in header
    ]
    seen = set()
    for column in header:
        if column in seen and column in COLUMNS:
            problems.append(Problem(name, line, column, None, "column appears twice in the header"))
        seen.add(column)
    return problems
