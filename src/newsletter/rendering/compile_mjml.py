"""MJML to HTML with mjml-python (MRML, compiled in Rust)."""

from __future__ import annotations

import mjml

from newsletter.errors import InputError, Problem
from newsletter.rendering.mjml_attributes import protect_attributes
from newsletter.rendering.templates import HTML_TEMPLATE


def compile_mjml(source: str) -> str:
    """Compile MJML to HTML; no web fonts are pulled in."""
    try:
        return mjml.mjml2html(protect_attributes(source), fonts={})
    except Exception as exc:  # MRML raises plain exceptions with its parser's message
        raise InputError([Problem(HTML_TEMPLATE, None, None, f"MJML error: {exc}")]) from None
