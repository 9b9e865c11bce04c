import contextlib
import socket
import threading
from pathlib import Path

import pytest

from timeline.data import load_dataset
from timeline.export import DRAWING, ExportEngine
from timeline.headless import CHROMIUM, CHROMIUM_ARGS

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data" / "events.csv"
ARTICLE = ROOT.parent / "shared" / "source" / "article.txt"
# The columns the tests' rows are written in; a file may name any subset of COLUMNS, in any order.
TEST_COLUMNS = ("id", "kind", "start", "end", "title", "summary", "themes", "tone", "importance")
TEST_COLUMNS += ("commentary", "cited", "cited_from", "source", "url")
HEADER = ",".join(TEST_COLUMNS) + "\n"


@pytest.fixture(scope="session")
def dataset():
    return load_dataset(DATA)


@pytest.fixture(scope="session")
def article_text():
    if not ARTICLE.exists():
        pytest.skip(f"the source article is not at {ARTICLE}")
    return ARTICLE.read_text(encoding="utf-8")


@pytest.fixture
def write_csv(tmp_path):
    """Write CSV rows (after the standard header) to a file and return its path."""

    def write(*rows: str, header: str = HEADER, name: str = "events.csv") -> Path:
        path = tmp_path / name
        path.write_text(
            header + "".join(r if r.endswith("\n") else r + "\n" for r in rows), encoding="utf-8"
        )
        return path

    return write


@pytest.fixture(scope="session")
def engine():
    eng = ExportEngine()
    yield eng
    eng.close()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Watched:
    """An engine whose drawings set ``drawing`` once they start."""

    def __init__(self, engine):
        self.engine, self.drawing = engine, threading.Event()

    def render(self, fig, spec):
        def status(words):
            if words == DRAWING:
                self.drawing.set()

        return self.engine.render(fig, spec, status=status)


class LiveServer:
    """The real app served by a real WSGI server in a thread."""

    def __init__(self, app):
        from werkzeug.serving import make_server

        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self._server = make_server("127.0.0.1", self.port, app.server, threaded=True)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def stop(self):
        self._server.shutdown()


@pytest.fixture(scope="session")
def live_app(dataset, engine):
    from timeline.webapp import create_app

    server = LiveServer(create_app(dataset, engine))
    yield server
    server.stop()


@contextlib.contextmanager
def app_page(browser, dataset, engine, query: str = ""):
    """The app on ``dataset`` opened at ``query`` in a fresh 1366×768 page; ``page.dialogs``
    collects any alert (a sign that markup in the data ran)."""
    from timeline.webapp import create_app

    server = LiveServer(create_app(dataset, engine))
    context = browser.new_context(viewport={"width": 1366, "height": 768})
    page = context.new_page()
    page.dialogs = []
    page.on("dialog", lambda d: (page.dialogs.append(d.message), d.dismiss()))
    try:
        page.goto(server.url + "/" + query)
        yield page
    finally:
        context.close()
        server.stop()


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1366, "height": 768}, accept_downloads=True)
    pg = context.new_page()
    pg.console_errors = []
    pg.on("console", lambda m: pg.console_errors.append(m.text) if m.type == "error" else None)
    pg.on("pageerror", lambda e: pg.console_errors.append(str(e)))
    yield pg
    context.close()
