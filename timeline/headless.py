"""How this project's own tools open headless Chromium: the tests, benchmarks and scripts that
drive it with Playwright.

Chromium's headless mode gives every new window, and so every Playwright browser context, a
browser window's own pages: among them the omnibox popup (the address bar's suggestions), a
WebUI page in a renderer of its own that loads and runs while the page under test loads. On
this 2-core machine it took about 1.3 s of CPU per context (Chromium's processes: 1.89 s a load
with it, 0.56 s without), and delayed the app's first paint and vis-timeline's by a third. A
user's browser builds its omnibox once per window, not once per page, so it is turned off here:
the benchmarks time the page rather than the browser's furniture (vis-timeline and the app
alike, in the same browser).
"""

from __future__ import annotations

import os

# The Chromium Playwright drives: Debian's, unless BROWSER_PATH names another.
CHROMIUM = os.environ.get("BROWSER_PATH", "/usr/bin/chromium")

# Chromium keeps only the last --disable-features switch: ours replaces the one Playwright
# adds, so it repeats Playwright's list (1.65's, chromiumSwitches.ts) and adds the omnibox
# popup's features. tests/test_app.py reads the switches back off chrome://version and checks
# that no name of Playwright's is lost when Playwright changes its list.
PLAYWRIGHT_DISABLED_FEATURES = (
    "AvoidUnnecessaryBeforeUnloadCheckSync",
    "DestroyProfileOnBrowserClose",
    "HttpsUpgrades",
    "HttpsFirstBalancedModeAutoEnable",
    "LensOverlay",
    "MediaRouter",
    "PaintHolding",
    "ThirdPartyStoragePartitioning",
    "AvoidCorsURLLoaderRestartOnRedirect",
    "TcpPortRandomizationWin",
    "OptimizationHints",
    "NetworkTimeServiceQuerying",
    "AimEnabled",
    "PreconnectToSearch",
    "msForceBrowserSignIn",
    "msEdgeUpdateLaunchServicesPreferredVersion",
    "CDPScreenshotNewSurface",
    "SkipListAccountsWithoutGaiaCookies",
)
# The omnibox popup's WebUI features, by the names Chromium 156's feature list gives them.
OMNIBOX_POPUP_FEATURES = ("WebUIOmniboxPopup", "WebUIOmniboxFullPopup", "WebUIOmniboxAimPopup")
DISABLE_FEATURES = "--disable-features=" + ",".join(
    PLAYWRIGHT_DISABLED_FEATURES + OMNIBOX_POPUP_FEATURES
)

CHROMIUM_ARGS = [
    "--no-sandbox",  # runs as root in a container
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    DISABLE_FEATURES,
]
