"""Everything around the marks: axes, lane rules, notes, and a slide's title, legend and footer."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from timeline.chart.draft import Draft, escape
from timeline.chart.geometry import FigureStyle, Geometry, TextBlock
from timeline.chart.lanes import SYMBOL_KEY, Lane, lane_color
from timeline.chart.style import TONE, readable
from timeline.chart.text import text_width, wrap_to_width


@dataclass(frozen=True)
class Chrome:
    """The words around a chart: its title, subtitle and footer, and what it counts."""

    title: str = ""
    subtitle: str = ""
    footer: str = ""
    author: str = "the author"
    count: int = 0  # events in view
    shown: int = 0  # events drawn with a marker


@dataclass(frozen=True)
class SlideText:
    """A slide's title, subtitle and footer, wrapped to its width."""

    title: list[str]
    subtitle: list[str]
    footer: list[str]
    key: list[str]

    @property
    def block(self) -> TextBlock:
        return TextBlock(len(self.title), len(self.subtitle), len(self.footer), len(self.key))


def slide_text(chrome: Chrome, style: FigureStyle) -> SlideText:
    """The slide's words in lines that fit its width (none for the app's chart)."""
    if not style.presentation:
        return SlideText([], [], [], [])
    f = style.fonts
    width = style.width - 2 * f.base * style.sizes.slide_pad
    return SlideText(
        wrap_to_width(chrome.title, f.title, width, bold=True),
        wrap_to_width(chrome.subtitle, f.subtitle, width),
        wrap_to_width(chrome.footer, f.small, width),
        _key_lines(f.small, width),
    )


def _key_lines(size: float, width: float) -> list[str]:
    """The key to the marks, its entries kept whole, in as many lines as the width needs."""
    lines: list[str] = []
    for entry in (f"{mark} {name}" for name, mark in SYMBOL_KEY):
        joined = f"{lines[-1]}   {entry}" if lines else entry
        if lines and text_width(joined, size) <= width:
            lines[-1] = joined
        else:
            lines.append(entry)
    return lines


def add_chrome(fig: Draft, lanes: Sequence[Lane], geo: Geometry, **parts) -> None:
    """Axes and lane rules; notes for an empty or dense chart; a slide's title, legend, footer.

    ``parts``: ``chrome`` (a Chrome), ``text`` (its SlideText) and ``quoted`` (whether any
    callout quotes the author).
    """
    chrome: Chrome = parts["chrome"]
    _axes(fig, lanes, geo)
    _lane_rules(fig, lanes, geo)
    _notes(fig, geo, chrome, quoted=parts["quoted"])
    if geo.style.presentation:
        _slide(fig, geo, parts["text"])


def _axes(fig: Draft, lanes: Sequence[Lane], geo: Geometry) -> None:
    style, c, f = geo.style, geo.colors, geo.fonts
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
        font={"family": style.font_family, "size": f.base, "color": c.ink},
        hovermode="closest",
        hoverlabel={"bgcolor": c.hover_fill, "font": {"size": f.base, "color": c.ink}},
        showlegend=False,
        dragmode="zoom",
        uirevision="timeline",
        xaxis=_x_axis(geo),
        xaxis2={
            "type": "date",
            "matches": "x",
            "anchor": "y2",
            "showticklabels": False,
            "showgrid": True,
            "gridcolor": c.grid,
        },
        yaxis=_lane_axis(lanes, geo),
        yaxis2={
            "domain": [geo.tone_bottom, geo.tone_top],
            "range": [TONE.lo, TONE.hi],
            "fixedrange": True,
            "tickvals": list(TONE.ticks),
            "ticktext": list(TONE.tick_text),
            "zeroline": True,
            "zerolinecolor": c.zero_line,
            "showgrid": False,
            "title": {"text": "Tone", "font": {"size": f.small}, "standoff": f.small * 0.3},
            "tickfont": {"size": f.small},
        },
    )


def _x_axis(geo: Geometry) -> dict:
    s, c = geo.sizes, geo.colors
    return {
        "type": "date",
        "range": [geo.x_lo, geo.x_hi],
        "domain": [0, 1],
        "anchor": "y",
        "showgrid": True,
        "gridcolor": c.grid,
        "ticks": "outside",
        "ticklen": s.tick_len_px,
        "tickcolor": c.muted,
        "rangeslider": {
            "visible": not geo.style.presentation,
            "thickness": s.slider_thickness_fraction,
            "bgcolor": c.slider,
        },
        "tickfont": {"size": geo.fonts.base},
    }


def _lane_axis(lanes: Sequence[Lane], geo: Geometry) -> dict:
    bg = geo.colors.background
    return {
        "domain": [0, geo.lanes_top],
        "range": [geo.lane_count - 0.5, -0.5],
        "tickmode": "array",
        "tickvals": list(range(len(lanes))),
        "ticktext": [
            f"<span style='color:{readable(lane_color(lane, geo), bg)}'><b>"
            f"{escape(lane.label)}</b></span>"
            for lane in lanes
        ],
        "showgrid": False,
        "zeroline": False,
        "fixedrange": True,
        "tickfont": {"size": geo.fonts.base},
    }


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
        font={"size": geo.fonts.small, "color": color},
        **place,
    )


def _notes(fig: Draft, geo: Geometry, chrome: Chrome, *, quoted: bool) -> None:
    s, c = geo.sizes, geo.colors
    x = s.side_label_x_fraction
    up, down = geo.tone_top, geo.tone_bottom
    # On a veil of the background, so the swing line and its dots never run through the words.
    veil = {"bgcolor": c.callout_fill}
    _note(
        fig, geo, "▲ cooperation", c.cooperation, x=x, y=up, xanchor="left", yanchor="top", **veil
    )
    _note(
        fig, geo, "▼ hostility", c.hostility, x=x, y=down, xanchor="left", yanchor="bottom", **veil
    )
    if quoted and not geo.style.presentation:
        text = escape(f"Italics quote the article's author, {chrome.author}")
        _note(fig, geo, text, c.muted, x=1, y=1, xanchor="right", yanchor="bottom")
    if chrome.count == 0:
        text = "No events match these filters"
        _note(fig, geo, text, c.muted, x=0.5, y=geo.lanes_top / 2, xanchor="center")
    elif chrome.shown < chrome.count:
        text = (
            f"{chrome.count:,} events: shaded strips show how many fall in each stretch of time; "
            f"markers show the {chrome.shown:,} most important"
        )
        _note(fig, geo, text, c.muted, x=1, y=geo.lanes_top, xanchor="right", yanchor="bottom")


def _slide(fig: Draft, geo: Geometry, text: SlideText) -> None:
    s, c, f = geo.sizes, geo.colors, geo.fonts
    pad = f.base * s.slide_pad
    # Annotations rather than layout.title: Plotly centres a multi-line title on its anchor,
    # which would push a wrapped title off the top of the slide.
    top_px = geo.margin["t"] - pad  # from the plot's top edge up to the slide's text block
    for name, lines, size, color, bold in (
        ("title", text.title, f.title, c.ink, True),
        ("subtitle", text.subtitle, f.subtitle, c.muted, False),
    ):
        shown = [f"<b>{line}</b>" if bold else line for line in map(escape, lines)]
        _block(fig, geo, shown, name=name, y=1 + geo.px_to_paper(top_px), font=(size, color))
        top_px -= len(lines) * size * s.line_height
    below_ticks = s.tick_len_px + f.base * s.line_height + f.base * s.slide_gap
    small = (f.small, c.muted)
    keys = [escape(line) for line in text.key]
    _block(fig, geo, keys, name="key", y=-geo.px_to_paper(below_ticks), font=small)
    footer = [escape(line) for line in text.footer]
    y = (pad - geo.margin["b"]) / geo.plot_h
    _block(fig, geo, footer, name="footer", y=y, yanchor="bottom", font=small)


def _block(fig: Draft, geo: Geometry, lines: list[str], **place) -> None:
    """Lines of (escaped) slide text from the slide's left edge: ``name``, ``y`` in paper
    coordinates, ``font`` as (size, colour), and ``yanchor`` (top unless said)."""
    if not lines:
        return
    size, color = place["font"]
    pad = geo.fonts.base * geo.sizes.slide_pad
    fig.add_annotation(
        x=(pad - geo.margin["l"]) / geo.plot_w,
        y=place["y"],
        xref="paper",
        yref="paper",
        xanchor="left",
        yanchor=place.get("yanchor", "top"),
        showarrow=False,
        align="left",
        text="<br>".join(lines),
        font={"size": size, "color": color},
        name=place["name"],
    )
