"""The deck's charts: each step's view drawn at a size and text scale that make its smallest
text at least ``MIN_PT`` where the picture sits on the slide, and rendered two at a time.

The chart sizes its slide fonts by its pixel area (``FigureStyle.fonts``): a 1920×1080 chart
has 24 px notes, 12 pt on a full 13.33-inch slide. Placed in a box 9.9 in wide beside the
author's words, those would shrink to 8.9 pt; ``text_scale`` puts them back at the floor.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import replace

import plotly.graph_objects as go

from timeline.chart import FigureStyle
from timeline.data import Dataset
from timeline.deck.layout import MIN_PT, Box
from timeline.export import ExportEngine, ImageSpec
from timeline.filters import describe_filter
from timeline.stories import Story
from timeline.views import build_view_figure

CHART_SCALE = 2  # 3840×2160 pixels for a 1920×1080 chart: crisp on a 4K projector
RENDER_THREADS = 2  # the engine's browser has two tabs


def chart_style(spec: ImageSpec, box: Box) -> FigureStyle:
    """The chart's style for a picture placed in ``box``: its text scaled up so that the
    smallest of it is at least ``MIN_PT`` on the slide (never scaled down)."""
    # A deck's charts sit on the slide's own background: never transparent.
    style = FigureStyle(width=spec.width, height=spec.height, presentation=True, theme=spec.style)
    placed = box.fitted((spec.width, spec.height))
    points = style.fonts.small * placed.w * 72 / spec.width  # the smallest text, unscaled
    # Rounded up, so that float error never lands it a hair under the floor.
    scale = max(1.0, math.ceil(MIN_PT / points * 1000) / 1000)
    # The chart's sizes follow its fonts (the swing strip's least height too), so the scale is
    # all it needs.
    return replace(style, text_scale=scale)


def step_figure(dataset: Dataset, story: Story, index: int, *, style: FigureStyle) -> go.Figure:
    """The chart of step ``index``: the step's view, its focus events called out."""
    step = story.steps[index]
    return build_view_figure(
        dataset,
        step.filter,
        style=style,
        pins=step.focus,
        callouts="pinned",
        # The slide's headline is editable text above the picture and its footer names the
        # story: the picture names the view, and leaves the rest of its height to the chart.
        title=describe_filter(dataset, step.filter),
        subtitle="",
    )


def chart_image(
    dataset: Dataset, story: Story, index: int, *, spec: ImageSpec, engine: ExportEngine, box: Box
) -> bytes:
    """The chart of step ``index`` as ``spec`` says, for a picture placed in ``box``: the one
    place a deck draws a chart."""
    figure = step_figure(dataset, story, index, style=chart_style(spec, box))
    return engine.render(figure, spec)


ProgressFn = Callable[[int, int], None]


class Renders:
    """Render jobs run two at a time (the browser's tabs) while the caller goes on working."""

    def __init__(self, progress: ProgressFn | None):
        self.pool = ThreadPoolExecutor(max_workers=RENDER_THREADS)
        self.futures: list = []
        self.progress = progress

    def submit(self, job: Callable[[], bytes]) -> None:
        self.futures.append(self.pool.submit(job))

    def results(self) -> list[bytes]:
        """Every job's bytes in the order submitted, reporting each as it finishes."""
        try:
            for done, future in enumerate(as_completed(self.futures), start=1):
                future.result()
                if self.progress:
                    self.progress(done, len(self.futures))
            return [future.result() for future in self.futures]
        finally:
            for future in self.futures:
                future.cancel()
            self.pool.shutdown(wait=True)
