"""The feed's words as an issue file wants them: HTML made plain text, the site's boilerplate
("The post ... appeared first on ...", "[…]") dropped, characters that the issue file refuses
removed, and long text cut at the end of a sentence."""

from __future__ import annotations

import re
import unicodedata

from lxml import etree
from lxml import html as lxml_html

from newsletter.reading.fields import REFUSED_CHARACTERS
from newsletter.reading.sentences import sentence_ends

_BOILERPLATE = re.compile(r"^The post .+ appeared first on .+$", re.S)  # WordPress
# What a site puts after an excerpt it has cut: "[…]", "Continue reading →", "Read more".
_TRUNCATION = re.compile(r"\s*(\[(…|\.\.\.)\]|(Continue reading|Read more)[^.!?]{0,40})\s*$")
_BLOCKS = {"p", "div", "li", "br", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "tr"}


def single_line(text: str) -> str:
    """`text` without the characters the issue file refuses, its white space one space."""
    return " ".join(REFUSED_CHARACTERS.sub("", unicodedata.normalize("NFC", text)).split())


def from_html(markup: str) -> str:
    """The text a reader sees in a fragment of HTML, on one line, without WordPress's "The
    post <a>...</a> appeared first on <a>...</a>." and, where the site cut the text ("[…]",
    "Continue reading"), without the unfinished sentence."""
    text = single_line(markup)
    if "<" in markup or "&" in markup:
        try:
            root = lxml_html.fragment_fromstring(markup, create_parent="div")
        except (etree.ParserError, ValueError):
            root = None
        if root is not None:
            for element in list(root.iter("script", "style", "p")):
                if element.tag != "p" or _is_boilerplate(element):
                    element.drop_tree()
            text = " ".join(filter(None, map(single_line, _paragraphs(root))))
    cut = _TRUNCATION.search(text)
    return _whole_sentences(text[: cut.start()]) if cut else text


def _is_boilerplate(paragraph: lxml_html.HtmlElement) -> bool:
    """WordPress's "The post <a>title</a> appeared first on <a>site</a>." paragraph."""
    text = single_line(paragraph.text_content())
    return len(paragraph.findall(".//a")) >= 2 and bool(_BOILERPLATE.match(text))


def _whole_sentences(text: str) -> str:
    """A text the site cut short, without its unfinished sentence (or, if that is all there
    is, marked "…")."""
    text = text.rstrip()
    ends = sentence_ends(text)
    if ends and ends[-1] == len(text):
        return text
    if ends:
        return text[: ends[-1]]
    return text.rstrip(" ,;:—–-") + "…" if text else ""


def _paragraphs(root: lxml_html.HtmlElement) -> list[str]:
    """The text of `root`, split where a block element starts or ends."""
    paragraphs = [""]
    for event, element in etree.iterwalk(root, events=("start", "end")):
        if not isinstance(element.tag, str):
            if event == "end" and element.tail:
                paragraphs[-1] += element.tail
            continue
        if element.tag in _BLOCKS:
            paragraphs.append("")
        if event == "start" and element.text:
            paragraphs[-1] += element.text
        if event == "end" and element.tail and element is not root:
            paragraphs[-1] += element.tail
    return paragraphs
