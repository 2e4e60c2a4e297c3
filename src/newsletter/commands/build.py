"""`newsletter build`: write each issue's output folder, say what is in it, and what the rules
of `newsletter check` find in it (after writing it: an editor can still look at a build with
an error)."""

from __future__ import annotations

import dataclasses
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from newsletter.commands.check import check_build, summary
from newsletter.errors import EnvironmentFailure, Finding, InputError, Problem
from newsletter.images.stage import Progress
from newsletter.pipeline import build_issue, write_build


def build(
    issues: Sequence[Path],
    *,
    out: Path,
    config: Path | None,
    cache_dir: Path | None,
    strict: bool = False,
) -> bool:
    """Build, check and write every issue; return whether the findings pass (no errors; with
    `strict`, no warnings either). Raise InputError with the problems of the issues that could
    not be built (the others are written all the same)."""
    problems: list[Problem] = []
    everything: list[Finding] = []
    for issue in issues:
        started = time.perf_counter()
        try:
            result = build_issue(issue, config=config, cache_dir=cache_dir, progress=progress_bar())
            result = dataclasses.replace(result, findings=check_build(result))
        except InputError as exc:
            problems += exc.problems
            continue
        try:
            folder = write_build(result, out)
        except OSError as exc:
            raise EnvironmentFailure(f"cannot write {out}: {exc.strerror or exc}") from None
        print_summary(folder, result.report(), time.perf_counter() - started)
        for finding in result.findings:
            print(finding, file=sys.stderr)
        if result.findings:
            print(f"{issue}: {summary(result.findings)}", file=sys.stderr)
        everything += result.findings
    if problems:
        raise InputError(problems)
    failing = {"error", "warning"} if strict else {"error"}
    return not any(finding.severity in failing for finding in everything)


def progress_bar() -> Progress | None:
    """A one-line progress bar for the image stage, on a terminal only."""
    if not sys.stderr.isatty():
        return None

    def show(done: int, total: int) -> None:
        bar = "#" * (20 * done // total)
        end = "\r\033[K" if done == total else ""
        sys.stderr.write(f"\r  images [{bar:<20}] {done}/{total}{end}")
        sys.stderr.flush()

    return show


def print_summary(folder: Path, report: dict[str, Any], seconds: float) -> None:
    """What was written, with sizes."""
    print(f"built {folder}/ in {seconds:.2f} s")
    for name, key in (
        ("index.html", "html_bytes"),
        ("index.txt", "text_bytes"),
        ("message.eml", "eml_bytes"),
    ):
        print(f"  {name:<12} {report[key]:>10,} bytes")
    print(f"  {'images/':<12} {report['image_bytes']:>10,} bytes in {len(report['images'])} files")
    print("  report.json")
