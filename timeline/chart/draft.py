"""The figure under construction, as plain dicts, and the small encoders every part uses."""

from __future__ import annotations

import html
import re

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from timeline.dates import describe_span


class Draft:
    """A figure as plain dicts while it is being built.

    Plotly validates every property each time a graph object is touched, which cost more than
    all the rest of building this chart; the finished figure is validated by the tests instead.
    """

    def __init__(self) -> None:
        self.data: list[dict] = []
        self.layout: dict = {"shapes": [], "annotations": []}

    def add_trace(self, trace: dict) -> None:
        self.data.append(trace)

    def add_shape(self, **shape) -> None:
        self.layout["shapes"].append(shape)

    def add_annotation(self, **annotation) -> None:
        self.layout["annotations"].append(annotation)

    def update_layout(self, **changes) -> None:
        self.layout.update(changes)

    def figure(self) -> go.Figure:
        return go.Figure(data=self.data, layout=self.layout, _validate=False)


def midpoint(events: pd.DataFrame) -> pd.Series:
    """Where an event is drawn: the middle of the span its start date may mean."""
    return events["start"] + (events["start_hi"] - events["start"]) / 2


def iso(values) -> np.ndarray:
    """Datetimes as ISO strings to the second, None where missing.

    Plotly's JSON encoder turns Timestamps into text one object at a time, which cost more than
    building the rest of the figure; numpy does the whole column at once.
    """
    stamps = np.asarray(values, dtype="datetime64[s]")
    text = np.datetime_as_string(stamps, unit="s").astype(object)
    text[np.isnat(stamps)] = None
    return text


def segments(starts: pd.Series, ends: pd.Series, ys: np.ndarray) -> tuple[list, list]:
    """x and y lists for one line trace drawing many separate segments (None between)."""
    n = len(starts)
    xs = np.empty(n * 3, dtype=object)
    yy = np.empty(n * 3, dtype=object)
    xs[0::3] = iso(starts)
    xs[1::3] = iso(ends)
    xs[2::3] = None
    yy[0::3] = ys
    yy[1::3] = ys
    yy[2::3] = None
    return list(xs), list(yy)


def rgba(hex_color: str, alpha: float) -> str:
    r, g, b = (int(hex_color[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgba({r},{g},{b},{alpha})"


def escape(text: str) -> str:
    """Text made safe for Plotly's pseudo-HTML, shown as typed.

    Plotly decodes only a few entities, so ``&quot;`` would show literally: quotes stay as they
    are, and only ``&``, ``<`` and ``>`` (which could start markup) are escaped.
    """
    return html.escape(text, quote=False)


HOVER_LINE_CHARS = 64
HOVER_MAX_LINES = 6
_LINE = re.compile(rf".{{1,{HOVER_LINE_CHARS}}}(?:\s+|$)|.{{{HOVER_LINE_CHARS}}}")


def wrap(text: str) -> list[str]:
    """``text`` in lines of at most 64 characters, broken at spaces where there are any.

    One regular expression per text: textwrap took most of a redraw's time at 100k events.
    """
    return [line.strip() for line in _LINE.findall(" ".join(text.split()))]


class HoverTexts:
    """Hover text per event (title, date as precisely as known, summary; all escaped).

    An event is drawn in its lanes and on the swing line; its text is made once.
    """

    def __init__(self) -> None:
        self._made: dict[int, str] = {}

    def __call__(self, events: pd.DataFrame) -> list[str]:
        todo = events.loc[~events.index.isin(self._made.keys())]
        todo = todo[~todo.index.duplicated()]
        columns = ["title", "start_text", "end_text", "date_note", "summary"]
        for key, (title, start, end, note, summary) in zip(
            todo.index, todo[columns].itertuples(index=False), strict=True
        ):
            when = describe_span(start, end, note)
            lines = "<br>".join(escape(line) for line in wrap(summary)[:HOVER_MAX_LINES])
            self._made[key] = f"<b>{escape(title)}</b><br>{escape(when)}<br>{lines}"
        return [self._made[key] for key in events.index]
