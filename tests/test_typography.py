"""Quotation marks and apostrophes as each language writes them (CLDR), in what readers see,
and never in addresses, code, merge tags or the subject line."""

from __future__ import annotations

import email
import email.policy
import re
from pathlib import Path

import pytest

from newsletter.pipeline import build_issue
from newsletter.rendering import markdown
from newsletter.rendering.typography import quotes_for, smarten

from .conftest import CACHE, CONFIG, EDITIONS, ROOT, SAMPLE, visible_text

EN, RU = quotes_for("en"), quotes_for("ru")


def test_each_language_has_its_marks_from_cldr() -> None:
    assert EN == "“”‘’" == markdown.ENGLISH_QUOTES
    assert RU == "«»„“"
    assert quotes_for("fa-AF") == quotes_for("fa_AF") == "«»‹›"
    assert quotes_for("kk") == "«»“”"
    assert quotes_for("uz-Cyrl") == "“”‘’" and quotes_for("uz") == "“”’‘"
    assert quotes_for("xx") == "“”‘’"  # CLDR's root for a language it does not know


@pytest.mark.parametrize(
    ("text", "quotes", "expected"),
    [
        ("The desk's photos", EN, "The desk’s photos"),
        ('"Hello," she said.', EN, "“Hello,” she said."),
        ("\"She said 'no' twice,\" the desks' editor wrote.", EN,
         "“She said ‘no’ twice,” the desks’ editor wrote."),
        ("Back in the '90s, 1990's", EN, "Back in the ’90s, 1990’s"),
        ('(see "Khorog")', EN, "(see “Khorog”)"),
        ('Он сказал: "Привет, \'мир\'"', RU, "Он сказал: «Привет, „мир“»"),
        ("No quotes at all", EN, "No quotes at all"),
    ],
)  # fmt: skip
def test_smarten(text: str, quotes: str, expected: str) -> None:
    assert smarten(text, quotes) == expected


def test_the_body_is_typeset_but_not_its_code_or_addresses() -> None:
    html = markdown.to_html(
        'The desk\'s "view" and `code "as typed"` in [a "link"](https://e.org/a\'b).', RU
    )
    assert html == (
        "<p>The desk’s «view» and <code>code &quot;as typed&quot;</code> in "
        '<a href="https://e.org/a\'b">a «link»</a>.</p>\n'
    )
    text = markdown.to_text('A "quote" and the desk\'s photos.', quotes=EN)
    assert text == "A “quote” and the desk’s photos."


@pytest.mark.parametrize("edition", EDITIONS)
def test_no_straight_quote_is_left_for_a_reader(edition: str) -> None:
    build = build_issue(ROOT / "issues" / f"{edition}.yaml", config=CONFIG, cache_dir=CACHE)
    shown = visible_text(build.html)
    assert re.findall(r".{0,20}[\"'].{0,20}", shown) == []
    assert re.findall(r".{0,20}[\"'].{0,20}", build.text) == []
    if edition.endswith("-ru"):
        assert "«" in shown and "»" in shown
    elif edition.endswith("-fa"):
        assert "Gray’s Inn Road" in shown
    else:
        assert "Gray’s Inn Road" in shown and "last week’s gunbattles" in shown


def test_quotes_in_every_field_and_never_in_the_subject_or_merge_tags(desk: Path) -> None:
    text = SAMPLE.read_text(encoding="utf-8")
    text = text.replace(
        'subject: "Tajikistan: Khorog Hard Hit by Gunbattles"',
        "subject: 'Tajikistan: \"Hard Hit\", the desk''s view'",
    )
    text = text.replace("  standfirst: Images of", '  standfirst: The "images" of', 1)
    text = text.replace("language: en", "language: ru")
    issue = desk / "issues" / "quotes.yaml"
    issue.write_text(text, encoding="utf-8")
    build = build_issue(issue, cache_dir=CACHE)
    shown = visible_text(build.html)
    assert "The «images» of damage" in shown
    message = email.message_from_bytes(build.eml, policy=email.policy.default)
    assert message["Subject"] == 'Tajikistan: "Hard Hit", the desk\'s view'  # as written
    assert 'href="*|UNSUB|*"' in build.html
