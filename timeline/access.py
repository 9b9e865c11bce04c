"""What assistive technology needs that the page's components do not give by themselves.

``CONTROL_NAMES``: the accessible name of each Dash control that renders without one (Dash 4's
option lists, dropdowns and sliders); ``assets/controls.js`` puts them on the elements.
``describe_view``: the chart said in a few sentences, its text alternative. Nothing here
imports Dash.
"""

from __future__ import annotations

import pandas as pd

from timeline import ids
from timeline.dates import describe_span

CONTROL_NAMES = {
    ids.YEARS: "Years",
    ids.CALLOUTS: "Callouts",
    ids.STORY_SELECT: "Story",
    ids.STORY_DECK_FORMAT: "Deck format",
    ids.EXPORT_FORMAT: "Export format",
    ids.EXPORT_PRESET: "Export size",
    ids.EXPORT_BACKGROUND: "Background",
    ids.EXPORT_SCALE: "PNG scale",
    ids.EXPORT_STYLE: "Slide style",
}

# The event list's columns (fields of ``layout.event_grid``) a phone leaves out: four columns
# do not fit 390 px, and each event's detail gives its themes and tone.
PHONE_HIDDEN_COLUMNS = ("themes", "tone")


def describe_view(events: pd.DataFrame, *, themes: int) -> str:
    """The chart in words: how many events over which years and themes, the busiest decade,
    and the strongest swings either way (the most cooperative and the most hostile event).

    ``events``: the rows the chart draws (eras included); ``themes``: lanes shown.
    """
    shown = events[events["kind"].eq("event")]
    if shown.empty:
        return "The chart shows no events: the filters leave none."
    first, last = int(shown["start"].min().year), int(shown["end"].max().year)
    years = str(first) if first == last else f"{first} to {last}"
    lanes = f"{themes} theme{'s' if themes != 1 else ''}"
    n = len(shown)
    said = [f"The chart shows {n} event{'s' if n != 1 else ''} from {years} in {lanes}."]
    decades = (shown["start"].dt.year // 10 * 10).value_counts()
    if len(decades) > 1:
        said.append(f"Most fall in the {int(decades.index[0])}s ({int(decades.iloc[0])}).")
    said += _strongest(shown)
    said.append("The event list below the chart names every one.")
    return " ".join(said)


def _strongest(shown: pd.DataFrame) -> list[str]:
    rated = shown[shown["tone"].notna()]
    said = []
    if rated.empty:
        return said
    best, worst = rated.loc[rated["tone"].idxmax()], rated.loc[rated["tone"].idxmin()]
    if best["tone"] > 0:
        said.append(f"Most cooperative: {_named(best)}.")
    if worst["tone"] < 0:
        said.append(f"Most hostile: {_named(worst)}.")
    return said


def _named(row: pd.Series) -> str:
    tone = f"{row['tone']:+g}".replace("-", "−")
    return f"{row['title']} ({describe_span(row['start_text'], row['end_text'])}, tone {tone})"
