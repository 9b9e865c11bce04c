"""A view is a dataset seen through a filter: the chart and the export files made from it.

``build_view`` is the one trip down and back for the app: from the dataset and the cleaned
view state to everything the page shows for it. Nothing here knows about Dash.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from timeline.access import describe_view
from timeline.chart import FigureStyle, Lane, build_timeline_figure, padded_range, theme_lanes
from timeline.contract import APP_CHART_HEIGHT, APP_CHART_WIDTH, CSV_DOWNLOAD_PATH, META
from timeline.data import Dataset
from timeline.dates import describe_span
from timeline.export import ExportEngine, ImageSpec, events_csv_chunks
from timeline.filters import (
    EventFilter,
    ViewState,
    date_bounds,
    describe_filter,
    filter_events,
    filter_mask,
    filter_slug,
    filter_to_query,
    year_bounds,
    zoom_range,
)

# Callouts are laid out for a chart this size; wider screens only spread them further apart.
APP_STYLE = FigureStyle(width=APP_CHART_WIDTH, height=APP_CHART_HEIGHT)
# The list stays quick to draw; a count says when it holds fewer rows than the view.
GRID_ROW_LIMIT = 2000


@dataclass(frozen=True)
class View:
    """Everything the page shows for one view state."""

    figure: dict  # the chart, as plain dicts; layout.meta[META.VIEW] is the view's URL query
    theme_counts: dict[str, int]  # events per theme in the view, whichever themes are ticked
    rows: list[dict]  # the event list (see ``grid_rows``)
    count: str  # "Showing 12 of 60 events", or why nothing is shown
    title: str  # what an export is titled unless the presenter types a title
    description: str  # what an export is subtitled unless the presenter types a subtitle
    file_name: str  # an export's file name, without its extension
    notes: tuple[str, ...]  # what was dropped from the link, and why
    csv_href: str | None  # the CSV download, relative to the page; None when no theme is ticked
    summary: str = ""  # the chart in words, its text alternative (access.describe_view)


def build_view(dataset: Dataset, state: ViewState, style: FigureStyle = APP_STYLE) -> View:
    """The chart, list, counts and texts of ``state`` (cleaned: see ``filters.clean_filter``),
    the chart laid out for ``style`` (the size of the box it is drawn in)."""
    flt = state.filter
    events, lanes = _shown(dataset, state)
    figure = build_view_figure(
        dataset,
        flt,
        style=style,
        selected=state.event,
        events=events,
        lanes=lanes,
        pins=state.pins,
        callouts=state.callouts,
        x_range=zoom_range(state.zoom),
        as_dict=True,
    )
    # Which view this figure draws, so the page can tell when a link's view is on screen, and
    # the box it is laid out for, so a smaller box (a phone's) waits for its own.
    add_meta(figure, {META.VIEW: filter_to_query(state), META.BOX: [style.width, style.height]})
    ignoring_themes = filter_mask(dataset, EventFilter((), flt.date_from, flt.date_to, flt.query))
    return View(
        figure=figure,
        theme_counts=dataset.theme_counts(ignoring_themes),
        rows=grid_rows(events, dataset),
        count=_count_text(dataset, events, state),
        title=view_title(dataset, state),
        description=describe_filter(dataset, flt),
        file_name=filter_slug(dataset, flt),
        notes=state.notes,
        summary=describe_view(events, themes=len(lanes)),
        csv_href=None if state.no_themes else CSV_DOWNLOAD_PATH + filter_to_query(ViewState(flt)),
    )


def _shown(dataset: Dataset, state: ViewState) -> tuple[pd.DataFrame, list[Lane]]:
    events = filter_events(dataset, state.filter)
    if state.no_themes:
        return events[events["kind"].eq("era")], []
    return events, _lanes(dataset, state.filter)


def _lanes(dataset: Dataset, flt: EventFilter) -> list[Lane]:
    # Each theme keeps its colour (and place) whichever themes are shown, as in the theme list.
    return [
        lane
        for lane in theme_lanes(dataset.themes, dataset.info.theme_labels)
        if not flt.themes or lane.theme in flt.themes
    ]


def _count_text(dataset: Dataset, events: pd.DataFrame, state: ViewState) -> str:
    if state.no_themes:
        return "No theme chosen: tick at least one theme to see events."
    n = int(events["kind"].eq("event").sum())
    if n == 0:
        return "No events match these filters. Try fewer words or a wider date range."
    total = int(dataset.events["kind"].eq("event").sum())
    count = f"Showing {n:,} of {total:,} events"
    if n > GRID_ROW_LIMIT:
        count += f" (the list holds the first {GRID_ROW_LIMIT:,}; narrow the filters)"
    return count


def grid_rows(events: pd.DataFrame, dataset: Dataset) -> list[dict]:
    """Rows for the event list (events only, at most GRID_ROW_LIMIT)."""
    items = events[events["kind"].eq("event")].head(GRID_ROW_LIMIT)
    labels = {t: dataset.theme_label(t) for t in dataset.themes}
    # Only the columns shown, so no row pays for converting the unused timestamps.
    shown = items[["id", "start_text", "end_text", "title", "themes", "tone"]].assign(
        start_iso=items["start"].dt.strftime("%Y-%m-%d")
    )
    return [
        {
            "id": row.id,
            "start_iso": row.start_iso,
            "when": describe_span(row.start_text, row.end_text),
            "title": row.title,
            "themes": ", ".join(labels.get(t, t) for t in row.themes),
            "tone": None if pd.isna(row.tone) else float(row.tone),
        }
        for row in shown.itertuples(index=False)
    ]


def view_title(dataset: Dataset, state: ViewState) -> str:
    """The dataset's title, stating the view's years when they are not the dataset's own.

    A trailing year range in the title ("…, 1947–2021") is replaced; otherwise the years are
    appended. The zoom, when there is one, is what the view shows; else the date filter.
    """
    title = dataset.info.title
    first, last = year_bounds(dataset)
    if state.zoom:
        y0, y1 = int(state.zoom[0][:4]), int(state.zoom[1][:4])
    else:
        flt = state.filter
        y0 = int(flt.date_from[:4]) if flt.date_from[:4].isdigit() else first
        y1 = int(flt.date_to[:4]) if flt.date_to[:4].isdigit() else last
    if (y0, y1) == (first, last):
        return title
    years = str(y0) if y0 == y1 else f"{y0}–{y1}"
    stem = _TRAILING_YEARS.sub("", title)
    return f"{stem}, {years}" if stem else years


_TRAILING_YEARS = re.compile(r"[,:·\s(–-]*\b\d{4}\s*[–-]\s*\d{4}\)?\s*$")


def build_view_figure(
    dataset: Dataset,
    flt: EventFilter,
    *,
    style: FigureStyle | None = None,
    selected: str = "",
    events: pd.DataFrame | None = None,
    lanes: list[Lane] | None = None,
    pins: tuple[str, ...] = (),
    callouts: str = "auto",
    title: str | None = None,
    subtitle: str | None = None,
    x_range: tuple[pd.Timestamp, pd.Timestamp] | None = None,
    as_dict: bool = False,
) -> go.Figure | dict:
    """The chart of ``dataset`` filtered by ``flt``, titled and attributed for a slide.

    ``events`` and ``lanes``, when given, are what ``flt`` leaves (computed once by the caller).
    ``as_dict``: plain dicts rather than a graph object (see ``build_timeline_figure``).
    """
    shown = filter_events(dataset, flt) if events is None else events
    title = dataset.info.title if title is None else title
    fig = build_timeline_figure(
        shown,
        _lanes(dataset, flt) if lanes is None else lanes,
        style=style,
        title=title,
        subtitle=describe_filter(dataset, flt) if subtitle is None else subtitle,
        footer=footer_text(dataset),
        author=dataset.info.author_short or "the article's author",
        selected=selected,
        x_range=x_range or padded_range(shown, *date_bounds(flt)),
        pins=pins,
        callouts=callouts,
        as_dict=as_dict,
    )
    # The title as typed, for what shows it outside the chart (an HTML export's <title>).
    add_meta(fig, {META.TITLE: title})
    return fig


def add_meta(fig: go.Figure | dict, values: dict) -> None:
    """Add ``values`` to the figure's ``layout.meta`` (a graph object or plain dicts)."""
    if isinstance(fig, dict):
        fig["layout"]["meta"] = {**(fig["layout"].get("meta") or {}), **values}
    else:
        meta = fig.layout.meta if isinstance(fig.layout.meta, dict) else {}
        fig.update_layout(meta={**meta, **values})


def footer_text(dataset: Dataset) -> str:
    attribution = dataset.info.attribution
    lead = f"Commentary: {attribution} · " if attribution else ""
    return f"{lead}Facts: sources listed per event · data: Relations Timeline"


def export_view(
    dataset: Dataset,
    flt: EventFilter,
    spec: ImageSpec,
    engine: ExportEngine,
    *,
    pins: tuple[str, ...] = (),
    callouts: str = "auto",
    title: str | None = None,
    subtitle: str | None = None,
    x_range: tuple[pd.Timestamp, pd.Timestamp] | None = None,
    text_scale: float = 1.0,
) -> tuple[bytes, str]:
    """The bytes and file name of an image (or HTML page) of the view.

    ``pins``/``callouts`` choose the callouts (see ``build_timeline_figure``); ``title`` and
    ``subtitle`` replace the dataset's title and the filter's description; ``x_range`` is a zoom;
    ``text_scale`` enlarges the text for an image shown smaller than its pixels.
    """
    fig = export_figure(
        dataset,
        flt,
        spec,
        pins=pins,
        callouts=callouts,
        title=title,
        subtitle=subtitle,
        x_range=x_range,
        text_scale=text_scale,
    )
    return engine.render(fig, spec), f"{filter_slug(dataset, flt)}.{spec.format}"


def export_figure(
    dataset: Dataset, flt: EventFilter, spec: ImageSpec, *, text_scale: float = 1.0, **chosen
) -> go.Figure:
    """The figure ``export_view`` draws (``chosen``: its pins, callouts, title, subtitle and
    x_range)."""
    style = FigureStyle(
        width=spec.width,
        height=spec.height,
        presentation=True,
        transparent=spec.transparent,
        theme=spec.style,
        text_scale=text_scale,
    )
    return build_view_figure(dataset, flt, style=style, **chosen)


def warm_up_figure(dataset: Dataset) -> dict:
    """What the app's export engine draws as it starts: the export a click on "Export image"
    makes first (the default view, as a slide), as plain dicts, as an export job sends it.

    Built in the app's process, it also does there, once, the imports and first-call work
    that building an export figure brings, so the export jobs forked from it find them done.
    """
    state = ViewState()
    fig = export_figure(dataset, state.filter, ImageSpec(), title=view_title(dataset, state))
    return fig.to_dict()


def export_view_csv(dataset: Dataset, flt: EventFilter) -> tuple[Iterator[str], str]:
    """The filtered events in the dataset's CSV format, in pieces to stream, and a file name."""
    rows = np.flatnonzero(filter_mask(dataset, flt))
    return events_csv_chunks(dataset.events, rows), f"{filter_slug(dataset, flt)}.csv"
