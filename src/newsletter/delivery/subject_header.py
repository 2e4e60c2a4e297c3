"""The Subject header, written so that every mail client reads back exactly the subject we set.

Python's own folding of long non-ASCII headers (RFC 2047 encoded words) can turn the space
between two words into the whitespace *between* two encoded words, which decoders must drop:
"Дар Русия — муҳоҷирони корӣ кам шуд" arrives as "… муҳоҷироникорӣ кам шуд". So the subject
gets its own, simpler rules:

- plain printable ASCII, without "=?" and without leading, trailing or double spaces, is
  written as it is, folded before single spaces when it is long;
- anything else is written entirely as `=?utf-8?b?…?=` encoded words, one a line. Each word
  holds whole characters, and where it can whole clusters (a letter with its marks, an emoji
  with its modifiers and ZWJ partners, a flag's two letters), since some clients decode the
  words one by one.

Every line, "Subject: " included, is at most 76 characters (RFC 2047, section 2).
"""

from __future__ import annotations

import base64
import unicodedata
from collections.abc import Iterator
from email.headerregistry import BaseHeader, HeaderRegistry, UnstructuredHeader
from email.policy import Policy
from typing import Any

MAX_LINE = 76  # characters a line holding an encoded word may have, RFC 2047
MAX_WORD = 75  # characters an encoded word may have, RFC 2047
PREFIX, SUFFIX = "=?utf-8?b?", "?="

ZWJ, ZWNJ = "\u200d", "\u200c"


class SubjectHeader(UnstructuredHeader, BaseHeader):
    """An unstructured header whose value is taken literally and folded by `fold_subject`.

    Literally: a value that looks like an encoded word ("=?utf-8?q?x?=") stays that text, where
    the standard header would decode it. So a policy with this header is for writing messages;
    read received ones with `email.policy.default`.
    """

    @classmethod
    def parse(cls, value: str, kwds: dict[str, Any]) -> None:
        super().parse(value, kwds)
        kwds["decoded"] = value

    def fold(self, *, policy: Policy) -> str:
        return fold_subject(self.name, str(self), linesep=policy.linesep)


def header_registry() -> HeaderRegistry:
    """The standard header classes, but `SubjectHeader` for Subject (for a policy's
    `header_factory`)."""
    registry = HeaderRegistry()
    registry.map_to_type("subject", SubjectHeader)
    return registry


def fold_subject(name: str, subject: str, *, linesep: str = "\r\n") -> str:
    """The header `name: subject` as it goes on the wire, ending with `linesep`."""
    if not subject:
        return f"{name}:{linesep}"
    first_room = MAX_LINE - len(f"{name}: ")
    lines = _plain_lines(subject, first_room) or _encoded_lines(subject, first_room)
    return f"{name}: " + f"{linesep} ".join(lines) + linesep


def _plain_lines(subject: str, first_room: int) -> list[str] | None:
    """The subject as plain text folded before spaces, or None where that could change it."""
    plain = (
        all(" " <= char <= "~" for char in subject)
        and "=?" not in subject
        and subject == subject.strip(" ")
        and "  " not in subject
    )
    if not plain:
        return None
    lines: list[str] = []
    room = first_room
    for word in subject.split(" "):
        if lines and len(lines[-1]) + 1 + len(word) <= room:
            lines[-1] += " " + word
            continue
        room = MAX_LINE - 1 if lines else first_room  # a new line starts with the folding space
        if len(word) > room:
            return None  # no space to fold at: encode instead
        lines.append(word)
    return lines


def _encoded_lines(subject: str, first_room: int) -> list[str]:
    """The subject as encoded words, the first fitting after the header's name."""
    first = _capacity(first_room)
    later = _capacity(min(MAX_WORD, MAX_LINE - 1))
    chunks: list[bytes] = []
    chunk = b""
    for cluster in _clusters(subject, longest=min(first, later)):
        data = cluster.encode("utf-8")
        if chunk and len(chunk) + len(data) > (later if chunks else first):
            chunks.append(chunk)
            chunk = b""
        chunk += data
    chunks.append(chunk)
    return [PREFIX + base64.b64encode(chunk).decode("ascii") + SUFFIX for chunk in chunks]


def _capacity(room: int) -> int:
    """How many bytes of text an encoded word of at most `room` characters holds."""
    return (room - len(PREFIX) - len(SUFFIX)) // 4 * 3  # base64: 4 characters for 3 bytes


def _clusters(text: str, *, longest: int) -> Iterator[str]:
    """`text` cut where an encoded word may end: between user-perceived characters, roughly
    the extended grapheme clusters of Unicode. A cluster of more than `longest` UTF-8 bytes
    (a letter with dozens of marks) comes as single code points instead."""
    cluster = ""
    for char in text:
        if cluster and _continues(cluster, char):
            cluster += char
            continue
        yield from _pieces(cluster, longest)
        cluster = char
    yield from _pieces(cluster, longest)


def _pieces(cluster: str, longest: int) -> Iterator[str]:
    if len(cluster.encode("utf-8")) <= longest:
        if cluster:
            yield cluster
    else:
        yield from cluster


def _continues(cluster: str, char: str) -> bool:
    """Whether `char` belongs to the cluster before it rather than starting one."""
    code, last = ord(char), cluster[-1]
    return (
        unicodedata.category(char) in ("Mn", "Mc", "Me")  # combining marks
        or char in (ZWJ, ZWNJ)
        or 0xFE00 <= code <= 0xFE0F  # variation selectors
        or 0xE0100 <= code <= 0xE01EF  # variation selectors supplement
        or 0x1F3FB <= code <= 0x1F3FF  # emoji skin tones
        or 0xE0020 <= code <= 0xE007F  # tags (flags of England, Scotland, Wales)
        or last == ZWJ  # 👩‍🌾: the character after a joiner
        or unicodedata.combining(last) == 9  # क्ष: the consonant after a virama
        or (_is_regional_indicator(char) and _regional_indicators_at_end(cluster) % 2 == 1)
    )


def _is_regional_indicator(char: str) -> bool:
    return 0x1F1E6 <= ord(char) <= 0x1F1FF  # 🇹🇯 is two of them


def _regional_indicators_at_end(cluster: str) -> int:
    count = 0
    for char in reversed(cluster):
        if not _is_regional_indicator(char):
            break
        count += 1
    return count
