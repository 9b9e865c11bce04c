"""Stories: an argument stepped through the timeline, one chart view per step.

A dataset's stories are TOML files in a ``stories/`` folder beside its CSV
(``data/stories/<slug>.toml``). Each file is checked against the dataset when it is loaded, and
every problem is reported with its file, step, field, value and what was expected, so one run is
enough to fix a file. Nothing here knows about Dash.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from timeline.data import SLUG, DataError, Dataset, Problem
from timeline.dates import EXPECTED as DATE_EXPECTED
from timeline.dates import parse_date, remember_dates
from timeline.filters import EventFilter, date_bounds, filter_mask

STORIES_FOLDER = "stories"
HEADLINE_MAX = 80
STORY_FIELDS = {"title", "subtitle"}
STEP_FIELDS = {"title", "themes", "from", "to", "focus", "text"}
_STEP_HEADER = re.compile(r"^[ \t]*\[\[[ \t]*step[ \t]*\]\]", re.M)


@dataclass(frozen=True)
class StoryProblem(Problem):
    """A problem in a story file: which step (1-based) and field, the value, what was expected."""

    step: int | None = None

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        step = f"step {self.step}" if self.step else ""
        what = ", ".join(p for p in (step, f"'{self.column}'" if self.column else "") if p)
        if self.value is not None:
            shown = self.value if len(self.value) <= 60 else self.value[:57] + "..."
            what = f"{what}: {shown!r}" if what else repr(shown)
        return f"{where}: {what} — {self.expected}" if what else f"{where}: {self.expected}"


class StoryError(DataError):
    """Problems in one or more story files; the message names them all."""

    @property
    def message(self) -> str:
        files = list(dict.fromkeys(p.path for p in self.problems))
        if len(files) == 1:
            return super().message
        count = len(self.problems)
        head = f"{Path(files[0]).parent}: {count} problems found in {len(files)} story files"
        return "\n".join([head, *super().message.splitlines()[1:]])


@dataclass(frozen=True)
class Step:
    """One slide of a story: a headline, a view of the chart, the events it is about."""

    title: str
    themes: tuple[str, ...] = ()
    date_from: str = ""
    date_to: str = ""
    focus: tuple[str, ...] = ()
    text: str = ""

    @property
    def filter(self) -> EventFilter:
        return EventFilter(self.themes, self.date_from, self.date_to)


@dataclass(frozen=True)
class Story:
    """A titled sequence of steps, read from ``<slug>.toml``."""

    slug: str
    title: str
    subtitle: str
    steps: tuple[Step, ...]
    path: str = ""


def stories_folder(dataset: Dataset) -> Path | None:
    """Where the dataset's stories live, or None for a dataset not read from a file."""
    return Path(dataset.path).parent / STORIES_FOLDER if dataset.path else None


def load_stories(dataset: Dataset) -> list[Story]:
    """Every story of ``dataset``, sorted by slug; none when there is no stories folder.

    Raises StoryError (a DataError) listing every problem in every story file.
    """
    folder = stories_folder(dataset)
    if folder is None or not folder.is_dir():
        return []
    stories, problems = [], []
    for path in sorted(folder.glob("*.toml")):
        try:
            stories.append(load_story(path, dataset))
        except DataError as exc:
            problems += exc.problems
    if problems:
        raise StoryError(problems)
    return sorted(stories, key=lambda s: s.slug)


def load_story(path: str | Path, dataset: Dataset) -> Story:
    """Read and check one story file against ``dataset``; raise DataError with every problem."""
    path = Path(path)
    name = str(path)
    try:
        source = path.read_text(encoding="utf-8")
        raw = tomllib.loads(source)
    except OSError as exc:
        raise DataError([StoryProblem(name, None, None, None, f"cannot read: {exc}")]) from None
    except UnicodeDecodeError:
        raise DataError([StoryProblem(name, None, None, None, "not UTF-8 text")]) from None
    except tomllib.TOMLDecodeError as exc:
        raise DataError([StoryProblem(name, None, None, None, f"not valid TOML: {exc}")]) from None
    check = _Checker(name, dataset, _step_lines(source))
    slug = path.stem
    if not re.match(SLUG, slug):
        check.problem(None, None, slug, "a file name like widening-gap.toml (lowercase, digits, -)")
    head = raw.get("story")
    if not isinstance(head, dict):
        check.problem(None, "story", None, "a [story] table with a title")
        head = {}
    check.unknown_fields(None, raw, {"story", "step"}, "top-level table")
    check.unknown_fields(None, head, STORY_FIELDS, "[story] field")
    title = check.text(None, head, "title", required=True, limit=None)
    subtitle = check.text(None, head, "subtitle")
    raw_steps = raw.get("step")
    if not isinstance(raw_steps, list) or not raw_steps:
        check.problem(None, "step", None, "at least one [[step]] table")
        raw_steps = []
    remember_dates(_step_dates(raw_steps))
    steps = [check.step(n, entry) for n, entry in enumerate(raw_steps, start=1)]
    if check.problems:
        raise DataError(check.problems)
    return Story(slug, title, subtitle, tuple(steps), name)


def _step_dates(raw_steps: list) -> list[str]:
    """The steps' dates as ``_Checker.date`` will read them, to be parsed in one pass."""
    values = [
        entry.get(f) for entry in raw_steps if isinstance(entry, dict) for f in ("from", "to")
    ]
    return [str(v).strip() for v in values if isinstance(v, str | int) and not isinstance(v, bool)]


def _step_lines(source: str) -> list[int]:
    """The line of each ``[[step]]`` header, so a problem can point at its step."""
    return [source.count("\n", 0, m.start()) + 1 for m in _STEP_HEADER.finditer(source)]


class _Checker:
    """Collects the problems of one story file while its fields are read."""

    def __init__(self, name: str, dataset: Dataset, step_lines: list[int]):
        self.name = name
        self.dataset = dataset
        self.step_lines = step_lines
        self.problems: list[StoryProblem] = []

    def problem(self, step: int | None, field: str | None, value, expected: str) -> None:
        line = self.step_lines[step - 1] if step and step <= len(self.step_lines) else None
        shown = None if value is None else str(value)
        self.problems.append(StoryProblem(self.name, line, field, shown, expected, step))

    def unknown_fields(self, step: int | None, table, known: set[str], kind: str) -> None:
        if not isinstance(table, dict):
            return
        for key in table:
            if key not in known:
                self.problem(step, key, None, f"unknown {kind}; expected one of {sorted(known)}")

    def text(self, step, table: dict, field: str, *, required=False, limit=None) -> str:
        value = table.get(field, "")
        if not isinstance(value, str):
            self.problem(step, field, value, f"a text in quotes, not {type(value).__name__}")
            return ""
        value = " ".join(value.split()) if field == "title" else value.strip()
        if required and not value:
            self.problem(step, field, None, "a title is required and cannot be empty")
        elif limit and len(value) > limit:
            self.problem(step, field, value, f"at most {limit} characters, not {len(value)}")
        return value

    def names(self, step: int, table: dict, field: str, *, known, what: str) -> tuple[str, ...]:
        value = table.get(field, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.problem(step, field, value, 'a list of texts in quotes, e.g. ["a", "b"]')
            return ()
        for item in value:
            if item not in known:
                self.problem(step, field, item, what)
        return tuple(v for v in dict.fromkeys(value) if v in known)

    def date(self, step: int, table: dict, field: str) -> str:
        value = table.get(field, "")
        if isinstance(value, int) and not isinstance(value, bool):
            value = str(value)
        if not isinstance(value, str):
            self.problem(step, field, value, f"expected {DATE_EXPECTED}, in quotes")
            return ""
        value = value.strip()
        if value:
            error = parse_date(value)["error"]
            if not pd.isna(error):
                if not error.startswith("expected"):
                    error = f"{error}; expected {DATE_EXPECTED}"
                self.problem(step, field, value, error)
                return ""
        return value

    def step(self, n: int, entry) -> Step:
        if not isinstance(entry, dict):
            self.problem(n, None, entry, "a [[step]] table")
            return Step(title="")
        self.unknown_fields(n, entry, STEP_FIELDS, "step field")
        themes_known = ", ".join(self.dataset.themes)
        step = Step(
            title=self.text(n, entry, "title", required=True, limit=HEADLINE_MAX),
            themes=self.names(
                n,
                entry,
                "themes",
                known=self.dataset.themes,
                what=f"a theme of this dataset: {themes_known}",
            ),
            date_from=self.date(n, entry, "from"),
            date_to=self.date(n, entry, "to"),
            focus=self.names(
                n,
                entry,
                "focus",
                known=self.dataset.event_ids,
                what=f"the id of an event in {self.dataset.path or 'the dataset'}",
            ),
            text=self.text(n, entry, "text"),
        )
        self._check_view(n, step)
        return step

    def _check_view(self, n: int, step: Step) -> None:
        """The range runs forwards and every focus event is in the step's view."""
        lo, hi = date_bounds(step.filter)
        if lo is not None and hi is not None and hi < lo:
            self.problem(n, "to", step.date_to, f"a date after 'from' ({step.date_from})")
            return
        if not step.focus:
            return
        shown = set(self.dataset.events["id"][filter_mask(self.dataset, step.filter)])
        for event_id in step.focus:
            if event_id not in shown:
                self.problem(n, "focus", event_id, "an event inside this step's themes and dates")


def theme_story(dataset: Dataset, flt: EventFilter | None = None) -> Story:
    """A story for a dataset that has none: one step per theme of ``flt`` (all by default),
    within its dates (a step has no text search).

    Each step focuses on the theme's events the author dwells on (importance 3, with commentary).
    """
    flt = flt or EventFilter()
    events = dataset.events
    steps = []
    for theme in flt.themes or dataset.themes:
        step_filter = EventFilter((theme,), flt.date_from, flt.date_to)
        shown = events[filter_mask(dataset, step_filter) & events["kind"].eq("event").to_numpy()]
        keyed = shown[shown["importance"].eq(3) & shown["commentary"].ne("")]
        steps.append(
            Step(
                title=dataset.theme_label(theme)[:HEADLINE_MAX],
                themes=(theme,),
                date_from=flt.date_from,
                date_to=flt.date_to,
                focus=tuple(keyed["id"][:3]),
            )
        )
    return Story(
        slug=dataset.info.slug,
        title=dataset.info.title,
        subtitle=dataset.info.subtitle,
        steps=tuple(steps),
    )
