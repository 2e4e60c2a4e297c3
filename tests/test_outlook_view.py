"""Outlook for Windows' view of the e-mail, checked by its structure (tests/outlook_view.py):
the samples and a 20-photo issue pass; e-mails broken the ways Outlook breaks them fail."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from newsletter.pipeline import Build, build_issue
from newsletter.rendering.transforms.outlook_fonts import outlook_stack

from .conftest import CACHE, CONFIG, EDITIONS, ROOT
from .corpus import EDITIONS as CORPUS_EDITIONS
from .corpus import issue_text
from .outlook_view import condition, outlook_problems, outlook_view

BODY_WIDTH = 600


@pytest.fixture(scope="module")
def sample() -> Build:
    return build_issue(ROOT / "issues" / f"{EDITIONS[0]}.yaml", config=CONFIG, cache_dir=CACHE)


@pytest.mark.parametrize("stem", EDITIONS)
def test_each_sample_edition_lays_out_in_outlook(stem: str) -> None:
    build = build_issue(ROOT / "issues" / f"{stem}.yaml", config=CONFIG, cache_dir=CACHE)
    assert outlook_problems(build.html, BODY_WIDTH) == []


def test_a_twenty_photo_issue_lays_out_in_outlook(tmp_path: Path) -> None:
    issues = tmp_path / "issues"
    (issues / "photos").mkdir(parents=True)
    for photo in (ROOT / "issues" / "photos").iterdir():
        (issues / "photos" / photo.name).write_bytes(photo.read_bytes())
    path = issues / "twenty.yaml"
    data = issue_text(CORPUS_EDITIONS["en"], 20)
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    build = build_issue(path, config=CONFIG, cache_dir=CACHE)
    assert build.html.count("<img") >= 20
    assert outlook_problems(build.html, BODY_WIDTH) == []


def test_outlook_gets_fonts_windows_has_and_exact_line_heights(sample: Build) -> None:
    view = outlook_view(sample.html)
    assert (
        "body, table, td, th, div, p, span, a, li, blockquote, h4, h5, h6 "
        "{ font-family: 'Segoe UI', Arial, sans-serif !important; }"
    ) in view
    assert "h1, h2, h3, h1 a, h2 a, h3 a, .brand, .brand a { font-family: Georgia, " in view
    assert "mso-line-height-rule: exactly;" in view
    # Every other reader: the style is inside a comment they skip.
    outside = re.sub(r"<!--.*?-->", "", sample.html, flags=re.S)
    assert "'Segoe UI', Arial, sans-serif !important" not in outside


@pytest.mark.parametrize(
    ("stack", "outlook"),
    [
        ("-apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif",
         "'Segoe UI', Arial, sans-serif"),
        ("Georgia, 'Times New Roman', Times, serif", "Georgia, 'Times New Roman', serif"),
        ("'Source Serif Pro', serif", "Georgia, serif"),
        ("Inter, system-ui", "Arial, sans-serif"),
        ("Menlo, Consolas, monospace", "Consolas, monospace"),
    ],
)  # fmt: skip
def test_outlook_stack_keeps_the_fonts_windows_has(stack: str, outlook: str) -> None:
    assert outlook_stack(stack) == outlook


@pytest.mark.parametrize(
    ("text", "taken"),
    [("mso", True), ("mso | IE", True), ("!mso", False), ("lte mso 11", False),
     ("gte mso 9", True), ("IE", False), ("mso 16", True), ("(mso)|(IE)", True)],
)  # fmt: skip
def test_conditions_are_read_as_outlook_2016_reads_them(text: str, taken: bool) -> None:
    assert condition(text) is taken


def test_the_view_keeps_what_is_for_outlook_and_drops_what_is_not() -> None:
    html = (
        "<!--[if mso | IE]><table width=600><![endif]-->"
        "<!--[if !mso]><!--><div>others</div><!--<![endif]-->"
        "<!--[if lte mso 11]><style>.old{}</style><![endif]-->x"
    )
    assert outlook_view(html) == "<table width=600>x"


# Broken on purpose, the ways Outlook breaks: each must fail with the reason named.


def broken(build: Build, kind: str) -> str:
    html = build.html
    if kind == "wide-table":  # pasted in, wider than the column
        table = '<table width="700" style="width:700px"><tr><td>A pasted table</td></tr></table>'
        return html.replace("<h1", table + "<h1", 1)
    if kind == "image-without-height":
        tag = re.findall(r"<img [^>]*>", html)[1]
        return html.replace(tag, re.sub(r'\sheight="\d+"', "", tag), 1)
    if kind == "flex":
        return html.replace(
            '<div class="card" style="', '<div class="card" style="display:flex;', 1
        )
    if kind == "max-width-alone":
        return html.replace("<h1", '<div style="max-width:300px">Narrow?</div><h1', 1)
    if kind == "background-image":
        return html.replace("<h1", "<div style=\"background-image:url('x.jpg')\">x</div><h1", 1)
    if kind == "button-without-cell":
        return re.sub(r'(class="button".*?)<td align="center" bgcolor="[^"]*"', r"\1<td",
                      html, count=1, flags=re.S)  # fmt: skip
    if kind == "no-outlook-style":
        return re.sub(r"<!--\[if mso\]>\s*<style.*?<!\[endif\]-->", "", html, count=1, flags=re.S)
    raise AssertionError(kind)


@pytest.mark.parametrize(
    ("kind", "problem"),
    [
        ("wide-table", "<table> 700 px wide in 552 px"),
        ("image-without-height", "<img "),
        ("flex", "<div card> with display:flex, which Outlook ignores"),
        ("max-width-alone", "<div> held to 300 px by max-width alone"),
        ("background-image", "<div> with a background image and no VML"),
        ("button-without-cell", "<td button> has neither VML nor a painted table cell"),
        ("no-outlook-style", "no Outlook font for td"),
    ],
)
def test_an_email_broken_for_outlook_fails(sample: Build, kind: str, problem: str) -> None:
    found = outlook_problems(broken(sample, kind), BODY_WIDTH)
    if kind == "no-outlook-style":
        assert found == [
            "no Outlook font for td",
            "no Outlook font for p",
            "no Outlook font for h1",
            "no mso-line-height-rule: exactly for text",
        ]
        return
    assert len(found) == 1 and found[0].startswith(problem), found
    if kind == "image-without-height":
        assert found[0].endswith(" without integer width and height attributes")
