"""The fields of a dataset's ``events.toml`` and the type each must have.

What the CSV has in ``schema.py``, the metadata has here: every field the app reads is checked
when the file is loaded, and each problem names the file, line, table and field, the value and
what was expected, so a wrong type is found by ``timeline validate``, not by a crash later.
Fields the loader does not use are accepted and ignored.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass

from timeline.data.fields import SLUG
from timeline.data.problems import Problem

TEXT = "text in quotes"
DATE = 'a date: 2021-09-02, or in quotes "2021-09-02", "2021-09" or "2021"'
URL = 'an http(s) link in quotes, e.g. "https://example.org/page"'
NAMES = 'a list of names in quotes, e.g. ["Pakistan", "United States"]'
THEME_NAME = "a lowercase slug like india-kashmir as a theme's name"

# table -> field -> what its value must be
FIELDS: dict[str, dict[str, str]] = {
    "dataset": {
        "title": TEXT,
        "subtitle": TEXT,
        "slug": TEXT,
        "about": TEXT,
        "countries": NAMES,
    },
    "source": {
        "title": TEXT,
        "author": TEXT,
        "authors": TEXT,
        "publisher": TEXT,
        "date": DATE,
        "url": URL,
    },
    "cited": {
        "title": TEXT,
        "author": TEXT,
        "authors": TEXT,
        "publisher": TEXT,
        "date": DATE,
        "written_before": DATE,
        "url": URL,
    },
}
_PARTIAL_DATE = re.compile(r"\d{4}(-\d{2}(-\d{2})?)?")


@dataclass(frozen=True)
class FieldProblem(Problem):
    """A problem with one field of a TOML file; ``column`` holds "[table] field"."""

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        value = f" = {self.value}" if self.value is not None else ""
        return f"{where}: {self.column}{value} — expected {self.expected}"


def info_problems(name: str, text: str, raw: dict) -> list[Problem]:
    """Every field of ``raw`` (the parsed ``text`` of file ``name``) with the wrong type."""
    lines = _field_lines(text)
    problems: list[Problem] = []

    def problem(table: str, key: str, value, expected: str) -> None:
        shown = None if value is None else _toml(value)
        # A field's own line, else its table's: its [header], or "table = ..." at the top.
        line = lines.get((table, key)) or lines.get((table, None)) or lines.get(("", table))
        problems.append(FieldProblem(name, line, f"[{table}] {key}".strip(), shown, expected))

    for table in (*FIELDS, "themes"):
        section = raw.get(table, {})
        if not isinstance(section, dict):
            problem(table, "", section, "a [table]")
            continue
        if table == "themes":
            for theme, label in section.items():
                if not re.match(SLUG, theme):
                    problem(table, theme, None, THEME_NAME)
                elif not isinstance(label, str):
                    problem(table, theme, label, f'its label {TEXT}, e.g. {theme} = "Security"')
            continue
        for key, expected in FIELDS[table].items():
            if key in section and not _fits(section[key], expected):
                problem(table, key, section[key], expected)
    return problems


def _fits(value, expected: str) -> bool:
    if expected == TEXT:
        return isinstance(value, str)
    if expected == NAMES:
        return isinstance(value, list) and all(isinstance(v, str) for v in value)
    if expected == URL:
        return isinstance(value, str) and value.startswith(("http://", "https://"))
    if isinstance(value, dt.datetime):
        return False  # a date, not a moment
    if isinstance(value, dt.date):
        return True
    return isinstance(value, str) and _valid_date(value)


def _valid_date(text: str) -> bool:
    if not _PARTIAL_DATE.fullmatch(text):
        return False
    parts = [int(p) for p in text.split("-")] + [1, 1]
    try:
        dt.date(*parts[:3])
    except ValueError:
        return False
    return True


def _toml(value) -> str:
    """``value`` as it would be written in TOML, shortened."""
    if isinstance(value, dt.date | dt.datetime | dt.time):
        text = value.isoformat()
    else:
        text = json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= 60 else text[:57] + "..."


def _field_lines(text: str) -> dict[tuple[str, str | None], int]:
    """Where each ``[table]`` and ``key =`` of a TOML text starts (1-based), as (table, key)."""
    found: dict[tuple[str, str | None], int] = {}
    table = ""
    for number, line in enumerate(text.splitlines(), start=1):
        header = re.match(r"\s*\[\s*([A-Za-z0-9_-]+)\s*\]", line)
        if header:
            table = header.group(1)
            found.setdefault((table, None), number)
            continue
        key = re.match(r"\s*\"?([A-Za-z0-9_-]+)\"?\s*=", line)
        if key:
            found.setdefault((table, key.group(1)), number)
    return found
