"""Checked text columns into typed ones: dates as intervals, tones, theme tuples, importance."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from timeline.cameo import goldstein
from timeline.data.fields import numbers
from timeline.data.problems import Problem
from timeline.dates import parse_dates


def type_columns(name: str, frame: pd.DataFrame) -> tuple[pd.DataFrame, list[Problem]]:
    """The typed events table, in date order, and the dates that could not be read."""
    start = parse_dates(frame["start"])
    end = parse_dates(frame["end"])
    problems = _date_problems(name, frame, start, end)
    typed = pd.DataFrame({**_dates(frame, start, end), **_values(frame)})
    if not typed["start"].is_monotonic_increasing:  # rows in file order are in date order
        order = np.lexsort((typed["line"].to_numpy(), typed["start"].to_numpy()))
        typed = typed.take(order)
    return typed.reset_index(drop=True), problems


def _date_problems(
    name: str, frame: pd.DataFrame, start: pd.DataFrame, end: pd.DataFrame
) -> list[Problem]:
    """Dates that do not parse, and ends before their starts."""
    problems = []
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
    return problems


def _dates(frame: pd.DataFrame, start: pd.DataFrame, end: pd.DataFrame) -> dict[str, pd.Series]:
    """The date columns: an event without an end lasts as long as its start is wide."""
    has_end = end["lo"].notna()
    return {
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
    }


def _values(frame: pd.DataFrame) -> dict[str, pd.Series]:
    """The other columns, in the order the typed table has always had them."""
    return {
        "title": frame["title"],
        "label": frame["label"],
        "summary": frame["summary"],
        "themes": _theme_lists(frame["themes"]),
        "cameo": frame["cameo"],
        "tone": _tones(frame["tone"], frame["cameo"]),
        "tone_note": frame["tone_note"],
        "importance": numbers(frame["importance"]).fillna(1).astype("int8"),
        "commentary": frame["commentary"],
        "callout": frame["callout"],
        "cited": frame["cited"],
        "cited_from": frame["cited_from"],
        "source": frame["source"],
        "url": frame["url"],
        "date_note": frame["date_note"],
        "line": frame["line"],
    }


def _tones(tone: pd.Series, cameo: pd.Series) -> pd.Series:
    """The tone given, else the Goldstein value of the row's CAMEO code (NaN if neither)."""
    values = numbers(tone)
    defaulted = values.isna() & cameo.ne("")
    if defaulted.any():
        values[defaulted] = cameo[defaulted].map(goldstein).astype("float64")
    return values


def _theme_lists(column: pd.Series) -> pd.Series:
    """'a; b' -> ('a', 'b') and '' -> () (the column is already checked).

    Each distinct cell is split once and its rows share the one (immutable) tuple: a million
    events name a few hundred combinations of themes.
    """
    codes, cells = pd.factorize(column)
    tuples = np.empty(len(cells), dtype=object)
    tuples[:] = [tuple(t for t in re.split(r"\s*;\s*", cell) if t) for cell in cells]
    return pd.Series(tuples[codes], index=column.index, dtype="object")
