"""Dash callbacks: unpack what the browser sent, call the library, return components.

Each concern is a plain function a test can call with arguments (``sync_url``,
``render_view``, ``toggle_pin``, ``export_image``…) and returns a dict keyed like its outputs.
``view_controls`` and friends are the one definition of what each callback reads and writes:
``webapp`` wires the functions to the page with them, and ``timeline.probe`` builds the
requests a page would send from them.

Everything the browser sends is checked here first (``controls_to_state``): a request is data
from outside, whatever the page would normally send.
"""

from __future__ import annotations

import logging
from dataclasses import replace

from dash import Input, Output, State, dcc, html, no_update

from timeline import ids
from timeline.chart import CALLOUT_MODES, STYLES, FigureStyle
from timeline.contract import CHART_BOX_HEIGHTS, CHART_BOX_WIDTHS
from timeline.data import Dataset
from timeline.export import ExportEngine, ExportError, ImageSpec
from timeline.filters import (
    EventFilter,
    ViewState,
    clean_filter,
    clean_pins,
    clean_zoom,
    filter_from_query,
    filter_to_query,
    year_bounds,
    zoom_range,
)
from timeline.layout import theme_choices
from timeline.panels import detail_panel, detail_placeholder
from timeline.views import APP_STYLE, build_view, export_view, view_title

log = logging.getLogger(__name__)


def view_controls(dependency=Input) -> dict:
    """The page's controls that make a view, as ``Input``s or ``State``s of a callback."""
    return {
        "themes": dependency(ids.THEMES_CHOSEN, "data"),
        "years": dependency(ids.YEARS, "value"),
        "query": dependency(ids.SEARCH, "value"),
        "selected": dependency(ids.SELECTED, "data"),
        "pins": dependency(ids.PINS, "data"),
        "callouts": dependency(ids.CALLOUTS, "value"),
        "zoom": dependency(ids.ZOOM, "data"),  # [] or two ISO dates
    }


def view_inputs() -> dict:
    """What a redraw of the view depends on: the controls, and the size of the chart's box."""
    return {"controls": view_controls(Input), "size": Input(ids.CHART_SIZE, "data")}


def view_outputs() -> dict:
    return {
        "figure": Output(ids.CHART_FIGURE, "data"),
        "summary": Output(ids.CHART_SUMMARY, "children"),
        "rows": Output(ids.GRID_ROWS, "data"),
        "count": Output(ids.COUNT, "children"),
        "theme_choices": Output(ids.THEME_CHOICES, "data"),
        "title": Output(ids.EXPORT_TITLE, "placeholder"),
        "subtitle": Output(ids.EXPORT_SUBTITLE, "placeholder"),
        "file_name": Output(ids.EXPORT_NAME, "children"),
        "csv_href": Output(ids.EXPORT_CSV, "href"),
    }


def url_outputs() -> dict:
    return {
        "search": Output(ids.URL, "search"),
        "themes": Output(ids.THEMES_CHOSEN, "data"),
        "years": Output(ids.YEARS, "value"),
        "query": Output(ids.SEARCH, "value"),
        "selected": Output(ids.SELECTED, "data"),
        "pins": Output(ids.PINS, "data"),
        "callouts": Output(ids.CALLOUTS, "value"),
        "zoom": Output(ids.ZOOM, "data"),
        "notes": Output(ids.NOTES, "children"),
        "pending": Output(ids.VIEW_PENDING, "data"),
    }


def export_options() -> dict:
    """The export panel's choices, as ``State``s."""
    return {
        "fmt": State(ids.EXPORT_FORMAT, "value"),
        "preset": State(ids.EXPORT_PRESET, "value"),
        "width": State(ids.EXPORT_WIDTH, "value"),
        "height": State(ids.EXPORT_HEIGHT, "value"),
        "scale": State(ids.EXPORT_SCALE, "value"),
        "background": State(ids.EXPORT_BACKGROUND, "value"),
        "style": State(ids.EXPORT_STYLE, "value"),
        "title": State(ids.EXPORT_TITLE, "value"),
        "subtitle": State(ids.EXPORT_SUBTITLE, "value"),
    }


def download_outputs(allow_duplicate: bool = False) -> dict:
    return {
        "download": Output(ids.DOWNLOAD, "data", allow_duplicate=allow_duplicate),
        "status": Output(ids.EXPORT_STATUS, "children", allow_duplicate=allow_duplicate),
    }


def controls_to_state(
    dataset: Dataset, *, themes, years, query, selected="", pins=(), callouts="auto", zoom=None
) -> ViewState:
    """A view state from the controls' values, whatever shape they arrive in."""
    lo, hi = year_bounds(dataset)
    no_themes = False
    theme_tuple: tuple[str, ...] = ()
    if isinstance(themes, list):
        chosen = {t for t in themes[: len(dataset.themes) * 4] if isinstance(t, str)}
        ticked = tuple(t for t in dataset.themes if t in chosen)
        no_themes = not ticked
        theme_tuple = () if len(ticked) == len(dataset.themes) else ticked
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
    return ViewState(
        EventFilter(theme_tuple, flt.date_from, flt.date_to, flt.query),
        event=selected if isinstance(selected, str) and selected in dataset.event_ids else "",
        pins=clean_pins(dataset, pins if isinstance(pins, list | tuple) else ())[0],
        callouts=callouts if callouts in CALLOUT_MODES else "auto",
        zoom=clean_zoom(zoom if isinstance(zoom, list | tuple) else ())[0],
        no_themes=no_themes,
    )


def state_to_controls(dataset: Dataset, state: ViewState) -> dict:
    """The controls' values that show ``state``."""
    lo, hi = year_bounds(dataset)
    flt = state.filter
    y0 = int(flt.date_from[:4]) if flt.date_from[:4].isdigit() else lo
    y1 = int(flt.date_to[:4]) if flt.date_to[:4].isdigit() else hi
    return {
        "themes": list(flt.themes) or list(dataset.themes),
        "years": [max(lo, min(y0, hi)), max(lo, min(y1, hi))],
        "query": flt.query,
        "selected": state.event,
        "pins": list(state.pins),
        "callouts": state.callouts,
        "zoom": list(state.zoom),
    }


def sync_url(dataset: Dataset, trigger, search, controls: dict) -> dict:
    """Keep the address and the controls in step; only the outputs that change are returned.

    ``trigger``: ``ids.URL`` when the address is read (the page opening, a link, Back; Dash 4
    names the address as the trigger when the page opens too), None when Dash names none,
    ``ids.RESET`` for the reset button, any other id when a control changed.
    """
    if trigger in (None, ids.URL):
        state = filter_from_query(dataset, search if isinstance(search, str) else "")
        if not state.notes and shows(dataset, controls, state):
            # The page opening on the view it already shows (the bare address: Dash 4 names
            # the address as the trigger then too): writing the controls again would have the
            # view callback build and send the same figure, and Plotly draw it twice.
            return {"pending": False}
        notes = [html.P(n, className="note") for n in state.notes]
        return {**state_to_controls(dataset, state), "notes": notes, "pending": True}
    if trigger == ids.RESET:
        return {"search": "", **state_to_controls(dataset, ViewState()), "notes": []}
    state = controls_to_state(dataset, **controls)
    return {"search": filter_to_query(state)}


def shows(dataset: Dataset, controls, state: ViewState) -> bool:
    """Whether ``controls`` (as the browser sent them) show ``state`` exactly."""
    if not isinstance(controls, dict) or not {"themes", "years", "query"} <= controls.keys():
        return False
    return controls_to_state(dataset, **controls) == state


def render_view(dataset: Dataset, controls: dict, size=None) -> dict:
    """Everything a change of view sends back: figure (laid out for ``size``, the chart box's
    {"width", "height"}), its summary, list rows, count, theme choices, the export panel's
    default title, subtitle and file name."""
    view = build_view(dataset, controls_to_state(dataset, **controls), chart_style(size))
    return {
        "figure": view.figure,
        "summary": view.summary,
        "rows": view.rows,
        "count": view.count,
        "theme_choices": theme_choices(dataset, view.theme_counts),
        "title": view.title,
        "subtitle": view.description,
        "file_name": f"File: {view.file_name}",
        "csv_href": view.csv_href,
    }


def chart_style(size) -> FigureStyle:
    """The app's figure style for a chart box of ``size`` (as the browser measured it), or the
    default size when it has not been measured or is not a plausible box."""
    try:
        width, height = int(size["width"]), int(size["height"])
    except (KeyError, TypeError, ValueError, OverflowError):
        return APP_STYLE
    if not (
        CHART_BOX_WIDTHS[0] <= width <= CHART_BOX_WIDTHS[1]
        and CHART_BOX_HEIGHTS[0] <= height <= CHART_BOX_HEIGHTS[1]
    ):
        return APP_STYLE
    return replace(APP_STYLE, width=width, height=height)


def show_detail(dataset: Dataset, selected, pins) -> list:
    if not isinstance(selected, str) or selected not in dataset.event_ids:
        return detail_placeholder()
    return detail_panel(dataset, selected, pins if isinstance(pins, list) else ())


def event_from_click(dataset: Dataset, click):
    """The event a click on the chart chose, or no_update."""
    try:
        return _known_event(dataset, click["points"][0]["customdata"])
    except (KeyError, IndexError, TypeError):
        return no_update


def event_from_rows(dataset: Dataset, rows):
    """The event the row chosen in the list names, or no_update."""
    try:
        return _known_event(dataset, rows[0]["id"])
    except (KeyError, IndexError, TypeError):
        return no_update


def _known_event(dataset: Dataset, event_id):
    if not isinstance(event_id, str) or event_id not in dataset.event_ids:
        return no_update
    return event_id


def toggle_pin(dataset: Dataset, clicks, selected, pins):
    """The pins with the selected event's callout added, or removed if it was pinned.

    The button is drawn anew with each event shown, and Dash calls this for the new button
    too: only a click (``clicks`` > 0) changes anything.
    """
    if not isinstance(clicks, int) or clicks < 1:
        return no_update
    pins = list(clean_pins(dataset, pins if isinstance(pins, list) else ())[0])
    if not isinstance(selected, str) or selected not in dataset.event_ids:
        return pins
    return [p for p in pins if p != selected] if selected in pins else [*pins, selected]


def zoom_from_relayout(relayout):
    """The x range a drag-zoom (or the range slider) chose as two ISO dates, [] when zoomed
    back out, and no_update for any other change of layout (a resize, a hover mode)."""
    if not isinstance(relayout, dict):
        return no_update
    if relayout.get("xaxis.autorange"):
        return []
    ends = relayout.get("xaxis.range")
    if not isinstance(ends, list):
        ends = [relayout.get("xaxis.range[0]"), relayout.get("xaxis.range[1]")]
    if any(e is None for e in ends):
        return no_update
    zoom, _ = clean_zoom([str(e) for e in ends])
    return list(zoom) or no_update


def export_image(dataset: Dataset, engine: ExportEngine, options: dict, controls: dict) -> dict:
    """The download of the view as the export panel asks for it, and a status line."""
    state = controls_to_state(dataset, **controls)
    if state.no_themes:
        return {"status": html.P("Tick at least one theme to export.", className="error")}
    title, subtitle = _typed(options.get("title")), _typed(options.get("subtitle"))
    try:
        data, name = export_view(
            dataset,
            state.filter,
            export_spec(options),
            engine,
            pins=state.pins,
            callouts=state.callouts,
            title=title or view_title(dataset, state),
            subtitle=subtitle,
            x_range=zoom_range(state.zoom),
        )
    except ExportError as exc:
        return {"status": html.P(str(exc), className="error")}
    except Exception:
        log.exception("export failed")
        message = "The export failed unexpectedly; see the server log."
        return {"status": html.P(message, className="error")}
    status = html.P(f"Saved {name} ({len(data) / 1024:,.0f} KB)")
    return {"download": dcc.send_bytes(data, name), "status": status}


def _typed(text) -> str | None:
    """What the presenter typed in a text field, None when they typed nothing."""
    return text.strip()[:300] or None if isinstance(text, str) else None


def export_spec(options: dict) -> ImageSpec:
    """The image the export panel's choices ask for; ExportError when they make none."""
    fmt = options.get("fmt") if isinstance(options.get("fmt"), str) else "png"
    scale = options.get("scale") if isinstance(options.get("scale"), int | float) else 1
    background = options.get("background")
    transparent = isinstance(background, list) and "transparent" in background
    style = options.get("style") if options.get("style") in STYLES else "light"
    common = {"scale": scale, "transparent": transparent, "style": style}
    width, height = options.get("width"), options.get("height")
    if options.get("preset") == "custom":
        if not isinstance(width, int | float) or not isinstance(height, int | float):
            raise ExportError("Give a width and a height in pixels for a custom size.")
        return ImageSpec.build(fmt, width=int(width), height=int(height), **common)
    preset = options.get("preset") if isinstance(options.get("preset"), str) else None
    return ImageSpec.build(fmt, preset=preset, **common)


def complete(outputs: dict, result: dict) -> dict:
    """``result`` with no_update for every output it leaves out (Dash wants every key)."""
    return {key: result.get(key, no_update) for key in outputs}
