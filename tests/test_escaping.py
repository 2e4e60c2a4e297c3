"""Whatever an editor types comes out as text, never as markup, in both parts."""

from __future__ import annotations

from pathlib import Path

from lxml import html as lxml_html

from newsletter.pipeline import build_issue
from newsletter.rendering.compile_mjml import compile_mjml

from .conftest import CACHE
from .test_bad_input import GOOD

HOSTILE = '<script>alert(1)</script> & "quotes"'
SHOWN = "<script>alert(1)</script> & “quotes”"  # as a reader sees it: typeset, as text


def test_markup_in_a_caption_is_shown_as_text(desk: Path) -> None:
    issue = desk / "issues" / "x.yaml"
    both = f"caption: '{HOSTILE}'\n      alt: '{HOSTILE}'"
    issue.write_text(GOOD.replace("caption: Public meeting.", both))
    result = build_issue(issue, cache_dir=CACHE)

    tree = lxml_html.fromstring(result.html)
    assert tree.xpath("//script") == []
    caption = tree.xpath("//p[@class='caption']")[0]
    assert caption.text_content().startswith(SHOWN)
    assert tree.xpath("//img")[0].get("alt") == SHOWN
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp;" in result.html
    assert f"* {SHOWN} (Photo: IWPR)" in result.text


def test_markup_and_templates_in_every_text_field_stay_text(desk: Path) -> None:
    sneaky = "</mj-text><mj-raw><b>x</b></mj-raw> {{ 7*7 }} {% if 1 %}y{% endif %} <!--[if mso]>"
    text = GOOD
    for field in (
        "title: Khorog Hard Hit",
        "standfirst: Images of damage.",
        "summary: Violence has dealt a blow.",
    ):
        key = field.split(":")[0]
        text = text.replace(field, f"{key}: '{sneaky}'")
    # The body refuses HTML (tests/test_markdown.py); written escaped, it is shown as text.
    escaped = f"Body <i>raw</i> {sneaky}".replace("<", "\\<")
    text = text.replace("    Khorog, the main town.", f"    {escaped}")
    issue = desk / "issues" / "x.yaml"
    issue.write_text(text)
    result = build_issue(issue, cache_dir=CACHE)

    tree = lxml_html.fromstring(result.html)
    assert tree.xpath("//b") == [] and tree.xpath("//i") == []
    assert tree.xpath("//h1")[0].text_content() == sneaky
    assert "49" not in tree.text_content()
    assert "<i>raw</i>" in tree.text_content()
    assert result.text.count("{{ 7*7 }}") == 4


def test_every_character_of_an_alt_text_reaches_it_unchanged(desk: Path) -> None:
    # mjml-python (MRML) writes some characters of attribute values as Rust escapes (a
    # no-break space became "\\u{a0}"); they must arrive as typed, in both parts.
    caption = "31\u00a0July 2012\u00a0г. \u2014 cafe\u0301, Kho\u00adrog \\ a\u202fb"
    issue = desk / "issues" / "x.yaml"
    both = f"caption: '{caption}'\n      alt: '{caption}'"  # alt as a caption: only a warning
    issue.write_text(GOOD.replace("caption: Public meeting.", both))
    result = build_issue(issue, cache_dir=CACHE)

    tree = lxml_html.fromstring(result.html)
    assert tree.xpath("//img")[0].get("alt") == caption
    assert tree.xpath("//p[@class='caption']")[0].text_content().startswith(caption)
    assert "\\u{" not in result.html


def test_no_character_is_mangled_in_an_attribute_by_mjml() -> None:
    # Every code point of the BMP a text field lets through (no C0/C1 controls but tab and
    # newline; Jinja2 has escaped " < > & already), and every 61st beyond it, in groups.
    codes = (0x9, 0xA, *range(0x20, 0x7F), *range(0xA0, 0x10000), *range(0x10000, 0x110000, 61))
    chars = [chr(c) for c in codes if not 0xD800 <= c <= 0xDFFF and chr(c) not in '"<>&']
    group = 4096
    for start in range(0, len(chars), group):
        part = chars[start : start + group]
        images = "".join(f'<mj-image src="a.jpg" alt="x{c}y" />' for c in part)
        html = compile_mjml(f"<mjml><mj-body><mj-column>{images}</mj-column></mj-body></mjml>")
        alts = [img.get("alt") for img in lxml_html.fromstring(html).xpath("//img")]
        wrong = [hex(ord(c)) for c, alt in zip(part, alts, strict=True) if alt != f"x{c}y"]
        assert wrong == []
