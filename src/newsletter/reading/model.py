"""The issue file as data: what an editor may write. `validate.py` checks it field by field."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from newsletter.reading.fields import Email, Language, Positive, Text, TextOrEmpty, Url, doc
from newsletter.reading.validate import check_declarations


@dataclass(frozen=True)
class Photo:
    """One photo of the lead story's gallery."""

    photo: Text = field(metadata=doc("Path of the image file, relative to the issue file."))
    caption: TextOrEmpty = field(
        default="",
        metadata=doc(
            'What the photo shows; printed under it. Left out or "": the caption written '
            "in the photo file (IPTC/XMP)."
        ),
    )
    credit: TextOrEmpty | None = field(
        default=None,
        metadata=doc(
            'Who took the photo, e.g. IWPR. Left out or "": the credit written in the photo '
            "file (IPTC/XMP), if any."
        ),
    )
    alt: Text | None = field(
        default=None,
        metadata=doc(
            "What the photo shows, for screen readers and images off; not the caption again "
            '(printed under it). Left out: a short label, "Photo 2 of 9".'
        ),
    )


@dataclass(frozen=True)
class Link:
    """A related article, shown as "See also"."""

    title: Text
    url: Url


@dataclass(frozen=True)
class Lead:
    """The issue's lead story."""

    title: Text
    url: Url
    standfirst: Text = field(metadata=doc("The one-sentence summary under the title."))
    body: Text = field(
        metadata=doc(
            "Markdown: paragraphs, emphasis, links, lists, quotes, headings, tables, footnotes."
        )
    )
    gallery: list[Photo] = field(default_factory=list)
    see_also: list[Link] = field(default_factory=list)
    contact: Email | None = field(default=None, metadata=doc("Where readers write about it."))


@dataclass(frozen=True)
class Story:
    """One entry of "Also in this issue"."""

    title: Text
    url: Url
    summary: Text
    label: Text | None = field(
        default=None, metadata=doc('A kicker over the title, e.g. "Kyrgyzstan".')
    )
    photo: Text | None = field(
        default=None,
        metadata=doc("A photo shown small beside the summary, relative to the issue file."),
    )


@dataclass(frozen=True)
class Issue:
    """One edition of the newsletter."""

    number: Positive
    date: dt.date
    lead: Lead
    language: Language = field(
        default="en", metadata=doc("en, ru, ...: the fixed labels come from templates/locale/.")
    )
    subject: Text | None = field(default=None, metadata=doc("Defaults to the lead's title."))
    preheader: Text | None = field(
        default=None, metadata=doc("Inbox preview line; defaults to the lead's standfirst.")
    )
    stories: list[Story] = field(default_factory=list, metadata=doc('"Also in this issue".'))

    @property
    def subject_line(self) -> str:
        """The e-mail's subject."""
        return self.subject or self.lead.title

    @property
    def preheader_text(self) -> str:
        """The line an inbox shows after the subject."""
        return self.preheader or self.lead.standfirst


check_declarations(Issue)
