"""Assemble the Dash app from a dataset."""

from __future__ import annotations

from pathlib import Path

from dash import Dash

from timeline.callbacks import register_callbacks, render_view
from timeline.data import Dataset
from timeline.export import ExportEngine
from timeline.layout import build_layout

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
    app.layout = build_layout(dataset)
    register_callbacks(app, dataset, engine or ExportEngine())
    # Draw the default view once now, so the first visitor does not wait for lazy imports
    # and the dataset's cached theme masks and search text.
    render_view(dataset, list(dataset.themes), None, "", "")
    return app
