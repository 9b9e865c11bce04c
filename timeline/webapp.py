"""Assemble the Dash app from a dataset."""

from __future__ import annotations

from pathlib import Path

from dash import Dash

from timeline.callbacks import first_view, register_callbacks
from timeline.data import Dataset
from timeline.export import ExportEngine
from timeline.layout import build_layout, validation_layout

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
    # The default view is drawn now and sent with the page, so opening the app needs no
    # round trip before the chart appears.
    app.layout = build_layout(dataset, first_view(dataset))
    app.validation_layout = validation_layout(app.layout)
    register_callbacks(app, dataset, engine or ExportEngine())
    return app
