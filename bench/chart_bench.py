"""The chart's cost per view, this checkout against another: figure build and a warm export.

    git worktree add /tmp/before <rev>          # the version to compare with
    .venv/bin/python bench/chart_bench.py --against /tmp/before

Each checkout runs in its own process on the same data files (the other checkout's shipped CSV,
which both can read, and seeded synthetic sets), alternating, several rounds. Figure build is
CPU time (``time.process_time``), which a busy machine disturbs far less than wall time; the
warm PNG export is wall time (most of it is Chromium drawing). Medians; prints a table.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# Run inside a checkout (argv[1]) on data files (argv[2:]); prints one JSON line.
_PROBE = r"""
import json, statistics, sys, time
sys.path.insert(0, sys.argv[1])
from timeline.data import load_dataset
from timeline.export import ExportEngine, ImageSpec
from timeline.filters import EventFilter
from timeline.views import build_view_figure, export_view
try:
    from timeline.chart import FigureStyle
except ImportError:
    from timeline.figures import FigureStyle
VIEWS = [EventFilter(), EventFilter(("security",), "2001", "2021"), EventFilter(("china",))]
style = FigureStyle(width=1000, height=600)
out = {}
for path in sys.argv[2:]:
    ds = load_dataset(path)
    for flt in VIEWS:
        build_view_figure(ds, flt, style=style, as_dict=True)
    times = []
    for _ in range(7):
        t = time.process_time()
        for flt in VIEWS:
            build_view_figure(ds, flt, style=style, as_dict=True)
        times.append((time.process_time() - t) / len(VIEWS))
    out[path] = statistics.median(times)
engine = ExportEngine()
ds = load_dataset(sys.argv[2])
spec = ImageSpec.build("png")
export_view(ds, EventFilter(), spec, engine)
times = []
for _ in range(5):
    t = time.perf_counter()
    export_view(ds, EventFilter(), spec, engine)
    times.append(time.perf_counter() - t)
out["export"] = statistics.median(times)
engine.close()
print(json.dumps(out))
"""


def _run(tree: Path, files: list[str]) -> dict:
    done = subprocess.run(
        [sys.executable, "-c", _PROBE, str(tree), *files],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def _synthetic(tree: Path, path: Path, rows: int) -> str:
    """Seeded synthetic events written by the other checkout, in columns both can read."""
    env = {**os.environ, "PYTHONPATH": str(tree)}
    script = tree / "bench" / "synthetic.py"
    subprocess.run([sys.executable, str(script), str(rows), str(path)], env=env, check=True)
    return str(path)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--against", type=Path, required=True, help="another checkout")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        files = [str(args.against / "data" / "events.csv")]
        for rows in (1_000, 10_000):
            files.append(_synthetic(args.against, Path(tmp) / f"events-{rows}.csv", rows))
        runs: dict[str, list[dict]] = {"before": [], "this": []}
        for _ in range(args.rounds):
            runs["before"].append(_run(args.against, files))
            runs["this"].append(_run(ROOT, files))
    names = ["shipped data (theirs)", "1,000 synthetic", "10,000 synthetic"]
    print("| measure | before | this checkout | change |")
    print("| --- | ---: | ---: | ---: |")
    for key, name in [*zip(files, names, strict=True), ("export", "warm PNG export 1920×1080")]:
        before = statistics.median(r[key] for r in runs["before"])
        now = statistics.median(r[key] for r in runs["this"])
        unit, k = ("s", 1) if key == "export" else ("ms", 1000)
        label = name if key == "export" else f"figure build (CPU), {name}"
        change = f"{now / before - 1:+.0%}"
        print(f"| {label} | {before * k:.2f} {unit} | {now * k:.2f} {unit} | {change} |")


if __name__ == "__main__":
    main()
