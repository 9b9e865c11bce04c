"""The per-column checks of an events table, as a pandera schema, and its failures as Problems."""

from __future__ import annotations

import re
from functools import lru_cache

import pandas as pd
import pandera.pandas as pa

from timeline.cameo import cameo_codes
from timeline.data.fields import CALLOUT_MAX, KINDS, LABEL_MAX, SLUG, TITLE_MAX, numbers
from timeline.data.problems import Problem

_CONTROL = r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]"
# What Python's \s matches, as the characters themselves: pandas hands a pattern with \s (or a
# \u escape) to Python's re one cell at a time, where pyarrow's RE2 runs the whole column at once.
_WHITESPACE = "".join(c for c in map(chr, range(0x3001)) if c.isspace())
_FREE_TEXT = ("summary", "commentary", "cited", "cited_from", "date_note", "end", "tone_note")

NONEMPTY = pa.Check(lambda s: s.ne(""), error="a value is required")
NO_CONTROL = pa.Check(
    lambda s: ~s.str.contains(_CONTROL, regex=True), error="no control characters (NUL etc.)"
)


def schema_problems(
    name: str, frame: pd.DataFrame, theme_labels: dict[str, str], given: list[str]
) -> list[Problem]:
    """Every cell of ``frame`` that fails its column's check, as a Problem on its line."""
    # A column the file leaves out is all "", which every check accepts: checking it costs
    # time on every load and can find nothing.
    schema = _schema_for(tuple(theme_labels), tuple(given))
    try:
        schema.validate(frame, lazy=True)
    except pa.errors.SchemaErrors as exc:
        return [_problem(name, frame, case) for case in exc.failure_cases.itertuples(index=False)]
    return []


def _problem(name: str, frame: pd.DataFrame, case) -> Problem:
    """One row of pandera's failure cases, located by the CSV line of its row."""
    if case.index is None or pd.isna(case.index):
        return Problem(name, None, case.column, None, str(case.check))
    expected = str(case.check)
    if expected == "field_uniqueness":
        expected = "duplicate id; each id must be unique"
    line = int(frame.at[int(case.index), "line"])
    return Problem(name, line, case.column, str(case.failure_case) or None, expected)


@lru_cache(maxsize=32)
def _schema_for(themes: tuple[str, ...], given: tuple[str, ...]) -> pa.DataFrameSchema:
    """The schema for these declared themes and these columns of the file, built once."""
    schema = _schema(themes)
    return schema.remove_columns([c for c in schema.columns if c not in given])


def _schema(themes: tuple[str, ...]) -> pa.DataFrameSchema:
    columns = {
        "id": _text(NONEMPTY, _id_check(), unique=True),
        "kind": _text(_blank_or(lambda s: s.isin(KINDS), "'event' or 'era' (or empty for event)")),
        "start": _text(NONEMPTY),
        "title": _text(NONEMPTY, _length_check(TITLE_MAX), NO_CONTROL),
        "label": _text(_length_check(LABEL_MAX, "a short name for the chart"), NO_CONTROL),
        "themes": _text(_themes_check(themes)),
        "cameo": _text(_cameo_check()),
        "tone": _text(_blank_or(_number_in(-10, 10), "a number from -10 to 10")),
        "callout": _text(_length_check(CALLOUT_MAX, "the chart shows it whole"), NO_CONTROL),
        "importance": _text(_blank_or(lambda s: s.isin(("1", "2", "3")), "1, 2 or 3")),
        "source": _text(NONEMPTY, NO_CONTROL),
        "url": _text(_url_check()),
    }
    columns.update({column: _text(NO_CONTROL) for column in _FREE_TEXT})
    return pa.DataFrameSchema(columns, strict=False)


def _text(*checks: pa.Check, unique: bool = False) -> pa.Column:
    # Every column is read as text, so pandera's per-column dtype check would only cost time.
    return pa.Column(None, list(checks), unique=unique, report_duplicates="all")


def _blank_or(predicate, expected: str) -> pa.Check:
    return pa.Check(lambda s: s.eq("") | predicate(s), error=expected)


def _number_in(lo: float, hi: float):
    return lambda s: numbers(s).between(lo, hi)


def _id_check() -> pa.Check:
    return pa.Check(
        lambda s: s.eq("") | s.str.match(SLUG), error="lowercase letters, digits and '-'"
    )


def _length_check(limit: int, why: str = "") -> pa.Check:
    expected = f"at most {limit} characters" + (f" ({why})" if why else "")
    return pa.Check(lambda s: s.str.len() <= limit, error=expected)


def _themes_check(themes: tuple[str, ...]) -> pa.Check:
    """One full match per cell: a ';'-separated list of known themes (or of slugs, when the
    dataset declares none), so no cell is split in Python just to be checked."""
    if themes:
        tag = "(?:" + "|".join(re.escape(t) for t in sorted(themes, key=len, reverse=True)) + ")"
        expected = "themes separated by ';', each one of: " + ", ".join(themes)
    else:
        tag = SLUG.strip("^$")
        expected = "themes separated by ';', each a slug like india-kashmir"
    theme_list = rf"{tag}(?:[{_WHITESPACE}]*;[{_WHITESPACE}]*{tag})*"
    return pa.Check(lambda s: s.eq("") | s.str.fullmatch(theme_list), error=expected)


def _cameo_check() -> pa.Check:
    return _blank_or(
        lambda s: s.isin(tuple(cameo_codes())),
        "a CAMEO event code from timeline/cameo.csv, as text with its leading zero "
        "(e.g. 057 sign formal agreement, 163 impose sanctions)",
    )


def _url_check() -> pa.Check:
    return _blank_or(
        lambda s: s.str.fullmatch(rf"https?://[^{_WHITESPACE}<>\"']+"),
        "an http:// or https:// link",
    )
