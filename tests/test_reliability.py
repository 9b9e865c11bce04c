"""Failing parts and many users: a killed browser, leaks, gunicorn, hostile requests."""

import hashlib
import io
import logging
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
from conftest import Watched
from PIL import Image

from timeline import ids
from timeline.export import ExportEngine, ExportError, ImageSpec
from timeline.filters import EventFilter
from timeline.probe import (
    app_token,
    chromium_processes,
    csv_download,
    downloaded_file,
    export_payload,
    post,
    run_job,
    update_view_payload,
)
from timeline.views import export_view

ROOT = Path(__file__).resolve().parent.parent


def test_browser_killed_mid_export_fails_that_export_and_the_next_works(dataset):
    engine = ExportEngine()
    try:
        export_view(dataset, EventFilter(), ImageSpec.build("png"), engine)
        [pid] = engine.browser_pids()
        outcome = {}
        watched = Watched(engine)

        def slow_export():
            try:
                export_view(dataset, EventFilter(), ImageSpec.build("png", scale=4), watched)
                outcome["result"] = "finished"
            except ExportError as exc:
                outcome["result"] = str(exc)

        worker = threading.Thread(target=slow_export)
        worker.start()
        assert watched.drawing.wait(timeout=120)
        os.kill(pid, signal.SIGKILL)
        worker.join(timeout=120)
        assert "failed while drawing" in outcome["result"]
        assert "try again" in outcome["result"]
        data, _ = export_view(dataset, EventFilter(), ImageSpec.build("png"), engine)
        assert Image.open(io.BytesIO(data)).size == (1920, 1080)
        assert engine.browser_pids() != [pid]
    finally:
        engine.close()


def test_exports_leak_no_browser_processes(dataset):
    before = set(chromium_processes())
    engine = ExportEngine()
    errors = []

    def export(theme):
        try:
            export_view(dataset, EventFilter((theme,)), ImageSpec.build("svg"), engine)
        except Exception as exc:
            errors.append(exc)

    threads = [threading.Thread(target=export, args=(t,)) for t in dataset.themes]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    during = set(chromium_processes())
    engine.close()
    time.sleep(0.5)
    assert errors == []
    assert during - before, "the engine ran a browser"
    assert set(chromium_processes()) - before == set(), "every browser the engine started is gone"


def test_missing_browser_says_how_to_install(monkeypatch, dataset):
    monkeypatch.setenv("BROWSER_PATH", "/nonexistent/chromium")
    engine = ExportEngine()
    with pytest.raises(ExportError, match="apt-get install chromium"):
        export_view(dataset, EventFilter(), ImageSpec.build("png"), engine)
    data, _ = export_view(dataset, EventFilter(), ImageSpec.build("html"), engine)
    assert b"<html" in data[:200].lower()


@pytest.fixture(scope="module")
def gunicorn_app(tmp_path_factory):
    folder = tmp_path_factory.mktemp("data")
    for name in ("events.csv", "events.toml"):
        shutil.copy(ROOT / "data" / name, folder / name)
    data = folder / "events.csv"
    digest = hashlib.sha256(data.read_bytes()).hexdigest()
    from conftest import free_port

    port = free_port()
    env = {**os.environ, "TIMELINE_DATA": str(data)}
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "--workers",
            "2",
            "--threads",
            "4",
            "--bind",
            f"127.0.0.1:{port}",
            "--timeout",
            "120",
            "app:server",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    for _ in range(120):
        try:
            if requests.get(url, timeout=1).status_code == 200:
                break
        except requests.RequestException:
            time.sleep(0.25)
    else:
        proc.kill()
        pytest.fail("gunicorn did not start: " + proc.stdout.read().decode()[-2000:])
    yield url, data, digest, proc
    proc.send_signal(signal.SIGTERM)
    proc.wait(timeout=60)


def test_gunicorn_serves_filters_and_exports(gunicorn_app):
    url, _, _, _ = gunicorn_app
    page = requests.get(url, timeout=10)
    assert page.status_code == 200
    with requests.Session() as s:
        answer = post(s, url, update_view_payload(["nuclear"], [1947, 2022], ""))
        assert answer.status_code == 200
        rows = answer.json()["response"][ids.GRID_ROWS]["data"]
        assert rows and all("Nuclear" in r["themes"] for r in rows)
        payload = export_payload("png", "square", ["china"], [1947, 2022], token=app_token(url))
        name, data = downloaded_file(run_job(s, url, payload))
        assert name == "pakistan-us_china.png"
        assert Image.open(io.BytesIO(data)).size == (1080, 1080)


@pytest.mark.parametrize(
    ("themes", "years", "query"),
    [
        (["security"] * 10_000, [1947, 2022], ""),
        ("security", [1947, 2022], ""),
        (None, "not a list", None),
        (["china"], [0, 99999], ""),
        ([], [2022, 1947], "x" * 500_000),
        ([{"a": 1}, 5], [None, "y"], {"q": 1}),
    ],
    ids=["10k-themes", "string-themes", "nulls", "years-0-99999", "500KB-search", "objects"],
)
def test_hostile_requests_get_a_handled_answer(gunicorn_app, themes, years, query):
    url, _, _, _ = gunicorn_app
    with requests.Session() as s:
        answer = post(s, url, update_view_payload(themes, years, query, selected="<script>"))
    assert answer.status_code == 200, answer.text[:500]
    assert "Traceback" not in answer.text
    assert ids.COUNT in answer.json()["response"]


def test_the_source_csv_is_never_modified(gunicorn_app):
    url, data, digest, _ = gunicorn_app
    with requests.Session() as s:
        post(s, url, update_view_payload(["security"], [2001, 2011], "raid"))
        answer = csv_download(s, url, "?themes=security&from=2001&to=2011&q=raid")
    disposition = answer.headers["Content-Disposition"]
    assert disposition == 'attachment; filename="pakistan-us_security_2001-2011_raid.csv"'
    assert b"2011-abbottabad-raid" in answer.content
    assert hashlib.sha256(data.read_bytes()).hexdigest() == digest


def test_an_engine_closed_while_it_warms_up_and_draws_logs_nothing(dataset, caplog):
    from timeline.views import warm_up_figure

    before = set(chromium_processes())
    engine = ExportEngine()
    watched = Watched(engine)
    outcomes = []

    def export(theme):
        try:
            export_view(dataset, EventFilter((theme,)), ImageSpec.build("png"), watched)
            outcomes.append("drawn")
        except ExportError as exc:
            outcomes.append(str(exc))

    with caplog.at_level(logging.INFO):
        engine.warm(lambda: warm_up_figure(dataset))
        exports = [threading.Thread(target=export, args=(t,)) for t in dataset.themes[:3]]
        for thread in exports:
            thread.start()
        assert watched.drawing.wait(timeout=120)
        engine.close()  # as the app does at exit: exports, a tab opening, reloads under way
        for thread in exports:
            thread.join(timeout=120)
    assert set(outcomes) <= {"drawn", "The export engine stopped; try again."}
    assert len(outcomes) == 3
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING] == []
    gone = threading.Event()
    deadline = time.monotonic() + 60
    while set(chromium_processes()) - before and time.monotonic() < deadline:
        gone.wait(0.1)  # the browser's processes end a moment after it is closed
    assert set(chromium_processes()) - before == set()


def test_an_engine_closed_before_its_browser_is_up_logs_nothing(caplog):
    engine = ExportEngine()
    with caplog.at_level(logging.INFO):
        warming = engine.warm()
        engine.close()  # the app stopped at once: the browser starting, or not yet asked for
        warming.join(timeout=120)
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING] == []
    assert engine.browser_pids() == []
