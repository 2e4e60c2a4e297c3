"""`newsletter new`: the next issue file, empty where the editor writes, never overwriting."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from pathlib import Path

from newsletter.commands.new import next_weekday

from .conftest import SAMPLE, run_newsletter


def run(desk: Path, command: str, *args: str) -> subprocess.CompletedProcess[str]:
    return run_newsletter(command, *args, cwd=desk)


def test_next_weekday_is_next_weeks_same_day() -> None:
    tuesday = dt.date(2012, 7, 31)
    assert next_weekday(tuesday, dt.date(2026, 11, 25)) == dt.date(2026, 12, 1)  # a Wednesday
    assert next_weekday(tuesday, dt.date(2026, 11, 24)) == dt.date(2026, 12, 1)  # a Tuesday


def test_new_issue_fails_check_until_filled_then_passes(desk: Path) -> None:
    shutil.copy(SAMPLE, desk / "issues" / SAMPLE.name)
    made = run(desk, "new", "--date", "2026-12-01")
    assert made.returncode == 0, made.stderr
    path = desk / "issues" / "2026-12-01.yaml"
    assert made.stdout == (
        "created issues/2026-12-01.yaml: fill it in, then run: newsletter "
        "check issues/2026-12-01.yaml\n"
    )
    text = path.read_text()
    assert "number: 657\ndate: 2026-12-01\nlanguage: en\n" in text
    assert "contact: feedback.ca@example.org" in text

    empty = run(desk, "check", "issues/2026-12-01.yaml")
    assert empty.returncode == 2
    lines = empty.stderr.splitlines()
    assert lines[:3] == [
        "issues/2026-12-01.yaml:12: lead.title: must not be empty",
        "issues/2026-12-01.yaml:13: lead.url: must not be empty",
        "issues/2026-12-01.yaml:14: lead.standfirst: must not be empty",
    ]
    assert len(lines) == 7 + 3 * 3  # the lead's seven, three for each of three stories
    assert all(line.endswith(": must not be empty") for line in lines)

    filled = text.replace('  title: ""', '  title: "Water Shortages Hit Khujand"', 1)
    filled = filled.replace(
        '  url: ""            # https://example.org/...',
        "  url: https://example.org/news/khujand-water",
    )
    filled = filled.replace(
        '  standfirst: ""',
        "  standfirst: Residents queue for hours at standpipes as the city's old pumps fail.",
    )
    filled = filled.replace('    - photo: ""', "    - photo: photos/09-mountain-river.png")
    filled = filled.replace('      caption: ""', "      caption: The Syr Darya at Khujand.")
    filled = filled.replace('      credit: ""', "      credit: IWPR")
    filled = filled.replace('  body: ""', "  body: Khujand's water system dates from 1962.")
    for n in range(3):
        filled = filled.replace('  - title: ""', f"  - title: Story {n}", 1)
        filled = filled.replace('    url: ""', f"    url: https://example.org/news/story-{n}", 1)
        filled = filled.replace('    summary: ""', f"    summary: What happened in story {n}.", 1)
    path.write_text(filled)
    checked = run(desk, "check", "issues/2026-12-01.yaml")
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert checked.stdout.endswith("issues/2026-12-01.yaml: no problems found\n")


def test_new_refuses_to_overwrite(desk: Path) -> None:
    shutil.copy(SAMPLE, desk / "issues" / SAMPLE.name)
    (desk / "issues" / "2026-12-01.yaml").write_text("number: 1\n")
    result = run(desk, "new", "--date", "2026-12-01")
    assert result.returncode == 2
    assert result.stderr == (
        "issues/2026-12-01.yaml: already exists: choose another --date or remove it\n"
    )
    assert (desk / "issues" / "2026-12-01.yaml").read_text() == "number: 1\n"


def test_new_numbers_after_the_highest_and_names_bad_dates(desk: Path) -> None:
    shutil.copy(SAMPLE, desk / "issues" / SAMPLE.name)
    (desk / "issues" / "older.yaml").write_text("number: 600\ndate: 2011-01-04\n")
    (desk / "issues" / "broken.yaml").write_text("number: [\n")
    assert run(desk, "new", "--date", "2026-12-08").returncode == 0
    assert "number: 657\n" in (desk / "issues" / "2026-12-08.yaml").read_text()
    bad = run(desk, "new", "--date", "8 Dec 2026")
    assert bad.returncode == 2
    assert bad.stderr.splitlines()[-1] == (
        "newsletter new: error: argument --date: expected a date like 2026-12-01, got '8 Dec 2026'"
    )


def test_new_without_issues_says_so(desk: Path) -> None:
    result = run(desk, "new")
    assert (result.returncode, result.stderr) == (
        2,
        "issues: no issue file with a number and a date to start from\n",
    )
