"""Take the README's screenshots of the app, in a real headless Chromium.

.venv/bin/python scripts/screenshot.py            # writes docs/screenshot.png and friends
"""

from __future__ import annotations

import sys
import threading
from pathlib import Path

from playwright.sync_api import sync_playwright
from werkzeug.serving import make_server

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from timeline import ids  # noqa: E402
from timeline.data import load_dataset  # noqa: E402
from timeline.headless import CHROMIUM, CHROMIUM_ARGS  # noqa: E402
from timeline.webapp import create_app  # noqa: E402

SHOTS = [
    ("screenshot.png", 1366, 768, "?event=2011-salala-incident", False),
    ("screenshot-full.png", 1366, 768, "?event=2011-salala-incident", True),
    ("screenshot-phone.png", 390, 844, "", False),
    ("screenshot-phone-event.png", 390, 844, "?event=2011-salala-incident", False),
]


def main() -> None:
    app = create_app(load_dataset(ROOT / "data" / "events.csv"))
    server = make_server("127.0.0.1", 0, app.server, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_port}/"
    out = ROOT / "docs"
    out.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for name, width, height, query, full in SHOTS:
            page = browser.new_page(viewport={"width": width, "height": height})
            page.goto(url + query)
            page.wait_for_selector(f"#{ids.CHART} .scatterlayer .point", state="attached")
            page.wait_for_selector(f"#{ids.GRID} .ag-row", state="attached")
            # The figure is redrawn for the box it is in (a phone's is narrower), then settles.
            page.wait_for_timeout(2000)
            page.screenshot(path=str(out / name), full_page=full)
            print(f"wrote docs/{name}")
            page.close()
        browser.close()
    server.shutdown()


if __name__ == "__main__":
    main()
