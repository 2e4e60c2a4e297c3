"""`newsletter new`: next week's issue in every edition, empty where the editor writes, never
overwriting."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from pathlib import Path

from newsletter.commands.new import next_issue, next_weekday

from .conftest import EDITIONS, ROOT, SAMPLE, run_newsletter


def run(desk: Path, command: str, *args: str) -> subprocess.CompletedProcess[str]:
    return run_newsletter(command, *args, cwd=desk)


def test_next_weekday_is_a_week_later_or_next_weeks_same_day() -> None:
    tuesday = dt.date(2026, 11, 24)
    assert next_weekday(tuesday, dt.date(2026, 11, 30)) == dt.date(2026, 12, 1)  # a week later
    assert next_weekday(tuesday, dt.date(2026, 12, 1)) == dt.date(2026, 12, 1)
    old = dt.date(2012, 7, 31)  # a Tuesday long ago: its weekday in the week after this one
    assert next_weekday(old, dt.date(2026, 11, 30)) == dt.date(2026, 12, 8)  # from a Monday
    assert next_weekday(old, dt.date(2026, 12, 2)) == dt.date(2026, 12, 8)  # from a Wednesday
    assert next_weekday(old, dt.date(2026, 12, 6)) == dt.date(2026, 12, 8)  # from a Sunday


def copy_editions(desk: Path) -> None:
    for stem in EDITIONS:
        shutil.copy(ROOT / "issues" / f"{stem}.yaml", desk / "issues" / f"{stem}.yaml")


def test_new_starts_every_edition_of_next_week_with_one_number(desk: Path) -> None:
    copy_editions(desk)
    made = run(desk, "new", "--date", "2026-12-08")
    assert made.returncode == 0, made.stderr
    names = ["2026-12-08-issue-657.yaml", "2026-12-08-issue-657-fa.yaml",
             "2026-12-08-issue-657-ru.yaml"]  # fmt: skip
    assert made.stdout.splitlines() == [
        *(f"created issues/{name}" for name in names),
        "fill them in, then run: newsletter check " + " ".join(f"issues/{n}" for n in names),
    ]
    for name, language in zip(names, ["en", "fa", "ru"], strict=True):
        text = (desk / "issues" / name).read_text()
        assert f"number: 657\ndate: 2026-12-08\nlanguage: {language}\n" in text
    again = run(desk, "new", "--date", "2026-12-08")  # the same week again: nothing overwritten
    assert again.returncode == 2
    assert again.stderr.splitlines()[0] == (
        "issues/2026-12-08-issue-657.yaml: already exists: choose another --date or --slug, or "
        "remove it"
    )
    assert "number: 658" not in "".join(p.read_text() for p in (desk / "issues").glob("*.yaml"))
    # An edition missing from a week joins it, with the week's number and slug.
    (desk / "issues" / "2026-12-08-issue-657-fa.yaml").unlink()
    joined = run(desk, "new", "--date", "2026-12-08")
    assert joined.returncode == 2  # the en and ru files exist: nothing is written
    joined = run(desk, "new", "--date", "2026-12-08", "--language", "fa")
    assert joined.stdout.splitlines()[0] == "created issues/2026-12-08-issue-657-fa.yaml"


def test_new_names_the_files_by_slug_and_takes_the_languages_asked_for(desk: Path) -> None:
    copy_editions(desk)
    made = run(desk, "new", "--date", "2026-12-08", "--slug", "Khujand Water", "--language", "ru")
    assert made.returncode == 0, made.stderr
    assert made.stdout.splitlines()[0] == "created issues/2026-12-08-khujand-water-ru.yaml"
    assert [p.name for p in (desk / "issues").glob("2026-*")] == [
        "2026-12-08-khujand-water-ru.yaml"
    ]
    bad = run(desk, "new", "--language", "xx")
    assert (bad.returncode, bad.stderr) == (
        2, "--language: unknown language 'xx': not a language Unicode CLDR knows (a code such as "
        "en, ru, tg, ky, kk, uz, uz-Cyrl, tk, fa, prs)\n"
    )  # fmt: skip


def test_new_in_the_sample_repository_on_a_monday(desk: Path) -> None:
    # The report: the Russian file was copied for the English issue, a second run made issue
    # 658 for the same date, the file had no slug, and a Monday gave the next day.
    copy_editions(desk)
    made = next_issue(desk / "issues", today=dt.date(2026, 11, 30))
    assert [p.name for p in made] == [
        "2026-12-08-issue-657.yaml", "2026-12-08-issue-657-fa.yaml", "2026-12-08-issue-657-ru.yaml"
    ]  # fmt: skip
    assert "language: en\n" in made[0].read_text() and "language: ru\n" in made[2].read_text()
    later = next_issue(desk / "issues", today=dt.date(2026, 11, 30))
    assert later[0].name == "2026-12-15-issue-658.yaml"  # the week after, not 12-08


def test_new_issue_fails_check_until_filled_then_passes(desk: Path) -> None:
    shutil.copy(SAMPLE, desk / "issues" / SAMPLE.name)
    made = run(desk, "new", "--date", "2026-12-01")
    assert made.returncode == 0, made.stderr
    path = desk / "issues" / "2026-12-01-issue-657.yaml"
    assert made.stdout == (
        "created issues/2026-12-01-issue-657.yaml\n"
        "fill it in, then run: newsletter check issues/2026-12-01-issue-657.yaml\n"
    )
    text = path.read_text()
    assert "number: 657\ndate: 2026-12-01\nlanguage: en\n" in text
    assert "contact: feedback.ca@example.org" in text

    empty = run(desk, "check", "issues/2026-12-01-issue-657.yaml")
    assert empty.returncode == 2
    lines = empty.stderr.splitlines()
    assert lines[:3] == [
        "issues/2026-12-01-issue-657.yaml:12: lead.title: must not be empty",
        "issues/2026-12-01-issue-657.yaml:13: lead.url: must not be empty",
        "issues/2026-12-01-issue-657.yaml:14: lead.standfirst: must not be empty",
    ]
    # The lead's six (a credit left "" comes from the photo file, or is a warning), three for
    # each of three stories.
    assert len(lines) == 6 + 3 * 3
    assert (
        "issues/2026-12-01-issue-657.yaml:17: lead.gallery[0].caption: must not be empty" in lines
    )
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
    checked = run(desk, "check", "issues/2026-12-01-issue-657.yaml")
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert checked.stdout.endswith("issues/2026-12-01-issue-657.yaml: no problems found\n")


def test_new_refuses_to_overwrite(desk: Path) -> None:
    shutil.copy(SAMPLE, desk / "issues" / SAMPLE.name)
    (desk / "issues" / "2026-12-01-issue-657.yaml").write_text("number: 1\n")
    result = run(desk, "new", "--date", "2026-12-01")
    assert result.returncode == 2
    assert result.stderr == (
        "issues/2026-12-01-issue-657.yaml: already exists: choose another --date or --slug, "
        "or remove it\n"
    )
    assert (desk / "issues" / "2026-12-01-issue-657.yaml").read_text() == "number: 1\n"


def test_new_numbers_after_the_highest_and_names_bad_dates(desk: Path) -> None:
    shutil.copy(SAMPLE, desk / "issues" / SAMPLE.name)
    (desk / "issues" / "older.yaml").write_text("number: 600\ndate: 2011-01-04\n")
    (desk / "issues" / "broken.yaml").write_text("number: [\n")
    assert run(desk, "new", "--date", "2026-12-08").returncode == 0
    assert "number: 657\n" in (desk / "issues" / "2026-12-08-issue-657.yaml").read_text()
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
