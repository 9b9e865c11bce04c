"""Serve the Relations Timeline app.

    python app.py [--data PATH] [--host HOST] [--port PORT]
    gunicorn app:server            # TIMELINE_DATA, TIMELINE_HOST, TIMELINE_PORT configure it
    celery -A app:celery_app worker   # runs the exports when TIMELINE_REDIS_URL is set

The data file and its stories are read once, when the server starts; a broken file stops the
start with a readable list of its problems and exit code 2.
"""

from __future__ import annotations

import sys

from timeline.cli import data_path, jobs_or_exit, load_or_exit, main, stories_or_exit
from timeline.webapp import create_app

if __name__ == "__main__":
    main(["serve", *sys.argv[1:]])
else:
    dataset = load_or_exit(data_path())
    export_jobs = jobs_or_exit()
    app = create_app(dataset, stories=stories_or_exit(dataset), export_jobs=export_jobs)
    server = app.server
    celery_app = export_jobs.celery_app  # None unless TIMELINE_REDIS_URL is set
