"""Sending a message over SMTP; the only module that talks to a server."""

from __future__ import annotations

import email.utils
import re
from collections.abc import Sequence
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path
from typing import TYPE_CHECKING

from newsletter.errors import SendFailure

if TYPE_CHECKING:
    import smtplib

DEFAULT_PORTS = {"starttls": 587, "ssl": 465, "none": 25}


@dataclass(frozen=True)
class SmtpOptions:
    """How to reach the SMTP server (the password is passed separately, never stored)."""

    host: str
    port: int
    security: str  # starttls | ssl | none
    user: str | None = None
    ca_file: Path | None = None
    timeout: float = 20.0

    def __str__(self) -> str:
        return f"{self.host}:{self.port}"


def deliver(
    message: EmailMessage, recipients: Sequence[str], options: SmtpOptions, password: str | None
) -> None:
    """Send `message` to `recipients`; raise SendFailure with one line per problem.

    With `options.user`, `password` is required (the command checks it before building).
    """
    import smtplib  # here, not at the top: a build never sends, and ssl is slow to import
    import socket
    import ssl

    if options.user and password is None:
        raise ValueError(f"a login as {options.user} needs a password")
    try:
        with _connect(options) as smtp:
            if options.user and password is not None:
                smtp.login(options.user, password)
            _check_smtputf8(smtp, message, recipients, options)
            refused = smtp.send_message(message, to_addrs=list(recipients))
    except SendFailure:
        raise
    except smtplib.SMTPRecipientsRefused as exc:
        raise SendFailure(_refused(exc.recipients)) from None
    except smtplib.SMTPAuthenticationError as exc:
        raise SendFailure(
            f"{options} refused the login of {options.user}: "
            f"{exc.smtp_code} {_text(exc.smtp_error)}"
        ) from None
    except smtplib.SMTPNotSupportedError:  # only login() can raise it: STARTTLS is checked
        raise SendFailure(
            f"{options} offers no login (AUTH) for {options.user}: check smtp.security "
            "(most servers offer one only over TLS)"
        ) from None
    except ssl.SSLCertVerificationError as exc:
        raise SendFailure(
            f"{options}: the server's certificate is not trusted "
            f"({exc.verify_message}); set smtp.ca_file to trust it"
        ) from None
    except ssl.SSLError as exc:
        raise SendFailure(
            f"{options}: TLS failed ({_ssl_reason(exc)}): check smtp.security and smtp.port"
        ) from None
    except smtplib.SMTPServerDisconnected as exc:
        if "timed out" in str(exc):
            raise SendFailure(f"{options} did not answer within {options.timeout:g} s") from None
        raise SendFailure(f"{options} closed the connection: {exc}") from None
    except TimeoutError:
        raise SendFailure(f"{options} did not answer within {options.timeout:g} s") from None
    except ConnectionRefusedError:
        raise SendFailure(f"cannot connect to {options}: connection refused") from None
    except socket.gaierror:
        raise SendFailure(f"cannot find the SMTP server {options.host!r}") from None
    except smtplib.SMTPResponseException as exc:
        raise SendFailure(
            f"{options} refused the message: {exc.smtp_code} {_text(exc.smtp_error)}"
        ) from None
    except (smtplib.SMTPException, OSError) as exc:
        raise SendFailure(f"sending through {options} failed: {exc}") from None
    if refused:
        raise SendFailure(_refused(refused))


def _connect(options: SmtpOptions) -> smtplib.SMTP:
    import smtplib
    import ssl

    context = ssl.create_default_context(cafile=str(options.ca_file) if options.ca_file else None)
    if options.security == "ssl":
        return smtplib.SMTP_SSL(
            options.host, options.port, timeout=options.timeout, context=context
        )
    smtp = smtplib.SMTP(options.host, options.port, timeout=options.timeout)
    if options.security == "starttls":
        try:
            smtp.ehlo_or_helo_if_needed()
            if not smtp.has_extn("starttls"):
                raise SendFailure(
                    f'{options} does not offer STARTTLS, which security "starttls" requires: '
                    "check smtp.security and smtp.port"
                )
            smtp.starttls(context=context)
        except BaseException:
            smtp.close()
            raise
    return smtp


def _check_smtputf8(
    smtp: smtplib.SMTP, message: EmailMessage, recipients: Sequence[str], options: SmtpOptions
) -> None:
    """Refuse, before sending anything, addresses that only a server with SMTPUTF8 takes."""
    sender = email.utils.parseaddr(str(message.get("Sender") or message.get("From", "")))[1]
    unusual = [address for address in (sender, *recipients) if not address.isascii()]
    if not unusual:
        return
    smtp.ehlo_or_helo_if_needed()
    if not smtp.has_extn("smtputf8"):
        raise SendFailure(
            "\n".join(
                f"{address} is not ASCII, so it needs SMTPUTF8, which {options} does not offer"
                for address in unusual
            )
        )


def _ssl_reason(exc: Exception) -> str:
    """OpenSSL's words, without the place in Python's C source: `[SSL: X] x`."""
    text = str(exc.args[1]) if len(exc.args) > 1 else str(exc)
    return re.sub(r"\s*\(_ssl\.c:\d+\)$", "", text)


def _refused(refused: dict[str, tuple[int, bytes]]) -> str:
    return "\n".join(
        f"the server refused {address}: {code} {_text(reason)}"
        for address, (code, reason) in sorted(refused.items())
    )


def _text(reason: bytes | str) -> str:
    value = reason.decode("utf-8", "replace") if isinstance(reason, bytes) else reason
    return " ".join(value.split())
