"""Checks that read more than one column of a row (or the metadata with the rows)."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from timeline.cameo import goldstein
from timeline.data.fields import numbers
from timeline.data.info import DatasetInfo
from timeline.data.problems import Problem
from timeline.data.sources import link_count_problems


def row_problems(name: str, frame: pd.DataFrame, *, tone_required: bool = True) -> list[Problem]:
    """What a row needs given its other cells: an event's summary, themes and tone, and so on.

    ``tone_required`` is False for data that codes no tone (``DatasetInfo.tone_coded``).
    """
    problems = []
    events = frame["kind"].ne("era")
    for column in ("summary", "themes"):
        missing = events & frame[column].eq("")
        problems += [
            Problem(name, int(line), column, None, "required for events (kind 'event')")
            for line in frame.loc[missing, "line"]
        ]
    missing = events & frame["tone"].eq("") & frame["cameo"].eq("") & tone_required
    problems += [
        Problem(name, int(line), "tone", None, "required for events without a 'cameo' code")
        for line in frame.loc[missing, "line"]
    ]
    problems += _tone_override_problems(name, frame)
    problems += _callout_problems(name, frame)
    problems += _link_count_problems(name, frame)
    orphan = frame["cited"].ne("") & frame["cited_from"].eq("")
    problems += [
        Problem(
            name, int(line), "cited_from", None, "required when 'cited' is given: name the work"
        )
        for line in frame.loc[orphan, "line"]
    ]
    return problems


def _link_count_problems(name: str, frame: pd.DataFrame) -> list[Problem]:
    """Several links must be one per source, so each link stays with the source it is for."""
    rows = frame.loc[link_count_problems(frame), ["line", "url"]]
    expected = (
        "one link per source, in the order of 'source', separated by ' ; ' "
        "(an empty slot for a source without one)"
    )
    return [
        Problem(name, int(line), "url", url, expected) for line, url in rows.itertuples(index=False)
    ]


def _tone_override_problems(name: str, frame: pd.DataFrame) -> list[Problem]:
    """A tone that differs from its CAMEO code's Goldstein value must say why (tone_note)."""
    coded = frame["cameo"].ne("")
    if not coded.any():
        return []
    coded &= frame["tone"].ne("") & frame["tone_note"].eq("")
    if not coded.any():
        return []
    rows = frame.loc[coded, ["line", "cameo", "tone"]]
    scale = rows["cameo"].map(goldstein).astype("float64")
    tone = numbers(rows["tone"])
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


def _callout_problems(name: str, frame: pd.DataFrame) -> list[Problem]:
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


def quote_date_problems(
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
