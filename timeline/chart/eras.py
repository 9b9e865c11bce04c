"""Eras: shaded bands behind the lanes, labelled where there is room."""

from __future__ import annotations

import numpy as np
import pandas as pd

from timeline.chart.draft import Draft, escape
from timeline.chart.geometry import Geometry
from timeline.dates import describe_span

ELLIPSIS = "…"


def add_eras(fig: Draft, eras: pd.DataFrame, geo: Geometry) -> None:
    """A band per era, and its name in one of two label rows where it fits."""
    s = geo.sizes
    font = geo.font * s.era_font
    right_edges = [-np.inf] * len(geo.era_label_rows)
    for i, era in enumerate(eras.sort_values("start").itertuples(index=False)):
        fig.add_shape(
            type="rect",
            xref="x",
            yref="paper",
            x0=era.start,
            x1=era.end,
            y0=0,
            y1=geo.tone_top,
            fillcolor=geo.colors.era_fills[i % 2],
            line={"width": 0},
            layer="below",
        )
        width_px = geo.x_to_px(era.end) - geo.x_to_px(era.start)
        chars = max(0, int(width_px / geo.text_px(1, geo.font)) - 1)
        if chars < 4:
            continue
        label = era.title if len(era.title) <= chars else era.title[: chars - 1].rstrip() + ELLIPSIS
        x0_px = geo.x_to_px(era.start)
        free = [r for r, edge in enumerate(right_edges) if x0_px >= edge]
        if not free:
            continue  # no room for a label: the band still shows, and the list names it
        row = free[0]
        right_edges[row] = x0_px + geo.text_px(len(label), geo.font) + geo.font
        fig.add_annotation(
            x=era.start,
            y=geo.era_label_rows[row],
            xref="x",
            yref="paper",
            xanchor="left",
            yanchor="middle",
            showarrow=False,
            text=f"<i>{escape(label)}</i>",
            font={"size": font, "color": geo.colors.muted},
            hovertext=escape(f"{era.title}: {describe_span(era.start_text, era.end_text)}"),
            name=f"era:{era.id}",
        )
