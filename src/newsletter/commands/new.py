"""`newsletter new`: start next week's issue, one file for each edition the desk publishes
(the languages of the latest week), all with the same number and date."""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from newsletter.errors import InputError, Problem, display_path
from newsletter.reading.editions import Edition, read_editions
from newsletter.rendering import i18n

SKELETON = """\
# yaml-language-server: $schema=schema.json
# Issue {number}, {language} edition: fill in every "" below, then run
# `newsletter check {path}`;
# until then it lists each field that is still empty.
number: {number}
date: {date}
language: {language}
# subject: "..."     # defaults to the lead's title
# preheader: "..."   # defaults to the lead's standfirst

lead:
  title: ""
  url: ""            # https://example.org/...
  standfirst: ""     # one sentence under the title
  gallery:           # photo paths are relative to this file, e.g. photos/01.jpg
    - photo: ""
      caption: ""
      credit: ""
  body: ""           # Markdown; for several paragraphs write `body: |` and indent them
  see_also: []       # - title: ...
                     #   url: https://...
{contact}
stories:             # "Also in this issue"
{stories}"""

STORY = """\
  - title: ""
    url: ""
    summary: ""
"""


def new(
    folder: Path,
    date: dt.date | None = None,
    languages: Sequence[str] = (),
    slug: str | None = None,
) -> None:
    """Start next week's issue in each edition in `folder` and say what to do next."""
    paths = next_issue(folder, date, languages=languages, slug=slug)
    for path in paths:
        print(f"created {display_path(path)}")
    them = "them" if len(paths) > 1 else "it"
    names = " ".join(display_path(path) for path in paths)
    print(f"fill {them} in, then run: newsletter check {names}")


def next_issue(
    folder: Path,
    date: dt.date | None = None,
    today: dt.date | None = None,
    *,
    languages: Sequence[str] = (),
    slug: str | None = None,
) -> list[Path]:
    """Write the skeleton of the next issue, one file an edition, into `folder`: the number
    after the highest, in the languages of the latest week (or `languages`); return the
    paths, the desk's first language first. On a date that has an issue already, the
    editions it lacks join it, with its number."""
    week = plan_week(folder, date, today, languages)
    paths = week.paths(folder, slug)
    for language, path in paths.items():
        write_new(path, skeleton(week, language, path))
    return list(paths.values())


def skeleton(week: Week, language: str, path: Path) -> str:
    """The text of an empty issue file for the `language` edition of `week`."""
    model = week.model(language)
    contact = f"  contact: {model.contact}" if model.contact else '  contact: ""'
    return SKELETON.format(
        number=week.number,
        date=week.date.isoformat(),
        language=language,
        path=display_path(path),
        contact=contact,
        stories=STORY * max(1, model.stories),
    )


@dataclass(frozen=True)
class Week:
    """The issue `newsletter new` starts: its number, date and editions, and the latest
    week's editions it follows."""

    number: int
    date: dt.date
    languages: list[str]  # the desk's first language first
    first: str
    latest: list[Edition]
    dated: list[Edition]  # the editions that exist on `date` already

    def paths(self, folder: Path, slug: str | None, default_slug: str = "") -> dict[str, Path]:
        """Each edition's file, `<date>-<slug>[-<language>].yaml`; raise InputError if one
        is taken."""
        dated = self.dated
        name = _slug(slug) if slug else (dated[0].slug if dated else "") or default_slug
        name = name or f"issue-{self.number}"
        paths = {
            language: folder / f"{self.date.isoformat()}-{name}"
            f"{'' if language == self.first else '-' + language}.yaml"
            for language in self.languages
        }
        _refuse_taken(paths, dated)
        return paths

    def model(self, language: str) -> Edition:
        """The latest week's edition in `language` (or its first), to start from."""
        return next((e for e in self.latest if e.language == language), self.latest[0])


def plan_week(
    folder: Path,
    date: dt.date | None = None,
    today: dt.date | None = None,
    languages: Sequence[str] = (),
) -> Week:
    """The next issue after the latest in `folder`: see `next_issue`."""
    editions = read_editions(folder)
    if not editions:
        message = "no issue file with a number and a date to start from"
        raise InputError([Problem(display_path(folder), None, None, message)])
    latest = max(edition.number for edition in editions)
    week = [edition for edition in editions if edition.number == latest]
    when = date or next_weekday(max(edition.date for edition in week), today or dt.date.today())
    first = _first_language(week)
    chosen = list(dict.fromkeys(languages)) or sorted(
        {e.language for e in week}, key=lambda language: (language != first, language)
    )
    _check_languages(chosen)
    dated = [edition for edition in editions if edition.date == when]
    number = dated[0].number if dated else latest + 1
    return Week(number, when, chosen, first, week, dated)


def write_new(path: Path, text: str) -> None:
    """Write a new file whole or not at all, and never over an existing one (even in a race):
    the text goes to a temporary file that is then linked under its name."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        temporary.write_text(text, encoding="utf-8")
        try:
            os.link(temporary, path)  # fails if `path` exists
        except FileExistsError:
            raise
        except OSError:  # a disk without hard links (FAT, some network shares)
            with path.open("x", encoding="utf-8") as out:  # still never over a file
                out.write(text)
    finally:
        temporary.unlink(missing_ok=True)


def _refuse_taken(paths: dict[str, Path], dated: list[Edition]) -> None:
    """Refuse an edition whose file, or whose language on that date, exists already."""
    problems = []
    for language, path in paths.items():
        same = next((e for e in dated if e.language == language), None)
        if path.exists():
            message = "already exists: choose another --date or --slug, or remove it"
            problems.append(Problem(display_path(path), None, None, message))
        elif same is not None:
            message = f"the {language} edition of {same.date.isoformat()} exists already"
            problems.append(Problem(display_path(same.path), None, None, message))
    if problems:
        raise InputError(problems)


def next_weekday(last: dt.date, today: dt.date) -> dt.date:
    """A week after the last issue; if that day is past, the last issue's weekday in the
    calendar week after this one (next week's same weekday)."""
    week_later = last + dt.timedelta(days=7)
    if week_later >= today:
        return week_later
    next_monday = today + dt.timedelta(days=7 - today.weekday())
    return next_monday + dt.timedelta(days=last.weekday())


def _first_language(week: list[Edition]) -> str:
    """The desk's first language: that of the week's file without a language in its name."""
    plain = [e for e in week if not e.path.stem.endswith(f"-{e.language}")]
    return (plain or week)[0].language


def _check_languages(languages: list[str]) -> None:
    unknown = [language for language in languages if not i18n.known_language(language)]
    if unknown:
        message = i18n.unknown_language(unknown[0])
        raise InputError([Problem("--language", None, None, message)])


def _slug(text: str) -> str:
    """`text` as a file-name slug: lower-case letters, digits and hyphens."""
    words = re.findall(r"[^\W_]+", text.lower())
    if not words:
        raise InputError([Problem("--slug", None, None, f"no letters or digits in {text!r}")])
    return "-".join(words)
