"""`newsletter build` runs the rules of `check` too: it writes the output, then lists what they
find, and exits 1 on an error (the output stays, to look at), 0 on warnings (1 with --strict)."""

from __future__ import annotations

import json
from pathlib import Path

from .conftest import SAMPLE, run_newsletter

ISSUE = "issues/x.yaml"


def write(desk: Path, text: str) -> None:
    (desk / ISSUE).write_text(text, encoding="utf-8")


def test_an_issue_gmail_would_clip_is_written_and_fails(desk: Path) -> None:
    text = SAMPLE.read_text()
    paragraph = "    These pictures show ruined buildings and bullet-strafed walls.\n\n"
    text = text.replace("  see_also:", paragraph * 1000 + "  see_also:", 1)
    write(desk, text)
    result = run_newsletter("build", ISSUE, cwd=desk)
    html = desk / "build" / "x" / "index.html"
    size = len(html.read_bytes())
    assert size > 102_000 and result.returncode == 1
    assert result.stdout.startswith("built build/x/ in ")
    errors = [line for line in result.stderr.splitlines() if " error " in line]
    assert errors == [
        f"{ISSUE}: error NL101: HTML is {size:,} bytes: Gmail clips messages over about "
        "102,000, hiding the rest",
        errors[1],
    ]
    assert errors[1].startswith(f"{ISSUE}: error NL102: the unsubscribe link starts at byte ")
    assert result.stderr.splitlines()[-1] == f"{ISSUE}: 2 errors, 0 warnings"
    report = json.loads((desk / "build" / "x" / "report.json").read_text())
    assert [f["code"] for f in report["findings"]] == ["NL101", "NL102"]
    assert report["errors"] == errors and report["warnings"] == []


def test_a_warning_is_printed_and_passes_unless_strict(desk: Path) -> None:
    text = SAMPLE.read_text().replace("      credit: IWPR\n", "", 1)
    write(desk, text)
    result = run_newsletter("build", ISSUE, cwd=desk)
    assert result.returncode == 0, result.stderr
    line = next(n for n, row in enumerate(text.splitlines(), 1) if "01-apartment" in row)
    assert result.stderr.splitlines() == [
        f"{ISSUE}:{line}: lead.gallery[0]: warning NL204: caption has no credit",
        f"{ISSUE}: 0 errors, 1 warning",
    ]
    report = json.loads((desk / "build" / "x" / "report.json").read_text())
    assert report["warnings"] == [result.stderr.splitlines()[0]]
    assert run_newsletter("build", ISSUE, "--strict", cwd=desk).returncode == 1


def test_a_clean_issue_prints_no_findings(desk: Path) -> None:
    write(desk, SAMPLE.read_text())
    result = run_newsletter("build", ISSUE, cwd=desk)
    assert (result.returncode, result.stderr) == (0, "")
    report = json.loads((desk / "build" / "x" / "report.json").read_text())
    assert (report["errors"], report["warnings"], report["findings"]) == ([], [], [])
