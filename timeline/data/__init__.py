"""Read and validate an events CSV (and its metadata) into a typed DataFrame.

Every problem found is collected and reported together, each naming the file, line, column, the
bad value and what was expected, so one run of ``timeline validate`` is enough to fix a file.

The package's face is this module; its parts, in the order a load runs them:
``read`` (bytes -> text columns), ``schema`` (per-column checks), ``rules`` (checks across
columns), ``columns`` (text -> typed columns), ``info`` (``events.toml``) and ``dataset``.
"""

from __future__ import annotations

import gc
import os
from contextlib import contextmanager
from pathlib import Path

import pandas as pd
from pyarrow import default_memory_pool as pa_memory_pool

from timeline.data.columns import type_columns
from timeline.data.dataset import Dataset, theme_combinations, themes_by_frequency
from timeline.data.fields import (
    CALLOUT_MAX,
    COLUMNS,
    KINDS,
    LABEL_MAX,
    REQUIRED_COLUMNS,
    SLUG,
    TITLE_MAX,
    slugify,
)
from timeline.data.info import DatasetInfo, load_info
from timeline.data.problems import DataError, Problem
from timeline.data.read import DEFAULT_MAX_BYTES, max_bytes, read_frame, timelinejs_format
from timeline.data.rules import quote_date_problems, row_problems
from timeline.data.schema import schema_problems

__all__ = [
    "CALLOUT_MAX",
    "COLUMNS",
    "DEFAULT_MAX_BYTES",
    "KINDS",
    "LABEL_MAX",
    "REQUIRED_COLUMNS",
    "SLUG",
    "TITLE_MAX",
    "DataError",
    "Dataset",
    "DatasetInfo",
    "Problem",
    "check_events",
    "load_dataset",
    "load_events",
    "load_info",
    "max_bytes",
    "slugify",
    "theme_combinations",
]


def load_dataset(path: str | os.PathLike, info_path: str | os.PathLike | None = None) -> Dataset:
    """Load ``path`` and the metadata beside it (``events.toml`` for ``events.csv``).

    ``path`` may also be a TimelineJS file (``.json``, or its sheet as ``.csv`` or ``.xlsx``),
    read as it is: the one place where the file's format is decided.
    Raises DataError listing every problem when the file cannot be used as it is.
    """
    path = Path(path)
    if timelinejs_format(path):
        with _no_cycle_collection():
            return _load_timelinejs(path)
    return _load_ours(path, info_path)


@contextmanager
def _no_cycle_collection():
    """Python's cycle collector paused while a TimelineJS file loads, and then as it was: its
    slides make tens of thousands of lists, tuples and parsed elements, none in a cycle, and
    each batch of them set it walking every object the process holds (17 ms of a 10,000-slide
    file's 365, measured; our CSV's columns are made in Arrow and set it off about never).

    The pause is the process's: its other threads' garbage waits for the load (well under a
    second), and a process forked meanwhile would start with the collector paused. The app
    loads its data before it serves or forks; another thread's load may resume it first."""
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()


def _load_ours(path: Path, info_path: str | os.PathLike | None) -> Dataset:
    info_path = Path(info_path) if info_path else path.with_suffix(".toml")
    info = load_info(info_path, default_title=path.stem)
    events = load_events(path, theme_labels=info.theme_labels, tone_required=info.tone_coded)
    problems = quote_date_problems(str(path), events, info, info_path)
    if problems:
        raise DataError(problems)
    themes = tuple(info.theme_labels) or themes_by_frequency(events)
    return Dataset(events=events, info=info, themes=themes, path=str(path))


def _load_timelinejs(path: Path) -> Dataset:
    # Imported here: its HTML parser and JSON reader are not needed for this project's CSV.
    from timeline.data.timelinejs import read_timelinejs

    frame, info, located = read_timelinejs(path)
    try:
        events = check_events(str(path), frame, [], info.theme_labels, tone_required=False)
        problems = quote_date_problems(str(path), events, info, path)
    except DataError as exc:
        problems = exc.problems
    if problems:
        raise located(problems)
    return Dataset(events=events, info=info, themes=tuple(info.theme_labels), path=str(path))


def load_events(
    path: str | os.PathLike,
    theme_labels: dict[str, str] | None = None,
    *,
    tone_required: bool = True,
) -> pd.DataFrame:
    """Read an events CSV into a typed, validated DataFrame (one row per CSV record)."""
    frame, problems = read_frame(Path(path))
    return check_events(str(path), frame, problems, theme_labels, tone_required=tone_required)


def _every_column(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame's columns in order, each column it leaves out as "" in every row, as
    ``reindex(fill_value="")`` gives them, in a quarter of the time: a TimelineJS file leaves
    out half, and they share one array of "" (the checks replace a column, never write into
    one: a write into one would show in all)."""
    wanted = [*COLUMNS, "line"]
    missing = [c for c in wanted if c not in frame.columns]
    if not missing:
        return frame.reindex(columns=wanted)
    empty = pd.array([""] * len(frame), dtype="str")
    columns = {c: empty if c in missing else frame[c] for c in wanted}
    return pd.DataFrame(columns, index=frame.index, copy=False)


def check_events(
    name: str,
    frame: pd.DataFrame,
    problems: list[Problem],
    theme_labels: dict[str, str] | None = None,
    *,
    tone_required: bool = True,
) -> pd.DataFrame:
    """Check a frame of text columns (plus ``line``) and type it; DataError on any problem."""
    given = [c for c in COLUMNS if c in frame.columns]
    frame = _every_column(frame)
    for column in given:
        frame[column] = frame[column].str.strip()
    problems += schema_problems(name, frame, theme_labels or {}, given)
    problems += row_problems(name, frame, tone_required=tone_required)
    typed, date_problems = type_columns(name, frame)
    problems += date_problems
    if problems:
        problems.sort(
            key=lambda p: (p.line or 0, COLUMNS.index(p.column) if p.column in COLUMNS else -1)
        )
        raise DataError(problems)
    del frame
    # Arrow's allocator keeps what the reader and the checks freed; hand it back to the system,
    # or a 1M-row file would leave the server holding several times its size.
    pa_memory_pool().release_unused()
    return typed
