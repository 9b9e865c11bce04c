"""Assemble the Dash app from a dataset: the page, the browser's contract and the callbacks."""

from __future__ import annotations

import json
from pathlib import Path

from dash import ClientsideFunction, Dash, Input, Output, State, ctx, dcc, html

from timeline import callbacks as cb
from timeline import first_paint, guard, ids, jobs, page_load, storymode
from timeline.contract import CONTRACT_ELEMENT, browser_contract
from timeline.data import Dataset
from timeline.downloads import register_csv_download
from timeline.export import ExportEngine
from timeline.filters import ViewState
from timeline.jobs import ExportJobs
from timeline.layout import build_layout, validation_layout
from timeline.panels import DECK_LABEL, EXPORT_LABEL
from timeline.stories import Story, load_stories
from timeline.views import build_view

ASSETS = Path(__file__).parent / "assets"


def create_app(
    dataset: Dataset,
    engine: ExportEngine | None = None,
    stories: list[Story] | None = None,
    export_jobs: ExportJobs | None = None,
) -> Dash:
    """A Dash app showing ``dataset``; image exports and decks run as background jobs on
    ``export_jobs`` (by default as the environment says, ``timeline.jobs``), drawn by
    ``engine`` (made if None) in the process that runs them.

    ``stories``: what the Stories control offers; by default the dataset's own, read once here
    (a broken story file stops the app with the file's problems, as ``timeline story`` does).
    """
    stories = load_stories(dataset) if stories is None else stories
    app = Dash(
        __name__,
        title=dataset.info.title,
        assets_folder=str(ASSETS),
        update_title=None,
        serve_locally=True,
    )
    app.index_string = with_language(with_contract(app.index_string))
    # The default view is drawn now and sent with the page, so opening the app needs no
    # round trip before the chart appears.
    first = build_view(dataset, ViewState())
    app.layout = build_layout(dataset, first, stories)
    by_slug = {story.slug: story for story in stories}
    export_jobs = export_jobs or ExportJobs(engine=engine)
    # Jobs run in other processes: the page names the data they work on.
    token = export_jobs.register(dataset, by_slug)
    app.layout.children.append(dcc.Store(id=ids.EXPORT_APP, data=token))
    app.validation_layout = validation_layout(app.layout)
    # The page arrives with its chart drawn as a picture, until the live chart replaces it.
    engine = export_jobs.local_engine() or engine or ExportEngine()
    first_paint.install(app, dataset, engine, first.figure)
    page_load.install(app)
    register_clientside(app)
    register_url_sync(app, dataset, by_slug)
    register_stories(app, dataset, by_slug)
    register_view(app, dataset)
    register_selection(app, dataset)
    register_export(app, dataset, export_jobs)
    register_deck(app, export_jobs)
    register_csv_download(app, dataset)
    guard.install(app)
    return app


def with_contract(page: str) -> str:
    """Dash's ``page`` template with ``browser_contract()`` as JSON ahead of the scripts."""
    # "<" escaped, so no value can close the script element early.
    data = json.dumps(browser_contract()).replace("<", "\\u003c")
    element = f'<script type="application/json" id="{CONTRACT_ELEMENT}">{data}</script>'
    return page.replace("{%app_entry%}", element + "\n        {%app_entry%}")


def with_language(page: str, language: str = "en") -> str:
    """Dash's ``page`` template with the page's language on <html>, for screen readers."""
    return page.replace("<html>", f'<html lang="{language}">', 1)


def register_clientside(app: Dash) -> None:
    """Callbacks that run in the browser at once (assets/clientside.js)."""
    # Plotly draws each figure in the chart's box; the first may be a chart the first paint
    # drew before Dash started, taken over as it stands.
    app.clientside_callback(
        ClientsideFunction("timeline", "drawChart"),
        Input(ids.CHART_FIGURE, "data"),
    )
    # The server's redraw follows; this hides the unticked theme's traces meanwhile.
    app.clientside_callback(
        ClientsideFunction("timeline", "hideThemes"),
        Input(ids.THEMES_CHOSEN, "data"),
        prevent_initial_call=True,
    )
    app.clientside_callback(
        ClientsideFunction("timeline", "showList"),
        Output(ids.LIST_SLOT, "children"),
        Input(ids.GRID_ROWS, "data"),
        State(ids.GRID_SPEC, "data"),
    )
    # The theme picker's native checkboxes (assets/controls.js), drawn from the two stores.
    app.clientside_callback(
        ClientsideFunction("controls", "drawThemes"),
        Input(ids.THEME_CHOICES, "data"),
        Input(ids.THEMES_CHOSEN, "data"),
    )
    app.clientside_callback(
        ClientsideFunction("controls", "detailShown"),
        Input(ids.DETAIL, "children"),
        State(ids.SELECTED, "data"),
        prevent_initial_call=True,
    )
    # A shared link opens on the default view, dimmed until its own view arrives: sync_url
    # says whether one is coming, the view callback brings it.
    app.clientside_callback(
        ClientsideFunction("timeline", "showView"),
        Input(ids.VIEW_PENDING, "data"),
        Input(ids.CHART_FIGURE, "data"),
        prevent_initial_call=True,
    )


def register_url_sync(app: Dash, dataset: Dataset, stories: dict[str, Story]) -> None:
    outputs = {**cb.url_outputs(), "story": Output(ids.STORY, "data")}
    inputs = {
        "search": Input(ids.URL, "search"),
        "controls": cb.view_controls(Input),
        "reset": Input(ids.RESET, "n_clicks"),
        "story": State(ids.STORY, "data"),
    }

    @app.callback(output=outputs, inputs=inputs)
    def sync_url(search, controls, reset, story):
        result = storymode.sync_url(
            dataset, stories, ctx.triggered_id, search=search, controls=controls, story=story
        )
        return cb.complete(outputs, result)


def register_stories(app: Dash, dataset: Dataset, stories: dict[str, Story]) -> None:
    """Story mode: the buttons and keys change the address; sync_url shows the step."""
    moves = [ids.STORY_PREV, ids.STORY_NEXT, ids.STORY_LEAVE, ids.STORY_RESUME]
    # A dataset without stories has no picker (and no Play button) in the page.
    moves += [ids.STORY_PLAY] if stories else []
    # Without a picker, any State stands in for the chosen story (navigate ignores it then).
    chosen = State(ids.STORY_SELECT, "value") if stories else State(ids.STORY, "modified_timestamp")

    @app.callback(
        Output(ids.URL, "search", allow_duplicate=True),
        [Input(m, "n_clicks") for m in moves],
        Input(ids.STORY_KEY, "data"),
        State(ids.STORY, "data"),
        chosen,
        prevent_initial_call=True,
    )
    def navigate(*values):
        key, story, slug = values[-3:]
        return storymode.navigate(
            dataset, stories, ctx.triggered_id, key=key, story=story, chosen=slug
        )

    panel = storymode.panel_outputs()

    # The page opens with the panel and Resume hidden; a story's address sets ids.STORY.
    @app.callback(
        output=panel, inputs={"story": Input(ids.STORY, "data")}, prevent_initial_call=True
    )
    def show_story(story):
        return cb.complete(panel, storymode.render_story(dataset, stories, story))

    app.clientside_callback(
        ClientsideFunction("timeline", "storyMode"),
        Input(ids.STORY, "data"),
    )


def register_view(app: Dash, dataset: Dataset) -> None:
    # The page opens showing the default view; a link's view arrives through sync_url.
    @app.callback(output=cb.view_outputs(), inputs=cb.view_inputs(), prevent_initial_call=True)
    def update_view(controls, size):
        return cb.render_view(dataset, controls, size)

    @app.callback(
        Output(ids.ZOOM, "data", allow_duplicate=True),
        Input(ids.CHART_RELAYOUT, "data"),
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

    # Two callbacks, not one with two inputs: the list is loaded after the chart, and Dash drops
    # a click on the chart while a callback's other input is not in the page yet.
    @app.callback(
        Output(ids.SELECTED, "data", allow_duplicate=True),
        Input(ids.CHART_CLICK, "data"),
        prevent_initial_call=True,
    )
    def select_from_chart(click):
        return cb.event_from_click(dataset, click)

    @app.callback(
        Output(ids.SELECTED, "data", allow_duplicate=True),
        Input(ids.GRID, "selectedRows"),
        prevent_initial_call=True,
    )
    def select_from_list(rows):
        return cb.event_from_rows(dataset, rows)

    @app.callback(
        Output(ids.PINS, "data", allow_duplicate=True),
        Input(ids.PIN_BUTTON, "n_clicks"),
        State(ids.SELECTED, "data"),
        State(ids.PINS, "data"),
        prevent_initial_call=True,
    )
    def toggle_pin(clicks, selected, pins):
        return cb.toggle_pin(dataset, clicks, selected, pins)


def background(export_jobs: ExportJobs, button: str, cancel: str, label: str) -> dict:
    """A background job's settings: its words on ``button`` while it runs, ``cancel`` shown."""
    return {
        "background": True,
        "manager": export_jobs.manager,
        "interval": jobs.POLL_MS,
        "progress": Output(button, "children"),
        "progress_default": label,
        "running": [
            (Output(button, "disabled"), True, False),
            (Output(cancel, "hidden"), False, True),
        ],
        "cancel": [Input(cancel, "n_clicks")],
    }


def register_export(app: Dash, dataset: Dataset, export_jobs: ExportJobs) -> None:
    image_outputs = cb.download_outputs()

    @app.callback(
        output=image_outputs,
        inputs=export_inputs(),
        prevent_initial_call=True,
        **background(export_jobs, ids.EXPORT_BUTTON, ids.EXPORT_CANCEL, EXPORT_LABEL),
    )
    def export_image(set_progress, clicks, token, options, controls):
        result = jobs.run_export(set_progress, token=token, options=options, controls=controls)
        return cb.complete(image_outputs, result)

    register_cancelled(app, ids.EXPORT_CANCEL, ids.EXPORT_STATUS)


def export_inputs() -> dict:
    """What "Export image" reads (``timeline.probe`` builds its requests from this too)."""
    return {
        "clicks": Input(ids.EXPORT_BUTTON, "n_clicks"),
        "token": State(ids.EXPORT_APP, "data"),
        "options": cb.export_options(),
        "controls": cb.view_controls(State),
    }


def register_deck(app: Dash, export_jobs: ExportJobs) -> None:
    deck = storymode.deck_outputs()

    @app.callback(
        output=deck,
        inputs={**storymode.deck_inputs(), "token": State(ids.EXPORT_APP, "data")},
        prevent_initial_call=True,
        **background(export_jobs, ids.STORY_DECK_BUTTON, ids.STORY_DECK_CANCEL, DECK_LABEL),
    )
    def download_deck(set_progress, clicks, fmt, story, token):
        return cb.complete(deck, jobs.run_deck(set_progress, token=token, story=story, fmt=fmt))

    register_cancelled(app, ids.STORY_DECK_CANCEL, ids.STORY_DECK_STATUS)


def register_cancelled(app: Dash, cancel: str, status: str) -> None:
    # Dash stops the job; this says so where the result would have been.
    @app.callback(
        Output(status, "children", allow_duplicate=True),
        Input(cancel, "n_clicks"),
        prevent_initial_call=True,
    )
    def cancelled(clicks):
        return html.P("Cancelled: nothing was saved.")
