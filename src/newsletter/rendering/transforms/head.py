"""Where the transforms put what they add to <head>: at its end, after what MJML wrote."""

from __future__ import annotations

import re

_HEAD_END = re.compile(r"</head>", re.IGNORECASE)


def append_to_head(html: str, fragment: str) -> str:
    """`html` with `fragment` (and a line break) just before </head>; as it was without one."""
    end = _HEAD_END.search(html)
    if end is None:
        return html
    return f"{html[: end.start()]}{fragment}\n{html[end.start() :]}"
