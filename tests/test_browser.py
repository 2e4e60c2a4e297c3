"""What subscribers see: the sample issue in a real headless Chromium."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page

from newsletter.pipeline import build_issue, write_build

from .conftest import ARTIFACTS, CACHE, CONFIG, ROOT

# For every element with its own text: its computed font size in CSS pixels.
TEXT_SIZES = """() => {
  const sizes = [];
  for (const el of document.body.querySelectorAll('*')) {
    const own = [...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim());
    const style = getComputedStyle(el);
    if (own && style.display !== 'none' && el.offsetParent !== null && el.offsetHeight > 1) {
      sizes.push([el.tagName, el.textContent.trim().slice(0, 40), parseFloat(style.fontSize)]);
    }
  }
  return sizes;
}"""
WIDE = """(limit) => [...document.querySelectorAll('body *')]
  .filter(el => el.getBoundingClientRect().right > limit + 0.5)
  .map(el => el.tagName + ' ' + Math.round(el.getBoundingClientRect().right))"""
IMAGES = """() => [...document.images].map(i => [i.currentSrc, i.complete, i.naturalWidth,
  i.getBoundingClientRect().width, i.getBoundingClientRect().height, i.naturalHeight])"""


def open_email(browser: Browser, index: Path, width: int, *, styles: bool) -> Page:
    page = browser.new_page(viewport={"width": width, "height": 900})
    page.goto(index.as_uri())
    if not styles:  # what Gmail's apps do for non-Google accounts
        page.evaluate("document.querySelectorAll('style').forEach(s => s.remove())")
    page.wait_for_load_state("load")
    return page


@pytest.mark.browser
@pytest.mark.parametrize("styles", [True, False], ids=["styles", "no-styles"])
@pytest.mark.parametrize("width", [600, 375])
def test_layout_fits_and_stays_sharp(
    browser: Browser, sample_out: Path, width: int, styles: bool
) -> None:
    page = open_email(browser, sample_out / "index.html", width, styles=styles)
    try:
        name = f"sample-{width}{'' if styles else '-no-styles'}.png"
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / name), full_page=True)

        assert page.evaluate("document.documentElement.scrollWidth") <= width
        assert page.evaluate(WIDE, width) == []

        images = page.evaluate(IMAGES)
        assert len(images) == 9
        for src, complete, natural, shown, shown_height, natural_height in images:
            assert complete and natural > 0, f"{src} did not load"
            assert shown <= natural, f"{src} shown {shown} px wide from {natural} px"
            assert abs(shown_height / shown - natural_height / natural) < 0.02, "distorted"

        sizes = page.evaluate(TEXT_SIZES)
        assert sizes, "no text found"
        small = [s for s in sizes if s[2] < 14]
        assert small == [], small
        body = [s for s in sizes if s[0] == "P" and s[2] >= 16]
        assert len(body) >= 4, "the body text is not 16 px"
    finally:
        page.close()


@pytest.mark.browser
def test_two_columns_on_desktop_one_on_phones(browser: Browser, sample_out: Path) -> None:
    lefts = {}
    for width in (600, 375):
        page = open_email(browser, sample_out / "index.html", width, styles=True)
        lefts[width] = page.evaluate("[...document.images].map(i => i.getBoundingClientRect().x)")
        widths = page.evaluate("[...document.images].map(i => i.getBoundingClientRect().width)")
        page.close()
        if width == 600:
            assert len(set(lefts[width][1:])) == 2, "gallery pairs should sit side by side"
        else:
            assert set(lefts[width]) == {24}, "every photo stacks at the gutter"
            assert all(w == 375 - 48 for w in widths), widths


# Where the story's own words begin: a reader should not scroll through the gallery for them.
BODY_STARTS = {375: 1300, 600: 1100}


@pytest.mark.browser
@pytest.mark.parametrize("width", [375, 600])
@pytest.mark.parametrize("edition", ["2012-07-31-khorog", "2012-07-31-khorog-ru"])
def test_the_story_comes_before_the_gallery(
    browser: Browser, tmp_path: Path, edition: str, width: int
) -> None:
    build = build_issue(ROOT / "issues" / f"{edition}.yaml", config=CONFIG, cache_dir=CACHE,
                        local_images=True)  # fmt: skip
    page = open_email(browser, write_build(build, tmp_path) / "index.html", width, styles=True)
    try:
        top = "(s) => document.querySelector(s).getBoundingClientRect().top + window.scrollY"
        first_paragraph = page.evaluate(top, ".story-body p")
        assert first_paragraph <= BODY_STARTS[width], first_paragraph
        # headline, standfirst, lead photo, body, the button, then the rest of the gallery
        order = [
            page.evaluate(top, selector)
            for selector in ("h1", ".standfirst", "img", ".story-body p", ".button a", "h2")
        ]
        assert order == sorted(order), order
        second_photo = page.evaluate("document.images[1].getBoundingClientRect().top + scrollY")
        assert second_photo > order[4], "the gallery's other photos come after the button"
        button = page.locator(".button a")
        assert button.get_attribute("href") == build.source.issue.lead.url
        label = "Read the full story" if edition.endswith("khorog") else "Читать материал полностью"
        assert button.inner_text().strip() == label
    finally:
        page.close()
