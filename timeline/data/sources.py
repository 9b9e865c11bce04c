"""A row's sources and their links.

``source`` names the row's sources, separated by ' ; '. ``url`` gives each of them its link, in
the same order and separated the same way, with an empty slot for a source that has no public
link: ``https://a.example/x ; ; https://c.example/y`` for three sources. A single link on a row
with several sources is the older form: the page the row was checked against, not any one
source's (so it is kept as the row's page rather than guessed onto a source).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd

SEPARATOR = " ; "
_SLOTS = re.compile(r"\s*;\s*")


@dataclass(frozen=True)
class Source:
    """One source as the row names it, and its link ("" when it has none)."""

    text: str
    link: str = ""


@dataclass(frozen=True)
class Citation:
    """A row's sources, each with its own link, and ``page``: one link for the whole row when
    the row gives a single link for several sources."""

    sources: tuple[Source, ...]
    page: str = ""

    @property
    def links(self) -> list[str]:
        """Every link of the row, in order, each once."""
        links = [s.link for s in self.sources if s.link] + ([self.page] if self.page else [])
        return list(dict.fromkeys(links))


def split_sources(text: str) -> list[str]:
    """A row's sources: its ``source`` cell holds several separated by ' ; '."""
    return [part.strip() for part in str(text or "").split(SEPARATOR) if part.strip()]


def split_links(url: str) -> list[str]:
    """The slots of a ``url`` cell, in order, "" for an empty one; [] for an empty cell."""
    url = str(url or "").strip()
    return [slot.strip() for slot in _SLOTS.split(url)] if url else []


def cite(source: str, url: str) -> Citation:
    """The row's sources paired with their links (see the module's note on the older form)."""
    sources = split_sources(source)
    links = split_links(url)
    if len(links) == 1 and len(sources) != 1:
        return Citation(tuple(Source(s) for s in sources), page=links[0])
    padded = links + [""] * (len(sources) - len(links))
    return Citation(tuple(Source(s, link) for s, link in zip(sources, padded, strict=False)))


def link_count_problems(frame: pd.DataFrame) -> pd.Series:
    """Rows whose ``url`` has several slots but not one per source (a boolean mask)."""
    slots = frame["url"].str.count(";") + 1
    sources = frame["source"].str.count(re.escape(SEPARATOR)) + 1
    return frame["url"].str.contains(";", regex=False) & slots.ne(sources)
