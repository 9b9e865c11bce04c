"""How this project's own tools open headless Chromium: the tests, benchmarks and scripts that
drive it with Playwright.

Chromium's headless mode gives every new window, and so every Playwright browser context, a
browser window's own pages: among them the omnibox popup (the address bar's suggestions), a
WebUI page in a renderer of its own that loads and runs while the page under test loads. On
this 2-core machine it took about 1.7 s of CPU per context, against the page's own 0.6 s, and
delayed the app's first paint by a third. A user's browser builds its omnibox once per window,
not once per page, so it is turned off here: tests run faster, and the benchmarks time the page
rather than the browser's furniture (vis-timeline and the app alike, in the same browser).
"""

from __future__ import annotations

import os

# The Chromium Playwright drives: Debian's, unless BROWSER_PATH names another.
CHROMIUM = os.environ.get("BROWSER_PATH", "/usr/bin/chromium")

# The omnibox popup's WebUI features, by the names Chromium 156's feature list gives them.
NO_OMNIBOX_POPUP = "--disable-features=WebUIOmniboxPopup,WebUIOmniboxFullPopup,WebUIOmniboxAimPopup"

CHROMIUM_ARGS = [
    "--no-sandbox",  # runs as root in a container
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    NO_OMNIBOX_POPUP,
]
