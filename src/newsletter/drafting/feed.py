"""The desk's website feed as items to draft from: RSS 2.0, RSS 1.0 (RDF) and Atom, read by
feedparser (dates, links made absolute, HTML sanitised), and the photos each item carries.

feedparser folds Media RSS into the item (a `media:group`'s sizes become separate photos, a
photo's `media:description` overwrites the item's summary), so the photos are read from the
same bytes with lxml: a `media:group` is one photo in several sizes (the largest not over
4000 px is taken), a `media:content` one photo; then image enclosures; then the `<img>`s of
the item's HTML, with their `<figcaption>`.
"""

from __future__ import annotations

import datetime as dt
import re
import time
import xml.sax
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin, urlsplit

import feedparser
from lxml import etree
from lxml import html as lxml_html

from newsletter.drafting.download import Download
from newsletter.drafting.plain_text import from_html, single_line

MAX_WIDTH = 4000  # of the size taken from a media:group: larger ones only cost bandwidth
FEED_TYPES = (
    "application/rss+xml",
    "application/atom+xml",
    "application/rdf+xml",
    "application/feed+json",
)
_MEDIA = "{http://search.yahoo.com/mrss/}"
_ITEM_TAGS = ("item", "{http://purl.org/rss/1.0/}item", "{http://www.w3.org/2005/Atom}entry")
XmlElement = Any  # an lxml element (lxml has no public class for it)
_IMAGE_SUFFIX = re.compile(r"\.(jpe?g|png|gif|webp|tiff?|avif|heic)$", re.I)


class NotAFeed(Exception):
    """The answer is not a usable feed; `str()` says what it is instead."""


@dataclass(frozen=True)
class PhotoLink:
    """A photo an item names: where it is, and what the feed says about it."""

    url: str
    caption: str = ""
    credit: str = ""


@dataclass(frozen=True)
class Item:
    """One story of the feed, its text already plain."""

    title: str
    url: str
    summary: str
    published: dt.date | None
    key: str  # the guid, or the link: two items with one key are one story
    photos: tuple[PhotoLink, ...]


@dataclass(frozen=True)
class Feed:
    """A parsed feed: its address, title, language ("ru", or "" if it names none) and items."""

    url: str
    title: str
    language: str
    items: list[Item]


def is_web_page(download: Download) -> bool:
    """True when the answer is an HTML page rather than a feed (by what it holds: servers
    often send a feed as text/html)."""
    start = download.body[:1024].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if start.startswith((b"<!doctype html", b"<html")):
        return True
    feed = re.search(rb"<(rss|feed|rdf:rdf)[\s>]", start)
    return not feed and download.media_type in ("text/html", "application/xhtml+xml")


def find_feed_link(page: Download) -> str | None:
    """The address of the first feed a web page announces in its `<head>`
    (`<link rel="alternate" type="application/rss+xml" href="...">`)."""
    try:
        root = lxml_html.document_fromstring(page.body, base_url=page.url)
    except (etree.ParserError, ValueError):
        return None
    for link in root.iter("link"):
        rel = (link.get("rel") or "").lower().split()
        kind = (link.get("type") or "").lower().strip()
        href = (link.get("href") or "").strip()
        if "alternate" in rel and kind in FEED_TYPES and href:
            try:
                return str(urljoin(page.url, href))
            except ValueError:  # not an address: look on
                continue
    return None


def read_feed(download: Download) -> Feed:
    """Parse a feed's bytes; raise NotAFeed for anything that is not a well-formed feed."""
    if is_web_page(download):
        raise NotAFeed("a web page, not a feed")
    parsed = feedparser.parse(
        download.body,
        response_headers={
            "content-location": download.url,
            "content-type": download.headers.get("Content-Type", "application/xml"),
        },
    )
    error = parsed.get("bozo_exception")
    looks_like_xml = download.body.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<")
    if isinstance(error, xml.sax.SAXParseException) and looks_like_xml:
        raise NotAFeed(
            f"the feed is broken: not well-formed XML at line {error.getLineNumber()}, "
            f"column {(error.getColumnNumber() or 0) + 1} ({error.getMessage()})"
        )
    if not parsed.get("version"):
        kind = download.media_type or "something else"
        raise NotAFeed(f"not a feed (RSS or Atom): the server sent {kind}")
    media = _media_photos(download)
    entries = parsed.entries
    if len(media) != len(entries):
        media = [[] for _ in entries]  # cannot tell which photos are whose: use the rest
    items = [
        _item(entry, photos, download.url) for entry, photos in zip(entries, media, strict=True)
    ]
    language = str(parsed.feed.get("language") or "")
    return Feed(
        url=download.url,
        title=single_line(str(parsed.feed.get("title") or "")),
        language=re.split(r"[-_]", language.strip().lower())[0],
        items=items,
    )


def _item(entry: Any, media: list[PhotoLink], feed_url: str) -> Item:
    title = str(entry.get("title") or "")
    title = from_html(title) if _is_html(entry.get("title_detail") or {}) else single_line(title)
    url = str(entry.get("link") or "").strip().replace(" ", "%20")
    if not _web(url):
        url = ""
    summary_markup = str(entry.get("summary") or "")
    contents = [str(c.get("value") or "") for c in entry.get("content") or [] if _is_html(c)]
    summary = from_html(summary_markup) or from_html(contents[0] if contents else "")
    photos = [
        *media,
        *_enclosures(entry),
        *(photo for markup in [*contents, summary_markup] for photo in _html_photos(markup)),
    ]
    return Item(
        title=title,
        url=url,
        summary=summary,
        published=_date(entry),
        key=str(entry.get("id") or url or title),
        photos=tuple(_distinct(photo for photo in photos if _web(photo.url))),
    )


def _is_html(content: Any) -> bool:
    return str(content.get("type") or "") in ("text/html", "application/xhtml+xml")


def _date(entry: Any) -> dt.date | None:
    when: time.struct_time | None = entry.get("published_parsed") or entry.get("updated_parsed")
    return dt.date(when.tm_year, when.tm_mon, when.tm_mday) if when else None


def _enclosures(entry: Any) -> Iterator[PhotoLink]:
    for link in entry.get("links") or []:
        kind = str(link.get("type") or "")
        href = str(link.get("href") or "")
        is_image = kind.startswith("image/") or (not kind and _IMAGE_SUFFIX.search(href))
        if link.get("rel") == "enclosure" and href and is_image:
            yield PhotoLink(href)


def _html_photos(markup: str) -> Iterator[PhotoLink]:
    """The `<img>`s of an item's (sanitised, absolute) HTML, with the caption of their
    `<figure>` or WordPress caption box."""
    if "<img" not in markup:
        return
    try:
        root = lxml_html.fragment_fromstring(markup, create_parent="div")
    except (etree.ParserError, ValueError):
        return
    for image in root.iter("img"):
        if image.get("width") == "1" or image.get("height") == "1":
            continue  # a tracking pixel
        url = (image.get("src") or "").strip()  # feedparser's sanitiser drops srcset
        yield PhotoLink(url, caption=_figure_caption(image, root))


def _figure_caption(image: XmlElement, root: XmlElement) -> str:
    """The caption of the figure (or WordPress caption box) nearest around `image`."""
    for box in image.iterancestors():
        if box is root:
            return ""
        if box.tag == "figure" or "wp-caption" in (box.get("class") or "").split():
            found = box.xpath(".//figcaption | .//*[contains(@class, 'wp-caption-text')]")
            return from_html(etree.tostring(found[0], encoding="unicode")) if found else ""
    return ""


def _media_photos(download: Download) -> list[list[PhotoLink]]:
    """The Media RSS photos of each item, in the order of the items."""
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, recover=True, huge_tree=False
    )
    try:
        root = etree.fromstring(download.body, parser=parser, base_url=download.url)
    except etree.XMLSyntaxError:
        return []
    if root is None:
        return []
    return [list(_item_media(item, download.url)) for item in root.iter(*_ITEM_TAGS)]


def _item_media(item: XmlElement, feed_url: str) -> Iterator[PhotoLink]:
    photos: list[PhotoLink] = []
    for element in item:
        if element.tag == f"{_MEDIA}group":
            contents = [c for c in element.iter(f"{_MEDIA}content") if _is_image(c)]
            if contents:
                chosen = _largest(contents)
                photos.append(_media_link(chosen, (chosen, element), feed_url))
        elif element.tag == f"{_MEDIA}content" and _is_image(element):
            photos.append(_media_link(element, (element,), feed_url))
    if not photos:
        thumbnails = [t for t in item.iter(f"{_MEDIA}thumbnail") if t.get("url")]
        if thumbnails:
            photos.append(_media_link(_largest(thumbnails), (), feed_url))
    if len(photos) == 1:  # the item's own media:description and media:credit are the photo's
        only = photos[0]
        photos[0] = PhotoLink(
            only.url,
            only.caption or _media_text(item, "description"),
            only.credit or _media_text(item, "credit"),
        )
    yield from photos


def _is_image(content: XmlElement) -> bool:
    medium = (content.get("medium") or "").lower()
    kind = (content.get("type") or "").lower()
    url = content.get("url") or ""
    if medium or kind:
        return medium == "image" or kind.startswith("image/")
    return bool(_IMAGE_SUFFIX.search(url.split("?")[0].split("#")[0]))


def _largest(contents: list[XmlElement]) -> XmlElement:
    """The widest size not over MAX_WIDTH; the first if none gives its width; the narrowest
    if all are wider."""
    sized = [(int(c.get("width")), c) for c in contents if (c.get("width") or "").isdecimal()]
    fitting = [pair for pair in sized if pair[0] <= MAX_WIDTH]
    if fitting:
        return max(fitting, key=lambda pair: pair[0])[1]
    if sized and len(sized) == len(contents):
        return min(sized, key=lambda pair: pair[0])[1]
    return contents[0]


def _media_link(content: XmlElement, owners: tuple[XmlElement, ...], feed_url: str) -> PhotoLink:
    try:
        url = urljoin(content.base or feed_url, (content.get("url") or "").strip())
    except ValueError:  # not an address at all: _web leaves it out
        url = ""
    caption = next(filter(None, (_media_text(o, "description") for o in owners)), "")
    credit = next(filter(None, (_media_text(o, "credit") for o in owners)), "")
    return PhotoLink(url, caption, credit)


def _media_text(owner: XmlElement, name: str) -> str:
    """The text of `owner`'s child `media:<name>`, as plain text."""
    for element in owner.iterchildren(f"{_MEDIA}{name}"):
        text = element.text or ""
        return from_html(text) if element.get("type") == "html" else single_line(text)
    return ""


def _web(url: str) -> bool:
    """An absolute http(s) address that parses, with no white space but plain spaces (a
    line break, U+2028 included, would break the drafted file's lines)."""
    if any(character.isspace() and character != " " for character in url):
        return False
    try:
        parts = urlsplit(url)
        return parts.scheme.lower() in ("http", "https") and bool(parts.hostname)
    except ValueError:  # "http://[::1/x", a port out of range
        return False


def _distinct(photos: Iterator[PhotoLink]) -> Iterator[PhotoLink]:
    """Each photo once: the first mention of an address, which carries the most."""
    seen: set[str] = set()
    for photo in photos:
        if photo.url not in seen:
            seen.add(photo.url)
            yield photo
