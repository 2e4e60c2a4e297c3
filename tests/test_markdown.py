"""The body's Markdown: CommonMark, raw HTML off, safe links, headings below the title."""

from __future__ import annotations

from newsletter.reading.body_links import bad_links
from newsletter.rendering import markdown


def test_raw_html_is_escaped_not_rendered() -> None:
    assert markdown.to_html("Hi <b>there</b>") == "<p>Hi &lt;b&gt;there&lt;/b&gt;</p>\n"


def test_only_web_and_mailto_links_are_rendered() -> None:
    assert markdown.to_html("[a](https://e.org/x)") == '<p><a href="https://e.org/x">a</a></p>\n'
    assert "<a" not in markdown.to_html("[a](javascript:alert(1))")
    assert "<a" not in markdown.to_html("[a](JaVaScRiPt:alert(1))")
    assert "<a" not in markdown.to_html("[a](/relative)")
    assert list(bad_links("x\n\n[a](data:text/html,x) [b](https://ok.org)")) == [
        (2, "data:text/html,x")
    ]


def test_headings_start_below_the_lead_title() -> None:
    assert markdown.to_html("# Part one") == "<h2>Part one</h2>\n"
    assert markdown.to_html("###### Deep") == "<h6>Deep</h6>\n"


def test_images_in_markdown_are_not_rendered() -> None:
    assert "<img" not in markdown.to_html("![x](https://e.org/x.png)")


def test_plain_text_puts_link_addresses_on_their_own_lines() -> None:
    text = markdown.to_text(
        "Read [the report](https://example.org/report) or write to "
        "[us](mailto:desk@example.org).\n\n- one\n- two\n\n> quoted"
    )
    assert text.split("\n") == [
        "Read the report [1] or write to us [2].",
        "[1] https://example.org/report",
        "[2] desk@example.org",
        "",
        "- one",
        "",
        "- two",
        "",
        "> quoted",
    ]


def test_plain_text_wraps_at_76_columns() -> None:
    text = markdown.to_text("word " * 60)
    assert max(len(line) for line in text.splitlines()) <= 76
