"""'Also in this issue': a story's kicker and its small photo beside the summary (above it on
a phone), in a real Chromium; a story photo's mistakes located like a gallery photo's."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Browser

from newsletter.errors import InputError
from newsletter.pipeline import build_issue, write_build

from .conftest import CACHE, SAMPLE

TITLE = "  - title: Tajikistan's Hard-Won Peace Under Strain\n"


def with_story_photo(desk: Path, photo: str, label: str = "Tajikistan") -> Path:
    text = SAMPLE.read_text(encoding="utf-8")
    assert TITLE in text
    text = text.replace(TITLE, f"{TITLE}    label: {label}\n    photo: {photo}\n", 1)
    issue = desk / "issues" / "stories.yaml"
    issue.write_text(text, encoding="utf-8")
    return issue


@pytest.mark.browser
def test_a_story_photo_sits_beside_the_summary_and_above_it_on_a_phone(
    browser: Browser, desk: Path, tmp_path: Path
) -> None:
    build = build_issue(
        with_story_photo(desk, "photos/09-mountain-river.png"), cache_dir=CACHE, local_images=True
    )
    thumb = build.renditions[-1]
    assert thumb.width == 320  # twice the 160 px it is shown at
    out = write_build(build, tmp_path)
    assert "TAJIKISTAN\nTajikistan’s Hard-Won Peace Under Strain" in build.text
    for width in (600, 375):
        page = browser.new_page(viewport={"width": width, "height": 900})
        page.goto((out / "index.html").as_uri())
        image = page.evaluate(
            "(() => { const r = document.images[9].getBoundingClientRect();"
            " return [r.left, r.right, r.top, r.bottom, document.images[9].alt]; })()"
        )
        heading = page.evaluate(
            "(() => { const r = document.querySelector('.story h3').getBoundingClientRect();"
            " return [r.left, r.top]; })()"
        )
        label = page.evaluate(
            "(() => { const p = document.querySelector('.label');"
            " return [p.innerText, getComputedStyle(p).fontSize]; })()"
        )
        page.close()
        left, right, top, bottom, alt = image
        assert alt == ""  # decorative: the title beside it is the link
        assert right - left == 160
        assert label == ["TAJIKISTAN", "14px"]
        if width == 600:
            assert right < heading[0] and top <= heading[1] < bottom, (image, heading)
        else:
            assert bottom < heading[1] and left == heading[0] == 24, (image, heading)


def test_a_story_photo_that_is_not_there_is_located(desk: Path) -> None:
    issue = with_story_photo(desk, "photos/missing.jpg")
    line = next(
        n
        for n, text in enumerate(issue.read_text().splitlines(), 1)
        if "photos/missing.jpg" in text
    )
    with pytest.raises(InputError) as caught:
        build_issue(issue, cache_dir=CACHE)
    assert [str(p) for p in caught.value.problems] == [
        f"issues/stories.yaml:{line}: stories[0].photo: not found: issues/photos/missing.jpg "
        "(photo paths are relative to the issue file's folder, issues/)"
    ]


def test_a_story_photo_that_is_not_an_image_is_located(desk: Path) -> None:
    (desk / "issues" / "photos" / "notes.jpg").write_text("not a photo")
    issue = with_story_photo(desk, "photos/notes.jpg")
    with pytest.raises(InputError) as caught:
        build_issue(issue, cache_dir=CACHE)
    (problem,) = caught.value.problems
    assert problem.field == "stories[0].photo"
    assert problem.message == (
        "not an image, or not JPEG, PNG, GIF, WebP, TIFF, HEIC or AVIF: photos/notes.jpg"
    )
