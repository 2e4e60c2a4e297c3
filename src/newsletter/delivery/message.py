"""The MIME message: multipart/alternative, plain text first, then HTML (8bit, not base64)."""

from __future__ import annotations

import email.policy
import email.utils
import re
from collections.abc import Sequence
from email.headerregistry import Address
from email.message import EmailMessage

from newsletter.delivery.subject_header import header_registry
from newsletter.images.rendition import Rendition
from newsletter.reading.settings import Settings

_MAX_LINE = 998  # bytes a line, RFC 5322
# SMTP's policy, but with our own Subject header: the standard folding can drop a space from a
# long non-ASCII subject (see subject_header.py). Every other header is written as before.
_POLICY = email.policy.SMTP.clone(header_factory=header_registry())


def build_message(
    *,
    subject: str,
    html: str,
    text: str,
    settings: Settings,
    unsubscribe: str | None,
    to: Sequence[str] = (),
    inline_images: Sequence[Rendition] = (),
) -> EmailMessage:
    """Assemble the message a mailing service (or `newsletter send`) can deliver as it is.

    With `inline_images`, the HTML part becomes multipart/related with those images attached;
    the HTML must then address them as `cid:` (see `embed_images`).
    """
    msg = EmailMessage(policy=_POLICY)
    msg["Subject"] = subject
    msg["From"] = Address(settings.sender.name, addr_spec=settings.sender.address)
    if to:
        msg["To"] = ", ".join(to)
    msg["Date"] = email.utils.formatdate(localtime=True)
    msg["Message-ID"] = email.utils.make_msgid(domain=settings.sender.address.split("@")[1])
    msg["MIME-Version"] = "1.0"
    if unsubscribe and unsubscribe.lower().startswith("https://"):
        msg["List-Unsubscribe"] = f"<{unsubscribe}>"
        msg["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    msg.set_content(text, subtype="plain", charset="utf-8", cte=_transfer_encoding(text))
    msg.add_alternative(html, subtype="html", charset="utf-8", cte=_transfer_encoding(html))
    if inline_images:
        html_part = msg.get_body(("html",))
        assert isinstance(html_part, EmailMessage)
        for rendition in inline_images:
            subtype = "png" if rendition.name.endswith(".png") else "jpeg"
            html_part.add_related(
                rendition.data,
                maintype="image",
                subtype=subtype,
                cid=f"<{content_id(rendition)}>",
                disposition="inline",  # shown in the HTML, not listed as an attachment
                filename=rendition.name,
            )
    return msg


def content_id(rendition: Rendition) -> str:
    """The Content-ID of an attached image (its hash name is unique already)."""
    return f"{rendition.name}@newsletter"


def embed_images(html: str, renditions: Sequence[Rendition]) -> str:
    """Point every <img> at its attached copy (`cid:`) instead of its web address."""
    for rendition in renditions:
        pattern = re.compile(r'src="[^"]*?' + re.escape(rendition.name) + '"')
        html = pattern.sub(f'src="cid:{content_id(rendition)}"', html)
    return html


def _transfer_encoding(body: str) -> str:
    """8bit keeps the HTML's size as Gmail measures it; quoted-printable if a line is too long."""
    longest = max((len(line.encode()) for line in body.splitlines()), default=0)
    return "8bit" if longest < _MAX_LINE else "quoted-printable"
