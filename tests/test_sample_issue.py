"""The sample issue, built as a subscriber's mail client will receive it."""

from __future__ import annotations

import email
import email.policy
import io
import json
import re
from email.message import EmailMessage
from pathlib import Path

from lxml import html as lxml_html
from PIL import Image

from newsletter.pipeline import Build, build_issue

from .conftest import CACHE, SAMPLE, visible_text

CAPTIONS = [
    "Wreckage of a building in Khorog destroyed in fighting between government forces and rebels.",
    "Public meeting outside local government building in Khorog.",
    "Another gathering, this time near Khorog University.",
    "Khorog residents are returning to the streets now that a ceasefire is holding.",
    "A residential block pockmarked with bullet-holes.",
    "A burnt-out minibus in an otherwise peaceful scene.",
    "Another building, this one a cafe, bearing the scars of fighting.",
    "A local resident’s van destroyed in the fighting.",  # typeset: ’, not '
    "This part of Tajikistan is unused to scenes of unrest, let alone extreme violence.",
]
STORIES = [
    "Violence has dealt a blow to all that has been achieved since the end of civil war.",
    "Media rights activists question wisdom of getting security agency to scour internet for "
    "hate speech.",
    "News of local politician’s killing followed by internet blocks.",
]


def test_html_has_every_caption_the_body_and_the_other_stories(sample_build: Build) -> None:
    text = visible_text(sample_build.html)
    for caption in CAPTIONS:
        assert caption in text
    assert "Khorog, the main town in Badakhshan region of southeast Tajikistan" in text
    assert "testament to the ferocity of the fighting." in text
    for summary in STORIES:
        assert summary in text
    assert text.count("(Photo: IWPR)") == 9


def test_html_is_small_enough_for_gmail(sample_build: Build) -> None:
    assert len(sample_build.html.encode()) < 80_000
    styles = re.findall(r"<style\b[^>]*>(.*?)</style>", sample_build.html, re.S)
    assert sum(len(s.encode()) for s in styles) < 16_000


def test_html_language_headings_and_images(sample_build: Build) -> None:
    tree = lxml_html.fromstring(sample_build.html)
    assert sample_build.html.startswith("<!doctype html>")
    assert tree.get("lang") == "en" and tree.get("dir") == "ltr"
    assert len(tree.xpath("//h1")) == 1
    assert tree.xpath("//h1")[0].text_content() == "Tajikistan: Khorog Hard Hit by Gunbattles"
    images = tree.xpath("//img")
    assert len(images) == 9
    for number, img in enumerate(images, start=1):
        assert img.get("alt") == f"Photo {number} of 9"  # the caption is printed under it
        assert re.fullmatch(r"[1-9]\d*", img.get("width")), img.get("width")
        assert re.fullmatch(r"[1-9]\d*", img.get("height")), img.get("height")
        assert "height:auto" in img.get("style").replace(" ", "")
    for table in tree.xpath("//table"):
        assert table.get("role") == "presentation"


def test_images_are_sized_stripped_and_named_by_content(sample_out: Path) -> None:
    report = json.loads((sample_out / "report.json").read_text())
    files = sorted((sample_out / "images").iterdir())
    assert len(files) == 9 == len(report["images"])
    for entry in report["images"]:
        path = sample_out / entry["file"]
        assert re.fullmatch(r"images/[0-9a-f]{20}\.jpg", entry["file"])
        data = path.read_bytes()
        assert entry["bytes"] == len(data)
        with Image.open(io.BytesIO(data)) as image:
            assert image.format == "JPEG"
            assert image.size == (entry["width"], entry["height"])
            assert image.info.get("progressive") or image.info.get("progression")
            assert not image.getexif(), "EXIF left in an output photo"
            assert "exif" not in image.info and "icc_profile" not in image.info
        assert b"Exif" not in data[:4096] and b"GPS" not in data
    # Each photo twice the width it is shown at on a desktop (rendering/layout.py), and at
    # least 431 px for a phone's column: the portrait lead is shown 318 px wide, the pairs
    # share 528 px at one height in proportion to their shapes; never upscaled.
    widths = [entry["width"] for entry in report["images"]]
    assert widths == [636, 528, 528, 496, 560, 431, 704, 496, 560]
    # The photo with EXIF orientation 6 (stored landscape) comes out upright (portrait).
    lamps = report["images"][5]
    assert lamps["height"] > lamps["width"]


def test_plain_text_part(sample_build: Build) -> None:
    text = sample_build.text
    lines = text.splitlines()
    assert all(len(line) <= 76 or line.startswith("http") for line in lines)
    assert "TAJIKISTAN: KHOROG HARD HIT BY GUNBATTLES" in lines
    for url in (
        "https://example.org/news/tajikistan-khorog-hard-hit-by-gunbattles",
        "https://example.org/news/tajik-rebels-lay-down-arms-in-badakhshan",
        "https://example.org/news/tajikistan-hard-won-peace-under-strain",
    ):  # each with the sample's tracking parameters
        tracked = f"{url}?utm_source=newsletter&utm_medium=email&utm_campaign=2012-07-31-khorog"
        assert tracked in lines, f"{tracked} is not on a line of its own"
    folded = " ".join(text.split())
    for caption in CAPTIONS:
        assert f"{caption} (Photo: IWPR)" in folded
    assert "feedback.ca@example.org" in folded
    assert "Unsubscribe: *|UNSUB|*" in lines
    assert "&amp;" not in text and "&#" not in text and "<p>" not in text


def test_message_is_multipart_alternative_text_first(sample_build: Build) -> None:
    message = email.message_from_bytes(sample_build.eml, policy=email.policy.default)
    assert isinstance(message, EmailMessage)
    assert message.get_content_type() == "multipart/alternative"
    parts = list(message.iter_parts())
    assert [p.get_content_type() for p in parts] == ["text/plain", "text/html"]
    assert [p["Content-Transfer-Encoding"] for p in parts] == ["8bit", "8bit"]
    # SMTP's line ends are CRLF; the parts are otherwise the files, byte for byte.
    assert parts[1].get_content().replace("\r\n", "\n") == sample_build.html
    assert parts[0].get_content().replace("\r\n", "\n") == sample_build.text
    assert message["Subject"] == "Tajikistan: Khorog Hard Hit by Gunbattles"
    assert message["From"] == "Central Asia Desk <newsletter@example.org>"
    assert message["Date"] and message["Message-ID"].endswith("@example.org>")
    # The sample's unsubscribe link is a merge tag, not an https address: no one-click header.
    assert message["List-Unsubscribe"] is None
    assert all(len(line) <= 998 for line in sample_build.eml.split(b"\r\n"))


def test_report_matches_the_files(sample_out: Path) -> None:
    report = json.loads((sample_out / "report.json").read_text())
    assert report["issue"].endswith("2012-07-31-khorog.yaml")
    assert report["html_bytes"] == (sample_out / "index.html").stat().st_size
    assert report["text_bytes"] == (sample_out / "index.txt").stat().st_size
    assert report["eml_bytes"] == (sample_out / "message.eml").stat().st_size
    assert report["image_bytes"] == sum(i["bytes"] for i in report["images"])
    assert report["warnings"] == []


def test_sample_issue_names_its_schema() -> None:
    first = SAMPLE.read_text().splitlines()[0]
    assert first == "# yaml-language-server: $schema=schema.json"


def test_image_base_url_makes_addresses_absolute(desk: Path) -> None:
    settings = (
        (desk / "newsletter.toml")
        .read_text()
        .replace(
            'image_base_url = "https://example.org/newsletter/{issue}/images/"',
            'image_base_url = "https://cdn.example.org/newsletter/{issue}/images"',
        )
    )
    (desk / "newsletter.toml").write_text(settings)
    issue = desk / "issues" / SAMPLE.name
    issue.write_text(SAMPLE.read_text())
    result = build_issue(issue, cache_dir=CACHE)
    sources = lxml_html.fromstring(result.html).xpath("//img/@src")
    assert len(sources) == 9
    for src in sources:
        assert re.fullmatch(
            r"https://cdn\.example\.org/newsletter/2012-07-31-khorog/images/[0-9a-f]{20}\.jpg", src
        )


def test_small_photo_is_shown_at_its_own_size_never_stretched(desk: Path) -> None:
    Image.new("RGB", (300, 200), (200, 30, 30)).save(desk / "issues" / "photos" / "small.png")
    issue = desk / "issues" / "small.yaml"
    issue.write_text(
        SAMPLE.read_text().replace("photos/01-apartment-blocks.jpg", "photos/small.png")
    )
    result = build_issue(issue, cache_dir=CACHE)
    first = lxml_html.fromstring(result.html).xpath("//img")[0]
    assert (first.get("width"), first.get("height")) == ("300", "200")
    assert (result.renditions[0].width, result.renditions[0].height) == (300, 200)


def test_outlook_for_windows_gets_its_tables(sample_build: Build) -> None:
    # Outlook for Windows draws with Word, which cannot run here: its structure is checked.
    html = sample_build.html
    sections = html.count("margin:0px auto;max-width:600px")  # one div per mj-section
    conditional = re.findall(r"<!--\[if mso \| IE\]>(.*?)<!\[endif\]-->", html, re.S)
    outer = [c for c in conditional if re.search(r'<table [^>]*align="center" width="600"', c)]
    assert sections >= 8 and len(outer) == sections, (sections, len(outer))
    # Each column gets a fixed-width cell Word can lay out: the full width, or its share of a
    # pair's row (the two add up to the 576 px inside the row's padding).
    cells = [
        int(w) for w in re.findall(r'<td [^>]*style="vertical-align:top;width:(\d+)px;"', html)
    ]
    pairs = [width for width in cells if width != 600]
    assert len(pairs) == 8, cells
    assert all(a + b == 576 for a, b in zip(pairs[::2], pairs[1::2], strict=True)), pairs
    assert "<o:PixelsPerInch>96</o:PixelsPerInch>" in html  # no DPI scaling of images


def test_outlook_com_gets_every_dark_mode_rule(sample_build: Build) -> None:
    head = sample_build.html.split("</head>")[0]
    block = re.search(r"@media \(prefers-color-scheme: dark\) \{(.*?)\n  \}", head, re.S)
    assert block is not None
    media: dict[str, str] = {}
    for selectors, body in re.findall(r"([^{}]+)\{([^{}]*)\}", block.group(1)):
        if "border" in body:  # rules and table lines: Outlook.com leaves borders as they are
            continue
        colour = re.search(r"#[0-9a-f]{6}", body)
        assert colour is not None
        for selector in selectors.split(","):
            media[selector.strip()] = colour.group()
    outlook: dict[str, str] = {}
    for selectors, body in re.findall(r"(\[data-og[sc][bc]?\][^{}]+)\{([^{}]*)\}", head):
        colour = re.search(r"#[0-9a-f]{6}", body)
        assert colour is not None
        for selector in selectors.split(","):
            outlook[re.sub(r"^\[data-og\w+\] ", "", selector.strip())] = colour.group()
    expected = {s: c for s, c in media.items() if s != "body"}
    assert outlook == expected
    assert "&gt;" not in head  # a selector's > is written as it is
