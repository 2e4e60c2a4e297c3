"""What subscribers see: the sample issue in a real headless Chromium."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from PIL import Image
from playwright.sync_api import Browser, Page

from newsletter.pipeline import build_issue, write_build

from .conftest import ARTIFACTS, CACHE, CONFIG, EDITIONS, ROOT, SAMPLE

SAMPLE_TEXT = SAMPLE.read_text(encoding="utf-8")

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
            rest = lefts[width][1:]
            pairs = zip(rest[::2], rest[1::2], strict=True)
            assert all(a < b for a, b in pairs), "gallery pairs should sit side by side"
        else:
            assert set(lefts[width]) == {24}, "every photo stacks at the gutter"
            assert all(w == 375 - 48 for w in widths), widths


# Where the story's own words begin: a reader should not scroll through the gallery for them.
BODY_STARTS = {375: 1300, 600: 1100}


@pytest.mark.browser
@pytest.mark.parametrize("width", [375, 600])
@pytest.mark.parametrize("edition", EDITIONS)
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
        tags = f"utm_source=newsletter&utm_medium=email&utm_campaign={edition}"  # the sample's
        assert button.get_attribute("href") == f"{build.source.issue.lead.url}?{tags}"
        labels = {"khorog": "Read the full story", "ru": "Читать материал полностью",
                  "fa": "متن کامل گزارش را بخوانید"}  # fmt: skip
        assert button.inner_text().strip() == labels[edition.rsplit("-", 1)[-1]]
    finally:
        page.close()


def photo(path: Path, size: tuple[int, int], seed: int) -> str:
    """A real photo-like JPEG (smooth colour and noise) of `size`; its name for the issue."""
    rng = random.Random(seed)
    base = Image.linear_gradient("L").resize(size).convert("RGB")
    tint = Image.new("RGB", size, tuple(rng.randrange(40, 220) for _ in range(3)))
    noise = Image.effect_noise(size, 40).convert("RGB")
    Image.blend(Image.blend(base, tint, 0.5), noise, 0.2).save(path, "JPEG", quality=90)
    return f"photos/{path.name}"


MIXED = [(2000, 1333), (1200, 1600), (1600, 1200), (1500, 1000), (1000, 1400), (1600, 1067),
         (1200, 1600), (1400, 1400)]  # fmt: skip
ALONE = {"panorama": (3500, 500), "small": (200, 150)}


@pytest.mark.browser
def test_a_mixed_gallery_lines_up_and_nothing_is_stretched(
    browser: Browser, desk: Path, tmp_path: Path
) -> None:
    folder = desk / "issues" / "photos"
    names = [photo(folder / f"mixed-{n}.jpg", size, n) for n, size in enumerate(MIXED)]
    names.insert(3, photo(folder / "panorama.jpg", ALONE["panorama"], 90))  # 7:1
    names.insert(6, photo(folder / "small.jpg", ALONE["small"], 91))
    gallery = "".join(
        f"    - photo: {name}\n      caption: Photo number {n} of the gallery.\n"
        "      credit: IWPR\n"
        for n, name in enumerate(names)
    )
    text = SAMPLE_TEXT.split("  gallery:\n")[0] + "  gallery:\n" + gallery
    text += "  body: |" + SAMPLE_TEXT.split("  body: |", 1)[1]
    issue = desk / "issues" / "mixed.yaml"
    issue.write_text(text)
    out = write_build(build_issue(issue, cache_dir=CACHE, local_images=True), tmp_path)
    for width in (600, 375):
        for styles in (True, False):
            page = open_email(browser, out / "index.html", width, styles=styles)
            shown = page.evaluate(IMAGES)
            boxes = page.evaluate(
                "[...document.images].map(i => { const r = i.getBoundingClientRect();"
                " return [Math.round(r.top + scrollY), r.width, r.height]; })"
            )
            name = f"mixed-{width}{'' if styles else '-no-styles'}.png"
            page.screenshot(path=str(ARTIFACTS / name), full_page=True)
            page.close()
            assert len(shown) == len(names)
            for src, complete, natural, width_shown, _, _ in shown:
                assert complete and width_shown <= natural + 0.5, (src, width_shown, natural)
            panorama, small = boxes[3], boxes[6]
            tops = [box[0] for box in boxes]
            assert tops.count(panorama[0]) == 1 and tops.count(small[0]) == 1, "own rows"
            assert small[1] == 200, "the small photo keeps its own size"
            if width == 600 and styles:
                rows: dict[int, list[float]] = {}
                for top, _, height in boxes:
                    rows.setdefault(top, []).append(height)
                paired = [heights for heights in rows.values() if len(heights) == 2]
                # the lead alone; then pairs, the panorama and the small photo on their own,
                # and the last photo left over
                assert len(paired) == 3, rows
                for heights in paired:
                    assert max(heights) - min(heights) <= 2, heights
