"""Serve the Relations Timeline app.

    python app.py [--data PATH] [--host HOST] [--port PORT]
    gunicorn app:server            # TIMELINE_DATA, TIMELINE_HOST, TIMELINE_PORT configure it
    celery -A app:celery_app worker   # runs the exports when TIMELINE_REDIS_URL is set

The data file and its stories are read once, when the server starts; a broken file stops the
start with a readable list of its problems and a non-zero exit code (2; 3 under gunicorn).
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

from timeline.cli import build_app, data_path, main
from timeline.data import DataError
from timeline.export import ExportError
from timeline.guard import SettingError

# gunicorn's "worker failed to boot": its master stops at once. With any other exit code it
# would boot a new worker every second, forever, on a port that answers nothing.
WORKER_BOOT_ERROR = 3


def stop_gunicorn(message: str):
    """Say what is wrong and exit so that gunicorn's master stops, once for all its workers.

    Every worker fails alike. The first to fail says why and exits with WORKER_BOOT_ERROR; the
    others exit quietly, since a second such exit while the master stops makes it fail with a
    traceback of its own.
    """
    master = _gunicorn_master()
    if master:
        marker = Path(tempfile.gettempdir()) / f"timeline-boot-failed-{master}"
        try:
            marker.touch(exist_ok=False)
        except FileExistsError:
            raise SystemExit(0) from None
    print(message, file=sys.stderr, flush=True)
    raise SystemExit(WORKER_BOOT_ERROR)


def _gunicorn_master() -> str | None:
    """The parent's pid and start time when this is a gunicorn worker, else None."""
    parent = Path(f"/proc/{os.getppid()}")
    try:
        if b"gunicorn" not in (parent / "cmdline").read_bytes():
            return None
        started = (parent / "stat").read_text().rsplit(")", 1)[1].split()[19]
    except (OSError, IndexError):
        return None
    return f"{parent.name}-{started}"


if __name__ == "__main__":
    main(["serve", *sys.argv[1:]])
else:
    try:
        dataset, app, export_jobs = build_app(data_path())
    except DataError as exc:
        stop_gunicorn(exc.message)
    except (SettingError, ExportError) as exc:
        stop_gunicorn(f"Error: {exc}")
    server = app.server
    celery_app = export_jobs.celery_app  # None unless TIMELINE_REDIS_URL is set
