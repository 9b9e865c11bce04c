"""Component ids, in one place so a typo is an import error rather than a dead callback.

The page's JavaScript, the benchmarks and the tests read them from here too: the server hands
``all_ids()`` to the page (``contract.browser_contract``), so a rename here renames them there.
"""

URL = "url"
# The theme picker (native checkboxes drawn by assets/controls.js) and the two stores behind
# it: the ticked themes, and each theme's name, colour and count in the view.
THEMES = "theme-filter"
THEMES_CHOSEN = "themes-chosen"
THEME_CHOICES = "theme-choices"
FILTERS_TOGGLE = "filters-toggle"
CHART_SUMMARY = "chart-summary"
CHART_BOX = "chart-box"
CHART_SIZE = "chart-size"  # {"width", "height"} of CHART_BOX in CSS pixels, or {} before measured
CONTROLS = "controls"
YEARS = "year-range"
SEARCH = "text-search"
CALLOUTS = "callout-mode"
RESET = "reset-filters"
NOTES = "url-notes"
COUNT = "result-count"
# The chart: a box Plotly draws in (assets/clientside.js, drawChart), the figure it draws, and
# what Plotly reports back: a click's points, and a zoom or pan (Plotly's relayout data).
CHART = "timeline-chart"
CHART_FIGURE = "chart-figure-data"
CHART_CLICK = "chart-click"
CHART_RELAYOUT = "chart-relayout"
GRID = "event-grid"
LIST_SLOT = "event-list"
GRID_ROWS = "event-rows"
GRID_SPEC = "event-grid-spec"
DETAIL = "event-detail"
PIN_BUTTON = "pin-button"
DETAIL_CLOSE = "detail-close"
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
EXPORT_CANCEL = "export-cancel"
EXPORT_APP = "export-app"  # the app's token: which data an export job works on (timeline.jobs)
EXPORT_CSV = "export-csv-button"
EXPORT_STATUS = "export-status"
DOWNLOAD = "export-download"
STORY = "story-state"  # {"slug", "step" (1-based), "playing"}, or {} before any story is played
STORY_SELECT = "story-select"
STORY_PLAY = "story-play"
STORY_RESUME = "story-resume"
STORY_PANEL = "story-panel"
STORY_COUNTER = "story-counter"
STORY_HEADLINE = "story-headline"
STORY_TEXT = "story-text"
STORY_QUOTES = "story-quotes"
STORY_PREV = "story-prev"
STORY_NEXT = "story-next"
STORY_LEAVE = "story-leave"
STORY_KEY = "story-key"  # the last story key pressed: {"key", "n"} (set in clientside.js)
STORY_DECK_FORMAT = "story-deck-format"
STORY_DECK_BUTTON = "story-deck-button"
STORY_DECK_CANCEL = "story-deck-cancel"
STORY_DECK_STATUS = "story-deck-status"


def all_ids() -> dict[str, str]:
    """Every id above by its Python name, read when called (so a test can rename one)."""
    return {name: value for name, value in globals().items() if name.isupper()}
