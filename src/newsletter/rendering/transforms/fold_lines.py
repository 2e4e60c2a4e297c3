"""Fold long lines where a line break changes nothing: between attributes, or between words."""

from __future__ import annotations

LIMIT = 900  # SMTP allows 998 bytes a line; leave room for multi-byte characters


def fold_long_lines(html: str, limit: int = LIMIT) -> str:
    """Break every line longer than `limit` characters at a space that is safe to break.

    Inside a tag (outside quotes) a newline is the same as a space; in text it is too,
    since the e-mail has no <pre>. A line with no such space is left alone.
    """
    if all(len(line) <= limit for line in html.split("\n")):
        return html
    out: list[str] = []
    for line in html.split("\n"):
        while len(line) > limit:
            cut = _last_safe_space(line, limit)
            if cut < 0:
                break
            out.append(line[:cut])
            line = line[cut + 1 :]
        out.append(line)
    return "\n".join(out)


def _last_safe_space(line: str, limit: int) -> int:
    """Index of the last space before `limit` that is not inside a quoted attribute value."""
    in_tag, quote, best = False, "", -1
    for i, char in enumerate(line[:limit]):
        if quote:
            if char == quote:
                quote = ""
        elif in_tag and char in "\"'":
            quote = char
        elif char == "<":
            in_tag = True
        elif char == ">":
            in_tag = False
        elif char == " " and i > 0:
            best = i
    return best
