"""First paint side by side: this app and vis-timeline on the same events, in one run.

    .venv/bin/python bench/first_paint_bench.py                 # 100, 1,000, 10,000 + shipped
    .venv/bin/python bench/first_paint_bench.py --sizes 100 --runs 5
    .venv/bin/python bench/first_paint_bench.py --cli           # the command line's times only
    .venv/bin/python bench/first_paint_bench.py --cli --cli-against /work/main   # beside another

vis-timeline (npm package ``vis-timeline``) is installed by this script into bench/.cache/
(git-ignored). Each page is opened in headless Chromium at 1366×768, in a fresh browser
context (no cache, no cookies), and the medians of --runs loads are reported, timed from
navigation start:

- *visible*: the first frame in which the chart is on screen (this app: the server's picture
  of it, or the live chart; vis-timeline: its items);
- *interactive*: the first frame in which a live chart is there with its handlers (this app:
  Plotly has drawn the view over the picture, before Dash has started, or in the live page;
  vis-timeline: it has drawn its items, which it does as it is made);
- *page live* (this app): Dash has built the page around the chart (filters, list), and the
  first paint is gone. Hovering an event is checked once per page, untimed.

Both pages get the events in the page itself and are served by a threaded server on loopback.
The app is timed with its default view's picture ready (it is drawn once per dataset and kept).
Chromium runs with the project's headless flags (timeline/headless.py): without the omnibox
popup that headless Chromium builds for every new window, which is the browser's cost, not the
page's; --omnibox puts it back, as runs before 30 November 2026 had it.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

from timeline.headless import CHROMIUM, CHROMIUM_ARGS, DISABLE_FEATURES  # noqa: E402

OMNIBOX_HELP = "keep Chromium's omnibox popup per window (its default; runs before 30 Nov 2026)"
CACHE = ROOT / "bench" / ".cache"
VIS_VERSION = "8.5.4"
VIS_DIR = CACHE / "node_modules" / "vis-timeline"

# Polled on every frame from navigation start; performance.now() of the first frame each holds.
MARKS = """(() => {
    window.__marks = {};
    const tests = {visible: () => VISIBLE, interactive: () => INTERACTIVE, live: () => LIVE};
    const poll = () => {
        const now = performance.now();
        for (const [mark, test] of Object.entries(tests)) {
            if (!__marks[mark] && document.body && test()) { __marks[mark] = now; }
        }
        if (Object.keys(tests).some(mark => !__marks[mark])) { requestAnimationFrame(poll); }
    };
    requestAnimationFrame(poll);
})();"""
APP_VISIBLE = (
    "document.querySelector('#first-paint .first-paint-picture svg')"
    " || document.querySelector('#timeline-chart .js-plotly-plot .scatterlayer .trace')"
)
# Plotly has drawn the chart with its handlers: the first paint's (drawn before Dash has
# started: hover answers, a click or zoom is answered once Dash has started) or the live page's.
# The whole page is live: Dash has built it (filters, list) and the chart is in it.
APP_LIVE = (
    "!document.getElementById('first-paint')"
    " && !!document.querySelector('#timeline-chart .js-plotly-plot .scatterlayer .trace')"
)
APP_INTERACTIVE = (
    f"!!document.querySelector('#first-paint .js-plotly-plot .scatterlayer .trace') || ({APP_LIVE})"
)
VIS_VISIBLE = "!!document.querySelector('.vis-timeline .vis-item')"
VIS_INTERACTIVE = "window.__visReady === true && " + VIS_VISIBLE  # and live: one page
VIS_PAGE = """<!doctype html>
<html><head><meta charset="utf-8"><title>vis-timeline</title>
<link rel="stylesheet" href="vis-timeline-graph2d.min.css"></head>
<body style="margin: 0; padding: 12px 18px; font-family: Arial, sans-serif">
<div id="chart"></div>
<script src="vis-timeline-graph2d.min.js"></script>
<script>
const data = DATA;
const timeline = new vis.Timeline(document.getElementById('chart'),
    new vis.DataSet(data.items), new vis.DataSet(data.groups),
    {height: '600px', width: '100%', stack: true});
window.__visReady = true;
</script></body></html>"""


def install_vis() -> Path:
    """vis-timeline's standalone build, from npm into bench/.cache (once)."""
    if not (VIS_DIR / "package.json").exists():
        CACHE.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            ["npm", "install", "--no-save", "--no-audit", "--no-fund", "--prefix", str(CACHE),
             f"vis-timeline@{VIS_VERSION}"],
            check=True,
            capture_output=True,
        )  # fmt: skip
    return VIS_DIR


def vis_page(dataset, folder: Path) -> Path:
    """vis-timeline's page for ``dataset``'s events: a group per theme, as the app has a lane."""
    import shutil

    ev = dataset.events[dataset.events["kind"].eq("event")]
    items = []
    for row in ev.itertuples(index=False):
        item = {"id": row.id, "group": row.themes[0], "content": row.title}
        item["start"] = str(row.start.date())
        if row.has_end:
            item["end"] = str(row.end.date())
        items.append(item)
    groups = [{"id": t, "content": dataset.theme_label(t)} for t in dataset.themes]
    data = json.dumps({"items": items, "groups": groups}).replace("<", "\\u003c")
    folder.mkdir(parents=True, exist_ok=True)
    for name in (
        "standalone/umd/vis-timeline-graph2d.min.js",
        "styles/vis-timeline-graph2d.min.css",
    ):
        shutil.copy(VIS_DIR / name, folder / Path(name).name)
    (folder / "index.html").write_text(VIS_PAGE.replace("DATA", data), encoding="utf-8")
    return folder


def serve_folder(folder: Path) -> tuple[ThreadingHTTPServer, str]:
    class Quiet(SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(Quiet, directory=str(folder)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_port}/"


def serve_app(dataset, engine, cache: Path):
    from werkzeug.serving import make_server

    from timeline.webapp import create_app

    os.environ["TIMELINE_CACHE_DIR"] = str(cache)
    app = create_app(dataset, engine)
    app.server.extensions["timeline_first_paint"].wait()  # drawn once per dataset, then kept
    server = make_server("127.0.0.1", 0, app.server, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_port}/"


def chromium_args(omnibox: bool) -> list[str]:
    """The project's headless flags; with ``omnibox``, less its --disable-features, which leaves
    Playwright's own (the same but for the omnibox popup Chromium builds for every window)."""
    return [arg for arg in CHROMIUM_ARGS if not (omnibox and arg == DISABLE_FEATURES)]


def marks_script(*, visible: str, interactive: str, live: str) -> str:
    return (
        MARKS.replace("VISIBLE", visible).replace("INTERACTIVE", interactive).replace("LIVE", live)
    )


def time_loads(browser, url: str, *, visible: str, interactive: str, live: str, runs: int,
               hover: str):  # fmt: skip
    """Median (visible, interactive, live) seconds over ``runs`` loads, each in a fresh
    context."""
    script = marks_script(visible=visible, interactive=interactive, live=live)
    seen, ready, whole = [], [], []
    for _ in range(runs):
        context = browser.new_context(viewport={"width": 1366, "height": 768})
        context.add_init_script(script)
        page = context.new_page()
        page.goto(url, wait_until="commit")
        page.wait_for_function(
            "() => window.__marks && __marks.visible && __marks.interactive && __marks.live",
            timeout=300_000, polling=50,
        )  # fmt: skip
        marks = page.evaluate("window.__marks")
        seen.append(marks["visible"] / 1000)
        ready.append(marks["interactive"] / 1000)
        whole.append(marks["live"] / 1000)
        page.locator(hover).first.hover(force=True, timeout=30_000)  # answers the pointer
        context.close()
    return statistics.median(seen), statistics.median(ready), statistics.median(whole)


def measure(paths: list[tuple[str, str]], runs: int, *, omnibox: bool = False) -> list[dict]:
    from playwright.sync_api import sync_playwright

    from timeline.data import load_dataset
    from timeline.export import ExportEngine

    install_vis()
    engine = ExportEngine()
    results = []
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=chromium_args(omnibox))
        for name, path in paths:
            dataset = load_dataset(path)
            app_server, app_url = serve_app(dataset, engine, Path(tmp) / "pictures")
            vis_server, vis_url = serve_folder(vis_page(dataset, Path(tmp) / f"vis-{name}"))
            app = time_loads(browser, app_url, visible=APP_VISIBLE, interactive=APP_INTERACTIVE,
                             live=APP_LIVE, runs=runs,
                             hover="#timeline-chart .scatterlayer .point")  # fmt: skip
            vis = time_loads(browser, vis_url, visible=VIS_VISIBLE, interactive=VIS_INTERACTIVE,
                             live=VIS_INTERACTIVE, runs=runs, hover=".vis-item")  # fmt: skip
            app_server.shutdown()
            vis_server.shutdown()
            results.append({"name": name, "app": app, "vis": vis})
            print(f"{name}: app {app}, vis-timeline {vis}", file=sys.stderr)
        browser.close()
    engine.close()
    return results


def run_timed(argv: list[str]) -> tuple[float, float]:
    """(wall, CPU) seconds of one whole process, as a user waits for it."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    subprocess.run(argv, cwd=ROOT, check=True, capture_output=True)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def cli_times(runs: int, against: Path | None) -> list[tuple[str, list]]:
    """Median wall and CPU time of each command; with ``against``, the same commands run by
    that checkout's own venv too, alternated with these."""
    from synthetic import write_synthetic

    venvs = ([against / ".venv" / "bin"] if against else []) + [Path(sys.executable).parent]
    with tempfile.TemporaryDirectory() as tmp:
        big = str(write_synthetic(Path(tmp) / "events-100k.csv", 100_000))
        commands = [
            ("timeline --help", ["timeline", "--help"]),
            ("timeline --version", ["timeline", "--version"]),
            ("timeline validate data/events.csv", ["timeline", "validate", "data/events.csv"]),
            ("timeline validate (100,000 rows)", ["timeline", "validate", big]),
            ("python -c 'import pandas; pandas.read_csv(…)' (100,000 rows)",
             ["python", "-c", f"import pandas; pandas.read_csv({big!r})"]),
        ]  # fmt: skip
        table = []
        for label, argv in commands:
            times = [[] for _ in venvs]
            for _ in range(runs):
                for i, venv in enumerate(venvs):
                    times[i].append(run_timed([str(venv / argv[0]), *argv[1:]]))
            medians = [tuple(statistics.median(t[k] for t in runs_) for k in (0, 1))
                       for runs_ in times]  # fmt: skip
            table.append((label, medians))
    return table


def print_cli_table(table: list, against: Path | None) -> None:
    if against:
        print(f"| command | wall: {against.name} | wall: now | CPU: {against.name} | CPU: now |")
        print("| --- | ---: | ---: | ---: | ---: |")
        for label, ((old_wall, old_cpu), (wall, cpu)) in table:
            cells = f"{old_wall:.2f} s | {wall:.2f} s | {old_cpu:.2f} s | {cpu:.2f} s"
            print(f"| `{label}` | {cells} |")
        return
    print("| command | wall | CPU |")
    print("| --- | ---: | ---: |")
    for label, ((wall, cpu),) in table:
        print(f"| `{label}` | {wall:.2f} s | {cpu:.2f} s |")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="*", default=[100, 1000, 10_000])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--cli", action="store_true", help="only the command line's times")
    parser.add_argument("--cli-against", type=Path, help="another checkout (with its .venv)")
    parser.add_argument("--omnibox", action="store_true", help=OMNIBOX_HELP)
    args = parser.parse_args()
    if not args.cli:
        from synthetic import write_synthetic

        sizes = args.sizes
        with tempfile.TemporaryDirectory() as tmp:
            paths = [(f"{n:,}", str(write_synthetic(Path(tmp) / f"{n}.csv", n))) for n in sizes]
            paths.append(("shipped data", str(ROOT / "data" / "events.csv")))
            results = measure(paths, args.runs, omnibox=args.omnibox)
        print("| events | vis-timeline visible | app visible | ratio |"
              " vis-timeline interactive | app interactive | ratio | app page live |")  # fmt: skip
        print("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
        for r in results:
            (app_seen, app_ready, app_live), (vis_seen, vis_ready, _) = r["app"], r["vis"]
            seen = f"{vis_seen:.2f} s | {app_seen:.2f} s | {app_seen / vis_seen:.2f}×"
            ready = f"{vis_ready:.2f} s | {app_ready:.2f} s | {app_ready / vis_ready:.2f}×"
            print(f"| {r['name']} | {seen} | {ready} | {app_live:.2f} s |")
        print()
    print_cli_table(cli_times(5, args.cli_against), args.cli_against)


if __name__ == "__main__":
    main()
