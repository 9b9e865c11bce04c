"""Speed at scale: load, figure, filter change and export for synthetic datasets.

    .venv/bin/python bench/scale_bench.py              # 50 (shipped), 1k, 10k, 100k
    .venv/bin/python bench/scale_bench.py --sizes 1000000

Each size runs in its own process so its peak memory is its own. Medians of --runs runs.
The "naive" column is the straightforward way for comparison: a per-row date parser.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]


def _median_time(fn, runs: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(runs):
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), result


def measure(path: str, runs: int) -> dict:
    import plotly.io as pio

    from timeline.callbacks import APP_STYLE
    from timeline.data import load_dataset
    from timeline.export import ExportEngine, ImageSpec
    from timeline.filters import EventFilter, filter_events
    from timeline.layout import grid_rows
    from timeline.views import build_view_figure, export_view

    load_s, dataset = _median_time(lambda: load_dataset(path), runs)
    ev = dataset.events
    naive_s, _ = _median_time(
        lambda: [
            date.fromisoformat(s.rstrip("~?")) if len(s.rstrip("~?")) == 10 else None
            for s in ev["start_text"]
        ],
        1,
    )
    figure_s, _ = _median_time(
        lambda: build_view_figure(dataset, EventFilter(), style=APP_STYLE), runs
    )
    theme = dataset.themes[0]

    def filter_change():
        flt = EventFilter((theme,))
        shown = filter_events(dataset, flt)
        fig = build_view_figure(dataset, flt, style=APP_STYLE, events=shown)
        return len(pio.to_json(fig)) + len(json.dumps(grid_rows(shown, dataset)))

    filter_s, response_bytes = _median_time(filter_change, runs)
    engine = ExportEngine()
    spec = ImageSpec.build("png")
    export_view(dataset, EventFilter(), spec, engine)  # warm the browser
    export_s, _ = _median_time(lambda: export_view(dataset, EventFilter(), spec, engine), runs)
    engine.close()
    return {
        "rows": len(ev),
        "load_s": load_s,
        "naive_dates_s": naive_s,
        "figure_s": figure_s,
        "filter_s": filter_s,
        "response_mb": response_bytes / 1e6,
        "export_s": export_s,
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="*", default=[1000, 10_000, 100_000])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--one", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(measure(args.one, args.runs)))
        return
    from synthetic import write_synthetic

    results = []
    with tempfile.TemporaryDirectory() as tmp:
        paths = [str(ROOT / "data" / "events.csv")]
        paths += [str(write_synthetic(Path(tmp) / f"{n}.csv", n)) for n in args.sizes]
        for path in paths:
            out = subprocess.run(
                [sys.executable, __file__, "--one", path, "--runs", str(args.runs)],
                capture_output=True,
                text=True,
                check=True,
            )
            results.append(json.loads(out.stdout.strip().splitlines()[-1]))
    print(
        "| rows | load + validate | per-row date parse (naive) | build figure | "
        "filter change (server) | response | export PNG (warm) | peak memory |"
    )
    print("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for r in results:
        print(
            f"| {r['rows']:,} | {r['load_s'] * 1000:,.0f} ms | {r['naive_dates_s'] * 1000:,.0f} ms"
            f" | {r['figure_s'] * 1000:,.0f} ms | {r['filter_s'] * 1000:,.0f} ms"
            f" | {r['response_mb']:.2f} MB | {r['export_s']:.2f} s | {r['peak_mb']:,.0f} MB |"
        )


if __name__ == "__main__":
    main()
