"""A validated events table with its metadata, and what filters ask of it (theme masks, text)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pandas as pd
import pyarrow.compute as pc
from pyarrow import array as pa_array
from pyarrow import default_memory_pool as pa_memory_pool
from pyarrow import scalar as pa_scalar

from timeline.data.fields import NO_SOURCE
from timeline.data.info import DatasetInfo


@dataclass(frozen=True)
class Dataset:
    """A validated events table with its metadata and theme lanes."""

    events: pd.DataFrame
    info: DatasetInfo
    themes: tuple[str, ...]
    path: str = ""

    def theme_label(self, theme: str) -> str:
        return self.info.theme_labels.get(theme) or theme.replace("-", " ").capitalize()

    @cached_property
    def theme_masks(self) -> dict[str, np.ndarray]:
        """For each theme, which rows of ``events`` carry it (computed once, used by filters)."""
        codes, combos = theme_combinations(self.events["themes"])
        return {t: np.array([t in c for c in combos], dtype=bool)[codes] for t in self.themes}

    @cached_property
    def era_rows(self) -> np.ndarray:
        """Which rows of ``events`` are eras (filters keep them whatever the themes or words)."""
        return self.events["kind"].eq("era").to_numpy()

    @cached_property
    def spans(self) -> tuple[np.ndarray, np.ndarray]:
        """Each row's first and last instant, as numpy datetimes: filters compare them with
        dates many times a second, and a pandas comparison costs far more than numpy's."""
        return self.events["start"].to_numpy(), self.events["end"].to_numpy()

    @cached_property
    def event_ids(self) -> frozenset[str]:
        return frozenset(self.events["id"])

    @cached_property
    def search_text(self) -> pd.Series:
        """Title, summary, commentary, quoted passage, sources and theme names, lower-cased,
        for text search: a search for "China" finds the events tagged China whatever their
        words say, and a search for a publisher finds the events it reported."""
        ev = self.events
        columns = [pa_array(ev[c]) for c in ("title", "summary", "commentary", "cited", "source")]
        columns.append(pa_array(self._theme_names(), type=columns[0].type))
        # One pass in Arrow, without the intermediate joins '+' would make.
        newline = pa_scalar("\n", type=columns[0].type)
        lowered = pc.utf8_lower(pc.binary_join_element_wise(*columns, newline))
        pa_memory_pool().release_unused()
        return pd.Series(lowered, index=ev.index, dtype="str")

    def _theme_names(self) -> np.ndarray:
        """Each row's theme names ("Security, China"), made once per distinct combination."""
        codes, combos = theme_combinations(self.events["themes"])
        names = [", ".join(self.theme_label(t) for t in combo) for combo in combos]
        return np.asarray(names, dtype=object)[codes]

    def theme_counts(self, rows: np.ndarray | None = None) -> dict[str, int]:
        """Events (not eras) per theme among ``rows`` (a mask over ``events``; all if None)."""
        is_event = self.events["kind"].eq("event").to_numpy()
        if rows is not None:
            is_event = is_event & rows
        return {t: int((mask & is_event).sum()) for t, mask in self.theme_masks.items()}


def theme_combinations(themes: pd.Series) -> tuple[np.ndarray, list[tuple[str, ...]]]:
    """(code per row, the distinct theme tuples) for a ``themes`` column."""
    codes, combos = pd.factorize(themes)
    return codes, list(combos)


def themes_by_frequency(events: pd.DataFrame) -> tuple[str, ...]:
    """The themes the events carry, most used first (the lanes when the metadata names none)."""
    codes, combos = theme_combinations(events["themes"])
    rows = np.bincount(codes, minlength=len(combos))
    counts: dict[str, int] = {}
    for combo, n in zip(combos, rows, strict=True):
        for theme in combo:
            counts[theme] = counts.get(theme, 0) + int(n)
    return tuple(sorted(counts, key=lambda t: (-counts[t], t)))


def unsourced_warning(dataset) -> str:
    """'3 events have no source (shown as “no source given”)', or '' when every row has one."""
    count = int(dataset.events["source"].eq(NO_SOURCE).sum())
    if not count:
        return ""
    rows = "row has" if count == 1 else "rows have"
    return f"{count} {rows} no source (shown as “{NO_SOURCE}”): name one in each row's source"
