"""The page: header, filters, chart, event list, detail panel and export controls.

Functions here build components from a dataset and a ``views.View``; they hold no state and
do no data work: ``views.build_view`` does it. Dash escapes all text it renders, so data stays
data.
"""

from __future__ import annotations

import dash_ag_grid as dag
from dash import dcc, html

from timeline import ids
from timeline.chart import CALLOUT_MODES, SYMBOL_KEY, theme_lanes
from timeline.contract import APP_CHART_HEIGHT
from timeline.data import Dataset
from timeline.filters import year_bounds
from timeline.panels import (
    detail_placeholder,
    export_panel,
    link,
    stories_control,
    story_panel,
)
from timeline.views import View

# No camera button: "Export image" makes the slide (title, source, legible text); the camera
# saved a different, worse picture under the same name.
CHART_CONFIG = {
    "displaylogo": False,
    "responsive": True,
    "modeBarButtonsToRemove": ["select2d", "lasso2d", "autoScale2d", "toImage"],
}
CALLOUT_LABELS = {"auto": "auto", "pinned": "pinned only", "none": "none"}


def build_layout(dataset: Dataset, first: View, stories=()) -> html.Div:
    """The page, showing ``first`` (the default view) before any callback has run, with
    ``stories`` (``timeline.stories.Story``) to play.

    With the first view in the page, the chart is drawn as soon as Plotly has loaded; a link
    with filters in it redraws once the filters are read.
    """
    filters = _filters(dataset, year_bounds(dataset), theme_options(dataset, first.theme_counts))
    return html.Div(
        className="page",
        children=[
            dcc.Location(id=ids.URL, refresh=False),
            dcc.Store(id=ids.SELECTED, data=""),
            dcc.Store(id=ids.PINS, data=[]),
            dcc.Store(id=ids.ZOOM, data=[]),
            dcc.Store(id=ids.VIEW_PENDING),
            # The event list is drawn after the chart (assets/clientside.js, showList): AG Grid
            # takes a quarter of a second to start, and the chart is what people wait for.
            dcc.Store(id=ids.GRID_ROWS, data=first.rows),
            dcc.Store(id=ids.GRID_SPEC, data=event_grid().to_plotly_json()),
            dcc.Download(id=ids.DOWNLOAD),
            dcc.Store(id=ids.STORY, data={}),
            dcc.Store(id=ids.STORY_KEY),
            _masthead(dataset),
            html.Div(
                className="workspace",
                children=[
                    html.Aside(
                        className="controls",
                        children=[stories_control(stories), filters, export_panel(first)],
                    ),
                    _content(first),
                ],
            ),
        ],
    )


def _masthead(dataset: Dataset) -> html.Header:
    info = dataset.info
    return html.Header(
        className="masthead",
        children=[
            html.H1(info.title),
            html.P(info.subtitle, className="subtitle") if info.subtitle else None,
            html.P(_attribution(dataset), className="attribution"),
            html.Details(
                className="about",
                children=[
                    html.Summary("About this data"),
                    html.P(info.about or "Each event names the source of its facts."),
                ],
            ),
        ],
    )


def _content(first: View) -> html.Main:
    """Notes, count, chart, key, event list and detail panel."""
    loading = html.P("Loading the list…", className="hint")
    return html.Main(
        className="content",
        children=[
            story_panel(),
            html.Div(id=ids.NOTES, className="notes", role="status"),
            html.P(first.count, id=ids.COUNT, className="count", **{"aria-live": "polite"}),
            # A fixed-height box the responsive graph fills; the figure's callouts are laid
            # out for this height (views.APP_STYLE), so CSS does not set it.
            html.Div(
                className="chart-box",
                style={"height": f"{APP_CHART_HEIGHT}px"},
                children=[
                    dcc.Graph(
                        id=ids.CHART, className="chart", figure=first.figure, config=CHART_CONFIG
                    ),
                ],
            ),
            _legend_key(),
            html.Div(
                className="below-chart",
                children=[
                    html.Section(
                        className="list",
                        children=[
                            html.H2("Events"),
                            html.Div(id=ids.LIST_SLOT, className="list-slot", children=loading),
                        ],
                    ),
                    html.Section(
                        id=ids.DETAIL,
                        className="detail",
                        tabIndex="-1",
                        **{"aria-live": "polite"},
                        children=detail_placeholder(),
                    ),
                ],
            ),
        ],
    )


def _attribution(dataset: Dataset) -> list:
    src = dataset.info.source
    if not src:
        return ["Facts: the sources named on each event."]
    title = src.get("title", "the article")
    linked = link(title, src.get("url", "")) if src.get("url") else html.Cite(title)
    by = ", ".join(str(p) for p in (src.get("author"), src.get("publisher"), src.get("date")) if p)
    return [
        "Commentary from ",
        linked,
        f", {by}. " if by else ". ",
        "Facts: the sources named on each event.",
    ]


def _filters(dataset: Dataset, years: tuple[int, int], options: list[dict]) -> html.Section:
    lo, hi = years
    step = 10 if hi - lo > 30 else 5
    marks = {y: str(y) for y in range(lo - lo % step + step, hi + 1, step * 2)}
    return html.Section(
        className="filters",
        children=[
            html.H2("Filter"),
            html.Label("Search", htmlFor=ids.SEARCH, className="field-label"),
            dcc.Input(
                id=ids.SEARCH,
                type="search",
                debounce=0.3,
                placeholder="title, summary, commentary",
                maxLength=200,
                className="search",
                value="",
            ),
            html.Div("Themes", className="field-label", id="themes-label"),
            dcc.Checklist(
                id=ids.THEMES,
                options=options,
                value=list(dataset.themes),
                className="themes",
                labelClassName="theme-option",
                inputClassName="theme-input",
            ),
            html.Div("Years", className="field-label", id="years-label"),
            dcc.RangeSlider(
                id=ids.YEARS,
                min=lo,
                max=hi,
                step=1,
                value=[lo, hi],
                marks=marks,
                allowCross=False,
                tooltip={"placement": "bottom", "always_visible": False},
                className="years",
            ),
            html.Div("Callouts", className="field-label", id="callouts-label"),
            dcc.RadioItems(
                id=ids.CALLOUTS,
                value="auto",
                inline=True,
                className="callout-modes",
                options=[{"label": CALLOUT_LABELS[m], "value": m} for m in CALLOUT_MODES],
            ),
            html.Button("Reset filters", id=ids.RESET, className="button secondary", n_clicks=0),
        ],
    )


def theme_options(dataset: Dataset, counts: dict[str, int]) -> list[dict]:
    """The theme checklist: each theme's colour, name and its number of events in the view."""
    lanes = theme_lanes(dataset.themes, dataset.info.theme_labels)
    return [
        {
            "label": html.Span(
                className="theme-label",
                children=[
                    html.Span(className="swatch", style={"backgroundColor": lane.color}),
                    html.Span(lane.label, className="theme-name"),
                    html.Span(f"{counts.get(lane.theme, 0):,}", className="theme-count"),
                ],
            ),
            "value": lane.theme,
        }
        for lane in lanes
    ]


def _legend_key() -> html.Div:
    return html.Div(
        className="legend-key",
        children=[
            *(html.Span(f"{mark} {name}") for name, mark in SYMBOL_KEY),
            html.Span("solid bar: lasted from start to end"),
            html.Span("shaded bands: eras"),
        ],
    )


def validation_layout(page: html.Div) -> html.Div:
    """The page plus what callbacks add to it later (event list, pin button), for Dash's checks."""
    return html.Div([page, event_grid(), html.Button(id=ids.PIN_BUTTON)])


def event_grid() -> dag.AgGrid:
    """The event list: date, title, themes and tone, sortable, one row selectable.

    Made without rows: the browser builds it from this spec and fills it (clientside showList).
    """
    return dag.AgGrid(
        id=ids.GRID,
        columnDefs=[
            {
                "field": "start_iso",
                "headerName": "Date",
                "sort": "asc",
                "width": 150,
                "valueFormatter": {"function": "params.data.when"},
            },
            {
                "field": "title",
                "headerName": "Event",
                "flex": 3,
                "minWidth": 220,
                "tooltipField": "title",
            },
            {"field": "themes", "headerName": "Themes", "flex": 1, "minWidth": 140},
            {"field": "tone", "headerName": "Tone", "width": 90, "type": "numericColumn"},
        ],
        rowData=[],
        getRowId="params.data.id",
        defaultColDef={"sortable": True, "resizable": True},
        dashGridOptions={
            "rowSelection": {
                "mode": "singleRow",
                "checkboxes": False,
                "enableClickSelection": True,
            },
            "animateRows": False,
            "localeText": {"noRowsToShow": "No events match these filters."},
        },
        className="ag-theme-quartz",
        style={"height": "360px", "width": "100%"},
    )
