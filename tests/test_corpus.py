"""The corpus (tests/corpus.py) built and read as subscribers read it: in Chromium at 375 and
600 px, with and without <style>; and its text part and subject as mail programs read them."""

from __future__ import annotations

import email
import email.policy
import re
import unicodedata
from pathlib import Path

import pytest
from playwright.sync_api import Browser

from newsletter.pipeline import build_issue, write_build
from newsletter.rendering.text_layout import columns, is_address

from .conftest import ARTIFACTS, CACHE, CONFIG, ROOT
from .corpus import CORPUS, EDITIONS, write_corpus
from .test_browser import WIDE, open_email

# Text nodes holding right-to-left letters whose element, or the block laying them out, runs
# left to right or is aligned left. A <bdi> (a name set into a sentence, such as a credit)
# takes the direction of its own first letter, by design: its block is what counts.
RTL_IN_LTR_BOX = r"""() => {
  const rtl = /[\u0590-\u08FF\uFB1D-\uFDFF\uFE70-\uFEFF]/;
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const bad = [];
  while (walker.nextNode()) {
    const node = walker.currentNode;
    const el = node.parentElement;
    if (!rtl.test(node.textContent) || el.getClientRects().length === 0) continue;
    let block = el;
    while (getComputedStyle(block).display === 'inline') block = block.parentElement;
    const own = getComputedStyle(el), box = getComputedStyle(block);
    const ltrText = own.direction !== 'rtl' && !el.closest('bdi');
    const ltrBox = box.direction !== 'rtl' || ['left', 'end'].includes(box.textAlign);
    if (ltrText || ltrBox) {
      const text = node.textContent.trim().slice(0, 30);
      bad.push(`${block.tagName} ${box.direction} ${box.textAlign}: ${text}`);
    }
  }
  return bad;
}"""
# Markdown a reader must never see: emphasis marks, links, images, footnote marks, table rules,
# heading marks and fences.
RAW_MARKDOWN = re.compile(
    r"\*\*|__|~~|!\[|\[\^|\]\(|^\s*\|?\s*:?-{3,}:?\s*\||^#{1,6} |```", re.MULTILINE
)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Each corpus issue built into its own folder (images kept local, for the browser)."""
    desk = tmp_path_factory.mktemp("corpus")
    issues = desk / "issues"
    (issues / "photos").mkdir(parents=True)
    for photo in (ROOT / "issues" / "photos").iterdir():
        (issues / "photos" / photo.name).write_bytes(photo.read_bytes())
    out = desk / "build"
    for path in write_corpus(issues):
        write_build(build_issue(path, config=CONFIG, cache_dir=CACHE, local_images=True), out)
    return {stem: out / stem for stem, *_ in CORPUS}


def language_of(stem: str) -> str:
    return next(language for name, language, *_ in CORPUS if name == stem)


@pytest.mark.browser
@pytest.mark.parametrize("styles", [True, False], ids=["styles", "no-styles"])
@pytest.mark.parametrize("width", [375, 600])
@pytest.mark.parametrize("stem", [stem for stem, *_ in CORPUS])
def test_corpus_reads_well_in_chromium(
    browser: Browser, corpus: dict[str, Path], stem: str, width: int, styles: bool
) -> None:
    page = open_email(browser, corpus[stem] / "index.html", width, styles=styles)
    try:
        if stem.startswith("fa-3") and styles:
            ARTIFACTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / f"corpus-{stem}-{width}.png"), full_page=True)
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        assert page.evaluate(WIDE, width) == []
        if EDITIONS[language_of(stem)].rtl:
            assert page.evaluate(RTL_IN_LTR_BOX) == []
        shown = page.evaluate("document.body.innerText")
        assert RAW_MARKDOWN.findall(shown) == []
        assert all(
            image["complete"]
            for image in page.evaluate(
                "[...document.images].map(i => ({complete: i.complete && i.naturalWidth > 0}))"
            )
        )
    finally:
        page.close()


@pytest.mark.parametrize("stem", [stem for stem, *_ in CORPUS])
def test_corpus_html_has_no_escapes_and_text_part_has_every_word(
    corpus: dict[str, Path], stem: str
) -> None:
    from lxml import html as lxml_html

    html = (corpus[stem] / "index.html").read_text(encoding="utf-8")
    assert "\\u{" not in html
    text = (corpus[stem] / "index.txt").read_text(encoding="utf-8")
    tree = lxml_html.fromstring(html)
    for hidden in tree.xpath("//style|//title|//div[contains(@style, 'display:none')]"):
        hidden.drop_tree()
    missing = words(tree.text_content()) - words(text)
    # A word too long for a line is cut across lines (tests/corpus.py's LONG_WORD).
    joined = words("".join(text.split()))
    assert {word for word in missing if not any(word in whole for whole in joined)} == set()


@pytest.mark.parametrize("stem", [stem for stem, *_ in CORPUS])
def test_corpus_text_lines_fit_78_columns(corpus: dict[str, Path], stem: str) -> None:
    text = (corpus[stem] / "index.txt").read_text(encoding="utf-8")
    long = [
        line
        for line in text.splitlines()
        if columns(line) > 78 and not (len(line.split()) == 1 and is_address(line.strip()))
    ]
    assert long == []


@pytest.mark.parametrize("stem", [stem for stem, *_ in CORPUS])
def test_corpus_subject_decodes_to_the_issue_subject(corpus: dict[str, Path], stem: str) -> None:
    message = email.message_from_bytes(
        (corpus[stem] / "message.eml").read_bytes(), policy=email.policy.default
    )
    assert message["Subject"] == EDITIONS[language_of(stem)].subject


def test_right_to_left_text_part_marks_lines_that_start_left_to_right(
    corpus: dict[str, Path],
) -> None:
    text = (corpus["fa-3-photos"] / "index.txt").read_text(encoding="utf-8")
    rtl = re.compile(r"[\u0590-\u08FF\uFB1D-\uFDFF\uFE70-\uFEFF]")
    for line in text.splitlines():
        first = line.lstrip()[:1]
        if rtl.search(line) and first and not rtl.match(first):
            assert line.startswith("\u200f"), line
    assert any(line.startswith("\u200f* ") for line in text.splitlines())  # a caption's bullet


def words(text: str) -> set[str]:
    """The words of `text` as a reader would compare them: case, superscripts and the
    presentation forms of letters set aside."""
    return set(re.findall(r"\w+", unicodedata.normalize("NFKC", text).casefold()))
