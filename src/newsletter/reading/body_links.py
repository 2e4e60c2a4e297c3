"""Which links the lead's Markdown body may carry, and where it carries others."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import urlsplit

from markdown_it import MarkdownIt

ALLOWED_SCHEMES = ("http", "https", "mailto")


def link_allowed(url: str) -> bool:
    """Only absolute http(s) and mailto links may appear in an e-mail."""
    parts = urlsplit(url.strip())
    if parts.scheme.lower() not in ALLOWED_SCHEMES:
        return False
    return bool(parts.netloc) or parts.scheme.lower() == "mailto"


def _lenient_parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False}).disable("image")
    # markdown-it's documented hook: keep every link, so that a bad one can be reported.
    md.validateLink = lambda url: True  # type: ignore[method-assign]
    return md


_INSPECT = _lenient_parser()


def bad_links(source: str) -> Iterator[tuple[int, str]]:
    """Yield (0-based line within `source`, address) for every link an e-mail must not carry."""
    for block in _INSPECT.parse(source):
        for token in block.children or ():
            if token.type == "link_open":
                href = str(token.attrs.get("href", ""))
                if not link_allowed(href):
                    yield (block.map[0] if block.map else 0), href
