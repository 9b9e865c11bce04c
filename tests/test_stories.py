import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from timeline.cli import cli
from timeline.data import DataError, load_dataset
from timeline.deck import plan_deck
from timeline.stories import HEADLINE_MAX, load_stories, theme_story

ROOT = Path(__file__).resolve().parent.parent
BAD = Path(__file__).parent / "bad_stories"
REQUIRED_FOCUS = {
    "1971-kissinger-secret-trip",
    "2011-raymond-davis",
    "2011-abbottabad-raid",
    "2011-salala-incident",
    "2021-us-withdrawal-complete",
}


@pytest.fixture
def data_copy(tmp_path):
    """The shipped CSV and its metadata in a folder of their own, with an empty stories/."""
    for name in ("events.csv", "events.toml"):
        shutil.copy(ROOT / "data" / name, tmp_path / name)
    (tmp_path / "stories").mkdir()
    return tmp_path


def test_shipped_story_validates_and_follows_the_article(dataset):
    stories = load_stories(dataset)
    assert [s.slug for s in stories] == ["widening-gap"]
    story = stories[0]
    assert len(story.steps) >= 8
    focus = {event_id for step in story.steps for event_id in step.focus}
    assert focus >= REQUIRED_FOCUS
    assert focus <= dataset.event_ids
    for step in story.steps:
        assert 0 < len(step.title) <= HEADLINE_MAX
        assert set(step.themes) <= set(dataset.themes)
        assert step.text, step.title


def _shingles(text: str, n: int = 6) -> set[str]:
    words = re.findall(r"[\w’']+", text.lower())
    return {" ".join(words[i : i + n]) for i in range(len(words) - n + 1)}


def test_narration_never_borrows_the_authors_words(dataset):
    """The author's opinions are shown only as attributed quotes, never in the narration."""
    commentary = set().union(*map(_shingles, dataset.events["commentary"]))
    for step in load_stories(dataset)[0].steps:
        assert not _shingles(step.text) & commentary, step.title


@pytest.mark.parametrize("story_path", sorted(BAD.glob("*.toml")), ids=lambda p: p.stem)
def test_bad_story_gives_its_message_and_exit_code_2(story_path, data_copy):
    shutil.copy(story_path, data_copy / "stories" / story_path.name)
    expected = story_path.with_suffix(".expected").read_text(encoding="utf-8").splitlines()
    result = CliRunner().invoke(
        cli, ["deck", "--data", str(data_copy / "events.csv"), "-o", str(data_copy / "x.pptx")]
    )
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert f"stories/{story_path.name}" in result.output
    for line in filter(None, expected):
        assert line in result.output, f"{line!r} not in:\n{result.output}"
    assert not (data_copy / "x.pptx").exists()


def test_every_problem_in_a_file_is_reported_at_once(data_copy):
    shutil.copy(BAD / "bad-date.toml", data_copy / "stories" / "a.toml")
    shutil.copy(BAD / "unknown-id.toml", data_copy / "stories" / "b.toml")
    with pytest.raises(DataError) as caught:
        load_stories(load_dataset(data_copy / "events.csv"))
    assert len(caught.value.problems) == 3
    assert "3 problems found in 2 story files" in caught.value.message


def test_stories_are_sorted_by_slug_and_years_may_be_numbers(data_copy):
    for slug, year in (("zeta", 2011), ("alpha", 1971)):
        (data_copy / "stories" / f"{slug}.toml").write_text(
            f'[story]\ntitle = "{slug}"\n\n[[step]]\ntitle = "A year"\nfrom = {year}\n',
            encoding="utf-8",
        )
    stories = load_stories(load_dataset(data_copy / "events.csv"))
    assert [s.slug for s in stories] == ["alpha", "zeta"]
    assert stories[0].steps[0].filter.date_from == "1971"


def test_unknown_story_slug_is_a_usage_error(dataset):
    result = CliRunner().invoke(cli, ["deck", "--story", "no-such-story"])
    assert result.exit_code == 2
    assert "No story 'no-such-story'" in result.output
    assert "widening-gap" in result.output


def test_a_dataset_without_stories_gets_a_step_per_theme(data_copy):
    shutil.rmtree(data_copy / "stories")
    dataset = load_dataset(data_copy / "events.csv")
    assert load_stories(dataset) == []
    story = theme_story(dataset)
    assert [s.themes for s in story.steps] == [(t,) for t in dataset.themes]
    assert [s.title for s in story.steps] == [dataset.theme_label(t) for t in dataset.themes]
    slides = plan_deck(dataset, story)
    assert len([s for s in slides if s.chart is not None]) == len(dataset.themes)


def test_validate_checks_the_story_files_too(data_copy):
    ok = CliRunner().invoke(cli, ["validate", str(data_copy / "events.csv")])
    assert ok.exit_code == 0 and ok.output.rstrip().endswith("1947–2022"), ok.output
    shutil.copy(BAD / "unknown-id.toml", data_copy / "stories" / "broken.toml")
    result = CliRunner().invoke(cli, ["validate", str(data_copy / "events.csv")])
    assert result.exit_code == 2
    assert "stories/broken.toml" in result.output and "Traceback" not in result.output


def test_validate_counts_the_shipped_story():
    shipped = Path(__file__).resolve().parent.parent / "data" / "events.csv"
    result = CliRunner().invoke(cli, ["validate", str(shipped)])
    assert result.exit_code == 0 and result.output.rstrip().endswith(", 1 story")
