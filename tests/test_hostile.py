"""The hostile corpus (tests/hostile/): clean one-line errors, exit 2, previous build intact."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from lxml import html as lxml_html

from newsletter.rendering.typography import quotes_for, smarten

from .conftest import ROOT, run_newsletter

HOSTILE = ROOT / "tests" / "hostile"
EXPECTED = HOSTILE / "expected.txt"
SENTINEL = "previous build\n"


def corpus_desk(desk: Path) -> Path:
    """The corpus as a desk's issues/ folder, with what is made at test time."""
    issues = desk / "issues"
    for path in HOSTILE.glob("*.yaml"):
        shutil.copy(path, issues / path.name)
    for path in (HOSTILE / "photos").iterdir():
        shutil.copy(path, issues / "photos" / path.name)
    (issues / "photos" / "link-to-passwd.jpg").symlink_to("/etc/passwd")
    base = (HOSTILE / "unknown-key.yaml").read_text().replace("sumary:", "summary:")
    caption = "      caption: Public meeting outside the local government building."
    (issues / "huge-caption.yaml").write_text(
        base.replace(caption, "      caption: " + "x" * 5_000_000)
    )
    return issues


def expected() -> dict[str, list[str]]:
    """expected.txt: `== case` then the lines the build prints for it."""
    cases: dict[str, list[str]] = {}
    current = ""
    for line in EXPECTED.read_text(encoding="utf-8").splitlines():
        if line.startswith("== "):
            current = line[3:]
            cases[current] = []
        elif line:
            cases[current].append(line)
    return cases


def bad_cases() -> list[str]:
    names = {p.stem for p in HOSTILE.glob("*.yaml") if not p.stem.startswith("valid-")}
    return sorted(names | {"huge-caption"})


def build(desk: Path, *issues: str) -> subprocess.CompletedProcess[str]:
    return run_newsletter("build", *issues, cwd=desk)


def test_the_corpus_is_big_enough_and_fully_expected() -> None:
    assert len(bad_cases()) + len(list(HOSTILE.glob("valid-*.yaml"))) >= 40
    assert sorted(expected()) == bad_cases()


@pytest.mark.parametrize("case", bad_cases())
def test_hostile_issue_gives_its_lines_and_spoils_nothing(desk: Path, case: str) -> None:
    corpus_desk(desk)
    previous = desk / "build" / case
    previous.mkdir(parents=True)
    (previous / "index.html").write_text(SENTINEL)
    result = build(desk, f"issues/{case}.yaml")
    assert result.returncode == 2, result.stdout
    assert "Traceback" not in result.stderr
    assert result.stderr.splitlines() == expected()[case]
    assert [p.name for p in previous.iterdir()] == ["index.html"]
    assert (previous / "index.html").read_text() == SENTINEL
    assert sorted(p.name for p in (desk / "build").iterdir()) == [case], "temporary folder left"


@pytest.mark.parametrize("case", sorted(p.stem for p in HOSTILE.glob("valid-*.yaml")))
def test_hostile_text_builds_and_shows_as_text(desk: Path, case: str) -> None:
    corpus_desk(desk)
    result = build(desk, f"issues/{case}.yaml")
    assert result.returncode == 0, result.stderr
    out = desk / "build" / case
    html = (out / "index.html").read_text()
    tree = lxml_html.fromstring(html)
    assert tree.xpath("//script|//b|//mj-raw|//mj-text|//iframe") == []
    assert tree.xpath("//img[@onerror]") == []
    text = " ".join(tree.text_content().split())
    import yaml

    value = yaml.safe_load((HOSTILE / f"{case}.yaml").read_text())["lead"]["title"]
    value = smarten(value, quotes_for("en"))  # typeset as every title is
    assert value in text  # shown, literally
    assert " ".join(value.split()) in " ".join((out / "index.txt").read_text().split())
    assert "newsletter@example.org" not in text  # {{ ... }} in a field is not evaluated
