"""The Russian edition, other languages, accessibility (axe-core) and dark mode."""

from __future__ import annotations

import datetime as dt
import itertools
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from babel import Locale
from babel.dates import format_date
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po
from lxml import html as lxml_html
from playwright.sync_api import Browser

from newsletter.errors import InputError
from newsletter.pipeline import Build, build_issue, write_build
from newsletter.rendering import i18n, markdown

from .conftest import ARTIFACTS, CACHE, CONFIG, EDITIONS, ROOT, SAMPLE, visible_text

RUSSIAN = ROOT / "issues" / "2012-07-31-khorog-ru.yaml"
LOCALE = ROOT / "templates" / "locale"
AXE_DIR = ROOT / "tests" / ".axe"


def english_labels() -> list[str]:
    """Every fixed label of the templates, as written in them (the catalog's msgids)."""
    with (LOCALE / "messages.pot").open("rb") as pot:
        return [str(m.id) for m in read_po(pot) if m.id]


@pytest.fixture(scope="module")
def russian() -> Build:
    return build_issue(RUSSIAN, config=CONFIG, cache_dir=CACHE)


def test_russian_edition_has_no_english_label(russian: Build) -> None:
    labels = english_labels()
    assert len(labels) >= 8
    html_text, text = visible_text(russian.html), " ".join(russian.text.split())
    for label in labels:
        fixed = label.split("%(")[0].strip()  # the words around a placeholder
        assert fixed not in html_text, label
        assert fixed not in text, label
    for english in (
        "Issue ",
        "View in browser",
        "Also in this issue",
        "Unsubscribe",
        "Photo:",
        "See also",
        "July",
        "Central Asia Weekly",
    ):
        assert english not in html_text and english not in text
    assert "Выпуск 656 · 31 июля 2012 г." in html_text
    assert "31 июля 2012 г." in text
    assert "Также в этом выпуске" in html_text and "Отписаться" in html_text
    assert "(Фото: IWPR)" in html_text


def test_russian_edition_is_marked_russian(russian: Build) -> None:
    tree = lxml_html.fromstring(russian.html)
    assert (tree.get("lang"), tree.get("dir")) == ("ru", "ltr")
    wrapper = tree.xpath("//body/div[@role='article']")[0]
    assert (wrapper.get("lang"), wrapper.get("dir")) == ("ru", "ltr")
    assert russian.findings == []


def test_right_to_left_language_sets_dir_even_without_labels(desk: Path) -> None:
    issue = desk / "issues" / "ar.yaml"
    issue.write_text(SAMPLE.read_text().replace("language: en", "language: ar"))
    built = build_issue(issue, cache_dir=CACHE)
    tree = lxml_html.fromstring(built.html)
    assert (tree.get("lang"), tree.get("dir")) == ("ar", "rtl")
    wrapper = tree.xpath("//body/div[@role='article']")[0]
    assert (wrapper.get("lang"), wrapper.get("dir")) == ("ar", "rtl")
    assert [f.message for f in built.findings] == [
        "no translation of the labels into 'ar': they stay in English "
        "(see the README: adding a language)"
    ]


@pytest.mark.parametrize("code", ["prs", "fa-AF"])
def test_dari_by_its_iso_639_3_code_is_persian_of_afghanistan(desk: Path, code: str) -> None:
    shutil.copy(ROOT / "issues" / "2012-07-31-khorog-fa.yaml", desk / "issues" / "dari.yaml")
    issue = desk / "issues" / "dari.yaml"
    issue.write_text(issue.read_text().replace("language: fa", f"language: {code}"))
    built = build_issue(issue, cache_dir=CACHE)
    tree = lxml_html.fromstring(built.html)
    assert (tree.get("lang"), tree.get("dir")) == ("fa-AF", "rtl")
    assert built.findings == []  # the Persian catalog serves it
    assert "متن کامل گزارش را بخوانید" in built.text  # "Read the full story", in Persian
    assert "31 جولای 2012" in built.text  # the month as Afghanistan names it
    assert "هفته‌نامه آسیای مرکزی" in built.text  # the name from [languages.fa]


def test_english_dates_and_direction_match_babel_without_loading_it() -> None:
    # English skips Babel for speed; it must still say what Babel (CLDR) says.
    for month in range(1, 13):
        day = dt.date(2026, month, month + 9)
        assert i18n.long_date(day, "en") == format_date(day, "d MMMM y", locale="en")
    assert i18n.direction("en") == "ltr" == Locale.parse("en").text_direction
    assert i18n.known_language("en")


def test_unknown_language_is_named_at_its_line(desk: Path) -> None:
    issue = desk / "issues" / "xx.yaml"
    issue.write_text(SAMPLE.read_text().replace("language: en", "language: qq"))
    with pytest.raises(InputError) as caught:
        build_issue(issue, cache_dir=CACHE)
    assert str(caught.value) == (
        "issues/xx.yaml:5: language: unknown language 'qq': not a language Unicode CLDR knows "
        "(a code such as en, ru, tg, ky, kk, uz, uz-Cyrl, tk, fa, prs)"
    )
    issue.write_text(SAMPLE.read_text().replace("language: en", "language: Russian"))
    with pytest.raises(InputError) as caught:
        build_issue(issue, cache_dir=CACHE)
    assert str(caught.value) == (
        "issues/xx.yaml:5: language: not a language code: 'Russian' "
        "(such as en, ru, tg, ky, uz, kk)"
    )


def test_catalog_template_matches_the_templates_and_russian_is_complete() -> None:
    in_templates = {
        str(message[2])
        for message in extract_from_dir(
            str(ROOT / "templates"),
            method_map=[("**.j2", "jinja2")],
            options_map={"**.j2": {"extensions": "jinja2.ext.i18n"}},
        )
    }
    assert in_templates == set(english_labels()), (
        "run: pybabel extract -F babel.cfg --no-location --omit-header "
        "-o templates/locale/messages.pot templates"
    )
    with (LOCALE / "ru" / "LC_MESSAGES" / "messages.po").open("rb") as po:
        catalog = read_po(po)
    for label in english_labels():
        message = catalog.get(label)
        assert message is not None and message.string and not message.fuzzy, label
        placeholders = set(re.findall(r"%\(\w+\)s", label))
        assert placeholders == set(re.findall(r"%\(\w+\)s", str(message.string))), label


def test_one_h1_and_no_skipped_heading_levels(russian: Build, sample_build: Build) -> None:
    body = "# Background\n\nText.\n\n## Earlier fighting\n\nMore.\n"
    for build in (sample_build, russian):
        levels = [
            int(h.tag[1])
            for h in lxml_html.fromstring(build.html).xpath("//h1|//h2|//h3|//h4|//h5|//h6")
        ]
        assert levels.count(1) == 1 and levels[0] == 1
        assert all(b - a <= 1 for a, b in itertools.pairwise(levels)), levels
    assert markdown.to_html(body).startswith("<h2>Background</h2>")


# In the browser ------------------------------------------------------------------------


@pytest.fixture(scope="session")
def axe_source() -> str:
    """axe-core, installed from npm into tests/.axe on first use."""
    script = AXE_DIR / "node_modules" / "axe-core" / "axe.min.js"
    if not script.exists():
        if shutil.which("npm") is None:
            pytest.fail("npm is needed to install axe-core for the accessibility tests")
        subprocess.run(
            [
                "npm",
                "install",
                "--silent",
                "--no-save",
                "--no-audit",
                "--no-fund",
                "--prefix",
                str(AXE_DIR),
                "axe-core@4",
            ],
            check=True,
            timeout=300,
        )
    return script.read_text()


@pytest.fixture(scope="module")
def local_outputs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Both samples built with local image addresses, for the browser."""
    out = tmp_path_factory.mktemp("editions")
    return {
        issue.stem: write_build(
            build_issue(issue, config=CONFIG, cache_dir=CACHE, local_images=True), out
        )
        / "index.html"
        for issue in (ROOT / "issues" / f"{stem}.yaml" for stem in EDITIONS)
    }


# Contrast of every element with its own text against the first opaque background behind it.
CONTRASTS = """() => {
  const parse = (c) => (c.match(/[\\d.]+/g) || []).map(Number);
  const lum = ([r, g, b]) => [r, g, b].map(v => { v /= 255;
      return v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; })
    .reduce((s, v, i) => s + v * [0.2126, 0.7152, 0.0722][i], 0);
  const ratio = (a, b) => { const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p);
      return (x + 0.05) / (y + 0.05); };
  const background = (el) => { for (; el; el = el.parentElement) {
      const c = parse(getComputedStyle(el).backgroundColor);
      if (c.length === 3 || (c.length === 4 && c[3] > 0.99)) return c.slice(0, 3); }
    return [255, 255, 255]; };
  const out = [];
  for (const el of document.body.querySelectorAll('*')) {
    const own = [...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim());
    if (!own || el.offsetParent === null || el.offsetHeight < 2) continue;
    out.push([el.tagName, el.textContent.trim().slice(0, 30),
              ratio(parse(getComputedStyle(el).color).slice(0, 3), background(el))]);
  }
  return out;
}"""


def scheme_cases() -> Iterator[tuple[str, str]]:
    for stem in EDITIONS:
        for scheme in ("light", "dark"):
            yield stem, scheme


@pytest.mark.browser
@pytest.mark.parametrize(("stem", "scheme"), list(scheme_cases()))
def test_axe_finds_nothing_serious_and_every_text_is_readable(
    browser: Browser, axe_source: str, local_outputs: dict[str, Path], stem: str, scheme: str
) -> None:
    page = browser.new_page(viewport={"width": 600, "height": 900}, color_scheme=scheme)  # type: ignore[arg-type]
    try:
        page.goto(local_outputs[stem].as_uri())
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"{stem}-{scheme}.png"), full_page=True)
        page.add_script_tag(content=axe_source)
        result = page.evaluate("async () => await axe.run(document)")
        serious = [
            (v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
            for v in result["violations"]
            if v["impact"] in ("serious", "critical")
        ]
        assert serious == []
        contrasts = page.evaluate(CONTRASTS)
        assert len(contrasts) > 30
        low = [c for c in contrasts if c[2] < 4.5]
        assert low == [], low
        if scheme == "dark":
            background = page.evaluate(
                "getComputedStyle(document.querySelector('.card')).backgroundColor"
            )
            assert background == "rgb(27, 31, 36)"
    finally:
        page.close()


def test_dark_mode_markup(sample_build: Build) -> None:
    html = sample_build.html
    assert '<meta name="color-scheme" content="light dark">' in html
    assert '<meta name="supported-color-schemes" content="light dark">' in html
    assert "@media (prefers-color-scheme: dark)" in html
    assert "[data-ogsc] .card" in html and "[data-ogsb] .card" in html


@pytest.mark.browser
@pytest.mark.parametrize("stem", EDITIONS)
def test_a_screen_reader_hears_each_caption_once(
    browser: Browser, local_outputs: dict[str, Path], stem: str
) -> None:
    page = browser.new_page(viewport={"width": 600, "height": 900})
    try:
        page.goto(local_outputs[stem].as_uri())
        tree = page.locator("body").aria_snapshot()  # what the accessibility tree announces
        captions = page.eval_on_selector_all(
            "p.caption", "ps => ps.map(p => p.firstChild.textContent.trim())"
        )
        alts = page.eval_on_selector_all("img", "imgs => imgs.map(i => i.alt)")
    finally:
        page.close()
    assert len(captions) == 9
    for caption in captions:
        assert tree.count(caption) == 1, caption
    label = {"khorog": "Photo {} of 9", "ru": "Фото {} из 9", "fa": "عکس {} از 9"}
    assert alts == [label[stem.rsplit("-", 1)[-1]].format(n) for n in range(1, 10)]
    for alt in alts:
        assert f'img "{alt}"' in tree  # each photo announced by its short label
