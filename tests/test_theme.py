"""The default theme ships inside the wheel, and a desk overrides it file by file."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from lxml import html as lxml_html
from PIL import Image, ImageDraw
from playwright.sync_api import Browser

from newsletter.errors import InputError
from newsletter.pipeline import build_issue, write_build
from newsletter.rendering.theme import default_theme

from .conftest import CACHE, CONFIG, ROOT, SAMPLE


def desk_without_templates(folder: Path) -> Path:
    """A desk folder with the sample issue, its photos and settings naming no templates."""
    (folder / "issues").mkdir(parents=True)
    shutil.copy(SAMPLE, folder / "issues" / SAMPLE.name)
    shutil.copytree(ROOT / "issues" / "photos", folder / "issues" / "photos")
    shutil.copy(CONFIG, folder / "newsletter.toml")
    assert "\ntemplates =" not in CONFIG.read_text()
    return folder / "issues" / SAMPLE.name


def test_the_default_theme_is_the_repositorys_templates_folder() -> None:
    assert default_theme() == ROOT / "templates"  # an editable install reads it in place


def test_the_wheel_carries_the_theme_and_builds_anywhere(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path), str(ROOT)],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    (wheel,) = tmp_path.glob("newsletter-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    for theme_file in ("email.mjml.j2", "email.txt.j2", "partials/footer.mjml.j2"):
        assert f"newsletter/theme/{theme_file}" in names
    assert "newsletter/theme/locale/ru/LC_MESSAGES/messages.po" in names
    # Installed from the wheel (its files unpacked first on the path), built in an empty
    # folder with no templates/ anywhere near: the same e-mail as the repository builds.
    installed = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(installed)
    issue = desk_without_templates(tmp_path / "desk")
    env = {**os.environ, "PYTHONPATH": str(installed), "NEWSLETTER_CACHE_DIR": str(CACHE)}
    built = subprocess.run(
        [sys.executable, "-m", "newsletter", "build", str(issue), "--out", str(tmp_path / "out")],
        cwd=tmp_path / "desk",
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert built.returncode == 0, built.stderr
    where = subprocess.run(
        [sys.executable, "-c", "import newsletter.rendering.theme as t; print(t.default_theme())"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert where.stdout.strip() == str(installed / "newsletter" / "theme")
    ours = build_issue(SAMPLE, config=CONFIG, cache_dir=CACHE)
    out = tmp_path / "out" / SAMPLE.stem
    assert (out / "index.html").read_text(encoding="utf-8") == ours.html
    assert (out / "index.txt").read_text(encoding="utf-8") == ours.text


def test_a_desk_folder_with_only_a_footer_changes_only_the_footer(tmp_path: Path) -> None:
    issue = desk_without_templates(tmp_path)
    default = build_issue(issue, cache_dir=CACHE)
    footer = (default_theme() / "partials" / "footer.mjml.j2").read_text(encoding="utf-8")
    ours = tmp_path / "our-theme" / "partials" / "footer.mjml.j2"
    ours.parent.mkdir(parents=True)
    mark = "<p>{{ settings.sender.postal_address }}</p>"
    assert mark in footer
    ours.write_text(footer.replace(mark, "<p>Printed on recycled electrons.</p>\n" + mark))
    settings = tmp_path / "newsletter.toml"
    settings.write_text('templates = "our-theme"\n' + settings.read_text(encoding="utf-8"))
    changed = build_issue(issue, cache_dir=CACHE)
    added = re.findall(r"<p [^>]*>Printed on recycled electrons\.</p>\n", changed.html)
    assert len(added) == 1  # in the footer, styled like its other lines
    assert 'style="margin:0 0 10px; font-size:14px;' in added[0]
    assert changed.html.replace(added[0], "", 1) == default.html
    assert changed.text == default.text  # the text part's template was not overridden


def test_a_templates_folder_that_is_not_there_is_a_located_error(tmp_path: Path) -> None:
    issue = desk_without_templates(tmp_path)
    settings = tmp_path / "newsletter.toml"
    settings.write_text('templates = "our-theme"\n' + settings.read_text(encoding="utf-8"))
    with pytest.raises(InputError) as caught:
        build_issue(issue, cache_dir=CACHE)
    assert [str(p) for p in caught.value.problems] == [
        f"{settings}:1: templates: no such folder: our-theme (relative to {settings})"
    ]


def with_theme(folder: Path, theme: str) -> Path:
    """The sample in `folder`, with a [theme] table in its settings."""
    issue = desk_without_templates(folder)
    settings = folder / "newsletter.toml"
    settings.write_text(settings.read_text(encoding="utf-8") + "\n[theme]\n" + theme)
    return issue


def logo_png(path: Path) -> None:
    """A flat-colour logo, 600 x 120, with a transparent corner (a graphic: kept PNG)."""
    image = Image.new("RGBA", (600, 120), (138, 28, 28, 255))
    ImageDraw.Draw(image).rectangle((20, 20, 580, 100), fill=(255, 255, 255, 255))
    ImageDraw.Draw(image).rectangle((0, 0, 30, 30), fill=(0, 0, 0, 0))
    image.save(path)


@pytest.mark.browser
def test_a_logo_in_the_theme_leads_the_masthead(browser: Browser, tmp_path: Path) -> None:
    issue = with_theme(tmp_path / "desk", 'logo = "logo.png"\n')
    logo_png(tmp_path / "desk" / "logo.png")
    build = build_issue(issue, cache_dir=CACHE, local_images=True)
    logo = build.renditions[-1]
    assert (logo.name.endswith(".png"), logo.width, logo.height) == (True, 480, 96)  # 2x
    tree = lxml_html.fromstring(build.html)
    (img,) = tree.xpath("//img[contains(@src, $name)]", name=logo.name)
    assert img.get("alt") == "Central Asia Weekly" and img.get("width") == "240"
    assert not tree.xpath("//p[@class='brand']"), "the logo stands for the name"
    out = write_build(build, tmp_path / "out")
    for width in (600, 375):
        for images in (True, False):
            page = browser.new_page(viewport={"width": width, "height": 900})
            page.goto((out / "index.html").as_uri())
            if not images:  # what a reader with images off sees: the alt text, styled
                page.evaluate("document.images[0].removeAttribute('src')")
            shown = page.evaluate(
                "(() => { const i = document.images[0]; const s = getComputedStyle(i);"
                " const r = i.getBoundingClientRect();"
                " return [i.alt, r.left, r.width, s.fontSize, s.color]; })()"
            )
            page.close()
            assert shown[0] == "Central Asia Weekly" and shown[1] == 24
            if images:
                assert shown[2] == 240  # its own size, on a phone too
            assert shown[3:] == ["14px", "rgb(87, 96, 106)"]  # alt text in the muted colour


def test_a_missing_logo_is_a_located_error(tmp_path: Path) -> None:
    issue = with_theme(tmp_path, 'logo = "logo.png"\n')
    settings = tmp_path / "newsletter.toml"
    line = settings.read_text().splitlines().index('logo = "logo.png"') + 1
    with pytest.raises(InputError) as caught:
        build_issue(issue, cache_dir=CACHE)
    assert [str(p) for p in caught.value.problems] == [
        f"{settings}:{line}: theme.logo: file not found: logo.png (relative to {settings})"
    ]


def test_the_themes_fonts_reach_every_headline_and_the_text(tmp_path: Path) -> None:
    issue = with_theme(
        tmp_path,
        'heading_font = "\'PT Serif\', Georgia, serif"\nbody_font = "Verdana, sans-serif"\n',
    )
    build = build_issue(issue, cache_dir=CACHE)
    tree = lxml_html.fromstring(build.html)
    for heading in tree.xpath("//h1|//h2|//h3"):
        assert 'font-family:"PT Serif", Georgia, serif' in heading.get("style")
    assert "font-family:Verdana, sans-serif" in build.html


def test_a_font_stack_that_could_break_the_css_is_refused(tmp_path: Path) -> None:
    issue = with_theme(tmp_path, 'body_font = "Arial; } body { display: none"\n')
    settings = tmp_path / "newsletter.toml"
    with pytest.raises(InputError) as caught:
        build_issue(issue, cache_dir=CACHE)
    (problem,) = caught.value.problems
    assert (problem.field, problem.line) == (
        "theme.body_font",
        len(settings.read_text().splitlines()),
    )
    assert problem.message.startswith("expected a list of font names")
