"""One small before/after test per post-processing step."""

from __future__ import annotations

from newsletter.rendering.transforms import (
    doctype,
    fold_lines,
    image_heights,
    inline_css,
    merge_tags,
    thunderbird_media,
)


def test_inline_css_inlines_marked_rules_and_keeps_media_queries() -> None:
    html = (
        "<html><head>"
        "<style>/* inline */ p { color: #111111; } "
        "@media (prefers-color-scheme: dark) { p { color: #eeeeee !important; } }</style>"
        "<style>td { padding: 0; } @media (max-width: 479px) { .x { width: 100% !important; } }"
        "</style></head><body><p>Hi</p><table><tr><td>c</td></tr></table>"
        '<img src="a.jpg" width="264" height="176" style="width:100%"></body></html>'
    )
    out = inline_css.inline_css(html)
    assert '<p style="color:#111">Hi</p>' in out  # cssutils shortens colours
    assert "@media (prefers-color-scheme: dark)" in out and "!important" in out
    # Unmarked blocks (MJML's own) stay as they were, and are not inlined.
    assert "<td>c</td>" in out
    assert "td { padding: 0; } @media (max-width: 479px)" in out
    assert "data-premailer" not in out
    # Outlook needs the pixel attributes; premailer must not turn them into "100%".
    assert 'width="264" height="176"' in out


def test_inline_css_never_fetches_linked_stylesheets() -> None:
    html = (
        '<html><head><link rel="stylesheet" href="https://example.invalid/x.css">'
        "</head><body><p>x</p></body></html>"
    )
    out = inline_css.inline_css(html)
    assert "<p>x</p>" in out


def test_image_heights_become_auto_in_css_but_stay_in_attributes() -> None:
    before = (
        '<img alt="a" height="373" src="x.jpg" width="552" '
        'style="border:0;height:373px;width:100%;line-height:100%">'
    )
    after = image_heights.auto_heights(before)
    assert after == (
        '<img alt="a" height="373" src="x.jpg" width="552" '
        'style="border:0;height:auto;width:100%;line-height:100%">'
    )
    assert image_heights.auto_heights('<td style="height:20px">') == '<td style="height:20px">'


def test_image_heights_leave_line_height_alone() -> None:
    assert image_heights.auto_heights('<img style="line-height:12px">') == (
        '<img style="line-height:12px">'
    )


def test_merge_tags_are_restored_exactly() -> None:
    stand_in = merge_tags.placeholder(0)
    html = f'<a href="{stand_in}">Unsubscribe</a> <a href="{stand_in}">again</a>'
    out = merge_tags.restore(html, {stand_in: "{{ unsubscribe_url }}"})
    assert (
        out == '<a href="{{ unsubscribe_url }}">Unsubscribe</a> '
        '<a href="{{ unsubscribe_url }}">again</a>'
    )


def test_doctype_is_added_once() -> None:
    assert doctype.ensure_doctype("<html></html>") == "<!doctype html>\n<html></html>"
    assert doctype.ensure_doctype("<!DOCTYPE html><html></html>") == "<!DOCTYPE html><html></html>"


def test_fold_lines_breaks_only_where_a_space_is_harmless() -> None:
    cells = "".join(f'<td class="c" style="a: b; c: d">word {i}</td>' for i in range(60))
    out = fold_lines.fold_long_lines(cells, limit=100)
    assert max(len(line) for line in out.split("\n")) <= 100
    # Joining the lines with spaces gives back the original: only spaces were replaced.
    assert out.replace("\n", " ") == cells
    # No break inside a quoted attribute value.
    for line in out.split("\n"):
        assert line.count('"') % 2 == 0


def test_fold_lines_leaves_short_documents_alone() -> None:
    assert fold_lines.fold_long_lines("<p>a b</p>\n<p>c</p>") == "<p>a b</p>\n<p>c</p>"


def test_phone_and_dark_rules_are_repeated_for_thunderbird_alone() -> None:
    html = (
        "<html><head><style>p { margin: 0; }\n"
        "@media only screen and (max-width:479px) {\n"
        "  table.mj-full-width-mobile { width: 100% !important; }\n"
        "  td.a, td.b { width: auto !important; }\n}\n"
        "@media (prefers-color-scheme: dark) { .card { color: #eee !important; } }</style>"
        '<style media="screen and (min-width:480px)">.moz-text-html .x { width: 50%; }</style>'
        "</head><body></body></html>"
    )
    out = thunderbird_media.repeat_for_thunderbird(html)
    assert out == html.replace(
        "</head>",
        '<style media="only screen and (max-width:479px)">'
        ".moz-text-html table.mj-full-width-mobile { width: 100% !important; } "
        ".moz-text-html td.a, .moz-text-html td.b { width: auto !important; }</style>\n"
        '<style media="(prefers-color-scheme: dark)">'
        ".moz-text-html .card { color: #eee !important; }</style>\n</head>",
    )
    assert thunderbird_media.repeat_for_thunderbird("<p>no styles</p>") == "<p>no styles</p>"


def test_selectors_are_scoped_to_thunderbirds_wrapper() -> None:
    scoped = thunderbird_media.scope_selectors("body, .page")
    assert scoped == ".moz-text-html, .moz-text-html .page"
