import re
from pathlib import Path

from click.testing import CliRunner
from PIL import Image

from timeline import __version__
from timeline.cli import cli

README = Path(__file__).resolve().parent.parent / "README.md"


def test_help_lists_every_command_with_an_example():
    result = CliRunner().invoke(cli, ["--help"])
    assert result.exit_code == 0
    for name in cli.commands:
        assert name in result.output
        sub = CliRunner().invoke(cli, [name, "--help"])
        assert "Example: timeline " + name in sub.output, name


def test_version():
    result = CliRunner().invoke(cli, ["--version"])
    assert result.exit_code == 0
    assert __version__ in result.output


def test_every_command_is_documented_in_the_readme():
    readme = README.read_text(encoding="utf-8")
    for name in cli.commands:
        assert re.search(rf"^\$ timeline {name}\b", readme, re.M), (
            f"README lacks `$ timeline {name}`"
        )


def test_export_writes_a_png(tmp_path):
    out = tmp_path / "security.png"
    result = CliRunner().invoke(
        cli,
        ["export", "--theme", "security", "--from", "2001", "--preset", "square", "-o", str(out)],
    )
    assert result.exit_code == 0, result.output
    assert Image.open(out).size == (1080, 1080)


def test_export_per_theme_writes_one_file_per_theme(tmp_path, dataset):
    result = CliRunner().invoke(
        cli,
        [
            "export",
            "--per-theme",
            "--format",
            "svg",
            "--width",
            "900",
            "--height",
            "600",
            "-o",
            str(tmp_path),
        ],
    )
    assert result.exit_code == 0, result.output
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == sorted(f"pakistan-us_{t}.svg" for t in dataset.themes)


def test_export_unknown_theme_is_a_usage_error(tmp_path):
    result = CliRunner().invoke(cli, ["export", "--theme", "sport", "-o", str(tmp_path / "x.png")])
    assert result.exit_code == 2
    assert "Unknown theme 'sport'" in result.output
    assert not (tmp_path / "x.png").exists()


def test_export_to_an_unwritable_place_fails_cleanly(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    result = CliRunner().invoke(cli, ["export", "--format", "html", "-o", str(blocker / "a.html")])
    assert result.exit_code == 2
    assert "Cannot write" in result.output
    assert "Traceback" not in result.output


def test_serve_listens_on_loopback_without_debug_by_default(monkeypatch):
    monkeypatch.delenv("TIMELINE_HOST", raising=False)
    params = {p.name: p for p in cli.commands["serve"].params}
    assert params["host"].default() == "127.0.0.1"
    assert params["debug"].default is False


def _export_svg(tmp_path, *args):
    out = tmp_path / "view.svg"
    result = CliRunner().invoke(
        cli, ["export", "--format", "svg", "--from", "2001", "--to", "2021", "-o", str(out), *args]
    )
    assert result.exit_code == 0, result.output
    return out.read_text(encoding="utf-8")


def test_export_pin_gives_the_event_a_callout(tmp_path):
    unpinned = _export_svg(tmp_path, "--callouts", "pinned")
    pinned = _export_svg(tmp_path, "--callouts", "pinned", "--pin", "2011-abbottabad-raid")
    assert "Abbottabad" not in unpinned
    assert "Abbottabad" in pinned


def test_export_callouts_none_draws_no_callout(tmp_path):
    auto = _export_svg(tmp_path)
    none = _export_svg(tmp_path, "--callouts", "none")
    assert none.count('<g class="annotation"') < auto.count('<g class="annotation"')


def test_export_title_states_the_years_unless_given(tmp_path):
    assert "Pakistan–US relations, 2001–2021" in _export_svg(tmp_path)
    typed = _export_svg(tmp_path, "--title", "Two decades & a war", "--subtitle", "Briefing")
    assert "Two decades &amp; a war" in typed and "Briefing" in typed
    assert "Pakistan–US relations, 2001–2021" not in typed


def test_export_dark_style_is_a_dark_slide(tmp_path):
    light = _export_svg(tmp_path)
    dark = _export_svg(tmp_path, "--style", "dark")
    assert dark != light


def test_export_unknown_pin_is_a_usage_error(tmp_path):
    out = tmp_path / "x.png"
    result = CliRunner().invoke(cli, ["export", "--pin", "no-such-event", "-o", str(out)])
    assert result.exit_code == 2
    assert "--pin 'no-such-event': no event has this id" in result.output
    assert "Traceback" not in result.output
    assert not out.exists()


def test_validate_counts_in_words_that_agree(tmp_path):
    """'1 event, 0 eras, 1 theme (events), 1971', not '1 events, … 1971–1971'."""
    path = tmp_path / "one.json"
    path.write_text('{"events":[{"start_date":{"year":"1971"},"text":{"headline":"x"}}]}')
    result = CliRunner().invoke(cli, ["validate", str(path)])
    assert result.exit_code == 0, result.output
    assert f"{path}: OK — 1 event, 0 eras, 1 theme (events), 1971\n" == result.stdout
