"""Inline CSS with premailer: never fetches anything, keeps what cannot be inlined."""

from __future__ import annotations

import logging
import re

import cssutils
from premailer import Premailer

from newsletter.errors import InputError, Problem

# premailer re-parses each element's existing style attribute with cssutils' validation on,
# whatever `disable_validation` says; validating compiles cssutils' large property regexes,
# a large part of inlining's time. We never want cssutils to validate, so give it no
# profiles (cssutils' documented `Profiles.removeProfile`).
cssutils.profile.removeProfile(all=True)


# Only <style> blocks that carry this comment are inlined (the templates' own rules). MJML
# already writes inline every style its layout needs; its <style> blocks hold resets and
# media queries meant to stay in <head>, so they are left exactly as MJML wrote them. That
# also keeps the HTML smaller (no reset repeated on every <td>) and halves premailer's work.
MARKER = "/* inline */"
_IGNORE = ' data-premailer="ignore"'
_STYLE_OPEN = re.compile(r"<style\b([^>]*)>(.*?)</style>", re.DOTALL | re.IGNORECASE)


def _leave_alone(match: re.Match[str]) -> str:
    attributes, body = match.group(1), match.group(2)
    if MARKER in body:
        return f"<style{attributes}>{body.replace(MARKER, '')}</style>"
    return f"<style{_IGNORE}{attributes}>{body}</style>"


def inline_css(html: str) -> str:
    """Copy the rules of marked <style> blocks onto elements; @media rules stay in <head>."""
    html = _STYLE_OPEN.sub(_leave_alone, html)
    try:
        inlined = str(
            Premailer(
                html,
                allow_network=False,  # never fetch a stylesheet named in the HTML
                keep_style_tags=False,  # rules that cannot be inlined are kept regardless
                strip_important=False,  # MJML's mobile rules rely on !important
                remove_classes=False,  # media queries still select by class
                disable_validation=True,
                # Outlook reads width/height attributes as pixels; premailer would turn
                # CSS "width:100%" into width="100%" on <img>.
                disable_basic_attributes=["width", "height"],
                # It re-parses every <img> style to turn a CSS float into align=; no image of
                # the layout floats.
                align_floating_images=False,
                cssutils_logging_level=logging.CRITICAL,
            ).transform()
        )
    except Exception as exc:  # premailer raises plain exceptions from cssutils and lxml
        message = f"CSS inlining failed: {exc}"
        raise InputError([Problem("templates", None, None, message)]) from None
    # premailer removes the mark from the blocks it skipped, except those it never looks at
    # (inside conditional comments, or with a media attribute).
    return inlined.replace(_IGNORE, "")
