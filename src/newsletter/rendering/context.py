"""What the templates are given: the issue laid out on the grid, the settings, and the stand-ins
for merge tags; and the two renders made from it, MJML (then HTML) and plain text."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import jinja2
from markupsafe import Markup

from newsletter.images.rendition import Rendition
from newsletter.reading.issue_file import SourceIssue
from newsletter.reading.model import Issue, Photo
from newsletter.reading.settings import Settings, is_merge_tag
from newsletter.rendering import (
    i18n,
    layout,
    link_tracking,
    markdown,
    templates,
    text_layout,
    typography,
)
from newsletter.rendering.transforms import merge_tags

# Invisible characters after the preheader keep the body's first words out of the inbox line.
PREHEADER_PADDING = "\u034f\u00a0" * 120


@dataclass(frozen=True)
class Picture:
    """A gallery photo as the template places it."""

    photo: Photo
    src: str
    width: int  # CSS pixels on a desktop
    height: int
    column: int  # its column's width on a desktop, padding included
    fluid: bool  # fills the column on a phone
    number: int = 1  # its place in the gallery, from 1


@dataclass(frozen=True)
class Thumb:
    """A story's small photo as the template places it."""

    src: str
    width: int
    height: int


@dataclass(frozen=True)
class Page:
    """The issue laid out for the templates."""

    issue: Issue
    settings: Settings
    stem: str  # the issue file's stem: {issue} in addresses
    rows: list[list[Picture]]  # the gallery, row by row: the lead photo alone, then the rest
    # Merge tags by the stand-in address the HTML carries until the last step.
    placeholders: dict[str, str]
    thumbs: list[Thumb | None]  # one per story: its small photo, if it has one
    logo: Thumb | None = None  # the masthead's logo, if the settings name one
    quotes: str = typography.ENGLISH  # the language's quotation marks (typography.quotes_for)
    track: Callable[[str], str] = str  # tracking parameters for the desk's own links

    @property
    def web_url(self) -> str | None:
        """The issue's web copy ("view in browser"), if the settings give one."""
        web = _format(self.settings.links.web, self.stem)
        return self.track(web) if web else None

    def context(self) -> dict[str, Any]:
        """The names every template sees."""
        language = self.issue.language
        direction = i18n.direction(language)
        unsubscribe = self.settings.links.unsubscribe
        return {
            "issue": self.issue,
            "settings": self.settings,
            "colours": self.settings.colours,
            # Validated font stacks (settings.Theme: names, quotes, commas only), marked safe:
            # inside <style> an escaped quote (&#39;) would stay escaped.
            "fonts": {
                "heading": Markup(self.settings.theme.heading_font),  # noqa: S704
                "body": Markup(self.settings.theme.body_font),  # noqa: S704
            },
            "logo": self.logo,
            "lang": i18n.html_lang(language),
            "dir": direction,
            "start": "right" if direction == "rtl" else "left",
            "body_width": layout.BODY_WIDTH,
            "gutter": layout.GUTTER,
            "pair_padding": layout.PAIR_PADDING,
            "lead_picture": self.rows[0][0] if self.rows else None,
            "gallery_rows": self.rows[1:],
            "gallery_count": len(self.issue.lead.gallery),
            "story_thumbs": self.thumbs,
            "thumb_column": layout.THUMB_COLUMN,
            "web_url": self.web_url,
            "preheader_padding": PREHEADER_PADDING,
            "unsubscribe_href": next(iter(self.placeholders), unsubscribe),
        }


def lay_out(
    source: SourceIssue,
    settings: Settings,
    slots: list[layout.Slot],
    renditions: list[Rendition],
    story_photos: Sequence[Rendition | None] = (),
    logo: Rendition | None = None,
) -> Page:
    """Place each rendition in its slot, addressed where the images will be; the texts a
    reader sees set in the language's quotation marks."""
    quotes = typography.quotes_for(i18n.locale_id(source.issue.language))
    track = link_tracking.tracker(settings, source.stem, source.issue.language)
    issue = link_tracking.track_issue(typography.typeset_issue(source.issue, quotes), track)
    base = _format(settings.links.image_base_url, source.stem) or "images/"
    base = base if base.endswith("/") else base + "/"
    pictures = [
        _picture(photo, rendition, slot, base, number)
        for number, (photo, rendition, slot) in enumerate(
            zip(issue.lead.gallery, renditions, slots, strict=True), start=1
        )
    ]
    rows = [
        [picture for picture, slot in zip(pictures, slots, strict=True) if slot.row == row]
        for row in sorted({slot.row for slot in slots})
    ]
    thumbs = [None if rendition is None else _thumb(rendition, base) for rendition in story_photos]
    # HTML parsers would percent-encode a merge tag such as {{ unsubscribe_url }}: the HTML
    # carries a stand-in until the last step.
    unsubscribe = settings.links.unsubscribe
    placeholders = {}
    if unsubscribe and is_merge_tag(unsubscribe):
        placeholders[merge_tags.placeholder(0)] = unsubscribe
    return Page(
        issue,
        typography.typeset_settings(settings, quotes),
        source.stem,
        rows,
        placeholders,
        thumbs + [None] * (len(issue.stories) - len(thumbs)),
        None if logo is None else _thumb(logo, base, layout.LOGO_WIDTH),
        quotes,
        track,
    )


def render_mjml(page: Page, env: jinja2.Environment) -> str:
    """Render the MJML template."""
    # markdown.to_html escapes raw HTML and drops unsafe links: its output is safe markup.
    body_html = Markup(markdown.to_html(page.issue.lead.body, page.quotes, page.track))  # noqa: S704
    return templates.render_template(
        env, templates.HTML_TEMPLATE, {**page.context(), "body_html": body_html}
    )


def render_text(page: Page, env: jinja2.Environment) -> str:
    """Render the plain-text part (merge tags go in as they are: nothing escapes them); in a
    right-to-left edition, lines a plain-text reader would show left to right are marked."""
    text = templates.render_template(
        env,
        templates.TEXT_TEMPLATE,
        {
            **page.context(),
            "unsubscribe_href": page.settings.links.unsubscribe,
            "body_text": markdown.to_text(
                page.issue.lead.body, quotes=page.quotes, track=page.track
            ),
        },
    )
    if i18n.direction(page.issue.language) == "rtl":
        return text_layout.mark_right_to_left(text)
    return text


def _format(template: str | None, stem: str) -> str | None:
    return template.replace("{issue}", stem) if template else None


def _picture(
    photo: Photo, rendition: Rendition, slot: layout.Slot, base: str, number: int
) -> Picture:
    width = min(slot.width, rendition.width)  # never shown wider than its pixels
    height = round(rendition.height * width / rendition.width)
    return Picture(photo, base + rendition.name, width, height, slot.column, slot.fluid, number)


def _thumb(rendition: Rendition, base: str, widest: int = layout.THUMB_WIDTH) -> Thumb:
    width = min(widest, rendition.width)  # never shown wider than its pixels
    return Thumb(base + rendition.name, width, round(rendition.height * width / rendition.width))
