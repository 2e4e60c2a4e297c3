"""Quotation marks and apostrophes as the edition's language writes them.

Editors type straight quotes (`"`, `'`); the reader should see the language's own: “...”
and desk’s in English, «...» and „...“ in Russian. The marks come from Unicode CLDR's
delimiters (cldr_quotes.json beside this file, with CLDR's licence): quotationStart/End for
quotes, alternateQuotation... for quotes inside quotes. Every text field a reader sees is set
this way (titles, standfirst, captions, credits, summaries, the settings' name, tagline and
address) and the Markdown body too (markdown-it's typographer, which leaves code and link
addresses alone); addresses, photo paths, merge tags and the subject line are never touched.
"""

from __future__ import annotations

import dataclasses
import functools
import json
import re

from newsletter.reading.model import Issue, Link, Photo, Story
from newsletter.reading.settings import Settings

ROOT = "und"  # CLDR's fallback locale
ENGLISH = "\u201c\u201d\u2018\u2019"  # “”‘’: open, close, inner open, inner close
_OPENS_AFTER = " \t\n([{\u00ab\u201e\u201c\u2018\u2014\u2013/-"  # a quote after these opens


@functools.cache
def _table() -> dict[str, str]:
    from importlib import resources

    data = resources.files("newsletter.rendering").joinpath("cldr_quotes.json").read_text("utf-8")
    return {key: value for key, value in json.loads(data).items() if not key.startswith("_")}


def quotes_for(language: str) -> str:
    """The four marks of `language` (open, close, inner open, inner close): the locale's own,
    or its language's, or CLDR's root."""
    table = _table()
    code = language.replace("_", "-")
    return table.get(code) or table.get(code.split("-")[0]) or table[ROOT]


_APOSTROPHE = re.compile(r"(?<=\w)'(?=\w)|(?<=\d)'|'(?=\d\ds\b)")


def smarten(text: str, quotes: str) -> str:
    """`text` with its straight quotes replaced by `quotes` (as quotes_for gives them) and its
    apostrophes by ’."""
    if "'" not in text and '"' not in text:
        return text
    text = _APOSTROPHE.sub("\u2019", text)
    out = []
    inner = False  # a single quote has opened a quote inside a quote
    for position, char in enumerate(text):
        if char not in "'\"":
            out.append(char)
            continue
        opening = (text[position - 1] if position else " ") in _OPENS_AFTER
        if char == '"':
            out.append(quotes[0] if opening else quotes[1])
        elif opening:
            out.append(quotes[2])
            inner = True
        else:  # closes the inner quote, or is an apostrophe after a word (the desks’ photos)
            out.append(quotes[3] if inner else "\u2019")
            inner = False
    return "".join(out)


def typeset_issue(issue: Issue, quotes: str) -> Issue:
    """The issue with every text a reader sees typeset; the subject line stays as written."""
    lead = issue.lead
    return dataclasses.replace(
        issue,
        preheader=_maybe(issue.preheader, quotes),
        lead=dataclasses.replace(
            lead,
            title=smarten(lead.title, quotes),
            standfirst=smarten(lead.standfirst, quotes),
            gallery=[_photo(photo, quotes) for photo in lead.gallery],
            see_also=[_link(link, quotes) for link in lead.see_also],
        ),
        stories=[_story(story, quotes) for story in issue.stories],
        subject=issue.subject or lead.title,  # the message's subject: exactly as written
    )


def typeset_settings(settings: Settings, quotes: str) -> Settings:
    """The settings with the texts the e-mail shows typeset (name, tagline, address)."""
    return dataclasses.replace(
        settings,
        name=smarten(settings.name, quotes),
        tagline=_maybe(settings.tagline, quotes),
        sender=dataclasses.replace(
            settings.sender, postal_address=smarten(settings.sender.postal_address, quotes)
        ),
    )


def _maybe(text: str | None, quotes: str) -> str | None:
    return smarten(text, quotes) if text else text


def _photo(photo: Photo, quotes: str) -> Photo:
    return dataclasses.replace(
        photo,
        caption=smarten(photo.caption, quotes),
        credit=_maybe(photo.credit, quotes),
        alt=_maybe(photo.alt, quotes),
    )


def _link(link: Link, quotes: str) -> Link:
    return dataclasses.replace(link, title=smarten(link.title, quotes))


def _story(story: Story, quotes: str) -> Story:
    return dataclasses.replace(
        story, title=smarten(story.title, quotes), summary=smarten(story.summary, quotes)
    )
