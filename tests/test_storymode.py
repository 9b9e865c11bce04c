"""Story mode's callbacks called as plain functions: what each sends back for what it is given."""

import base64
import io
import zipfile

import pytest
from dash import no_update

from timeline import ids, storymode
from timeline.filters import filter_from_query
from timeline.probe import view_values
from timeline.stories import Story, load_stories

SLUG = "widening-gap"


@pytest.fixture(scope="module")
def stories(dataset):
    return {story.slug: story for story in load_stories(dataset)}


@pytest.fixture(scope="module")
def gap(stories):
    return stories[SLUG]


def _text(component) -> str:
    """Every string in a component tree, joined."""
    if isinstance(component, str):
        return component
    if isinstance(component, list | tuple):
        return "".join(_text(c) for c in component)
    children = getattr(component, "children", None)
    return _text(children) if children is not None else ""


def _playing(step):
    return {"slug": SLUG, "step": step, "playing": True}


def test_a_story_address_shows_the_steps_view(dataset, stories, gap):
    out = storymode.sync_url(
        dataset, stories, ids.URL, search=f"?story={SLUG}&step=2", controls={}, story={}
    )
    step = gap.steps[1]
    assert out["story"] == _playing(2)
    assert out["themes"] == list(step.themes)
    assert out["years"] == [int(step.date_from[:4]), int(step.date_to[:4])]
    assert out["pins"] == list(step.focus)
    assert out["callouts"] == "pinned"
    assert out["selected"] == step.focus[0]
    assert out["notes"] == []


@pytest.mark.parametrize(
    ("search", "note"),
    [("?story=nope&step=1", "No story 'nope'"), (f"?story={SLUG}&step=99", "showing step")],
)
def test_a_bad_story_address_gives_a_note(dataset, stories, search, note):
    out = storymode.sync_url(dataset, stories, ids.URL, search=search, controls={}, story={})
    assert note in _text(out["notes"])


def test_a_step_past_the_end_shows_the_last_step(dataset, stories, gap):
    out = storymode.sync_url(
        dataset, stories, ids.URL, search=f"?story={SLUG}&step=99", controls={}, story={}
    )
    assert out["story"] == _playing(len(gap.steps))
    assert out["search"] == f"?story={SLUG}&step={len(gap.steps)}"


def test_the_steps_own_view_arriving_keeps_the_story_address(dataset, stories, gap):
    opened = storymode.sync_url(
        dataset, stories, ids.URL, search=f"?story={SLUG}&step=3", controls={}, story={}
    )
    controls = {k: opened[k] for k in ("themes", "years", "selected", "pins", "callouts", "zoom")}
    controls["query"] = ""
    out = storymode.sync_url(
        dataset, stories, ids.THEMES, search="", controls=controls, story=_playing(3)
    )
    assert out == {}
    # Clicking another event keeps the story too.
    clicked = {**controls, "selected": gap.steps[0].focus[0]}
    assert (
        storymode.sync_url(
            dataset, stories, ids.SELECTED, search="", controls=clicked, story=_playing(3)
        )
        == {}
    )


def test_changing_a_filter_leaves_the_story_and_keeps_its_place(dataset, stories):
    controls = view_values(["security"], [1947, 2022])
    out = storymode.sync_url(
        dataset, stories, ids.THEMES, search="", controls=controls, story=_playing(3)
    )
    assert out["story"] == {"slug": SLUG, "step": 3, "playing": False}
    assert out["search"] == "?themes=security"


def test_next_previous_home_end_and_esc(dataset, stories, gap):
    def go(trigger, key=None, step=2):
        return storymode.navigate(
            dataset, stories, trigger, key=key, story=_playing(step), chosen=SLUG
        )

    last = len(gap.steps)
    assert go(ids.STORY_NEXT) == f"?story={SLUG}&step=3"
    assert go(ids.STORY_PREV) == f"?story={SLUG}&step=1"
    assert go(ids.STORY_KEY, {"key": "ArrowRight", "n": 1}) == f"?story={SLUG}&step=3"
    assert go(ids.STORY_KEY, {"key": "End", "n": 2}) == f"?story={SLUG}&step={last}"
    assert go(ids.STORY_KEY, {"key": "Home", "n": 3}, step=5) == f"?story={SLUG}&step=1"
    assert go(ids.STORY_PREV, step=1) is no_update
    assert go(ids.STORY_NEXT, step=last) is no_update
    # Esc: the step's view as an ordinary address, with the focus events still pinned.
    left = filter_from_query(dataset, go(ids.STORY_KEY, {"key": "Escape", "n": 4}))
    assert left.pins == gap.steps[1].focus
    assert left.filter.themes == gap.steps[1].themes
    assert left.callouts == "pinned"


def test_play_and_resume(dataset, stories):
    play = storymode.navigate(dataset, stories, ids.STORY_PLAY, key=None, story={}, chosen=SLUG)
    assert play == f"?story={SLUG}&step=1"
    left = {"slug": SLUG, "step": 4, "playing": False}
    resume = storymode.navigate(
        dataset, stories, ids.STORY_RESUME, key=None, story=left, chosen=SLUG
    )
    assert resume == f"?story={SLUG}&step=4"
    # Keys do nothing once the story is left.
    key = {"key": "ArrowRight", "n": 1}
    assert (
        storymode.navigate(dataset, stories, ids.STORY_KEY, key=key, story=left, chosen=SLUG)
        is no_update
    )


def test_the_panel_shows_headline_narration_counter_and_attributed_commentary(
    dataset, stories, gap
):
    out = storymode.render_story(dataset, stories, _playing(2))
    step = gap.steps[1]
    assert out["hidden"] is False
    assert _text(out["counter"]) == f"{gap.title} · Step 2 of {len(gap.steps)}"
    assert out["headline"] == step.title
    assert out["text"] == step.text
    assert out["prev_disabled"] is False and out["next_disabled"] is False
    quotes = _text(out["quotes"])
    rows = dataset.events.set_index("id").loc[list(step.focus)]
    for _, row in rows.iterrows():
        words = row["callout"] if isinstance(row["callout"], str) and row["callout"] else None
        words = words or row["commentary"]
        if words:
            assert words.strip() in quotes
    assert dataset.info.source["author"] in quotes


def test_a_left_story_offers_resume_and_no_story_hides_both(dataset, stories):
    left = storymode.render_story(dataset, stories, {"slug": SLUG, "step": 4, "playing": False})
    assert left["hidden"] is True and left["resume_hidden"] is False
    assert "step 4" in left["resume_label"]
    none = storymode.render_story(dataset, stories, {})
    assert none == {"hidden": True, "resume_hidden": True}


def test_download_deck_without_a_story_says_so(dataset, engine, stories):
    out = storymode.download_deck(dataset, engine, stories=stories, story={}, fmt="pptx")
    assert "Play a story" in _text(out["status"]) and "download" not in out


def test_download_deck_is_a_pptx(dataset, engine, gap):
    # One step keeps it quick: the deck itself is tested in tests/test_deck.py.
    small = Story(gap.slug, gap.title, gap.subtitle, gap.steps[1:2])
    story = {"slug": SLUG, "step": 1, "playing": True}
    out = storymode.download_deck(dataset, engine, stories={SLUG: small}, story=story, fmt="pptx")
    assert out["download"]["filename"] == f"{SLUG}.pptx"
    data = base64.b64decode(out["download"]["content"])
    with zipfile.ZipFile(io.BytesIO(data)) as deck:
        assert "ppt/presentation.xml" in deck.namelist()
    assert f"{SLUG}.pptx" in _text(out["status"])


def test_a_dataset_without_stories_says_so_and_still_starts(dataset, engine):
    from timeline.webapp import create_app

    client = create_app(dataset, engine, stories=[]).server.test_client()
    layout = client.get("/_dash-layout").get_data(as_text=True)
    assert "This dataset has no stories." in layout
    assert ids.STORY_PLAY not in layout


def test_serve_with_a_broken_story_file_exits_2_naming_it(tmp_path):
    import shutil
    from pathlib import Path

    from click.testing import CliRunner

    from timeline.cli import cli

    root = Path(__file__).resolve().parent.parent
    for name in ("events.csv", "events.toml"):
        shutil.copy(root / "data" / name, tmp_path / name)
    (tmp_path / "stories").mkdir()
    (tmp_path / "stories" / "broken.toml").write_text("[story\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["serve", "--data", str(tmp_path / "events.csv")])
    assert result.exit_code == 2, result.output
    assert "stories/broken.toml" in result.output and "Traceback" not in result.output
