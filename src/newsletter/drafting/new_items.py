"""What a week's draft is made from: the feed at an address (or the feed a web page names),
and its items that are new since the latest issue."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass
from email.message import Message
from pathlib import Path
from urllib.parse import urlsplit

from newsletter.drafting.download import Download, DownloadFailed, fetch
from newsletter.drafting.feed import (
    FEED_TYPES,
    Feed,
    Item,
    NotAFeed,
    find_feed_link,
    is_web_page,
    read_feed,
)

MAX_FEED_BYTES = 5_000_000
_ACCEPT = ", ".join([*FEED_TYPES, "application/xml;q=0.9", "text/xml;q=0.9", "*/*;q=0.1"])


@dataclass(frozen=True)
class FoundFeed:
    """A feed, and how it was found: `page` is the web page that named it, if any."""

    feed: Feed
    page: str | None


def load_feed(url: str, *, timeout: float) -> FoundFeed:
    """The feed at `url`, or the feed the web page at `url` names; raise DownloadFailed or
    NotAFeed (its message starting with the address)."""
    answer = _local(url) or fetch(
        url, limit=MAX_FEED_BYTES, what="a feed", accept=_ACCEPT, timeout=timeout
    )
    page = None
    if is_web_page(answer):
        link = find_feed_link(answer)
        if link is None:
            raise NotAFeed(
                f"{answer.url}: a web page that names no feed "
                '(no <link rel="alternate" type="application/rss+xml">)'
            )
        page = answer.url
        answer = fetch(link, limit=MAX_FEED_BYTES, what="a feed", accept=_ACCEPT, timeout=timeout)
        if is_web_page(answer):
            raise NotAFeed(f"{answer.url}: a web page, not a feed (named by {page})")
    try:
        return FoundFeed(read_feed(answer), page)
    except NotAFeed as problem:
        raise NotAFeed(f"{answer.url}: {problem}") from None


def _local(name: str) -> Download | None:
    """A feed saved as a file (its photos are still fetched from the web), or None for an
    address."""
    if urlsplit(name).scheme.lower() in ("http", "https"):
        return None
    path = Path(name)
    if not path.is_file():
        raise DownloadFailed(name, "no such file, and not a web address (http:// or https://)")
    if path.stat().st_size > MAX_FEED_BYTES:
        raise DownloadFailed(
            name, f"larger than {MAX_FEED_BYTES // 1_000_000} MB, the most a feed may be"
        )
    try:
        body = path.read_bytes()
    except OSError as error:
        raise DownloadFailed(name, f"cannot read it ({error.strerror})") from None
    return Download(path.resolve().as_uri(), "", Message(), body)


def new_items(feed: Feed, since: dt.date, used: Collection[str]) -> list[Item]:
    """The feed's items published on or after `since` (or undated), in the feed's order, each
    story once (the first of items sharing a guid or a link), leaving out the stories the
    latest issue carried (`used`: their links). Raise NotAFeed when none is left."""
    seen: set[str] = set(used)
    fresh = []
    for item in feed.items:
        if item.key in seen or (item.url and item.url in seen):
            continue
        seen.update({item.key, item.url} - {""})
        if item.published is None or item.published >= since:
            fresh.append(item)
    if fresh:
        return fresh
    if not feed.items:
        raise NotAFeed(f"{feed.url}: the feed has no items")
    dated = [item.published for item in feed.items if item.published]
    newest = f" (its newest is of {max(dated).isoformat()})" if dated else ""
    raise NotAFeed(
        f"{feed.url}: no new items since {since.isoformat()}{newest}; "
        "give an earlier date with --since"
    )
