"""`newsletter new`: start next week's issue, one file for each edition the desk publishes
(the languages of the latest week), all with the same number and date."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
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
    name = _slug(slug) if slug else (dated[0].slug if dated else "") or f"issue-{number}"
    paths = {
        language: folder
        / f"{when.isoformat()}-{name}{'' if language == first else '-' + language}.yaml"
        for language in chosen
    }
    _refuse_taken(paths, dated)
    for language, path in paths.items():
        model = next((e for e in week if e.language == language), week[0])
        contact = f"  contact: {model.contact}" if model.contact else '  contact: ""'
        text = SKELETON.format(
            number=number,
            date=when.isoformat(),
            language=language,
            path=display_path(path),
            contact=contact,
            stories=STORY * max(1, model.stories),
        )
        with path.open("x", encoding="utf-8") as out:  # never overwrites, even in a race
            out.write(text)
    return list(paths.values())


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
