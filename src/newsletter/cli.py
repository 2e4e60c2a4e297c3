"""The command line: declares the commands, calls the real functions, maps errors to exit codes.

Each command imports what it needs when it runs, so `newsletter --help` stays instant.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import json
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from newsletter import __version__, regex_cache
from newsletter.cache_folder import default_cache_dir
from newsletter.errors import EnvironmentFailure, InputError

EXIT_FINDINGS = 1
EXIT_INPUT = 2
EXIT_ENVIRONMENT = 3
EXIT_INTERRUPTED = 130  # as shells report a command stopped by Ctrl-C


def parser() -> argparse.ArgumentParser:
    """The `newsletter` command and its subcommands."""
    main = argparse.ArgumentParser(
        prog="newsletter", description="Turn the desk's issue files into ready-to-send e-mails."
    )
    main.add_argument("--version", action="version", version=f"newsletter {__version__}")
    commands = main.add_subparsers(dest="command", required=True, metavar="COMMAND")

    build = _command(
        commands,
        "build",
        _build,
        "build issue files into e-mails",
        "Build each ISSUE into OUT/<issue-stem>/: HTML, text, .eml, images, report.",
    )
    _issue_arguments(build, many=True)
    build.add_argument(
        "--out",
        type=Path,
        default=Path("build"),
        help="folder to write <issue-stem>/ into (default: build)",
    )

    check = _command(
        commands,
        "check",
        _check,
        "list what is wrong with issues before sending",
        "Build each ISSUE in memory and report problems with a code and a "
        "severity. Exit 0 when clean, 1 on errors (with --strict, on warnings "
        "too), 2 when an issue cannot be built at all.",
    )
    _issue_arguments(check, many=True)
    check.add_argument("--strict", action="store_true", help="fail on warnings too")
    check.add_argument(
        "--format", choices=("text", "json"), default="text", help="output format (default: text)"
    )

    send = _command(
        commands,
        "send",
        _send,
        "send a test of an issue over SMTP",
        "Build ISSUE and send it, subject prefixed with [TEST], to each --to address over "
        "SMTP ([smtp] in newsletter.toml; the password only from the environment variable "
        "NEWSLETTER_SMTP_PASSWORD).",
    )
    _issue_arguments(send, many=False)
    send.add_argument(
        "--to", action="append", required=True, metavar="ADDR", help="recipient (repeat for more)"
    )
    send.add_argument(
        "--embed-images",
        action="store_true",
        help="attach the photos to the message (cid:) instead of linking them",
    )
    send.add_argument("--smtp-host", help="SMTP server (default: smtp.host)")
    send.add_argument("--smtp-port", type=int, help="port (default: smtp.port, or by security)")
    send.add_argument(
        "--smtp-security",
        choices=("starttls", "ssl", "none"),
        help="starttls, ssl or none (default: smtp.security)",
    )
    send.add_argument("--smtp-user", help="login (default: smtp.user; none: no login)")

    new = _command(
        commands,
        "new",
        _new,
        "start the next issue file from the latest one",
        "Write issues/<date>.yaml: the latest issue's number + 1, the date (default: the "
        "latest issue's weekday, next week), and an empty lead and stories to fill in. "
        "Never overwrites a file.",
    )
    new.add_argument("--date", type=_date, metavar="YYYY-MM-DD", help="date of the new issue")
    new.add_argument(
        "--issues",
        type=Path,
        default=Path("issues"),
        help="folder of issue files (default: issues)",
    )

    preview = _command(
        commands,
        "preview",
        _preview,
        "show an issue in the browser, rebuilt on every save",
        "Serve ISSUE on 127.0.0.1, open the browser, rebuild and reload on every "
        "save of the issue, its photos, the templates or the settings. "
        "Ctrl-C stops.",
    )
    _issue_arguments(preview, many=False)
    preview.add_argument("--port", type=int, default=0, help="port (default: a free one)")
    preview.add_argument("--no-open", action="store_true", help="do not open a browser")

    _command(
        commands,
        "schema",
        _schema,
        "print the issue file's JSON Schema",
        "Print the JSON Schema of the issue file, for completion in editors.",
    )
    return main


def _command(
    commands: Any,
    name: str,
    run: Callable[[argparse.Namespace], int],
    summary: str,
    description: str,
) -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = commands.add_parser(
        name, help=summary, description=description
    )
    parser.set_defaults(run=run)
    return parser


def _issue_arguments(parser: argparse.ArgumentParser, *, many: bool) -> None:
    if many:
        parser.add_argument(
            "issues", nargs="+", type=Path, metavar="ISSUE", help="issue file (YAML)"
        )
    else:
        parser.add_argument("issue", type=Path, metavar="ISSUE", help="issue file (YAML)")
    parser.add_argument(
        "--config", type=Path, help="settings file (default: the newsletter.toml nearest the issue)"
    )


def run(argv: Sequence[str] | None = None) -> None:
    """Entry point: parse, run, and exit with the code the outcome calls for."""
    # Before anything else compiles a regular expression: see regex_cache.py (a fifth of a
    # build's work, the same every run). Only a speed-up: nothing it raises stops a command.
    regex_file: Path | None = None
    try:
        regex_file = regex_cache.cache_file(default_cache_dir())
        regex_cache.install(regex_file)
    except Exception:  # e.g. no home folder to find the cache folder in
        regex_file = None
    args = parser().parse_args(argv)
    if args.run is not _preview:
        # A one-shot command makes a burst of objects that live until it exits (mostly the
        # modules it imports); the cycle collector would walk them again and again for
        # nothing: ~9% of a build's time. The long-running preview keeps it.
        gc.disable()
    try:
        code = args.run(args)
    except EnvironmentFailure as exc:
        for line in str(exc).splitlines():
            _error(f"error: {line}")
        code = EXIT_ENVIRONMENT
    except KeyboardInterrupt:  # Ctrl-C: what was being written is left as it was
        _error("interrupted")
        code = EXIT_INTERRUPTED
    finally:
        if regex_file is not None:
            regex_cache.save(regex_file)
    sys.exit(code)


def _build(args: argparse.Namespace) -> int:
    from newsletter.build import build_issue, write_build

    failed = False
    for issue in args.issues:
        started = time.perf_counter()
        try:
            result = build_issue(
                issue, config=args.config, cache_dir=default_cache_dir(), progress=_progress()
            )
            folder = write_build(result, args.out)
        except InputError as exc:
            for problem in exc.problems:
                _error(str(problem))
            failed = True
            continue
        except OSError as exc:
            _error(f"error: cannot write {args.out}: {exc.strerror or exc}")
            return EXIT_ENVIRONMENT
        _print_summary(folder, result.report(), time.perf_counter() - started)
    return EXIT_INPUT if failed else 0


def _check(args: argparse.Namespace) -> int:
    from newsletter.build import build_issue
    from newsletter.check import check_build, report

    results, unbuildable = [], False
    for issue in args.issues:
        try:
            findings = check_build(
                build_issue(issue, config=args.config, cache_dir=default_cache_dir())
            )
        except InputError as exc:
            for problem in exc.problems:
                _error(str(problem))
            unbuildable = True
            continue
        results.append((issue, findings))
    everything = [f for _, found in results for f in found]
    if args.format == "json":
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
            print(f"{issue}: {report(found)}")
    if unbuildable:
        return EXIT_INPUT
    failing = {"error", "warning"} if args.strict else {"error"}
    return EXIT_FINDINGS if any(f.severity in failing for f in everything) else 0


def _send(args: argparse.Namespace) -> int:
    from newsletter.build import build_issue
    from newsletter.send import check_recipients, send_test, smtp_options

    try:
        recipients = check_recipients(args.to)
        build = build_issue(args.issue, config=args.config, cache_dir=default_cache_dir())
    except InputError as exc:
        for problem in exc.problems:
            _error(str(problem))
        return EXIT_INPUT
    options = smtp_options(
        build,
        host=args.smtp_host,
        port=args.smtp_port,
        security=args.smtp_security,
        user=args.smtp_user,
    )
    send_test(build, recipients, options, embed=args.embed_images)  # SendFailure: exit 3
    print(f"sent [TEST] {build.source.issue.subject_line} to {', '.join(recipients)} via {options}")
    return 0


def _new(args: argparse.Namespace) -> int:
    from newsletter.new_issue import next_issue

    try:
        path = next_issue(args.issues, args.date)
    except InputError as exc:
        for problem in exc.problems:
            _error(str(problem))
        return EXIT_INPUT
    print(f"created {path}: fill it in, then run: newsletter check {path}")
    return 0


def _preview(args: argparse.Namespace) -> int:
    from newsletter.preview import serve

    try:
        serve(
            args.issue,
            port=args.port,
            open_browser=not args.no_open,
            config=args.config,
            cache_dir=default_cache_dir(),
        )
    except OSError as exc:  # the port is taken, for one
        _error(f"error: cannot serve on port {args.port}: {exc.strerror or exc}")
        return EXIT_ENVIRONMENT
    return 0


def _schema(args: argparse.Namespace) -> int:
    from newsletter.schema import issue_schema

    print(json.dumps(issue_schema(), indent=2, ensure_ascii=False))
    return 0


def _progress() -> Callable[[int, int], None] | None:
    """A one-line progress bar for the image stage, on a terminal only."""
    if not sys.stderr.isatty():
        return None

    def show(done: int, total: int) -> None:
        bar = "#" * (20 * done // total)
        end = "\r\033[K" if done == total else ""
        sys.stderr.write(f"\r  images [{bar:<20}] {done}/{total}{end}")
        sys.stderr.flush()

    return show


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a date like 2026-12-01, got {text!r}") from None


def _error(line: str) -> None:
    print(line, file=sys.stderr)


def _print_summary(folder: Path, report: dict[str, Any], seconds: float) -> None:
    print(f"built {folder}/ in {seconds:.2f} s")
    for name, key in (
        ("index.html", "html_bytes"),
        ("index.txt", "text_bytes"),
        ("message.eml", "eml_bytes"),
    ):
        print(f"  {name:<12} {report[key]:>10,} bytes")
    print(f"  {'images/':<12} {report['image_bytes']:>10,} bytes in {len(report['images'])} files")
    print("  report.json")
    for warning in report["warnings"]:
        _error(f"warning: {warning}")
