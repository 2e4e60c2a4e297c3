"""Photos keep integer width/height attributes (Outlook) but scale with the screen elsewhere."""

from __future__ import annotations

import re

_IMG = re.compile(r"<img\b[^>]*>", re.IGNORECASE)
_FIXED_HEIGHT = re.compile(r"(?<![-\w])height\s*:\s*\d+(?:\.\d+)?px", re.IGNORECASE)


def auto_heights(html: str) -> str:
    """Replace a fixed CSS height on each <img> by `height:auto`; attributes stay as they are."""
    return _IMG.sub(lambda m: _FIXED_HEIGHT.sub("height:auto", m.group(0)), html)
