"""The MIME message: multipart/alternative, plain text first, then HTML."""

from __future__ import annotations

import email.policy
import email.utils
from email.headerregistry import Address
from email.message import EmailMessage

from newsletter.config import Settings

_MAX_LINE = 998  # bytes a line, RFC 5322


def build_message(
    *, subject: str, html: str, text: str, settings: Settings, unsubscribe: str | None
) -> EmailMessage:
    """Assemble the message a mailing service (or `newsletter send`) can deliver as it is."""
    msg = EmailMessage(policy=email.policy.SMTP)
    msg["Subject"] = subject
    msg["From"] = Address(settings.sender.name, addr_spec=settings.sender.address)
    msg["Date"] = email.utils.formatdate(localtime=True)
    msg["Message-ID"] = email.utils.make_msgid(domain=settings.sender.address.split("@")[1])
    msg["MIME-Version"] = "1.0"
    if unsubscribe and unsubscribe.lower().startswith("https://"):
        msg["List-Unsubscribe"] = f"<{unsubscribe}>"
        msg["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    msg.set_content(text, subtype="plain", charset="utf-8", cte=_transfer_encoding(text))
    msg.add_alternative(html, subtype="html", charset="utf-8", cte=_transfer_encoding(html))
    return msg


def _transfer_encoding(body: str) -> str:
    """8bit keeps the HTML's size as Gmail measures it; quoted-printable if a line is too long."""
    longest = max((len(line.encode()) for line in body.splitlines()), default=0)
    return "8bit" if longest < _MAX_LINE else "quoted-printable"
