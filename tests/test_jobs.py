"""Exports as background jobs: progress in words, Cancel, busy at once, one export's failure
kept to itself, a browser that died while idle, and the same jobs on Celery with Redis."""

import io
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import requests
from conftest import LiveServer, Watched, free_port
from page_names import S
from PIL import Image

from timeline import jobs
from timeline.export import DRAWING, ExportEngine, ExportError, ImageSpec
from timeline.filters import EventFilter
from timeline.jobs import ExportJobs, JobsConfig
from timeline.panels import EXPORT_LABEL
from timeline.probe import (
    app_token,
    chromium_processes,
    downloaded_file,
    export_payload,
    follow_job,
    post,
    run_job,
    status_text,
)
from timeline.stories import Story, load_stories
from timeline.views import export_view

ROOT = Path(__file__).resolve().parent.parent


def wait_until(predicate, timeout: float = 60) -> bool:
    """Until ``predicate()`` holds, asking every tenth of a second; whether it came to hold."""
    deadline = time.monotonic() + timeout
    tick = threading.Event()
    while not predicate():
        if time.monotonic() > deadline:
            return False
        tick.wait(0.1)
    return True


def _button_says(words: str) -> str:
    return S(f"() => document.getElementById('$EXPORT_BUTTON')?.textContent === {words!r}")


@pytest.mark.browser
def test_export_shows_progress_in_words_and_cancel_stops_the_drawing(page, live_app, monkeypatch):
    downloads = []
    page.on("download", lambda download: downloads.append(download))
    page.goto(live_app.url + "/?themes=china")
    page.wait_for_selector(S("#$CHART .scatterlayer .point"), state="attached", timeout=30_000)
    assert page.is_hidden(S("#$EXPORT_CANCEL"))
    # 16,000 × 8,000 pixels: many seconds of drawing, so Cancel comes while it draws. Past the
    # default pixel budget (8192²): the job, forked from this process, reads the raised one.
    monkeypatch.setenv("TIMELINE_MAX_PIXELS", str(16_000 * 8_000))
    page.locator(S("#$EXPORT_PRESET")).click()
    page.get_by_text("custom size").click()
    page.fill(S("#$EXPORT_WIDTH"), "8000")
    page.fill(S("#$EXPORT_HEIGHT"), "4000")
    page.locator(S("#$EXPORT_SCALE [role=slider]")).press("ArrowRight")  # 2×
    # The engine the page's jobs draw with: the last app made in this process for this data
    # (jobs find their app by a token made from the data, so that Celery workers can too).
    engine = jobs.exporter(app_token(live_app.url)).jobs.local_engine()
    cancelled_before = engine.outcomes["cancelled"]
    page.click(S("#$EXPORT_BUTTON"))
    page.wait_for_function(_button_says(DRAWING), timeout=60_000)
    assert page.is_disabled(S("#$EXPORT_BUTTON"))
    page.click(S("#$EXPORT_CANCEL"))
    page.wait_for_function(_button_says(EXPORT_LABEL), timeout=30_000)
    page.wait_for_selector(S("#$EXPORT_CANCEL"), state="hidden", timeout=10_000)
    assert page.is_enabled(S("#$EXPORT_BUTTON"))
    assert "Cancelled" in page.inner_text(S("#$EXPORT_STATUS"))
    # The drawing itself stopped, not only the page's wait for it.
    assert wait_until(lambda: engine.outcomes["cancelled"] > cancelled_before)
    assert downloads == []


def test_a_deck_says_which_slide_it_is_writing(dataset, engine, tmp_path):
    gap = load_stories(dataset)[0]
    two = Story(gap.slug, gap.title, gap.subtitle, gap.steps[:2])
    export_jobs = ExportJobs(JobsConfig(folder=tmp_path), engine=engine)
    token = export_jobs.register(dataset, {two.slug: two})
    words = []
    story = {"slug": two.slug, "step": 1, "playing": True}
    out = jobs.run_deck(words.append, token=token, story=story, fmt="pdf")
    assert "Saved" in str(out["status"].children)
    assert words[0] == "Laying out the slides…"
    assert "Writing slide 2 of 2…" in words
    assert words[-1] == "Saving the PDF…"
    assert DRAWING not in words  # a deck names the slide instead


def test_over_the_queue_limit_an_export_is_answered_busy_at_once(dataset, engine, tmp_path):
    from timeline.webapp import create_app

    export_jobs = ExportJobs(JobsConfig(queue=1, folder=tmp_path), engine=engine)
    server = LiveServer(create_app(dataset, engine, export_jobs=export_jobs))
    try:
        token = app_token(server.url)
        china = export_payload("png", "slide-16x9", ["china"], [1947, 2022], token=token)
        nuclear = export_payload("png", "square", ["nuclear"], [1947, 2022], token=token)
        with requests.Session() as s:
            first = post(s, server.url, china).json()  # started: it takes seconds
            busy = run_job(s, server.url, nuclear)
            assert status_text(busy).startswith("Busy: other exports are under way")
            assert downloaded_file(busy) is None
            name, _ = downloaded_file(follow_job(s, server.url, china, first))
            assert name == "pakistan-us_china.png"
            # Its place is free again.
            name, data = downloaded_file(run_job(s, server.url, nuclear))
            assert Image.open(io.BytesIO(data)).size == (1080, 1080)
    finally:
        server.stop()


def _a_long_job(result_key, progress_key, args, context):
    threading.Event().wait(120)  # a stand-in for a drawing; the test stops it


def test_large_exports_take_at_most_half_the_queue(tmp_path):
    manager = ExportJobs(JobsConfig(queue=2, folder=tmp_path)).manager
    large = {"options": {"fmt": "png", "preset": "custom", "width": 8000, "height": 4000}}
    small = {"options": {"fmt": "png", "preset": "slide-16x9"}}
    started = []
    try:
        started.append(manager.call_job_fn("large-1", _a_long_job, large, {}))
        assert manager.call_job_fn("large-2", _a_long_job, large, {}) == jobs.REFUSED
        answer = manager.get_result("large-2", jobs.REFUSED)["status"].children
        assert answer.startswith("Busy: other large exports or decks are under way (1 at a time")
        started.append(manager.call_job_fn("small-1", _a_long_job, small, {}))
        assert jobs.REFUSED not in started
        assert manager.call_job_fn("small-2", _a_long_job, small, {}) == jobs.REFUSED
    finally:
        for job in started:
            manager.terminate_job(job)
    assert manager.call_job_fn("small-3", lambda *_: None, small, {}) != jobs.REFUSED


@pytest.fixture(scope="module")
def own_engine():
    """An engine of these tests' own, whose browser they kill, with a short drawing time: an
    ordinary image draws in well under a second here, a 16,000² one takes many seconds."""
    engine = ExportEngine(timeout=3)
    yield engine
    engine.close()


def _gone(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] == "Z"
    except OSError:
        return True


def test_a_browser_that_died_while_idle_is_restarted_by_the_next_export(dataset, own_engine):
    spec = ImageSpec.build("png", "square")
    export_view(dataset, EventFilter(), spec, own_engine)
    [pid] = own_engine.browser_pids()
    os.kill(pid, signal.SIGKILL)
    assert wait_until(lambda: _gone(pid))
    data, _ = export_view(dataset, EventFilter(("china",)), spec, own_engine)
    assert Image.open(io.BytesIO(data)).size == (1080, 1080)
    assert own_engine.browser_pids() != [pid]


def test_an_export_that_times_out_fails_alone(dataset, own_engine, monkeypatch):
    monkeypatch.setenv("TIMELINE_MAX_PIXELS", str(16_000**2))  # past the default budget
    export_view(dataset, EventFilter(), ImageSpec.build("svg"), own_engine)
    [pid] = own_engine.browser_pids()
    watched, outcome = Watched(own_engine), {}
    huge = ImageSpec.build("png", width=8000, height=8000, scale=2)  # 16,000² pixels

    def export_huge():
        try:
            export_view(dataset, EventFilter(), huge, watched)
        except ExportError as exc:
            outcome["error"] = str(exc)

    worker = threading.Thread(target=export_huge)
    worker.start()
    assert watched.drawing.wait(timeout=120)
    # Drawn beside it, on the browser's other tab, while the huge one runs out of time.
    data, _ = export_view(dataset, EventFilter(("china",)), ImageSpec.build("png"), own_engine)
    assert Image.open(io.BytesIO(data)).size == (1920, 1080)
    worker.join(timeout=120)
    assert "took longer than 3 s" in outcome.get("error", ""), (outcome, own_engine.outcomes)
    assert own_engine.outcomes["timed out"] == 1
    assert own_engine.browser_pids() == [pid], "the shared browser was not restarted"


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory):
    server = shutil.which("redis-server")
    if server is None:
        pytest.skip("redis-server is not installed (Debian: apt-get install redis-server)")
    import redis

    port = free_port()
    folder = tmp_path_factory.mktemp("redis")
    args = ["--port", str(port), "--bind", "127.0.0.1", "--save", "", "--dir", str(folder)]
    proc = subprocess.Popen([server, *args], stdout=subprocess.DEVNULL)
    url = f"redis://127.0.0.1:{port}/0"
    client = redis.Redis.from_url(url)

    def answers() -> bool:
        try:
            return client.ping()
        except redis.ConnectionError:
            return False

    assert wait_until(answers, timeout=30), "redis-server did not start"
    yield url
    proc.terminate()
    proc.wait(timeout=30)


def test_exports_run_on_a_celery_worker_with_redis(dataset, engine, redis_url, tmp_path):
    from timeline.webapp import create_app

    env = {**os.environ, jobs.REDIS_ENV: redis_url, "TIMELINE_DATA": str(ROOT / "data/events.csv")}
    log = (tmp_path / "worker.log").open("wb")
    # The README's command.
    command = ["-m", "celery", "-A", "app:celery_app", "worker", "--concurrency", "1"]
    worker = subprocess.Popen(
        [sys.executable, *command, "--without-gossip", "--without-mingle"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    export_jobs = ExportJobs(JobsConfig(redis_url=redis_url, folder=tmp_path), engine=engine)
    server = LiveServer(create_app(dataset, engine, export_jobs=export_jobs))
    try:
        ping = export_jobs.celery_app.control.ping
        assert wait_until(lambda: ping(timeout=0.5), timeout=120), "the worker did not start"
        words = []
        payload = export_payload(
            "png", "slide-16x9", ["china"], [1947, 2022], token=app_token(server.url)
        )
        with requests.Session() as s:
            answer = run_job(s, server.url, payload, progress=words.append)
        name, data = downloaded_file(answer)
        assert name == "pakistan-us_china.png"
        assert Image.open(io.BytesIO(data)).size == (1920, 1080)
        assert DRAWING in words
        browsers = chromium_processes(worker.pid)
        assert browsers, "the worker drew with a browser of its own"
    finally:
        server.stop()
        worker.send_signal(signal.SIGTERM)
        worker.wait(timeout=60)
        log.close()
    assert wait_until(lambda: all(_gone(pid) for pid in browsers), timeout=30)


class _SlowToStart:
    """An engine whose browser takes until ``ready`` is set to start; notes when it is asked."""

    def __init__(self, steps: list[str], ready: threading.Event, **_settings):
        self.steps, self.ready = steps, ready

    def warm(self, figure=None):
        self.steps.append("engine asked to start")

    def render(self, fig, spec, **_):
        self.ready.wait(timeout=60)
        raise ExportError("not a real browser")


def test_start_up_starts_the_export_engine_and_serves_the_page_before_it_is_warm(
    monkeypatch, tmp_path
):
    from timeline import cli, data

    steps, ready = [], threading.Event()
    monkeypatch.setattr(jobs, "ExportEngine", lambda **kw: _SlowToStart(steps, ready, **kw))
    read = data.load_dataset
    monkeypatch.setattr(data, "load_dataset", lambda path: steps.append("data read") or read(path))
    monkeypatch.setattr(jobs, "_EXPORTERS", {})  # other tests' apps keep their engines
    monkeypatch.delenv(jobs.REDIS_ENV, raising=False)
    monkeypatch.setenv(jobs.FOLDER_ENV, str(tmp_path / "jobs"))
    monkeypatch.setenv("TIMELINE_CACHE_DIR", str(tmp_path / "pictures"))
    try:
        _, app, _ = cli.build_app(str(ROOT / "data" / "events.csv"))
        # No request yet: once the data proved readable (a broken file stops the start before
        # any browser exists), the engine was asked to start, ahead of the page.
        assert steps == ["data read", "engine asked to start"]
        page = app.server.test_client().get("/")
        assert page.status_code == 200  # while the browser is still starting
        assert "Drawing the chart…" in page.get_data(as_text=True)
    finally:
        ready.set()


def _json(figure: dict) -> str:
    from plotly.utils import PlotlyJSONEncoder

    return json.dumps(figure, cls=PlotlyJSONEncoder, sort_keys=True)


class _Recorder:
    """An engine that keeps what it is asked to draw."""

    def __init__(self):
        self.drawn = []

    def render(self, fig, spec):
        self.drawn.append((fig.to_dict() if hasattr(fig, "to_dict") else fig, spec))
        return b"\x89PNG\r\n\x1a\n"


def test_the_engine_warms_up_on_the_export_a_first_click_makes(dataset):
    from timeline.callbacks import export_image
    from timeline.filters import year_bounds
    from timeline.probe import view_values
    from timeline.views import warm_up_figure

    # What the export panel sends before anyone touches it, on the page's default view.
    options = {"fmt": "png", "preset": "slide-16x9", "scale": 1, "background": [], "title": ""}
    controls = view_values(list(dataset.themes), list(year_bounds(dataset)))
    recorder = _Recorder()
    export_image(dataset, recorder, options, controls)
    [(figure, spec)] = recorder.drawn
    assert _json(figure) == _json(warm_up_figure(dataset))
    assert (spec.width, spec.height, spec.format) == (1920, 1080, "png")
