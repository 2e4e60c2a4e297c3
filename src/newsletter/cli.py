"""The command line: declares options, calls the real functions, maps errors to exit codes."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import click

from newsletter.errors import EnvironmentFailure, InputError

EXIT_INPUT = 2
EXIT_ENVIRONMENT = 3

_issue_paths = click.argument(
    "issues", nargs=-1, required=True, type=click.Path(path_type=Path, dir_okay=False)
)
_config = click.option(
    "--config",
    type=click.Path(path_type=Path, dir_okay=False, exists=True),
    help="Settings file (default: the newsletter.toml nearest the issue file).",
)


@click.group()
@click.version_option(package_name="newsletter")
def main() -> None:
    """Turn the desk's issue files into ready-to-send e-mails."""


@main.command()
@_issue_paths
@click.option(
    "--out",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path("build"),
    show_default=True,
    help="Folder to write <issue-stem>/ into.",
)
@_config
def build(issues: tuple[Path, ...], out: Path, config: Path | None) -> None:
    """Build each ISSUE into OUT/<issue-stem>/: HTML, text, .eml, images, report."""
    from newsletter.build import build_issue, write_build
    from newsletter.images import default_cache_dir

    failed = False
    for issue in issues:
        started = time.perf_counter()
        try:
            result = build_issue(issue, config=config, cache_dir=default_cache_dir())
            folder = write_build(result, out)
        except InputError as exc:
            _print_problems(exc)
            failed = True
            continue
        except OSError as exc:
            click.echo(f"error: cannot write {out}: {exc.strerror or exc}", err=True)
            sys.exit(EXIT_ENVIRONMENT)
        _print_summary(folder, result.report(), time.perf_counter() - started)
    if failed:
        sys.exit(EXIT_INPUT)


@main.command()
def schema() -> None:
    """Print the JSON Schema of the issue file."""
    from newsletter.schema import issue_schema

    click.echo(json.dumps(issue_schema(), indent=2, ensure_ascii=False))


def _print_problems(exc: InputError) -> None:
    for problem in exc.problems:
        click.echo(str(problem), err=True)


def _print_summary(folder: Path, report: dict[str, object], seconds: float) -> None:
    images = report["images"]
    assert isinstance(images, list)
    click.echo(f"built {folder}/ in {seconds:.2f} s")
    for name, key in (
        ("index.html", "html_bytes"),
        ("index.txt", "text_bytes"),
        ("message.eml", "eml_bytes"),
    ):
        click.echo(f"  {name:<12} {report[key]:>10,} bytes")
    click.echo(f"  {'images/':<12} {report['image_bytes']:>10,} bytes in {len(images)} files")
    click.echo(f"  {'report.json':<12}")
    for warning in report["warnings"]:  # type: ignore[attr-defined]
        click.secho(f"warning: {warning}", fg="yellow", err=True)


def run() -> None:
    """Entry point that also maps failures outside the user's input to exit code 3."""
    try:
        main()
    except EnvironmentFailure as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(EXIT_ENVIRONMENT)
