"""Whatever the input, a build either works or says what is wrong; it never touches the
network, and a build killed half-way leaves the previous output whole."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import html as lxml_html

from newsletter.commands.check import check_build
from newsletter.delivery.output_folder import write_folder
from newsletter.errors import InputError
from newsletter.pipeline import build_issue, write_build
from newsletter.rendering.typography import quotes_for, smarten

from .conftest import CACHE, CONFIG, EDITIONS, ROOT, SAMPLE

PHOTOS = ["photos/02-townhouses.png", "photos/07-window.png", "photos/04-parked-car.jpg"]
# Printable text in any script: letters, marks, digits, punctuation, symbols, spaces.
TEXT = st.text(
    alphabet=st.characters(categories=("L", "M", "N", "P", "S", "Zs")), min_size=1, max_size=60
).filter(lambda s: s.strip() != "")
SLUG = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789-", min_size=1, max_size=20)
URL = SLUG.map(lambda slug: f"https://example.org/news/{slug}")


@st.composite
def issues(draw: st.DrawFn) -> dict[str, Any]:
    """A valid issue with random text in every field."""
    gallery = [
        {"photo": draw(st.sampled_from(PHOTOS)), "caption": draw(TEXT), "credit": draw(TEXT)}
        for _ in range(draw(st.integers(0, 3)))
    ]
    return {
        "number": draw(st.integers(1, 10_000)),
        "date": draw(st.dates(dt.date(2000, 1, 1), dt.date(2100, 1, 1))),
        "language": draw(st.sampled_from(["en", "ru"])),
        "lead": {
            "title": draw(TEXT),
            "url": draw(URL),
            "standfirst": draw(TEXT),
            "gallery": gallery,
            "body": draw(TEXT),
            "see_also": [{"title": draw(TEXT), "url": draw(URL)}],
        },
        "stories": [
            {"title": draw(TEXT), "url": draw(URL), "summary": draw(TEXT)}
            for _ in range(draw(st.integers(0, 3)))
        ],
    }


def words(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture(scope="module")
def scratch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    desk = tmp_path_factory.mktemp("desk")
    shutil.copy(CONFIG, desk / "newsletter.toml")
    shutil.copytree(ROOT / "templates", desk / "templates")
    (desk / "issues" / "photos").mkdir(parents=True)
    for photo in PHOTOS:
        shutil.copy(ROOT / "issues" / photo, desk / "issues" / photo)
    return desk


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(issue=issues())
def test_random_valid_issues_build_and_show_every_field_as_text(
    scratch: Path, issue: dict[str, Any]
) -> None:
    path = scratch / "issues" / "random.yaml"
    path.write_text(yaml.safe_dump(issue, allow_unicode=True), encoding="utf-8")
    built = build_issue(path, cache_dir=CACHE)
    tree = lxml_html.fromstring(built.html)
    assert tree.xpath("//script|//iframe|//object") == []
    shown, text = words(tree.text_content()), words(built.text)
    lead = issue["lead"]
    fields = [lead["title"], lead["standfirst"], lead["see_also"][0]["title"]]
    fields += [p["caption"] for p in lead["gallery"]] + [p["credit"] for p in lead["gallery"]]
    fields += [s["title"] for s in issue["stories"]] + [s["summary"] for s in issue["stories"]]
    quotes = quotes_for(issue["language"])
    for value in (smarten(field.strip(), quotes) for field in fields):  # typeset as readers see
        assert words(value) in shown
        assert words(value) in text or words(value).upper() in text
    # Each photo labelled (its caption is printed once, under it).
    label = {"en": "Photo {} of {}", "ru": "Фото {} из {}"}[issue["language"]]
    assert [img.get("alt") for img in tree.xpath("//img")] == [
        smarten(p["alt"].strip(), quotes) if p.get("alt") else label.format(n, len(lead["gallery"]))
        for n, p in enumerate(lead["gallery"], start=1)
    ]
    check_build(built)  # the checks run on anything that builds


# Any shape of data at all: a mapping of known and unknown keys with any values.
KEYS = st.sampled_from(
    [
        "number",
        "date",
        "language",
        "lead",
        "title",
        "url",
        "standfirst",
        "gallery",
        "photo",
        "caption",
        "credit",
        "body",
        "stories",
        "summary",
        "see_also",
        "contact",
        "x",
        "",
    ]
)
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-5, 10**6),
    st.floats(allow_nan=True),
    TEXT,
    st.dates(),
    st.sampled_from([*PHOTOS, "../../etc/passwd", "/etc"]),
)
ANYTHING = st.recursive(
    SCALARS,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(KEYS, inner, max_size=6)),
    max_leaves=25,
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.dictionaries(KEYS, ANYTHING, max_size=8))
def test_any_data_builds_or_gives_located_lines(scratch: Path, data: dict[str, Any]) -> None:
    path = scratch / "issues" / "any.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    try:
        build_issue(path, cache_dir=CACHE)
    except InputError as exc:
        assert exc.problems
        for line in str(exc).splitlines():
            assert re.match(r"^(/.*/)?(issues/)?any\.yaml(:\d+)?: \S", line), line


def test_no_socket_is_opened_during_a_build(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    attempts: list[object] = []

    def refuse(*args: object, **kwargs: object) -> None:
        attempts.append(args)
        raise OSError("network access during a build")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    for issue in (ROOT / "issues" / f"{stem}.yaml" for stem in EDITIONS):
        built = build_issue(issue, config=CONFIG, cache_dir=tmp_path / issue.stem)  # cold cache
        check_build(built)
    assert attempts == []


BUILD_SAMPLE = [sys.executable, "-m", "newsletter", "build", f"issues/{SAMPLE.name}"]


def built_then_edited(desk: Path, tmp_path: Path) -> tuple[dict[str, str], Path]:
    """Build the sample in `desk`, then edit its title; return the environment and the
    output folder."""
    issue = desk / "issues" / SAMPLE.name
    shutil.copy(SAMPLE, issue)
    env = dict(os.environ)  # the session's shared cache
    subprocess.run(BUILD_SAMPLE, cwd=desk, env=env, check=True, capture_output=True)
    issue.write_text(SAMPLE.read_text().replace("Hard Hit by Gunbattles", "Under Fire"))
    return env, desk / "build" / SAMPLE.stem


def files(out: Path) -> dict[Path, bytes]:
    return {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}


class FilesThatFail(dict[str, bytes]):
    """The output of a build whose disk fills up after `count` files."""

    def __init__(self, files: dict[str, bytes], count: int) -> None:
        super().__init__(files)
        self.count = count

    def items(self) -> Iterator[tuple[str, bytes]]:  # type: ignore[override]
        for n, item in enumerate(super().items()):
            if n == self.count:
                raise OSError(28, "No space left on device")
            yield item


@pytest.mark.parametrize("after", [0, 4, 12])  # the first file, an image, the last (report)
def test_build_killed_while_writing_leaves_the_previous_output_whole(
    desk: Path, tmp_path: Path, after: int
) -> None:
    env, out = built_then_edited(desk, tmp_path)
    before = files(out)
    script = (
        "import os, signal, sys\n"
        "from pathlib import Path\n"
        "from newsletter.delivery import output_folder\n"
        "from newsletter.pipeline import build_issue\n"
        "class KilledAfter(dict):\n"
        "    def items(self):\n"
        "        for n, item in enumerate(super().items()):\n"
        "            if n == int(sys.argv[2]):\n"
        "                os.kill(os.getpid(), signal.SIGKILL)\n"
        "            yield item\n"
        "cache = Path(os.environ['NEWSLETTER_CACHE_DIR'])\n"
        "build = build_issue(Path(sys.argv[1]), cache_dir=cache)\n"
        "output_folder.write_folder(Path('build') / build.stem, KilledAfter(build.files()))\n"
    )
    killed = subprocess.run(
        [sys.executable, "-c", script, f"issues/{SAMPLE.name}", str(after)],
        cwd=desk,
        env=env,
        capture_output=True,
        check=False,
    )
    assert killed.returncode == -signal.SIGKILL
    assert files(out) == before  # not a byte changed
    staging = [p.name for p in out.parent.iterdir() if p.name != SAMPLE.stem]
    assert len(staging) == 1 and staging[0].startswith(f".{SAMPLE.stem}.new-")
    # The next build writes the new output whole, and clears what the killed one left.
    subprocess.run(BUILD_SAMPLE, cwd=desk, env=env, check=True, capture_output=True)
    assert_whole(out)
    assert b"Under Fire" in (out / "index.html").read_bytes()
    assert sorted(p.name for p in out.parent.iterdir()) == [SAMPLE.stem]


@pytest.mark.parametrize("after", [0, 5, 12])
def test_a_write_that_fails_leaves_the_previous_output_whole(desk: Path, after: int) -> None:
    issue = desk / "issues" / SAMPLE.name
    issue.write_text(SAMPLE.read_text())
    folder = write_build(build_issue(issue, cache_dir=CACHE), desk / "build")
    before = files(folder)
    issue.write_text(SAMPLE.read_text().replace("Hard Hit by Gunbattles", "Under Fire"))
    rebuilt = build_issue(issue, cache_dir=CACHE)
    with pytest.raises(OSError, match="No space left"):
        write_folder(folder, FilesThatFail(rebuilt.files(), after))
    assert files(folder) == before
    assert sorted(p.name for p in folder.parent.iterdir()) == [SAMPLE.stem], "staging left over"


def test_ctrl_c_during_a_build_stops_quietly_and_keeps_the_previous_output(
    desk: Path, tmp_path: Path
) -> None:
    env, out = built_then_edited(desk, tmp_path)
    before = files(out)
    env["NEWSLETTER_CACHE_DIR"] = str(tmp_path / "cold")  # the photos take a while anew
    running = subprocess.Popen(
        BUILD_SAMPLE, cwd=desk, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    time.sleep(0.5)
    running.send_signal(signal.SIGINT)
    _, stderr = running.communicate(timeout=60)
    assert (running.returncode, stderr) == (130, "interrupted\n")
    assert files(out) == before


def assert_whole(out: Path) -> None:
    """Every file the report names is there with its size, and nothing else."""
    report = json.loads((out / "report.json").read_text())
    assert (out / "index.html").stat().st_size == report["html_bytes"]
    assert (out / "index.txt").stat().st_size == report["text_bytes"]
    assert (out / "message.eml").stat().st_size == report["eml_bytes"]
    images = {p.name: p.stat().st_size for p in (out / "images").iterdir()}
    assert images == {Path(i["file"]).name: i["bytes"] for i in report["images"]}
