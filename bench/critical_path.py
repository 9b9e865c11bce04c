"""What the browser waits for before the live chart: one load of the app, broken down.

    .venv/bin/python bench/critical_path.py                 # the shipped data, 3 loads
    .venv/bin/python bench/critical_path.py --runs 5 --csv data/events.csv
    .venv/bin/python bench/critical_path.py --against /tmp/before   # beside another checkout

Opens the app in headless Chromium (1366×768, a fresh context per load, no cache) and prints,
for the median load by time to interactive: when the page's HTML, DOMContentLoaded and the
load event came; each request (start, end, size) in order; each script's compile and run time
(from Chromium's trace); the callbacks the page asked the server for before the chart was live
(outputs, request and answer sizes); the main thread's busy time, idle gaps and long tasks
with what ran in them; and when Plotly had drawn and the live chart replaced the picture
(*interactive*, as bench/first_paint_bench.py times it).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

from first_paint_bench import (  # noqa: E402
    APP_INTERACTIVE,
    APP_LIVE,
    APP_VISIBLE,
    CHROMIUM,
    OMNIBOX_HELP,
    chromium_args,
    marks_script,
)

TRACE_CATEGORIES = [
    "devtools.timeline",
    "v8",
    "disabled-by-default-devtools.timeline",
    "blink.user_timing",
    "loading",
]


def one_load(browser, url: str) -> dict:
    context = browser.new_context(viewport={"width": 1366, "height": 768})
    script = marks_script(visible=APP_VISIBLE, interactive=APP_INTERACTIVE, live=APP_LIVE)
    context.add_init_script(script)
    page = context.new_page()
    callbacks = []

    def on_request(request):
        if "_dash-update-component" in request.url:
            body = request.post_data or ""
            output = json.loads(body).get("output", "?") if body else "?"
            callbacks.append({"request": request, "output": output, "sent": len(body)})

    page.on("request", on_request)
    with tempfile.NamedTemporaryFile(suffix=".json") as trace_file:
        browser.start_tracing(page=page, path=trace_file.name, categories=TRACE_CATEGORIES)
        page.goto(url, wait_until="commit")
        page.wait_for_function(
            "() => window.__marks && __marks.visible && __marks.interactive && __marks.live",
            timeout=120_000,
        )
        page.wait_for_load_state("networkidle")
        browser.stop_tracing()
        trace = json.loads(Path(trace_file.name).read_text())
    data = page.evaluate("""() => ({
        marks: window.__marks,
        nav: performance.getEntriesByType('navigation')[0].toJSON(),
        resources: performance.getEntriesByType('resource').map(e => e.toJSON()),
    })""")
    fetched = [r for r in data["resources"] if "_dash-update-component" in r["name"]]
    fetched.sort(key=lambda r: r["startTime"])
    for c in callbacks:
        response = c["request"].response()
        c["received"] = len(response.body()) if response else 0
        del c["request"]
    for c, entry in zip(callbacks, fetched, strict=False):
        c["start"], c["end"] = entry["startTime"], entry["responseEnd"]
    context.close()
    data["callbacks"] = callbacks
    data["scripts"] = script_costs(trace)
    data["busy"] = main_thread_busy(trace, data["marks"]["interactive"])
    return data


def script_costs(trace: dict) -> list[tuple[str, float, float, float]]:
    """(url, start ms, compile ms, run ms) of each script the page ran, from the trace (CPU
    time, so a loaded machine does not inflate them)."""
    events = trace["traceEvents"] if isinstance(trace, dict) else trace
    starts = [e["ts"] for e in events if e.get("name") == "navigationStart"]
    origin = min(starts) if starts else min(e["ts"] for e in events if e.get("ts"))
    costs: dict[str, list[float]] = {}
    for e in events:
        if e.get("ph") != "X":
            continue
        data = (e.get("args") or {}).get("data") or {}
        url = data.get("url") or ""
        if not url.startswith("http://127.0.0.1"):
            continue  # Chromium's own pages
        name = e.get("name")
        if name in ("v8.compile", "v8.compileModule"):
            entry = costs.setdefault(url, [(e["ts"] - origin) / 1000, 0.0, 0.0])
            entry[1] += e.get("tdur", e.get("dur", 0)) / 1000
        elif name == "EvaluateScript":
            entry = costs.setdefault(url, [(e["ts"] - origin) / 1000, 0.0, 0.0])
            entry[2] += e.get("tdur", e.get("dur", 0)) / 1000
    return sorted(((u, *v) for u, v in costs.items()), key=lambda r: r[1])


def main_thread(trace) -> tuple[float, list[dict]]:
    """The trace's origin (navigation start, µs) and the page's main-thread events, ms from
    it: the thread that ran the page's scripts."""
    events = trace["traceEvents"] if isinstance(trace, dict) else trace
    origin = min(e["ts"] for e in events if e.get("name") == "navigationStart")
    runs = [
        e for e in events
        if e.get("name") == "EvaluateScript"
        and ((e.get("args") or {}).get("data") or {}).get("url", "").startswith("http://127")
    ]  # fmt: skip
    pid, tid = runs[0]["pid"], runs[0]["tid"]
    own = [
        {**e, "start": (e["ts"] - origin) / 1000, "ms": e.get("dur", 0) / 1000,
         "cpu": e.get("tdur", 0) / 1000}
        for e in events
        if e.get("pid") == pid and e.get("tid") == tid and e.get("ph") == "X" and e["ts"] >= origin
    ]  # fmt: skip
    return origin, sorted(own, key=lambda e: (e["start"], -e["ms"]))


def main_thread_busy(trace, until_ms: float) -> dict:
    """Main-thread time before ``until_ms``: busy ms (wall), its CPU ms (less than busy when
    the machine is loaded), idle gaps of 20 ms and more (what the page waited for), and each
    task of 50 ms and more with the largest things in it."""
    _, own = main_thread(trace)
    tasks = [e for e in own if e["name"] == "RunTask"]
    busy, cpu, gaps, end, long = 0.0, 0.0, [], 0.0, []
    for task in tasks:
        if task["start"] >= until_ms + 2000:
            break
        if task["start"] < until_ms:
            if task["start"] - end >= 20:
                gaps.append((end, task["start"] - end))
            busy += min(task["ms"], until_ms - task["start"])
            cpu += task["cpu"] * min(1, (until_ms - task["start"]) / max(task["ms"], 1e-3))
            end = max(end, task["start"] + task["ms"])
        if task["ms"] >= 50:
            inside = [
                e for e in own
                if e is not task and e["name"] != "RunTask"
                and task["start"] <= e["start"] < task["start"] + task["ms"]
            ]  # fmt: skip
            top = sorted(inside, key=lambda e: -e["ms"])
            named = []
            for e in top:
                data = (e.get("args") or {}).get("data") or {}
                label = (
                    e["name"]
                    + (f" {short(data['url'])}" if data.get("url") else "")
                    + (f" {data['functionName']}" if data.get("functionName") else "")
                )
                if label not in (n for n, _ in named):
                    named.append((label, e["cpu"] or e["ms"]))
                if len(named) == 4:
                    break
            long.append((task["start"], task["ms"], task["cpu"], named))
    return {"busy": busy, "cpu": cpu, "gaps": gaps, "long": long}


def short(url: str) -> str:
    return url.split("?")[0].split("/", 3)[-1] or "/"


def report(data: dict) -> None:
    nav = data["nav"]
    marks = data["marks"]
    print(f"HTML received: {nav['responseEnd']:.0f} ms ({nav['transferSize']:,} B)")
    print(f"DOMContentLoaded: {nav['domContentLoadedEventEnd']:.0f} ms")
    print(f"load event: {nav['loadEventEnd']:.0f} ms")
    print(f"visible (the picture or the chart on screen): {marks['visible']:.0f} ms")
    print(f"interactive (Plotly drawn, with its handlers): {marks['interactive']:.0f} ms")
    print(f"page live (Dash has built the page, first paint gone): {marks['live']:.0f} ms")
    busy = data["busy"]
    print(f"main thread before interactive: busy {busy['busy']:.0f} ms, CPU {busy['cpu']:.0f} ms;"
          " idle gaps (start+ms):")  # fmt: skip
    print("  " + ", ".join(f"{start:.0f}+{length:.0f}" for start, length in busy["gaps"]))
    print("\nrequests (start → end ms, bytes over the wire):")
    for r in sorted(data["resources"], key=lambda r: r["startTime"]):
        print(f"  {r['startTime']:6.0f} → {r['responseEnd']:6.0f}  {r['encodedBodySize']:>9,}"
              f"  {short(r['name'])}")  # fmt: skip
    print("\nscripts (first seen ms, compile and run CPU ms):")
    for url, start, compile_ms, run_ms in data["scripts"]:
        print(f"  {start:6.0f}  {compile_ms:6.1f}  {run_ms:6.1f}  {short(url)}")
    print("\ncallbacks (start → end ms, bytes sent, bytes received, outputs):")
    for c in data["callbacks"]:
        when = f"{c.get('start', 0):6.0f} → {c.get('end', 0):6.0f}"
        print(f"  {when}  {c['sent']:>7,}  {c['received']:>9,}  {c['output'][:80]}")
    print("\nmain-thread tasks of 50 ms and more, to 2 s after interactive")
    print("(start, wall ms, CPU ms: the largest things inside, CPU ms):")
    for start, length, cpu, named in data["busy"]["long"]:
        inside = "; ".join(f"{label} {ms:.0f}" for label, ms in named)
        print(f"  {start:6.0f}  {length:5.0f}  {cpu:5.0f}: {inside}")


# Serves one checkout's app (its own code, this venv) on loopback; prints its URL.
SERVE = """
import pathlib, sys
sys.path[:0] = [ROOT, ROOT + "/bench"]
from first_paint_bench import serve_app
from timeline.data import load_dataset
from timeline.export import ExportEngine
import timeline
assert timeline.__file__.startswith(ROOT), timeline.__file__
engine = ExportEngine()
server, url = serve_app(load_dataset(CSV), engine, pathlib.Path(CACHE))
print(url, flush=True)
sys.stdin.read()  # until the benchmark closes it
server.shutdown()
engine.close()
"""


def serve_checkout(root: Path, csv: str, cache: Path) -> tuple[subprocess.Popen, str]:
    code = SERVE.replace("ROOT", repr(str(root))).replace("CSV", repr(csv))
    code = code.replace("CACHE", repr(str(cache)))
    server = subprocess.Popen(
        [sys.executable, "-c", code],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    return server, server.stdout.readline().strip()


def summary(name: str, loads: list[dict]) -> str:
    seen = statistics.median(d["marks"]["visible"] for d in loads)
    ready = statistics.median(d["marks"]["interactive"] for d in loads)
    live = statistics.median(d["marks"]["live"] for d in loads)
    busy = statistics.median(d["busy"]["busy"] for d in loads)
    cpu = statistics.median(d["busy"]["cpu"] for d in loads)
    cells = [seen / 1000, ready / 1000, live / 1000, busy / 1000, cpu / 1000]
    return f"| {name} | " + " | ".join(f"{c:.2f} s" for c in cells) + " |"


def main() -> None:
    from playwright.sync_api import sync_playwright

    parser = argparse.ArgumentParser()
    parser.add_argument("--csv", default=str(ROOT / "data" / "events.csv"))
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument(
        "--against", type=Path, action="append", default=[],
        help="another checkout, loaded in turn with this one (may be given more than once)",
    )  # fmt: skip
    parser.add_argument("--omnibox", action="store_true", help=OMNIBOX_HELP)
    args = parser.parse_args()
    roots = [path.resolve() for path in args.against] + [ROOT]
    load_before = os.getloadavg()[0]
    loads: dict[Path, list[dict]] = {root: [] for root in roots}
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as p:
        servers = [serve_checkout(r, args.csv, Path(tmp) / r.name) for r in roots]
        browser = p.chromium.launch(executable_path=CHROMIUM, args=chromium_args(args.omnibox))
        for _ in range(args.runs):  # alternated, so both see the same machine
            for root, (_, url) in zip(roots, servers, strict=True):
                loads[root].append(one_load(browser, url))
        browser.close()
        for server, _ in servers:
            server.stdin.close()
            server.wait(timeout=60)
    load_after = os.getloadavg()[0]
    print(f"load average {load_before:.1f} at the start, {load_after:.1f} at the end;"
          f" medians of {args.runs} loads\n")  # fmt: skip
    print("| checkout | visible | interactive | page live | main thread busy before"
          " interactive | its CPU time |")  # fmt: skip
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    for root in roots:
        print(summary(str(root), loads[root]))
    for root in roots:
        runs = sorted(loads[root], key=lambda d: d["marks"]["interactive"])
        print(f"\n## {root}: the median load\n")
        report(runs[len(runs) // 2])


if __name__ == "__main__":
    main()
