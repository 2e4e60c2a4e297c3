"""Chromium (Blink): Gmail and Outlook.com in Chrome, Android's clients. Driven by Playwright."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Browser

from .harness import MEASURE_JS, Render, Scheme

# Resolves once every image has loaded (or failed) and the fonts are ready.
SETTLED_JS = """async () => {
  await Promise.all([...document.images].map((img) => img.complete ? null :
    new Promise((done) => { img.onload = img.onerror = done; })));
  await document.fonts.ready;
}"""


def render(browser: Browser, url: str, width: int, scheme: Scheme, out: Path) -> Render:
    """Open `url` at `width` CSS pixels in `scheme`; a full-page screenshot and the measures."""
    page = browser.new_page(viewport={"width": width, "height": 900}, color_scheme=scheme)
    try:
        page.goto(url, wait_until="load")
        page.evaluate(SETTLED_JS)
        measured = page.evaluate(MEASURE_JS)
        page.screenshot(path=str(out), full_page=True)
    finally:
        page.close()
    return Render("chromium", width, scheme, out, measured)
