"""The command line answers at once: heavy libraries load only in the commands that need them.

Each check runs the command in a fresh interpreter and lists what it imported; no timings
(those are in bench/first_paint_bench.py).
"""

import json
import subprocess
import sys

import pytest
from conftest import DATA

from timeline import choices
from timeline.chart import style as chart_style

HEAVY = ("pandas", "numpy", "plotly", "dash", "pandera", "kaleido", "pyarrow")


def imported_by(*argv: str) -> set[str]:
    """The heavy top-level packages in sys.modules after ``timeline *argv`` has run."""
    script = (
        "import json, sys\n"
        "from timeline.cli import main\n"
        "try:\n"
        f"    main({list(argv)!r})\n"
        "except SystemExit:\n"
        "    pass\n"
        "print(json.dumps(sorted({m.split('.')[0] for m in sys.modules})))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    ).stdout
    return set(json.loads(out.strip().splitlines()[-1])) & set(HEAVY)


@pytest.mark.parametrize("flag", ["--help", "--version", "export --help"])
def test_help_and_version_import_no_heavy_library(flag):
    assert imported_by(*flag.split()) == set()


def test_validate_needs_pandas_but_no_chart_or_web_library():
    assert imported_by("validate", str(DATA)) == {"pandas", "numpy", "pyarrow"}


def test_every_style_the_cli_offers_is_one_the_chart_draws():
    assert set(choices.STYLES) == set(chart_style.STYLES)
