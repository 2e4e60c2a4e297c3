"""The command line as an editor runs it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from .conftest import ROOT, SAMPLE


def test_build_prints_a_summary_and_writes_the_folder(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "newsletter", "build", str(SAMPLE), "--out", str(tmp_path)],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stderr
    out = tmp_path / "2012-07-31-khorog"
    assert result.stdout.splitlines()[0].startswith(f"built {out}/ in ")
    assert "index.html" in result.stdout and "images/" in result.stdout
    assert sorted(p.name for p in out.iterdir()) == [
        "images",
        "index.html",
        "index.txt",
        "message.eml",
        "report.json",
    ]
    assert result.stderr == ""


def test_schema_matches_the_committed_copy() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "newsletter", "schema"], capture_output=True, text=True, check=True
    )
    committed = (ROOT / "issues" / "schema.json").read_text()
    assert result.stdout == committed, "run: newsletter schema > issues/schema.json"
    schema = json.loads(result.stdout)
    assert schema["additionalProperties"] is False
    assert set(schema["required"]) == {"number", "date", "lead"}


def test_unknown_command_is_a_usage_error() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "newsletter", "biuld"], capture_output=True, text=True, check=False
    )
    assert result.returncode == 2
    assert "invalid choice: 'biuld'" in result.stderr
    assert "Traceback" not in result.stderr


def test_missing_settings_file_is_named(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "newsletter", "build", str(SAMPLE), "--config", "nope.toml"],
        capture_output=True,
        text=True,
        check=False,
        cwd=tmp_path,
    )
    assert result.returncode == 2
    assert result.stderr == "nope.toml: settings file not found\n"


def test_every_command_is_documented_in_the_readme() -> None:
    from newsletter.cli import parser

    readme = (ROOT / "README.md").read_text()
    subcommands = next(a for a in parser()._actions if a.dest == "command")
    assert subcommands.choices is not None
    names = list(subcommands.choices)
    assert names == ["build", "check", "send", "new", "preview", "schema"]
    for name in names:
        assert f"| `newsletter {name}" in readme, f"newsletter {name} is not in the README's table"
