"""Where a value sits in a file: its path of keys, and how an editor reads it."""

from __future__ import annotations

Loc = tuple[str | int, ...]


def dotted(loc: Loc) -> str:
    """Spell a path of keys as an editor reads it: `lead.gallery[2].photo`."""
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out
