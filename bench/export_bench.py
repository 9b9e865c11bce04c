"""Export speed: the first export (browser start), the following ones, and a 10-theme batch.

.venv/bin/python bench/export_bench.py
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

from synthetic import write_synthetic  # noqa: E402

from timeline.data import load_dataset  # noqa: E402
from timeline.export import ExportEngine, ImageSpec  # noqa: E402
from timeline.filters import EventFilter  # noqa: E402
from timeline.views import export_view  # noqa: E402


def main() -> None:
    dataset = load_dataset(ROOT / "data" / "events.csv")
    spec = ImageSpec.build("png", preset="slide-16x9")
    engine = ExportEngine()
    t0 = time.perf_counter()
    export_view(dataset, EventFilter(), spec, engine)
    first = time.perf_counter() - t0
    following = []
    for theme in dataset.themes[:5]:
        t0 = time.perf_counter()
        export_view(dataset, EventFilter((theme,)), spec, engine)
        following.append(time.perf_counter() - t0)
    with tempfile.TemporaryDirectory() as tmp:
        ten = load_dataset(write_synthetic(Path(tmp) / "ten.csv", 500, themes=10))
        t0 = time.perf_counter()
        for theme in ten.themes:
            export_view(ten, EventFilter((theme,)), spec, engine)
        batch = time.perf_counter() - t0
    engine.close()
    warm = statistics.median(following)
    print("| measure | seconds |\n| --- | --- |")
    print(f"| first export (starts Chromium), PNG 1920×1080 | {first:.2f} |")
    print(f"| following exports, median of {len(following)} | {warm:.2f} |")
    print(f"| 10-theme batch (10 PNGs, one browser) | {batch:.2f} |")
    print(f"| first ÷ following | {first / warm:.1f}× |")


if __name__ == "__main__":
    main()
