"""Inline CSS with premailer: never fetches anything, keeps what cannot be inlined."""

from __future__ import annotations

import logging

from premailer import Premailer

from newsletter.errors import InputError, Problem


def inline_css(html: str) -> str:
    """Copy <style> rules onto elements; media queries and @-rules stay in <head>."""
    try:
        return str(
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
                cssutils_logging_level=logging.CRITICAL,
            ).transform()
        )
    except Exception as exc:  # premailer raises plain exceptions from cssutils and lxml
        message = f"CSS inlining failed: {exc}"
        raise InputError([Problem("templates", None, None, message)]) from None
