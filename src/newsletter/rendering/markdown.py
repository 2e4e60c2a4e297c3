"""The lead's body: Markdown (the scope of reading/body_markdown.py, raw HTML off) rendered to
e-mail HTML and to plain text."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from markdown_it import MarkdownIt
from markdown_it.token import Token

from newsletter.reading.body_markdown import body_parser, link_allowed
from newsletter.rendering import text_layout
from newsletter.rendering.typography import ENGLISH

ENGLISH_QUOTES = ENGLISH  # the marks when a caller names none
Track = Callable[[str], str]  # a link's address as the e-mail carries it (link_tracking.py)
DEEPEST_HEADING = 4  # the body's headings are h2-h4: the lead's title is the h1
_SUPERSCRIPTS = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")


def _untracked(url: str) -> str:
    return url


@functools.lru_cache(maxsize=8)
def _parser(quotes: str) -> MarkdownIt:
    """The body's parser with raw HTML and images off, straight quotes turned into `quotes`
    (and apostrophes into ’) everywhere but in code and link addresses."""
    options = {"html": False, "typographer": True, "quotes": quotes}
    md = body_parser(options).disable("image").enable("smartquotes")
    # markdown-it's documented hook: a link to anything but http(s) or mailto is left as text.
    md.validateLink = link_allowed  # type: ignore[method-assign]
    return md


def to_html(source: str, quotes: str = ENGLISH_QUOTES, track: Track = _untracked) -> str:
    """Render Markdown to HTML for the e-mail: `#` is an h2, `##` an h3, deeper ones h4;
    tables carry the class `data` (styled to fit a phone); each link's address goes through
    `track` (link_tracking.py)."""
    md = _parser(quotes)
    tokens = _tracked(md.parse(source), track)
    for token in tokens:
        if token.type in ("heading_open", "heading_close"):
            token.tag = f"h{min(int(token.tag[1]) + 1, DEEPEST_HEADING)}"
        elif token.type == "table_open":
            token.attrSet("class", "data")
    return str(md.renderer.render(tokens, md.options, {}))


def to_text(
    source: str,
    width: int = text_layout.WIDTH,
    quotes: str = ENGLISH_QUOTES,
    track: Track = _untracked,
) -> str:
    """Render Markdown as plain text: wrapped paragraphs, nested lists indented, each link's
    address (through `track`) on its own line, table rows as `cell | cell`, footnotes
    numbered ¹ ² ³ at the end."""
    writer = _TextWriter(width)
    for token in _tracked(_parser(quotes).parse(source), track):
        writer.take(token)
    return "\n\n".join(writer.blocks)


def link_addresses(source: str) -> list[str]:
    """The address of each link in the Markdown `source`, as the renders write it (before
    tracking)."""
    return [
        str(link.attrGet("href") or "") for link in _links(_parser(ENGLISH_QUOTES).parse(source))
    ]


def _tracked(tokens: list[Token], track: Track) -> list[Token]:
    """The tokens, each link's address put through `track`."""
    for link in _links(tokens):
        address = str(link.attrGet("href") or "")
        link.attrSet("href", track(address))
        link.meta = {**link.meta, "written": address}  # an autolink's text is this address
    return tokens


def _links(tokens: list[Token]) -> Iterator[Token]:
    """The `link_open` tokens, inline ones included."""
    for token in tokens:
        for child in [token, *(token.children or [])]:
            if child.type == "link_open":
                yield child


@dataclass
class _ListLevel:
    """An open list (or footnote): where its markers start, and its open item's marker."""

    counter: int | None  # the next item's number; None in a bullet list
    indent: str  # what starts a line before the marker
    marker: str = ""

    @property
    def content(self) -> str:
        """What starts the lines of an item's text after its first: its text's column."""
        return self.indent + " " * len(self.marker)


@dataclass
class _TextWriter:
    """Turns the body's tokens into blocks of text, one token at a time."""

    width: int
    blocks: list[str] = field(default_factory=list)
    quote: str = ""  # "> " for each open block quote
    lists: list[_ListLevel] = field(default_factory=list)
    marker_due: bool = False  # the open item's first line is still to come
    table: list[str] | None = None  # the lines of the table being read
    row: list[str] | None = None  # the cells of its row being read

    def take(self, token: Token) -> None:
        kind = token.type
        if kind in ("bullet_list_open", "ordered_list_open"):
            start = int(token.attrs.get("start", 1) or 1) if kind == "ordered_list_open" else None
            self.lists.append(_ListLevel(start, self.lists[-1].content if self.lists else ""))
        elif kind in ("bullet_list_close", "ordered_list_close", "footnote_close"):
            self.lists.pop()
        elif kind == "list_item_open":
            level = self.lists[-1]
            level.marker = "- " if level.counter is None else f"{level.counter}. "
            level.counter = None if level.counter is None else level.counter + 1
            self.marker_due = True
        elif kind == "footnote_open":
            number = str(token.meta["id"] + 1).translate(_SUPERSCRIPTS)
            self.lists.append(_ListLevel(None, "", number + " "))
            self.marker_due = True
        elif kind == "blockquote_open":
            self.quote += "> "
        elif kind == "blockquote_close":
            self.quote = self.quote[:-2]
        elif kind == "footnote_block_open":
            self.blocks.append("-" * 20)
        elif kind == "table_open":
            self.table = []
        elif kind == "tr_open":
            self.row = []
        elif kind == "inline" and self.row is not None:
            self.row.append(_inline_text(token.children or [], addresses_inline=True)[0])
        elif kind == "tr_close" and self.table is not None and self.row is not None:
            indent = self.quote + (self.lists[-1].content if self.lists else "")
            self.table.append(
                text_layout.fill(" | ".join(self.row), self.width, indent + "  ", indent)
            )
            self.row = None
        elif kind == "thead_close" and self.table is not None:
            self.table.append("-" * 20)
        elif kind == "table_close" and self.table is not None:
            self.blocks.append("\n".join(self.table))
            self.table = None
        elif kind == "inline":
            self._paragraph(*_inline_text(token.children or []))
        elif kind == "hr":
            self.blocks.append(self.quote + "-" * 20)

    def _paragraph(self, text: str, urls: list[str]) -> None:
        level = self.lists[-1] if self.lists else None
        indent = self.quote + (level.content if level else "")
        first = self.quote + level.indent + level.marker if level and self.marker_due else indent
        self.marker_due = False
        lines = [text_layout.fill(part, self.width, indent, first) for part in text.split("\n")]
        for number, url in enumerate(urls, start=1):
            line = f"{indent}[{number}] {url}"
            fits = text_layout.columns(line) <= self.width
            lines.append(line if fits else f"{indent}[{number}]\n{indent}{url}")
        self.blocks.append("\n".join(lines))


def _inline_text(children: list[Token], addresses_inline: bool = False) -> tuple[str, list[str]]:
    """The text of an inline run, with `[n]` after each link whose text is not its address,
    and those addresses in order (or, `addresses_inline`, the address in brackets instead)."""
    out: list[str] = []
    urls: list[str] = []
    link_start, href, written = 0, "", ""
    for child in children:
        if child.type in ("text", "code_inline"):
            out.append(child.content)
        elif child.type == "softbreak":
            out.append(" ")
        elif child.type == "hardbreak":
            out.append("\n")
        elif child.type == "footnote_ref":
            out.append(str(child.meta["id"] + 1).translate(_SUPERSCRIPTS))
        elif child.type == "link_open":
            link_start, href = len("".join(out)), str(child.attrs.get("href", ""))
            written = str(child.meta.get("written", href)).removeprefix("mailto:")
        elif child.type == "link_close":
            label = "".join(out)[link_start:]
            address = href.removeprefix("mailto:")
            if label == written != address:  # an address as its own text, tracked: show it so
                out = ["".join(out)[:link_start], address]
            elif address != label and addresses_inline:
                out.append(f" ({address})")
            elif address != label:
                urls.append(address)
                out.append(f" [{len(urls)}]")
    return "".join(out), urls
