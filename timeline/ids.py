"""Component ids, in one place so a typo is an import error rather than a dead callback.

The page's JavaScript, the benchmarks and the tests read them from here too: the server hands
``all_ids()`` to the page (``contract.browser_contract``), so a rename here renames them there.
"""

URL = "url"
THEMES = "theme-filter"
YEARS = "year-range"
SEARCH = "text-search"
CALLOUTS = "callout-mode"
RESET = "reset-filters"
NOTES = "url-notes"
COUNT = "result-count"
CHART = "timeline-chart"
GRID = "event-grid"
LIST_SLOT = "event-list"
GRID_ROWS = "event-rows"
GRID_SPEC = "event-grid-spec"
DETAIL = "event-detail"
PIN_BUTTON = "pin-button"
SELECTED = "selected-event"
PINS = "pinned-events"
ZOOM = "chart-zoom"
VIEW_PENDING = "view-pending"
EXPORT_FORMAT = "export-format"
EXPORT_PRESET = "export-preset"
EXPORT_WIDTH = "export-width"
EXPORT_HEIGHT = "export-height"
EXPORT_SCALE = "export-scale"
EXPORT_BACKGROUND = "export-background"
EXPORT_STYLE = "export-style"
EXPORT_TITLE = "export-title"
EXPORT_SUBTITLE = "export-subtitle"
EXPORT_NAME = "export-name"
EXPORT_BUTTON = "export-button"
EXPORT_CSV = "export-csv-button"
EXPORT_STATUS = "export-status"
DOWNLOAD = "export-download"


def all_ids() -> dict[str, str]:
    """Every id above by its Python name, read when called (so a test can rename one)."""
    return {name: value for name, value in globals().items() if name.isupper()}
