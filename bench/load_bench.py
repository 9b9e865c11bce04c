"""Many users at once: concurrent sessions changing filters, and concurrent exports, on gunicorn.

    .venv/bin/python bench/load_bench.py [--sessions 50] [--changes 10] [--exports 10]
    .venv/bin/python bench/load_bench.py --hostile   # the same, calm and then among hostile users

Loopback only. Starts `gunicorn app:server` itself, drives it, checks every exported file,
stops it, and checks no browser process outlived it. Prints a table.

``--hostile`` runs twice on fresh servers: calm, then with hostile clients among the ordinary
users (``--oversized`` clients posting 20 MB bodies, ``--huge`` clients asking again and again
for 16,000 × 8,000 pixel exports), and compares the ordinary users' p95 (target: within 2× of
the calm run, no errors). An ordinary export answered "busy" tries again a moment later, as
the message asks; its time counts from the first click, and the table counts the busy answers.
"""

from __future__ import annotations

import argparse
import io
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests
from PIL import Image

from timeline.probe import (
    app_token,
    chromium_processes,
    downloaded_file,
    export_payload,
    post,
    run_job,
    status_text,
    update_view_payload,
)

ROOT = Path(__file__).resolve().parent.parent

THEMES = ["security", "afghanistan", "nuclear", "india-kashmir", "china", "economy", "diplomacy"]
WORDS = ["", "", "raid", "nuclear", "Kashmir", "aid", "Taliban", "sanctions"]


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _session(url: str, changes: int, seed: int) -> list[tuple[float, bool]]:
    rng = random.Random(seed)
    out = []
    with requests.Session() as s:
        s.get(url, timeout=30)
        for _ in range(changes):
            themes = rng.sample(THEMES, rng.randint(1, len(THEMES)))
            y0 = rng.randint(1947, 2015)
            payload = update_view_payload(themes, [y0, rng.randint(y0, 2022)], rng.choice(WORDS))
            t0 = time.perf_counter()
            try:
                answer = post(s, url, payload)
                ok = answer.status_code == 200 and "result-count" in answer.json()["response"]
            except (requests.RequestException, ValueError, KeyError):
                ok = False
            out.append((time.perf_counter() - t0, ok))
    return out


def _export(url: str, token: str, i: int) -> tuple[float, bool, int]:
    """An ordinary export (1920×1080 PNG), tried again after a moment when the server is busy:
    its time from the first click, whether the file came, and how many busy answers."""
    theme = THEMES[i % len(THEMES)]
    payload = export_payload("png", "slide-16x9", [theme], [1947, 2022], token=token)
    t0 = time.perf_counter()
    busy = 0
    try:
        with requests.Session() as s:
            for _ in range(60):
                answer = run_job(s, url, payload)
                if not status_text(answer).startswith("Busy"):
                    break
                busy += 1
                time.sleep(1)  # "try again in a moment"
        name, data = downloaded_file(answer)
        ok = name == f"pakistan-us_{theme}.png" and Image.open(io.BytesIO(data)).size == (
            1920,
            1080,
        )
    except Exception:
        ok = False
    return time.perf_counter() - t0, ok, busy


def _oversized(url: str, stop: threading.Event) -> list[int]:
    """Posts 20 MB bodies until ``stop``; the status codes (or 0: connection refused/reset)."""
    body = b'{"output": "x", "inputs": [], "pad": "' + b"x" * (20 * 2**20) + b'"}'
    codes = []
    with requests.Session() as s:
        while not stop.is_set():
            try:
                answer = s.post(
                    f"{url}/_dash-update-component",
                    data=body,
                    headers={"Content-Type": "application/json"},
                    timeout=60,
                )
                codes.append(answer.status_code)
            except requests.RequestException:
                codes.append(0)
    return codes


def _ending(words: str) -> str:
    if words.startswith("Busy"):
        return "busy"
    return "drawn" if words.startswith("Saved") else words[:40] or "error"


def _huge(url: str, token: str, stop: threading.Event) -> list[str]:
    """Asks for 16,000 × 8,000 pixel exports until ``stop``; how each ended."""
    size = {"width": 8000, "height": 4000}
    payload = export_payload("png", "custom", THEMES, [1947, 2022], token=token, scale=2, **size)
    ends = []
    with requests.Session() as s:
        while not stop.is_set():
            try:
                answer = run_job(s, url, payload, timeout=180)
                ends.append(_ending(status_text(answer)))
            except Exception as exc:
                ends.append(type(exc).__name__)
    return ends


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _pct(values: list[float], q: float) -> float:
    return (
        statistics.quantiles(values, n=100, method="inclusive")[q - 1]
        if len(values) > 1
        else values[0]
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sessions", type=int, default=50)
    parser.add_argument("--changes", type=int, default=10)
    parser.add_argument("--exports", type=int, default=10)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--hostile", action="store_true")
    parser.add_argument("--oversized", type=int, default=2)
    parser.add_argument("--huge", type=int, default=4)
    args = parser.parse_args()
    calm = _run(args, hostile=False)
    failed = calm["failed"]
    if args.hostile:
        hostile = _run(args, hostile=True)
        failed = failed or hostile["failed"]
        print("\n| ordinary users' p95 | calm | among hostile users | ratio (target ≤ 2×) |")
        print("| --- | ---: | ---: | ---: |")
        for label in calm["p95"]:
            a, b = calm["p95"][label], hostile["p95"][label]
            print(f"| {label} | {a:.2f} s | {b:.2f} s | {b / a:.2f}× |")
    if failed:
        sys.exit(1)


def _run(args, *, hostile: bool) -> dict:
    with tempfile.TemporaryFile() as log:  # gunicorn's log: worker restarts are counted in it
        return _drive(args, hostile, log)


def _drive(args, hostile: bool, log) -> dict:
    port = _port()
    url = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "--workers",
            str(args.workers),
            "--threads",
            str(args.threads),
            "--bind",
            f"127.0.0.1:{port}",
            "--timeout",
            "180",
            "app:server",
        ],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=log,
        env={**os.environ, "TIMELINE_DATA": str(ROOT / "data" / "events.csv")},
    )
    stop = threading.Event()
    try:
        for _ in range(240):
            try:
                requests.get(url, timeout=2)
                break
            except requests.RequestException:
                time.sleep(0.25)
        token = app_token(url)
        # Every worker's browser started (each starts its own as the app starts).
        with ThreadPoolExecutor(args.workers * 2) as pool:
            list(pool.map(lambda i: _export(url, token, i), range(args.workers * 2)))
        extra = (args.oversized + args.huge) if hostile else 0
        t0 = time.perf_counter()
        with ThreadPoolExecutor(args.sessions + args.exports + extra) as pool:
            attackers = []
            if hostile:
                attackers += [pool.submit(_oversized, url, stop) for _ in range(args.oversized)]
                attackers += [pool.submit(_huge, url, token, stop) for _ in range(args.huge)]
            sessions = [pool.submit(_session, url, args.changes, i) for i in range(args.sessions)]
            exports = [pool.submit(_export, url, token, i) for i in range(args.exports)]
            changes = [r for f in sessions for r in f.result()]
            exported = [f.result() for f in exports]
            wall = time.perf_counter() - t0
            stop.set()
            attacks = [f.result() for f in attackers]
    finally:
        stop.set()
        browsers = chromium_processes(server.pid)
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=120)
    time.sleep(1)
    leaked = [pid for pid in browsers if _alive(pid)]
    log.seek(0)
    restarts = log.read().decode(errors="replace").count("Booting worker") - args.workers
    print(f"\ngunicorn workers restarted during the run: {restarts}")
    return _report(args, hostile, wall, changes, exported, attacks, leaked)


def _report(args, hostile, wall, changes, exported, attacks, leaked) -> dict:
    mix = "among hostile users" if hostile else "calm"
    print(
        f"\n{mix}: gunicorn {args.workers} workers × {args.threads} threads; "
        f"{args.sessions} sessions × {args.changes} filter changes, {args.exports} exports "
        f"at once; {wall:.1f} s in all"
    )
    if hostile:
        codes = Counter(c for a in attacks[: args.oversized] for c in a)
        ends = Counter(e for a in attacks[args.oversized :] for e in a)
        print(
            f"hostile: {args.oversized} clients posting 20 MB bodies (answers: "
            f"{dict(codes)}), {args.huge} clients asking for 16,000 × 8,000 exports "
            f"(answers: {dict(ends)})"
        )
    print("\n| requests | count | errors | busy answers | p50 | p95 | p99 | max |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    p95 = {}
    rows_by_label = (
        ("filter change", [(t, ok, 0) for t, ok in changes]),
        ("PNG export 1920×1080", exported),
    )
    for label, rows in rows_by_label:
        times = [t for t, _, _ in rows]
        errors = sum(1 for _, ok, _ in rows if not ok)
        busy = sum(b for _, _, b in rows)
        p95[label] = _pct(times, 95)
        print(
            f"| {label} | {len(rows)} | {errors} | {busy} | {_pct(times, 50):.2f} s | "
            f"{p95[label]:.2f} s | {_pct(times, 99):.2f} s | {max(times):.2f} s |"
        )
    valid = all(ok for _, ok, _ in exported)
    print(
        f"\nevery exported file valid: {valid}; "
        f"browser processes left after shutdown: {len(leaked)}"
    )
    failed = bool(leaked) or not all(ok for _, ok in changes) or not valid
    return {"p95": p95, "failed": failed}


if __name__ == "__main__":
    main()
