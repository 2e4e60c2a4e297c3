"""Lines of the plain-text part: folded at 76 columns as a terminal counts them, a web
address never broken, and right-to-left lines marked for plain-text readers.

Every line is at most `WIDTH` columns, except a line that holds only a web address (longer
ones exist, and a broken address no longer works). Columns are counted as terminals and mail
readers show them: a CJK character or an emoji takes two, a combining mark or an invisible
joiner none.
"""

from __future__ import annotations

import unicodedata

WIDTH = 76
RLM = "\u200f"  # RIGHT-TO-LEFT MARK: makes a line right-to-left in a plain-text reader
_RTL_CLASSES = frozenset({"R", "AL"})


def columns(text: str) -> int:
    """How many columns `text` takes on a screen."""
    return sum(_char_columns(char) for char in text)


def _char_columns(char: str) -> int:
    if unicodedata.category(char) in ("Mn", "Me", "Cf"):
        return 0
    return 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1


def is_address(word: str) -> bool:
    """A web or mail address, which must stay whole on its line."""
    return "://" in word or word.startswith(("www.", "mailto:")) or "@" in word.strip(".,;:()")


def fill(text: str, width: int = WIDTH, indent: str = "", first: str | None = None) -> str:
    """Fold `text` (runs of whitespace count as one space) into lines of `width` columns.

    `first` starts the first line (a bullet, "1. "), `indent` the others. A word too long for
    a line is cut, unless it is an address: that goes on a line of its own, whole.
    """
    lines: list[str] = []
    start = indent if first is None else first
    line, room = start, width - columns(start)
    fresh = True  # nothing but the line's start on it yet
    for word in text.split():
        size = columns(word)
        if not fresh and size + 1 > room:
            lines.append(line)
            line, room, fresh = indent, width - columns(indent), True
        if fresh and size > room and not is_address(word):
            for piece in _cut(word, room, width - columns(indent)):
                if not fresh:
                    lines.append(line)
                    line, room = indent, width - columns(indent)
                line, room, fresh = line + piece, room - columns(piece), False
            continue
        line += word if fresh else " " + word
        room -= size if fresh else size + 1
        fresh = False
    lines.append(line)
    return "\n".join(lines)


def _cut(word: str, first_room: int, room: int) -> list[str]:
    """`word` in pieces: the first fits `first_room` columns, the others `room`."""
    pieces, piece, limit = [], "", max(first_room, 1)
    for char in word:
        if piece and columns(piece + char) > limit:
            pieces.append(piece)
            piece, limit = "", max(room, 1)
        piece += char
    return [*pieces, piece]


def labelled(label: str, address: str, width: int = WIDTH) -> str:
    """`label: address` on one line if it fits, else the label and the address on two."""
    line = f"{label}: {address}"
    return line if columns(line) <= width else f"{label}:\n{address}"


def starts_right_to_left(line: str) -> bool:
    """True when the first character of `line` (after spaces) is a right-to-left letter."""
    stripped = line.lstrip()
    return bool(stripped) and unicodedata.bidirectional(stripped[0]) in _RTL_CLASSES


def has_right_to_left(line: str) -> bool:
    """True when `line` holds a right-to-left letter (Arabic, Persian, Hebrew...)."""
    return any(unicodedata.bidirectional(char) in _RTL_CLASSES for char in line)


def mark_right_to_left(text: str) -> str:
    """Start with RLM each right-to-left line that starts with anything but a right-to-left
    letter (a Latin name, a digit, a bullet, a quotation mark), which plain-text readers would
    otherwise show left to right. Lines with no right-to-left letter stay as they are."""
    return "\n".join(
        RLM + line if has_right_to_left(line) and not starts_right_to_left(line) else line
        for line in text.split("\n")
    )
