"""One warm export browser shared by the processes an export job runs in.

An export from the app runs as a background job in a process of its own: a Diskcache job is
forked from the app's process, a Celery task runs in a worker's child process. A browser per
job would cost seconds to start and a few hundred MB each, so the parent process keeps one
warm ``ExportEngine`` and serves it on a Unix socket (``EngineService``), and each job draws
through a ``RemoteEngine``, which has the engine's ``render``. The engine decides who draws
when (fair and bounded, see ``ExportEngine``) and tells the job what is happening; a job that
is cancelled (its process killed) closes its connection, and its drawing is stopped.

Only processes that inherited the socket's random key (the forked children) can connect, and
the socket sits in a folder only its owner can open.
"""

from __future__ import annotations

import atexit
import contextlib
import dataclasses
import logging
import os
import shutil
import tempfile
import threading
from collections.abc import Callable
from multiprocessing.connection import Client, Connection, Listener

import plotly.graph_objects as go

from timeline.export import (
    ExportCancelled,
    ExportEngine,
    ExportError,
    ImageSpec,
    StatusFn,
    figure_html,
)

log = logging.getLogger(__name__)


def _quiet(_words: str) -> None:
    pass


@dataclasses.dataclass(frozen=True)
class RemoteEngine:
    """Draws through the ``EngineService`` at ``address``; ``render`` as ``ExportEngine``'s."""

    address: str
    authkey: bytes = dataclasses.field(repr=False)

    def render(self, fig: go.Figure | dict, spec: ImageSpec, *, status: StatusFn = _quiet):
        if spec.format == "html":  # no browser needed
            return figure_html(go.Figure(fig) if isinstance(fig, dict) else fig).encode("utf-8")
        figure = fig.to_dict() if isinstance(fig, go.Figure) else fig
        try:
            connection = Client(self.address, family="AF_UNIX", authkey=self.authkey)
        except OSError as exc:
            raise ExportError(f"The export engine is not running ({exc.strerror}).") from None
        with connection:
            connection.send((figure, dataclasses.asdict(spec)))
            while True:
                try:
                    kind, value = connection.recv()
                except (EOFError, OSError):
                    raise ExportError("The export engine stopped; try again.") from None
                if kind == "status":
                    status(value)
                elif kind == "ok":
                    return value
                else:
                    raise (ExportCancelled if kind == "cancelled" else ExportError)(value)


class EngineService:
    """Serves ``engine`` to this process's children; started warm (the browser starts now,
    in the background, and draws ``warm_up()``, see ``ExportEngine.warm``). Lives as long as
    the process."""

    def __init__(
        self, engine: ExportEngine | None = None, warm_up: Callable[[], dict] | None = None
    ):
        self.engine = engine or ExportEngine()
        self._folder = tempfile.mkdtemp(prefix="timeline-engine-")  # mode 0700
        address = os.path.join(self._folder, "engine.sock")
        key = os.urandom(32)
        self._listener = Listener(address, family="AF_UNIX", authkey=key)
        self.client = RemoteEngine(address, key)
        self._owner = os.getpid()
        threading.Thread(target=self._serve, name="timeline-engine", daemon=True).start()
        self.engine.warm(warm_up)
        atexit.register(self.close)

    def close(self) -> None:
        if os.getpid() != self._owner:  # a forked job exiting: the socket is its parent's
            return
        with contextlib.suppress(OSError):
            self._listener.close()
        shutil.rmtree(self._folder, ignore_errors=True)

    def _serve(self) -> None:
        while True:
            try:
                connection = self._listener.accept()
            except OSError:  # closed
                return
            except Exception as exc:  # a client without the key: refuse it, serve the others
                log.warning("export engine: refused a connection (%r)", exc)
                continue
            threading.Thread(target=self._answer, args=(connection,), daemon=True).start()

    def _answer(self, connection: Connection) -> None:
        with connection:
            try:
                figure, fields = connection.recv()
            except (EOFError, OSError):
                return

            def status(words: str) -> None:
                with contextlib.suppress(OSError, ValueError):
                    connection.send(("status", words))

            # The job sends nothing more: anything readable is its end (cancelled, or died).
            def gone() -> bool:
                return connection.poll()

            try:
                data = self.engine.render(
                    figure, ImageSpec(**fields), status=status, cancelled=gone
                )
                answer = ("ok", data)
            except ExportCancelled as exc:
                answer = ("cancelled", str(exc))
            except ExportError as exc:
                answer = ("error", str(exc))
            except Exception:
                log.exception("export failed")
                answer = ("error", "The export failed unexpectedly; see the server log.")
            with contextlib.suppress(OSError, ValueError):
                connection.send(answer)
