"""Exports and decks from the app as Dash background callbacks: fair, bounded, with progress
in words and a Cancel button that stops the drawing.

Dash runs each background callback as a job of its manager, and the page polls for its
progress and result:

- ``DiskcacheManager`` (the default; one machine, nothing to install): each job is a process
  forked from the app's, its results kept in a Diskcache folder that every app process on the
  machine shares (``TIMELINE_JOBS_DIR``).
- ``CeleryManager`` with Redis (``TIMELINE_REDIS_URL``): jobs queue in Redis and run in Celery
  workers, on as many machines as needed (``celery -A app:celery_app worker``).

Either way a job draws through the one warm browser of the process that forked it (the app's,
or the worker's), served by ``engine_service``: it starts with that process, so the first
export costs what later ones do. The manager admits at most ``TIMELINE_EXPORT_QUEUE`` jobs
waiting or drawing per process and answers any more with "busy" at once (``BUSY``).

A job finds what it works on (dataset, stories, engine) by the app's token, a page State, not
by a closure: Dash keys a background function by its source, so in a process serving two apps
the second app's closure would answer for the first.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from dash import DiskcacheManager, html, no_update

from timeline.data import Dataset
from timeline.engine_service import EngineService
from timeline.export import DRAWING, LARGE_PIXELS, ExportEngine, ExportError, StatusFn
from timeline.stories import Story

QUEUE_ENV = "TIMELINE_EXPORT_QUEUE"
REDIS_ENV = "TIMELINE_REDIS_URL"
FOLDER_ENV = "TIMELINE_JOBS_DIR"
DEFAULT_QUEUE = 8
POLL_MS = 300  # how often the page asks for a job's progress: a "busy" answer is this quick
BUSY = "Busy: other exports are under way ({count} at a time at most). Try again in a moment."
BUSY_LARGE = (
    "Busy: other large exports or decks are under way ({count} at a time at most). Try again in "
    "a moment, or export a smaller size."
)
REFUSED = "refused"  # the job id of an export answered "busy": nothing runs, nothing to stop


def default_folder() -> Path:
    cache = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(cache) / "relations-timeline" / "jobs"


@dataclass(frozen=True)
class JobsConfig:
    """Where jobs run and how many may wait: from the environment unless given."""

    queue: int = DEFAULT_QUEUE
    redis_url: str = ""
    folder: Path = field(default_factory=default_folder)

    @classmethod
    def from_env(cls) -> JobsConfig:
        raw = os.environ.get(QUEUE_ENV, str(DEFAULT_QUEUE))
        try:
            queue = int(raw)
        except ValueError:
            raise ExportError(f"{QUEUE_ENV}={raw!r}: expected a whole number of exports") from None
        if queue < 1:
            raise ExportError(f"{QUEUE_ENV}={raw!r}: at least 1 export must be allowed")
        folder = os.environ.get(FOLDER_ENV)
        return cls(
            queue=queue,
            redis_url=os.environ.get(REDIS_ENV, ""),
            folder=Path(folder) if folder else default_folder(),
        )


def busy_answer(count: int, *, large: bool = False) -> dict:
    """What an export or deck that is not admitted answers (both callbacks' outputs)."""
    words = (BUSY_LARGE if large else BUSY).format(count=count)
    return {"download": no_update, "status": html.P(words, className="error")}


def is_large(args) -> bool:
    """Whether a job draws a lot: a deck (a dozen 4K charts) or an image over ``LARGE_PIXELS``."""
    from timeline.callbacks import export_spec

    if not isinstance(args, dict):
        return False
    if "story" in args:
        return True
    try:
        spec = export_spec(args.get("options") if isinstance(args.get("options"), dict) else {})
    except ExportError:
        return False  # it fails at once in its job, with the reason
    return spec.width * spec.height * spec.scale**2 > LARGE_PIXELS


class _Admission:
    """A limit on jobs waiting or drawing, per process, on top of a Dash manager. Large jobs
    (``is_large``) may hold at most half of the places, so ordinary ones always find one."""

    limit = DEFAULT_QUEUE

    def _init_admission(self, limit: int) -> None:
        self.limit = limit
        self.large_limit = max(1, limit // 2)
        self._admitted: dict[str, tuple[object, bool]] = {}
        self._admit_lock = threading.Lock()

    def build_cache_key(self, fn, args, cache_args_to_ignore, triggered):
        # Dash keys a job by its arguments: two people exporting the same view would share
        # one result, and one of them would never get it. Every click is a job of its own.
        key = super().build_cache_key(fn, args, cache_args_to_ignore, triggered)
        return f"{key}-{uuid.uuid4().hex}"

    def call_job_fn(self, key, job_fn, args, context):
        large = is_large(args)
        with self._admit_lock:
            admitted = {k: a for k, a in self._admitted.items() if self.job_running(a[0])}
            self._admitted = admitted
            if len(admitted) >= self.limit:
                self._store_answer(key, busy_answer(self.limit))
                return REFUSED
            if large and sum(1 for _, big in admitted.values() if big) >= self.large_limit:
                self._store_answer(key, busy_answer(self.large_limit, large=True))
                return REFUSED
            with _FORKING:
                job = super().call_job_fn(key, job_fn, args, context)
            admitted[key] = (job, large)
            return job

    def job_running(self, job):
        return str(job) != REFUSED and super().job_running(job)

    def terminate_job(self, job):
        if job is not None and str(job) != REFUSED:
            super().terminate_job(job)

    def terminate_unhealthy_job(self, job):
        return str(job) != REFUSED and super().terminate_unhealthy_job(job)


class ExportDiskcacheManager(_Admission, DiskcacheManager):
    def __init__(self, folder: Path, limit: int):
        import diskcache

        folder.mkdir(parents=True, exist_ok=True)
        # A page that went away leaves its file uncollected: the oldest go once 1 GiB is used.
        super().__init__(diskcache.Cache(str(folder), size_limit=2**30))
        self._init_admission(limit)

    def _store_answer(self, key: str, answer) -> None:
        self.handle.set(key, answer)


def _celery_manager_class():
    from dash import CeleryManager

    class ExportCeleryManager(_Admission, CeleryManager):
        def __init__(self, celery_app, limit: int):
            super().__init__(celery_app)
            self._init_admission(limit)

        def _store_answer(self, key: str, answer) -> None:
            from plotly.utils import PlotlyJSONEncoder

            self.handle.backend.set(key, json.dumps(answer, cls=PlotlyJSONEncoder))

    return ExportCeleryManager


def make_celery(redis_url: str):
    """The Celery app the exports run on: Redis as broker and result store."""
    from celery import Celery

    app = Celery("timeline", broker=redis_url, backend=redis_url)
    app.conf.update(
        # A worker takes one export at a time from the queue, so a long one holds up no other
        # export that another worker (or its other child) could start.
        worker_prefetch_multiplier=1,
        result_expires=86_400,
        broker_connection_retry_on_startup=True,
    )
    return app


@dataclass
class Exporter:
    """What a job of one app works on."""

    dataset: Dataset
    stories: dict[str, Story]
    jobs: ExportJobs


_EXPORTERS: dict[str, Exporter] = {}


def app_token(dataset: Dataset, stories: dict[str, Story]) -> str:
    """The same in every process that loads the same data (the app's and a Celery worker's)."""
    digest = hashlib.sha256(dataset.info.title.encode())
    digest.update("\n".join(dataset.events["id"]).encode())
    digest.update("\n".join(stories).encode())
    return digest.hexdigest()[:24]


def exporter(token) -> Exporter:
    found = _EXPORTERS.get(token) if isinstance(token, str) else None
    if found is None:
        raise ExportError("This page is out of date: reload it and export again.")
    return found


class ExportJobs:
    """The manager exports run on and the engine their jobs draw with."""

    def __init__(self, config: JobsConfig | None = None, engine: ExportEngine | None = None):
        self.config = config or JobsConfig.from_env()
        self._engine = engine
        self._service: EngineService | None = None
        self._lock = threading.Lock()
        if self.config.redis_url:
            self.celery_app = make_celery(self.config.redis_url)
            self.manager = _celery_manager_class()(self.celery_app, self.config.queue)
        else:
            self.celery_app = None
            self.manager = ExportDiskcacheManager(self.config.folder, self.config.queue)

    def warm(self, dataset: Dataset | None = None) -> None:
        """Start the engine now (in the background) if jobs will be forked from this process
        (with Celery, the workers start theirs); with ``dataset``, its warm-up drawing is the
        export of its default view (``views.warm_up_figure``)."""
        if self.celery_app is None:
            self.start_engine(dataset)

    def register(self, dataset: Dataset, stories: dict[str, Story]) -> str:
        """Make this app's data known to its jobs; start the engine where jobs will draw."""
        token = app_token(dataset, stories)
        _EXPORTERS[token] = Exporter(dataset, stories, self)
        if self.celery_app is None:
            self.warm(dataset)  # jobs are forked from this process
        else:
            from celery.signals import worker_init

            # In a worker, before it forks the children that run the jobs.
            worker_init.connect(lambda **_: self.start_engine(dataset), weak=False)
        return token

    def start_engine(self, dataset: Dataset | None = None) -> None:
        """Serve a warm engine to the jobs this process forks (the browser starts now)."""
        with self._lock:
            if self._service is None:
                self.config.folder.mkdir(parents=True, exist_ok=True)
                lock = self.config.folder / "large-drawing.lock"
                engine = self._engine or ExportEngine(large_lock=lock)
                self._service = EngineService(engine, _warm_up_figure(dataset))

    def local_engine(self) -> ExportEngine | None:
        """The engine the jobs forked from this process draw with (started now), or None when
        they run on Celery workers, which have their own."""
        if self.celery_app is not None:
            return None
        self.start_engine()
        return self._service.engine

    def engine(self, status: StatusFn):
        """The engine a job draws with, telling ``status`` what it is doing."""
        if self._service is None:
            raise ExportError("The export engine is not running in this process.")
        return _Reporting(self._service.client, status)


# Jobs are forked from this process. Forked while another thread imports, a job would find
# that module's import lock held for ever (seen: a job that never answered): the warm-up
# figure, whose build imports much of plotly, is built between forks, not during one.
_FORKING = threading.Lock()


def _warm_up_figure(dataset: Dataset | None):
    if dataset is None:
        return None
    from timeline.views import warm_up_figure

    def build() -> dict:
        with _FORKING:
            return warm_up_figure(dataset)

    return build


@dataclass(frozen=True)
class _Reporting:
    """An engine whose every drawing reports its progress to ``status``."""

    engine: object
    status: StatusFn

    def render(self, fig, spec):
        return self.engine.render(fig, spec, status=self.status)


def run_export(set_progress: StatusFn, *, token, options: dict, controls: dict) -> dict:
    """The "Export image" job: ``callbacks.export_image`` drawn by this process's engine,
    its progress said on the button."""
    from timeline import callbacks as cb

    set_progress("Preparing the chart…")
    try:
        found = exporter(token)
        engine = found.jobs.engine(set_progress)
    except ExportError as exc:
        return {"status": html.P(str(exc), className="error")}
    return cb.export_image(found.dataset, engine, options, controls)


def run_deck(set_progress: StatusFn, *, token, story, fmt) -> dict:
    """The "Download deck" job: ``storymode.download_deck``, saying which slide it is on."""
    from timeline import storymode

    set_progress("Laying out the slides…")

    def status(words: str) -> None:
        if words != DRAWING:  # a deck says which slide instead
            set_progress(words)

    def progress(done: int, total: int) -> None:
        kind = (fmt if isinstance(fmt, str) else "").upper() or "deck"
        words = f"Writing slide {done + 1} of {total}…" if done < total else f"Saving the {kind}…"
        set_progress(words)

    try:
        found = exporter(token)
        engine = found.jobs.engine(status)
    except ExportError as exc:
        return {"status": html.P(str(exc), className="error")}
    return storymode.download_deck(
        found.dataset, engine, stories=found.stories, story=story, fmt=fmt, progress=progress
    )
