"""`newsletter send`: a test copy of a built issue, to the desk's own inboxes."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from newsletter.delivery.message import build_message, embed_images
from newsletter.delivery.smtp import DEFAULT_PORTS, SmtpOptions, deliver
from newsletter.errors import InputError, Problem
from newsletter.pipeline import Build, build_issue
from newsletter.reading.fields import check_email

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
    """Build `issue` and send a test of it to `recipients`; say where it went."""
    addresses = check_recipients(recipients)
    build = build_issue(issue, config=config, cache_dir=cache_dir)
    options = smtp_options(build, host=host, port=port, security=security, user=user)
    send_test(build, addresses, options, embed=embed)
    subject = build.source.issue.subject_line
    print(f"sent [TEST] {subject} to {', '.join(addresses)} via {options}")


def smtp_options(
    build: Build,
    *,
    host: str | None = None,
    port: int | None = None,
    security: str | None = None,
    user: str | None = None,
) -> SmtpOptions:
    """The settings' [smtp] table, with the command line's overrides on top."""
    smtp = build.settings.smtp
    security = security or smtp.security
    ca_file = build.config_path.parent / smtp.ca_file if smtp.ca_file else None
    return SmtpOptions(
        host=host or smtp.host,
        port=port or smtp.port or DEFAULT_PORTS[security],
        security=security,
        user=user or smtp.user,
        ca_file=ca_file,
        timeout=float(smtp.timeout),
    )


def check_recipients(recipients: Sequence[str]) -> list[str]:
    """The addresses, cleaned; raise InputError naming each one that is not an address."""
    problems, clean = [], []
    for address in recipients:
        try:
            clean.append(check_email(address))
        except ValueError as exc:
            problems.append(Problem("--to", None, None, str(exc)))
    if problems:
        raise InputError(problems)
    return clean


def send_test(
    build: Build, recipients: Sequence[str], options: SmtpOptions, *, embed: bool = False
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
    deliver(message, recipients, options, os.environ.get(PASSWORD_VARIABLE))
