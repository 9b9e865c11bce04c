"""Speed at scale: load, figure, filter change and export for synthetic datasets.

    .venv/bin/python bench/scale_bench.py              # 50 (shipped), 1k, 10k, 100k
    .venv/bin/python bench/scale_bench.py --sizes 1000000
    .venv/bin/python bench/scale_bench.py --timelinejs-only   # TimelineJS files against our CSV
    .venv/bin/python bench/scale_bench.py --timelinejs-only --against /tmp/before  # and another's

Each size runs in its own process so its peak memory is its own. Medians of --runs runs.
The "naive" column is the straightforward way for comparison: a per-row date parser.
In Chromium, "chart drawn" is from navigation to Plotly having drawn the chart; the theme
click comes once the page has settled (chart and event list drawn) and is timed until that
theme's traces are no longer shown.
"""

from __future__ import annotations

import argparse
import calendar
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]


def _parse_one(text: str):
    """The straightforward way: one date at a time, in Python (for comparison only)."""
    if not text:
        return None
    core = text.rstrip("~?")
    if core.endswith("X"):
        year = int(core[:3] + "0")
        return date(year, 1, 1), date(year + 9, 12, 31)
    parts = [int(p) for p in core.split("-")]
    if len(parts) == 3:
        day = date(*parts)
        return day, day
    if len(parts) == 2:
        return date(*parts, 1), date(*parts, calendar.monthrange(*parts)[1])
    return date(parts[0], 1, 1), date(parts[0], 12, 31)


def _median_time(fn, runs: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(runs):
        result = None  # a server holds one dataset: the last run's must not inflate the peak
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), result


def measure(path: str, runs: int) -> dict:
    import pandas as pd
    from plotly.utils import PlotlyJSONEncoder

    from timeline.callbacks import render_view
    from timeline.data import load_dataset
    from timeline.dates import parse_dates
    from timeline.export import ExportEngine, ImageSpec
    from timeline.filters import EventFilter
    from timeline.probe import view_values
    from timeline.views import APP_STYLE, build_view_figure, export_view

    t0 = time.perf_counter()
    load_dataset(path)
    first_load_s = time.perf_counter() - t0
    load_s, dataset = _median_time(lambda: load_dataset(path), runs)
    ev = dataset.events
    texts = pd.concat([ev["start_text"], ev["end_text"]], ignore_index=True)
    dates_s, _ = _median_time(lambda: parse_dates(texts), runs)
    naive_s, _ = _median_time(lambda: [_parse_one(t) for t in texts], 1)
    figure_s, _ = _median_time(
        lambda: build_view_figure(dataset, EventFilter(), style=APP_STYLE), runs
    )
    theme = dataset.themes[0]

    def filter_change():
        # What the server does and sends for a theme click, serialised as Dash does.
        answer = render_view(dataset, view_values([theme], None))
        return len(json.dumps(answer, cls=PlotlyJSONEncoder))

    filter_s, response_bytes = _median_time(filter_change, runs)

    def full_detail():
        # The straightforward way: an SVG marker for every event, whatever their number.
        from timeline.chart import build_timeline_figure, theme_lanes

        fig = build_timeline_figure(ev, theme_lanes(dataset.themes), max_markers=10**9)
        return len(json.dumps(fig.to_plotly_json(), cls=PlotlyJSONEncoder))

    engine = ExportEngine()
    spec = ImageSpec.build("png")
    export_view(dataset, EventFilter(), spec, engine)  # warm the browser
    export_s, _ = _median_time(lambda: export_view(dataset, EventFilter(), spec, engine), runs)
    engine.close()
    drawn_s, click_s, redraw_s = browser_times(dataset, runs)
    # Peak memory of the server's own work; the comparison below would only inflate it.
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    full_s, full_bytes = _median_time(full_detail, 1)
    return {
        "first_load_s": first_load_s,
        "drawn_s": drawn_s,
        "click_s": click_s,
        "redraw_s": redraw_s,
        "rows": len(ev),
        "load_s": load_s,
        "naive_dates_s": naive_s,
        "dates_s": dates_s,
        "full_s": full_s,
        "full_mb": full_bytes / 1e6,
        "figure_s": figure_s,
        "filter_s": filter_s,
        "response_mb": response_bytes / 1e6,
        "export_s": export_s,
        "peak_mb": peak_mb,
    }


def browser_times(dataset, runs: int) -> tuple[float, float]:
    """In headless Chromium: load until the chart is drawn, and a theme click until it redraws."""
    import threading

    from playwright.sync_api import sync_playwright
    from werkzeug.serving import make_server

    from timeline import ids
    from timeline.contract import META
    from timeline.headless import CHROMIUM, CHROMIUM_ARGS
    from timeline.webapp import create_app

    server = make_server("127.0.0.1", 0, create_app(dataset).server, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_port}/"
    first_theme = dataset.themes[0]
    chart = f"document.querySelector('#{ids.CHART} .js-plotly-plot')"
    of_theme = f"t.meta && t.meta['{META.THEME}'] === '{first_theme}'"
    has_theme = f"""() => {{
        const gd = {chart};
        return gd && gd.data && gd.data.some(
            t => {of_theme} && t.visible !== false && t.opacity !== 0);
    }}"""
    has_lane = f"""() => {{
        const gd = {chart};
        return gd && gd.data && gd.data.some(t => {of_theme});
    }}"""
    drawn, clicks, redraws = [], [], []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for _ in range(runs):
            page = browser.new_page(viewport={"width": 1366, "height": 768})
            page.goto(url)
            page.wait_for_function(has_theme, timeout=120_000, polling=20)
            drawn.append(page.evaluate("performance.now()") / 1000)
            page.wait_for_selector(f"#{ids.GRID} .ag-row", timeout=120_000)  # the page has settled
            page.wait_for_timeout(300)
            page.evaluate("window.__t0 = performance.now()")
            page.locator(f"#{ids.THEMES} input[value='{first_theme}']").uncheck()
            page.wait_for_function(f"() => !({has_theme})()", timeout=120_000, polling=10)
            clicks.append((page.evaluate("performance.now() - window.__t0")) / 1000)
            # The straightforward way would wait for the server's whole new figure: the lane
            # is gone from the chart once that has arrived and been drawn.
            page.wait_for_function(f"() => !({has_lane})()", timeout=120_000, polling=10)
            redraws.append((page.evaluate("performance.now() - window.__t0")) / 1000)
            page.close()
        browser.close()
    server.shutdown()
    return statistics.median(drawn), statistics.median(clicks), statistics.median(redraws)


TIMELINEJS_FILES = (
    ("this project's CSV", "events.csv"),
    ("TimelineJS JSON written by timeline convert", "converted.json"),
    ("TimelineJS JSON, TimelineJS's fields only (HTML text)", "timelinejs.json"),
    ("TimelineJS sheet as CSV (HTML text)", "sheet.csv"),
    ("TimelineJS sheet as XLSX (HTML text; calamine reads it)", "sheet.xlsx"),
)


def timelinejs_loads(
    folder: Path, rows: int, runs: int, roots: list[Path]
) -> dict[Path, list[tuple[str, float, float]]]:
    """CPU and wall time to load the same synthetic events from our CSV and TimelineJS files,
    for each checkout in ``roots`` (this one last).

    Each checkout loads in a process of its own, warmed by one load of each file first. CPU
    time as well as wall time: the machine is shared, and a busy neighbour stretches wall
    time (wall time is what a user waits, and the HTML is read on a thread per core). The
    files' and the checkouts' loads alternate, so a neighbour's burst falls on all alike.
    """
    write_timelinejs_files(folder, rows)
    workers = {
        root: subprocess.Popen(
            [sys.executable, __file__, "--load-worker", str(root)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            cwd=root,
        )
        for root in roots
    }
    times: dict[tuple[Path, str], list[tuple[float, float]]] = {
        (root, name): [] for root in roots for _, name in TIMELINEJS_FILES
    }
    for run in range(runs + 1):
        for _, name in TIMELINEJS_FILES:
            for root, worker in workers.items():
                worker.stdin.write(f"{folder / name}\n")
                worker.stdin.flush()
                cpu, wall = json.loads(worker.stdout.readline())
                if run:  # the first run warms
                    times[root, name].append((cpu, wall))
    for worker in workers.values():
        worker.stdin.close()
        worker.wait(timeout=60)
    return {
        root: [
            (
                label,
                statistics.median(cpu for cpu, _ in times[root, name]),
                statistics.median(wall for _, wall in times[root, name]),
            )
            for label, name in TIMELINEJS_FILES
        ]
        for root in roots
    }


def load_worker(root: Path) -> None:
    """Load each file named on stdin with ``root``'s code; print its CPU and wall time."""
    import gc

    sys.path.insert(0, str(root))
    from timeline.data import load_dataset

    for line in sys.stdin:
        gc.collect()
        t0, w0 = time.process_time(), time.perf_counter()
        load_dataset(Path(line.strip()))
        print(json.dumps([time.process_time() - t0, time.perf_counter() - w0]), flush=True)


def write_timelinejs_files(folder: Path, rows: int) -> None:
    """Our CSV of ``rows`` synthetic events and the same events as TimelineJS files: the JSON
    ``timeline convert`` writes, that JSON without our fields (as TimelineJS writes it), and
    the Google Sheets template as CSV and XLSX. Every text is HTML (paragraphs), some with
    bold words, links, entities and line breaks; a quarter of the sheet's credits are links."""
    import csv

    import openpyxl
    from synthetic import write_synthetic

    from timeline.convert import to_timelinejs
    from timeline.data import load_dataset
    from timeline.data.timelinejs import EXTENSION, SHEET_COLUMNS

    ours_csv = write_synthetic(folder / "events.csv", rows)
    doc = to_timelinejs(load_dataset(ours_csv))
    (folder / "converted.json").write_text(json.dumps(doc), encoding="utf-8")
    for i, slide in enumerate(doc["events"] + doc["eras"]):
        slide.pop(EXTENSION)
        slide["text"]["text"] = _as_authors_write(slide["text"]["text"], i)
    doc.pop(EXTENSION)
    (folder / "timelinejs.json").write_text(json.dumps(doc), encoding="utf-8")
    sheet = [list(SHEET_COLUMNS)]
    for kind, slides in (("", doc["events"]), ("era", doc["eras"])):
        for s in slides:
            start, end = s["start_date"], s.get("end_date", {})
            cells = {"Headline": s["text"]["headline"], "Text": s["text"]["text"]}
            cells |= {"Year": start["year"], "Month": start.get("month", "")}
            cells |= {"Day": start.get("day", ""), "End Year": end.get("year", "")}
            cells |= {"End Month": end.get("month", ""), "End Day": end.get("day", "")}
            cells |= {"Display Date": s.get("display_date", ""), "Type": kind}
            cells |= {"Group": s.get("group", ""), "Media Credit": "Synthetic benchmark data"}
            if len(sheet) % 4 == 0:  # a linked credit, as people write them
                link = f"https://example.org/reports/{len(sheet)}"
                cells["Media Credit"] = f'<a href="{link}">Synthetic benchmark data</a>'
            sheet.append([cells.get(c, "") for c in SHEET_COLUMNS])
    with (folder / "sheet.csv").open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(sheet)
    book = openpyxl.Workbook(write_only=True)
    page = book.create_sheet()
    for row in sheet:
        page.append([c if c != "" else None for c in row])
    book.save(folder / "sheet.xlsx")


def _as_authors_write(text: str, i: int) -> str:
    """A slide's HTML (``<p>`` paragraphs, as ``timeline convert`` writes) with the markup
    TimelineJS authors add: bold words, links, entities and line breaks, in some slides."""
    if i % 3 == 0:
        text = text.replace("<p>", "<p><b>Breaking:</b> ", 1)
    if i % 4 == 0:
        link = f'<a href="https://example.org/news/{i}" target="_blank">the report</a>'
        text = text.replace("</p>", f" (see {link})</p>", 1)
    if i % 5 == 0:
        text = text.replace("Sources:", "Sources &amp; notes:", 1)
    if i % 7 == 0:
        text = text.replace("</p><p>", "<br>", 1)
    return text


def print_timelinejs_loads(rows: int, runs: int, against: list[Path]) -> None:
    roots = [path.resolve() for path in against] + [ROOT]
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as tmp:
        results = timelinejs_loads(Path(tmp), rows, runs, roots)
    load_after = os.getloadavg()[0]
    print(
        f"\nLoading {rows:,} events (median of {runs}; target ≤ 2× our CSV; load average"
        f" {load_before:.1f} at the start, {load_after:.1f} at the end):"
    )
    for root in roots:
        print(f"\n{root}:\n" if len(roots) > 1 else "")
        print("| file | CPU time | ÷ our CSV | wall time | ÷ our CSV |")
        print("| --- | ---: | ---: | ---: | ---: |")
        base_cpu, base_wall = results[root][0][1], results[root][0][2]
        for label, cpu, wall in results[root]:
            print(
                f"| {label} | {cpu * 1000:,.0f} ms | {cpu / base_cpu:.2f}× "
                f"| {wall * 1000:,.0f} ms | {wall / base_wall:.2f}× |"
            )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="*", default=[1000, 10_000, 100_000])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--one", help=argparse.SUPPRESS)
    parser.add_argument("--timelinejs-only", action="store_true", help="only the TimelineJS line")
    parser.add_argument(
        "--against", type=Path, action="append", default=[],
        help="another checkout, whose TimelineJS line is measured in turn with this one's",
    )  # fmt: skip
    parser.add_argument("--load-worker", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.load_worker:
        load_worker(args.load_worker)
        return
    if args.one:
        print(json.dumps(measure(args.one, args.runs)))
        return
    if args.timelinejs_only:
        print_timelinejs_loads(10_000, max(args.runs, 5), args.against)
        return
    from synthetic import write_synthetic

    results = []
    with tempfile.TemporaryDirectory() as tmp:
        paths = [str(ROOT / "data" / "events.csv")]
        paths += [str(write_synthetic(Path(tmp) / f"{n}.csv", n)) for n in args.sizes]
        for path in paths:
            out = subprocess.run(
                [sys.executable, __file__, "--one", path, "--runs", str(args.runs)],
                capture_output=True,
                text=True,
                check=True,
            )
            results.append(json.loads(out.stdout.strip().splitlines()[-1]))
    print(
        "| rows | load + validate (first in process) | build figure | filter change (server) |"
        " response | export PNG (warm) | chart drawn in Chromium | theme click to redrawn chart |"
        " peak memory |"
    )
    print("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for r in results:
        print(
            f"| {r['rows']:,} | {r['load_s'] * 1000:,.0f} ms ({r['first_load_s']:.2f} s)"
            f" | {r['figure_s'] * 1000:,.0f} ms | {r['filter_s'] * 1000:,.0f} ms"
            f" | {r['response_mb']:.2f} MB | {r['export_s']:.2f} s | {r['drawn_s']:.2f} s"
            f" | {r['click_s'] * 1000:,.0f} ms | {r['peak_mb']:,.0f} MB |"
        )
    print("\nCompared with the straightforward way (ratio = straightforward ÷ ours):\n")
    print(
        "| rows | dates: per-row Python | dates: vectorised | ratio |"
        " figure with a marker per event | ours | size ratio |"
        " theme click: wait for the server's figure | hide in the browser | ratio |"
    )
    print("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for r in results:
        print(
            f"| {r['rows']:,} | {r['naive_dates_s'] * 1000:,.0f} ms | {r['dates_s'] * 1000:,.0f} ms"
            f" | {r['naive_dates_s'] / r['dates_s']:.1f}× | {r['full_mb']:.2f} MB in"
            f" {r['full_s']:.2f} s | {r['response_mb']:.2f} MB"
            f" | {r['full_mb'] / r['response_mb']:.1f}× | {r['redraw_s'] * 1000:,.0f} ms"
            f" | {r['click_s'] * 1000:,.0f} ms | {r['redraw_s'] / r['click_s']:.1f}× |"
        )
    print_timelinejs_loads(10_000, args.runs, args.against)


if __name__ == "__main__":
    main()
