"""Exported slides measured as a viewer sees them: SVGs drawn in Chromium, every text measured.

A slide a presenter puts up as it is: nothing cut with an ellipsis, nothing overlapping, nothing
outside the image, text legible at the back of a room (24 px on a 1920×1080 slide, callouts 28).
"""

import itertools
import math

import pytest

from timeline.chart import SLIDE_FONTS, FigureStyle, contrast
from timeline.chart.style import DARK, LIGHT, SLIDE_REFERENCE_PX
from timeline.export import PRESETS, ImageSpec
from timeline.filters import EventFilter
from timeline.views import build_view_figure, export_view

VIEWS = {
    "all": EventFilter(),
    "security-2001-2021": EventFilter(("security", "afghanistan"), "2001", "2021"),
    "china": EventFilter(("china",)),
    "search": EventFilter((), "", "", "Kashmir"),
}

MEASURE = r"""() => {
  const svg = document.querySelector('svg');
  const box = svg.getBoundingClientRect();
  const callout = g => {
    const bg = g.querySelector('rect.bg');
    if (!bg) return false;
    const style = getComputedStyle(bg);
    const stroke = style.stroke.replace(/\s/g, '');
    return parseFloat(style.strokeWidth) > 0 && stroke !== 'none' && !stroke.endsWith(',0)');
  };
  const out = [];
  for (const t of svg.querySelectorAll('text')) {
    const r = t.getBoundingClientRect();
    if (!t.textContent.trim() || r.width === 0 || r.height === 0) continue;
    const parts = [t, ...t.querySelectorAll('tspan')];
    const sizes = parts.map(e => parseFloat(getComputedStyle(e).fontSize));
    const g = t.closest('g.annotation');
    const bg = g && g.querySelector('rect.bg');
    const b = bg && bg.getBoundingClientRect();
    out.push({text: t.textContent, size: Math.min(...sizes), callout: !!g && callout(g),
              x: r.x - box.x, y: r.y - box.y, w: r.width, h: r.height,
              bg: b && b.width ? [b.x - box.x, b.y - box.y, b.width, b.height] : null});
  }
  return {width: box.width, height: box.height, texts: out};
}"""


def _measure(browser, svg: bytes) -> dict:
    page = browser.new_page()
    try:
        page.set_content(f"<html><body style='margin:0'>{svg.decode('utf-8')}</body></html>")
        return page.evaluate(MEASURE)
    finally:
        page.close()


def _floor(preset: str) -> float:
    w, h = PRESETS[preset]
    ref_w, ref_h = SLIDE_REFERENCE_PX
    return math.sqrt(w * h / (ref_w * ref_h))


@pytest.fixture(scope="module")
def slides(dataset, engine, browser):
    out = {}
    for preset in PRESETS:
        for name, flt in VIEWS.items():
            svg, _ = export_view(dataset, flt, ImageSpec.build("svg", preset=preset), engine)
            out[preset, name] = (svg, _measure(browser, svg))
    return out


@pytest.mark.parametrize("preset", list(PRESETS))
@pytest.mark.parametrize("view", list(VIEWS))
def test_slide_text_is_whole_legible_and_apart(slides, preset, view):
    _, m = slides[preset, view]
    texts = m["texts"]
    assert texts
    k = _floor(preset)
    for t in texts:
        assert "…" not in t["text"] and "..." not in t["text"], t["text"]
        assert "&quot;" not in t["text"] and "&amp;" not in t["text"], t["text"]
        assert t["size"] >= SLIDE_FONTS.small * k - 0.5, (t["text"], t["size"])
        if t["callout"]:
            assert t["size"] >= SLIDE_FONTS.callout * k - 0.5, (t["text"], t["size"])
        # Inside the image, and inside its own box where it has one.
        assert t["x"] >= -0.5 and t["y"] >= -0.5, t
        assert t["x"] + t["w"] <= m["width"] + 0.5 and t["y"] + t["h"] <= m["height"] + 0.5, t
        if t["bg"]:
            bx, by, bw, bh = t["bg"]
            assert bx - 1 <= t["x"] and t["x"] + t["w"] <= bx + bw + 1, t
            assert by - 1 <= t["y"] and t["y"] + t["h"] <= by + bh + 1, t
    for a, b in itertools.combinations(texts, 2):
        overlap_w = min(a["x"] + a["w"], b["x"] + b["w"]) - max(a["x"], b["x"])
        overlap_h = min(a["y"] + a["h"], b["y"] + b["h"]) - max(a["y"], b["y"])
        assert overlap_w <= 1 or overlap_h <= 1, (a["text"], b["text"])


def test_slide_of_16x9_meets_the_projection_floor(slides):
    _, m = slides["slide-16x9", "all"]
    sizes = [t["size"] for t in m["texts"]]
    assert min(sizes) >= 24
    assert min(t["size"] for t in m["texts"] if t["callout"]) >= 28


def test_quotes_and_ampersands_show_as_typed(dataset, engine, browser):
    events = dataset.events.copy()
    i = events.index[events["id"] == "2011-salala-incident"][0]
    events.loc[i, ["title", "label"]] = 'The "Salala" strike & after'
    from dataclasses import replace

    edited = replace(dataset, events=events)
    svg, _ = export_view(
        edited,
        EventFilter(),
        ImageSpec.build("svg"),
        engine,
        pins=("2011-salala-incident",),
        callouts="pinned",
    )
    shown = " ".join(t["text"] for t in _measure(browser, svg)["texts"])
    assert 'The "Salala" strike & after' in shown
    assert "&quot;" not in shown and "&amp;" not in shown


@pytest.mark.parametrize("theme,colors", [("light", LIGHT), ("dark", DARK)])
def test_slide_text_contrasts_with_its_background(dataset, theme, colors):
    style = FigureStyle(width=1920, height=1080, presentation=True, theme=theme)
    fig = build_view_figure(dataset, EventFilter(), style=style)
    bg = colors.background
    assert fig.layout.paper_bgcolor == bg
    for color in (colors.ink, colors.muted, colors.cooperation, colors.hostility):
        assert contrast(color, bg) >= 4.5, color
    import re

    for label in fig.layout.yaxis.ticktext:
        color = re.search(r"color:(#[0-9a-f]{6})", label).group(1)
        assert contrast(color, bg) >= 4.5, label


def test_a_transparent_dark_slide_keeps_light_text(dataset):
    style = FigureStyle(1920, 1080, presentation=True, transparent=True, theme="dark")
    fig = build_view_figure(dataset, EventFilter(), style=style)
    assert fig.layout.paper_bgcolor == "rgba(0,0,0,0)"
    assert fig.layout.font.color == DARK.ink
    title = next(a for a in fig.layout.annotations if a.name == "title")
    assert title.font.color == DARK.ink
