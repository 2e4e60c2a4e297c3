"""Measurement (issue #20): how the major frameworks hide the preheader, as spam filters and
readers see it.

The sample's English and Russian editions are built with each framework's hidden-preheader
markup in place of ours (a desk template override of partials/preheader.mjml.j2), then:

  - SpamAssassin (`spamassassin -L -t`: local rules only, no network test) scores the
    message with the `To:` a mailing service adds; the rules with points are listed;
  - Chromium shows the e-mail at 600 px, with and without its <style>: the preheader's box
    must have no height on the page.

Needs: Debian's spamassassin and chromium, and pip install -e '.[test]'.
Usage: python benchmarks/preheader.py
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

from newsletter.pipeline import build_issue

ROOT = Path(__file__).resolve().parent.parent
EDITIONS = ("2012-07-31-khorog", "2012-07-31-khorog-ru")
TO = b"To: subscriber@example.com\r\n"  # what the mailing service adds, one per subscriber
DIV = '<mj-raw><div class="preheader" style="{style}"{extra}>{text}</div></mj-raw>\n'
TEXT = "{{ issue.preheader_text }}{{ preheader_padding }}"
# The inline style each framework gives its hidden preheader (their CSS classes inlined).
VARIANTS = {
    "MJML 4 `<mj-preview>` (ours before)": (
        "display:none;font-size:1px;color:#ffffff;line-height:1px;max-height:0px;"
        "max-width:0px;opacity:0;overflow:hidden;",
        "",
    ),
    "Foundation for Emails (`.preheader`)": (
        "color:#f3f3f3;display:none !important;visibility:hidden;mso-hide:all !important;"
        "font-size:1px;line-height:1px;max-height:0;max-width:0;opacity:0;overflow:hidden;",
        "",
    ),
    "Cerberus": ("max-height:0;overflow:hidden;mso-hide:all;", ' aria-hidden="true"'),
    "Maizzle (class hidden)": ("display:none", ""),
}


def main() -> None:
    if not shutil.which("spamassassin"):
        sys.exit("needs Debian's spamassassin (apt-get install spamassassin)")
    ours = (ROOT / "templates" / "partials" / "preheader.mjml.j2").read_text(encoding="utf-8")
    rows = []
    with tempfile.TemporaryDirectory() as scratch, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium")
        page = browser.new_page(viewport={"width": 600, "height": 900})
        variants = {**{k: DIV.format(style=s, extra=e, text=TEXT) for k, (s, e) in
                       VARIANTS.items()}, "newsletter (now)": ours}  # fmt: skip
        for number, (name, partial) in enumerate(variants.items()):
            desk = Path(scratch) / str(number)
            (desk / "theme" / "partials").mkdir(parents=True)
            (desk / "theme" / "partials" / "preheader.mjml.j2").write_text(partial)
            settings = 'templates = "theme"\n' + (ROOT / "newsletter.toml").read_text()
            (desk / "newsletter.toml").write_text(settings, encoding="utf-8")
            cells = [name]
            for stem in EDITIONS:
                build = build_issue(
                    ROOT / "issues" / f"{stem}.yaml", config=desk / "newsletter.toml"
                )
                score, rules = spamassassin(TO + build.eml)
                cells.append(f"{score:.1f}" + (f" ({', '.join(rules)})" if rules else ""))
                if stem == EDITIONS[0]:
                    cells.append(shown(page, build.html))
            rows.append(cells)
        browser.close()
    print("| preheader markup | SpamAssassin, en | in Chromium (600 px; with / without `<style>`) "
          "| SpamAssassin, ru |")  # fmt: skip
    print("|---|---|---|---|")
    for name, english, view, russian in rows:
        print(f"| {name} | {english} | {view} | {russian} |")


def spamassassin(message: bytes) -> tuple[float, list[str]]:
    """The score and the rules with positive points."""
    report = subprocess.run(
        ["spamassassin", "-L", "-t"], input=message, capture_output=True, check=True
    ).stdout.decode("utf-8", "replace")
    details = report.split("Content analysis details:")[-1]
    score = float(re.search(r"\((-?[\d.]+) points", details).group(1))  # type: ignore[union-attr]
    rules = [
        f"{name} {points}"
        for points, name in re.findall(r"^\s*(-?\d+\.\d+)\s+([A-Z0-9_]+)\s", details, re.M)
        if float(points) > 0
    ]
    return score, rules


def shown(page: object, html: str) -> str:
    """Whether the preheader takes room on the page (its text can show only in a box that
    has some), with and without <style>."""
    results = []
    for strip in (False, True):
        markup = re.sub(r"<style\b.*?</style>", "", html, flags=re.S) if strip else html
        page.set_content(markup)  # type: ignore[attr-defined]
        height = page.evaluate(  # type: ignore[attr-defined]
            "() => document.querySelector('.preheader').getBoundingClientRect().height"
        )
        results.append("hidden" if height == 0 else f"SHOWN ({height:g} px high)")
    return " / ".join(results)


if __name__ == "__main__":
    main()
