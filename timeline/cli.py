"""The ``timeline`` command: validate data, export images, serve the app.

A thin layer: each command parses its options, calls the library, and turns the library's
errors into a clear message and exit code 2. The library (pandas, plotly, Dash) is imported
inside the commands that use it, so ``--help`` and ``--version`` answer at once.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from timeline import __version__
from timeline.choices import CALLOUT_MODES, FORMATS, PRESETS, STYLES

if TYPE_CHECKING:
    from timeline.data import Dataset
    from timeline.export import ImageSpec

# The shipped data, wherever the command is run from (``app.py`` and gunicorn use it too).
DEFAULT_DATA = Path(__file__).resolve().parent.parent / "data" / "events.csv"


def data_path() -> str:
    """The data file to open when none is named: $TIMELINE_DATA, else the shipped data."""
    return os.environ.get("TIMELINE_DATA", str(DEFAULT_DATA))


def _or_exit(load, source):
    """``load(source)``; a broken file prints its problems and exits with code 2."""
    from timeline.data import DataError

    try:
        return load(source)
    except DataError as exc:
        click.echo(exc.message, err=True)
        raise SystemExit(2) from None


def load_or_exit(path: str) -> Dataset:
    """The dataset at ``path``, or its problems and exit code 2."""
    from timeline.data import load_dataset

    return _or_exit(load_dataset, path)


def stories_or_exit(dataset: Dataset) -> list:
    """The dataset's stories, or their problems and exit code 2."""
    from timeline.stories import load_stories

    return _or_exit(load_stories, dataset)


def build_app(path: str):
    """The dataset at ``path``, the app showing it and how its exports run (``timeline.jobs``,
    from the environment); raises DataError, SettingError or ExportError (a bad setting)."""
    from timeline.data import load_dataset
    from timeline.jobs import ExportJobs
    from timeline.stories import load_stories
    from timeline.webapp import create_app

    dataset = load_dataset(path)
    stories = load_stories(dataset)
    export_jobs = ExportJobs()
    export_jobs.warm(dataset)  # the browser starts while the page is built
    return dataset, create_app(dataset, stories=stories, export_jobs=export_jobs), export_jobs


def app_or_exit(path: str):
    """``build_app(path)``; a broken file or server setting prints what is wrong, exit code 2."""
    from timeline.data import DataError
    from timeline.export import ExportError
    from timeline.guard import SettingError

    try:
        return build_app(path)
    except DataError as exc:
        click.echo(exc.message, err=True)
    except (SettingError, ExportError) as exc:
        click.echo(f"Error: {exc}", err=True)
    raise SystemExit(2)


def _data_option(func):
    return click.option(
        "--data",
        "data_path",
        default=data_path,
        show_default="$TIMELINE_DATA, else the shipped data/events.csv",
        help="Events CSV (or TimelineJS JSON, or its sheet as CSV or XLSX) to open.",
    )(func)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", "-V", prog_name="timeline")
def cli():
    """Relations Timeline: a sourced, annotated timeline of events between two countries.

    Example: timeline validate data/events.csv
    """


def _counted(n: int, one: str, many: str = "") -> str:
    """'1 event', '66 events'."""
    return f"{n} {one if n == 1 else many or one + 's'}"


@cli.command()
@click.argument("path", default=data_path)
def validate(path):
    """Check an events CSV (or a TimelineJS file), and the stories beside it, for problems.

    Prints a one-line summary and exits 0 when the files are valid; otherwise lists each problem
    (file, line, column or step and field, value, what was expected) and exits 2.

    Example: timeline validate data/events.csv
    """
    from timeline.filters import year_bounds

    dataset = load_or_exit(path)
    stories = stories_or_exit(dataset)
    ev = dataset.events
    events = int(ev["kind"].eq("event").sum())
    eras = int(ev["kind"].eq("era").sum())
    first, last = year_bounds(dataset)
    told = f", {_counted(len(stories), 'story', 'stories')}" if stories else ""
    years = str(first) if first == last else f"{first}–{last}"
    click.echo(
        f"{path}: OK — {_counted(events, 'event')}, {_counted(eras, 'era')}, "
        f"{_counted(len(dataset.themes), 'theme')} ({', '.join(dataset.themes)}), {years}{told}"
    )
    from timeline.data.dataset import unsourced_warning

    warning = unsourced_warning(dataset)
    if warning:
        click.echo(f"warning: {warning}", err=True)


@cli.command()
@click.argument("source", metavar="INPUT")
@click.argument("target", metavar="OUTPUT")
def convert(source, target):
    """Convert a timeline between this project's CSV and TimelineJS JSON.

    INPUT is this project's CSV, a TimelineJS JSON, or a TimelineJS sheet (CSV or XLSX); the
    OUTPUT's extension chooses what is written: .json for TimelineJS JSON, .csv for this
    project's CSV with its .toml beside it. Files are written whole or not at all.

    Example: timeline convert data/events.csv pakistan-us.json
    """
    from timeline.convert import ConvertError, convert_files
    from timeline.export import ExportError, write_atomic

    try:
        files = _or_exit(lambda s: convert_files(s, target), source)
    except ConvertError as exc:
        raise click.UsageError(str(exc)) from None
    for path, data in files.items():
        try:
            write_atomic(path, data)
        except ExportError as exc:
            click.echo(f"Error: {exc}", err=True)
            raise SystemExit(2) from None
        click.echo(f"wrote {path} ({len(data):,} bytes)")


@cli.command()
@_data_option
@click.option("--theme", "themes", multiple=True, help="Only this theme (repeatable).")
@click.option("--from", "date_from", default="", help="Start of the date range, e.g. 2001.")
@click.option("--to", "date_to", default="", help="End of the date range, e.g. 2021.")
@click.option("--search", default="", help="Only events whose text contains this.")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="png", show_default=True)
@click.option(
    "--preset",
    type=click.Choice(list(PRESETS)),
    default=None,
    help="Size preset [default: slide-16x9; a4-landscape for pdf].",
)
@click.option("--width", type=int, default=None, help="Custom width in pixels (with --height).")
@click.option("--height", type=int, default=None, help="Custom height in pixels (with --width).")
@click.option("--scale", type=float, default=1, show_default=True, help="PNG pixel scale, 1-4.")
@click.option("--transparent", is_flag=True, help="No background (PNG, SVG, PDF).")
@click.option(
    "--style",
    type=click.Choice(STYLES),
    default="light",
    show_default=True,
    help="Colours for a light or a dark slide.",
)
@click.option(
    "--pin", "pins", multiple=True, metavar="ID", help="Give this event a callout (repeatable)."
)
@click.option(
    "--callouts",
    type=click.Choice(CALLOUT_MODES),
    default="auto",
    show_default=True,
    help="auto: pinned events and those the author dwells on; pinned: only --pin; none.",
)
@click.option("--title", default=None, help="Title [default: the data's title, with the years].")
@click.option("--subtitle", default=None, help="Subtitle [default: the themes, years, search].")
@click.option("--per-theme", is_flag=True, help="Write one image per theme into a folder.")
@click.option(
    "-o",
    "--output",
    default=None,
    help="File to write, or folder for --per-theme [default: exports/<view>.<format>].",
)
def export(*, data_path, themes, date_from, date_to, search, per_theme, output, **choices):
    """Export the chart as PNG, SVG, PDF or interactive HTML, sized for slides.

    The image carries a title stating the view's years, a subtitle stating the filters, a
    legend and the source attribution. Files are written whole or not at all.

    Example: timeline export --theme security --theme afghanistan --from 2001 --to 2021
    --format png --preset slide-16x9 --pin 2011-salala-incident -o security.png
    """
    from timeline.filters import EventFilter, clean_filter

    dataset = load_or_exit(data_path)
    spec = _image_spec(choices)
    for theme in themes:
        if theme not in dataset.themes:
            raise click.UsageError(
                f"Unknown theme {theme!r}; this dataset has: {', '.join(dataset.themes)}"
            )
    for pin in choices["pins"]:
        if pin not in dataset.event_ids:
            raise click.UsageError(
                f"--pin {pin!r}: no event has this id. "
                "Event ids are in the first column of the data (timeline validate lists the file)."
            )
    flt, notes = clean_filter(dataset, EventFilter(tuple(themes), date_from, date_to, search))
    for note in notes:
        click.echo(f"note: {note}", err=True)
    jobs = [flt]
    if per_theme:
        jobs = [EventFilter((t,), flt.date_from, flt.date_to, flt.query) for t in dataset.themes]
    targets = _targets(dataset, jobs, spec, per_theme=per_theme, output=output)
    _write_exports(dataset, list(zip(jobs, targets, strict=True)), spec, choices)


def _image_spec(choices: dict) -> ImageSpec:
    from timeline.export import ExportError, ImageSpec

    keys = ("preset", "width", "height", "scale", "transparent", "style")
    try:
        return ImageSpec.build(choices["fmt"], **{k: choices[k] for k in keys})
    except ExportError as exc:
        raise click.UsageError(str(exc)) from None


def _targets(dataset: Dataset, jobs: list, spec: ImageSpec, *, per_theme, output) -> list[Path]:
    from timeline.filters import filter_slug

    if per_theme:
        folder = Path(output or "exports")
        if folder.exists() and not folder.is_dir():
            raise click.UsageError(f"--per-theme writes into a folder; {folder} is a file.")
        return [folder / f"{filter_slug(dataset, j)}.{spec.format}" for j in jobs]
    name = f"{filter_slug(dataset, jobs[0])}.{spec.format}"
    is_folder = output and (output.endswith(("/", os.sep)) or Path(output).is_dir())
    return [Path(output) / name if is_folder else Path(output or Path("exports") / name)]


def _write_exports(dataset: Dataset, work: list, spec: ImageSpec, choices: dict) -> None:
    from timeline.export import ExportEngine, ExportError, write_atomic
    from timeline.filters import ViewState
    from timeline.views import export_view, view_title

    engine = ExportEngine()
    try:
        written = []
        # The bar goes to stderr and the list of files to stdout, after the bar is done.
        with click.progressbar(
            work, label="Exporting", show_pos=True, hidden=len(work) == 1, file=sys.stderr
        ) as bar:
            for job, target in bar:
                data, _ = export_view(
                    dataset,
                    job,
                    spec,
                    engine,
                    pins=choices["pins"],
                    callouts=choices["callouts"],
                    title=choices["title"] or view_title(dataset, ViewState(job)),
                    subtitle=choices["subtitle"],
                )
                write_atomic(target, data)
                written.append(f"wrote {target} ({len(data):,} bytes)")
        for line in written:
            click.echo(line)
    except ExportError as exc:
        click.echo(f"Error: {exc}", err=True)
        raise SystemExit(2) from None
    finally:
        engine.close()


@cli.command()
@_data_option
@click.option(
    "--host",
    default=lambda: os.environ.get("TIMELINE_HOST", "127.0.0.1"),
    show_default="127.0.0.1 or $TIMELINE_HOST",
    help="Interface to listen on; use 0.0.0.0 to allow other machines.",
)
@click.option(
    "--port",
    type=int,
    default=lambda: int(os.environ.get("TIMELINE_PORT", 8050)),
    show_default="8050 or $TIMELINE_PORT",
)
@click.option(
    "--debug",
    is_flag=True,
    default=False,
    help="Dash debug mode (reloader, tracebacks in the page). Never in production.",
)
def serve(data_path, host, port, debug):
    """Serve the interactive timeline in the browser.

    Example: timeline serve --data data/events.csv --port 8050
    """
    if host not in ("127.0.0.1", "localhost", "0.0.0.0", "::"):
        # The address it listens on is one its users will type: requests for it are answered.
        allowed = os.environ.get("TIMELINE_ALLOWED_HOSTS", "")
        os.environ["TIMELINE_ALLOWED_HOSTS"] = f"{allowed},{host}".strip(",")
    dataset, app, _ = app_or_exit(data_path)
    click.echo(f"Serving {dataset.info.title} ({data_path}) on http://{host}:{port}/", err=True)
    if host in ("0.0.0.0", "::") and not os.environ.get("TIMELINE_ALLOWED_HOSTS"):
        click.echo(
            "note: only requests for 127.0.0.1 and localhost are answered; set "
            "TIMELINE_ALLOWED_HOSTS to the names other machines use for this one.",
            err=True,
        )
    app.run(host=host, port=port, debug=debug)


def _pick_story(dataset: Dataset, slug: str | None):
    from timeline.stories import theme_story

    stories = stories_or_exit(dataset)
    if slug is None:
        return stories[0] if stories else theme_story(dataset)
    for story in stories:
        if story.slug == slug:
            return story
    known = ", ".join(s.slug for s in stories) or "none"
    raise click.UsageError(f"No story {slug!r} for this dataset; its stories: {known}.")


class _LazyBar:
    """A progress bar on stderr that starts once the number of pictures is known."""

    def __init__(self, label: str):
        self.label = label
        self.bar = None

    def __call__(self, done: int, total: int) -> None:
        if self.bar is None:
            self.bar = click.progressbar(
                length=total, label=self.label, show_pos=True, file=sys.stderr
            )
            self.bar.__enter__()
        self.bar.update(1)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)


@cli.command()
@_data_option
@click.option("--story", "story_slug", default=None, help="Story to present [default: the first].")
@click.option(
    "--format", "fmt", type=click.Choice(("pptx", "pdf")), default="pptx", show_default=True
)
@click.option(
    "--preset",
    type=click.Choice(list(PRESETS)),
    default="slide-16x9",
    show_default=True,
    help="Size of each chart.",
)
@click.option("--style", type=click.Choice(("light", "dark")), default="light", show_default=True)
@click.option(
    "-o", "--output", default=None, help="File to write [default: exports/<story>.<format>]."
)
def deck(*, data_path, story_slug, fmt, preset, style, output):
    """Build a slide deck (PPTX or PDF) of a story: a slide per step, then the sources.

    Stories are TOML files in a stories/ folder beside the CSV; without --story the first one is
    used, and a dataset with no story gets a slide per theme. Each slide has its headline as
    text, the chart at the step's view, the author's words on the step's events, and speaker
    notes with the narration and every source. Written whole or not at all.

    Example: timeline deck --story widening-gap --format pptx -o widening-gap.pptx
    """
    from timeline.deck import build_deck
    from timeline.export import ExportEngine, ExportError, write_atomic

    dataset = load_or_exit(data_path)
    story = _pick_story(dataset, story_slug)
    target = Path(output or Path("exports") / f"{dataset.info.slug}_{story.slug}.{fmt}")
    engine = ExportEngine()
    bar = _LazyBar(f"Drawing {len(story.steps)} steps")
    try:
        data = build_deck(
            dataset, story, fmt=fmt, preset=preset, style=style, engine=engine, progress=bar
        )
        bar.close()
        write_atomic(target, data)
    except ExportError as exc:
        bar.close()
        click.echo(f"Error: {exc}", err=True)
        raise SystemExit(2) from None
    finally:
        engine.close()
    click.echo(f"wrote {target} ({len(data):,} bytes, {len(story.steps)} steps)")


def main(argv: list[str] | None = None) -> None:
    cli.main(args=argv, prog_name="timeline")


if __name__ == "__main__":
    main()
