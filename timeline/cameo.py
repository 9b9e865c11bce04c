"""CAMEO event codes and their Goldstein conflict–cooperation values (the table in cameo.csv).

Tone is reproducible when it is read off a published table: each event row names the CAMEO code
of what happened, and its tone is that code's value on the Goldstein (1992) scale, as in GDELT
and ICEWS. The table ships with the package so a dataset validates without a network.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

TABLE = Path(__file__).with_name("cameo.csv")


@dataclass(frozen=True)
class CameoCode:
    """One CAMEO event code: '163', 'Impose embargo, boycott, or sanctions', -8.0."""

    code: str
    name: str
    goldstein: float


@cache
def cameo_codes() -> dict[str, CameoCode]:
    """Every code in the table, by code (read once)."""
    with TABLE.open(encoding="utf-8", newline="") as handle:
        rows = csv.DictReader(line for line in handle if not line.startswith("#"))
        return {
            row["code"]: CameoCode(row["code"], row["name"], float(row["goldstein"]))
            for row in rows
        }


def goldstein(code: str) -> float | None:
    """The code's Goldstein value, or None for a code not in the table."""
    known = cameo_codes().get(code)
    return known.goldstein if known else None


def describe(code: str) -> str:
    """How a reader sees the code: 'CAMEO 163: impose embargo, boycott, or sanctions'.

    The codebook's 'not specified below' (which only says no narrower code applies) is left
    out; an unknown or empty code gives ''.
    """
    known = cameo_codes().get(code)
    if known is None:
        return ""
    name = re.sub(r",? not spec(ified)? below$", "", known.name)
    name = name.lower() if name.isupper() else name[:1].lower() + name[1:]
    return f"CAMEO {known.code}: {name}"
