"""Dates in the subset of EDTF (ISO 8601-2) that events.csv uses, parsed a column at a time.

A date is ``YYYY-MM-DD``, ``YYYY-MM``, ``YYYY`` or a decade ``YYYX``, optionally followed by ``~``
(approximate) or ``?`` (uncertain). Each parses to the interval it stands for: ``1971-07`` is
1 July 1971 00:00 to 31 July 1971 23:59:59, so a chart can show exactly how much is known.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

EXPECTED = "a date like 1971-07-09, 1971-07, 1971 or 197X, optionally ending in ~ or ?"

# The grammar, once: a column is full-matched against it, a few dates split by its groups
# (century, last digit or X, month, day, flag).
_PARTS = re.compile(r"([0-9]{3})([0-9X])(?:-([0-9]{2}))?(?:-([0-9]{2}))?([~?]?)")
_MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]


def parse_dates(values: pd.Series) -> pd.DataFrame:
    """Parse a column of EDTF strings into interval bounds and flags.

    Returns a frame on the same index with ``lo`` and ``hi`` (datetime64[s], the first and last
    second the date may denote), ``precision``, ``approximate``, ``uncertain`` and ``error``
    (None where the value parsed, else what is wrong with it). Empty strings parse to NaT with no
    error; whether a date is required is the caller's business.

    Each distinct string is parsed once: a million events fall on some tens of thousands of days.
    """
    codes, distinct = pd.factorize(values, use_na_sentinel=False)
    if len(distinct) > len(values) // 2:
        return _parse_each(values)
    parsed = _parse_each(pd.Series(distinct, dtype="str"))
    return parsed.take(codes).set_axis(values.index)


# Single dates parsed by parse_date, by their text; emptied when it grows past _KNOWN_MAX.
_KNOWN: dict[str, dict] = {}
_KNOWN_MAX = 4096


def parse_date(text: str) -> dict:
    """One date parsed, as a dict with the keys of a ``parse_dates`` row; cached by text."""
    if text not in _KNOWN:
        remember_dates([text])
    return _KNOWN[text]


def remember_dates(texts) -> None:
    """Parse these dates in one pass, so that ``parse_date`` then finds each of them.

    The column parser has a fixed cost of some milliseconds, far above its work for one value:
    a story's 24 dates parsed one by one took a third of a second.
    """
    new = [text for text in dict.fromkeys(texts) if text not in _KNOWN]
    if not new:
        return
    if len(_KNOWN) + len(new) > _KNOWN_MAX:
        _KNOWN.clear()
    rows = parse_dates(pd.Series(new, dtype="str")).to_dict("records")
    _KNOWN.update(zip(new, rows, strict=True))


# Below this many values, each is split by one regular expression in Python: the column
# machinery's fixed cost (some 25 ms a column) is far above its work for a few dates, and a
# load parses two columns and every story's dates (the shipped data: 0.1 s of a 1 s validate).
_FEW = 256


def _parse_each(values: pd.Series) -> pd.DataFrame:
    text = values.astype("str").str.strip()
    parts = _split_few(text) if len(text) <= _FEW else _split_column(text)
    return _intervals(parts, values.index)


def _split_column(text: pd.Series) -> dict[str, np.ndarray]:
    """The parts of each date: one vectorised full match, then fixed-position slices."""
    matched = text.str.fullmatch(_PARTS.pattern).fillna(False).astype(bool)
    core = text.str.rstrip("~?")
    length = core.str.len()

    def number(part: pd.Series, where: pd.Series) -> np.ndarray:
        return part.where(where, "0").astype("int64").where(where).to_numpy("float64")

    return {
        "matched": matched.to_numpy(),
        "empty": text.eq("").to_numpy(),
        "decade": (matched & core.str.slice(3, 4).eq("X")).to_numpy(),
        "year": number(core.str.slice(0, 4).str.replace("X", "0"), matched),
        "month": number(core.str.slice(5, 7), matched & length.ge(7)),
        "day": number(core.str.slice(8, 10), matched & length.eq(10)),
        "flag": text.str.slice(-1).where(matched, "").to_numpy(dtype=object),
    }


def _split_few(text: pd.Series) -> dict[str, np.ndarray]:
    """The same parts as ``_split_column``, one date at a time."""
    nan = float("nan")
    rows = []
    for value in text:
        m = _PARTS.fullmatch(value) if isinstance(value, str) else None  # a missing value: NaN
        if m is None:
            rows.append((False, value == "", False, nan, nan, nan, ""))
            continue
        century, last, month, day, flag = m.groups()
        rows.append((
            True, False, last == "X", float(century + last.replace("X", "0")),
            float(month) if month else nan, float(day) if day else nan, flag,
        ))  # fmt: skip
    columns = list(zip(*rows, strict=True)) if rows else [()] * 7
    names = ("matched", "empty", "decade", "year", "month", "day", "flag")
    kinds = (bool, bool, bool, "float64", "float64", "float64", object)
    return {
        name: np.array(column, dtype=kind)
        for name, column, kind in zip(names, columns, kinds, strict=True)
    }


def _intervals(parts: dict[str, np.ndarray], index: pd.Index) -> pd.DataFrame:
    """Each date's first and last second, precision, flags and error, from its parts."""
    matched, decade = parts["matched"], parts["decade"]
    year, month, day = parts["year"], parts["month"], parts["day"]
    has_month = ~np.isnan(month)
    has_day = ~np.isnan(day)
    precision = np.select(
        [decade, has_day, has_month, matched], ["decade", "day", "month", "year"], default=""
    )

    error = np.full(len(index), None, dtype=object)
    error[~matched & ~parts["empty"]] = f"expected {EXPECTED}"
    error[decade & has_month] = "a decade (197X) cannot have a month or day"
    bad_month = has_month & ~((month >= 1) & (month <= 12))
    error[bad_month & pd.isna(error)] = "month must be 01-12"
    year_arr = np.nan_to_num(year, nan=2000).astype("int64")
    month_arr = np.clip(np.nan_to_num(month, nan=1), 1, 12).astype("int64")
    first_of_month = (year_arr - 1970) * 12 + (month_arr - 1)
    month_start = first_of_month.astype("datetime64[M]")
    month_len = (month_start + 1).astype("datetime64[D]") - month_start.astype("datetime64[D]")
    month_len = month_len.astype("int64")
    bad_day = has_day & ~bad_month & ~((day >= 1) & (day <= month_len))
    error[bad_day & pd.isna(error)] = "no such day in that month"

    ok = matched & pd.isna(error)
    day_arr = np.nan_to_num(day, nan=1).astype("int64")
    start_day = month_start.astype("datetime64[D]") + np.clip(day_arr - 1, 0, 30)
    lo = np.where(has_day, start_day, month_start.astype("datetime64[D]"))
    # The last day each precision covers; the interval ends at that day's last second.
    span_end_year = ((year_arr + np.where(decade, 10, 1) - 1970) * 12).astype("datetime64[M]")
    year_end = span_end_year.astype("datetime64[D]") - 1
    month_end = (month_start + 1).astype("datetime64[D]") - 1
    hi = np.where(has_day, start_day, np.where(has_month, month_end, year_end))
    lo = lo.astype("datetime64[s]")
    hi = hi.astype("datetime64[s]") + np.timedelta64(86399, "s")
    nat = np.datetime64("NaT", "s")
    flag = parts["flag"]
    return pd.DataFrame(
        {
            "lo": pd.Series(np.where(ok, lo, nat), index=index),
            "hi": pd.Series(np.where(ok, hi, nat), index=index),
            "precision": pd.Series(np.where(ok, precision, ""), index=index),
            "approximate": pd.Series(ok & (flag == "~"), index=index),
            "uncertain": pd.Series(ok & (flag == "?"), index=index),
            "error": pd.Series(error, index=index, dtype="object"),
        },
        index=index,
    )


def describe_date(text: str, note: str = "") -> str:
    """Say a date as precisely as it is known: '9 July 1971', 'July 1971', 'the 1970s'.

    ``~`` reads as 'about', ``?`` as ', uncertain'; ``note`` (a time-zone caveat, say) is added
    in brackets: '2 May 2011 (1 May in Washington)'. A note that only says the date another
    way ('Sep or Oct 2001') replaces it, so the date is said once: 'September or October 2001,
    uncertain'.
    """
    text = (text or "").strip()
    flag = text[-1] if text[-1:] in "~?" and text else ""
    core = text.rstrip("~?")
    parts = core.split("-")
    restated = _as_date_words(note, year=core[:4])
    if restated:
        said, note = restated, ""
    elif core.endswith("X"):
        said = f"the {core[:3]}0s"
    elif len(parts) == 3:
        said = f"{int(parts[2])} {_MONTHS[int(parts[1]) - 1]} {parts[0]}"
    elif len(parts) == 2:
        said = f"{_MONTHS[int(parts[1]) - 1]} {parts[0]}"
    else:
        said = core
    if flag == "~":
        said = f"about {said}"
    elif flag == "?":
        said = f"{said}, uncertain"
    return _with_note(said, note)


def _with_note(said: str, note: str) -> str:
    """``said`` with ``note`` in brackets; after a semicolon when the note has brackets of its
    own, so none are nested: '26 November 2011; toll 24, 26 or 28 (sources differ)'."""
    if not note:
        return said
    return f"{said}; {note}" if "(" in note else f"{said} ({note})"


_MONTH_WORDS = {m[:3].lower(): m for m in _MONTHS} | {"sept": "September"}
_DATE_WORD = re.compile(r"[0-9]{1,4}|or|and|to|between|[–-]|,")


def _as_date_words(note: str, *, year: str) -> str:
    """``note`` with its months spelled out, if it is only a date said in words that names
    ``year`` ('Sep or Oct 2001'); '' otherwise (a caveat such as '1 May in Washington')."""
    words = re.findall(r"[A-Za-z]+\.?|[0-9]+|[–,-]", note or "")
    if not words or year not in words:
        return ""
    said = []
    for word in words:
        month = _MONTH_WORDS.get(word.rstrip(".").lower())
        if month is None and not _DATE_WORD.fullmatch(word):
            return ""
        said.append(month or word)
    return " ".join(said).replace(" ,", ",")


def describe_span(start: str, end: str = "", note: str = "") -> str:
    """Say a start date and an optional end date: 'May 1954 – 1979'."""
    if not end:
        return describe_date(start, note)
    return _with_note(f"{describe_date(start)} – {describe_date(end)}", note)
