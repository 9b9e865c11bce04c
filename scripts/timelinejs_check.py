"""Does TimelineJS itself accept our TimelineJS JSON? Draw it with TimelineJS from npm and look.

    .venv/bin/python scripts/timelinejs_check.py [DATA]    # default: the shipped data/events.csv

Installs ``@knight-lab/timelinejs`` (pinned) with npm into a cache folder outside the repository
(``$TIMELINE_NPM_CACHE``, else ~/.cache/relations-timeline/timelinejs; ``--offline`` uses npm's
own cache only), converts DATA to TimelineJS JSON, serves both on 127.0.0.1, opens the page in
headless Chromium, and checks that TimelineJS drew a slide for every event with our headline.
Prints what it found; exit code 1 when a headline is missing or TimelineJS reported an error.
"""

from __future__ import annotations

import argparse
import functools
import html
import json
import os
import subprocess
import sys
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = "@knight-lab/timelinejs@3.9.11"
PAGE = """<!doctype html>
<html><head><meta charset="utf-8">
<link rel="stylesheet" href="/node_modules/@knight-lab/timelinejs/dist/css/timeline.css">
<script src="/node_modules/@knight-lab/timelinejs/dist/js/timeline.js"></script>
</head><body><div id="timeline-embed" style="width: 1200px; height: 700px"></div>
<script>
window.__errors = [];
window.addEventListener("error", e => window.__errors.push(String(e.message)));
fetch("/timeline.json").then(r => r.json()).then(data => {
  window.timeline = new TL.Timeline("timeline-embed", data, {language: "en"});
  window.timeline.on("loaded", () => { window.__loaded = true; });
}).catch(e => window.__errors.push(String(e)));
</script></body></html>
"""


def cache_dir() -> Path:
    default = Path.home() / ".cache" / "relations-timeline" / "timelinejs"
    return Path(os.environ.get("TIMELINE_NPM_CACHE", default))


def install(folder: Path, *, offline: bool = False) -> Path:
    """TimelineJS's package folder, installed with npm into ``folder`` when not there yet."""
    package = folder / "node_modules" / "@knight-lab" / "timelinejs"
    if (package / "dist" / "js" / "timeline.js").exists():
        return package
    folder.mkdir(parents=True, exist_ok=True)
    command = ["npm", "install", "--no-audit", "--no-fund", "--ignore-scripts", "--prefix"]
    command += [str(folder), PACKAGE] + (["--offline"] if offline else [])
    subprocess.run(command, check=True, capture_output=True, text=True, timeout=300)
    return package


def _serve(folder: Path, timeline_json: bytes) -> ThreadingHTTPServer:
    class Handler(SimpleHTTPRequestHandler):
        def do_GET(self):
            pages = {
                "/": ("text/html", PAGE.encode()),
                "/timeline.json": ("application/json", timeline_json),
            }
            if self.path in pages:
                kind, body = pages[self.path]
                self.send_response(200)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
                return
            super().do_GET()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Handler, directory=folder))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def render(browser, folder: Path, timeline_json: bytes) -> dict:
    """What TimelineJS drew from ``timeline_json``: the slides' headlines, the title, errors."""
    server = _serve(folder, timeline_json)
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    # Only our server: TimelineJS must not need the network to draw our JSON.
    page.route(
        "**/*",
        lambda route: (
            route.continue_()
            if route.request.url.startswith(f"http://127.0.0.1:{server.server_port}/")
            else route.abort()
        ),
    )
    try:
        page.goto(f"http://127.0.0.1:{server.server_port}/")
        page.wait_for_function("() => window.__loaded || window.__errors.length", timeout=30_000)
        found = page.evaluate(
            """() => ({
                headlines: [...document.querySelectorAll('.tl-slide-content .tl-headline')]
                    .map(h => h.textContent.trim()),
                markers: document.querySelectorAll('.tl-timemarker').length,
                eras: document.querySelectorAll('.tl-timeera').length,
                scripts: document.querySelectorAll('.tl-slide script, .tl-slide iframe').length,
                links: [...document.querySelectorAll('.tl-slide a[href]')].map(a => a.href),
                errors: window.__errors,
                pwned: window.__pwned ?? null,
            })"""
        )
    finally:
        context.close()
        server.shutdown()
    found["errors"] += errors
    return found


def check(dataset, found: dict) -> list[str]:
    """What is wrong with what TimelineJS drew, as sentences (none: all is well)."""
    problems = [f"TimelineJS error: {e}" for e in found["errors"]]
    if found["pwned"] is not None:
        problems.append(f"a script from the data ran: {found['pwned']!r}")
    headlines = set(found["headlines"])
    for title in dataset.events.loc[dataset.events["kind"].eq("event"), "title"]:
        if title not in headlines:
            problems.append(f"no slide with the headline {title!r}")
    if dataset.info.title not in headlines:
        problems.append(f"no title slide {dataset.info.title!r}")
    bad = [u for u in found["links"] if not u.startswith(("http://", "https://"))]
    problems += [f"a link that is not http(s): {u!r}" for u in bad]
    return problems


def main() -> int:
    sys.path.insert(0, str(ROOT))
    from playwright.sync_api import sync_playwright

    from timeline.convert import timelinejs_json
    from timeline.data import load_dataset
    from timeline.headless import CHROMIUM, CHROMIUM_ARGS

    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("data", nargs="?", default="data/events.csv")
    parser.add_argument("--offline", action="store_true", help="npm install from npm's cache only")
    args = parser.parse_args()
    folder = cache_dir()
    package = install(folder, offline=args.offline)
    version = json.loads((package / "package.json").read_text())["version"]
    dataset = load_dataset(args.data if Path(args.data).exists() else ROOT / args.data)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        found = render(browser, folder, timelinejs_json(dataset))
        browser.close()
    events = int(dataset.events["kind"].eq("event").sum())
    print(f"TimelineJS {version} from {folder}")
    print(
        f"{args.data}: {events} events, {len(found['headlines'])} slides drawn (title included),"
        f" {found['markers']} markers, {found['eras']} eras on the time axis"
    )
    problems = check(dataset, found)
    for problem in problems:
        print("  " + html.unescape(problem))
    print("OK: every event's headline is on a slide" if not problems else "FAILED")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
