"""Dark mode covers every element, not only the palette's pairs: an issue that uses every
Markdown element the body allows, shown dark in Chromium and WebKitGTK, has no visible text
below 4.5:1 and no border or rule below 3:1 against what is behind it. (The three samples are
held to the same in every engine by tests/engines/checks.py.)"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from playwright.sync_api import Browser

from newsletter.pipeline import build_issue, write_build

from .conftest import CACHE, CONFIG, SAMPLE
from .engines import webkit
from .engines.checks import contrast_problems

MEASURE = (Path(__file__).parent / "engines" / "measure.js").read_text(encoding="utf-8")
EVERY_ELEMENT = """\
# A heading

Text with **bold**, *italic*, ~~struck~~, [a link](https://example.org/a) and a note.[^1]

## A smaller heading

### Smaller still

#### And the smallest

- one
  - nested
1. first
2. second

> A quotation from a resident of Khorog.

---

| Region | 2024 | 2025 |
|---|---:|---:|
| Khorog | 1,204 | 2,311 |
| Rasht | 98 | 1,017 |

[^1]: The note, with [a link](https://www.osce.org/).
"""


@pytest.fixture(scope="module")
def every_element(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample with a body of every Markdown element, built with local images."""
    desk = tmp_path_factory.mktemp("dark")
    issues = desk / "issues"
    issues.mkdir()
    shutil.copytree(SAMPLE.parent / "photos", issues / "photos")
    text = SAMPLE.read_text(encoding="utf-8")
    body = "".join(f"    {line}\n" if line else "\n" for line in EVERY_ELEMENT.splitlines())
    text = re.sub(r"  body: \|\n(?:    .*\n|\n)*?(?=  see_also:)", "  body: |\n" + body, text)
    path = issues / "every-element.yaml"
    path.write_text(text, encoding="utf-8")
    build = build_issue(path, config=CONFIG, cache_dir=CACHE, local_images=True)
    for tag in ("h2", "h3", "h4", "blockquote", "hr", "table", "li", "s", "sup"):
        assert f"<{tag}" in build.html, tag
    return write_build(build, desk / "build") / "index.html"


def chromium_contrasts(browser: Browser, html: Path, scheme: str) -> list[dict[str, str]]:
    page = browser.new_page(viewport={"width": 600, "height": 900}, color_scheme=scheme)  # type: ignore[arg-type]
    try:
        page.goto(html.as_uri())
        contrasts: list[dict[str, str]] = page.evaluate(MEASURE)["contrasts"]
    finally:
        page.close()
    return contrasts


@pytest.mark.browser
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_every_markdown_element_is_readable_in_chromium(
    browser: Browser, every_element: Path, scheme: str
) -> None:
    contrasts = chromium_contrasts(browser, every_element, scheme)
    kinds = {item["kind"] for item in contrasts}
    assert kinds == {"text", "border"}  # the measure sees both
    assert contrast_problems(contrasts, scheme) == []


@pytest.mark.engines
@pytest.mark.skipif(not webkit.available(), reason="needs WebKitGTK (README's apt-get line)")
def test_every_markdown_element_is_readable_in_webkit_dark(
    every_element: Path, tmp_path: Path
) -> None:
    render = webkit.render(every_element.as_uri(), 600, "dark", tmp_path / "dark.png")
    assert render.measured is not None
    assert contrast_problems(render.measured["contrasts"], "dark") == []


@pytest.mark.browser
def test_a_heading_left_light_in_dark_mode_is_caught(
    browser: Browser, every_element: Path
) -> None:
    # What the review found: a heading whose inlined colour no dark rule replaced.
    html = every_element.read_text(encoding="utf-8")
    broken = every_element.with_name("broken.html")
    broken.write_text(html.replace(".card h3, .card h4, ", ".card h3, ", 1), encoding="utf-8")
    found = contrast_problems(chromium_contrasts(browser, broken, "dark"), "dark")
    assert found == [  # `###` and `####` are both an h4 (the lead's title is the h1)
        "text 1.05:1 on <h4> 'And the smallest' (#1f2328 on #1b1f24)",
        "text 1.05:1 on <h4> 'Smaller still' (#1f2328 on #1b1f24)",
    ]
