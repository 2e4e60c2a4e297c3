"""The sample e-mail as subscribers' engines show it: Chromium, Gecko (firefox-esr), WebKit
(WebKitGTK) and a real Thunderbird opening the .eml, at 375 and 600 px, light and dark. The
same rules hold in each (tests/engines/checks.py); two deliberately broken e-mails show that
the rules catch what they claim. Renders land in tests/artifacts/engines/, side by side in
tests/artifacts/engines.html. Run alone with `pytest -m engines`.
"""

from __future__ import annotations

import dataclasses
import html
import json
import re
import shutil
from collections.abc import Callable
from contextlib import ExitStack
from pathlib import Path

import pytest
from PIL import Image
from playwright.sync_api import Browser

from newsletter.pipeline import Build, build_issue, write_build

from .conftest import ARTIFACTS, CACHE, CONFIG, EDITIONS, ROOT
from .engines import chromium, gecko, pixels, thunderbird, webkit
from .engines.checks import height, problems
from .engines.harness import Render, Scheme, eml_with_photos
from .engines.serve import serving

pytestmark = pytest.mark.engines

BROKEN = ("wide-table", "stretched-image")
ENGINES = ("chromium", "gecko", "webkit", "thunderbird")
WIDTHS = (375, 600)
SCHEMES: tuple[Scheme, ...] = ("light", "dark")
OUT = ARTIFACTS / "engines"

Key = tuple[str, str, int, Scheme]  # e-mail, engine, width, scheme


def broken_html(build: Build, kind: str) -> str:
    """The sample with one deliberate fault a reader would see."""
    if kind == "wide-table":  # a 700 px table: wider than any phone
        table = '<table role="presentation" width="700" style="width:700px"><tr><td>'
        wide = f"{table}A table someone pasted in, 700 px wide.</td></tr></table>"
        return build.html.replace("<h1", wide + "<h1", 1)
    # A gallery photo stretched to twice the width of its pixels, its height left as it was.
    tags = re.findall(r"<img [^>]*>", build.html)
    tag = tags[1]  # a half-width photo: 528 pixels wide, shown at 264
    natural = next(r.width for r in build.renditions if r.name in tag)
    height = re.search(r'\bheight="(\d+)"', tag)
    assert height is not None
    stretched = re.sub(r'\bwidth="\d+"', f'width="{2 * natural}"', tag)
    stretched = re.sub(r"width:\s*100%", f"width:{2 * natural}px", stretched)
    stretched = re.sub(r"height:\s*auto", f"height:{height.group(1)}px", stretched)
    return build.html.replace(tag, stretched, 1)


@pytest.fixture(scope="session")
def emails(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, Path]]:
    """Each e-mail as a folder to serve (index.html and images/) and as a .eml with its
    photos inside: the two sample editions and the broken fixtures."""
    root = tmp_path_factory.mktemp("engines")
    found = {}
    builds = {
        stem: build_issue(ROOT / "issues" / f"{stem}.yaml", config=CONFIG, cache_dir=CACHE,
                          local_images=True)
        for stem in EDITIONS
    }  # fmt: skip
    for stem, build in builds.items():
        folder = write_build(build, root)
        (folder / "test.eml").write_bytes(eml_with_photos(build))
        found[stem] = (folder, folder / "test.eml")
    for kind in BROKEN:
        build = dataclasses.replace(
            builds[EDITIONS[0]], html=broken_html(builds[EDITIONS[0]], kind)
        )
        folder = root / kind
        shutil.copytree(root / EDITIONS[0] / "images", folder / "images")
        (folder / "index.html").write_text(build.html, encoding="utf-8")
        (folder / "test.eml").write_bytes(eml_with_photos(build))
        found[kind] = (folder, folder / "test.eml")
    return found


def wanted() -> list[Key]:
    keys: list[Key] = [
        (email, engine, width, scheme)
        for email in EDITIONS
        for engine in ENGINES
        for width in WIDTHS
        for scheme in SCHEMES
    ]
    keys += [(kind, engine, 375, "light") for kind in BROKEN for engine in ENGINES]
    return keys


@pytest.fixture(scope="session")
def renders(browser: Browser, emails: dict[str, tuple[Path, Path]]) -> dict[Key, Render]:
    """Every render, made once, one engine at a time."""
    for name, engine in (("gecko", gecko), ("webkit", webkit), ("thunderbird", thunderbird)):
        if not engine.available():
            pytest.fail(f"{name} is not installed: see ENGINES in .ci/run and the README")
    if OUT.exists():
        shutil.rmtree(OUT)
    OUT.mkdir(parents=True)
    keys = wanted()
    done: dict[Key, Render] = {}

    def shot(key: Key) -> Path:
        email, engine, width, scheme = key
        return OUT / f"{email}-{engine}-{width}-{scheme}.png"

    with ExitStack() as stack:
        base = {
            email: stack.enter_context(serving(folder)) for email, (folder, _) in emails.items()
        }
        for key in [k for k in keys if k[1] == "chromium"]:
            email, _, width, scheme = key
            done[key] = chromium.render(
                browser, base[email] + "index.html", width, scheme, shot(key)
            )
        for scheme in SCHEMES:
            with gecko.firefox(scheme) as firefox:
                for key in [k for k in keys if k[1] == "gecko" and k[3] == scheme]:
                    email, _, width, _ = key
                    done[key] = firefox.render(base[email] + "index.html", width, scheme, shot(key))
        for key in [k for k in keys if k[1] == "webkit"]:
            email, _, width, scheme = key
            done[key] = webkit.render(base[email] + "index.html", width, scheme, shot(key))
    for key in [k for k in keys if k[1] == "thunderbird"]:
        email, _, width, scheme = key
        done[key] = thunderbird.render(emails[email][1], width, scheme, shot(key))
    contact_sheet(done)
    summary = {"-".join(map(str, key)): measures(render) for key, render in done.items()}
    (ARTIFACTS / "engines.json").write_text(json.dumps(summary, indent=1) + "\n")
    return done


def measures(render: Render) -> dict[str, object]:
    """The figures a person compares across engines (engines.json)."""
    if render.measured is None:
        lines = pixels.text_lines(render.screenshot)
        return {
            "height": height(render),
            "photos": [right - left for left, _, right, _ in pixels.photo_boxes(render.screenshot)],
            "lowest_contrast": min((line.contrast for line in lines), default=None),
        }
    m = render.measured
    return {
        "height": m["docHeight"],
        "width": m["docWidth"],
        "photos": [round(image["width"]) for image in m["images"]],
        "smallest_text": m["smallestText"],
        "colours": {
            k: v if isinstance(v, str) else v and v["color"] for k, v in m["colours"].items()
        },
    }


@pytest.fixture(scope="session")
def palette() -> dict[str, str]:
    build = build_issue(ROOT / "issues" / f"{EDITIONS[0]}.yaml", config=CONFIG, cache_dir=CACHE)
    return dataclasses.asdict(build.settings.colours)


def reference(renders: dict[Key, Render], key: Key) -> Render | None:
    email, engine, width, scheme = key
    return None if engine == "chromium" else renders[(email, "chromium", width, scheme)]


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("email", EDITIONS)
def test_the_sample_reads_well(
    renders: dict[Key, Render],
    palette: dict[str, str],
    email: str,
    engine: str,
    width: int,
    scheme: Scheme,
) -> None:
    key: Key = (email, engine, width, scheme)
    assert problems(renders[key], palette, reference(renders, key)) == []


# What each broken e-mail must be caught as. Thunderbird shrinks a photo wider than its pixels
# to fit (`mail.enable_automatic_image_resizing`), so there the stretched photo shows as what
# it does to the layout: a photo no longer filling its column, the next one pushed past it.
EXPECTED_FAULT: dict[str, Callable[[str], bool]] = {
    "wide-table": lambda problem: "overflow" in problem or "right edge" in problem,
    "stretched-image": lambda problem: any(
        words in problem for words in ("wider than", "distorted", "column")
    ),
}


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("kind", BROKEN)
def test_a_broken_email_fails_the_checks(
    renders: dict[Key, Render], palette: dict[str, str], kind: str, engine: str
) -> None:
    key: Key = (kind, engine, 375, "light")
    found = problems(renders[key], palette, reference(renders, key))
    assert any(EXPECTED_FAULT[kind](problem) for problem in found), found


def contact_sheet(renders: dict[Key, Render]) -> None:
    """tests/artifacts/engines.html, and a small engines.png: every engine side by side."""
    rows = []
    emails = list(dict.fromkeys(key[0] for key in renders))
    for email in emails:
        for width in WIDTHS:
            for scheme in SCHEMES:
                cells = []
                for engine in ENGINES:
                    render = renders.get((email, engine, width, scheme))
                    if render is None:
                        cells.append("<td></td>")
                        continue
                    src = render.screenshot.relative_to(ARTIFACTS).as_posix()
                    cells.append(
                        f'<td><a href="{src}"><img src="{src}" width="{width // 2}" '
                        f'alt="{engine} {width} {scheme}"></a></td>'
                    )
                title = f"{html.escape(email)}<br>{width} px, {scheme}"
                rows.append(f"<tr><th>{title}</th>{''.join(cells)}</tr>")
    head = "".join(f"<th>{engine}</th>" for engine in ENGINES)
    (ARTIFACTS / "engines.html").write_text(
        "<!doctype html><meta charset=utf-8><title>engines</title>"
        "<style>td,th{vertical-align:top;padding:4px;font:12px sans-serif}</style>"
        f"<table><tr><th></th>{head}</tr>{''.join(rows)}</table>\n",
        encoding="utf-8",
    )
    # The PNG: the first edition at each width and scheme, one column per engine, the top
    # 1,600 CSS px of each render at half size.
    thumbs = [
        [renders.get((EDITIONS[0], engine, width, scheme)) for engine in ENGINES]
        for width in WIDTHS
        for scheme in SCHEMES
    ]
    cell_w, cell_h = 320, 820
    sheet = Image.new("RGB", (cell_w * len(ENGINES), cell_h * len(thumbs)), "white")
    for row, line in enumerate(thumbs):
        for column, render in enumerate(line):
            if render is None:
                continue
            with Image.open(render.screenshot) as image:
                top = image.crop((0, 0, image.width, min(image.height, 1600)))
                top.thumbnail((cell_w - 8, cell_h - 8))
                sheet.paste(top.convert("RGB"), (column * cell_w + 4, row * cell_h + 4))
    sheet.save(ARTIFACTS / "engines.png")
