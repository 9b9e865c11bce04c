"""The CSV download: a route of its own that streams the filtered events.

Sent through a callback, a download is built whole in the worker and then again as JSON: at
100,000 rows that was 30 MB and seconds of a worker's time per click. Streamed, the server holds
one piece of ``export.CSV_CHUNK_ROWS`` rows at a time, and a million rows take seconds.

The page's "Download CSV" is a link to ``CSV_DOWNLOAD_PATH`` with the view's own query
(``views.View.csv_href``), so the same address downloads the same rows from anywhere.
"""

from __future__ import annotations

from dash import Dash
from flask import Response, request

from timeline.contract import CSV_DOWNLOAD_PATH
from timeline.data import Dataset
from timeline.filters import filter_from_query
from timeline.views import export_view_csv


def register_csv_download(app: Dash, dataset: Dataset) -> None:
    """Serve ``dataset``'s events, filtered by the query, as CSV at ``CSV_DOWNLOAD_PATH``."""
    path = app.config.routes_pathname_prefix + CSV_DOWNLOAD_PATH

    def download_csv() -> Response:
        # A link's filter, cleaned as the page cleans it: anything unknown is dropped.
        state = filter_from_query(dataset, request.query_string.decode("utf-8", "replace"))
        pieces, name = export_view_csv(dataset, state.filter)
        return Response(
            (piece.encode("utf-8") for piece in pieces),
            mimetype="text/csv",
            # The name is made of letters, digits, '-' and '_' only (filters.filter_slug).
            headers={"Content-Disposition": f'attachment; filename="{name}"'},
        )

    app.server.add_url_rule(path, "download_csv", download_csv, methods=["GET"])
