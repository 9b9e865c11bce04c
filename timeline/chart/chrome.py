"""Everything around the marks: axes, lane rules, notes, and a slide's title, legend and footer."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from timeline.chart.draft import Draft, escape
from timeline.chart.geometry import Geometry
from timeline.chart.lanes import SYMBOL_LEGEND, Lane
from timeline.chart.style import TONE
from timeline.contract import META, ROLES


@dataclass(frozen=True)
class Chrome:
    """The words around a chart: its title, subtitle and footer, and what it counts."""

    title: str = ""
    subtitle: str = ""
    footer: str = ""
    count: int = 0  # events in view
    shown: int = 0  # events drawn with a marker


def add_chrome(fig: Draft, lanes: Sequence[Lane], geo: Geometry, x_range, chrome: Chrome) -> None:
    """Axes and lane rules; notes for an empty or dense chart; a slide's title, legend, footer."""
    _axes(fig, lanes, geo, x_range)
    _lane_rules(fig, lanes, geo)
    _notes(fig, geo, chrome)
    if geo.style.presentation:
        _slide(fig, lanes, geo, chrome)


def _axes(fig: Draft, lanes: Sequence[Lane], geo: Geometry, x_range) -> None:
    style, s, c = geo.style, geo.sizes, geo.colors
    fs = geo.font
    pres = style.presentation
    background = "rgba(0,0,0,0)" if style.transparent else c.background
    fig.update_layout(
        width=style.width if pres else None,
        height=style.height,
        autosize=not pres,
        # Fixed margins: the callouts are laid out in pixels for exactly this plot area.
        margin={**geo.margin, "pad": 0, "autoexpand": False},
        paper_bgcolor=background,
        plot_bgcolor=background,
        font={"family": style.font_family, "size": fs, "color": c.ink},
        hovermode="closest",
        hoverlabel={"bgcolor": "white", "font": {"size": fs, "color": c.ink}, "align": "left"},
        showlegend=pres,
        dragmode="zoom",
        uirevision="timeline",
        xaxis={
            "type": "date",
            "range": list(x_range),
            "domain": [0, 1],
            "anchor": "y",
            "showgrid": True,
            "gridcolor": c.grid,
            "ticks": "outside",
            "ticklen": s.tick_len_px,
            "rangeslider": {
                "visible": not pres,
                "thickness": s.slider_thickness_fraction,
                "bgcolor": c.slider,
            },
            "tickfont": {"size": fs},
        },
        xaxis2={
            "type": "date",
            "matches": "x",
            "anchor": "y2",
            "showticklabels": False,
            "showgrid": True,
            "gridcolor": c.grid,
        },
        yaxis={
            "domain": [0, geo.lanes_top],
            "range": [geo.lane_count - 0.5, -0.5],
            "tickmode": "array",
            "tickvals": list(range(len(lanes))),
            "ticktext": [
                f"<span style='color:{lane.color}'><b>{escape(lane.label)}</b></span>"
                for lane in lanes
            ],
            "showgrid": False,
            "zeroline": False,
            "fixedrange": True,
            "tickfont": {"size": fs},
        },
        yaxis2={
            "domain": [geo.tone_bottom, geo.tone_top],
            "range": [TONE.lo, TONE.hi],
            "fixedrange": True,
            "tickvals": list(TONE.ticks),
            "ticktext": list(TONE.tick_text),
            "zeroline": True,
            "zerolinecolor": c.zero_line,
            "showgrid": False,
            "title": {"text": "Tone", "font": {"size": fs * s.axis_title_font}},
            "tickfont": {"size": fs * s.tone_tick_font},
        },
    )


def _lane_rules(fig: Draft, lanes: Sequence[Lane], geo: Geometry) -> None:
    for i in range(len(lanes)):
        fig.add_shape(
            type="line",
            xref="paper",
            yref="y",
            x0=0,
            x1=1,
            y0=i,
            y1=i,
            line={"color": geo.colors.lane_line, "width": 1},
            layer="below",
        )


def _note(fig: Draft, geo: Geometry, text: str, color: str, **place) -> None:
    """A small unboxed text in paper coordinates."""
    fig.add_annotation(
        xref="paper",
        yref="paper",
        showarrow=False,
        text=text,
        font={"size": geo.font * geo.sizes.note_font, "color": color},
        **place,
    )


def _notes(fig: Draft, geo: Geometry, chrome: Chrome) -> None:
    s, c = geo.sizes, geo.colors
    x = s.side_label_x_fraction
    _note(
        fig, geo, "▲ cooperation", c.cooperation, x=x, y=geo.tone_top, xanchor="left", yanchor="top"
    )
    _note(
        fig,
        geo,
        "▼ hostility",
        c.hostility,
        x=x,
        y=geo.tone_bottom,
        xanchor="left",
        yanchor="bottom",
    )
    if chrome.count == 0:
        fig.add_annotation(
            x=0.5,
            y=geo.lanes_top / 2,
            xref="paper",
            yref="paper",
            showarrow=False,
            text="No events match these filters",
            font={"size": geo.font * s.empty_font, "color": c.muted},
        )
    elif chrome.shown < chrome.count:
        text = (
            f"{chrome.count:,} events: shaded strips show how many fall in each stretch of time; "
            f"markers show the {chrome.shown:,} most important"
        )
        _note(fig, geo, text, c.muted, x=1, y=geo.lanes_top, xanchor="right", yanchor="bottom")


def _slide(fig: Draft, lanes: Sequence[Lane], geo: Geometry, chrome: Chrome) -> None:
    s, c = geo.sizes, geo.colors
    fs = geo.font
    subtitle = (
        f"<br><span style='font-size:{fs * s.subtitle_font:.0f}px;color:{c.muted}'>"
        f"{escape(chrome.subtitle)}</span>"
        if chrome.subtitle
        else ""
    )
    fig.update_layout(
        title={
            "text": f"<b>{escape(chrome.title)}</b>" + subtitle,
            "x": 0,
            "xref": "paper",
            "xanchor": "left",
            "y": 1,
            "yref": "container",
            "yanchor": "top",
            "pad": {"t": fs * s.title_pad},
            "font": {"size": fs * s.title_font},
        },
        legend={
            "orientation": "h",
            "x": 0,
            "xanchor": "left",
            "y": -geo.px_to_paper(fs * s.legend_offset),
            "yanchor": "top",
            "font": {"size": fs * s.legend_font},
            "itemsizing": "constant",
        },
    )
    entries = [(lane.label, "circle", lane.color, s.legend_marker, lane.theme) for lane in lanes]
    entries += [(name, sym, c.muted, s.legend_symbol_marker, None) for name, sym in SYMBOL_LEGEND]
    for name, symbol, color, size, group in entries:
        fig.add_trace(
            dict(
                type="scatter",
                x=[None],
                y=[None],
                mode="markers",
                name=name,
                xaxis="x",
                yaxis="y",
                marker={"symbol": symbol, "color": color, "size": fs * size},
                meta={META.ROLE: ROLES.LEGEND},
                **({"legendgroup": group} if group else {}),
            )
        )
    if chrome.footer:
        fig.add_annotation(
            x=0,
            y=0,
            xref="paper",
            yref="paper",
            xanchor="left",
            yanchor="bottom",
            yshift=-geo.margin["b"] + fs * s.footer_lift,
            showarrow=False,
            text=escape(chrome.footer),
            font={"size": fs * s.note_font, "color": c.muted},
            align="left",
        )
