"""What goes on which slide: a title slide, a slide per step (headline, the chart's box, the
author's words on the focus events, notes with the narration and every source) and closing
"Sources" slides. Plain models, laid out before any chart is drawn; PPTX and PDF share them.
"""

from __future__ import annotations

from dataclasses import replace

import pandas as pd

from timeline.data import Dataset
from timeline.data.sources import cite
from timeline.dates import describe_span
from timeline.deck.layout import MIN_PT, Box, Para, SlideModel, TextBox, fit_paras, paginate
from timeline.filters import describe_filter
from timeline.stories import Step, Story

HEADLINE = Box(0.45, 0.3, 12.43, 0.95)
# The chart is as wide as its one-line key needs at 12 pt with the lane names beside it; the
# author's words take the rest of the width.
CHART = Box(0.3, 1.3, 9.9, 9.9 * 9 / 16)
SIDE = Box(10.45, 1.35, 2.6, 5.8)
FOOTER = Box(0.45, 6.95, 9.0, 0.35)
BODY = Box(0.45, 1.35, 12.43, 5.8)
SOURCES_LEFT = Box(0.45, 1.35, 6.0, 5.8)
SOURCES_RIGHT = Box(6.88, 1.35, 6.0, 5.8)
SIDE_SIZES = (20, 18, 17, 16, 15, 14, 13, MIN_PT)


def _headline(text: str, box: Box = HEADLINE) -> TextBox:
    fitted = fit_paras(lambda s: [Para(text, s, bold=True)], box, (32, 28, 24, 20, 16))
    # A headline is at most 80 characters: at 16 pt it fits the box on two lines.
    return fitted or TextBox(box, (Para(text, 16, bold=True),))


def _focus_rows(dataset: Dataset, step: Step) -> list[pd.Series]:
    by_id = dataset.events.set_index("id", drop=False)
    return [by_id.loc[event_id] for event_id in step.focus if event_id in by_id.index]


def quote_of(row: pd.Series) -> str:
    """The author's words on an event: its ``callout`` when the dataset has one, else all of
    its commentary (verbatim; passages are joined by the data's own `` … ``)."""
    callout = row.get("callout")
    if isinstance(callout, str) and callout.strip():
        return callout.strip()
    commentary = row.get("commentary")
    return commentary.strip() if isinstance(commentary, str) else ""


def _quoted(quote: str) -> str:
    """The quote in quotation marks, unless it opens or closes with its own (“frenemy”):
    the words stay verbatim, and italics with the attribution still mark them as quoted."""
    if quote[:1] in '“"‘' or quote[-1:] in '”"’':
        return quote
    return f"“{quote}”"


def when(row: pd.Series) -> str:
    return describe_span(row["start_text"], row["end_text"])


def _side_paras(dataset: Dataset, rows: list[pd.Series], size: float) -> list[Para]:
    small = max(MIN_PT, round(size * 0.85))
    author = dataset.info.author_short or "the article's author"
    paras: list[Para] = []
    for row in rows:
        gap = size * 0.9 if paras else 0
        paras.append(Para(f"{when(row)} · {row['title']}", size, bold=True, space_before=gap))
        quote = quote_of(row)
        if quote:
            paras.append(Para(_quoted(quote), size, italic=True, space_before=size * 0.3))
            paras.append(Para(f"— {author}", small, muted=True, space_before=size * 0.15))
    if any(quote_of(row) for row in rows) and dataset.info.attribution:
        paras.append(
            Para(f"Quotes: {dataset.info.attribution}", small, muted=True, space_before=size)
        )
    return paras


def _step_slides(dataset: Dataset, story: Story, index: int) -> list[SlideModel]:
    """The slide of step ``index`` (0-based), and continuation slides if its quotes need them.

    The chart keeps its box whatever the words beside it: a smaller picture would need its
    text scaled up further to stay at the floor, and its callouts would no longer fit.
    """
    step = story.steps[index]
    rows = _focus_rows(dataset, step)
    notes = _notes(step, rows)
    footer = TextBox(
        FOOTER,
        (Para(f"{index + 1} / {len(story.steps)} · {story.title}", MIN_PT, muted=True),),
    )
    alt = f"Timeline chart: {step.title} ({describe_filter(dataset, step.filter)})"
    slide = SlideModel([_headline(step.title), footer], index, CHART, alt, notes)
    build = lambda s: _side_paras(dataset, rows, s)  # noqa: E731
    side = fit_paras(build, SIDE, SIDE_SIZES)
    if side is not None:
        slide.texts.append(side)
        return [slide]
    # Too many words for one slide even at 12 pt: they go on slides of their own, whole.
    pages = paginate([[p] for p in build(MIN_PT)], SIDE)
    slide.texts.append(pages[0])
    rest = [[p] for page in pages[1:] for p in page.paras]
    more = [
        SlideModel([_headline(f"{step.title} (continued)"), page]) for page in paginate(rest, BODY)
    ]
    for extra in more:
        extra.notes = notes
    return [slide, *more]


def _notes(step: Step, rows: list[pd.Series]) -> str:
    """Speaker notes: the narration, then every source of the events the slide names."""
    lines = [step.text or step.title, "", "Sources:"]
    for row in rows:
        lines.append(f"{row['title']} ({when(row)})")
        citation = cite(row["source"], row["url"])
        for source in citation.sources:
            lines.append(f"  – {source.text}")
            lines += [f"    {source.link}"] if source.link else []
        lines += [f"    {citation.page}"] if citation.page else []
    return "\n".join(lines)


def _title_slide(dataset: Dataset, story: Story) -> SlideModel:
    info = dataset.info
    paras = [Para(story.title, 40, bold=True)]
    if story.subtitle:
        paras.append(Para(story.subtitle, 24, space_before=18))
    paras.append(Para(f"{len(story.steps)} steps · data: {info.title}", 18, space_before=30))
    if info.attribution:
        paras.append(Para(f"Commentary: {info.attribution}", 16, muted=True, space_before=12))
    paras.append(
        Para(
            "Facts: the sources of each event are in the speaker notes and on the closing "
            "slides · made with Relations Timeline",
            16,
            muted=True,
            space_before=6,
        )
    )
    box = Box(0.9, 1.6, 11.5, 5.2)
    fitted = fit_paras(lambda s: [replace(p, size=p.size * s) for p in paras], box, (1, 0.8))
    return SlideModel([fitted or TextBox(box, tuple(paras))])


def _sources_slides(dataset: Dataset, story: Story) -> list[SlideModel]:
    """Every source used in the deck, event by event, over as many slides as it takes."""
    seen: dict[str, pd.Series] = {}
    for step in story.steps:
        for row in _focus_rows(dataset, step):
            seen.setdefault(row["id"], row)
    blocks: list[list[Para]] = []
    if dataset.info.attribution:
        blocks.append([Para(f"Commentary: {dataset.info.attribution}", MIN_PT, space_before=8)])
    for row in seen.values():
        block = [Para(f"{when(row)} · {row['title']}", MIN_PT, bold=True, space_before=8)]
        citation = cite(row["source"], row["url"])
        for source in citation.sources:
            block.append(Para(f"– {source.text}", MIN_PT))
            if source.link:
                block.append(Para(source.link, MIN_PT, muted=True, link=source.link))
        if citation.page:
            block.append(Para(citation.page, MIN_PT, muted=True, link=citation.page))
        blocks.append(block)
    # Two columns: most lines are short, so a page holds nearly twice as many.
    columns = paginate(blocks, SOURCES_LEFT)
    right = [TextBox(SOURCES_RIGHT, c.paras) for c in columns[1::2]]
    pairs = [[left, *right[i : i + 1]] for i, left in enumerate(columns[0::2])]
    return [
        SlideModel(
            [_headline("Sources" if len(pairs) == 1 else f"Sources ({i}/{len(pairs)})"), *pair]
        )
        for i, pair in enumerate(pairs, start=1)
    ]


def plan_deck(dataset: Dataset, story: Story) -> list[SlideModel]:
    """Every slide of the deck, laid out, before any chart is drawn."""
    slides = [_title_slide(dataset, story)]
    for index in range(len(story.steps)):
        slides += _step_slides(dataset, story, index)
    return slides + _sources_slides(dataset, story)
