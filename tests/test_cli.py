"""The command line as an editor runs it: most tests call `cli.main` in this process; a few run
the installed console script in a new one."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from newsletter.cli import parser

from .conftest import ROOT, SAMPLE, run_console_script, run_newsletter


def test_build_prints_a_summary_and_writes_the_folder(tmp_path: Path) -> None:
    result = run_newsletter("build", str(SAMPLE), "--out", str(tmp_path), cwd=ROOT)
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
    result = run_newsletter("schema")
    committed = (ROOT / "issues" / "schema.json").read_text()
    assert result.stdout == committed, "run: newsletter schema > issues/schema.json"
    schema = json.loads(result.stdout)
    assert schema["additionalProperties"] is False
    assert set(schema["required"]) == {"number", "date", "lead"}


def test_unknown_command_is_a_usage_error() -> None:
    result = run_newsletter("biuld")
    assert result.returncode == 2
    assert "invalid choice: 'biuld'" in result.stderr
    assert "Traceback" not in result.stderr


def test_help_and_version_exit_0() -> None:
    assert run_newsletter("--version").stdout == "newsletter 0.1.0\n"
    result = run_newsletter("--help")
    assert result.returncode == 0 and "build" in result.stdout and "preview" in result.stdout


def test_missing_settings_file_is_named(tmp_path: Path) -> None:
    result = run_newsletter("build", str(SAMPLE), "--config", "nope.toml", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr == "nope.toml: settings file not found\n"


def test_an_unwritable_output_folder_is_a_failure_outside_the_input(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    result = run_newsletter("build", str(SAMPLE), "--out", str(blocker), cwd=ROOT)
    assert result.returncode == 3
    assert result.stderr.startswith(f"error: cannot write {blocker}: ")
    assert len(result.stderr.splitlines()) == 1


def test_every_command_is_documented_in_the_readme() -> None:
    readme = (ROOT / "README.md").read_text()
    subcommands = next(a for a in parser()._actions if a.dest == "command")
    assert subcommands.choices is not None
    names = list(subcommands.choices)
    assert names == ["build", "check", "send", "new", "preview", "schema"]
    for name in names:
        assert f"| `newsletter {name}" in readme, f"newsletter {name} is not in the README's table"


# The console script itself, in a new process ------------------------------------------------


def test_console_script_builds_the_sample(tmp_path: Path) -> None:
    result = run_console_script("build", str(SAMPLE), "--out", str(tmp_path), cwd=ROOT)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"built {tmp_path / SAMPLE.stem}/ in ")
    assert (tmp_path / SAMPLE.stem / "index.html").stat().st_size > 20_000


def test_console_script_reports_bad_input_without_a_traceback(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("number: [\n")
    result = run_console_script("build", str(bad), "--config", str(ROOT / "newsletter.toml"))
    assert result.returncode == 2
    assert result.stderr.startswith(f"{bad}:")
    assert "Traceback" not in result.stderr


def test_python_dash_m_runs_the_same_command_line() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "newsletter", "--version"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert (done.returncode, done.stdout) == (0, "newsletter 0.1.0\n")
