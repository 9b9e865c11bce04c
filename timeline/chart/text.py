"""Text measured before it is drawn, so boxes and labels are laid out to fit what they hold.

Widths are Arial's (Liberation Sans and Helvetica share them), in thousandths of an em, which is
what the chart's font stack falls back to where Inter and Segoe UI are not installed; a small
safety margin covers the fonts with slightly wider letters.
"""

from __future__ import annotations

# Advance widths of the printable ASCII characters (32-126), regular and bold.
_REGULAR = (
    "278 278 355 556 556 889 667 191 333 333 389 584 278 333 278 278 556 556 556 556 556 556 556 "
    "556 556 556 278 278 584 584 584 556 1015 667 667 722 722 667 611 778 722 278 500 667 556 833 "
    "722 778 667 778 722 667 611 722 667 944 667 667 611 278 278 278 469 556 333 556 556 500 556 "
    "556 278 556 556 222 222 500 222 833 556 556 556 556 333 500 278 556 500 722 500 500 500 334 "
    "260 334 584"
)
_BOLD = (
    "278 333 474 556 556 889 722 238 333 333 389 584 278 333 278 278 556 556 556 556 556 556 556 "
    "556 556 556 333 333 584 584 584 611 975 722 722 722 722 667 611 778 722 278 556 722 611 833 "
    "722 778 667 778 722 667 611 722 667 944 667 667 611 333 278 333 584 556 333 556 611 556 611 "
    "556 333 611 611 278 278 556 278 889 611 611 611 611 389 556 333 611 556 778 556 556 500 389 "
    "280 389 584"
)
_WIDTHS = {
    False: dict(zip(map(chr, range(32, 127)), map(int, _REGULAR.split()), strict=True)),
    True: dict(zip(map(chr, range(32, 127)), map(int, _BOLD.split()), strict=True)),
}
_OTHER = {"“": 500, "”": 500, "‘": 278, "’": 278, "–": 556, "—": 1000, "…": 1000, "▲": 990}
_OTHER |= {"▼": 990, "·": 278, "−": 584, "×": 584}
_UNKNOWN = 700  # letters outside the table (accented, other scripts): wider than most
SAFETY = 1.06


def text_width(text: str, size: float, *, bold: bool = False) -> float:
    """The width of one line of ``text`` at ``size`` pixels."""
    table = _WIDTHS[bold]
    units = sum(table.get(c) or _OTHER.get(c, _UNKNOWN) for c in text)
    return units / 1000 * size * SAFETY


def wrap_to_width(text: str, size: float, max_px: float, *, bold: bool = False) -> list[str]:
    """``text`` in lines no wider than ``max_px``, broken at spaces, never cut.

    A single word wider than ``max_px`` keeps a line of its own (the caller sizes the box to
    the widest line), so nothing is ever lost.
    """
    lines: list[str] = []
    line = ""
    for word in text.split():
        trial = f"{line} {word}" if line else word
        if line and text_width(trial, size, bold=bold) > max_px:
            lines.append(line)
            line = word
        else:
            line = trial
    if line:
        lines.append(line)
    return lines


def widest(lines: list[str], size: float, *, bold: bool = False) -> float:
    return max((text_width(line, size, bold=bold) for line in lines), default=0.0)
