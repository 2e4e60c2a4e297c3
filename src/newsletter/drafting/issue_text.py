"""The text of a drafted issue file: the lead and stories filled in from the feed's items,
every value quoted as YAML, and each field the feed could not fill left "" with a comment,
so that `newsletter check` lists it for the editor."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import yaml

from newsletter.drafting.feed import Item
from newsletter.reading.sentences import CAPTION_LIMIT, CREDIT_LIMIT, shorten

MAX_STORIES = 10  # "Also in this issue"; the rest are listed in a comment
TITLE_LIMIT = 300


@dataclass(frozen=True)
class DraftPhoto:
    """A gallery photo or a story's photo: its path in the issue file, or "" and why."""

    path: str
    caption: str
    credit: str
    problem: str = ""
    caption_from: str = ""  # where in the photo file the caption was read, if it was
    credit_from: str = ""


@dataclass(frozen=True)
class Draft:
    """What one edition's file is made of."""

    number: int
    date: dt.date
    language: str
    feed_url: str
    since: dt.date
    lead: Item
    gallery: Sequence[DraftPhoto]
    stories: Sequence[tuple[Item, DraftPhoto | None]]
    left_out: Sequence[Item]
    contact: str | None


def issue_text(draft: Draft, display: str, source: str | None = None) -> str:
    """The YAML of a drafted issue file (`display`: its path, for the instructions). With
    `source` (a language), the file of an edition that has no feed of its own: the texts are
    left to translate, each with the `source` edition's text in a comment beside it; the
    photos and credits are the same."""
    lead = draft.lead
    text = _Texts(source)
    if source:
        origin = [
            f"# Issue {draft.number}, {draft.language} edition, to translate from the {source} "
            f"edition drafted from {draft.feed_url}:",
            f"# each field's {source} text is in the comment beside it. "
            f"`newsletter check {display}` lists what is missing.",
        ]
    else:
        origin = [
            f"# Issue {draft.number}, {draft.language} edition, drafted from {draft.feed_url},",
            f'# its items since {draft.since.isoformat()}. Read every field, fill in each "" '
            "left and write the body;",
            f"# `newsletter check {display}` lists what is missing.",
        ]
    lines = [
        "# yaml-language-server: $schema=schema.json",
        *origin,
        f"number: {draft.number}",
        f"date: {draft.date.isoformat()}",
        f"language: {draft.language}",
        '# subject: "..."     # defaults to the lead\'s title',
        '# preheader: "..."   # defaults to the lead\'s standfirst',
        "",
        "lead:",
        text(2, "title", shorten(lead.title, TITLE_LIMIT), "the feed gives no title"),
        text(2, "url", lead.url, "the feed gives no link: https://..."),
        text(2, "standfirst", shorten(lead.summary), "one sentence under the title"),
        "  gallery:           # photo paths are relative to this file",
        *[line for photo in draft.gallery for line in _photo(photo, text)],
        '  body: ""           # Markdown; the story as the e-mail tells it: write it here',
        "  see_also: []       # - title: ...",
        "                     #   url: https://...",
        f"  contact: {_quoted(draft.contact)}" if draft.contact else "  # contact: ...",
        "",
        'stories:             # "Also in this issue"',
        *[line for item, photo in draft.stories for line in _story(item, photo, text)],
    ]
    if not draft.stories:
        lines[-1] = "stories: []         # the feed had no other new items"
    if draft.left_out and not source:
        lines += ["  # Also new on the site, left out (at most 10 stories); swap any in:"]
        lines += [f"  #   {_quoted(item.title)} {_one_line(item.url)}" for item in draft.left_out]
    return "\n".join(lines) + "\n"


class _Texts:
    """Writes a text field: its value, or in an edition to translate `""` and the value in a
    comment."""

    def __init__(self, source: str | None) -> None:
        self.source = source

    def __call__(self, indent: int, name: str, value: str, why_empty: str) -> str:
        if self.source and value:
            return f'{" " * indent}{name}: ""  # {self.source}: {_one_line(value)}'
        return _field(indent, name, value, why_empty)


def _photo(photo: DraftPhoto, text: _Texts) -> list[str]:
    why = f"download failed: {photo.problem}" if photo.problem else "the feed has no photo here"
    caption = shorten(photo.caption, CAPTION_LIMIT)
    credit = shorten(photo.credit, CREDIT_LIMIT)
    return [
        "    - " + _field(0, "photo", photo.path, why),
        _noted(text(6, "caption", caption, "the feed gives none: what does it show?"),
               photo.caption_from),
        _noted(_field(6, "credit", credit, "the feed gives none: who took it?"),
               photo.credit_from),
    ]  # fmt: skip


def _noted(line: str, source: str) -> str:
    """`line`, saying where in the photo file its text was read."""
    return f"{line}  # from the photo file's {_one_line(source)}: read it" if source else line


def _story(item: Item, photo: DraftPhoto | None, text: _Texts) -> list[str]:
    lines = [
        "  - " + text(0, "title", shorten(item.title, TITLE_LIMIT), "the feed gives no title"),
        text(4, "url", item.url, "the feed gives no link: https://..."),
        text(4, "summary", shorten(item.summary), "a sentence or two"),
    ]
    if photo is not None and photo.path:
        lines.append(_field(4, "photo", photo.path, ""))
    elif photo is not None:
        lines.append(f"    # photo: the download failed: {_one_line(photo.problem)}")
    return lines


def _field(indent: int, name: str, value: str, why_empty: str) -> str:
    """`name: "value"`, or `name: ""  # why_empty` when there is no value."""
    if value:
        return f"{' ' * indent}{name}: {_quoted(value)}"
    return f'{" " * indent}{name}: ""  # {_one_line(why_empty)}'


def _quoted(text: str) -> str:
    """`text` as a double-quoted YAML scalar on one line (escapes where YAML needs them)."""
    dumped: str = yaml.safe_dump(text, allow_unicode=True, default_style='"', width=1 << 30)
    return dumped.removesuffix("\n")


def _one_line(text: str) -> str:
    """`text` safe in a YAML comment: every kind of line break and space (U+2028 too) one
    space."""
    return " ".join(text.split())
