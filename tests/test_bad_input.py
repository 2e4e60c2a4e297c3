"""Bad input: one line per problem, `file:line: field: message`, exit 2, never a traceback,
and the previous build left exactly as it was."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from .conftest import run_newsletter

GOOD = """\
number: 656
date: 2012-07-31
lead:
  title: Khorog Hard Hit
  url: https://example.org/khorog
  standfirst: Images of damage.
  gallery:
    - photo: photos/02-townhouses.png
      caption: Public meeting.
      credit: IWPR
  body: |
    Khorog, the main town.
stories:
  - title: Peace Under Strain
    url: https://example.org/peace
    summary: Violence has dealt a blow.
"""

CASES = {
    "malformed YAML": (
        GOOD.replace("  standfirst: Images of damage.", "  standfirst: [Images of damage."),
        [
            "issues/bad.yaml:6: lead.standfirst: this bracket ([) is never closed; if it is "
            'part of the text, put the text in quotes: standfirst: "[Images of damage."'
        ],
    ),
    "missing required field": (
        GOOD.replace("  url: https://example.org/khorog\n", ""),
        ["issues/bad.yaml:3: lead.url: required field is missing"],
    ),
    "unknown key": (
        GOOD.replace("    url: https://example.org/peace", "    utl: https://example.org/peace"),
        [
            "issues/bad.yaml:14: stories[0].url: required field is missing",
            "issues/bad.yaml:15: stories[0].utl: unknown field (did you mean 'url'?)",
        ],
    ),
    "wrong type": (
        GOOD.replace("number: 656", "number: six-five-six").replace(
            "  title: Khorog Hard Hit", "  title: 2012"
        ),
        [
            "issues/bad.yaml:1: number: expected a whole number, got text",
            "issues/bad.yaml:4: lead.title: expected text, got a whole number (put it in quotes)",
        ],
    ),
    "wrong date": (
        GOOD.replace("date: 2012-07-31", "date: 31/07/2012"),
        ["issues/bad.yaml:2: date: expected a date like 2012-07-31, got '31/07/2012'"],
    ),
    "missing photo": (
        GOOD.replace("photos/02-townhouses.png", "photos/khorog-03.jpg"),
        [
            "issues/bad.yaml:8: lead.gallery[0].photo: not found: issues/photos/khorog-03.jpg "
            "(photo paths are relative to the issue file's folder, issues/)"
        ],
    ),
    "file that is not an image": (
        GOOD.replace("photos/02-townhouses.png", "photos/notes.jpg"),
        [
            "issues/bad.yaml:8: lead.gallery[0].photo: not an image, or not JPEG, PNG, GIF, WebP, "
            "TIFF, HEIC or AVIF: photos/notes.jpg"
        ],
    ),
    "bad link and bad address": (
        GOOD.replace(
            "    Khorog, the main town.", "    Khorog, [the main](javascript:alert(1)) town."
        ).replace("https://example.org/peace", "ftp://example.org/peace"),
        [
            "issues/bad.yaml:12: lead.body: link not allowed: 'javascript:alert(1)' "
            "(only http://, https:// and mailto: links)",
            "issues/bad.yaml:15: stories[0].url: not a web address: 'ftp://example.org/peace' "
            "(only http:// and https:// links)",
        ],
    ),
    "every problem at once": (
        GOOD.replace("number: 656", "numbr: 656").replace("photos/02-townhouses.png", "x.jpg"),
        [
            "issues/bad.yaml:1: number: required field is missing",
            "issues/bad.yaml:1: numbr: unknown field (did you mean 'number'?)",
            "issues/bad.yaml:8: lead.gallery[0].photo: not found: issues/x.jpg "
            "(photo paths are relative to the issue file's folder, issues/)",
        ],
    ),
}


@pytest.fixture
def previous_build(desk: Path) -> dict[str, bytes]:
    """Build a good issue as issues/bad.yaml, so a bad one has something to spoil."""
    (desk / "issues" / "bad.yaml").write_text(GOOD)
    (desk / "issues" / "photos" / "notes.jpg").write_text("<html>not a photo</html>")
    result = run_newsletter("build", "issues/bad.yaml")
    assert result.returncode == 0, result.stderr
    return snapshot(desk / "build" / "bad")


def snapshot(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


@pytest.mark.parametrize("case", list(CASES))
def test_bad_input_exits_2_with_one_line_per_problem(
    desk: Path, previous_build: dict[str, bytes], case: str
) -> None:
    text, expected = CASES[case]
    (desk / "issues" / "bad.yaml").write_text(text)
    result = run_newsletter("build", "issues/bad.yaml")
    assert result.returncode == 2
    assert result.stderr.splitlines() == expected
    assert "Traceback" not in result.stderr + result.stdout
    assert snapshot(desk / "build" / "bad") == previous_build
    assert sorted(p.name for p in (desk / "build").iterdir()) == ["bad"], "left a temp folder"


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"", "issues/bad.yaml: file is empty"),
        (
            b"number: 1\n  - x: [\n",
            "issues/bad.yaml:2: line 2 is indented differently from the lines above it",
        ),
        (
            b"title: caf\xe9\n",
            "issues/bad.yaml:1: not UTF-8 text (byte 0xe9); save the file as UTF-8",
        ),
        (
            b"- just\n- a list\n",
            'issues/bad.yaml:1: expected fields, one "name: value" a line (number: ..., '
            'date: ..., lead: ...), but the file is a list (its lines start with "- ")',
        ),
        (
            b"a: &x [1]\nb: *x\n",
            "issues/bad.yaml:2: invalid YAML: anchors and aliases (& and *) "
            "are not allowed; write the value out",
        ),
        (
            b"number: !!python/object:os.system x\n",
            "issues/bad.yaml:1: number: YAML tag 'tag:yaml.org,2002:python/object:os.system' "
            "is not allowed",
        ),
        (
            b"number: 1\nnumber: 2\n",
            "issues/bad.yaml:2: number: given twice (first at line 1); keep one",
        ),
    ],
    ids=["empty", "indentation", "not-utf8", "list", "alias", "object-tag", "duplicate-key"],
)
def test_unreadable_issue_files(desk: Path, content: bytes, expected: str) -> None:
    (desk / "issues" / "bad.yaml").write_bytes(content)
    result = run_newsletter("build", "issues/bad.yaml")
    assert result.returncode == 2
    assert result.stderr.splitlines()[0].startswith(expected), result.stderr
    assert "Traceback" not in result.stderr


def test_bad_settings_are_located_too(desk: Path) -> None:
    (desk / "issues" / "ok.yaml").write_text(GOOD)
    settings = (desk / "newsletter.toml").read_text()
    settings = settings.replace('link = "#0b57a4"', 'link = "blue"').replace(
        'address = "newsletter@example.org"', 'adress = "newsletter@example.org"'
    )
    (desk / "newsletter.toml").write_text(settings)
    lines = settings.splitlines()
    adress = lines.index('adress = "newsletter@example.org"') + 1
    link = lines.index('link = "blue"') + 1
    result = run_newsletter("build", "issues/ok.yaml")
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        f"newsletter.toml:{adress}: sender.adress: unknown field (did you mean 'address'?)",
        f"newsletter.toml:{link}: colours.link: expected a colour like #1a1a1a, got 'blue'",
    ]


def test_template_mistake_names_template_file_and_line(desk: Path) -> None:
    (desk / "issues" / "ok.yaml").write_text(GOOD)
    footer = desk / "templates" / "partials" / "footer.mjml.j2"
    footer.write_text(
        footer.read_text().replace(
            "settings.sender.postal_address", "settings.sender.postal_adress"
        )
    )
    result = run_newsletter("build", "issues/ok.yaml")
    assert result.returncode == 2
    line = next(
        n for n, text in enumerate(footer.read_text().splitlines(), 1) if "postal_adress" in text
    )
    assert result.stderr.strip() == (
        f"templates/partials/footer.mjml.j2:{line}: "
        "'newsletter.reading.settings.Sender object' has no attribute 'postal_adress'"
    )


def test_no_settings_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "x.yaml").write_text(textwrap.dedent(GOOD))
    result = run_newsletter("build", "x.yaml")
    assert result.returncode == 2
    assert result.stderr.strip() == "x.yaml: no newsletter.toml in . or above it (or pass --config)"
