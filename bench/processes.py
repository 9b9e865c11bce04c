"""Counting the Chromium processes a process tree owns, to prove exports leak none."""

from __future__ import annotations

import os
from pathlib import Path


def _ppid_and_name(pid: int) -> tuple[int, str] | None:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
        cmd = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")[0].decode(errors="replace")
    except OSError:
        return None
    ppid = int(stat.rsplit(")", 1)[1].split()[1])
    return ppid, cmd


def chromium_processes(root: int | None = None) -> list[int]:
    """Pids of Chromium processes descended from ``root`` (this process by default)."""
    root = os.getpid() if root is None else root
    table = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            info = _ppid_and_name(int(entry.name))
            if info:
                table[int(entry.name)] = info
    found = []
    for pid, (_, cmd) in table.items():
        if "chrom" not in os.path.basename(cmd):
            continue
        seen, parent = set(), pid
        while parent in table and parent not in seen and parent != root:
            seen.add(parent)
            parent = table[parent][0]
        if parent == root:
            found.append(pid)
    return found
