"""Keep attribute values whole through mjml-python (MRML).

MRML writes some characters of an attribute value back out as Rust escapes: a caption with a
no-break space becomes the alt text `31\\u{a0}July`, and a combining accent, a soft hyphen, a
backslash or a tab fare the same. Such characters are common in the desk's text (Russian
typography puts a no-break space before "г."), so before compiling, every one of them in an
attribute value is written as a numeric character reference, which MRML passes through and
every HTML parser reads back as the character. Text between tags is not affected, but for
the title: MRML copies `<mj-title>` into the `aria-label` of the e-mail's wrapper as well, so
a zero-width non-joiner in a Persian subject would reach screen readers as `\\u{200c}`.
"""

from __future__ import annotations

import re
import unicodedata

_TAG = re.compile(r"<[^<>]*>")  # autoescaping leaves no bare < or > inside a value
_TITLE = re.compile(r"(?<=<mj-title>)[^<]*(?=</mj-title>)")
_VALUE = re.compile(r""""[^"]*"|'[^']*'""")  # the whitespace between attributes stays as it is
_SUSPECT = re.compile(r"[^\x20-\x5b\x5d-\x7e]")  # all but printable ASCII less the backslash
# Unicode categories MRML escapes: controls, format characters, unassigned and private-use
# code points, separators other than the space, and combining marks (tests/test_escaping.py
# checks this against MRML itself, code point by code point).
_ESCAPED_CATEGORIES = frozenset({"Cc", "Cf", "Cn", "Co", "Cs", "Zs", "Zl", "Zp", "Mn", "Mc", "Me"})
# ...and a few letters Rust's tables count as marks or unprintable: Hangul fillers, the
# halfwidth katakana sound marks; and the backslash.
_ESCAPED_CHARACTERS = frozenset("\\\u115f\u1160\u3164\uffa0\uff9e\uff9f")


def _reference(match: re.Match[str]) -> str:
    char = match.group()
    if char in _ESCAPED_CHARACTERS or unicodedata.category(char) in _ESCAPED_CATEGORIES:
        return f"&#x{ord(char):x};"
    return char


def _protect_value(match: re.Match[str]) -> str:
    return _SUSPECT.sub(_reference, match.group())


def _protect_tag(match: re.Match[str]) -> str:
    return _VALUE.sub(_protect_value, match.group())


def protect_attributes(source: str) -> str:
    """Write the characters MRML would mangle in attribute values (and in the title, which
    becomes one) as character references."""
    return _TAG.sub(_protect_tag, _TITLE.sub(_protect_value, source, count=1))
