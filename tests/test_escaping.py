"""Whatever an editor types comes out as text, never as markup, in both parts."""

from __future__ import annotations

from pathlib import Path

from lxml import html as lxml_html

from newsletter.build import build_issue

from .test_bad_input import GOOD

HOSTILE = '<script>alert(1)</script> & "quotes"'


def test_markup_in_a_caption_is_shown_as_text(desk: Path) -> None:
    issue = desk / "issues" / "x.yaml"
    issue.write_text(GOOD.replace("caption: Public meeting.", f"caption: '{HOSTILE}'"))
    result = build_issue(issue, cache_dir=None)

    tree = lxml_html.fromstring(result.html)
    assert tree.xpath("//script") == []
    caption = tree.xpath("//p[@class='caption']")[0]
    assert caption.text_content().startswith(HOSTILE)
    assert tree.xpath("//img")[0].get("alt") == HOSTILE
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp;" in result.html
    assert f"* {HOSTILE} (Photo: IWPR)" in result.text


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
    text = text.replace("    Khorog, the main town.", f"    Body <i>raw</i> {sneaky}")
    issue = desk / "issues" / "x.yaml"
    issue.write_text(text)
    result = build_issue(issue, cache_dir=None)

    tree = lxml_html.fromstring(result.html)
    assert tree.xpath("//b") == [] and tree.xpath("//i") == []
    assert tree.xpath("//h1")[0].text_content() == sneaky
    assert "49" not in tree.text_content()
    assert "<i>raw</i>" in tree.text_content()
    assert result.text.count("{{ 7*7 }}") == 4
