"""What is wrong with a data file: one Problem per finding, all raised together as a DataError."""

from __future__ import annotations

from dataclasses import dataclass, field

_MAX_SHOWN = 50


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a data file, located precisely enough to fix it."""

    path: str
    line: int | None
    column: str | None
    value: str | None
    expected: str
    # Where in a file without useful line numbers (``events[3]`` in a JSON), or the row's title.
    place: str = field(default="", kw_only=True)

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        where += f" ({self.place})" if self.place else ""
        what = f"column '{self.column}'" if self.column else ""
        if self.value is not None:
            shown = self.value if len(self.value) <= 60 else self.value[:57] + "..."
            what = f"{what}: {shown!r}" if what else repr(shown)
        return f"{where}: {what} — {self.expected}" if what else f"{where}: {self.expected}"


class DataError(Exception):
    """A data file that cannot be used, with every problem found in it."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__(self.message)

    @property
    def message(self) -> str:
        count = len(self.problems)
        head = f"{self.problems[0].path}: {count} problem{'s' if count != 1 else ''} found"
        lines = [str(p) for p in self.problems[:_MAX_SHOWN]]
        if count > _MAX_SHOWN:
            lines.append(f"... and {count - _MAX_SHOWN} more")
        return "\n".join([head, *("  " + line for line in lines)])


def file_error(name: str, expected: str, line: int | None = None) -> DataError:
    """A DataError with one problem about the file as a whole (or one of its lines)."""
    return DataError([Problem(name, line, None, None, expected)])
