"""The per-column checks of an events table, and the cells that fail them as Problems.

Each check is one whole-column pandas operation returning a boolean mask. These used to be a
pandera schema; pandera cost about a second of imports on every start of the command line and
the app, and the checks here are all it did for us (no dtypes: every column is text).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

import pandas as pd

from timeline.cameo import cameo_codes
from timeline.data.fields import CALLOUT_MAX, KINDS, LABEL_MAX, SLUG, TITLE_MAX, numbers
from timeline.data.problems import Problem

_CONTROL = r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]"
# What Python's \s matches, as the characters themselves: pandas hands a pattern with \s (or a
# \u escape) to Python's re one cell at a time, where pyarrow's RE2 runs the whole column at once.
_WHITESPACE = "".join(c for c in map(chr, range(0x3001)) if c.isspace())
_FREE_TEXT = ("summary", "commentary", "cited", "cited_from", "date_note", "end", "tone_note")
DUPLICATE_ID = "duplicate id; each id must be unique"


@dataclass(frozen=True)
class Check:
    """``accepts(column)`` is True for each good cell; ``error`` says what was expected."""

    accepts: Callable[[pd.Series], pd.Series]
    error: str


NONEMPTY = Check(lambda s: s.ne(""), "a value is required")
NO_CONTROL = Check(
    lambda s: ~s.str.contains(_CONTROL, regex=True), "no control characters (NUL etc.)"
)


def schema_problems(
    name: str, frame: pd.DataFrame, theme_labels: dict[str, str], given: list[str]
) -> list[Problem]:
    """Every cell of ``frame`` that fails its column's check, as a Problem on its line.

    Problems come column by column (an id's duplicates first), check by check, in row order.
    """
    # A column the file leaves out is all "", which every check accepts: checking it costs
    # time on every load and can find nothing.
    problems = []
    for column, checks in _checks_for(tuple(theme_labels)).items():
        if column not in given:
            continue
        values = frame[column]
        if column == "id":
            problems += _problems(name, frame, column, values.duplicated(keep=False), DUPLICATE_ID)
        for check in checks:
            failed = ~check.accepts(values).fillna(False).astype(bool)
            problems += _problems(name, frame, column, failed, check.error)
    return problems


def _problems(name: str, frame: pd.DataFrame, column: str, failed: pd.Series, error: str):
    mask = failed.to_numpy()
    if not mask.any():  # the usual case; selecting no rows would still cost a millisecond
        return []
    rows = frame.loc[mask, ["line", column]]
    return [
        Problem(name, int(line), column, str(value) or None, error)
        for line, value in rows.itertuples(index=False)
    ]


@lru_cache(maxsize=32)
def _checks_for(themes: tuple[str, ...]) -> dict[str, tuple[Check, ...]]:
    """Each column's checks for these declared themes, built once."""
    checks = {
        "id": (NONEMPTY, _id_check()),
        "kind": (_blank_or(lambda s: s.isin(KINDS), "'event' or 'era' (or empty for event)"),),
        "start": (NONEMPTY,),
        "title": (NONEMPTY, _length_check(TITLE_MAX), NO_CONTROL),
        "label": (_length_check(LABEL_MAX, "a short name for the chart"), NO_CONTROL),
        "themes": (_themes_check(themes),),
        "cameo": (_cameo_check(),),
        "tone": (_blank_or(_number_in(-10, 10), "a number from -10 to 10"),),
        "callout": (_length_check(CALLOUT_MAX, "the chart shows it whole"), NO_CONTROL),
        "importance": (_blank_or(lambda s: s.isin(("1", "2", "3")), "1, 2 or 3"),),
        "source": (NONEMPTY, NO_CONTROL),
        "url": (_url_check(),),
    }
    checks.update({column: (NO_CONTROL,) for column in _FREE_TEXT})
    return checks


def _blank_or(predicate, expected: str) -> Check:
    return Check(lambda s: s.eq("") | predicate(s), expected)


def _number_in(lo: float, hi: float):
    return lambda s: numbers(s).between(lo, hi)


def _id_check() -> Check:
    return Check(lambda s: s.eq("") | s.str.match(SLUG), "lowercase letters, digits and '-'")


def _length_check(limit: int, why: str = "") -> Check:
    expected = f"at most {limit} characters" + (f" ({why})" if why else "")
    return Check(lambda s: s.str.len() <= limit, expected)


def _themes_check(themes: tuple[str, ...]) -> Check:
    """One full match per cell: a ';'-separated list of known themes (or of slugs, when the
    dataset declares none), so no cell is split in Python just to be checked."""
    if themes:
        tag = "(?:" + "|".join(re.escape(t) for t in sorted(themes, key=len, reverse=True)) + ")"
        expected = "themes separated by ';', each one of: " + ", ".join(themes)
    else:
        tag = SLUG.strip("^$")
        expected = "themes separated by ';', each a slug like india-kashmir"
    theme_list = rf"{tag}(?:[{_WHITESPACE}]*;[{_WHITESPACE}]*{tag})*"
    return Check(lambda s: s.eq("") | s.str.fullmatch(theme_list), expected)


def _cameo_check() -> Check:
    return _blank_or(
        lambda s: s.isin(tuple(cameo_codes())),
        "a CAMEO event code from timeline/cameo.csv, as text with its leading zero "
        "(e.g. 057 sign formal agreement, 163 impose sanctions)",
    )


def _url_check() -> Check:
    """One http(s) link, or one slot per source separated by ' ; ', a slot empty when that
    source has no link (``timeline.data.sources``)."""
    link = rf"https?://[^{_WHITESPACE}<>\"';]+"
    space = f"[{_WHITESPACE}]*"
    slots = rf"(?:{link})?(?:{space};{space}(?:{link})?)*"
    return _blank_or(
        lambda s: s.str.fullmatch(slots),
        "an http:// or https:// link, or one per source separated by ' ; ' "
        "(an empty slot for a source without one)",
    )
