"""Export speed: the first export (browser start), the following ones, a 10-theme batch, and
a story deck against as many warm single exports.

.venv/bin/python bench/export_bench.py          # all
.venv/bin/python bench/export_bench.py --deck   # the deck part only
.venv/bin/python bench/export_bench.py --app    # the app's first export after start-up only
"""

from __future__ import annotations

import itertools
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

from synthetic import write_synthetic  # noqa: E402

from timeline.data import load_dataset  # noqa: E402
from timeline.deck import CHART_SCALE, build_deck, chart_image, plan_deck  # noqa: E402
from timeline.export import ExportEngine, ImageSpec  # noqa: E402
from timeline.filters import EventFilter  # noqa: E402
from timeline.stories import load_stories  # noqa: E402
from timeline.views import export_view  # noqa: E402


def main() -> None:
    if "--app" in sys.argv[1:]:
        app_first_export()
        return
    if "--deck" not in sys.argv[1:]:
        export_speed()
        app_first_export()
    deck_speed()


def app_first_export(following: int = 5) -> None:
    """The app's first export after start-up against the following ones (issue 18: at most
    2× a warm export), through the app as the page asks for it (a background job, followed to
    its end), the app started as `python app.py`: its engine warms while the page loads."""
    import requests

    from timeline.probe import app_token, downloaded_file, export_payload, run_job

    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    t0 = time.perf_counter()
    cpu = _TreeCpu()
    app = subprocess.Popen(
        [sys.executable, "app.py", "--port", str(port)],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        while True:
            try:
                if requests.get(url, timeout=2).status_code == 200:
                    break
            except requests.RequestException:
                time.sleep(0.1)
        page = time.perf_counter() - t0
        cpus = [cpu.seconds(app.pid)]
        token = app_token(url)
        times = []
        with requests.Session() as session:
            for theme in ["china", "security", "nuclear", "economy", "diplomacy", "afghanistan"][
                : following + 1
            ]:
                payload = export_payload("png", "slide-16x9", [theme], [1947, 2022], token=token)
                t1 = time.perf_counter()
                name, data = downloaded_file(run_job(session, url, payload))
                times.append(time.perf_counter() - t1)
                cpus.append(cpu.seconds(app.pid))
                assert name == f"pakistan-us_{theme}.png" and data.startswith(b"\x89PNG")
    finally:
        app.terminate()
        app.wait(timeout=60)
    warm = statistics.median(times[1:])
    spent = [after - before for before, after in itertools.pairwise(cpus)]
    print("\n| the app, `python app.py` (exports as the page makes them) | seconds | CPU s |")
    print("| --- | --- | --- |")
    print(f"| start-up to the first page served | {page:.2f} | {cpus[0]:.2f} |")
    print(
        "| first export, asked as soon as the page is served, PNG 1920×1080 | "
        f"{times[0]:.2f} | {spent[0]:.2f} |"
    )
    print(
        f"| following exports, median of {following} ({_seconds(times[1:])}) | {warm:.2f} | "
        f"{statistics.median(spent[1:]):.2f} |"
    )
    print(f"| first ÷ following (target ≤ 2×) | {times[0] / warm:.1f}× | |")


class _TreeCpu:
    """CPU time (user + system) a process and every process below it (Chromium's, the export
    jobs') have used: read from /proc, ended processes counted in their parent's total."""

    def __init__(self) -> None:
        self._tick = os.sysconf("SC_CLK_TCK")

    def seconds(self, root: int) -> float:
        parents, used = {}, {}
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                except OSError:
                    continue
                parents[int(entry.name)] = int(fields[1])
                # utime, stime, and the same for its children that ended
                used[int(entry.name)] = sum(int(f) for f in fields[11:15]) / self._tick
        tree, grew = {root}, True
        while grew:
            below = {pid for pid, parent in parents.items() if parent in tree} - tree
            tree |= below
            grew = bool(below)
        return sum(used.get(pid, 0.0) for pid in tree)


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def export_speed() -> None:
    dataset = load_dataset(ROOT / "data" / "events.csv")
    spec = ImageSpec.build("png", preset="slide-16x9")
    engine = ExportEngine()
    t0 = time.perf_counter()
    export_view(dataset, EventFilter(), spec, engine)
    first = time.perf_counter() - t0
    following = []
    for theme in dataset.themes[:5]:
        t0 = time.perf_counter()
        export_view(dataset, EventFilter((theme,)), spec, engine)
        following.append(time.perf_counter() - t0)
    with tempfile.TemporaryDirectory() as tmp:
        ten = load_dataset(write_synthetic(Path(tmp) / "ten.csv", 500, themes=10))
        t0 = time.perf_counter()
        for theme in ten.themes:
            export_view(ten, EventFilter((theme,)), spec, engine)
        batch = time.perf_counter() - t0
    engine.close()
    warm = statistics.median(following)
    print("| measure | seconds |\n| --- | --- |")
    print(f"| first export (starts Chromium), PNG 1920×1080 | {first:.2f} |")
    print(f"| following exports, median of {len(following)} | {warm:.2f} |")
    print(f"| 10-theme batch (10 PNGs, one browser) | {batch:.2f} |")
    print(f"| first ÷ following | {first / warm:.1f}× |")


def _tree_memory_mb(root: int) -> float:
    """Memory of ``root`` and every process below it (Chromium's included), in MB.

    Proportional set size where the kernel gives it, so pages Chromium's processes share are
    counted once; resident size otherwise.
    """
    parents = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
    tree, grew = {root}, True
    while grew:
        below = {pid for pid, parent in parents.items() if parent in tree} - tree
        tree |= below
        grew = bool(below)
    total_kb = 0
    for pid in tree:
        for name, key in (("smaps_rollup", "Pss:"), ("status", "VmRSS:")):
            try:
                lines = Path(f"/proc/{pid}/{name}").read_text().splitlines()
            except OSError:
                continue
            found = [int(line.split()[1]) for line in lines if line.startswith(key)]
            if found:
                total_kb += found[0]
                break
    return total_kb / 1024


class _PeakMemory:
    """Samples a process tree's memory (this process's by default) every 200 ms while it runs."""

    def __init__(self, root: int | None = None) -> None:
        self.root = os.getpid() if root is None else root
        self.peak = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.wait(0.2):
            self.peak = max(self.peak, _tree_memory_mb(self.root))

    def __enter__(self) -> _PeakMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()


ROUNDS = 3


def _seconds(values: list[float]) -> str:
    return ", ".join(f"{v:.1f}" for v in values) + " s"


def deck_speed() -> None:
    """A deck of the shipped story against the same charts exported one at a time (issue 13:
    the deck should cost at most 1.3× those singles, and stay under 1 GB)."""
    dataset = load_dataset(ROOT / "data" / "events.csv")
    story = load_stories(dataset)[0]
    steps = len(story.steps)
    spec = ImageSpec.build("png", preset="slide-16x9", scale=CHART_SCALE)
    engine = ExportEngine()
    export_view(dataset, EventFilter(), spec, engine)  # warm: the browser is started
    # Each single drawn as the deck draws it: text sized for the box its slide gives it.
    boxes = {m.chart: m.chart_box for m in plan_deck(dataset, story) if m.chart is not None}
    singles, decks = [], []
    with _PeakMemory() as memory:
        # Alternated, and medians taken: the machine is shared, and a run can be slowed.
        for _ in range(ROUNDS):
            t0 = time.perf_counter()
            for index in range(steps):
                chart_image(dataset, story, index, spec=spec, engine=engine, box=boxes[index])
            singles.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            pptx = build_deck(dataset, story, fmt="pptx", engine=engine)
            decks.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        pdf = build_deck(dataset, story, fmt="pdf", engine=engine)
        deck_pdf = time.perf_counter() - t0
    single, deck = statistics.median(singles), statistics.median(decks)
    engine.close()
    size = f"{spec.width * CHART_SCALE}×{spec.height * CHART_SCALE}"
    print(f"\n| story deck ({story.slug}, {steps} steps, warm browser) | value |\n| --- | --- |")
    print(f"| runs: singles {_seconds(singles)}; decks {_seconds(decks)} | |")
    print(f"| {steps} single exports, one after another (PNG {size}) | {single:.2f} s |")
    print(f"| PPTX deck ({len(pptx) / 1e6:.1f} MB, charts PNG {size}) | {deck:.2f} s |")
    print(f"| deck ÷ singles, medians of {ROUNDS} (target ≤ 1.3×) | {deck / single:.2f}× |")
    print(f"| PDF deck ({len(pdf) / 1e6:.1f} MB, vector charts) | {deck_pdf:.2f} s |")
    print(f"| peak memory of this whole bench, Python + Chromium | {memory.peak:,.0f} MB |")
    for fmt in ("pptx", "pdf"):
        peak, seconds = _deck_command_memory(fmt)
        print(
            f"| `timeline deck --format {fmt}` in a fresh process ({seconds:.1f} s, browser "
            f"start included): peak memory, Python + Chromium (target < 1 GB) | {peak:,.0f} MB |"
        )


def _deck_command_memory(fmt: str) -> tuple[float, float]:
    """Peak memory of the deck command as a user runs it: its own process and browser."""
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        child = subprocess.Popen(
            [sys.executable, "-m", "timeline.cli", "deck", "--format", fmt, "-o", f"{tmp}/d"],
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        with _PeakMemory(child.pid) as memory:
            child.wait()
        if child.returncode:
            raise SystemExit(f"timeline deck --format {fmt} failed ({child.returncode})")
        return memory.peak, time.perf_counter() - t0


if __name__ == "__main__":
    main()
