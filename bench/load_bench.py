"""Many users at once: concurrent sessions changing filters, and concurrent exports, on gunicorn.

    .venv/bin/python bench/load_bench.py [--sessions 50] [--changes 10] [--exports 10]

Loopback only. Starts `gunicorn app:server` itself, drives it, checks every exported file,
stops it, and checks no browser process outlived it. Prints a table.
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
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests
from PIL import Image

from timeline.probe import (
    chromium_processes,
    downloaded_file,
    export_payload,
    post,
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


def _export(url: str, i: int) -> tuple[float, bool]:
    theme = THEMES[i % len(THEMES)]
    t0 = time.perf_counter()
    try:
        with requests.Session() as s:
            answer = post(s, url, export_payload("png", "slide-16x9", [theme], [1947, 2022]))
        name, data = downloaded_file(answer)
        ok = name == f"pakistan-us_{theme}.png" and Image.open(io.BytesIO(data)).size == (
            1920,
            1080,
        )
    except Exception:
        ok = False
    return time.perf_counter() - t0, ok


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
    args = parser.parse_args()
    browsers_before = set(chromium_processes(1))
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
        stderr=subprocess.DEVNULL,
        env={**os.environ, "TIMELINE_DATA": str(ROOT / "data" / "events.csv")},
    )
    try:
        for _ in range(240):
            try:
                requests.get(url, timeout=2)
                break
            except requests.RequestException:
                time.sleep(0.25)
        t0 = time.perf_counter()
        with ThreadPoolExecutor(args.sessions + args.exports) as pool:
            sessions = [pool.submit(_session, url, args.changes, i) for i in range(args.sessions)]
            exports = [pool.submit(_export, url, i) for i in range(args.exports)]
            changes = [r for f in sessions for r in f.result()]
            exported = [f.result() for f in exports]
        wall = time.perf_counter() - t0
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=120)
    time.sleep(1)
    leaked = set(chromium_processes(1)) - browsers_before
    print(
        f"gunicorn: {args.workers} workers × {args.threads} threads; "
        f"{args.sessions} sessions × {args.changes} filter changes, {args.exports} exports "
        f"at once; {wall:.1f} s in all\n"
    )
    print("| requests | count | errors | p50 | p95 | p99 | max |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    for label, rows in (("filter change", changes), ("PNG export 1920×1080", exported)):
        times = [t for t, _ in rows]
        errors = sum(1 for _, ok in rows if not ok)
        print(
            f"| {label} | {len(rows)} | {errors} | {_pct(times, 50):.2f} s | "
            f"{_pct(times, 95):.2f} s | {_pct(times, 99):.2f} s | {max(times):.2f} s |"
        )
    print(
        f"\nevery exported file valid: {all(ok for _, ok in exported)}; "
        f"browser processes left after shutdown: {len(leaked)}"
    )
    if leaked or not all(ok for _, ok in changes + exported):
        sys.exit(1)


if __name__ == "__main__":
    main()
