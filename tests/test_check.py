"""`newsletter check`: each rule, triggered by a fixture, prints its exact line."""

from __future__ import annotations

import functools
import json
import random
import re
import shutil
import subprocess
import typing
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import pytest
from PIL import Image

from newsletter.commands.check import check_build
from newsletter.commands.rules import RULES, contrast_ratio
from newsletter.delivery import spamassassin
from newsletter.pipeline import build_issue

from .conftest import CACHE, CONFIG, ROOT, SAMPLE, run_newsletter

ISSUE = "issues/x.yaml"
Test = TypeVar("Test", bound=Callable[..., None])


# Each rule's test is marked with the codes it must trigger; the mark fails the test when
# they do not show among the findings, and the registry proves every rule has such a test.
TRIGGERED_BY: dict[str, str] = {}  # rule code -> the test that triggers it
_found_codes: set[str] = set()


def triggers(*codes: str) -> Callable[[Test], Test]:
    """Register a test as the one that triggers the rules `codes`, and hold it to that."""

    def mark(test: Test) -> Test:
        for code in codes:
            TRIGGERED_BY[code] = test.__name__

        @functools.wraps(test)
        def run(*args: Any, **kwargs: Any) -> None:
            _found_codes.clear()
            test(*args, **kwargs)
            missing = set(codes) - _found_codes
            assert not missing, f"{test.__name__} did not trigger {sorted(missing)}"

        return typing.cast(Test, run)

    return mark


def findings(
    desk: Path, issue: str | None = None, settings: str | None = None, *, slow: bool = False
) -> list[str]:
    """Check an issue (the sample, changed) with settings (the desk's, changed); with `slow`,
    by the slow rules too, as `newsletter check` does."""
    (desk / ISSUE).write_text(SAMPLE.read_text() if issue is None else issue)
    if settings is not None:
        (desk / "newsletter.toml").write_text(settings)
    found = check_build(build_issue(desk / ISSUE, cache_dir=CACHE), slow=slow)
    _found_codes.update(f.code for f in found)
    return [str(f) for f in found]


def sample() -> str:
    return SAMPLE.read_text()


def line_of(text: str, fragment: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), 1) if fragment in line)


def test_the_sample_issue_is_clean(desk: Path) -> None:
    assert findings(desk) == []


def test_every_rule_has_a_test_that_triggers_it() -> None:
    assert sorted(TRIGGERED_BY) == sorted(RULES)


def with_body(paragraphs: int) -> str:
    body = "\n\n".join(
        f"Paragraph {n}: " + "lorem ipsum dolor sit amet " * 40 for n in range(paragraphs)
    )
    return sample().replace(
        "  body: |\n", "  body: |\n    " + body.replace("\n", "\n    ") + "\n\n", 1
    )


def built_html(desk: Path) -> str:
    return build_issue(desk / ISSUE, cache_dir=CACHE).html


@triggers("NL101", "NL102")
def test_nl101_and_nl102_html_size_and_unsubscribe_position(desk: Path) -> None:
    found = findings(desk, with_body(90))
    html = built_html(desk).encode()
    at = html.find(b'href="*|UNSUB|*"')
    assert found == [
        f"{ISSUE}: error NL101: HTML is {len(html):,} bytes: Gmail clips messages over about "
        "102,000, hiding the rest",
        f"{ISSUE}: error NL102: the unsubscribe link starts at byte {at:,}: past Gmail's "
        "clipping, readers cannot find it",
    ]


@triggers("NL101")
def test_nl101_warns_from_80_kb(desk: Path) -> None:
    found = findings(desk, with_body(40))
    size = len(built_html(desk).encode())
    assert 80_000 <= size < 102_000
    assert found == [
        f"{ISSUE}: warning NL101: HTML is {size:,} bytes: close to Gmail's clipping point (102,000)"
    ]


@triggers("NL103")
def test_nl103_style_blocks_over_16_kb(desk: Path) -> None:
    style = desk / "templates" / "partials" / "style.mjml.j2"
    rules = "".join(
        f"  @media (min-width: {300 + n}px) {{ .x{n} {{ color: #000000 !important; }} }}\n"
        for n in range(300)
    )
    style.write_text(style.read_text().replace("</mj-style>", rules + "</mj-style>"))
    found = findings(desk)
    html = built_html(desk)
    size = sum(len(b.encode()) for b in re.findall(r"<style\b[^>]*>(.*?)</style>", html, re.S))
    assert found == [
        f"{ISSUE}: error NL103: <style> blocks hold {size:,} bytes: Gmail drops "
        "them all above 16,000"
    ]


def noisy_photo(path: Path, seed: int) -> None:
    """A photo that compresses badly: random noise."""
    data = random.Random(seed).randbytes(1200 * 900 * 3)
    Image.frombytes("RGB", (1200, 900), data).save(path)


@triggers("NL201")
def test_nl201_heavy_photos(desk: Path) -> None:
    for n in range(1, 4):
        noisy_photo(desk / "issues" / "photos" / f"noise-{n}.png", n)
    text = sample()
    for n, name in enumerate(
        ("01-apartment-blocks.jpg", "02-townhouses.png", "03-stone-house.png"), 1
    ):
        text = text.replace(f"photos/{name}", f"photos/noise-{n}.png")
    found = findings(desk, text)
    renditions = build_issue(desk / ISSUE, cache_dir=CACHE).renditions
    total, lead = sum(len(r.data) for r in renditions), len(renditions[0].data)
    gallery, first = line_of(text, "  gallery:"), line_of(text, "photos/noise-1.png")
    assert found == [  # the two in a row are shown at half width: under 200 KB each
        f"{ISSUE}:{gallery}: lead.gallery: warning NL201: photos weigh {total / 1e6:.1f} MB "
        "together (more than 1 MB)",
        f"{ISSUE}:{first}: lead.gallery[0].photo: warning NL201: photo is {lead / 1000:.0f} KB "
        "after compression (more than 200 KB): slow on phones",
    ]


@triggers("NL202")
def test_nl202_relative_image_addresses(desk: Path) -> None:
    settings = CONFIG.read_text()
    settings = "\n".join(
        line for line in settings.splitlines() if not line.startswith("image_base_url")
    )
    found = findings(desk, settings=settings)
    links = line_of(settings, "[links]")
    assert found == [
        f"newsletter.toml:{links}: links: error NL202: 9 image addresses are relative "
        f"(images/{found[0].split('(images/')[1].split(')')[0]}): they will be broken in every "
        "inbox; upload images/ and set links.image_base_url"
    ]


@triggers("NL203")
def test_nl203_alt_text_that_is_a_file_name(desk: Path) -> None:
    text = sample().replace(
        "      credit: IWPR\n", "      credit: IWPR\n      alt: IMG_2031.jpg\n", 1
    )
    line = line_of(text, "alt: IMG_2031.jpg")
    assert findings(desk, text) == [
        f"{ISSUE}:{line}: lead.gallery[0].alt: error NL203: alt text is a file name "
        "('IMG_2031.jpg'): say what the photo shows"
    ]


@triggers("NL206")
def test_nl206_alt_text_that_repeats_the_caption(desk: Path) -> None:
    caption = (
        "Wreckage of a building in Khorog destroyed in fighting between government forces "
        "and rebels."
    )
    text = sample().replace(
        "      credit: IWPR\n", f"      credit: IWPR\n      alt: 'Photo: {caption}'\n", 1
    )
    line = line_of(text, "alt: 'Photo:")
    assert findings(desk, text) == [
        f"{ISSUE}:{line}: lead.gallery[0].alt: warning NL206: alt text repeats the caption, "
        "which is printed under the photo: a screen reader reads it twice; say what the photo "
        "shows, or leave alt out"
    ]
    described = sample().replace(
        "      credit: IWPR\n",
        "      credit: IWPR\n      alt: A five-storey block, its "
        "upper floors burnt out, seen from the street.\n",
        1,
    )
    assert findings(desk, described) == []


@triggers("NL204")
def test_nl204_caption_without_credit(desk: Path) -> None:
    text = sample().replace("      credit: IWPR\n", "", 1)
    line = line_of(text, "photos/01-apartment-blocks.jpg")
    assert findings(desk, text) == [
        f"{ISSUE}:{line}: lead.gallery[0]: warning NL204: caption has no credit"
    ]


@triggers("NL301")
def test_nl301_plain_http_links(desk: Path) -> None:
    text = sample().replace(
        "url: https://example.org/news/internet-blocked",
        "url: http://example.org/news/internet-blocked",
    )
    line = line_of(text, "http://example.org/news/internet-blocked")
    assert findings(desk, text) == [
        f"{ISSUE}:{line}: stories[2].url: warning NL301: plain http link (prefer https): "
        "http://example.org/news/internet-blocked-after-politicians-killing"
    ]


@triggers("NL302")
def test_nl302_vague_and_empty_link_text(desk: Path) -> None:
    text = sample().replace(
        "    These pictures show",
        "    More photos: [read more](https://example.org/more) and [](https://example.org/x).\n\n"
        "    These pictures show",
        1,
    )
    body = line_of(text, "  body: |")
    assert findings(desk, text) == [
        f"{ISSUE}:{body}: lead.body: warning NL302: link text 'read more' does not say where it "
        "goes: name the story",
        f"{ISSUE}:{body}: lead.body: error NL302: link without text: https://example.org/x",
    ]


@triggers("NL303")
def test_nl303_same_story_twice(desk: Path) -> None:
    text = sample().replace(
        "https://example.org/news/internet-blocked-after-politicians-killing",
        "https://example.org/news/tajikistan-hard-won-peace-under-strain/",
    )
    line = line_of(text, "tajikistan-hard-won-peace-under-strain/")
    assert findings(desk, text) == [
        f"{ISSUE}:{line}: stories[2].url: warning NL303: the same story as stories[0].url: "
        "https://example.org/news/tajikistan-hard-won-peace-under-strain/"
    ]


@triggers("NL401")
def test_nl401_long_subject(desk: Path) -> None:
    subject = "Tajikistan: Khorog Hard Hit by Gunbattles as Government Troops Fight Rebels in Town"
    text = sample().replace(
        'subject: "Tajikistan: Khorog Hard Hit by Gunbattles"', f'subject: "{subject}"'
    )
    assert findings(desk, text) == [
        f"{ISSUE}:6: subject: warning NL401: subject is {len(subject)} characters: inboxes cut "
        "it after about 78"
    ]


@triggers("NL402")
def test_nl402_short_preheader(desk: Path) -> None:
    text = sample().replace(
        "preheader: Images of damage done by street fighting between government troops and rebels.",
        "preheader: Damage in Khorog.",
    )
    assert findings(desk, text) == [
        f"{ISSUE}:7: preheader: warning NL402: preheader is 17 characters: inboxes show 40 to "
        "150 well"
    ]


@triggers("NL501")
def test_nl501_low_contrast_colours(desk: Path) -> None:
    settings = CONFIG.read_text().replace('muted = "#57606a"', 'muted = "#9aa0a6"')
    line = line_of(settings, 'muted = "#9aa0a6"')
    on_white = contrast_ratio("#9aa0a6", "#ffffff")
    on_page = contrast_ratio("#9aa0a6", "#eef0f2")
    assert findings(desk, settings=settings) == [
        f"newsletter.toml:{line}: colours.muted: error NL501: muted #9aa0a6 on background "
        f"#ffffff has contrast {on_white:.2f}:1 (at least 4.5:1)",
        f"newsletter.toml:{line}: colours.muted: error NL501: muted #9aa0a6 on page #eef0f2 has "
        f"contrast {on_page:.2f}:1 (at least 4.5:1)",
    ]


def test_contrast_ratio_matches_wcag() -> None:
    assert round(contrast_ratio("#000000", "#ffffff"), 2) == 21.0
    assert round(contrast_ratio("#777777", "#ffffff"), 2) == 4.48


@triggers("NL502")
def test_nl502_footer_without_unsubscribe_or_address(desk: Path) -> None:
    settings = "\n".join(
        line
        for line in CONFIG.read_text().splitlines()
        if not line.startswith(("unsubscribe =", "postal_address ="))
    )
    found = findings(desk, settings=settings)
    links, sender = line_of(settings, "[links]"), line_of(settings, "[sender]")
    assert found == [
        f"newsletter.toml:{sender}: sender: error NL502: no postal address for the footer: set "
        "sender.postal_address",
        f"newsletter.toml:{links}: links: error NL502: no unsubscribe link: set "
        "links.unsubscribe (the law and Gmail's bulk-sender rules require one)",
    ]


@triggers("NL503")
def test_nl503_invisible_control_characters(desk: Path) -> None:
    # In the issue file they are refused outright (a build error); a template can still
    # carry one, and check finds it in the output.
    footer = desk / "templates" / "partials" / "footer.mjml.j2"
    footer.write_text(
        footer.read_text().replace(
            "<p>{{ settings.sender.postal_address }}",
            "<p>\u0090{{ settings.sender.postal_address }}",
        )
    )
    assert findings(desk) == [
        f"{ISSUE}: error NL503: the HTML contains a control character U+0080-U+009F (from a "
        "template or the settings)"
    ]


def test_rules_can_be_switched_off_and_unknown_codes_are_named(desk: Path) -> None:
    text = sample().replace("      credit: IWPR\n", "", 1)
    settings = CONFIG.read_text() + '\n[check]\ndisable = ["NL204"]\n'
    assert findings(desk, text, settings) == []
    settings = CONFIG.read_text() + '\n[check]\ndisable = ["NL2044"]\n'
    (desk / "newsletter.toml").write_text(settings)
    result = run_check(desk, ISSUE)
    assert result.returncode == 2
    line = line_of(settings, "disable =")
    assert result.stderr == (
        f"newsletter.toml:{line}: check.disable: no such rule: NL2044 (did you mean NL204?)\n"
    )


def run_check(desk: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return run_newsletter("check", *args, cwd=desk)


def test_exit_codes_strict_and_json(desk: Path) -> None:
    (desk / ISSUE).write_text(sample())
    clean = run_check(desk, ISSUE)
    assert (clean.returncode, clean.stdout) == (0, f"{ISSUE}: no problems found\n")

    (desk / ISSUE).write_text(sample().replace("      credit: IWPR\n", "", 1))
    warned = run_check(desk, ISSUE)
    assert warned.returncode == 0
    assert warned.stdout.splitlines()[-1] == f"{ISSUE}: 0 errors, 1 warning"
    assert run_check(desk, "--strict", ISSUE).returncode == 1

    report = json.loads(run_check(desk, "--format", "json", ISSUE).stdout)
    assert report["errors"] == 0 and report["warnings"] == 1
    (finding,) = report["issues"][0]["findings"]
    assert finding == {
        "file": ISSUE,
        "line": line_of(sample(), "photos/01-apartment-blocks.jpg"),
        "field": "lead.gallery[0]",
        "code": "NL204",
        "severity": "warning",
        "message": "caption has no credit",
    }

    (desk / ISSUE).write_text(sample().replace("      credit: IWPR\n", "      alt: IMG_1.jpg\n", 1))
    failing = run_check(desk, ISSUE)
    assert failing.returncode == 1 and "error NL203" in failing.stdout

    (desk / ISSUE).write_text("number: [")
    assert run_check(desk, ISSUE).returncode == 2


def test_check_does_not_write_anything(desk: Path) -> None:
    (desk / ISSUE).write_text(sample())
    assert run_check(desk, ISSUE).returncode == 0
    assert not (desk / "build").exists()


@triggers("NL504")
def test_nl504_a_colour_no_dark_rule_covers(desk: Path) -> None:
    dark = desk / "templates" / "partials" / "dark.mjml.j2"
    dark.write_text(dark.read_text(encoding="utf-8").replace('".card h4", ', ""))
    body = "  body: |\n    ### Background\n\n"
    text = sample().replace("  body: |\n", body, 1)
    assert findings(desk, text) == [
        f"{ISSUE}: error NL504: <h4> keeps its text colour #1f2328 in dark mode: 1.05:1 on "
        "dark_background #1b1f24 (at least 4.5:1); no dark rule covers it"
    ]


@triggers("NL601")
def test_nl601_labels_without_a_catalog(desk: Path) -> None:
    text = sample().replace("language: en", "language: tg")
    assert findings(desk, text) == [
        f"{ISSUE}:{line_of(text, 'language: tg')}: language: warning NL601: no translation of the "
        "labels into 'tg': they stay in English (see the README: adding a language)"
    ]


@triggers("NL602")
def test_nl602_editions_of_one_week_that_disagree(desk: Path) -> None:
    russian = (ROOT / "issues" / "2012-07-31-khorog-ru.yaml").read_text()
    russian = russian.replace("number: 656", "number: 657")
    russian = russian.replace("photos/09-mountain-river.png", "photos/08-gallery-hall.jpg")
    (desk / "issues" / "x-ru.yaml").write_text(russian)
    text = sample()
    assert findings(desk, text) == [
        f"{ISSUE}:{line_of(text, 'number: 656')}: number: warning NL602: the ru edition, "
        "x-ru.yaml, has the same date but number 657",
        f"{ISSUE}:{line_of(text, 'gallery:')}: lead.gallery: warning NL602: the ru edition, "
        "x-ru.yaml, has other photos: missing here: none; only here: photos/09-mountain-river.png",
    ]
    (desk / "issues" / "x-ru.yaml").write_text(russian.replace("number: 657", "number: 656"))
    assert len(findings(desk, text)) == 1  # the photos still differ


@triggers("NL205")
@pytest.mark.skipif(shutil.which("exiftool") is None, reason="needs Debian's exiftool")
def test_nl205_a_caption_taken_from_the_photo_file(desk: Path) -> None:
    photo = desk / "issues" / "photos" / "agency.jpg"
    shutil.copy(ROOT / "issues" / "photos" / "06-street-lamps.jpg", photo)
    caption = "-IPTC:Caption-Abstract=A burnt-out minibus in Khorog."
    subprocess.run(["exiftool", "-q", "-overwrite_original", caption, str(photo)], check=True)
    issue = sample().replace("photos/06-street-lamps.jpg", "photos/agency.jpg")
    issue = issue.replace(
        "      caption: A burnt-out minibus in an otherwise peaceful scene.\n", ""
    )
    line = line_of(issue, "photos/agency.jpg")
    assert findings(desk, issue) == [
        f"{ISSUE}:{line}: lead.gallery[5]: warning NL205: caption taken from the photo's IPTC "
        "Caption-Abstract: read it, and write it in the issue file if it needs changing"
    ]


@triggers("NL701")
@pytest.mark.skipif(not spamassassin.installed(), reason="needs Debian's spamassassin")
def test_nl701_reports_a_spamassassin_rule_the_template_triggers(desk: Path) -> None:
    # MJML's own hidden preheader: white text on the white card (HTML_FONT_LOW_CONTRAST).
    (desk / "templates" / "partials" / "preheader.mjml.j2").write_text(
        '<mj-raw><div style="display:none;font-size:1px;color:#ffffff;line-height:1px;'
        'max-height:0px;max-width:0px;opacity:0;overflow:hidden;">'
        "{{ issue.preheader_text }}</div></mj-raw>\n",
        encoding="utf-8",
    )
    line = (
        f"{ISSUE}: warning NL701: SpamAssassin HTML_FONT_LOW_CONTRAST (0.7 points): "
        "BODY: HTML font color similar or identical to background"
    )
    assert findings(desk, slow=True) == [line]
    assert findings(desk) == []  # build and the preview leave the slow rule out
    checked = run_newsletter("check", ISSUE, cwd=desk)
    assert (checked.returncode, checked.stdout.splitlines()) == (
        0,  # a warning: the desk decides
        [line, f"{ISSUE}: 0 errors, 1 warning"],
    )
