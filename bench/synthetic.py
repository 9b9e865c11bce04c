"""A seeded generator of synthetic datasets in the events.csv format.

.venv/bin/python bench/synthetic.py 100000 /tmp/events-100k.csv [--themes 10]
"""

from __future__ import annotations

import argparse
import csv
from pathlib import Path

import numpy as np

from timeline.data import COLUMNS

THEMES = (
    "security",
    "afghanistan",
    "nuclear",
    "india-kashmir",
    "china",
    "economy",
    "diplomacy",
    "trade",
    "energy",
    "migration",
    "health",
    "culture",
)
WORDS = [
    "talks",
    "agreement",
    "strike",
    "aid",
    "sanctions",
    "visit",
    "summit",
    "ceasefire",
    "border",
    "drone",
    "treaty",
    "loan",
    "protest",
    "election",
    "envoy",
    "minister",
    "army",
    "refugees",
    "trade",
    "corridor",
    "nuclear",
]


def write_synthetic(path: Path, rows: int, themes: int = 7, seed: int = 7) -> Path:
    rng = np.random.default_rng(seed)
    tags = THEMES[:themes]
    # Dates cluster in recent decades, as event data does.
    years = np.clip(2021 - rng.exponential(14, rows).astype(int), 1947, 2021)
    months = rng.integers(1, 13, rows)
    days = rng.integers(1, 29, rows)
    precision = rng.choice(["day", "month", "year"], rows, p=[0.8, 0.15, 0.05])
    flags = rng.choice(["", "~", "?"], rows, p=[0.9, 0.07, 0.03])
    lasting = rng.random(rows) < 0.05
    tone = np.round(np.clip(rng.normal(0, 4, rows), -10, 10), 1)
    importance = rng.choice([1, 2, 3], rows, p=[0.9, 0.09, 0.01])
    lengths = rng.integers(4, 40, rows)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(COLUMNS)
        for i in range(rows):
            y, m, d = years[i], months[i], days[i]
            start = {"day": f"{y}-{m:02d}-{d:02d}", "month": f"{y}-{m:02d}", "year": f"{y}"}[
                precision[i]
            ] + flags[i]
            end = f"{min(2021, y + 1)}" if lasting[i] else ""
            n_tags = 1 + (rng.random() < 0.3)
            words = " ".join(rng.choice(WORDS, lengths[i]))
            row = {
                "id": f"e{i}",
                "kind": "event",
                "start": start,
                "end": end,
                "title": f"Event {i}: {words[:60]}",
                "summary": words,
                "themes": ";".join(rng.choice(tags, n_tags, replace=False)),
                "tone": f"{tone[i]:g}",
                "importance": importance[i],
                "commentary": words[:80] if importance[i] == 3 else "",
                "source": "Synthetic benchmark data",
            }
            writer.writerow([row.get(c, "") for c in COLUMNS])
    return path


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("rows", type=int)
    parser.add_argument("path", type=Path)
    parser.add_argument("--themes", type=int, default=7)
    args = parser.parse_args()
    write_synthetic(args.path, args.rows, args.themes)
    print(f"wrote {args.path}")
