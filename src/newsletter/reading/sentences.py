"""Sentences in a text: where each ends (not after "U.S.", "Gen." or an initial), and a text
cut to a length at the end of one. Used for feeds' summaries and photos' captions."""

from __future__ import annotations

import re

SUMMARY_LIMIT = 300  # characters of a story's summary (and of the lead's standfirst)
CAPTION_LIMIT = 600  # of a caption taken from a feed or a photo file
CREDIT_LIMIT = 200
# The end of a sentence: its mark, any closing quote or bracket, a space, and a capital letter,
# a digit, an opening quote, or a letter of a script without capitals (Persian, Arabic).
_SENTENCE_END = re.compile(r"[.!?…؟](?:[\"'»”’)\]]*)\s+(?=[\"«“‘(\d]|[^\W\d_])")
_ABBREVIATIONS = {
    "mr", "mrs", "ms", "dr", "gen", "col", "lt", "maj", "capt", "sgt", "prof", "st", "jr",
    "sr", "vs", "no", "gov", "sen", "rep", "pres", "ave", "approx", "dept", "e.g", "i.e",
    "г", "гг", "т", "тыс", "млн", "млрд", "ул", "им", "проф", "ген",
}  # fmt: skip


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
