"""The columns of an events CSV, their limits, and the text rules shared by the loader's parts."""

from __future__ import annotations

import re

import pandas as pd

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
SLUG = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
NO_SOURCE = "no source given"  # the source of a row read from a file that gives none (TimelineJS)


def slugify(text: str) -> str:
    """'Pakistan & US' -> 'pakistan-us'; '' when nothing of ``text`` is a letter or digit."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def numbers(column: pd.Series) -> pd.Series:
    """Text to float64 (NaN where not a number), converting each distinct value once."""
    codes, distinct = pd.factorize(column)
    parsed = pd.to_numeric(pd.Series(distinct, dtype="str"), errors="coerce")
    return pd.Series(parsed.to_numpy(dtype="float64")[codes], index=column.index)
