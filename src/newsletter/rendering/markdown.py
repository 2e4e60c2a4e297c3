"""The lead's body: CommonMark with raw HTML off, rendered to e-mail HTML and to plain text."""

from __future__ import annotations

import functools
import textwrap

from markdown_it import MarkdownIt
from markdown_it.token import Token

from newsletter.reading.body_links import link_allowed
from newsletter.rendering.typography import ENGLISH

ENGLISH_QUOTES = ENGLISH  # the marks when a caller names none


@functools.lru_cache(maxsize=8)
def _parser(quotes: str) -> MarkdownIt:
    """CommonMark with raw HTML and images off, straight quotes turned into `quotes` (and
    apostrophes into ’) everywhere but in code and link addresses."""
    options = {"html": False, "typographer": True, "quotes": quotes}
    md = MarkdownIt("commonmark", options).disable("image").enable("smartquotes")
    # markdown-it's documented hook: a link to anything but http(s) or mailto is left as text.
    md.validateLink = link_allowed  # type: ignore[method-assign]
    return md


def to_html(source: str, quotes: str = ENGLISH_QUOTES) -> str:
    """Render Markdown to HTML for the e-mail; headings start at h2 (the lead's title is h1)."""
    md = _parser(quotes)
    tokens = md.parse(source)
    for token in tokens:
        if token.type in ("heading_open", "heading_close"):
            token.tag = f"h{min(int(token.tag[1]) + 1, 6)}"
    return str(md.renderer.render(tokens, md.options, {}))


def to_text(source: str, width: int = 76, quotes: str = ENGLISH_QUOTES) -> str:
    """Render Markdown as plain text: wrapped paragraphs, each link's address on its own line."""
    blocks: list[str] = []
    prefix: list[str] = []
    list_counters: list[int | None] = []
    for token in _parser(quotes).parse(source):
        kind = token.type
        if kind == "bullet_list_open":
            list_counters.append(None)
        elif kind == "ordered_list_open":
            list_counters.append(int(token.attrs.get("start", 1) or 1))
        elif kind in ("bullet_list_close", "ordered_list_close"):
            list_counters.pop()
        elif kind == "blockquote_open":
            prefix.append("> ")
        elif kind == "blockquote_close":
            prefix.pop()
        elif kind == "inline":
            text, urls = _inline_text(token.children or [])
            lead = "".join(prefix)
            bullet = ""
            if list_counters and token.level >= 2:
                counter = list_counters[-1]
                bullet = "- " if counter is None else f"{counter}. "
                if counter is not None:
                    list_counters[-1] = counter + 1
            blocks.append(_wrap(text, width, lead, bullet) + "".join(f"\n{lead}{u}" for u in urls))
        elif kind in ("code_block", "fence"):
            blocks.append(textwrap.indent(token.content.rstrip("\n"), "    "))
        elif kind == "hr":
            blocks.append("-" * 20)
    return "\n\n".join(blocks)


def _inline_text(children: list[Token]) -> tuple[str, list[str]]:
    out: list[str] = []
    urls: list[str] = []
    link_start, href = 0, ""
    for child in children:
        if child.type in ("text", "code_inline"):
            out.append(child.content)
        elif child.type == "softbreak":
            out.append(" ")
        elif child.type == "hardbreak":
            out.append("\n")
        elif child.type == "link_open":
            link_start, href = len("".join(out)), str(child.attrs.get("href", ""))
        elif child.type == "link_close":
            label = "".join(out)[link_start:]
            address = href.removeprefix("mailto:")
            if address != label:
                urls.append(f"[{len(urls) + 1}] {address}")
                out.append(f" [{len(urls)}]")
    return "".join(out), urls


def _wrap(text: str, width: int, lead: str, bullet: str) -> str:
    lines = []
    for part in text.split("\n"):
        lines.append(
            textwrap.fill(
                part,
                width=width,
                initial_indent=lead + bullet,
                subsequent_indent=lead + " " * len(bullet),
                break_long_words=False,
                break_on_hyphens=False,
            )
        )
    return "\n".join(lines)
