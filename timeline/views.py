"""A view is a dataset seen through a filter: the chart and the export files made from it."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from timeline.chart import FigureStyle, build_timeline_figure, padded_range, theme_lanes
from timeline.data import Dataset
from timeline.export import ExportEngine, ImageSpec, events_to_csv
from timeline.filters import (
    EventFilter,
    date_bounds,
    describe_filter,
    filter_events,
    filter_slug,
)


def build_view_figure(
    dataset: Dataset,
    flt: EventFilter,
    *,
    style: FigureStyle | None = None,
    selected: str = "",
    events: pd.DataFrame | None = None,
    pins: tuple[str, ...] = (),
    callouts: str = "auto",
    title: str | None = None,
    subtitle: str | None = None,
    x_range: tuple[pd.Timestamp, pd.Timestamp] | None = None,
    as_dict: bool = False,
) -> go.Figure | dict:
    """The chart of ``dataset`` filtered by ``flt``, titled and attributed for a slide.

    ``as_dict``: plain dicts rather than a graph object (see ``build_timeline_figure``).
    """
    shown = filter_events(dataset, flt) if events is None else events
    # Each theme keeps its colour (and place) whichever themes are shown, as in the theme list.
    lanes = [
        lane
        for lane in theme_lanes(dataset.themes, dataset.info.theme_labels)
        if not flt.themes or lane.theme in flt.themes
    ]
    return build_timeline_figure(
        shown,
        lanes,
        style=style,
        title=dataset.info.title if title is None else title,
        subtitle=describe_filter(dataset, flt) if subtitle is None else subtitle,
        footer=footer_text(dataset),
        author=dataset.info.author_short or "the article's author",
        selected=selected,
        x_range=x_range or padded_range(shown, *date_bounds(flt)),
        pins=pins,
        callouts=callouts,
        as_dict=as_dict,
    )


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
    style = FigureStyle(
        width=spec.width,
        height=spec.height,
        presentation=True,
        transparent=spec.transparent,
        theme=spec.style,
        text_scale=text_scale,
    )
    fig = build_view_figure(
        dataset,
        flt,
        style=style,
        pins=pins,
        callouts=callouts,
        title=title,
        subtitle=subtitle,
        x_range=x_range,
    )
    return engine.render(fig, spec), f"{filter_slug(dataset, flt)}.{spec.format}"


def export_view_csv(dataset: Dataset, flt: EventFilter) -> tuple[str, str]:
    """The filtered events in the dataset's CSV format, and a file name for them."""
    return events_to_csv(filter_events(dataset, flt)), f"{filter_slug(dataset, flt)}.csv"
