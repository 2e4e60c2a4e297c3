"""The feed's words as an issue file wants them: HTML made plain text, the site's boilerplate
("The post ... appeared first on ...", "[…]") dropped, characters that the issue file refuses
removed, and long text cut at the end of a sentence."""

from __future__ import annotations

import re
import unicodedata

from lxml import etree
from lxml import html as lxml_html

SUMMARY_LIMIT = 300  # characters of a story's summary (and of the lead's standfirst)

# C0 and C1 controls, and the bidirectional embeddings, overrides and isolates the issue file
# refuses (reading/fields.py); RLM and LRM stay, as right-to-left sites use them.
_REFUSED = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_BOILERPLATE = re.compile(r"^The post .+ appeared first on .+$", re.S)  # WordPress
# What a site puts after an excerpt it has cut: "[…]", "Continue reading →", "Read more".
_TRUNCATION = re.compile(r"\s*(\[(…|\.\.\.)\]|(Continue reading|Read more)[^.!?]{0,40})\s*$")
_BLOCKS = {"p", "div", "li", "br", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "tr"}
# The end of a sentence: its mark, any closing quote or bracket, a space, and a capital letter,
# a digit, an opening quote, or a letter of a script without capitals (Persian, Arabic).
_SENTENCE_END = re.compile(r"[.!?…؟](?:[\"'»”’)\]]*)\s+(?=[\"«“‘(\d]|[^\W\d_])")
_ABBREVIATIONS = {
    "mr", "mrs", "ms", "dr", "gen", "col", "lt", "maj", "capt", "sgt", "prof", "st", "jr",
    "sr", "vs", "no", "gov", "sen", "rep", "pres", "ave", "approx", "dept", "e.g", "i.e",
    "г", "гг", "т", "тыс", "млн", "млрд", "ул", "им", "проф", "ген",
}  # fmt: skip


def single_line(text: str) -> str:
    """`text` without the characters the issue file refuses, its white space one space."""
    return " ".join(_REFUSED.sub("", unicodedata.normalize("NFC", text)).split())


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


def shorten(text: str, limit: int = SUMMARY_LIMIT) -> str:
    """`text` if it fits in `limit` characters; else its whole sentences that fit, or (if the
    first sentence alone is longer) its words that fit, and "…"."""
    if len(text) <= limit:
        return text
    kept = ""
    for end in sentence_ends(text):
        if end > limit:
            break
        kept = text[:end]
    if kept:
        return kept.rstrip()
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    return (cut[:space] if space > limit // 2 else cut).rstrip(" ,;:—–-") + "…"


def sentence_ends(text: str) -> list[int]:
    """Where each sentence of `text` ends (after its full stop and closing quote)."""
    ends = []
    for found in _SENTENCE_END.finditer(text):
        word = re.findall(r"[\w.'’]+$", text[: found.start()])
        before = word[0].rstrip(".") if word else ""
        initial = len(before) == 1 and before.isalpha() and text[found.start()] == "."
        if initial or before.lower() in _ABBREVIATIONS or "." in before:
            continue  # an initial ("J. Smith"), "Gen.", "U.S.": not the end of a sentence
        ends.append(found.end() - len(found.group()) + len(found.group().rstrip()))
    if re.search(r"[.!?…؟][\"'»”’)\]]*$", text):
        ends.append(len(text))
    return ends
