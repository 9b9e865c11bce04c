"""Story mode in the app: a story's steps played on the chart, one shareable address per step.

The address carries the story (``?story=<slug>&step=<n>``, 1-based), so a step can be shared and
Back/Forward move between steps: the buttons and keys only change the address (``navigate``),
and ``sync_url`` (wrapping ``callbacks.sync_url``) turns the address into the step's view and
the ``ids.STORY`` store (``{"slug", "step", "playing"}``). Changing a filter while a story plays
leaves the story, keeping its place so it can be resumed.

Like ``callbacks``, each concern is a plain function returning a dict keyed like its outputs.
"""

from __future__ import annotations

import logging
from urllib.parse import parse_qs, urlencode

from dash import Input, Output, State, dcc, html, no_update

from timeline import callbacks as cb
from timeline import ids
from timeline.data import Dataset
from timeline.deck import DECK_FORMATS, build_deck
from timeline.export import ExportEngine, ExportError
from timeline.filters import ViewState, filter_to_query
from timeline.panels import author_quote
from timeline.stories import Story

log = logging.getLogger(__name__)

# Keys that move through a story (clientside.js sends them; Esc leaves the story).
KEY_MOVES = {"ArrowLeft": -1, "ArrowRight": 1}


def story_query(slug: str, step: int) -> str:
    return "?" + urlencode([("story", slug), ("step", step)])


def story_in_query(search) -> tuple[str, str] | None:
    """The story slug and step text an address names, or None when it names no story."""
    params = parse_qs((search if isinstance(search, str) else "").lstrip("?")[:10_000])
    slug = (params.get("story") or [""])[0].strip()
    return (slug, (params.get("step") or ["1"])[0].strip()) if slug else None


def step_state(dataset: Dataset, step) -> ViewState:
    """The view a step shows: its filter, its focus events pinned, the first one selected."""
    focus = tuple(e for e in step.focus if e in dataset.event_ids)
    return ViewState(step.filter, event=focus[0] if focus else "", pins=focus, callouts="pinned")


def _same_view(dataset: Dataset, controls: dict, state: ViewState) -> bool:
    """Whether the controls show ``state`` (as the controls can show it: whole years)."""
    shown = cb.controls_to_state(dataset, **controls)
    wanted = cb.controls_to_state(dataset, **cb.state_to_controls(dataset, state))
    keys = ("filter", "pins", "callouts", "zoom", "no_themes")
    return all(getattr(shown, k) == getattr(wanted, k) for k in keys)


def story_place(stories: dict[str, Story], story) -> tuple[Story, int] | None:
    """The story and step number (1-based) the ``ids.STORY`` store names, if both exist."""
    slug = story.get("slug") if isinstance(story, dict) else None
    # The store comes back from the browser: any JSON value may stand where the slug was.
    current = stories.get(slug) if isinstance(slug, str) else None
    number = story.get("step") if current else None
    if not current or not isinstance(number, int) or not 1 <= number <= len(current.steps):
        return None
    return current, number


def playing(story) -> bool:
    return isinstance(story, dict) and bool(story.get("playing"))


def sync_url(
    dataset: Dataset, stories: dict[str, Story], trigger, *, search, controls: dict, story
) -> dict:
    """``callbacks.sync_url`` that also reads and keeps a story's address (outputs: its own and
    ``story``)."""
    named = story_in_query(search) if trigger in (None, ids.URL) else None
    if named:
        return open_step(dataset, stories, named[0], step_text=named[1], story=story)
    if playing(story) and trigger not in (None, ids.URL, ids.RESET):
        place = story_place(stories, story)
        step_view = place and step_state(dataset, place[0].steps[place[1] - 1])
        if step_view and _same_view(dataset, controls, step_view):
            return {}  # the step's own view arriving: the address stays the story's
        # The presenter explored: the story is left, its place kept for Resume.
        out = cb.sync_url(dataset, trigger, search, controls)
        return {**out, "story": {**story, "playing": False}}
    out = cb.sync_url(dataset, trigger, search, controls)
    if playing(story):
        out["story"] = {**story, "playing": False}
    return out


def open_step(dataset: Dataset, stories: dict[str, Story], slug: str, *, step_text: str, story):
    """The controls, notes and story state for ``?story=<slug>&step=<step_text>``."""
    found = stories.get(slug)
    if found is None:
        known = ", ".join(stories) or "none"
        note = f"No story {slug[:60]!r} in this dataset (stories: {known})."
        left = {**story, "playing": False} if playing(story) else no_update
        return {"notes": [html.P(note, className="note")], "pending": False, "story": left}
    count = len(found.steps)
    notes = []
    try:
        number = int(step_text)
    except ValueError:
        number = 0
    if not 1 <= number <= count:
        shown = min(max(number, 1), count)
        notes.append(
            f"Story {found.title!r} has steps 1 to {count}, not {step_text[:20]!r}: "
            f"showing step {shown}."
        )
        number = shown
    state = step_state(dataset, found.steps[number - 1])
    return {
        **cb.state_to_controls(dataset, state),
        # The address names the step shown (a step out of range becomes the one shown).
        "search": story_query(slug, number) if notes else no_update,
        "notes": [html.P(n, className="note") for n in notes],
        "pending": True,
        "story": {"slug": slug, "step": number, "playing": True},
    }


def navigate(dataset: Dataset, stories: dict[str, Story], trigger, *, key, story, chosen) -> object:
    """The address a story button or key leads to, or no_update."""
    if trigger == ids.STORY_PLAY:
        return story_query(chosen, 1) if chosen in stories else no_update
    place = story_place(stories, story)
    if place is None:
        return no_update
    current, number = place
    count = len(current.steps)
    if trigger == ids.STORY_RESUME:
        return story_query(current.slug, number)
    if not playing(story):
        return no_update
    move = {ids.STORY_PREV: "ArrowLeft", ids.STORY_NEXT: "ArrowRight", ids.STORY_LEAVE: "Escape"}
    pressed = move.get(trigger) or (key.get("key") if isinstance(key, dict) else None)
    if pressed == "Escape":
        return filter_to_query(step_state(dataset, current.steps[number - 1]))
    target = {"Home": 1, "End": count}.get(pressed, number + KEY_MOVES.get(pressed, 0))
    target = min(max(target, 1), count)
    return story_query(current.slug, target) if target != number else no_update


def panel_outputs() -> dict:
    return {
        "hidden": Output(ids.STORY_PANEL, "hidden"),
        "counter": Output(ids.STORY_COUNTER, "children"),
        "headline": Output(ids.STORY_HEADLINE, "children"),
        "text": Output(ids.STORY_TEXT, "children"),
        "quotes": Output(ids.STORY_QUOTES, "children"),
        "prev_disabled": Output(ids.STORY_PREV, "disabled"),
        "next_disabled": Output(ids.STORY_NEXT, "disabled"),
        "resume_hidden": Output(ids.STORY_RESUME, "hidden"),
        "resume_label": Output(ids.STORY_RESUME, "children"),
    }


def render_story(dataset: Dataset, stories: dict[str, Story], story) -> dict:
    """The story panel for ``story``: hidden unless a story plays; Resume once one was left."""
    place = story_place(stories, story)
    if place is None:
        return {"hidden": True, "resume_hidden": True}
    current, number = place
    if not playing(story):
        label = f"Resume “{current.title}” at step {number}"
        return {"hidden": True, "resume_hidden": False, "resume_label": label}
    step = current.steps[number - 1]
    return {
        "hidden": False,
        "counter": [
            f"{current.title} · ",
            html.Span(f"Step {number} of {len(current.steps)}", className="story-number"),
        ],
        "headline": step.title,
        "text": step.text,
        "quotes": focus_quotes(dataset, step.focus),
        "prev_disabled": number == 1,
        "next_disabled": number == len(current.steps),
        "resume_hidden": True,
    }


def focus_quotes(dataset: Dataset, focus) -> list:
    """Each focus event's title and the author's words on it (its callout, else its
    commentary), verbatim and attributed."""
    by_id = dataset.events.set_index("id", drop=False)
    children = []
    for event_id in focus:
        if event_id not in by_id.index:
            continue
        row = by_id.loc[event_id]
        words = _author_words(row)
        if words:
            quote = [html.H3(row["title"]), author_quote(dataset, words)]
            children.append(html.Div(className="story-quote", children=quote))
    return children


def _author_words(row) -> str:
    for column in ("callout", "commentary"):
        value = row.get(column)
        if isinstance(value, str) and value.strip():
            return value.strip()
    return ""


def deck_outputs() -> dict:
    return {
        "download": Output(ids.DOWNLOAD, "data", allow_duplicate=True),
        "status": Output(ids.STORY_DECK_STATUS, "children"),
    }


def deck_inputs() -> dict:
    return {
        "clicks": Input(ids.STORY_DECK_BUTTON, "n_clicks"),
        "fmt": State(ids.STORY_DECK_FORMAT, "value"),
        "story": State(ids.STORY, "data"),
    }


def download_deck(
    dataset: Dataset, engine: ExportEngine, *, stories: dict[str, Story], story, fmt, progress=None
) -> dict:
    """The deck of the story being played, as PPTX or PDF, and a status line.

    ``progress(done, total)`` hears of each chart drawn (``build_deck``)."""
    place = story_place(stories, story)
    if place is None:
        return {"status": html.P("Play a story to download its deck.", className="error")}
    current = place[0]
    fmt = fmt if fmt in DECK_FORMATS else DECK_FORMATS[0]
    try:
        data = build_deck(dataset, current, fmt=fmt, engine=engine, progress=progress)
    except ExportError as exc:
        return {"status": html.P(str(exc), className="error")}
    except Exception:
        log.exception("deck export failed")
        message = "The deck failed unexpectedly; see the server log."
        return {"status": html.P(message, className="error")}
    name = f"{current.slug}.{fmt}"
    status = html.P(f"Saved {name} ({len(data) / 1024:,.0f} KB, {len(current.steps)} steps)")
    return {"download": dcc.send_bytes(data, name), "status": status}
