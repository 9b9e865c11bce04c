"""Turning figures and events into files: PNG, SVG, PDF, HTML and CSV.

Static images are drawn by Kaleido in a headless Chromium. Starting a browser costs seconds, so
one ``ExportEngine`` starts it once, renders every export in it (from any thread), restarts it if
it dies, and shuts it down at exit.
"""

from __future__ import annotations

import asyncio
import atexit
import collections
import contextlib
import csv
import functools
import html
import io
import logging
import os
import re
import secrets
import shutil
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass
from pathlib import Path
from typing import NoReturn

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pyarrow as pa
import pyarrow.compute as pc

from timeline.choices import FORMATS, PRESETS, STYLES
from timeline.contract import META
from timeline.data import COLUMNS

log = logging.getLogger(__name__)

MAX_SIDE = 8000
MAX_SCALE = 4
# Chromium draws nothing past about 16,384² pixels (Kaleido then returns 3 bytes); a quarter of
# that keeps one export's bitmap near 256 MB and its drawing well inside the timeout.
DEFAULT_MAX_PIXELS = 8192 * 8192
# What each format's bytes begin with (SVG and HTML: within their first bytes).
SIGNATURES = {
    "png": (b"\x89PNG\r\n\x1a\n",),
    "pdf": (b"%PDF-",),
    "svg": (b"<svg", b"<?xml"),
    "html": (b"<html", b"<!DOCTYPE html", b"<!doctype html"),
}
INSTALL_HINT = (
    "Image export needs Chromium. On Debian run `sudo apt-get install chromium-headless-shell` "
    "(quickest to start; on Ubuntu `chromium`; `./dev app` does this for you), or set "
    "BROWSER_PATH to a Chrome or Chromium executable. "
    "The chart's camera button still saves a PNG from the browser without it."
)


# The plotly.js the export browser draws with: the bundle the app's page loads, a
# third the size of plotly.py's full one, whose loading costs each tab seconds of CPU.
PLOTLY_BUNDLE = Path(__file__).parent / "assets" / "plotly-timeline.min.js"


@functools.cache
def bundle_traces() -> frozenset[str]:
    """The trace types ``PLOTLY_BUNDLE`` draws, as it registers them."""
    text = PLOTLY_BUNDLE.read_text(encoding="utf-8")
    return frozenset(re.findall(r'moduleType:"trace",name:"(\w+)"', text))


def check_traces(fig: go.Figure | dict) -> None:
    """ExportError naming the trace types of ``fig`` that ``PLOTLY_BUNDLE`` cannot draw (it
    would leave them out of the image without a word)."""
    data = (fig.get("data") or []) if isinstance(fig, dict) else fig.data
    types = {(t.get("type") if isinstance(t, dict) else t.type) or "scatter" for t in data}
    missing = types - bundle_traces()
    if missing:
        raise ExportError(
            f"This chart has {', '.join(sorted(missing))} traces, which the export browser's "
            f"plotly.js ({PLOTLY_BUNDLE.name}) does not draw."
        )


class ExportError(Exception):
    """An export that could not be made, with a message a user can act on."""


class BrowserMissing(ExportError):
    def __init__(self) -> None:
        super().__init__(INSTALL_HINT)


@dataclass(frozen=True)
class ImageSpec:
    """What to produce: format, size in CSS pixels, (for PNG) a pixel scale, and background."""

    format: str = "png"
    width: int = 1920
    height: int = 1080
    scale: float = 1
    transparent: bool = False
    style: str = "light"  # the slide's background: "light" or "dark"

    @classmethod
    def build(
        cls,
        format: str = "png",
        preset: str | None = None,
        *,
        width: int | None = None,
        height: int | None = None,
        scale: float = 1,
        transparent: bool = False,
        style: str = "light",
    ) -> ImageSpec:
        """Check and combine the user's choices; raise ExportError saying what is wrong."""
        fmt = (format or "png").lower()
        if fmt not in FORMATS:
            raise ExportError(f"Unknown format {format!r}: choose one of {', '.join(FORMATS)}.")
        if width or height:
            if not (width and height):
                raise ExportError("Give both a width and a height, or a preset.")
            w, h = int(width), int(height)
        else:
            name = preset or ("a4-landscape" if fmt == "pdf" else "slide-16x9")
            if name not in PRESETS:
                raise ExportError(f"Unknown preset {name!r}: choose one of {', '.join(PRESETS)}.")
            w, h = PRESETS[name]
        if not (200 <= w <= MAX_SIDE and 200 <= h <= MAX_SIDE):
            raise ExportError(f"Width and height must be between 200 and {MAX_SIDE} pixels.")
        try:
            s = float(scale)
        except (TypeError, ValueError):
            raise ExportError(f"Scale must be a number from 1 to {MAX_SCALE}.") from None
        if not 1 <= s <= MAX_SCALE:
            raise ExportError(f"Scale must be from 1 to {MAX_SCALE}.")
        s = s if fmt == "png" else 1
        check_pixel_budget(w, h, s)
        if style not in STYLES:
            raise ExportError(f"Unknown style {style!r}: choose one of {', '.join(STYLES)}.")
        return cls(fmt, w, h, s, bool(transparent), style)


def max_pixels() -> int:
    """The most pixels one image may have (width × height × scale²): TIMELINE_MAX_PIXELS."""
    text = os.environ.get("TIMELINE_MAX_PIXELS", "").strip()
    return int(text) if text.isdigit() and int(text) > 0 else DEFAULT_MAX_PIXELS


def check_pixel_budget(width: int, height: int, scale: float) -> None:
    """Raise ExportError naming the largest size allowed when the image would be larger."""
    budget = max_pixels()
    pixels = width * height * scale * scale
    if pixels <= budget:
        return
    shrink = (budget / pixels) ** 0.5
    fits = f"{int(width * shrink)}×{int(height * shrink)}"
    raise ExportError(
        f"{width}×{height} at {scale:g}× is {pixels:,.0f} pixels; the largest image allowed is "
        f"{budget:,} pixels (width × height × scale²), {fits} at {scale:g}× for this shape. "
        "Make it smaller or lower the scale."
    )


def check_signature(data: bytes, fmt: str) -> bytes:
    """``data`` when it begins as a ``fmt`` file does; else ExportError, so that nothing is
    reported saved that is not the file asked for."""
    head = data[:256].lstrip()
    if any(head.startswith(sig) for sig in SIGNATURES[fmt]):
        return data
    raise ExportError(
        f"The browser returned {len(data):,} bytes that are not a {fmt.upper()} file, so "
        "nothing was saved. A very large image is the usual cause: make it smaller."
    )


@contextlib.contextmanager
def _machine_turn(path: Path, status: StatusFn, cancelled):
    """Holds ``path``'s lock (one holder on the machine), waiting while others hold it."""
    import fcntl

    with open(path, "a+b") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            status(WAITING)
            while True:
                if cancelled():
                    raise ExportCancelled("The export was cancelled.") from None
                try:
                    fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    time.sleep(0.2)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


# Chromium's headless shell first: made for automation, it starts without the full browser's
# extra processes (a WebUI renderer among them), in about a third of the CPU time, so the
# first export after a start waits far less; it draws the same pictures.
BROWSER_NAMES = (
    "chromium-headless-shell",
    "chrome-headless-shell",
    "chromium",
    "chromium-browser",
    "google-chrome",
    "chrome",
)


def browser_path() -> str | None:
    """The Chromium or Chrome Kaleido will use, or None when there is none."""
    env = os.environ.get("BROWSER_PATH")
    if env:
        return env if Path(env).exists() else None
    for name in BROWSER_NAMES:
        found = shutil.which(name)
        if found:
            return found
    return None


class ExportCancelled(ExportError):
    """The export was cancelled (its caller went away) before it was drawn."""


class _TimedOut(ExportError):
    pass


# A drawing larger than this (4K UHD) waits for the browser's one "large" tab, so ordinary
# exports always find a tab of their own, however many huge ones are queued.
LARGE_PIXELS = 3840 * 2160
# A browser starts in seconds, or in a minute on a machine under heavy load.
START_TIMEOUT = 120
StatusFn = Callable[[str], None]
# What the engine tells an export's ``status`` (the app shows it on the export button).
STARTING = "Starting the export engine…"
WAITING = "Waiting for the export engine: other exports are drawing…"
DRAWING = "Drawing the chart…"
_STOPPED = "The export engine stopped; try again."


def _quiet(_words: str) -> None:
    pass


def _never() -> bool:
    return False


# Drawn once when the engine warms: what timeline charts have (dates, markers with text,
# a shape, an annotation, a title), small.
_WARM_UP_FIGURE = {
    "data": [
        {
            "type": "scatter",
            "mode": "markers+text",
            "x": ["1971-12-03", "2011-05-02"],
            "y": [0, 1],
            "text": ["a", "b"],
            "hovertext": ["a", "b"],
        }
    ],
    "layout": {
        "title": {"text": "Warm-up"},
        "xaxis": {"type": "date"},
        "shapes": [{"type": "rect", "x0": "1980-01-01", "x1": "1990-01-01", "y0": 0, "y1": 1}],
        "annotations": [{"text": "b", "x": "2011-05-02", "y": 1, "showarrow": True}],
    },
}


@functools.cache
def _kaleido_class():
    """Kaleido, handing each drawing back before its tab's reload.

    Kaleido reloads a tab after each drawing, so the next starts on a clean page, and returns
    the drawing only once the reload is done: about a fifth of a warm export. Here the reload
    runs on after the bytes are back, and the tab rejoins Kaleido's queue when it is done, as
    before. (``_return_kaleido_tab`` is Kaleido's own, in every 1.x; should it be renamed,
    drawings wait for the reload again, nothing worse.)
    """
    import kaleido  # imported here: it is only needed once an image is asked for

    class ReturnEarly(kaleido.Kaleido):
        async def _return_kaleido_tab(self, tab) -> None:
            reload = asyncio.ensure_future(super()._return_kaleido_tab(tab))
            _RELOADS.add(reload)
            reload.add_done_callback(_reload_done)

    return ReturnEarly


_RELOADS: set[asyncio.Future] = set()  # held until done: asyncio keeps only weak references


def _reload_done(reload: asyncio.Future) -> None:
    _RELOADS.discard(reload)
    if not reload.cancelled() and reload.exception() is not None:
        # The tab is lost (its browser closed or crashed); a drawing waiting for it ends by
        # its deadline, and a dead browser is restarted.
        log.info("an export tab did not reload: %r", reload.exception())


class ExportEngine:
    """One warm headless browser shared by every export in this process.

    Fair and bounded: at most ``tabs`` drawings at once, large ones (> ``LARGE_PIXELS``) on at
    most ``tabs - 1`` of them; ``timeout`` counts drawing time only, not time spent waiting for
    a tab. A drawing that fails or times out fails alone: the browser is restarted only when
    it has died, and one that died while idle is restarted before the next drawing. The
    browser starts with one tab, so it is ready sooner; the others open when two drawings
    first meet.
    """

    def __init__(
        self, tabs: int = 2, timeout: float = 60, large_lock: str | os.PathLike | None = None
    ):
        self._tabs = tabs
        self._timeout = timeout
        # Engines of several processes on one machine (gunicorn workers) that share this file
        # draw one large image at a time between them: each takes a core or two for seconds.
        self._large_lock = Path(large_lock) if large_lock else None
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._kaleido = None
        self._tab_lock = threading.Lock()
        self._drawings = 0
        self._asked = 0  # images asked for (the warm-up is skipped once one is)
        self._closed = False
        self.warmed = threading.Event()  # set once ``warm`` is over (drawn, skipped or failed)
        self._opening_tabs: Future | None = None  # the tabs opened after the first
        self._free_tabs = threading.BoundedSemaphore(tabs)
        self._large_tabs = threading.BoundedSemaphore(max(1, tabs - 1))
        # How drawings ended: "drawn", "failed", "timed out", "cancelled" (for tests, benches).
        self.outcomes: collections.Counter[str] = collections.Counter()
        self._owner = os.getpid()
        atexit.register(self.close)

    def warm(self, figure: Callable[[], dict] | None = None) -> threading.Thread:
        """Start the browser in the background and have it draw ``figure()`` (built once the
        browser is up; by default a small chart), so the first export costs what later ones
        do. Best a figure like the first export's: same size, fonts and parts."""

        def start() -> None:
            try:
                kaleido = self._ensure_started()
                self._warm_up(kaleido, figure)
            except ExportError as exc:
                if not self._closed:  # else the app stopped before it started: no news
                    log.warning("export engine not started: %s", exc)
            finally:
                self.warmed.set()

        thread = threading.Thread(target=start, name="timeline-export-warm", daemon=True)
        thread.start()
        return thread

    def _warm_up(self, kaleido, figure: Callable[[], dict] | None) -> None:
        # A tab's first drawing also compiles plotly.js's drawing code for what it draws
        # (0.1-0.2 s here); drawn now, it is not paid by the first export.
        try:
            fig = figure() if figure is not None else _WARM_UP_FIGURE
        except Exception:
            log.exception("the export engine's warm-up figure could not be built")
            fig = _WARM_UP_FIGURE
        layout = fig.get("layout") or {}
        spec = ImageSpec("png", layout.get("width") or 400, layout.get("height") or 300)
        # Once an image has been asked for (an export, a first-paint picture), it warms the
        # tab itself: a warm-up drawn first would only make it wait.
        if self._asked or not self._free_tabs.acquire(blocking=False):
            return
        try:
            self._draw(kaleido, fig, spec, _never)
        except ExportError as exc:
            log.info("the export engine's warm-up drawing failed: %s", exc)
        finally:
            self._free_tabs.release()

    @property
    def started(self) -> bool:
        return self._kaleido is not None and self._browser_alive(self._kaleido)

    def render(
        self,
        fig: go.Figure | dict,
        spec: ImageSpec,
        *,
        status: StatusFn = _quiet,
        cancelled: Callable[[], bool] = _never,
    ) -> bytes:
        """The bytes of ``fig`` drawn as ``spec`` says. Safe to call from many threads.

        ``status(words)`` hears what is happening ("Drawing the chart…"); ``cancelled()`` is
        asked while waiting, and a True stops the export (``ExportCancelled``).
        """
        if spec.format == "html":
            page = figure_html(go.Figure(fig) if isinstance(fig, dict) else fig)
            return check_signature(page.encode("utf-8"), "html")
        check_traces(fig)
        self._asked += 1  # no lock: the warm-up only asks whether it is still 0
        large = spec.width * spec.height * spec.scale**2 > LARGE_PIXELS
        with contextlib.ExitStack() as turn:
            if large:
                self._wait_for(self._large_tabs, status, cancelled)
                turn.callback(self._large_tabs.release)
                if self._large_lock is not None:
                    turn.enter_context(_machine_turn(self._large_lock, status, cancelled))
            self._wait_for(self._free_tabs, status, cancelled)
            turn.callback(self._free_tabs.release)
            if not self.started:
                status(STARTING)
            kaleido = self._ensure_started()
            turn.enter_context(self._drawing_on(kaleido))
            status(DRAWING)
            data = self._counted(self._draw, kaleido, fig, spec, cancelled)
            return check_signature(data, spec.format)

    def _counted(self, draw, *args) -> bytes:
        outcome = "failed"
        try:
            data = draw(*args)
            outcome = "drawn"
            return data
        except ExportCancelled:
            outcome = "cancelled"
            raise
        except _TimedOut:
            outcome = "timed out"
            raise
        finally:
            self.outcomes[outcome] += 1

    @staticmethod
    def _wait_for(tabs: threading.Semaphore, status: StatusFn, cancelled) -> None:
        if tabs.acquire(blocking=False):
            return
        status(WAITING)
        while not tabs.acquire(timeout=0.2):
            if cancelled():
                raise ExportCancelled("The export was cancelled.")

    def _draw(self, kaleido, fig, spec: ImageSpec, cancelled) -> bytes:
        opts = {"format": spec.format, "width": spec.width, "height": spec.height}
        opts["scale"] = spec.scale
        future = asyncio.run_coroutine_threadsafe(kaleido.calc_fig(fig, opts=opts), self._loop)
        # Kaleido times the drawing itself; this only catches a browser that stopped answering.
        deadline = time.monotonic() + self._timeout + 10
        try:
            while True:
                with contextlib.suppress(FutureTimeout):
                    return future.result(timeout=0.2)
                if cancelled():
                    raise ExportCancelled("The export was cancelled.")
                if time.monotonic() > deadline:
                    raise FutureTimeout()
        except ExportCancelled:
            future.cancel()
            raise
        except (TimeoutError, FutureTimeout) as exc:
            future.cancel()
            if not isinstance(exc, FutureTimeout) or self._browser_alive(kaleido):
                raise _TimedOut(
                    f"Drawing this image took longer than {self._timeout:g} s, so it was "
                    "stopped; try a smaller size or scale."
                ) from None
            return self._failed(kaleido, exc)
        except Exception as exc:
            future.cancel()
            if self._closed:  # closed under it (the app stopping): no news
                raise ExportError(_STOPPED) from None
            if self._browser_alive(kaleido):
                log.warning("export failed: %r", exc)
                raise ExportError(
                    f"The export browser could not draw this image ({type(exc).__name__})."
                ) from None
            return self._failed(kaleido, exc)

    def _failed(self, kaleido, exc: BaseException) -> NoReturn:
        log.warning("export failed, the browser died: %r", exc)
        self._restart(kaleido)
        raise ExportError(
            "The export browser failed while drawing this image "
            f"({type(exc).__name__}); it has been restarted, so try again."
        ) from None

    @staticmethod
    def _browser_alive(kaleido) -> bool:
        proc = getattr(kaleido, "subprocess", None)
        return proc is None or proc.poll() is None

    def _ensure_started(self):
        with self._lock:
            if self._closed:  # an export still waiting when the app stopped starts no browser
                raise ExportError(_STOPPED)
            if self._kaleido is not None and not self._browser_alive(self._kaleido):
                # It died while idle (killed, out of memory): start another before drawing.
                log.warning("the export browser had died; starting a new one")
                broken, self._kaleido = self._kaleido, None
                self._close_kaleido(broken)
            if self._kaleido is not None:
                return self._kaleido
            if browser_path() is None:
                raise BrowserMissing()
            if self._loop is None:
                self._loop = asyncio.new_event_loop()
                self._loop.set_exception_handler(self._loop_exception)
                self._thread = threading.Thread(
                    target=self._loop.run_forever, name="timeline-export", daemon=True
                )
                self._thread.start()
            future = asyncio.run_coroutine_threadsafe(self._open(), self._loop)
            try:
                self._kaleido = future.result(timeout=START_TIMEOUT)
            except Exception as exc:
                future.cancel()
                reason = str(exc) or type(exc).__name__
                raise ExportError(f"Could not start the export browser: {reason}") from None
            return self._kaleido

    def _loop_exception(self, loop, context: dict) -> None:
        # Drawings under way when the engine closes end in Kaleido's tasks with "channel
        # closed", which asyncio reports as "Task exception was never retrieved" at exit.
        if self._closed:
            log.debug("after the export engine closed: %s", context.get("message"))
            return
        loop.default_exception_handler(context)

    async def _open(self):
        path = browser_path()
        # One tab: each takes seconds of CPU to load plotly.js, and one is enough to draw. The
        # others open when two drawings first meet (``_drawing_on``): loading one beside a
        # drawing would slow it down, on a small machine, by as much as the tab costs.
        k = _kaleido_class()(
            n=1, timeout=self._timeout, mathjax=False, plotlyjs=PLOTLY_BUNDLE.as_uri(), path=path
        )
        await k.open()
        return k

    @contextlib.contextmanager
    def _drawing_on(self, kaleido):
        """Counts the drawings under way; the first that finds another opens the other tabs."""
        with self._tab_lock:
            self._drawings += 1
            crowded = self._drawings > 1
        if crowded:
            self._open_more_tabs(kaleido)
        try:
            yield
        finally:
            with self._tab_lock:
                self._drawings -= 1

    def _open_more_tabs(self, kaleido) -> None:
        with self._tab_lock:
            if self._tabs < 2 or self._opening_tabs is not None or kaleido is not self._kaleido:
                return
            self._opening_tabs = asyncio.run_coroutine_threadsafe(
                self._open_tabs(kaleido, self._tabs - 1), self._loop
            )

    async def _open_tabs(self, k, count: int) -> None:
        # Kaleido's own way to add a tab (private, in every 1.x): without it, or if it fails,
        # the engine draws with the tabs it has, one drawing after another.
        add = getattr(k, "_create_kaleido_tab", None)
        for _ in range(count if add else 0):
            try:
                await add()
            except Exception as exc:
                if not self._closed:  # else the app is stopping: no news
                    log.warning("the export browser opened fewer tabs than asked (%r)", exc)
                return

    def _restart(self, broken) -> None:
        with self._lock:
            if self._kaleido is broken:
                self._kaleido = None
                self._close_kaleido(broken)

    def _close_kaleido(self, k) -> None:
        if k is None or self._loop is None:
            return
        future = asyncio.run_coroutine_threadsafe(self._shut(k), self._loop)
        with contextlib.suppress(Exception):
            future.result(timeout=15)

    async def _shut(self, k) -> None:
        with self._tab_lock:
            opening, self._opening_tabs = self._opening_tabs, None
        if opening is not None:
            opening.cancel()
        await k.close()

    def close(self) -> None:
        """Shut the browser down (also done at exit)."""
        if os.getpid() != self._owner:  # a forked export job: the browser is its parent's
            return
        with self._lock:
            self._closed = True
            k, self._kaleido = self._kaleido, None
            self._close_kaleido(k)
            if self._loop is not None:
                self._loop.call_soon_threadsafe(self._loop.stop)
                if self._thread is not None:
                    self._thread.join(timeout=5)
                self._loop = None
                self._thread = None

    def browser_pids(self) -> list[int]:
        """Process ids of this engine's browser, for leak checks."""
        k = self._kaleido
        proc = getattr(k, "subprocess", None) if k is not None else None
        pid = getattr(proc, "pid", None)
        return [pid] if pid else []


def figure_html(fig: go.Figure) -> str:
    """A self-contained interactive page: plotly.js inlined, nothing fetched from the network.

    The page is titled with the chart's title (``layout.meta[META.TITLE]``) and scales the
    chart, laid out for its export size, to fit the window it is opened in: hover text and
    callouts stay where they were placed, whatever the window.
    """
    width, height = fig.layout.width or 1920, fig.layout.height or 1080
    title = (fig.layout.meta or {}).get(META.TITLE) if isinstance(fig.layout.meta, dict) else None
    fit = _FIT_SCRIPT.replace("WIDTH", str(int(width))).replace("HEIGHT", str(int(height)))
    page = fig.to_html(
        include_plotlyjs=True,
        full_html=True,
        config={"displaylogo": False, "modeBarButtonsToRemove": ["toImage"]},
        post_script=fit,
    )
    head = (
        f"<title>{html.escape(title or 'Timeline', quote=False)}</title>"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>"
        "<style>html, body { margin: 0; overflow: hidden; }</style>"
    )
    return page.replace("<head>", "<head>" + head, 1)


# Scales the chart's div (laid out at WIDTH×HEIGHT) to the window, keeping its proportions.
_FIT_SCRIPT = """
const gd = document.getElementById('{plot_id}');
const box = gd.parentElement;
function fit() {
    const scale = Math.min(window.innerWidth / WIDTH, window.innerHeight / HEIGHT);
    box.style.width = WIDTH + 'px';
    box.style.transformOrigin = '0 0';
    box.style.transform = 'scale(' + scale + ')';
}
window.addEventListener('resize', fit);
fit();
"""


def write_atomic(path: str | os.PathLike, data: bytes) -> Path:
    """Write ``data`` to ``path`` whole or not at all (a temporary file renamed into place).

    The file gets the mode any new file of the user's gets (0666 less the umask): the temporary
    file is made with ``os.open``, which applies the umask, where ``mkstemp`` would give 0600.
    """
    target = Path(path)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = _create_beside(target)
    except OSError as exc:
        raise ExportError(f"Cannot write to {target.parent}: {exc.strerror or exc}") from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, target)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise ExportError(f"Cannot write {target}: {exc.strerror or exc}") from None
    return target


def _create_beside(target: Path) -> tuple[int, Path]:
    """A new, empty, hidden file in ``target``'s folder, opened for writing."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    for _ in range(100):
        tmp = target.parent / f".{target.name}.{secrets.token_hex(6)}.part"
        try:
            return os.open(tmp, flags, 0o666), tmp
        except FileExistsError:
            continue
    raise FileExistsError(f"no free temporary name beside {target}")


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _spreadsheet_safe(value: str) -> str:
    # A leading apostrophe makes spreadsheets show the text instead of running it as a formula.
    # Numbers such as a tone of -5 are left alone: they are not formulas.
    if value.startswith(_FORMULA_START):
        try:
            float(value)
        except ValueError:
            return "'" + value
    return value


CSV_CHUNK_ROWS = 10_000
# Columns of the CSV that the loader renamed (the text as written, before it was parsed).
_CSV_SOURCE = {"start": "start_text", "end": "end_text"}


def events_to_csv(events: pd.DataFrame) -> str:
    """Events in the dataset's own CSV format, safe to open in a spreadsheet."""
    return "".join(events_csv_chunks(events))


def events_csv_chunks(
    events: pd.DataFrame, positions: np.ndarray | None = None, rows: int = CSV_CHUNK_ROWS
) -> Iterator[str]:
    """``events_to_csv`` in pieces of ``rows`` rows, header first, for a streamed download.

    ``positions``: which rows of ``events`` to write (all by default), so a filtered download
    needs no copy of the rows it keeps. Each piece is built a column at a time, so a million
    rows stream in seconds, in the memory of one piece.
    """
    yield _csv_text([COLUMNS])
    count = len(events) if positions is None else len(positions)
    for start in range(0, count, rows):
        stop = min(start + rows, count)
        chunk = events.iloc[start:stop] if positions is None else events.iloc[positions[start:stop]]
        yield _csv_chunk(chunk)


def _csv_text(records) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(records)
    return out.getvalue()


def _csv_chunk(chunk: pd.DataFrame) -> str:
    """Rows as CSV lines, as Python's csv module writes them, made by Arrow's string kernels."""
    cells = [_csv_cells(_csv_column(chunk, column)) for column in COLUMNS]
    lines = pc.binary_join_element_wise(*cells, ",")
    return "\n".join(lines.to_pylist()) + "\n"


def _csv_column(chunk: pd.DataFrame, column: str) -> pa.Array:
    if column in ("themes", "tone"):
        # Few distinct values (theme combinations, tones): each is written out once.
        codes, distinct = pd.factorize(chunk[column])
        texts = [";".join(v) if column == "themes" else f"{v + 0.0:g}" for v in distinct]
        return pa.array(np.array([*texts, ""], dtype=object)[codes], pa.string())
    if column == "importance":
        return pa.array(chunk[column].astype(str), pa.string())
    return pc.fill_null(pa.array(chunk[_CSV_SOURCE.get(column, column)], pa.string()), "")


def _csv_cells(values: pa.Array) -> pa.Array:
    """``values`` made spreadsheet-safe, then quoted where the CSV format needs it."""
    risky = pc.match_substring_regex(values, r"^[=+\-@\t\r]")
    if pc.any(risky).as_py():
        # Rare: checked one by one, as _spreadsheet_safe says.
        safe = [_spreadsheet_safe(v) for v in pc.filter(values, risky).to_pylist()]
        values = pc.replace_with_mask(values, risky, pa.array(safe, pa.string()))
    needs_quotes = pc.match_substring_regex(values, r'[",\r\n]')
    if pc.any(needs_quotes).as_py():
        quoted = pc.binary_join_element_wise('"', pc.replace_substring(values, '"', '""'), '"', "")
        values = pc.if_else(needs_quotes, quoted, values)
    return values
