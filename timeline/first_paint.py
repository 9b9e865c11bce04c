"""The chart in the page's first paint: the server sends a static picture of the view it shows,
and the default view's chart is live before Dash has started.

Dash builds its page in the browser, after some 2 MB of scripts have run and two requests have
come back. The page the server sends holds a static copy of the page around the chart instead,
with the view drawn as SVG by the export engine (Kaleido) where the chart will be, so the chart
appears at once. The page also carries its first figure: on the default view's page, Plotly
draws it over the picture as soon as plotly.js has run (assets/clientside.js, drawFirst), so
hover answers before Dash has started, and a click or a zoom is answered once it has. The real
page is built hidden behind the static one; the chart is moved into it, as it stands, and it
takes the static page's place. A link's page (another view) keeps its picture until Dash has
drawn that view.

Pictures are kept by view, in memory and on disk (``TIMELINE_CACHE_DIR``, else the user's cache
folder), under a hash of the figure they draw: a change to the data or to the chart's code gives
new figures, so an old picture is never shown. A picture not ready yet is drawn in the
background; the page does not wait for it, and shows an empty chart box meanwhile.
"""

from __future__ import annotations

import hashlib
import html as html_text
import logging
import os
import re
import threading
from dataclasses import dataclass
from pathlib import Path

import plotly
from dash import Dash
from dash.development.base_component import Component
from plotly.io.json import to_json_plotly

from timeline import guard, ids
from timeline.contract import APP_CHART_HEIGHT, APP_CHART_WIDTH, FIRST_FIGURE_ID, META
from timeline.data import Dataset
from timeline.export import ExportEngine, ExportError, ImageSpec, write_atomic
from timeline.filters import ViewState, filter_from_query, filter_to_query
from timeline.static_page import static_html
from timeline.storymode import story_in_query

log = logging.getLogger(__name__)

SHELL_ID = "first-paint"  # the static page; removed once the live page shows the chart
PICTURE_CLASS = "first-paint-picture"
# Bump to drop every stored picture (when the way pictures are made changes).
PICTURE_VERSION = "1"
MEMORY_LIMIT = 64  # pictures kept in memory per process (the default view is always kept)
# Pictures waiting to be drawn at most: a flood of odd links must not queue up browser work.
MAX_WAITING = 8
WIDTH_COOKIE = "timeline-chart-width"
# Pictures are drawn for widths in these steps; the browser stretches one by at most 1%.
WIDTH_STEP = 20


@dataclass(frozen=True)
class Picture:
    """A view drawn as SVG markup to put in the page, with the texts shown beside the chart."""

    view: str  # the view's URL query, as the chart's layout.meta names it
    width: int  # in CSS pixels (the height is APP_CHART_HEIGHT)
    svg: str
    count: str  # "Showing 12 of 60 events"


def cache_dir() -> Path:
    """Where pictures are kept between runs: $TIMELINE_CACHE_DIR, else the user's cache."""
    if os.environ.get("TIMELINE_CACHE_DIR"):
        return Path(os.environ["TIMELINE_CACHE_DIR"])
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "relations-timeline" / "first-paint"


class ChartPictures:
    """Pictures of one dataset's views at given widths, drawn in the background, kept by view."""

    def __init__(self, dataset: Dataset, engine: ExportEngine, folder: Path | None = None):
        self.dataset = dataset
        self.engine = engine
        self.folder = folder or cache_dir()
        self._ready: dict[tuple[str, int], Picture] = {}
        self._asked: set[tuple[str, int]] = set()
        self._default: tuple[dict, str] | None = None  # the default view's figure and count
        self._drawn: dict[tuple[str, int], threading.Event] = {}
        self._lock = threading.Lock()
        # One at a time, so pictures never keep both of the engine's tabs from exports.
        self._one_at_a_time = threading.Lock()

    def start(self, figure: dict, count: str) -> None:
        """Have the default view's picture made now, from its ``figure`` (already built)."""
        self._default = (figure, count)
        self.get("", APP_CHART_WIDTH)

    def get(self, query: str, width: int) -> Picture | None:
        """The picture of the view at ``query`` (a URL query), ``width`` pixels wide.

        If that one is not ready it is started, and the same view at another width (the
        nearest) is returned meanwhile, when there is one.
        """
        state = app_state(self.dataset, query)
        key = (filter_to_query(state), width)
        with self._lock:
            if key in self._ready:
                return self._ready[key]
            others = [p for (view, _), p in self._ready.items() if view == key[0]]
            waiting = len(self._asked) - len(self._ready.keys() & self._asked)
            start = key not in self._asked and waiting < MAX_WAITING
            if start:
                self._asked.add(key)
                self._drawn[key] = threading.Event()
        if start:
            # A daemon thread: a picture being drawn must not hold up the process's exit.
            threading.Thread(target=self._draw, args=(state, key), daemon=True).start()
        return min(others, key=lambda p: abs(p.width - width), default=None)

    def wait(self, query: str = "", width: int = APP_CHART_WIDTH, timeout: float = 120):
        """The picture of ``query`` at ``width``, once drawn (for tests and benchmarks)."""
        self.get(query, width)
        key = (filter_to_query(app_state(self.dataset, query)), width)
        drawn = self._drawn.get(key)
        if drawn is not None:
            drawn.wait(timeout)
        return self._ready.get(key)

    def _draw(self, state: ViewState, key: tuple[str, int]) -> None:
        try:
            with self._one_at_a_time:
                self._draw_now(state, key)
        finally:
            self._drawn[key].set()

    def _draw_now(self, state: ViewState, key: tuple[str, int]) -> None:
        view, width = key
        try:
            if view == "" and self._default is not None:
                figure, count = self._default
            else:
                from timeline.views import build_view

                built = build_view(self.dataset, state)
                figure, count = built.figure, built.count
            picture = Picture(view, width, self._svg(figure, width), count)
        except (ExportError, OSError) as exc:
            log.warning("no first-paint picture of %r: %s", view or "the default view", exc)
            with self._lock:
                self._asked.discard(key)  # asked again by the next page
            return
        with self._lock:
            if len(self._ready) >= MEMORY_LIMIT:
                dropped = {k for k in self._ready if k[0] != ""}
                self._ready = {k: v for k, v in self._ready.items() if k not in dropped}
                self._asked -= dropped  # from disk when asked again
            self._ready[key] = picture

    def _svg(self, figure: dict, width: int) -> str:
        size = f"{width}x{APP_CHART_HEIGHT}"
        key = f"{PICTURE_VERSION}|{plotly.__version__}|{size}|{to_json_plotly(figure)}"
        path = self.folder / f"{hashlib.sha256(key.encode()).hexdigest()[:32]}.svg"
        if path.exists():
            return path.read_text(encoding="utf-8")
        spec = ImageSpec("svg", width, APP_CHART_HEIGHT)
        svg = fit_svg(self.engine.render(figure, spec).decode("utf-8"))
        try:
            write_atomic(path, svg.encode("utf-8"))
        except OSError as exc:  # an unwritable cache only costs the next start a drawing
            log.info("first-paint picture not kept: %s", exc)
        return svg


def picture_width(cookie: str | None) -> int:
    """The width to draw at: the chart's width when this browser last showed it (a cookie the
    page sets), in steps of WIDTH_STEP; else the width the chart's callouts are laid out for."""
    try:
        width = int(cookie or "")
    except ValueError:
        return APP_CHART_WIDTH
    return min(max(round(width / WIDTH_STEP) * WIDTH_STEP, 400), 3000)


def app_state(dataset: Dataset, query: str) -> ViewState:
    """The view the page shows for ``query``, as its controls will hold it (whole years)."""
    from timeline import callbacks as cb

    state = filter_from_query(dataset, query)
    if state == ViewState():
        return state
    return cb.controls_to_state(dataset, **cb.state_to_controls(dataset, state))


def fit_svg(svg: str) -> str:
    """Kaleido's SVG, made to fill its box: the box is as wide as the window allows."""
    svg = re.sub(r"^\s*<\?xml[^>]*>\s*", "", svg)
    return re.sub(
        r'^<svg([^>]*?) width="[\d.]+" height="[\d.]+"',
        r'<svg\1 width="100%" height="100%" preserveAspectRatio="none" aria-hidden="true"',
        svg,
        count=1,
    )


def install(
    app: Dash,
    dataset: Dataset,
    engine: ExportEngine,
    figure: dict,
    folder: Path | None = None,
) -> None:
    """Send ``app``'s page with its chart drawn in it; start drawing the default view now.

    ``figure`` is the default view's (the layout's count, ``ids.COUNT``, is its count). The
    pictures are ``app.server.extensions["timeline_first_paint"]`` (a ChartPictures).
    """
    pictures = ChartPictures(dataset, engine, folder)
    pictures.start(figure, _component(app.layout, ids.COUNT).children)
    plain = app.interpolate_index
    swap = guard.allow_inline_script(app, swap_script())
    # The default view's chart, drawn as soon as plotly.js has run (assets/clientside.js,
    # drawFirst), where the picture is, and taken over by the live page when it is built.
    data = to_json_plotly(figure).replace("<", "\\u003c")
    figure_element = f'<script type="application/json" id="{FIRST_FIGURE_ID}">{data}</script>'
    draw_first = guard.allow_inline_script(app, _DRAW_FIRST)

    def interpolate_index(**parts):
        query, width = _request_view()
        if story_in_query(query) is None:  # a story's step has a panel this page does not
            page = shell(app.layout, dataset, pictures.get(query, width), query)
            parts["app_entry"] = page + parts["app_entry"] + swap
            # The default view drawn at once; a link's view is drawn dimmed when Dash starts.
            at_once = draw_first if app_state(dataset, query) == ViewState() else ""
            parts["scripts"] = after_plotly(parts["scripts"], figure_element + at_once)
        return plain(**parts)

    app.interpolate_index = interpolate_index
    app.server.extensions["timeline_first_paint"] = pictures


def shell(layout: Component, dataset: Dataset, picture: Picture | None, query: str) -> str:
    """The static page of the view at ``query``, with its ``picture`` when there is one."""
    inner = {ids.CHART: _picture_html(dataset, picture)}
    notes = filter_from_query(dataset, query).notes
    if notes:
        inner[ids.NOTES] = "".join(f'<p class="note">{html_text.escape(n)}</p>' for n in notes)
    if picture:
        inner[ids.COUNT] = html_text.escape(picture.count)
    elif filter_to_query(app_state(dataset, query)):
        inner[ids.COUNT] = "&nbsp;"  # not the default view's count: that would mislead
    page = static_html(layout, inner=inner, hints={"controls": "Loading the filters…"})
    view = f' data-view="{html_text.escape(picture.view)}"' if picture else ""
    return f'<style>{_CSS}</style><div id="{SHELL_ID}"{view}>{page}</div>'


def swap_script() -> str:
    """What replaces the static page with the live one (after the live page's element): the
    text of an inline script, whose hash the CSP lists (``guard.allow_inline_script``)."""
    script = _SWAP.replace("SHELL_ID", SHELL_ID).replace("CHART_ID", ids.CHART)
    script = script.replace("WIDTH_COOKIE", WIDTH_COOKIE)
    return script.replace("META_VIEW", META.VIEW)


def after_plotly(scripts: str, markup: str) -> str:
    """``scripts`` (the page's script elements) with ``markup`` just after plotly.js's."""
    found = _PLOTLY_SCRIPT.search(scripts)
    if not found:
        return scripts
    return scripts[: found.end()] + markup + scripts[found.end() :]


def _picture_html(dataset: Dataset, picture: Picture | None) -> str:
    if picture is None:
        return f'<div class="{PICTURE_CLASS}"><p class="hint">Drawing the chart…</p></div>'
    label = html_text.escape(f"Chart: {dataset.info.title}. {picture.count}")
    return f'<div class="{PICTURE_CLASS}" role="img" aria-label="{label}">{picture.svg}</div>'


def _component(layout: Component, component_id: str) -> Component:
    for node in layout._traverse():
        if getattr(node, "id", None) == component_id:
            return node
    raise LookupError(f"the layout has no component {component_id!r}")


def _request_view() -> tuple[str, int]:
    """The URL query of the page asked for, and the width to draw its chart at."""
    import flask

    if not flask.has_request_context():
        return "", APP_CHART_WIDTH
    request = flask.request
    query = request.query_string.decode("utf-8", "replace")
    return query, picture_width(request.cookies.get(WIDTH_COOKIE))


_PLOTLY_SCRIPT = re.compile(r'<script src="[^"]*/plotly-timeline[^"/]*\.js[^"]*"></script>')
_DRAW_FIRST = (
    "window.timelineChart && timelineChart.drawFirst("
    f"document.querySelector('#{SHELL_ID} .{PICTURE_CLASS}'));"
)
# The live page is built hidden behind the static one (same width, so Plotly draws at the size
# it will show); it takes over once Plotly has drawn the pictured view.
_CSS = (
    f"#{SHELL_ID} ~ #react-entry-point {{height: 0; overflow: hidden; visibility: hidden}}"
    f" .{PICTURE_CLASS} {{height: 100%}} .{PICTURE_CLASS} > svg {{display: block}}"
    f" .{PICTURE_CLASS} > .hint {{margin: 0; padding: 12px}}"
)
# The live page takes over as soon as Plotly has drawn the pictured view (any view, when there
# was no picture), in the same task, so the next frame shows it; or 5 s after Plotly drew
# another view: a link whose own view never comes must not stay hidden behind a picture. It
# notes the chart's width for the next page.
_SWAP = """(function () {
    var shell = document.getElementById('SHELL_ID');
    var live = document.getElementById('react-entry-point');
    var want = shell.getAttribute('data-view');
    var fallback = null;
    var hooked = null;
    var drawn = false;
    var observer = new MutationObserver(look);
    function chart() {
        var box = document.getElementById('CHART_ID');
        return box && box.querySelector('.js-plotly-plot');
    }
    function swap() {
        document.cookie = 'WIDTH_COOKIE=' + Math.round(chart().clientWidth)
            + '; path=/; max-age=31536000; SameSite=Lax';
        observer.disconnect();
        clearTimeout(fallback);
        shell.remove();
    }
    function check() {
        var gd = chart();
        if (!shell.isConnected || !gd || !gd._fullLayout || !drawn) {
            return;
        }
        var meta = gd.layout && gd.layout.meta;
        if (want === null || (meta && meta['META_VIEW'] === want)) {
            swap();
        } else if (fallback === null) {
            fallback = setTimeout(swap, 5000);
        }
    }
    function look() {
        var gd = chart();
        if (gd && gd !== hooked && typeof gd.on === 'function') {
            hooked = gd;
            gd.on('plotly_afterplot', function () { drawn = true; check(); });
        }
        // Drawn before the hook was in place (Plotly can draw within one task).
        drawn = drawn || !!(gd && gd._fullLayout && gd.querySelector('.scatterlayer .trace'));
        check();
    }
    observer.observe(live, {childList: true, subtree: true});
})();"""
