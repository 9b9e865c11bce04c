"""Serve the Relations Timeline app.

    python app.py [--data PATH] [--host HOST] [--port PORT]
    gunicorn app:server            # TIMELINE_DATA, TIMELINE_HOST, TIMELINE_PORT configure it

The data file is read once, when the server starts; a broken file stops the start with a
readable list of its problems and exit code 2.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from timeline.data import DataError, load_dataset
from timeline.webapp import create_app

DEFAULT_DATA = Path(__file__).parent / "data" / "events.csv"


def _load(path: str):
    try:
        return load_dataset(path)
    except DataError as exc:
        print(exc.message, file=sys.stderr)
        sys.exit(2)


if __name__ == "__main__":
    from timeline.cli import main

    main(["serve", *sys.argv[1:]])
else:
    app = create_app(_load(os.environ.get("TIMELINE_DATA", str(DEFAULT_DATA))))
    server = app.server
