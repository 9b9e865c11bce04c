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

CALLOUT_LABELS = {"auto": "auto", "pinned": "pinned only", "none": "none"}


def build_layout(dataset: Dataset, first: View, stories=()) -> html.Div:
    """The page, showing ``first`` (the default view) before any callback has run, with
    ``stories`` (``timeline.stories.Story``) to play.

    With the first view in the page, the chart is drawn as soon as Plotly has loaded; a link
    with filters in it redraws once the filters are read.
    """
    filters = _filters(dataset, year_bounds(dataset))
    return html.Div(
        className="page",
        children=[
            dcc.Location(id=ids.URL, refresh=False),
            dcc.Store(id=ids.SELECTED, data=""),
            dcc.Store(id=ids.PINS, data=[]),
            dcc.Store(id=ids.ZOOM, data=[]),
            dcc.Store(id=ids.VIEW_PENDING),
            dcc.Store(id=ids.THEMES_CHOSEN, data=list(dataset.themes)),
            dcc.Store(id=ids.THEME_CHOICES, data=theme_choices(dataset, first.theme_counts)),
            # The chart box's size in CSS pixels (assets/controls.js): the figure is laid out
            # for it, so callouts fit a phone as they fit a laptop.
            dcc.Store(id=ids.CHART_SIZE, data={}),
            # The chart's figure, drawn by Plotly in the chart's box (assets/clientside.js,
            # drawChart), and what Plotly reports: a click's points, a zoom or pan. The first
            # figure is not in the layout: the page carries it (first_paint.py), drawn before
            # Dash has started, and the layout would send it again.
            dcc.Store(id=ids.CHART_FIGURE),
            dcc.Store(id=ids.CHART_CLICK),
            dcc.Store(id=ids.CHART_RELAYOUT),
            # The event list is drawn after the chart (assets/clientside.js, showList): AG Grid
            # takes a quarter of a second to start, and the chart is what people wait for.
            dcc.Store(id=ids.GRID_ROWS, data=first.rows),
            dcc.Store(id=ids.GRID_SPEC, data=event_grid().to_plotly_json()),
            dcc.Download(id=ids.DOWNLOAD),
            dcc.Store(id=ids.STORY, data={}),
            dcc.Store(id=ids.STORY_KEY),
            html.A("Skip to the chart", href="#main", className="skip-link"),
            _masthead(dataset),
            html.Div(
                className="workspace",
                children=[
                    # On a phone the chart comes first and the controls wait behind this.
                    html.Button(
                        "Filters",
                        id=ids.FILTERS_TOGGLE,
                        className="button secondary filters-toggle",
                        n_clicks=0,
                        **{"aria-expanded": "false", "aria-controls": ids.CONTROLS},
                    ),
                    html.Aside(
                        id=ids.CONTROLS,
                        className="controls",
                        **{"aria-label": "Stories, filters and export"},
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
    """Story, notes, count, chart (with its text alternative and key), the selected event's
    detail beside the chart, and the event list."""
    loading = html.P("Loading the list…", className="hint")
    return html.Main(
        id="main",
        className="content",
        tabIndex="-1",
        children=[
            story_panel(),
            html.Div(id=ids.NOTES, className="notes", role="status"),
            # A status: screen readers say "Showing 12 of 66 events" as filters change.
            html.P(first.count, id=ids.COUNT, className="count", role="status"),
            html.Div(
                className="stage",
                children=[
                    html.Div(
                        className="chart-column", children=[chart_figure(first), _legend_key()]
                    ),
                    html.Section(
                        id=ids.DETAIL,
                        className="detail",
                        tabIndex="-1",
                        **{"aria-live": "polite", "aria-label": "Selected event"},
                        children=detail_placeholder(),
                    ),
                ],
            ),
            html.Section(
                className="list",
                **{"aria-labelledby": "events-heading"},
                children=[
                    html.H2("Events", id="events-heading"),
                    html.P(
                        "Every event in the view, as on the chart. Choose a row (arrow keys, "
                        "then Space) to read it.",
                        className="hint list-hint",
                    ),
                    html.Div(id=ids.LIST_SLOT, className="list-slot", children=loading),
                ],
            ),
        ],
    )


def chart_figure(first: View) -> html.Figure:
    """The chart and its text alternative: the one place the graph's container is built.

    The figure is laid out for the size the box has (``ids.CHART_SIZE``, measured in the
    browser), so style.css may change it for a phone; elsewhere it is the default figure's.
    """
    return html.Figure(
        className="chart-figure",
        **{"aria-labelledby": ids.CHART_SUMMARY},
        children=[
            html.Div(
                id=ids.CHART_BOX,
                className="chart-box",
                style={"height": f"{APP_CHART_HEIGHT}px"},
                # Plotly draws in here, not dcc.Graph: the page's first paint can then hand
                # over a chart drawn before Dash has started (first_paint.py).
                children=[html.Div(id=ids.CHART, className="chart")],
            ),
            html.Figcaption(first.summary, id=ids.CHART_SUMMARY, className="chart-summary"),
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


def _filters(dataset: Dataset, years: tuple[int, int]) -> html.Section:
    lo, hi = years
    return html.Section(
        className="filters",
        **{"aria-labelledby": "filters-heading"},
        children=[
            html.H2("Filter", id="filters-heading"),
            html.Label("Search", htmlFor=ids.SEARCH, className="field-label"),
            dcc.Input(
                id=ids.SEARCH,
                type="search",
                debounce=0.3,
                placeholder="words, theme, source",
                maxLength=200,
                className="search",
                value="",
            ),
            # Native checkboxes, each with an "only" button beside it, drawn by
            # assets/controls.js from the two theme stores: Dash's Checklist nests its inputs in
            # unnamed listbox options, which screen readers cannot use.
            html.Fieldset(
                id=ids.THEMES,
                className="themes",
                children=[html.Legend("Themes", className="field-label")],
            ),
            html.Div("Years", className="field-label", id="years-label"),
            # Shown as its two year fields only (style.css says why).
            dcc.RangeSlider(
                id=ids.YEARS,
                min=lo,
                max=hi,
                step=1,
                value=[lo, hi],
                marks=None,
                allowCross=False,
                allow_direct_input=True,
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


def theme_choices(dataset: Dataset, counts: dict[str, int]) -> list[dict]:
    """The theme picker's rows: each theme's id, name, colour and events in the view."""
    lanes = theme_lanes(dataset.themes, dataset.info.theme_labels)
    return [
        {
            "theme": lane.theme,
            "label": lane.label,
            "color": lane.color,
            "count": counts.get(lane.theme, 0),
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
        # Titles, dates and themes wrap (rows grow to fit) rather than being cut.
        columnDefs=[
            {
                "field": "start_iso",
                "headerName": "Date",
                "sort": "asc",
                "flex": 1,
                "minWidth": 100,
                "valueFormatter": {"function": "params.data.when"},
                "wrapText": True,
                "autoHeight": True,
            },
            {
                "field": "title",
                "headerName": "Event",
                "flex": 3,
                "minWidth": 150,
                "wrapText": True,
                "autoHeight": True,
            },
            {
                "field": "themes",
                "headerName": "Themes",
                "flex": 1,
                "minWidth": 90,
                "wrapText": True,
                "autoHeight": True,
            },
            {"field": "tone", "headerName": "Tone", "width": 72, "type": "numericColumn"},
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
            # Every column in the page, so the header row is whole for screen readers.
            "suppressColumnVirtualisation": True,
            "localeText": {"noRowsToShow": "No events match these filters."},
        },
        className="ag-theme-quartz",
        style={"height": "360px", "width": "100%"},
    )
