"""Export speed: the first export (browser start), the following ones, a 10-theme batch, and
a story deck against as many warm single exports.

.venv/bin/python bench/export_bench.py          # all
.venv/bin/python bench/export_bench.py --deck   # the deck part only
.venv/bin/python bench/export_bench.py --app    # the app's first export after start-up only
.venv/bin/python bench/export_bench.py --app --against /tmp/before --rounds 3   # alternated
.venv/bin/python bench/export_bench.py --app --in-browser   # the first click once interactive
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
from timeline.headless import CHROMIUM, CHROMIUM_ARGS  # noqa: E402
from timeline.stories import load_stories  # noqa: E402
from timeline.views import export_view  # noqa: E402


def main() -> None:
    args = sys.argv[1:]
    if "--app" in args:
        against = Path(args[args.index("--against") + 1]) if "--against" in args else None
        rounds = int(args[args.index("--rounds") + 1]) if "--rounds" in args else 1
        app_first_export(against=against, rounds=rounds, in_browser="--in-browser" in args)
        return
    if "--deck" not in args:
        export_speed()
        app_first_export()
    deck_speed()


THEMES = ["china", "security", "nuclear", "economy", "diplomacy", "afghanistan"]


def app_first_export(
    following: int = 5, *, against: Path | None = None, rounds: int = 1, in_browser: bool = False
) -> None:
    """The app's first export after start-up against the following ones (issue 18: at most
    2× a warm export), the app started as `python app.py`: its engine warms while the page
    loads. Two ways of asking:

    - by default, as soon as the first page is served, through the app as the page asks (a
      background job, followed to its end at the page's pace);
    - ``in_browser``: as a user meets it, a click on "Export image" in headless Chromium once
      the page is interactive (the live chart drawn), timed until the download arrives; the
      words the button shows meanwhile are reported.

    ``against``: another checkout (its own app.py), alternated with this one, ``rounds`` each.
    """
    from timeline.export import browser_path

    checkouts = [("now", ROOT)] + ([("before", against)] if against else [])
    runs: dict[str, list[dict]] = {name: [] for name, _ in checkouts}
    for _ in range(rounds):
        for name, root in checkouts if _ % 2 == 0 else checkouts[::-1]:
            runs[name].append(_app_run(root, following, in_browser))
            print(f"{name}: {_run_line(runs[name][-1])}", file=sys.stderr)
    asked = (
        "a click on Export once the page is interactive (headless Chromium)"
        if in_browser
        else "asked as soon as the page is served"
    )
    print(f"\nExport browser (now): {browser_path()}; {rounds} round(s), medians")
    print(f"\n| the app, `python app.py`; first export {asked} | " + " | ".join(
        f"{name}: wall | {name}: CPU" for name, _ in checkouts) + " |")  # fmt: skip
    print("| --- |" + " ---: | ---: |" * len(checkouts))
    rows = [
        ("start-up to the first page served", "page"),
        ("first export, PNG 1920×1080", "first"),
        (f"following exports, median of {following}", "warm"),
    ]
    for label, key in rows:
        cells = []
        for name, _ in checkouts:
            cells.append(f"{statistics.median(r[key] for r in runs[name]):.2f} s")
            cells.append(f"{statistics.median(r[key + '_cpu'] for r in runs[name]):.2f} s")
        print(f"| {label} | " + " | ".join(cells) + " |")
    ratios = [
        f"{statistics.median(r['first'] / r['warm'] for r in runs[name]):.1f}× | "
        for name, _ in checkouts
    ]
    print("| first ÷ following (target ≤ 2×) | " + " | ".join(ratios) + "|")
    for name, _ in checkouts:
        each = ", ".join(f"{r['first'] / r['warm']:.1f}×" for r in runs[name])
        words = {w for r in runs[name] for w in r.get("words", [])}
        print(
            f"\n{name}: each round {each}"
            + (f"; the button said: {sorted(words)}" if words else "")
        )


def _run_line(run: dict) -> str:
    return (
        f"page {run['page']:.2f} s, first {run['first']:.2f} s, following {run['warm']:.2f} s "
        f"({run['first'] / run['warm']:.1f}×)"
    )


def _app_run(root: Path, following: int, in_browser: bool) -> dict:
    import requests

    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    t0 = time.perf_counter()
    cpu = _TreeCpu()
    app = subprocess.Popen(
        [sys.executable, "app.py", "--port", str(port)],
        cwd=root,
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
        ask = _browser_exports if in_browser else _requested_exports
        times, words = ask(url, following + 1, lambda: cpus.append(cpu.seconds(app.pid)))
    finally:
        app.terminate()
        app.wait(timeout=60)
    spent = [after - before for before, after in itertools.pairwise(cpus)]
    return {
        "page": page,
        "page_cpu": cpus[0],
        "first": times[0],
        "first_cpu": spent[0],
        "warm": statistics.median(times[1:]),
        "warm_cpu": statistics.median(spent[1:]),
        "words": words,
    }


def _requested_exports(url: str, count: int, mark) -> tuple[list[float], list[str]]:
    """Exports asked through the app's callback, the first as soon as the page is served."""
    import requests

    from timeline.probe import app_token, downloaded_file, export_payload, run_job

    token = app_token(url)
    times, words = [], []
    with requests.Session() as session:
        for theme in THEMES[:count]:
            payload = export_payload("png", "slide-16x9", [theme], [1947, 2022], token=token)
            t1 = time.perf_counter()
            answer = run_job(session, url, payload, progress=words.append)
            name, data = downloaded_file(answer)
            times.append(time.perf_counter() - t1)
            mark()
            assert name == f"pakistan-us_{theme}.png" and data.startswith(b"\x89PNG")
    return times, words


# Records each text the export button shows, as the page changes it.
_WATCH_BUTTON = """() => {
    window.__words = [];
    const button = document.getElementById('BUTTON');
    new MutationObserver(() => window.__words.push(button.textContent.trim()))
        .observe(button, {childList: true, subtree: true, characterData: true});
}"""


def _browser_exports(url: str, count: int, mark) -> tuple[list[float], list[str]]:
    """Clicks on "Export image" in headless Chromium, the first once the page is interactive."""
    from first_paint_bench import APP_INTERACTIVE
    from playwright.sync_api import sync_playwright

    from timeline import ids
    from timeline.panels import EXPORT_LABEL

    times = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1366, "height": 768})
        page.goto(url)
        page.wait_for_function(f"() => {APP_INTERACTIVE}", timeout=120_000)
        page.evaluate(_WATCH_BUTTON.replace("BUTTON", ids.EXPORT_BUTTON))
        ready = (
            f"() => {{ const b = document.getElementById('{ids.EXPORT_BUTTON}');"
            f" return !b.disabled && b.textContent.trim() === {EXPORT_LABEL!r}; }}"
        )
        for _ in range(count):
            page.wait_for_function(ready, timeout=120_000)  # the last export has ended
            with page.expect_download(timeout=120_000) as download:
                t1 = time.perf_counter()
                page.click(f"#{ids.EXPORT_BUTTON}")
            assert download.value.suggested_filename.endswith(".png")
            times.append(time.perf_counter() - t1)
            mark()
        words = page.evaluate("window.__words")
        browser.close()
    return times, sorted(set(words))


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
