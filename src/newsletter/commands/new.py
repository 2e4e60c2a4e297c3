"""`newsletter new`: start the next issue file from the latest one."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from newsletter.errors import InputError, Problem, display_path
from newsletter.reading.load import load_yaml

SKELETON = """\
# yaml-language-server: $schema=schema.json
# Issue {number}: fill in every "" below, then run `newsletter check {path}`;
# until then it lists each field that is still empty. Rename the file to
# {date}-<topic>.yaml if you like.
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


@dataclass(frozen=True)
class Latest:
    """What the next issue inherits from the latest one."""

    path: Path
    number: int
    date: dt.date
    language: str
    contact: str | None
    stories: int


def new(folder: Path, date: dt.date | None = None) -> None:
    """Start the next issue file in `folder` and say what to do next."""
    path = next_issue(folder, date)
    print(f"created {path}: fill it in, then run: newsletter check {path}")


def next_issue(folder: Path, date: dt.date | None = None, today: dt.date | None = None) -> Path:
    """Write the next issue's skeleton into `folder`; return its path."""
    latest = latest_issue(folder)
    when = date or next_weekday(latest.date, today or dt.date.today())
    path = folder / f"{when.isoformat()}.yaml"
    if path.exists():
        raise InputError(
            [
                Problem(
                    display_path(path),
                    None,
                    None,
                    "already exists: choose another --date or remove it",
                )
            ]
        )
    contact = f"  contact: {latest.contact}" if latest.contact else '  contact: ""'
    text = SKELETON.format(
        number=latest.number + 1,
        date=when.isoformat(),
        language=latest.language,
        path=display_path(path),
        contact=contact,
        stories=STORY * max(1, latest.stories),
    )
    with path.open("x", encoding="utf-8") as out:  # never overwrites, even in a race
        out.write(text)
    return path


def next_weekday(last: dt.date, today: dt.date) -> dt.date:
    """The first day after today that falls on the same weekday as the last issue."""
    ahead = (last.weekday() - today.weekday()) % 7 or 7
    return today + dt.timedelta(days=ahead)


def latest_issue(folder: Path) -> Latest:
    """The issue file with the highest number (then the latest date) in `folder`."""
    found: list[Latest] = []
    for path in sorted(folder.glob("*.yaml")):
        try:
            data, _ = load_yaml(path, display_path(path))
        except InputError:
            continue  # a broken file cannot be the model for the next one
        if not isinstance(data, dict):
            continue
        number, date = data.get("number"), data.get("date")
        if not isinstance(number, int) or not isinstance(date, dt.date):
            continue
        lead = data["lead"] if isinstance(data.get("lead"), dict) else {}
        stories = data.get("stories")
        found.append(
            Latest(
                path=path,
                number=number,
                date=date,
                language=str(data.get("language", "en")),
                contact=lead.get("contact") if isinstance(lead.get("contact"), str) else None,
                stories=len(stories) if isinstance(stories, list) else 1,
            )
        )
    if not found:
        raise InputError(
            [
                Problem(
                    display_path(folder),
                    None,
                    None,
                    "no issue file with a number and a date to start from",
                )
            ]
        )
    return max(found, key=lambda latest: (latest.number, latest.date))
