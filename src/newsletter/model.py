"""The issue file as data: what an editor may write, validated field by field."""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Literal
from urllib.parse import urlsplit

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

LANGUAGES = ("en", "ru")
_EMAIL = re.compile(
    r"^[^@\s<>\"'(),;:]+"  # local part
    r"@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9-]+)+$"  # domain with a dot
)
_UNSAFE = re.compile(r"[\x00-\x20\x7f-\x9f]")


def check_web_url(value: str) -> str:
    """Accept an absolute http(s) address only; anything else could run script or break."""
    if _UNSAFE.search(value):
        raise ValueError("web address contains spaces or control characters")
    parts = urlsplit(value)
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        raise ValueError(f"not a web address: {value!r} (only http:// and https:// links)")
    return value


def check_email(value: str) -> str:
    """Accept a plain e-mail address such as `feedback.ca@example.org`."""
    if not _EMAIL.match(value):
        raise ValueError(f"not an e-mail address: {value!r}")
    return value


Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100_000)]
Url = Annotated[str, StringConstraints(strip_whitespace=True), AfterValidator(check_web_url)]
Email = Annotated[str, StringConstraints(strip_whitespace=True), AfterValidator(check_email)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Photo(_Strict):
    """One photo of the lead story's gallery."""

    photo: Text = Field(description="Path of the image file, relative to the issue file.")
    caption: Text
    credit: Text | None = Field(default=None, description="Who took the photo, e.g. IWPR.")
    alt: Text | None = Field(default=None, description="Alt text; defaults to the caption.")

    @property
    def alt_text(self) -> str:
        """What a screen reader (or a client with images off) says for this photo."""
        return self.alt or self.caption


class Link(_Strict):
    """A related article, shown as "See also"."""

    title: Text
    url: Url


class Lead(_Strict):
    """The issue's lead story."""

    title: Text
    url: Url
    standfirst: Text
    gallery: list[Photo] = Field(default_factory=list)
    body: Text = Field(description="Markdown (CommonMark); raw HTML is not allowed.")
    see_also: list[Link] = Field(default_factory=list)
    contact: Email | None = None


class Story(_Strict):
    """One entry of "Also in this issue"."""

    title: Text
    url: Url
    summary: Text


class Issue(_Strict):
    """One edition of the newsletter."""

    number: int = Field(ge=1)
    date: dt.date
    language: Literal["en", "ru"] = "en"
    subject: Text | None = Field(default=None, description="Defaults to the lead's title.")
    preheader: Text | None = Field(
        default=None, description="Inbox preview line; defaults to the lead's standfirst."
    )
    lead: Lead
    stories: list[Story] = Field(default_factory=list)

    @property
    def subject_line(self) -> str:
        """The e-mail's subject."""
        return self.subject or self.lead.title

    @property
    def preheader_text(self) -> str:
        """The line an inbox shows after the subject."""
        return self.preheader or self.lead.standfirst
