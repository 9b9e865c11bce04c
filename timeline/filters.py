"""Choosing which events to show: by theme, by date range and by text.

A ``EventFilter`` is plain data; ``filter_events`` applies it; ``filter_from_query`` and
``filter_to_query`` carry it in a URL so a view can be shared. Nothing here knows about Dash.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from urllib.parse import parse_qs, urlencode

import numpy as np
import pandas as pd

from timeline.choices import CALLOUT_MODES
from timeline.data import Dataset, slugify
from timeline.dates import parse_date, remember_dates

QUERY_MAX = 200
# More pins than any slide can carry; a link with more is cut here.
PINS_MAX = 50
_ISO_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


@dataclass(frozen=True)
class EventFilter:
    """What the user asked to see. Empty means everything."""

    themes: tuple[str, ...] = ()
    date_from: str = ""
    date_to: str = ""
    query: str = ""


@dataclass(frozen=True)
class ViewState:
    """A filter plus what the presenter chose on it: everything a shared link restores.

    ``pins``: events whose callout the presenter asked for; ``callouts``: one of
    ``CALLOUT_MODES``; ``zoom``: the ISO dates a drag-zoom shows, or () for the whole range.
    ``no_themes``: every theme is unticked, so no event is shown (a link never carries it:
    ``EventFilter.themes == ()`` means every theme).
    """

    filter: EventFilter = field(default_factory=EventFilter)
    event: str = ""
    notes: tuple[str, ...] = ()
    pins: tuple[str, ...] = ()
    callouts: str = "auto"
    zoom: tuple[str, ...] = ()
    no_themes: bool = False


def filter_events(dataset: Dataset, flt: EventFilter) -> pd.DataFrame:
    """The rows of ``dataset.events`` that pass ``flt``, in date order.

    Eras are background: the theme and text filters keep them, the date range trims them.
    When every row passes, this is ``dataset.events`` itself, not a copy.
    """
    keep = filter_mask(dataset, flt)
    return dataset.events if keep.all() else dataset.events[keep]


def filter_mask(dataset: Dataset, flt: EventFilter) -> np.ndarray:
    """Which rows of ``dataset.events`` pass ``flt`` (see ``filter_events``)."""
    events = dataset.events
    keep = np.ones(len(events), dtype=bool)
    is_era = dataset.era_rows
    if flt.themes:
        in_theme = np.zeros(len(events), dtype=bool)
        for theme in flt.themes:
            if theme in dataset.theme_masks:
                in_theme |= dataset.theme_masks[theme]
        keep &= in_theme | is_era
    lo, hi = date_bounds(flt)
    starts, ends = dataset.spans
    if lo is not None:
        keep &= ends >= lo.to_datetime64()
    if hi is not None:
        keep &= starts <= hi.to_datetime64()
    query = flt.query.strip().lower()
    if query:
        found = dataset.search_text.str.contains(query, regex=False).to_numpy()
        keep &= found | is_era
    return keep


def date_bounds(flt: EventFilter) -> tuple[pd.Timestamp | None, pd.Timestamp | None]:
    """The instants a filter's date range runs from and to (None where open)."""
    lo, hi, _, _ = _parse_range(flt.date_from, flt.date_to)
    return lo, hi


@lru_cache(maxsize=512)
def _parse_range(date_from: str, date_to: str) -> tuple:
    """(from's first instant, to's last instant, from's error, to's error), None where absent.

    Cached: every filter change asks this several times of the same two short strings, and the
    column parser's fixed cost is far above the work for two values.
    """
    remember_dates([date_from, date_to])
    start, end = parse_date(date_from), parse_date(date_to)
    lo, hi = start["lo"], end["hi"]
    errors = [start["error"], end["error"]]
    return (
        None if pd.isna(lo) else lo,
        None if pd.isna(hi) else hi,
        *(None if pd.isna(e) else e for e in errors),
    )


def clean_filter(dataset: Dataset, flt: EventFilter) -> tuple[EventFilter, list[str]]:
    """Drop what a filter cannot mean for this dataset, saying what was dropped and why."""
    notes = []
    known = [t for t in dict.fromkeys(flt.themes) if t in dataset.themes]
    unknown = [t for t in dict.fromkeys(flt.themes) if t not in dataset.themes]
    if unknown:
        shown = ", ".join(repr(t[:30]) for t in unknown[:5]) + (" …" if len(unknown) > 5 else "")
        notes.append(f"Ignored unknown theme{'s' if len(unknown) > 1 else ''}: {shown}.")
    date_from, date_to = flt.date_from, flt.date_to
    errors = _parse_range(date_from, date_to)[2:]
    for i, (label, value) in enumerate((("from", date_from), ("to", date_to))):
        if value and errors[i] is not None:
            notes.append(f"Ignored the '{label}' date {value[:30]!r}: expected a year like 2001.")
            if i == 0:
                date_from = ""
            else:
                date_to = ""
    if date_from and date_to:
        lo, hi = date_bounds(EventFilter(date_from=date_from, date_to=date_to))
        if lo is not None and hi is not None and hi < lo:
            notes.append("The 'from' date was after the 'to' date; they were swapped.")
            date_from, date_to = date_to, date_from
    query = " ".join(flt.query.split())
    if len(query) > QUERY_MAX:
        notes.append(f"The search text was cut to {QUERY_MAX} characters.")
        query = query[:QUERY_MAX]
    cleaned = EventFilter(tuple(known), date_from, date_to, query)
    return cleaned, notes


def filter_from_query(dataset: Dataset, query_string: str) -> ViewState:
    """Read a view from a URL query (``?themes=a,b&from=2001&to=2021&q=drone&event=id``, and
    ``&pins=id1,id2&callouts=pinned&zoom=1998-05-01,2011-12-31``).

    Anything that does not make sense for the dataset is dropped with a note, never an error.
    """
    params = parse_qs((query_string or "").lstrip("?")[:10_000], keep_blank_values=False)

    def first(key: str) -> str:
        values = params.get(key) or [""]
        return values[0].strip()

    raw = EventFilter(_split(first("themes")), first("from"), first("to"), first("q"))
    flt, notes = clean_filter(dataset, raw)
    event = first("event")
    if event and event not in dataset.event_ids:
        notes.append(f"No event with id {event[:60]!r} in this dataset.")
        event = ""
    pins, pin_notes = clean_pins(dataset, _split(first("pins")))
    callouts = first("callouts") or "auto"
    if callouts not in CALLOUT_MODES:
        notes.append(
            f"Ignored callouts={callouts[:30]!r}: expected one of {', '.join(CALLOUT_MODES)}."
        )
        callouts = "auto"
    zoom, zoom_notes = clean_zoom(_split(first("zoom")))
    notes += pin_notes + zoom_notes
    return ViewState(flt, event, tuple(notes), pins, callouts, zoom)


def _split(text: str) -> tuple[str, ...]:
    return tuple(t.strip() for t in re.split(r"[,;]", text) if t.strip())


def clean_pins(dataset: Dataset, pins) -> tuple[tuple[str, ...], list[str]]:
    """The pinned event ids this dataset has, in order, once each; a note for the others."""
    wanted = list(dict.fromkeys(p for p in pins if isinstance(p, str)))[:PINS_MAX]
    unknown = [p for p in wanted if p not in dataset.event_ids]
    notes = []
    if unknown:
        shown = ", ".join(repr(p[:60]) for p in unknown[:5]) + (" …" if len(unknown) > 5 else "")
        notes.append(f"Ignored pins for events not in this dataset: {shown}.")
    return tuple(p for p in wanted if p in dataset.event_ids), notes


def clean_zoom(values) -> tuple[tuple[str, ...], list[str]]:
    """A zoom as two ISO dates in order (day precision), or () with a note when it is not one."""
    if not values:
        return (), []
    days = tuple(str(v)[:10] for v in values)
    shown = ",".join(str(v)[:30] for v in values[:3])
    note = [f"Ignored zoom={shown!r}: expected two dates like 1998-05-01,2011-12-31."]
    if len(days) != 2 or not all(_ISO_DAY.fullmatch(d) for d in days):
        return (), note
    lo, hi, *errors = _parse_range(*days)
    if lo is None or hi is None or any(e is not None for e in errors):
        return (), note
    return ((days[1], days[0]) if hi < lo else days), []


def zoom_range(zoom: tuple[str, ...]) -> tuple[pd.Timestamp, pd.Timestamp] | None:
    """The instants a cleaned zoom runs from and to (the whole of both days), None for none."""
    if len(zoom) != 2:
        return None
    lo, hi, _, _ = _parse_range(*zoom)
    return lo, hi


def filter_to_query(state: ViewState) -> str:
    """The URL query for a view, '' for the default view."""
    flt = state.filter
    pairs = [
        ("themes", ",".join(flt.themes)),
        ("from", flt.date_from),
        ("to", flt.date_to),
        ("q", flt.query),
        ("event", state.event),
        ("pins", ",".join(state.pins)),
        ("callouts", "" if state.callouts == "auto" else state.callouts),
        ("zoom", ",".join(state.zoom)),
    ]
    query = urlencode([(k, v) for k, v in pairs if v])
    return f"?{query}" if query else ""


def year_bounds(dataset: Dataset) -> tuple[int, int]:
    """The first and last year any row of the dataset touches."""
    events = dataset.events
    return int(events["start"].min().year), int(events["end"].max().year)


def describe_filter(dataset: Dataset, flt: EventFilter) -> str:
    """A subtitle for a filtered view: 'Security, Afghanistan · 2001–2021 · “drone”'."""
    parts = []
    if flt.themes:
        parts.append(", ".join(dataset.theme_label(t) for t in flt.themes))
    if flt.date_from and flt.date_from == flt.date_to:
        parts.append(flt.date_from)  # 'Security · 2011', not '2011–2011'
    elif flt.date_from or flt.date_to:
        parts.append(f"{flt.date_from or 'start'}–{flt.date_to or 'end'}")
    if flt.query:
        parts.append(f"“{flt.query}”")
    return " · ".join(parts) or "All themes"


NAME_MAX = 120
_WINDOWS_RESERVED = {"CON", "PRN", "AUX", "NUL"}
_WINDOWS_RESERVED |= {f"{device}{n}" for device in ("COM", "LPT") for n in "123456789"}


def filter_slug(dataset: Dataset, flt: EventFilter) -> str:
    """A file-name stem for a view: 'pakistan-us_security-afghanistan_2001-2021'.

    Only letters, digits, '-' and '_', at most NAME_MAX characters and never a name Windows
    reserves, so the file can be copied to any system (a date's '?' or '~' is left out).
    """
    parts = [dataset.info.slug]
    if flt.themes:
        parts.append("-".join(flt.themes))
    if flt.date_from or flt.date_to:
        ends = (_portable(flt.date_from) or "start", _portable(flt.date_to) or "end")
        parts.append("-".join(ends))
    if flt.query:
        parts.append(slugify(flt.query)[:30] or "search")
    stem = "_".join(p for p in parts if p)[:NAME_MAX].rstrip("-_") or "timeline"
    return f"{stem}_timeline" if stem.upper() in _WINDOWS_RESERVED else stem


def _portable(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9-]+", "", text)
