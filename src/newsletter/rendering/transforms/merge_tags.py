"""Mailing services' placeholders (`*|UNSUB|*`, `{{ unsubscribe_url }}`) survive every stage.

The templates see an opaque address instead of the placeholder; HTML parsers leave that alone
(they would percent-encode the spaces and braces of `{{ x }}`). This step swaps it back.
"""

from __future__ import annotations

from collections.abc import Mapping

_PREFIX = "https://merge-tag.invalid/"


def placeholder(index: int) -> str:
    """The stand-in address used for the `index`-th merge tag while the HTML is processed."""
    return f"{_PREFIX}{index}"


def restore(html: str, placeholders: Mapping[str, str]) -> str:
    """Put each merge tag back where its stand-in is."""
    for stand_in, tag in placeholders.items():
        html = html.replace(stand_in, tag)
    return html
