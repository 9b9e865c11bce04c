"""A dataset's metadata (``events.toml`` beside ``events.csv``) read into a DatasetInfo."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from timeline.data.fields import slugify
from timeline.data.info_schema import info_problems
from timeline.data.problems import DataError, Problem


@dataclass(frozen=True)
class DatasetInfo:
    """What a dataset is about and where its commentary comes from (``<csv>.toml``)."""

    title: str
    subtitle: str = ""
    slug: str = "timeline"
    about: str = ""
    source: dict = field(default_factory=dict)
    cited: dict = field(default_factory=dict)
    theme_labels: dict[str, str] = field(default_factory=dict)
    # False for data that codes no tone (a TimelineJS file, or one converted from it): its
    # events may leave tone empty, and have no dot on the swing strip.
    tone_coded: bool = True

    @property
    def attribution(self) -> str:
        """One line naming the article the commentary comes from."""
        src = self.source
        parts = [f"‘{src['title']}’" if src.get("title") else "", src.get("author", "")]
        parts += [src.get("publisher", ""), str(src.get("date", ""))]
        return ", ".join(p for p in parts if p)

    @property
    def author_short(self) -> str:
        """The commentary author's name as a quote is signed: 'Saleem Qamar Butt'."""
        author = self.source.get("author", "")
        return re.sub(r"^(Brigadier|Brig\.|Gen\.|General|Dr\.?)\s+|\s*\(.*\)$", "", author).strip()


def load_info(path: Path, default_title: str = "Timeline") -> DatasetInfo:
    """Read a dataset's metadata TOML; a missing file gives plain defaults.

    Keys the loader does not use (``[dataset] countries``, say) are accepted and ignored.
    """
    if not path.exists():
        title = default_title.replace("_", " ").replace("-", " ").strip().capitalize()
        return DatasetInfo(title=title or "Timeline", slug=slugify(default_title) or "timeline")
    try:
        text = path.read_text(encoding="utf-8")
        raw = tomllib.loads(text)
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise DataError([Problem(str(path), None, None, None, f"not valid TOML: {exc}")]) from None
    problems = info_problems(str(path), text, raw)
    if problems:
        raise DataError(problems)
    dataset = raw.get("dataset", {})
    return DatasetInfo(
        title=str(dataset.get("title") or default_title),
        subtitle=str(dataset.get("subtitle", "")),
        slug=slugify(str(dataset.get("slug") or default_title)) or "timeline",
        about=str(dataset.get("about", "")).strip(),
        source=dict(raw.get("source", {})),
        cited=dict(raw.get("cited", {})),
        theme_labels={str(k): str(v) for k, v in raw.get("themes", {}).items()},
        tone_coded=dataset.get("tone_coded", True) is not False,
    )
