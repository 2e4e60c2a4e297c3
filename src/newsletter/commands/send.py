"""`newsletter send`: a test copy of a built issue, to the desk's own inboxes."""

from __future__ import annotations

import os
import tomllib
from collections.abc import Sequence
from pathlib import Path

from newsletter.delivery.message import build_message, embed_images
from newsletter.delivery.smtp import DEFAULT_PORTS, SmtpOptions, deliver
from newsletter.errors import InputError, Problem
from newsletter.pipeline import Build, build_issue, settings_for
from newsletter.reading.fields import check_email
from newsletter.reading.settings import Settings, settings_lines

PASSWORD_VARIABLE = "NEWSLETTER_SMTP_PASSWORD"  # noqa: S105 (a name, not a password)
TEST_PREFIX = "[TEST] "


def send(
    issue: Path,
    recipients: Sequence[str],
    *,
    config: Path | None,
    cache_dir: Path | None,
    embed: bool = False,
    host: str | None = None,
    port: int | None = None,
    security: str | None = None,
    user: str | None = None,
) -> None:
    """Build `issue` and send a test of it to `recipients`; say where it went.

    What the user must fix (an address, no server, no password) is an InputError raised
    before the build and before any connection; what the server or network does, a
    SendFailure.
    """
    addresses = check_recipients(recipients)
    settings, config_path = settings_for(issue, config)
    options = smtp_options(
        settings, config_path, host=host, port=port, security=security, user=user
    )
    password = smtp_password(options, config_path, user_from_command_line=bool(user))
    build = build_issue(issue, config=config_path, cache_dir=cache_dir)
    send_test(build, addresses, options, password, embed=embed)
    subject = build.source.issue.subject_line
    print(f"sent [TEST] {subject} to {', '.join(addresses)} via {options}")


def smtp_options(
    settings: Settings,
    config_path: Path,
    *,
    host: str | None = None,
    port: int | None = None,
    security: str | None = None,
    user: str | None = None,
) -> SmtpOptions:
    """The settings' [smtp] table, with the command line's overrides on top; InputError
    when neither names a server (the settings' default host is not a choice of the desk's)."""
    smtp = settings.smtp
    if not host and not _sets_smtp_host(config_path):
        table = settings_lines(config_path)
        raise InputError(
            [
                table.problem(
                    ("smtp", "host"),
                    "no SMTP server configured: set host under [smtp] in this file "
                    "(and port, security, user as needed), or pass --smtp-host",
                )
            ]
        )
    security = security or smtp.security
    ca_file = config_path.parent / smtp.ca_file if smtp.ca_file else None
    return SmtpOptions(
        host=host or smtp.host,
        port=port or smtp.port or DEFAULT_PORTS[security],
        security=security,
        user=user or smtp.user,
        ca_file=ca_file,
        timeout=float(smtp.timeout),
    )


def smtp_password(
    options: SmtpOptions, config_path: Path, *, user_from_command_line: bool
) -> str | None:
    """The login's password, from the environment only; InputError naming the variable
    when there is a login and no password."""
    if not options.user:
        return None
    password = os.environ.get(PASSWORD_VARIABLE)
    if password:
        return password
    message = f"{options.user} needs a password: set {PASSWORD_VARIABLE} in the environment"
    if user_from_command_line:
        problem = Problem("--smtp-user", None, None, message)
    else:
        problem = settings_lines(config_path).problem(("smtp", "user"), message)
    raise InputError([problem])


def check_recipients(recipients: Sequence[str]) -> list[str]:
    """The addresses, cleaned; raise InputError naming each one that is not an address.

    A domain may be written in any script (`пример.рф`), as its IDNA form is an address."""
    problems, clean = [], []
    for address in recipients:
        try:
            clean.append(_check_recipient(address))
        except ValueError as exc:
            problems.append(Problem("--to", None, None, str(exc)))
    if problems:
        raise InputError(problems)
    return clean


def send_test(
    build: Build,
    recipients: Sequence[str],
    options: SmtpOptions,
    password: str | None,
    *,
    embed: bool = False,
) -> None:
    """Send the issue with a [TEST] subject; with `embed`, the photos travel inside it."""
    html = embed_images(build.html, build.renditions) if embed else build.html
    message = build_message(
        subject=TEST_PREFIX + build.source.issue.subject_line,
        html=html,
        text=build.text,
        settings=build.settings,
        unsubscribe=build.settings.links.unsubscribe,
        to=recipients,
        inline_images=build.renditions if embed else (),
    )
    deliver(message, recipients, options, password)


def _check_recipient(address: str) -> str:
    value = address.strip()
    local, at, domain = value.rpartition("@")
    if not at or domain.isascii():
        return check_email(value)
    try:  # a domain in any script is checked in its ASCII (IDNA) form, and kept as written
        check_email(f"{local}@{domain.encode('idna').decode('ascii')}")
    except (UnicodeError, ValueError):
        raise ValueError(f"not an e-mail address: {value!r}") from None
    return value


def _sets_smtp_host(config_path: Path) -> bool:
    """Whether the settings file names a server (the file is valid TOML: it was loaded)."""
    data = tomllib.loads(config_path.read_text(encoding="utf-8"))
    smtp = data.get("smtp")
    return isinstance(smtp, dict) and "host" in smtp
