"""The lead's body: the Markdown it may use, and where it uses something an e-mail cannot show.

The scope (the README's "Markdown in the body"): CommonMark paragraphs, emphasis, links,
lists (nested too), block quotes, headings, rules and hard breaks; GFM tables and
strikethrough; footnotes; `inline code`. An indented paragraph is a paragraph (an editor never
means a code block). Images, raw HTML, fenced code blocks, links other than http(s) and mailto,
and a footnote reference with no note are refused, each with its line, so that a reader never
sees raw syntax.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.footnote import footnote_plugin

ALLOWED_SCHEMES = ("http", "https", "mailto")
_UNDEFINED_NOTE = re.compile(r"\[\^[^\]\s]+\]")


def link_allowed(url: str) -> bool:
    """Only absolute http(s) and mailto links may appear in an e-mail."""
    parts = urlsplit(url.strip())
    if parts.scheme.lower() not in ALLOWED_SCHEMES:
        return False
    return bool(parts.netloc) or parts.scheme.lower() == "mailto"


def body_parser(options: dict[str, Any]) -> MarkdownIt:
    """A parser of the body's Markdown (see the module's docstring) with markdown-it `options`."""
    md = MarkdownIt("commonmark", options).use(footnote_plugin)
    return md.enable(["table", "strikethrough"]).disable("code")


def _inspector() -> MarkdownIt:
    md = body_parser({"html": True})  # HTML parsed, to be reported (never rendered)
    # markdown-it's documented hook: keep every link, so that a bad one can be reported.
    md.validateLink = lambda url: True  # type: ignore[method-assign]
    return md


_INSPECT = _inspector()


def scope_problems(source: str) -> Iterator[tuple[int, str]]:
    """Yield (0-based line within `source`, message) for everything the body may not use."""
    line = 0
    for block in _INSPECT.parse(source):
        line = block.map[0] if block.map else line
        if block.type == "html_block":
            yield line, _html_message(block.content)
        elif block.type == "fence":
            yield line, "code blocks (```) are not supported in the body; write a paragraph"
        for token in block.children or ():
            yield from ((line, message) for message in _inline_problems(token))


def _inline_problems(token: Token) -> Iterator[str]:
    if token.type == "link_open":
        href = str(token.attrs.get("href", ""))
        if not link_allowed(href):
            yield f"link not allowed: {href!r} (only http://, https:// and mailto: links)"
    elif token.type == "image":
        yield "Markdown images are not supported; put photos in the gallery"
    elif token.type == "html_inline" and not token.content.startswith("</"):
        yield _html_message(token.content)  # once a tag: its closing tag is not named again
    elif token.type == "text":
        for note in _UNDEFINED_NOTE.findall(token.content):
            yield f"footnote {note} has no note: add a line '{note}: ...' after the text"


def _html_message(html: str) -> str:
    tag = " ".join(html.split())[:40]
    return (
        f"HTML is not supported in the body ({tag!r}); "
        "write Markdown: **bold**, *italic*, [text](https://...)"
    )
