"""The side panels of the page: the export controls and the selected event's detail.

Like ``layout``, these build components from what they are given and do no data work.
"""

from __future__ import annotations

import re

import pandas as pd
from dash import dcc, html

from timeline import ids
from timeline.cameo import describe
from timeline.chart import STYLES
from timeline.data import Dataset
from timeline.data.sources import cite
from timeline.dates import describe_date, describe_span
from timeline.export import FORMATS, PRESETS
from timeline.views import View

# The buttons' own words, which show an export's progress while it runs (timeline.jobs).
EXPORT_LABEL = "Export image"
DECK_LABEL = "Download deck"


def export_panel(first: View) -> html.Section:
    """Format, size, slide style, title and subtitle of an export, and the buttons."""
    return html.Section(
        className="export",
        children=[
            html.H2("Export"),
            html.Div("Format", className="field-label"),
            dcc.RadioItems(
                id=ids.EXPORT_FORMAT,
                value="png",
                className="formats",
                inline=True,
                options=[{"label": f.upper(), "value": f} for f in FORMATS],
            ),
            *_size_fields(),
            *_slide_fields(first),
            html.Div(
                className="export-buttons",
                children=[
                    html.Button(EXPORT_LABEL, id=ids.EXPORT_BUTTON, className="button", n_clicks=0),
                    _cancel_button(ids.EXPORT_CANCEL, "Stop this export"),
                    # A plain link: the server streams the file (timeline.downloads).
                    html.A(
                        "Download CSV",
                        id=ids.EXPORT_CSV,
                        href=first.csv_href,
                        className="button secondary",
                    ),
                ],
            ),
            html.P(f"File: {first.file_name}", id=ids.EXPORT_NAME, className="hint export-name"),
            dcc.Loading(
                html.Div(id=ids.EXPORT_STATUS, className="export-status", role="status"), type="dot"
            ),
        ],
    )


def _cancel_button(component_id: str, title: str) -> html.Button:
    """Shown only while its export runs (Dash's ``running`` shows and hides it)."""
    return html.Button(
        "Cancel",
        id=component_id,
        className="button secondary",
        n_clicks=0,
        hidden=True,
        title=title,
    )


def _size_fields() -> list:
    preset_options = [
        {"label": f"{name} ({w}×{h})", "value": name} for name, (w, h) in PRESETS.items()
    ] + [{"label": "custom size", "value": "custom"}]

    def pixels(label: str, component_id: str, value: int) -> html.Label:
        field = dcc.Input(
            id=component_id, type="number", min=200, max=8000, value=value, placeholder=label
        )
        return html.Label([f"{label[0].upper()} ", field])

    return [
        html.Label("Size", htmlFor=ids.EXPORT_PRESET, className="field-label"),
        dcc.Dropdown(
            id=ids.EXPORT_PRESET,
            options=preset_options,
            value="slide-16x9",
            clearable=False,
            searchable=False,
        ),
        html.Div(
            className="custom-size",
            children=[
                pixels("width", ids.EXPORT_WIDTH, 1920),
                pixels("height", ids.EXPORT_HEIGHT, 1080),
            ],
        ),
        dcc.Checklist(
            id=ids.EXPORT_BACKGROUND,
            options=[{"label": " Transparent background", "value": "transparent"}],
            value=[],
            className="background",
        ),
        html.Label("PNG scale", htmlFor=ids.EXPORT_SCALE, className="field-label"),
        dcc.Slider(
            id=ids.EXPORT_SCALE,
            min=1,
            max=4,
            step=1,
            value=1,
            marks={i: f"{i}×" for i in range(1, 5)},
        ),
    ]


def _slide_fields(first: View) -> list:
    """The slide's colours and words; the placeholders show what is used when left empty."""
    return [
        html.Div("Slide", className="field-label"),
        dcc.RadioItems(
            id=ids.EXPORT_STYLE,
            value="light",
            inline=True,
            className="styles",
            options=[{"label": f"{s} ", "value": s} for s in STYLES],
        ),
        *_text_field("Title", ids.EXPORT_TITLE, first.title),
        *_text_field("Subtitle", ids.EXPORT_SUBTITLE, first.description),
    ]


def _text_field(label: str, component_id: str, placeholder: str) -> list:
    field = dcc.Input(
        id=component_id,
        type="text",
        value="",
        maxLength=300,
        placeholder=placeholder,
        className="search",
    )
    return [html.Label(label, htmlFor=component_id, className="field-label"), field]


def detail_placeholder() -> list:
    return [
        html.H2("Event"),
        html.P(
            "Choose an event on the chart or in the list to read what happened, what the "
            "author says about it, and where the facts come from.",
            className="hint",
        ),
    ]


def detail_panel(dataset: Dataset, event_id: str, pins=()) -> list:
    """What happened, what the author says, what the paper says, the sources, buttons to copy
    the author's words or the citation, and a button to pin (or unpin) the event's callout."""
    match = dataset.events[dataset.events["id"] == event_id]
    if match.empty:
        return detail_placeholder()
    ev = match.iloc[0]
    when = describe_span(ev["start_text"], ev["end_text"], ev["date_note"])
    labels = [dataset.theme_label(t) for t in ev["themes"]]
    children = [
        html.Div(
            className="detail-bar",
            children=[
                html.P(when, className="when"),
                html.Button(
                    "Close",
                    id=ids.DETAIL_CLOSE,
                    className="button secondary detail-close",
                    n_clicks=0,
                    title="Close the event's details (Esc)",
                ),
            ],
        ),
        html.H2(ev["title"], className="event-title"),
        html.P(", ".join(labels), className="event-themes") if labels else None,
        _pin_button(event_id in pins),
        html.H3("What happened"),
        *paragraphs(ev["summary"]),
    ]
    if pd.notna(ev["tone"]):
        children.append(html.P(_tone_text(ev), className="tone-note"))
    children += _quotes(dataset, ev)
    children += _sources(ev["source"], ev["url"])
    return children


def _pin_button(pinned: bool) -> html.Button:
    return html.Button(
        "Unpin" if pinned else "Pin as callout",
        id=ids.PIN_BUTTON,
        className="button secondary pin",
        n_clicks=0,
        title="Remove this event's callout from the chart and exports"
        if pinned
        else "Show this event's callout on the chart and in exports",
    )


def copy_button(label: str, text: str, done: str) -> html.Div:
    """A button that copies ``text`` (assets/controls.js) and says ``done`` when it has."""
    return html.Div(
        className="copy-bar",
        children=[
            html.Button(
                label,
                className="button secondary copy-button",
                n_clicks=0,
                **{"data-copy": text, "data-done": done},
            ),
            html.Span(className="copy-status", role="status"),
        ],
    )


def _sources(text: str, url: str) -> list:
    """Each source of the row as its own item, with its own link where it has one."""
    citation = cite(text, url)
    items = [
        html.Li([source.text, " ", link(_address(source.link), source.link)])
        if source.link
        else html.Li(source.text)
        for source in citation.sources
    ]
    if citation.page:
        # One link for several sources: the page the row was checked against.
        link_item = ["Online: ", link(_address(citation.page), citation.page)]
        items.append(html.Li(link_item, className="source-link"))
    heading = "Sources" if len(citation.sources) > 1 else "Source"
    lines = [f"{s.text} {s.link}" if s.link else s.text for s in citation.sources]
    lines += [citation.page] if citation.page else []
    return [
        html.H3(heading),
        html.Ul(items, className="sources"),
        copy_button("Copy citation", "\n".join(lines), "Citation copied"),
    ]


def _address(url: str) -> str:
    """A link's address as a reader would name it: 'pbs.org/wgbh/pages/…'."""
    bare = url.split("://", 1)[-1].removeprefix("www.")
    return bare if len(bare) <= 48 else bare[:47] + "…"


def _tone_text(ev: pd.Series) -> str:
    """The tone, the CAMEO event code it comes from, and why it differs from that code's value."""
    tone = "0" if ev["tone"] == 0 else f"{ev['tone']:+g}".replace("-", "−")
    text = f"Tone {tone} on the −10 (hostility) to +10 (cooperation) scale"
    code = describe(str(ev.get("cameo") or ""))
    text += f", coded as {code}." if code else "."
    note = " ".join(str(ev.get("tone_note") or "").split()).rstrip(".")
    return f"{text} Note: {note[:1].upper()}{note[1:]}." if note else text


def _quotes(dataset: Dataset, ev: pd.Series) -> list:
    children = []
    if ev["commentary"]:
        children += [html.H3("What the author says"), author_quote(dataset, ev["commentary"])]
    if ev["cited"]:
        children += [
            html.H3("Quoted in the article"),
            html.Blockquote(
                className="quote cited",
                children=[
                    html.P(ev["cited"]),
                    html.Footer(["— ", ev["cited_from"], ", as quoted in the article"]),
                ],
            ),
        ]
    return children


def author_quote(dataset: Dataset, words: str) -> html.Blockquote:
    """The article author's ``words``, verbatim, with who wrote them and where, and a button
    that copies them with that attribution."""
    source = dataset.info.source
    author = source.get("author", "The article's author")
    title = source.get("title", "the article")
    published = (
        f" ({source.get('publisher', '')}, {source.get('date', '')})"
        if source.get("publisher")
        else ""
    )
    footer = ["— ", author, ", ", html.Cite(title), published]
    return html.Blockquote(
        className="quote author",
        children=[
            html.P(words),
            html.Footer(footer),
            copy_button("Copy quote", quote_text(dataset, words), "Quote copied"),
        ],
    )


def quote_text(dataset: Dataset, words: str) -> str:
    """The author's ``words`` as one pastes them: verbatim, then author, article, publisher
    and date."""
    source = dataset.info.source
    date = str(source.get("date") or "")
    said = describe_date(date) if _ISO_DATE.fullmatch(date) else date
    parts = [source.get("author"), f"‘{source['title']}’" if source.get("title") else None]
    parts += [source.get("publisher"), said or None]
    by = ", ".join(str(p) for p in parts if p)
    return f"“{words}” — {by}" if by else f"“{words}”"


_ISO_DATE = re.compile(r"[0-9]{4}(-[0-9]{2}){0,2}")


# An http(s) URL in plain text (a TimelineJS link's URL is kept after its words).
_WEB_URL = re.compile(r"(https?://[^\s<>\"'`]+)")


def paragraphs(text: str) -> list:
    """A text's paragraphs (separated by a blank line) as P elements, its http(s) URLs as links.

    Only text goes in: a URL becomes a link through ``link``, which takes http(s) only.
    """
    children = []
    for paragraph in text.split("\n\n"):
        parts = []
        for i, piece in enumerate(_WEB_URL.split(paragraph)):
            if i % 2 == 0:
                parts.append(piece)
                continue
            url, rest = _trim_url(piece)
            parts += [link(url, url), rest]
        if paragraph.strip():
            children.append(html.P([p for p in parts if p]))
    return children or [html.P("—")]


def _trim_url(url: str) -> tuple[str, str]:
    """A URL without the punctuation that ends its sentence (or a bracket it sits in)."""
    end = len(url)
    while end and (
        url[end - 1] in ".,;:!?'\""
        or (url[end - 1] == ")" and url[:end].count(")") > url[:end].count("("))
    ):
        end -= 1
    return url[:end], url[end:]


def link(text: str, url: str):
    """A link that opens in a new tab; plain text unless ``url`` is http(s)."""
    if not url.startswith(("http://", "https://")):
        return html.Span(text)
    return html.A(text, href=url, target="_blank", rel="noopener noreferrer")


def stories_control(stories) -> html.Section:
    """The dataset's stories to play, and Resume for one that was left."""
    if not stories:
        body = [html.P("This dataset has no stories.", className="hint")]
    else:
        body = [
            html.Label("Story", htmlFor=ids.STORY_SELECT, className="field-label"),
            dcc.Dropdown(
                id=ids.STORY_SELECT,
                options=[{"label": s.title, "value": s.slug} for s in stories],
                value=stories[0].slug,
                clearable=False,
                searchable=False,
            ),
            html.Button("Play story", id=ids.STORY_PLAY, className="button", n_clicks=0),
        ]
    resume = html.Button(id=ids.STORY_RESUME, className="button secondary", hidden=True, n_clicks=0)
    return html.Section(className="stories", children=[html.H2("Stories"), *body, resume])


def story_panel() -> html.Section:
    """A story's step: counter, headline, narration, the author's words on its focus events,
    the buttons that move through it and the deck download. Filled by storymode.render_story."""
    return html.Section(
        id=ids.STORY_PANEL,
        className="story",
        hidden=True,
        **{"aria-label": "Story"},
        children=[
            html.Div(
                className="story-step",
                **{"aria-live": "polite"},
                children=[
                    html.P(id=ids.STORY_COUNTER, className="story-counter"),
                    html.H2(id=ids.STORY_HEADLINE, className="story-headline"),
                    html.P(id=ids.STORY_TEXT, className="story-text"),
                    html.Div(id=ids.STORY_QUOTES, className="story-quotes"),
                ],
            ),
            _story_bar(),
        ],
    )


def _story_bar() -> html.Div:
    """Previous, Next and Leave, and the deck download."""
    return html.Div(
        className="story-bar",
        children=[
            html.Div(
                className="story-nav",
                children=[
                    html.Button(
                        "← Previous",
                        id=ids.STORY_PREV,
                        className="button",
                        n_clicks=0,
                        **{"aria-label": "Previous step"},
                    ),
                    html.Button(
                        "Next →",
                        id=ids.STORY_NEXT,
                        className="button",
                        n_clicks=0,
                        **{"aria-label": "Next step"},
                    ),
                    html.Button(
                        "Leave story",
                        id=ids.STORY_LEAVE,
                        className="button secondary",
                        n_clicks=0,
                        title="Leave the story and keep this view (Esc)",
                    ),
                    html.Span("Keys: ← → Home End, Esc leaves", className="hint story-keys"),
                ],
            ),
            html.Div(
                className="story-deck",
                children=[
                    html.Span("Deck", className="field-label story-deck-label"),
                    dcc.RadioItems(
                        id=ids.STORY_DECK_FORMAT,
                        options=[{"label": f.upper(), "value": f} for f in ("pptx", "pdf")],
                        value="pptx",
                        inline=True,
                        className="formats",
                    ),
                    html.Button(
                        DECK_LABEL,
                        id=ids.STORY_DECK_BUTTON,
                        className="button secondary",
                        n_clicks=0,
                    ),
                    _cancel_button(ids.STORY_DECK_CANCEL, "Stop making this deck"),
                    dcc.Loading(html.Div(id=ids.STORY_DECK_STATUS, role="status"), type="dot"),
                ],
            ),
        ],
    )
