"""Dash callbacks: unpack what the browser sent, call the library, return components.

Everything the browser sends is checked here first (``controls_to_filter``): a request is data
from outside, whatever the page would normally send.
"""

from __future__ import annotations

import logging

from dash import ClientsideFunction, Input, Output, State, ctx, dcc, html, no_update

from timeline import ids
from timeline.chart import FigureStyle
from timeline.data import Dataset
from timeline.export import ExportEngine, ExportError, ImageSpec
from timeline.filters import (
    EventFilter,
    ViewState,
    clean_filter,
    filter_events,
    filter_from_query,
    filter_mask,
    filter_slug,
    filter_to_query,
)
from timeline.layout import (
    CHART_CONFIG,
    GRID_ROW_LIMIT,
    ViewParts,
    detail_panel,
    detail_placeholder,
    grid_rows,
    theme_options,
    year_bounds,
)
from timeline.views import build_view_figure, export_view, export_view_csv

log = logging.getLogger(__name__)
# Callouts are laid out for a chart this wide; wider screens only spread them further apart.
APP_STYLE = FigureStyle(width=1000, height=600)
NO_THEMES = "__none__"


def controls_to_filter(dataset: Dataset, themes, years, query) -> EventFilter:
    """A filter from the controls' values, whatever shape they arrive in."""
    lo, hi = year_bounds(dataset)
    if isinstance(themes, list):
        chosen = [t for t in themes[: len(dataset.themes) * 4] if isinstance(t, str)]
        chosen = [t for t in dataset.themes if t in chosen]
        theme_tuple = () if len(chosen) == len(dataset.themes) else tuple(chosen) or (NO_THEMES,)
    else:
        theme_tuple = ()
    date_from = date_to = ""
    if isinstance(years, list | tuple) and len(years) == 2:
        try:
            y0, y1 = sorted(int(y) for y in years)
        except (TypeError, ValueError, OverflowError):
            y0, y1 = lo, hi
        if lo < y0 <= hi:
            date_from = str(y0)
        if lo <= y1 < hi:
            date_to = str(y1)
    text = query if isinstance(query, str) else ""
    flt, _ = clean_filter(dataset, EventFilter((), date_from, date_to, text[:10_000]))
    return EventFilter(theme_tuple, flt.date_from, flt.date_to, flt.query)


def filter_to_controls(dataset: Dataset, flt: EventFilter) -> tuple[list, list, str]:
    lo, hi = year_bounds(dataset)
    themes = list(flt.themes) or list(dataset.themes)
    y0 = int(flt.date_from[:4]) if flt.date_from[:4].isdigit() else lo
    y1 = int(flt.date_to[:4]) if flt.date_to[:4].isdigit() else hi
    return themes, [max(lo, min(y0, hi)), max(lo, min(y1, hi))], flt.query


def _notes(notes) -> list:
    return [html.P(n, className="note") for n in notes]


def render_view(
    dataset: Dataset,
    themes,
    years,
    query,
    selected,
    preset=None,
    width=None,
    height=None,
    scale=1,
    config=None,
) -> ViewParts:
    """Everything a filter change sends back: figure, list rows, count, theme options, config.

    The camera button's file name follows the filters, so its config travels with the figure
    and the two can never arrive out of step.
    """
    flt = controls_to_filter(dataset, themes, years, query)
    selected = selected if isinstance(selected, str) else ""
    events = filter_events(dataset, flt)
    fig = build_view_figure(
        dataset, flt, style=APP_STYLE, selected=selected, events=events, as_dict=True
    )
    ignoring_themes = filter_mask(dataset, EventFilter((), *_dates_and_query(flt)))
    options = theme_options(dataset, dataset.theme_counts(ignoring_themes))
    n = int(events["kind"].eq("event").sum())
    total = int(dataset.events["kind"].eq("event").sum())
    if NO_THEMES in flt.themes:
        count = "No theme chosen: tick at least one theme to see events."
    elif n == 0:
        count = "No events match these filters. Try fewer words or a wider date range."
    else:
        count = f"Showing {n:,} of {total:,} events"
        if n > GRID_ROW_LIMIT:
            count += f" (the list holds the first {GRID_ROW_LIMIT:,}; narrow the filters)"
    camera = _camera_config(config, dataset, flt, preset, width, height, scale)
    # Which view this figure draws, so the page can tell when a link's view is on screen.
    fig["layout"]["meta"] = {"view": filter_to_query(ViewState(flt, selected))}
    return ViewParts(fig, grid_rows(events, dataset), count, options, camera)


def first_view(dataset: Dataset) -> ViewParts:
    """The default view, drawn into the page itself (see ``layout.build_layout``)."""
    return render_view(dataset, list(dataset.themes), None, "", "", config=CHART_CONFIG)


def register_callbacks(app, dataset: Dataset, engine: ExportEngine) -> None:
    """Wire the page to ``dataset``; exports go through ``engine``."""
    # In the browser, at once (assets/clientside.js); the server's redraw follows.
    app.clientside_callback(
        ClientsideFunction("timeline", "hideThemes"),
        Output(ids.THEME_PREVIEW, "data"),
        Input(ids.THEMES, "value"),
        prevent_initial_call=True,
    )
    app.clientside_callback(
        ClientsideFunction("timeline", "showList"),
        Output(ids.LIST_SLOT, "children"),
        Input(ids.GRID_ROWS, "data"),
        State(ids.GRID_SPEC, "data"),
    )
    # A shared link opens on the default view, dimmed (assets/clientside.js) until its own
    # view arrives: sync_url says whether one is coming, update_view brings it.
    app.clientside_callback(
        ClientsideFunction("timeline", "showView"),
        Output(ids.VIEW_SHOWN, "data"),
        Input(ids.VIEW_PENDING, "data"),
        Input(ids.CHART, "figure"),
        prevent_initial_call=True,
    )

    @app.callback(
        Output(ids.URL, "search"),
        Output(ids.THEMES, "value"),
        Output(ids.YEARS, "value"),
        Output(ids.SEARCH, "value"),
        Output(ids.SELECTED, "data"),
        Output(ids.NOTES, "children"),
        Output(ids.VIEW_PENDING, "data"),
        Input(ids.URL, "search"),
        Input(ids.THEMES, "value"),
        Input(ids.YEARS, "value"),
        Input(ids.SEARCH, "value"),
        Input(ids.SELECTED, "data"),
        Input(ids.RESET, "n_clicks"),
    )
    def sync_url(search, themes, years, query, selected, _reset):
        trigger = ctx.triggered_id
        if trigger in (None, ids.URL):
            state = filter_from_query(dataset, search if isinstance(search, str) else "")
            if trigger is None and state == ViewState():
                # Opening the page on the default view, which the page already shows. (Back to
                # the bare address later must reset the controls: that is trigger URL.)
                return (*(no_update,) * 6, False)
            t, y, q = filter_to_controls(dataset, state.filter)
            return no_update, t, y, q, state.event, _notes(state.notes), True
        if trigger == ids.RESET:
            t, y, q = filter_to_controls(dataset, EventFilter())
            return "", t, y, q, "", [], no_update
        flt = controls_to_filter(dataset, themes, years, query)
        if NO_THEMES in flt.themes:
            flt = EventFilter((), flt.date_from, flt.date_to, flt.query)
        event = selected if isinstance(selected, str) else ""
        return (
            filter_to_query(ViewState(flt, event)),
            no_update,
            no_update,
            no_update,
            no_update,
            no_update,
            no_update,
        )

    @app.callback(
        Output(ids.CHART, "figure"),
        Output(ids.GRID_ROWS, "data"),
        Output(ids.COUNT, "children"),
        Output(ids.THEMES, "options"),
        Output(ids.CHART, "config"),
        Input(ids.THEMES, "value"),
        Input(ids.YEARS, "value"),
        Input(ids.SEARCH, "value"),
        Input(ids.SELECTED, "data"),
        State(ids.EXPORT_PRESET, "value"),
        State(ids.EXPORT_WIDTH, "value"),
        State(ids.EXPORT_HEIGHT, "value"),
        State(ids.EXPORT_SCALE, "value"),
        State(ids.CHART, "config"),
        # The page opens showing the default view; a link's filters arrive through sync_url.
        prevent_initial_call=True,
    )
    def update_view(themes, years, query, selected, preset, width, height, scale, config):
        return render_view(
            dataset, themes, years, query, selected, preset, width, height, scale, config
        )

    @app.callback(
        Output(ids.DETAIL, "children"),
        Input(ids.SELECTED, "data"),
        prevent_initial_call=True,  # the page opens with the placeholder
    )
    def show_detail(selected):
        if not isinstance(selected, str) or not selected:
            return detail_placeholder()
        return detail_panel(dataset, selected)

    @app.callback(
        Output(ids.SELECTED, "data", allow_duplicate=True),
        Input(ids.CHART, "clickData"),
        Input(ids.GRID, "selectedRows"),
        prevent_initial_call=True,
    )
    def select_event(click, rows):
        if ctx.triggered_id == ids.CHART:
            try:
                event_id = click["points"][0]["customdata"]
            except (KeyError, IndexError, TypeError):
                return no_update
        else:
            try:
                event_id = rows[0]["id"]
            except (KeyError, IndexError, TypeError):
                return no_update
        if not isinstance(event_id, str) or event_id not in dataset.event_ids:
            return no_update
        return event_id

    @app.callback(
        Output(ids.CHART, "config", allow_duplicate=True),
        Input(ids.EXPORT_PRESET, "value"),
        Input(ids.EXPORT_WIDTH, "value"),
        Input(ids.EXPORT_HEIGHT, "value"),
        Input(ids.EXPORT_SCALE, "value"),
        State(ids.THEMES, "value"),
        State(ids.YEARS, "value"),
        State(ids.SEARCH, "value"),
        State(ids.CHART, "config"),
        prevent_initial_call=True,
    )
    def camera_size(preset, width, height, scale, themes, years, query, config):
        flt = controls_to_filter(dataset, themes, years, query)
        return _camera_config(config, dataset, flt, preset, width, height, scale)

    @app.callback(
        Output(ids.DOWNLOAD, "data"),
        Output(ids.EXPORT_STATUS, "children"),
        Input(ids.EXPORT_BUTTON, "n_clicks"),
        State(ids.EXPORT_FORMAT, "value"),
        State(ids.EXPORT_PRESET, "value"),
        State(ids.EXPORT_WIDTH, "value"),
        State(ids.EXPORT_HEIGHT, "value"),
        State(ids.EXPORT_SCALE, "value"),
        State(ids.EXPORT_BACKGROUND, "value"),
        State(ids.THEMES, "value"),
        State(ids.YEARS, "value"),
        State(ids.SEARCH, "value"),
        prevent_initial_call=True,
    )
    def export_image(_n, fmt, preset, width, height, scale, background, themes, years, query):
        flt = controls_to_filter(dataset, themes, years, query)
        if NO_THEMES in flt.themes:
            return no_update, html.P("Tick at least one theme to export.", className="error")
        try:
            transparent = isinstance(background, list) and "transparent" in background
            spec = _spec(fmt, preset, width, height, scale, transparent)
            data, name = export_view(dataset, flt, spec, engine)
        except ExportError as exc:
            return no_update, html.P(str(exc), className="error")
        except Exception:
            log.exception("export failed")
            return no_update, html.P(
                "The export failed unexpectedly; see the server log.", className="error"
            )
        return dcc.send_bytes(data, name), html.P(f"Saved {name} ({len(data) / 1024:,.0f} KB)")

    @app.callback(
        Output(ids.DOWNLOAD, "data", allow_duplicate=True),
        Output(ids.EXPORT_STATUS, "children", allow_duplicate=True),
        Input(ids.EXPORT_CSV, "n_clicks"),
        State(ids.THEMES, "value"),
        State(ids.YEARS, "value"),
        State(ids.SEARCH, "value"),
        prevent_initial_call=True,
    )
    def export_csv(_n, themes, years, query):
        flt = controls_to_filter(dataset, themes, years, query)
        text, name = export_view_csv(dataset, flt)
        return dcc.send_string(text, name), html.P(f"Saved {name}")


def _camera_config(config, dataset: Dataset, flt: EventFilter, preset, width, height, scale):
    """The chart's config with its camera button set to the export size and file name."""
    try:
        spec = _spec("png", preset, width, height, scale)
    except ExportError:
        spec = ImageSpec()
    config = dict(config) if isinstance(config, dict) else {}
    config["toImageButtonOptions"] = {
        "format": "png",
        "filename": filter_slug(dataset, flt),
        "width": spec.width,
        "height": spec.height,
        "scale": spec.scale,
    }
    return config


def _dates_and_query(flt: EventFilter) -> tuple[str, str, str]:
    return flt.date_from, flt.date_to, flt.query


def _spec(fmt, preset, width, height, scale, transparent: bool = False) -> ImageSpec:
    fmt = fmt if isinstance(fmt, str) else "png"
    scale = scale if isinstance(scale, int | float) else 1
    if preset == "custom":
        if not isinstance(width, int | float) or not isinstance(height, int | float):
            raise ExportError("Give a width and a height in pixels for a custom size.")
        return ImageSpec.build(
            fmt, width=int(width), height=int(height), scale=scale, transparent=transparent
        )
    preset = preset if isinstance(preset, str) else None
    return ImageSpec.build(fmt, preset=preset, scale=scale, transparent=transparent)
