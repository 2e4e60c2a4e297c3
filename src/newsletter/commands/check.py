"""`newsletter check`: run the rules (rules.py) over each issue built in memory, and report.

Rules can be switched off with `[check] disable = ["NL302"]` in newsletter.toml.
"""

from __future__ import annotations

import difflib
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Literal

from lxml import html as lxml_html

from newsletter.commands.rules import RULES, SLOW_RULES, Context
from newsletter.delivery import spamassassin
from newsletter.errors import Finding, InputError, Problem
from newsletter.pipeline import Build, build_issue
from newsletter.reading.load import SourceMap
from newsletter.reading.settings import settings_lines


def check(
    issues: Sequence[Path],
    *,
    config: Path | None,
    cache_dir: Path | None,
    strict: bool = False,
    output: Literal["text", "json"] = "text",
) -> bool:
    """Check every issue and print the findings; return whether they pass (no errors; with
    `strict`, no warnings either). Raise InputError for the issues that cannot be built."""
    results: list[tuple[Path, list[Finding]]] = []
    problems: list[Problem] = []
    for issue in issues:
        try:
            built = build_issue(issue, config=config, cache_dir=cache_dir)
            if not results and "NL701" not in built.settings.check.disable:
                _note_without_spamassassin()
            results.append((issue, check_build(built, slow=True)))
        except InputError as exc:
            problems += exc.problems
    everything = [finding for _, found in results for finding in found]
    if output == "json":
        print(
            json.dumps(
                {
                    "issues": [
                        {"issue": str(issue), "findings": [f.as_json() for f in found]}
                        for issue, found in results
                    ],
                    "errors": sum(f.severity == "error" for f in everything),
                    "warnings": sum(f.severity == "warning" for f in everything),
                },
                indent=2,
                ensure_ascii=False,
            )
        )
    else:
        for issue, found in results:
            for finding in found:
                print(finding)
            print(f"{issue}: {summary(found)}")
    if problems:
        raise InputError(problems)
    failing = {"error", "warning"} if strict else {"error"}
    return not any(finding.severity in failing for finding in everything)


def check_build(build: Build, *, slow: bool = False) -> list[Finding]:
    """Run every enabled rule over `build` (the SLOW_RULES too with `slow`); raise
    InputError for an unknown disabled code."""
    disabled = set(build.settings.check.disable)
    settings_map = settings_lines(build.config_path)
    unknown = sorted(disabled - set(RULES))
    if unknown:
        raise InputError(_unknown_codes(unknown, settings_map))
    context = Context(build, lxml_html.fromstring(build.html), build.source.smap, settings_map)
    findings = {
        finding
        for code, (_, function) in RULES.items()
        if code not in disabled and (slow or code not in SLOW_RULES)
        for finding in function(context)
    }
    return sorted(findings)


def _note_without_spamassassin() -> None:
    if not spamassassin.installed():
        print(
            "note: spamassassin is not installed, so NL701 (the spam filter's score) is left "
            "out; on Debian: apt-get install spamassassin",
            file=sys.stderr,
        )


def summary(findings: list[Finding]) -> str:
    """The closing line: counts by severity."""
    errors = sum(f.severity == "error" for f in findings)
    warnings = len(findings) - errors
    if not findings:
        return "no problems found"
    return f"{errors} error{'s' * (errors != 1)}, {warnings} warning{'s' * (warnings != 1)}"


def _unknown_codes(codes: list[str], smap: SourceMap) -> list[Problem]:
    problems = []
    for code in codes:
        close = difflib.get_close_matches(code, list(RULES), n=1)
        hint = f" (did you mean {close[0]}?)" if close else ""
        problems.append(smap.problem(("check", "disable"), f"no such rule: {code}{hint}"))
    return problems
