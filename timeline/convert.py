"""A dataset written in another format: TimelineJS JSON, or this project's CSV and TOML.

Reading any of the formats is ``timeline.data.load_dataset``'s job; this module only writes.
Our text is plain text: everything placed in TimelineJS's HTML fields is escaped here, and only
http(s) links become ``<a href>``.
"""

from __future__ import annotations

import datetime as dt
import html
import json
from pathlib import Path

import pandas as pd

from timeline.data import Dataset, load_dataset
from timeline.data.html_text import is_web_link
from timeline.data.sources import cite
from timeline.data.timelinejs import EXTENSION, EXTENSION_FIELDS
from timeline.dates import describe_span
from timeline.export import events_to_csv

OUTPUT_FORMATS = {".json": "TimelineJS JSON", ".csv": "this project's CSV (and its .toml)"}


class ConvertError(Exception):
    """A conversion that cannot be done as asked (an unknown output type, say)."""


def convert_files(source: str | Path, target: str | Path) -> dict[Path, bytes]:
    """The files ``timeline convert source target`` writes, by the target's extension."""
    source, target = Path(source), Path(target)
    suffix = target.suffix.lower()
    if suffix not in OUTPUT_FORMATS:
        known = ", ".join(f"{k} ({v})" for k, v in OUTPUT_FORMATS.items())
        raise ConvertError(f"{target}: cannot write '{target.suffix}' files; use {known}.")
    if target.resolve() == source.resolve():
        raise ConvertError(f"{target} is the input file; name another file to write.")
    dataset = load_dataset(source)
    if suffix == ".json":
        return {target: timelinejs_json(dataset)}
    return {
        target: events_to_csv(dataset.events).encode("utf-8"),
        target.with_suffix(".toml"): info_toml(dataset).encode("utf-8"),
    }


def timelinejs_json(dataset: Dataset) -> bytes:
    """The dataset as a TimelineJS JSON file (UTF-8)."""
    doc = to_timelinejs(dataset)
    return (json.dumps(doc, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def to_timelinejs(dataset: Dataset) -> dict:
    """The dataset as a TimelineJS document: a title slide, a slide per event, the eras.

    Each slide's ``relations_timeline`` object holds what TimelineJS has no place for (every
    theme, tone, the commentary by itself, ...), so that reading the file back loses nothing.
    """
    info = dataset.info
    paragraphs = [p for p in (info.subtitle, info.about) if p]
    events, eras = [], []
    for row in dataset.events.itertuples(index=False):
        if row.kind == "era":
            eras.append(_era(dataset, row))
        else:
            events.append(_event(dataset, row))
    return {
        "title": {"text": {"headline": _escape(info.title), "text": _html(paragraphs)}},
        "events": events,
        "eras": eras,
        EXTENSION: {
            "slug": info.slug,
            "subtitle": info.subtitle,
            "about": info.about,
            "source": _plain(info.source),
            "cited": _plain(info.cited),
            "theme_labels": {t: dataset.theme_label(t) for t in dataset.themes},
            "tone_coded": info.tone_coded,
        },
    }


def _event(dataset: Dataset, row) -> dict:
    slide = {
        "unique_id": row.id,
        "start_date": _date(row.start_text),
        "display_date": describe_span(row.start_text, row.end_text, row.date_note),
        "text": {"headline": _escape(row.title), "text": _event_text(dataset, row)},
    }
    if row.end_text:
        slide["end_date"] = _date(row.end_text)
    if row.themes:
        slide["group"] = dataset.theme_label(row.themes[0])
    # No "media": TimelineJS would embed the source's page; the text links to it instead.
    slide[EXTENSION] = _extension(row)
    return slide


def _era(dataset: Dataset, row) -> dict:
    # TimelineJS needs an era's end: one without an end lasts as long as its start is wide.
    return {
        "start_date": _date(row.start_text),
        "end_date": _date(row.end_text or row.start_text, last=not row.end_text),
        "text": {"headline": _escape(row.title), "text": _event_text(dataset, row)},
        "unique_id": row.id,
        EXTENSION: _extension(row),
    }


def _event_text(dataset: Dataset, row) -> str:
    """What happened, then the author's words (attributed), the quoted paper, the sources."""
    paragraphs = [p for p in row.summary.split("\n\n") if p]
    author = dataset.info.author_short or "the article's author"
    if row.commentary:
        paragraphs.append(f"What {author} says: “{row.commentary}”")
    if row.cited:
        paragraphs.append(f"Quoted in the article from {row.cited_from}: “{row.cited}”")
    parts = [f"<p>{_escape(p)}</p>" for p in paragraphs]
    parts.append(f"<p>Sources: {_sources_html(row.source, row.url)}</p>")
    return "".join(parts)


def _sources_html(source: str, url: str) -> str:
    """'A (link); B' with each source's own link, and the row's page if it has one."""
    citation = cite(source, url)
    named = [_escape(s.text) + _link_html(s.link) for s in citation.sources]
    return "; ".join(named) + _link_html(citation.page)


def _link_html(url: str) -> str:
    return f' (<a href="{html.escape(url, quote=True)}">link</a>)' if is_web_link(url) else ""


def _extension(row) -> dict:
    values = {
        "summary": row.summary,
        "themes": list(row.themes),
        "tone": "" if pd.isna(row.tone) else f"{row.tone:g}",
        "importance": str(row.importance),
        "start": row.start_text,
        "end": row.end_text,
    }
    return {
        key: values.get(key, getattr(row, key, ""))
        for key in EXTENSION_FIELDS
        if values.get(key, getattr(row, key, ""))
    }


def _date(text: str, *, last: bool = False) -> dict:
    """'1971-07-09~' -> {'year': 1971, 'month': 7, 'day': 9}; a decade '197X' -> its first year
    (its last with ``last``). TimelineJS has no place for ~ or ?: the display date says them."""
    core = text.rstrip("~?")
    if core.endswith("X"):
        return {"year": int(core[:3] + ("9" if last else "0"))}
    keys = ("year", "month", "day")
    return {k: int(v) for k, v in zip(keys, core.split("-"), strict=False)}


def _escape(text: str) -> str:
    return html.escape(text, quote=False)


def _html(paragraphs: list[str]) -> str:
    return "".join(f"<p>{_escape(p)}</p>" for p in paragraphs)


def _plain(table: dict) -> dict:
    """A metadata table with TOML dates as text, as JSON can hold them."""
    return {str(k): v.isoformat() if isinstance(v, dt.date) else v for k, v in table.items()}


def info_toml(dataset: Dataset) -> str:
    """The dataset's metadata as the ``events.toml`` beside a CSV."""
    info = dataset.info
    lines = ["[dataset]"]
    lines += _toml_pairs(
        {"title": info.title, "subtitle": info.subtitle, "slug": info.slug, "about": info.about}
    )
    if not info.tone_coded:
        lines.append("tone_coded = false  # the events may leave tone empty")
    for section, table in (("source", info.source), ("cited", info.cited)):
        if table:
            lines += ["", f"[{section}]", *_toml_pairs(table)]
    lines += ["", "[themes]", *_toml_pairs({t: dataset.theme_label(t) for t in dataset.themes})]
    return "\n".join(lines) + "\n"


def _toml_pairs(table: dict) -> list[str]:
    return [f"{_toml_key(k)} = {_toml_value(v)}" for k, v in table.items() if v != ""]


def _toml_key(key) -> str:
    key = str(key)
    bare = key and all(c.isascii() and (c.isalnum() or c in "-_") for c in key)
    return key if bare else _toml_value(key)


def _toml_value(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    if isinstance(value, dt.date):
        value = value.isoformat()
    # A JSON string is a TOML basic string, but for DEL, which TOML wants escaped too.
    return json.dumps(str(value), ensure_ascii=False).replace("\x7f", "\\u007f")
