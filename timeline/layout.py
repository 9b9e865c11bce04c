"""The page: header, filters, chart, event list, detail panel and export controls.

Functions here build components from a dataset; they hold no state and do no data work beyond
formatting what they are given. Dash escapes all text it renders, so data stays data.
"""

from __future__ import annotations

from typing import NamedTuple

import dash_ag_grid as dag
import pandas as pd
from dash import dcc, html

from timeline import ids
from timeline.chart import theme_lanes
from timeline.data import Dataset
from timeline.dates import describe_span
from timeline.export import FORMATS, PRESETS

GRID_ROW_LIMIT = 2000
CHART_CONFIG = {
    "displaylogo": False,
    "responsive": True,
    "modeBarButtonsToRemove": ["select2d", "lasso2d", "autoScale2d"],
}


class ViewParts(NamedTuple):
    """What the page shows for one view: what a filter change sends, in its output order."""

    figure: dict
    rows: list[dict]
    count: str
    theme_options: list[dict]
    chart_config: dict


def build_layout(dataset: Dataset, first: ViewParts) -> html.Div:
    """The page, showing ``first`` (the default view) before any callback has run.

    With the first view in the page, the chart is drawn as soon as Plotly has loaded; a link
    with filters in it redraws once the filters are read. (``callbacks.first_view`` makes it.)
    """
    info = dataset.info
    years = year_bounds(dataset)
    return html.Div(
        className="page",
        children=[
            dcc.Location(id=ids.URL, refresh=False),
            dcc.Store(id=ids.SELECTED, data=""),
            dcc.Store(id=ids.THEME_PREVIEW),
            dcc.Store(id=ids.VIEW_PENDING),
            dcc.Store(id=ids.VIEW_SHOWN),
            # The event list is drawn after the chart (assets/clientside.js, showList): AG Grid
            # takes a quarter of a second to start, and the chart is what people wait for.
            dcc.Store(id=ids.GRID_ROWS, data=first.rows),
            dcc.Store(id=ids.GRID_SPEC, data=event_grid().to_plotly_json()),
            dcc.Download(id=ids.DOWNLOAD),
            html.Header(
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
            ),
            html.Div(
                className="workspace",
                children=[
                    html.Aside(
                        className="controls",
                        children=[
                            _filters(dataset, years, first.theme_options),
                            _export_controls(),
                        ],
                    ),
                    html.Main(
                        className="content",
                        children=[
                            html.Div(id=ids.NOTES, className="notes", role="status"),
                            html.P(
                                first.count,
                                id=ids.COUNT,
                                className="count",
                                **{"aria-live": "polite"},
                            ),
                            # A fixed-height box the responsive graph fills; the figure's callouts
                            # are laid out for this height (callbacks.APP_STYLE).
                            html.Div(
                                className="chart-box",
                                children=[
                                    dcc.Graph(
                                        id=ids.CHART,
                                        className="chart",
                                        figure=first.figure,
                                        config=first.chart_config,
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
                                            html.Div(
                                                id=ids.LIST_SLOT,
                                                className="list-slot",
                                                children=html.P(
                                                    "Loading the list…", className="hint"
                                                ),
                                            ),
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
    linked = _link(title, src.get("url", "")) if src.get("url") else html.Cite(title)
    by = ", ".join(str(p) for p in (src.get("author"), src.get("publisher"), src.get("date")) if p)
    return [
        "Commentary from ",
        linked,
        f", {by}. " if by else ". ",
        "Facts: the sources named on each event.",
    ]


def year_bounds(dataset: Dataset) -> tuple[int, int]:
    ev = dataset.events
    return int(ev["start"].min().year), int(ev["end"].max().year)


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
            html.Button("Reset filters", id=ids.RESET, className="button secondary", n_clicks=0),
        ],
    )


def theme_options(dataset: Dataset, counts: dict[str, int] | None = None) -> list[dict]:
    counts = dataset.theme_counts() if counts is None else counts
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


def _export_controls() -> html.Section:
    preset_options = [
        {"label": f"{name} ({w}×{h})", "value": name} for name, (w, h) in PRESETS.items()
    ] + [{"label": "custom size", "value": "custom"}]
    return html.Section(
        className="export",
        children=[
            html.H2("Export"),
            html.Div("Format", className="field-label"),
            dcc.RadioItems(
                id=ids.EXPORT_FORMAT,
                value="png",
                className="formats",
                inline=True,
                options=[{"label": f.upper(), "value": f} for f in FORMATS],
            ),
            html.Label("Size", htmlFor=ids.EXPORT_PRESET, className="field-label"),
            dcc.Dropdown(
                id=ids.EXPORT_PRESET,
                options=preset_options,
                value="slide-16x9",
                clearable=False,
                searchable=False,
            ),
            html.Div(
                className="custom-size",
                children=[
                    html.Label(
                        [
                            "W ",
                            dcc.Input(
                                id=ids.EXPORT_WIDTH,
                                type="number",
                                min=200,
                                max=8000,
                                value=1920,
                                placeholder="width",
                            ),
                        ]
                    ),
                    html.Label(
                        [
                            "H ",
                            dcc.Input(
                                id=ids.EXPORT_HEIGHT,
                                type="number",
                                min=200,
                                max=8000,
                                value=1080,
                                placeholder="height",
                            ),
                        ]
                    ),
                ],
            ),
            dcc.Checklist(
                id=ids.EXPORT_BACKGROUND,
                options=[{"label": " Transparent background", "value": "transparent"}],
                value=[],
                className="background",
            ),
            html.Label("PNG scale", htmlFor=ids.EXPORT_SCALE, className="field-label"),
            dcc.Slider(
                id=ids.EXPORT_SCALE,
                min=1,
                max=4,
                step=1,
                value=1,
                marks={i: f"{i}×" for i in range(1, 5)},
            ),
            html.Div(
                className="export-buttons",
                children=[
                    html.Button(
                        "Export image", id=ids.EXPORT_BUTTON, className="button", n_clicks=0
                    ),
                    html.Button(
                        "Download CSV", id=ids.EXPORT_CSV, className="button secondary", n_clicks=0
                    ),
                ],
            ),
            dcc.Loading(
                html.Div(id=ids.EXPORT_STATUS, className="export-status", role="status"), type="dot"
            ),
        ],
    )


def _legend_key() -> html.Div:
    return html.Div(
        className="legend-key",
        children=[
            html.Span("● exact date"),
            html.Span("○ approximate (~)"),
            html.Span("◇ uncertain (?)"),
            html.Span("faint bar: known only to the month, year or decade"),
            html.Span("solid bar: lasted from start to end"),
            html.Span("shaded bands: eras"),
        ],
    )


def validation_layout(page: html.Div) -> html.Div:
    """The page plus what callbacks add to it later (the event list), for Dash's checks."""
    return html.Div([page, event_grid()])


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


def detail_placeholder() -> list:
    return [
        html.H2("Event"),
        html.P(
            "Click an event on the chart or in the list to read what happened, what the "
            "author says about it, and where the facts come from.",
            className="hint",
        ),
    ]


def detail_panel(dataset: Dataset, event_id: str) -> list:
    """What happened, what the author says, what the paper says, and the sources."""
    match = dataset.events[dataset.events["id"] == event_id]
    if match.empty:
        return detail_placeholder()
    ev = match.iloc[0]
    info = dataset.info
    when = describe_span(ev["start_text"], ev["end_text"], ev["date_note"])
    labels = [dataset.theme_label(t) for t in ev["themes"]]
    children = [
        html.P(when, className="when"),
        html.H2(ev["title"], className="event-title"),
        html.P(", ".join(labels), className="event-themes") if labels else None,
        html.H3("What happened"),
        html.P(ev["summary"] or "—"),
    ]
    if pd.notna(ev["tone"]):
        children.append(
            html.P(
                f"Tone {ev['tone']:+g} on the −10 (hostility) to +10 (cooperation) scale.",
                className="tone-note",
            )
        )
    if ev["commentary"]:
        author = info.source.get("author", "The article's author")
        children += [
            html.H3("What the author says"),
            html.Blockquote(
                className="quote author",
                children=[
                    html.P(ev["commentary"]),
                    html.Footer(
                        [
                            "— ",
                            author,
                            ", ",
                            html.Cite(info.source.get("title", "the article")),
                            f" ({info.source.get('publisher', '')}, {info.source.get('date', '')})"
                            if info.source.get("publisher")
                            else "",
                        ]
                    ),
                ],
            ),
        ]
    if ev["cited"]:
        children += [
            html.H3("Quoted in the article"),
            html.Blockquote(
                className="quote cited",
                children=[
                    html.P(ev["cited"]),
                    html.Footer(["— ", ev["cited_from"], ", as quoted in the article"]),
                ],
            ),
        ]
    children += [html.H3("Source"), html.P(_source(ev["source"], ev["url"]), className="source")]
    return children


def _source(text: str, url: str) -> list:
    return [text, " ", _link("link", url)] if url.startswith(("http://", "https://")) else [text]


def _link(text: str, url: str):
    if not url.startswith(("http://", "https://")):
        return html.Span(text)
    return html.A(text, href=url, target="_blank", rel="noopener noreferrer")
