"""The field rules of the issue file and the settings, one by one."""

from __future__ import annotations

import typing
from collections.abc import Callable
from typing import Any

import pytest

from newsletter.reading.fields import (
    MAX_TEXT,
    Colour,
    Language,
    Positive,
    Rule,
    Text,
    check_email,
    check_web_url,
)


def rule_of(annotated: Any) -> Callable[[Any], Any]:
    (rule,) = [r for r in typing.get_args(annotated)[1:] if isinstance(r, Rule)]
    return rule.check


text, colour, positive, language = map(rule_of, (Text, Colour, Positive, Language))


def refused(check: Callable[[Any], Any], value: Any) -> str:
    with pytest.raises(ValueError) as caught:
        check(value)
    return str(caught.value)


def test_text_is_stripped_and_keeps_every_script() -> None:
    assert text("  Khorog  ") == "Khorog"
    for value in (
        "Хорог, Бадахшон: ҳукумат ва шӯришиён",  # Tajik letters
        "خاروغ (Khorog) در بدخشان",  # Persian beside a Latin name
        "Photo: Ахмад Шоев / اَحمد شاهف",
        "👩‍🌾 Farmers of the Pamirs 🇹🇯",  # a ZWJ sequence and a flag
        "\u200fراست به چپ",  # a right-to-left mark is allowed
        "zero\u200cwidth non-joiner",  # ZWNJ: routine in Persian
    ):
        assert text(value) == value


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("   ", "must not be empty"),
        ("x" * (MAX_TEXT + 1), f"too long ({MAX_TEXT + 1:,} characters; at most {MAX_TEXT:,})"),
        ("bell\x07", "contains the invisible control character U+0007; remove it"),
        ("gmail\x85clip", "contains the invisible control character U+0085; remove it"),
        ("abc\u202eevil", "contains the bidirectional control character U+202E"),
        ("isolate\u2066x\u2069", "contains the bidirectional control character U+2066"),
    ],
)
def test_text_refuses(value: str, message: str) -> None:
    assert refused(text, value).startswith(message)


def test_web_addresses() -> None:
    assert check_web_url(" https://example.org/khorog ") == "https://example.org/khorog"
    assert check_web_url("http://example.org") == "http://example.org"
    for value, message in [
        ("javascript:alert(1)", "not a web address: 'javascript:alert(1)'"),
        ("/news/khorog", "not a web address: '/news/khorog'"),
        ("https://", "not a web address: 'https://'"),
        ("https://example.org/a b", "web address contains spaces or control characters"),
        ("", "must not be empty"),
    ]:
        assert refused(check_web_url, value).startswith(message)


def test_email_addresses() -> None:
    assert check_email("feedback.ca@example.org") == "feedback.ca@example.org"
    for value in ("feedback", "a@b", "a b@example.org", "<a@example.org>", "a@-x.org"):
        assert refused(check_email, value) == f"not an e-mail address: {value!r}"


def test_colours_are_six_hex_digits_lowercased() -> None:
    assert colour("#8A1C1C") == "#8a1c1c"
    for value in ("red", "#fff", "8a1c1c", "#8a1c1g"):
        assert refused(colour, value) == f"expected a colour like #1a1a1a, got {value!r}"


def test_positive_numbers() -> None:
    assert positive(656) == 656
    assert refused(positive, 0) == "must be 1 or more, got 0"


def test_language_codes() -> None:
    for value in ("en", "ru", "tg", "prs", "uz-Cyrl", "fa_AF"):
        assert language(value) == value
    for value in ("english", "e", "ru-RU-x", "12"):
        assert refused(language, value).startswith(f"not a language code: {value!r}")
