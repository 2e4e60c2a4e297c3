"""The command line: declares the commands, calls the real functions (newsletter.commands),
and maps the package's errors to messages and exit codes."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from newsletter import __version__
from newsletter.cache_folder import default_cache_dir
from newsletter.errors import EnvironmentFailure, InputError, Problem

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
        "Build each ISSUE into OUT/<issue-stem>/: HTML, text, .eml, images, report; then "
        "list what the rules of `check` find. Exit 1 on an error (the output is written all "
        "the same, to look at), with --strict on a warning too.",
    )
    _issue_arguments(build, many=True)
    build.add_argument(
        "--out",
        type=Path,
        default=Path("build"),
        help="folder to write <issue-stem>/ into (default: build)",
    )
    build.add_argument(
        "--strict", action="store_true", help="exit 1 on warnings too, not only on errors"
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
        "start next week's issue, one file an edition",
        "Write issues/<date>-<slug>.yaml for the desk's first language and "
        "issues/<date>-<slug>-<language>.yaml for each other edition of the latest week: the "
        "latest number + 1, the date (default: a week after the latest issue, or if that is "
        "past, its weekday next week), and an empty lead and stories to fill in; with "
        "--from-feed, the lead and the stories drafted from the website's feed. Never "
        "overwrites a file.",
    )
    new.add_argument("--date", type=_date, metavar="YYYY-MM-DD", help="date of the new issue")
    new.add_argument(
        "--language",
        nargs="+",
        metavar="L",
        help="the editions to start (default: the languages of the latest week)",
    )
    new.add_argument(
        "--slug", help="the file names' topic, e.g. khujand-water (default: issue-<number>)"
    )
    new.add_argument(
        "--issues",
        type=Path,
        default=Path("issues"),
        help="folder of issue files (default: issues)",
    )
    new.add_argument(
        "--from-feed",
        nargs="?",
        const="",
        metavar="URL|FILE",
        help="draft the lead and the stories from the website's feed (RSS or Atom), or from "
        "the feed a web page names; without URL, each edition's [feeds] in newsletter.toml",
    )
    new.add_argument(
        "--since",
        type=_date,
        metavar="YYYY-MM-DD",
        help="with --from-feed: the items published since this day (default: the latest "
        "issue's date)",
    )
    new.add_argument(
        "--lead",
        type=int,
        metavar="N",
        help="with --from-feed: the lead is the Nth new item (default: 1, the newest)",
    )
    new.add_argument(
        "--timeout",
        type=_seconds,
        metavar="SECONDS",
        help="with --from-feed: how long to wait for the website to connect or answer "
        "(default: 10; a whole download may take six times as long)",
    )
    new.add_argument(
        "--config", type=Path, help="settings file (default: the newsletter.toml nearest ISSUES)"
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


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line with `argv` (default: the process's); return the exit code.

    The one place where the package's errors become messages: an InputError prints one line
    per problem (exit 2), an EnvironmentFailure one `error:` line per cause (exit 3).
    """
    try:
        args = parser().parse_args(argv)
    except SystemExit as exc:  # --help, --version, or a usage error argparse has printed
        return exc.code if isinstance(exc.code, int) else EXIT_INPUT
    try:
        code: int = args.run(args)
    except InputError as exc:
        for problem in exc.problems:
            _error(str(problem))
        return EXIT_INPUT
    except EnvironmentFailure as exc:
        for line in str(exc).splitlines():
            _error(f"error: {line}")
        return EXIT_ENVIRONMENT
    except KeyboardInterrupt:  # Ctrl-C: what was being written is left as it was
        _error("interrupted")
        return EXIT_INTERRUPTED
    return code


def run() -> None:
    """The console script: exit with the code `main` returns."""
    sys.exit(main())


# Each command imports its module only when it runs, so `newsletter --help` stays instant.


def _build(args: argparse.Namespace) -> int:
    from newsletter.commands.build import build

    passed = build(
        args.issues,
        out=args.out,
        config=args.config,
        cache_dir=default_cache_dir(),
        strict=args.strict,
    )
    return 0 if passed else EXIT_FINDINGS


def _check(args: argparse.Namespace) -> int:
    from newsletter.commands.check import check

    passed = check(
        args.issues,
        config=args.config,
        cache_dir=default_cache_dir(),
        strict=args.strict,
        output=args.format,
    )
    return 0 if passed else EXIT_FINDINGS


def _send(args: argparse.Namespace) -> int:
    from newsletter.commands.send import send

    send(
        args.issue,
        args.to,
        config=args.config,
        cache_dir=default_cache_dir(),
        embed=args.embed_images,
        host=args.smtp_host,
        port=args.smtp_port,
        security=args.smtp_security,
        user=args.smtp_user,
    )
    return 0


def _new(args: argparse.Namespace) -> int:
    if args.from_feed is None:
        from newsletter.commands.new import new

        stray = [
            f"--{name}" for name in ("since", "lead", "timeout") if getattr(args, name) is not None
        ]
        if stray:
            message = "only with --from-feed (draft the issue from the website's feed)"
            raise InputError([Problem(option, None, None, message) for option in stray])
        new(args.issues, args.date, languages=args.language or (), slug=args.slug)
        return 0
    from newsletter.commands.new_from_feed import new_from_feed
    from newsletter.drafting.download import TIMEOUT

    new_from_feed(
        args.issues,
        args.from_feed or None,
        since=args.since,
        lead=1 if args.lead is None else args.lead,
        date=args.date,
        languages=args.language or (),
        slug=args.slug,
        config=args.config,
        timeout=TIMEOUT if args.timeout is None else args.timeout,
    )
    return 0


def _preview(args: argparse.Namespace) -> int:
    from newsletter.commands.preview import serve

    serve(
        args.issue,
        port=args.port,
        open_browser=not args.no_open,
        config=args.config,
        cache_dir=default_cache_dir(),
    )
    return 0


def _schema(args: argparse.Namespace) -> int:
    from newsletter.commands.schema import schema

    schema()
    return 0


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = 0.0
    if not 0 < value <= 600:
        raise argparse.ArgumentTypeError(f"expected seconds from 0.1 to 600, got {text!r}")
    return value


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a date like 2026-12-01, got {text!r}") from None


def _error(line: str) -> None:
    print(line, file=sys.stderr)
