"""Field rules for the issue file and the settings, declared once for validation and schema.

A field's type is a plain annotation (`str`, `int`, `dt.date`, `Literal[...]`, `list[X]`, a
dataclass, `X | None`), optionally wrapped in `Annotated[..., Rule(...)]`. `validate.py` checks
data against it; `schema.py` turns the same declarations into JSON Schema.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any
from urllib.parse import urlsplit


@dataclass(frozen=True, eq=False)  # compared by identity, so it can sit in a Union
class Rule:
    """A check (and clean-up) run on a value that already has the right type."""

    check: Callable[[Any], Any]  # returns the cleaned value, raises ValueError(message)
    schema: dict[str, Any] = dataclasses.field(default_factory=dict)


def doc(text: str) -> dict[str, str]:
    """Metadata for `dataclasses.field`: the description editors see in completion."""
    return {"doc": text}


def _text(value: str) -> str:
    value = value.strip()
    if not value:
        raise ValueError("must not be empty")
    if len(value) > MAX_TEXT:
        raise ValueError(f"too long ({len(value):,} characters; at most {MAX_TEXT:,})")
    if found := _INVISIBLE.search(value):
        raise ValueError(
            f"contains the invisible control character U+{ord(found.group()):04X}; remove it"
        )
    if found := _BIDI_CONTROL.search(value):
        raise ValueError(
            f"contains the bidirectional control character "
            f"U+{ord(found.group()):04X}, which can make text read differently "
            "from how it is stored; remove it"
        )
    return value


MAX_TEXT = 100_000
# C0 controls but tab and newline, DEL, and C1 controls (Gmail clips messages containing them).
_INVISIBLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# Embeddings, overrides and isolates (the "Trojan Source" characters). The plain direction
# marks U+200E and U+200F stay allowed: right-to-left editions use them.
_BIDI_CONTROL = re.compile("[\u202a-\u202e\u2066-\u2069]")
# Both at once: what text from outside (a feed, a photo file) must not bring in.
REFUSED_CHARACTERS = re.compile(f"{_INVISIBLE.pattern}|{_BIDI_CONTROL.pattern}")
_UNSAFE = re.compile(r"[\x00-\x20\x7f-\x9f]")
_EMAIL = re.compile(
    r"^[^@\s<>\"'(),;:]+"  # local part
    r"@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9-]+)+$"  # domain with a dot
)
_HEX = re.compile(r"^#[0-9a-fA-F]{6}$")


def check_web_url(value: str) -> str:
    """Accept an absolute http(s) address only; anything else could run script or break."""
    value = value.strip()
    if not value:
        raise ValueError("must not be empty")
    if _UNSAFE.search(value):
        raise ValueError("web address contains spaces or control characters")
    parts = urlsplit(value)
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        raise ValueError(f"not a web address: {value!r} (only http:// and https:// links)")
    return value


def check_email(value: str) -> str:
    """Accept a plain e-mail address such as `feedback.ca@example.org`."""
    value = value.strip()
    if not value:
        raise ValueError("must not be empty")
    if not _EMAIL.match(value):
        raise ValueError(f"not an e-mail address: {value!r}")
    return value


def _colour(value: str) -> str:
    if not _HEX.match(value):
        raise ValueError(f"expected a colour like #1a1a1a, got {value!r}")
    return value.lower()


def _positive(value: int) -> int:
    if value < 1:
        raise ValueError(f"must be 1 or more, got {value}")
    return value


_LANGUAGE = re.compile(r"^[a-z]{2,3}(?:[-_][A-Za-z]{2,4})?$")


def check_language(value: str) -> str:
    """A language code such as en, ru, tg or uz-Cyrl (whether Babel knows it is checked later)."""
    if not _LANGUAGE.match(value):
        raise ValueError(f"not a language code: {value!r} (such as en, ru, tg, ky, uz, kk)")
    return value


def _text_or_empty(value: str) -> str:
    return _text(value) if value.strip() else ""


Text = Annotated[str, Rule(_text, {"minLength": 1, "maxLength": MAX_TEXT})]
# Text that may be left "": the build then takes it from elsewhere (a photo's own caption).
TextOrEmpty = Annotated[str, Rule(_text_or_empty, {"maxLength": MAX_TEXT})]
Url = Annotated[str, Rule(check_web_url, {"format": "uri", "pattern": "^https?://"})]
Email = Annotated[str, Rule(check_email, {"format": "email"})]
Colour = Annotated[str, Rule(_colour, {"pattern": "^#[0-9a-fA-F]{6}$"})]
Positive = Annotated[int, Rule(_positive, {"minimum": 1})]
Language = Annotated[str, Rule(check_language, {"pattern": _LANGUAGE.pattern})]
