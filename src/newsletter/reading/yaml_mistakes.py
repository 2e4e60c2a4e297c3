"""A YAML mistake in an editor's words, at the line to fix.

PyYAML's error names where it gave up and what it expected; `explain` looks at the text
around that point (and at the fields the file should hold, its `Shape`) to say what was
written wrong: an unquoted colon, a tab, an unclosed quote or bracket, a missing colon or
dash, a line indented out of step. It answers None where it cannot tell, and the caller falls
back on PyYAML's own words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import yaml

from newsletter.reading.key_path import Loc, dotted

_LINE_BREAK = re.compile("\r\n|[\n\r\x85\u2028\u2029]")


def split_lines(text: str) -> list[str]:
    """The lines of `text`, split where YAML breaks lines."""
    return _LINE_BREAK.split(text)


@dataclass(frozen=True)
class Shape:
    """What a file is meant to hold, so that a YAML mistake can be told in its terms."""

    # The field names of every record the file holds.
    fields: frozenset[str] = frozenset()
    # The lists whose items are records, as paths without indices: "lead.gallery", "stories".
    lists: frozenset[str] = frozenset()


# `  key: value` or `  - key: value`: its indentation, dashes, key and value (None: no value).
_KEY_LINE = re.compile(
    r"(?P<indent> *)(?P<dash>(?:-[ ]+)*)"
    r"(?P<key>[^\s#\"'\[\]{},&*!|>%@`:][^#]*?)[ \t]*:(?:[ \t]+(?P<value>.*?))?[ \t]*"
)
_BLOCK_HEADER = re.compile(r"[|>][-+0-9]*\s*(?:#.*)?")
# The characters a value cannot start with unless it is quoted.
_RESERVED = "@`*&|>%!]},?-"
_SHORT = 40  # a suggestion shows this much of the editor's text


@dataclass(frozen=True)
class _Key:
    """A line that reads `key: value`, maybe after dashes."""

    number: int  # 0-based, as PyYAML's marks count
    indent: int
    dash: bool
    key: str
    key_col: int
    value: str | None
    value_col: int


class _Text:
    """The lines of a file that PyYAML could not read, and where each key line belongs."""

    def __init__(self, text: str, shape: Shape) -> None:
        self.lines = split_lines(text)
        self.text = text
        self.shape = shape
        self.keys: dict[int, _Key] = {}
        # For each line, the (column, key or item index) of each enclosing entry after it.
        self.stacks: list[tuple[tuple[int, str | int], ...]] = []
        self._outline()

    def _outline(self) -> None:
        stack: list[tuple[int, str | int]] = []
        # After `key: |`, the column of its key, then of its text: the lines of the text are
        # those indented as deep as its first line (PyYAML's rule), or blank.
        header: int | None = None
        block: int | None = None
        for number, line in enumerate(self.lines):
            stripped = line.strip()
            if header is not None and stripped and _indent(line) > header:
                block, header = _indent(line), None
            if (header is not None or block is not None) and not stripped:
                self.stacks.append(tuple(stack))
                continue
            if block is not None and _indent(line) >= block:
                self.stacks.append(tuple(stack))
                continue
            header = block = None
            found = _KEY_LINE.fullmatch(line)
            if stripped.startswith("#") or not found:
                self.stacks.append(tuple(stack))
                continue
            indent, dash = len(found["indent"]), found["dash"]
            key_col = indent + len(dash)
            if dash:
                while stack and stack[-1][0] > indent:
                    stack.pop()
                top = stack[-1] if stack else None
                if top is not None and top[0] == indent and isinstance(top[1], int):
                    stack[-1] = (indent, top[1] + 1)
                else:
                    stack.append((indent, 0))
            else:
                while stack and stack[-1][0] >= key_col:
                    stack.pop()
            stack.append((key_col, found["key"]))
            value = found["value"]
            self.keys[number] = _Key(
                number,
                indent,
                bool(dash),
                found["key"],
                key_col,
                value if value else None,
                found.start("value") if value else len(line),
            )
            self.stacks.append(tuple(stack))
            if value and _BLOCK_HEADER.fullmatch(value):
                header = key_col

    def path(self, number: int) -> Loc | None:
        """The path of the key on line `number`, if it has one."""
        if number not in self.keys:
            return None
        return tuple(part for _, part in self.stacks[number])

    def container(self, number: int, column: int) -> Loc:
        """The path of what a line at `column` sits in, judged by the lines before it."""
        stack = self.stacks[number - 1] if number > 0 else ()
        return tuple(part for col, part in stack if col < column)

    def is_list(self, loc: Loc) -> bool:
        """Whether `loc` is one of the shape's lists of records (not a record inside it)."""
        if not loc or not isinstance(loc[-1], str):
            return False
        return dotted(tuple(p for p in loc if isinstance(p, str))) in self.shape.lists

    def line(self, number: int) -> str:
        return self.lines[number] if 0 <= number < len(self.lines) else ""

    def previous(self, number: int) -> int | None:
        """The nearest line above `number` with content (not blank, not a comment)."""
        for before in range(number - 1, -1, -1):
            if self.line(before).strip() and not self.line(before).lstrip().startswith("#"):
                return before
        return None

    def next(self, number: int) -> int | None:
        """The nearest line below `number` with content."""
        for after in range(number + 1, len(self.lines)):
            if self.line(after).strip() and not self.line(after).lstrip().startswith("#"):
                return after
        return None

    def value_at(self, number: int, column: int) -> _Key | None:
        """The key line whose value starts at (number, column), if one does."""
        key = self.keys.get(number)
        return key if key is not None and key.value and key.value_col == column else None

    def is_field(self, word: str) -> bool:
        """Whether `word` looks like a field name (any word does if the shape is unknown)."""
        if not re.fullmatch(r"[A-Za-z_][\w-]*", word):
            return False
        return not self.shape.fields or word.lower() in self.shape.fields


Explained = tuple[int, Loc | None, str]  # 0-based line, field path, message


def explain(text: str, exc: yaml.MarkedYAMLError, shape: Shape) -> Explained | None:
    """Say what the editor wrote wrong, and where (0-based line, field path, message), or
    None to fall back on PyYAML's words."""
    return _explain(_Text(text, shape), exc)


def _explain(doc: _Text, exc: yaml.MarkedYAMLError) -> Explained | None:
    """Say what the editor wrote wrong, and where, or None to fall back on PyYAML's words."""
    problem, context = exc.problem or "", exc.context or ""
    at, ctx = exc.problem_mark, exc.context_mark
    if at is None:
        return None
    if quote := _unclosed_quote(doc, at.line):
        return quote
    if "quoted scalar" in context and "end of stream" in problem and ctx is not None:
        return _never_closed(doc, ctx.line, ctx.column)
    if "'\\t'" in problem:
        if not doc.line(at.line)[: at.column].strip():
            return at.line, None, "tabs can't indent YAML; indent with spaces"
        return at.line, doc.path(at.line), "YAML doesn't allow a tab here; use a space"
    for mark in (ctx, at):
        if mark is not None and (reserved := _reserved_start(doc, mark.line, mark.column)):
            return reserved
    if (
        "flow" in context
        and ctx is not None
        and doc.line(ctx.line)[ctx.column : ctx.column + 1] in ("[", "{")
        and not _closes(doc.line(ctx.line), ctx.column)
    ):
        return _unclosed_bracket(doc, ctx.line, ctx.column)
    if "could not find expected ':'" in problem and ctx is not None:
        return _missing_colon(doc, ctx.line, ctx.column)
    if "mapping values are not allowed" in problem:
        return _colon(doc, at.line, at.column)
    if problem.startswith("expected <block end>"):
        return _block_end(doc, exc, at.line, at.column)
    if problem.startswith("expected '<document start>'"):  # the first field indented
        return _indented(doc, at.line)
    if "unknown escape character" in problem and ctx is not None:
        key = doc.keys.get(ctx.line)
        inner = key.value.strip()[1:].removesuffix('"') if key and key.value else ""
        suggestion = f": {_suggest(key.key, inner)}" if key and inner else ""
        return (
            ctx.line,
            doc.path(ctx.line),
            'a backslash (\\) inside "double quotes" starts an escape such as \\n; '
            f"write \\\\ for a backslash, or put the text in 'single quotes'{suggestion}",
        )
    if "another document" in problem:
        return at.line, None, 'a line "---" starts a second document; remove it (one issue a file)'
    return None


def _unclosed_quote(doc: _Text, line: int) -> Explained | None:
    """A quote opened on an earlier line that ran on to `line`, where PyYAML stopped."""
    last = None
    try:
        for token in yaml.scan(doc.text, Loader=yaml.SafeLoader):
            if token.start_mark.line > line:
                break
            if isinstance(token, yaml.ScalarToken) and token.style in ("'", '"'):
                last = token
    except yaml.YAMLError:
        pass
    if last is None or last.end_mark.line != line or last.start_mark.line == line:
        return None
    return _never_closed(doc, last.start_mark.line, last.start_mark.column)


def _never_closed(doc: _Text, line: int, column: int) -> Explained:
    quote = doc.line(line)[column : column + 1] or '"'
    return line, doc.path(line), f"this quote ({quote}) is never closed"


def _reserved_start(doc: _Text, line: int, column: int) -> Explained | None:
    """A value starting with a character YAML keeps for itself, such as @ or *."""
    key = doc.value_at(line, column)
    if key is None or key.value is None or key.value[0] not in _RESERVED:
        return None
    first = key.value[0]
    if first in "|>" and _BLOCK_HEADER.fullmatch(key.value):
        return None
    return (
        line,
        doc.path(line),
        f"a value starting with {first} needs quotes: {_suggest(key.key, key.value)}",
    )


def _closes(line: str, column: int) -> bool:
    """Whether the bracket at `column` of `line` is closed on that line."""
    depth, quote = 0, ""
    for char in line[column:]:
        if quote:
            quote = "" if char == quote else quote
        elif char in "\"'":
            quote = char
        elif char in "[{":
            depth += 1
        elif char in "]}":
            depth -= 1
            if depth == 0:
                return True
    return False


def _unclosed_bracket(doc: _Text, line: int, column: int) -> Explained:
    bracket = doc.line(line)[column : column + 1]
    message = f"this bracket ({bracket}) is never closed"
    key = doc.value_at(line, column)
    if key is not None and key.value is not None:
        suggestion = _suggest(key.key, key.value)
        message += f"; if it is part of the text, put the text in quotes: {suggestion}"
    return line, doc.path(line), message


def _missing_colon(doc: _Text, line: int, column: int) -> Explained:
    """A line PyYAML read as the start of a key whose colon never came."""
    text = doc.line(line)[column:].strip()
    container = doc.container(line, column)
    glued = re.fullmatch(r"([A-Za-z_][\w-]*):(\S.*)", text)
    if glued:
        key, value = glued.groups()
        return (
            line,
            (*container, key),
            f"put a space after the colon: {key}: {_shorten(value)}",
        )
    word, _, rest = text.partition(" ")
    if doc.is_field(word):
        suggestion = f"{word}: {_shorten(rest.strip())}".rstrip()
        return (
            line,
            (*container, word),
            f"line {line + 1} has no colon after its field name: {suggestion}",
        )
    header = _block_above(doc, line)
    if header is not None:
        return (
            line,
            None,
            f"line {line + 1} is indented less than the text above it; indent all of the "
            f'text under "{header.key}:" alike',
        )
    message = f'line {line + 1} has no "name: value" colon'
    above = doc.previous(line)
    key = doc.keys.get(above) if above is not None else None
    if key is not None and column <= key.key_col:
        message += f'; if it continues the text above, indent it further than "{key.key}:"'
    return line, None, message


def _block_above(doc: _Text, line: int) -> _Key | None:
    """The `key: |` (or `>`) whose lines of text `line` follows, if it follows some."""
    above = doc.previous(line)
    for number in range(line - 1, -1, -1):
        key = doc.keys.get(number)
        if key is not None:
            header = key.value is not None and _BLOCK_HEADER.fullmatch(key.value)
            return key if header and number != above else None
    return None


def _colon(doc: _Text, line: int, column: int) -> Explained:
    """PyYAML found a `: ` where it was reading a value."""
    key = doc.keys.get(line)
    at_end = not doc.line(line)[column + 1 :].strip()
    if key is not None and key.value is not None and column >= key.value_col:
        return _colon_in_value(doc, key, at_end)
    above = doc.previous(line)
    before = doc.keys.get(above) if above is not None else None
    if key is not None and above is not None and before is None:
        text = doc.line(above)
        start = len(text) - len(text.lstrip(" -"))
        if start == key.key_col and not text.lstrip().startswith("#"):
            # PyYAML read the line above, which has no colon, as the start of a long key.
            return _missing_colon(doc, above, start)
    if key is None or before is None or before.value is None:
        return _indented(doc, line)
    # The line is indented deeper than the one above, so PyYAML read it as more of its value.
    if not before.dash and doc.is_list(doc.container(before.number, before.key_col)):
        return _needs_dash(doc, before)
    if doc.shape.fields and not key.dash and not doc.is_field(key.key):  # text, with a colon
        value = f"{before.value} {doc.line(line).strip()}"
        joined = _Key(before.number, before.indent, False, before.key, 0, value, 0)
        return _colon_in_value(doc, joined, at_end)
    return _indented(doc, line)


def _indented(doc: _Text, line: int) -> Explained:
    """Line `line`, or a line near it that is the odd one, is out of line with the others."""
    blamed = _blame(doc, line)
    if blamed is not None:
        first, header = blamed
        return (
            first,
            None,
            f"line {first + 1} is indented differently from the lines below it "
            f'(the text under "{header}:" must all be indented alike)',
        )
    odd = _odd_line(doc, line)
    if odd != line:
        return odd, None, f"line {odd + 1} is indented differently from the lines around it"
    return line, None, f"line {line + 1} is indented differently from the lines above it"


def _blame(doc: _Text, line: int) -> tuple[int, str] | None:
    """The first line of a block of text indented deeper than the rest of it (as
    `body: |`), with its field, if that is what went wrong at `line`."""
    if line in doc.keys:
        return None
    for number in range(line - 1, -1, -1):
        key = doc.keys.get(number)
        if key is None:
            continue
        if key.value is None or not _BLOCK_HEADER.fullmatch(key.value):
            return None
        first = doc.next(number)
        if (
            first is not None
            and doc.next(first) == line  # the text's second line is where PyYAML stopped
            and _indent(doc.line(doc.next(line) or line)) == _indent(doc.line(line))
            and _indent(doc.line(first)) > _indent(doc.line(line)) > key.key_col
        ):
            return first, key.key
        return None
    return None


def _odd_line(doc: _Text, line: int) -> int:
    """`line` was indented differently from the line above it: which of the two is the odd
    one, judged by the lines around them."""
    here = doc.keys.get(line)
    above_number = doc.previous(line)
    above = doc.keys.get(above_number) if above_number is not None else None
    if here is None or above is None or here.key_col == above.key_col:
        return line
    before_number = doc.previous(above.number)
    before = doc.keys.get(before_number) if before_number is not None else None
    after = next((doc.keys[n] for n in sorted(doc.keys) if n > line), None)
    agreed_below = after is not None and after.key_col == here.key_col
    if before is None:
        return above.number if agreed_below else line
    if before.value is None or _BLOCK_HEADER.fullmatch(before.value):  # the first line under
        return above.number if above.key_col <= before.key_col or agreed_below else line
    if before.key_col == above.key_col:
        return line
    return above.number if before.key_col == here.key_col or agreed_below else line


def _colon_in_value(doc: _Text, key: _Key, at_end: bool) -> Explained:
    assert key.value is not None
    if key.value[0] in "\"'":
        return _after_quote(doc, key)
    where = "at the end of a value" if at_end else "followed by a space in a value"
    return (
        key.number,
        doc.path(key.number),
        f"a colon {where} needs quotes: {_suggest(key.key, key.value)}",
    )


def _after_quote(doc: _Text, key: _Key) -> Explained:
    assert key.value is not None
    value = key.value
    if len(value) > 1 and value[-1] == value[0]:  # quotes inside quotes: keep the outer ones out
        value = value[1:-1]
    return (
        key.number,
        doc.path(key.number),
        "text goes on after the closing quote; put all of the text in quotes: "
        + _suggest(key.key, value),
    )


def needs_dash(key: str, value: str | None) -> str:
    """The message for a list item written without its "- ", shown with its first field."""
    suggestion = f"{key}: {_shorten(value)}" if value else f"{key}:"
    return f'a list item must start with "- ": - {suggestion}'


def _needs_dash(doc: _Text, key: _Key) -> Explained:
    return key.number, doc.container(key.number, key.indent), needs_dash(key.key, key.value)


def _block_end(doc: _Text, exc: yaml.MarkedYAMLError, line: int, column: int) -> Explained:
    """A line that does not fit the block (mapping or list) above it."""
    problem, context = exc.problem or "", exc.context or ""
    key = doc.keys.get(line)
    text = doc.line(line)
    if problem.endswith("'-'"):  # a list item where the fields of a mapping go on
        above = doc.previous(line)
        in_item = above is not None and any(isinstance(p, int) for p in doc.path(above) or ())
        if above is not None and in_item and _indent(doc.line(above)) > column:
            return _indented(doc, line)
        loc = (*doc.container(line, column), key.key) if key else None
        return (
            line,
            loc,
            f'line {line + 1} starts with "- ", but a field goes here, not a list item: '
            'remove the "- "',
        )
    if problem.endswith("'?'") and "collection" in context:  # a field where a "- " goes
        if re.match(r" *-[^\s-]", text):
            rest = text.lstrip()[1:]
            where = doc.container(line, _indent(text))
            return line, where, f'put a space after the "-": - {_shorten(rest)}'
        first = exc.context_mark.line if exc.context_mark else line
        first_key = doc.keys.get(first)
        if doc.shape.lists and first_key is not None:
            where = doc.container(first, first_key.indent)
            if not doc.is_list(where):
                return (
                    first,
                    (*where, first_key.key),
                    f'line {first + 1} starts with "- ", but a field goes here, not a list '
                    'item: remove the "- "',
                )
        if key is not None and key.key in _item_above(doc, key):
            return _needs_dash(doc, key)
        return _indented(doc, line)
    if problem.endswith("'<scalar>'") and key is not None and key.value:
        if column > key.value_col and key.value[0] in "\"'":
            return _after_quote(doc, key)
        if column > key.value_col and key.value[0] in "[{":
            message = f"a value starting with {key.value[0]} needs quotes: "
            return line, doc.path(line), message + _suggest(key.key, key.value)
    return _indented(doc, line)


def _item_above(doc: _Text, key: _Key) -> set[str]:
    """The fields of the list item just above `key`, whose "- " stands at `key`'s column."""
    found: set[str] = set()
    for number in range(key.number - 1, -1, -1):
        other = doc.keys.get(number)
        if other is None:
            continue
        if other.indent < key.indent:
            return set()  # not in a list at this column
        if other.key_col == key.indent + 2:
            found.add(other.key)
        if other.dash and other.indent == key.indent:
            return found
    return set()


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _shorten(value: str | None) -> str:
    """The start of the editor's text, cut at a word and marked `...` if it was longer."""
    value = (value or "").strip()
    if len(value) <= _SHORT:
        return value
    cut = value.rfind(" ", 0, _SHORT)
    return value[: cut if cut > _SHORT // 2 else _SHORT].rstrip() + " ..."


def _suggest(key: str, value: str | None) -> str:
    """`key: "value"`, quoted so that YAML reads the editor's text as it stands."""
    if '"' in (value or "") or "\\" in (value or ""):
        return f"{key}: '" + _shorten(value).replace("'", "''") + "'"
    return f'{key}: "{_shorten(value)}"'
