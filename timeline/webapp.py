"""Assemble the Dash app from a dataset: the page, the browser's contract and the callbacks."""

from __future__ import annotations

import json
from pathlib import Path

from dash import ClientsideFunction, Dash, Input, Output, State, ctx

from timeline import callbacks as cb
from timeline import ids
from timeline.contract import CONTRACT_ELEMENT, browser_contract
from timeline.data import Dataset
from timeline.export import ExportEngine
from timeline.filters import ViewState
from timeline.layout import build_layout, validation_layout
from timeline.views import build_view

ASSETS = Path(__file__).parent / "assets"


def create_app(dataset: Dataset, engine: ExportEngine | None = None) -> Dash:
    """A Dash app showing ``dataset``; image exports go through ``engine`` (made if None)."""
    app = Dash(
        __name__,
        title=dataset.info.title,
        assets_folder=str(ASSETS),
        update_title=None,
        serve_locally=True,
    )
    app.index_string = with_contract(app.index_string)
    # The default view is drawn now and sent with the page, so opening the app needs no
    # round trip before the chart appears.
    app.layout = build_layout(dataset, build_view(dataset, ViewState()))
    app.validation_layout = validation_layout(app.layout)
    engine = engine or ExportEngine()
    register_clientside(app)
    register_url_sync(app, dataset)
    register_view(app, dataset)
    register_selection(app, dataset)
    register_export(app, dataset, engine)
    return app


def with_contract(page: str) -> str:
    """Dash's ``page`` template with ``browser_contract()`` as JSON ahead of the scripts."""
    # "<" escaped, so no value can close the script element early.
    data = json.dumps(browser_contract()).replace("<", "\\u003c")
    element = f'<script type="application/json" id="{CONTRACT_ELEMENT}">{data}</script>'
    return page.replace("{%app_entry%}", element + "\n        {%app_entry%}")


def register_clientside(app: Dash) -> None:
    """Callbacks that run in the browser at once (assets/clientside.js)."""
    # The server's redraw follows; this hides the unticked theme's traces meanwhile.
    app.clientside_callback(
        ClientsideFunction("timeline", "hideThemes"),
        Input(ids.THEMES, "value"),
        prevent_initial_call=True,
    )
    app.clientside_callback(
        ClientsideFunction("timeline", "showList"),
        Output(ids.LIST_SLOT, "children"),
        Input(ids.GRID_ROWS, "data"),
        State(ids.GRID_SPEC, "data"),
    )
    # A shared link opens on the default view, dimmed until its own view arrives: sync_url
    # says whether one is coming, the view callback brings it.
    app.clientside_callback(
        ClientsideFunction("timeline", "showView"),
        Input(ids.VIEW_PENDING, "data"),
        Input(ids.CHART, "figure"),
        prevent_initial_call=True,
    )


def register_url_sync(app: Dash, dataset: Dataset) -> None:
    outputs = cb.url_outputs()
    inputs = {
        "search": Input(ids.URL, "search"),
        "controls": cb.view_controls(Input),
        "reset": Input(ids.RESET, "n_clicks"),
    }

    @app.callback(output=outputs, inputs=inputs)
    def sync_url(search, controls, reset):
        return cb.complete(outputs, cb.sync_url(dataset, ctx.triggered_id, search, controls))


def register_view(app: Dash, dataset: Dataset) -> None:
    # The page opens showing the default view; a link's view arrives through sync_url.
    @app.callback(
        output=cb.view_outputs(),
        inputs={"controls": cb.view_controls(Input)},
        prevent_initial_call=True,
    )
    def update_view(controls):
        return cb.render_view(dataset, controls)

    @app.callback(
        Output(ids.ZOOM, "data", allow_duplicate=True),
        Input(ids.CHART, "relayoutData"),
        prevent_initial_call=True,
    )
    def record_zoom(relayout):
        return cb.zoom_from_relayout(relayout)


def register_selection(app: Dash, dataset: Dataset) -> None:
    @app.callback(
        Output(ids.DETAIL, "children"),
        Input(ids.SELECTED, "data"),
        Input(ids.PINS, "data"),
        prevent_initial_call=True,  # the page opens with the placeholder
    )
    def show_detail(selected, pins):
        return cb.show_detail(dataset, selected, pins)

    @app.callback(
        Output(ids.SELECTED, "data", allow_duplicate=True),
        Input(ids.CHART, "clickData"),
        Input(ids.GRID, "selectedRows"),
        prevent_initial_call=True,
    )
    def select_event(click, rows):
        return cb.select_event(dataset, ctx.triggered_id, click, rows)

    @app.callback(
        Output(ids.PINS, "data", allow_duplicate=True),
        Input(ids.PIN_BUTTON, "n_clicks"),
        State(ids.SELECTED, "data"),
        State(ids.PINS, "data"),
        prevent_initial_call=True,
    )
    def toggle_pin(clicks, selected, pins):
        return cb.toggle_pin(dataset, clicks, selected, pins)


def register_export(app: Dash, dataset: Dataset, engine: ExportEngine) -> None:
    image_outputs = cb.download_outputs()
    csv_outputs = cb.download_outputs(allow_duplicate=True)

    @app.callback(
        output=image_outputs,
        inputs={
            "clicks": Input(ids.EXPORT_BUTTON, "n_clicks"),
            "options": cb.export_options(),
            "controls": cb.view_controls(State),
        },
        prevent_initial_call=True,
    )
    def export_image(clicks, options, controls):
        return cb.complete(image_outputs, cb.export_image(dataset, engine, options, controls))

    @app.callback(
        output=csv_outputs,
        inputs={"clicks": Input(ids.EXPORT_CSV, "n_clicks"), "controls": cb.view_controls(State)},
        prevent_initial_call=True,
    )
    def export_csv(clicks, controls):
        return cb.complete(csv_outputs, cb.export_csv(dataset, controls))
