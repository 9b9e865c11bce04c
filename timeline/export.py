"""Turning figures and events into files: PNG, SVG, PDF, HTML and CSV.

Static images are drawn by Kaleido in a headless Chromium. Starting a browser costs seconds, so
one ``ExportEngine`` starts it once, renders every export in it (from any thread), restarts it if
it dies, and shuts it down at exit.
"""

from __future__ import annotations

import asyncio
import atexit
import contextlib
import csv
import html
import io
import logging
import os
import shutil
import tempfile
import threading
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go

from timeline.choices import FORMATS, PRESETS, STYLES
from timeline.contract import META
from timeline.data import COLUMNS

log = logging.getLogger(__name__)

MAX_SIDE = 8000
MAX_SCALE = 4
INSTALL_HINT = (
    "Image export needs Chromium. On Debian or Ubuntu run `sudo apt-get install chromium` "
    "(`./dev app` does this for you), or set BROWSER_PATH to a Chrome or Chromium executable. "
    "The chart's camera button still saves a PNG from the browser without it."
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
        if style not in STYLES:
            raise ExportError(f"Unknown style {style!r}: choose one of {', '.join(STYLES)}.")
        return cls(fmt, w, h, s if fmt == "png" else 1, bool(transparent), style)


def browser_path() -> str | None:
    """The Chromium or Chrome Kaleido will use, or None when there is none."""
    env = os.environ.get("BROWSER_PATH")
    if env:
        return env if Path(env).exists() else None
    for name in ("chromium", "chromium-browser", "google-chrome", "chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


class ExportEngine:
    """One warm headless browser shared by every export in this process."""

    def __init__(self, tabs: int = 2, timeout: float = 60):
        self._tabs = tabs
        self._timeout = timeout
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._kaleido = None
        self._closed = False
        atexit.register(self.close)

    def render(self, fig: go.Figure, spec: ImageSpec) -> bytes:
        """The bytes of ``fig`` drawn as ``spec`` says. Safe to call from many threads."""
        if spec.format == "html":
            return figure_html(fig).encode("utf-8")
        kaleido = self._ensure_started()
        opts = {
            "format": spec.format,
            "width": spec.width,
            "height": spec.height,
            "scale": spec.scale,
        }
        future = asyncio.run_coroutine_threadsafe(kaleido.calc_fig(fig, opts=opts), self._loop)
        try:
            return future.result(timeout=self._timeout + 5)
        except (FutureTimeout, Exception) as exc:
            future.cancel()
            log.warning("export failed, restarting the browser: %r", exc)
            self._restart(kaleido)
            raise ExportError(
                "The export browser failed while drawing this image "
                f"({type(exc).__name__}); it has been restarted, so try again."
            ) from None

    def _ensure_started(self):
        with self._lock:
            if self._kaleido is not None:
                return self._kaleido
            if browser_path() is None:
                raise BrowserMissing()
            if self._loop is None:
                self._loop = asyncio.new_event_loop()
                self._thread = threading.Thread(
                    target=self._loop.run_forever, name="timeline-export", daemon=True
                )
                self._thread.start()
            future = asyncio.run_coroutine_threadsafe(self._open(), self._loop)
            try:
                self._kaleido = future.result(timeout=self._timeout)
            except Exception as exc:
                raise ExportError(f"Could not start the export browser: {exc}") from None
            return self._kaleido

    async def _open(self):
        import kaleido  # imported here: it is only needed once an image is asked for

        path = browser_path()
        k = kaleido.Kaleido(n=self._tabs, timeout=self._timeout, mathjax=False, path=path)
        await k.open()
        return k

    def _restart(self, broken) -> None:
        with self._lock:
            if self._kaleido is broken:
                self._kaleido = None
                self._close_kaleido(broken)

    def _close_kaleido(self, k) -> None:
        if k is None or self._loop is None:
            return
        future = asyncio.run_coroutine_threadsafe(k.close(), self._loop)
        with contextlib.suppress(Exception):
            future.result(timeout=15)

    def close(self) -> None:
        """Shut the browser down (also done at exit)."""
        with self._lock:
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
    """Write ``data`` to ``path`` whole or not at all (a temporary file renamed into place)."""
    target = Path(path)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
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


def events_to_csv(events: pd.DataFrame) -> str:
    """Events in the dataset's own CSV format, safe to open in a spreadsheet."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for row in events.itertuples(index=False):
        tone = "" if pd.isna(row.tone) else f"{row.tone:g}"
        values = {
            "id": row.id,
            "kind": row.kind,
            "start": row.start_text,
            "end": row.end_text,
            "title": row.title,
            "label": row.label,
            "summary": row.summary,
            "themes": ";".join(row.themes),
            "cameo": row.cameo,
            "tone": tone,
            "tone_note": row.tone_note,
            "importance": str(row.importance),
            "commentary": row.commentary,
            "callout": row.callout,
            "cited": row.cited,
            "cited_from": row.cited_from,
            "source": row.source,
            "url": row.url,
            "date_note": row.date_note,
        }
        writer.writerow([_spreadsheet_safe(values[c]) for c in COLUMNS])
    return out.getvalue()
