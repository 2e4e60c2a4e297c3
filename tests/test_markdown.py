"""The body's Markdown: its scope, raw HTML off, safe links, headings below the title, and the
plain-text rendering."""

from __future__ import annotations

from newsletter.reading.body_markdown import scope_problems
from newsletter.rendering import markdown


def test_raw_html_is_escaped_not_rendered() -> None:
    assert markdown.to_html("Hi <b>there</b>") == "<p>Hi &lt;b&gt;there&lt;/b&gt;</p>\n"


def test_only_web_and_mailto_links_are_rendered() -> None:
    assert markdown.to_html("[a](https://e.org/x)") == '<p><a href="https://e.org/x">a</a></p>\n'
    assert "<a" not in markdown.to_html("[a](javascript:alert(1))")
    assert "<a" not in markdown.to_html("[a](JaVaScRiPt:alert(1))")
    assert "<a" not in markdown.to_html("[a](/relative)")
    assert list(scope_problems("x\n\n[a](data:text/html,x) [b](https://ok.org)")) == [
        (2, "link not allowed: 'data:text/html,x' (only http://, https:// and mailto: links)")
    ]


def test_headings_start_below_the_lead_title() -> None:
    assert markdown.to_html("# Part one") == "<h2>Part one</h2>\n"
    assert markdown.to_html("## Part two") == "<h3>Part two</h3>\n"
    assert markdown.to_html("###### Deep") == "<h4>Deep</h4>\n"


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


def test_what_the_body_may_not_use_is_refused_at_its_line() -> None:
    body = (
        "Para.\n\n![Khorog](https://e.org/k.jpg)\n\nSee <b>this</b>.\n\n"
        "```\ncode\n```\n\nA note[^9] with no text.\n\n<div>block</div>\n"
    )
    problems = list(scope_problems(body))
    assert [line for line, _ in problems] == [2, 4, 6, 10, 12]
    messages = [message for _, message in problems]
    assert messages[0] == "Markdown images are not supported; put photos in the gallery"
    assert messages[1].startswith("HTML is not supported in the body ('<b>')")
    assert messages[2].startswith("code blocks (```) are not supported")
    assert messages[3] == "footnote [^9] has no note: add a line '[^9]: ...' after the text"
    assert messages[4].startswith("HTML is not supported in the body ('<div>block</div>')")


def test_an_indented_paragraph_is_a_paragraph() -> None:
    assert markdown.to_html("    Indented by an editor.") == "<p>Indented by an editor.</p>\n"
    assert list(scope_problems("    Indented by an editor.")) == []


def test_tables_strikethrough_and_footnotes_are_rendered() -> None:
    body = (
        "Turnout was high[^1], ~~low~~.\n\n| Region | Turnout |\n|---|---:|\n"
        "| Sughd | 91% |\n\n[^1]: Official figures.\n"
    )
    html = markdown.to_html(body)
    assert '<table class="data">' in html and "<th>Region</th>" in html
    assert '<td style="text-align:right">91%</td>' in html
    assert "<s>low</s>" in html
    assert '<li id="fn1" class="footnote-item"><p>Official figures.' in html
    assert '<a href="#fn1" id="fnref1">[1]</a>' in html
    text = markdown.to_text(body)
    assert text.split("\n") == [
        "Turnout was high¹, low.",
        "",
        "Region | Turnout",
        "--------------------",
        "Sughd | 91%",
        "",
        "--------------------",
        "",
        "¹ Official figures.",
    ]


def test_plain_text_keeps_nested_lists_indented() -> None:
    body = "- Dushanbe\n  - Rudaki\n    1. Somoni\n    2. Ismoili\n- Khujand"
    assert markdown.to_text(body).split("\n") == [
        "- Dushanbe",
        "",
        "  - Rudaki",
        "",
        "    1. Somoni",
        "",
        "    2. Ismoili",
        "",
        "- Khujand",
    ]


def test_plain_text_puts_a_long_address_under_its_number() -> None:
    url = "https://example.org/" + "a" * 80
    text = markdown.to_text(f"See [the report]({url}).")
    assert text.split("\n") == ["See the report [1].", "[1]", url]
