"""Keep the HTML5 doctype: without it clients render in quirks mode."""

from __future__ import annotations

import re

_DOCTYPE = re.compile(r"^\s*<!doctype\b", re.IGNORECASE)


def ensure_doctype(html: str) -> str:
    """Prepend `<!doctype html>` unless the document starts with a doctype."""
    return html if _DOCTYPE.match(html) else "<!doctype html>\n" + html.lstrip()
