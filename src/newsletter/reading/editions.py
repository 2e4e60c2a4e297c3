"""The editions of one week: the issue files that share a number (and a date), one a language,
named `YYYY-MM-DD-slug.yaml` for the desk's first language and `YYYY-MM-DD-slug-ru.yaml` for
the others. `newsletter new` starts them together; `newsletter check` warns when they disagree.

Only what identifies an edition is read here (number, date, language, photos...), leniently:
a file too broken for that is not an edition of anything, and `check` reports it on its own.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from newsletter.errors import InputError, display_path
from newsletter.reading.load import load_yaml

DEFAULT_LANGUAGE = "en"  # an issue file without `language:`


@dataclass(frozen=True)
class Edition:
    """One issue file, as far as its week is concerned."""

    path: Path
    number: int
    date: dt.date
    language: str
    photos: frozenset[str]  # the lead gallery's photo paths
    contact: str | None
    stories: int
    urls: frozenset[str]  # of the lead, its "see also" links and the stories

    @property
    def slug(self) -> str:
        """The name after the date, without the language: `khorog` of
        `2012-07-31-khorog-ru.yaml`."""
        stem = self.path.stem.removesuffix(f"-{self.language}")
        parts = stem.split("-", 3)
        return parts[3] if len(parts) == 4 else ""


def read_editions(
    folder: Path, pattern: str = "*.yaml", leave_out: Path | None = None
) -> list[Edition]:
    """Every issue file in `folder` (matching `pattern`, but `leave_out`) with a number and a
    date, sorted by file name."""
    found = []
    skip = leave_out.resolve() if leave_out else None
    for path in sorted(folder.glob(pattern)):
        if skip is not None and path.resolve() == skip:
            continue
        try:
            data, _ = load_yaml(path, display_path(path))
        except InputError:
            continue
        edition = _edition(path, data)
        if edition is not None:
            found.append(edition)
    return found


def _edition(path: Path, data: Any) -> Edition | None:
    if not isinstance(data, dict):
        return None
    number, date = data.get("number"), data.get("date")
    if not isinstance(number, int) or not isinstance(date, dt.date):
        return None
    lead = data["lead"] if isinstance(data.get("lead"), dict) else {}
    gallery = lead.get("gallery")
    items = gallery if isinstance(gallery, list) else []
    photos = {item["photo"] for item in items if isinstance(item, dict) and "photo" in item}
    stories = data.get("stories")
    contact = lead.get("contact")
    linked = [lead, *_records(lead.get("see_also")), *_records(stories)]
    return Edition(
        path=path,
        number=number,
        date=date,
        language=str(data.get("language") or DEFAULT_LANGUAGE),
        photos=frozenset(str(photo) for photo in photos),
        contact=contact if isinstance(contact, str) else None,
        stories=len(stories) if isinstance(stories, list) else 1,
        urls=frozenset(str(r["url"]) for r in linked if isinstance(r.get("url"), str)),
    )


def _records(value: Any) -> list[dict[str, Any]]:
    """The mappings of a list in the issue file (its other entries are not read)."""
    return [entry for entry in value if isinstance(entry, dict)] if isinstance(value, list) else []


def week_files(path: Path) -> str:
    """The files that may hold the other editions of the issue at `path`: those named with
    its date (`2012-07-31-*.yaml`), as `newsletter new` names them; all, if its name has no
    date. (Reading every file of a folder of years of issues would slow every build.)"""
    prefix = path.name[:10]
    dated = (
        len(prefix) == 10 and prefix[4] == prefix[7] == "-" and prefix.replace("-", "").isdigit()
    )
    return f"{prefix}*.yaml" if dated else "*.yaml"
