"""Eras: shaded bands behind the lanes, named where the whole name fits."""

from __future__ import annotations

import numpy as np
import pandas as pd

from timeline.chart.draft import Draft, escape
from timeline.chart.geometry import Geometry
from timeline.dates import describe_span


def era_name(era, geo: Geometry, width_px: float) -> str:
    """The era's title if it fits in its band, else its short label if that fits, else ''."""
    label = str(getattr(era, "label", "") or "")
    for name in (era.title, label):
        if name and geo.text_px(name, geo.fonts.small) + geo.font * 0.4 <= width_px:
            return name
    return ""


def add_eras(fig: Draft, eras: pd.DataFrame, geo: Geometry) -> None:
    """A band per era, and its name in one of the label rows where the whole name fits."""
    right_edges = [-np.inf] * len(geo.era_label_rows)
    for i, era in enumerate(eras.sort_values("start").itertuples(index=False)):
        if era.end < geo.x_lo or era.start > geo.x_hi:
            continue
        fig.add_shape(
            type="rect",
            xref="x",
            yref="paper",
            # Clipped to the view: a band reaching past it would shade the lane names.
            x0=max(era.start, geo.x_lo),
            x1=min(era.end, geo.x_hi),
            y0=0,
            y1=geo.tone_top,
            fillcolor=geo.colors.era_fills[i % 2],
            line={"width": 0},
            layer="below",
        )
        x0_px = max(0.0, float(geo.x_to_px(era.start)))
        x1_px = min(float(geo.plot_w), float(geo.x_to_px(era.end)))
        name = era_name(era, geo, x1_px - x0_px)
        free = [r for r, edge in enumerate(right_edges) if x0_px >= edge]
        if not name or not free:
            continue  # no room for the whole name: the band still shows, and the list names it
        row = free[0]
        right_edges[row] = x0_px + geo.text_px(name, geo.fonts.small) + geo.font
        fig.add_annotation(
            x=geo.px_to_x(x0_px + geo.font * 0.2),
            y=geo.era_label_rows[row],
            xref="x",
            yref="paper",
            xanchor="left",
            yanchor="middle",
            showarrow=False,
            text=f"<i>{escape(name)}</i>",
            font={"size": geo.fonts.small, "color": geo.colors.muted},
            hovertext=escape(f"{era.title}: {describe_span(era.start_text, era.end_text)}"),
            name=f"era:{era.id}",
        )
