"""Read a YAML file into plain Python data, remembering the line of every value.

Only the safe subset an editor needs is accepted: no anchors or aliases (no "billion laughs"),
no tags that construct objects, no duplicate keys.

A file PyYAML cannot read is explained in an editor's words, at the line to fix
(`yaml_mistakes.py`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from yaml.composer import Composer
from yaml.constructor import SafeConstructor
from yaml.events import AliasEvent
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from newsletter.errors import InputError, Problem
from newsletter.reading.key_path import Loc, dotted
from newsletter.reading.yaml_mistakes import Shape, explain, split_lines

__all__ = ["Loc", "Shape", "SourceMap", "dotted", "load_yaml"]


_PLAIN_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:timestamp",
}
_MAX_BYTES = 20 * 1024 * 1024


@dataclass
class SourceMap:
    """The 1-based line of each value of a loaded file, addressed by its path of keys."""

    file: str
    lines: dict[Loc, int] = field(default_factory=dict)
    block_scalars: set[Loc] = field(default_factory=set)
    # Values left empty because what follows the colon starts with " #", a comment.
    commented_out: set[Loc] = field(default_factory=set)

    def line(self, loc: Loc) -> int | None:
        """Return the line of `loc`, or of its nearest ancestor that exists in the file."""
        for end in range(len(loc), -1, -1):
            if loc[:end] in self.lines:
                return self.lines[loc[:end]]
        return None

    def problem(self, loc: Loc, message: str) -> Problem:
        """Make a problem located at `loc`."""
        return Problem(self.file, self.line(loc), dotted(loc) or None, message)


class _AliasRefused(yaml.MarkedYAMLError):
    """An alias (`*name`) in the file, which is refused rather than expanded."""


class _RefuseAliases(Composer):
    """Composes nodes, refusing anchors and aliases instead of expanding them."""

    def compose_node(self, parent: Node | None, index: int) -> Node | None:
        if self.check_event(AliasEvent):  # type: ignore[attr-defined]
            event = self.peek_event()  # type: ignore[attr-defined]
            raise _AliasRefused(
                problem="anchors and aliases (& and *) are not allowed; write the value out",
                problem_mark=event.start_mark,
            )
        return super().compose_node(parent, index)


class _NoAliasLoader(_RefuseAliases, yaml.SafeLoader):
    """PyYAML's safe loader, refusing anchors and aliases."""


def load_yaml(path: Path, display: str, shape: Shape | None = None) -> tuple[Any, SourceMap]:
    """Load `path`; raise InputError listing every problem, each at its line. `shape`, what
    the file should hold, lets a YAML mistake be explained in terms of its fields."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise InputError([Problem(display, None, None, "file not found")]) from None
    except OSError as exc:
        raise InputError([Problem(display, None, None, f"cannot read: {exc.strerror}")]) from None
    if len(raw) > _MAX_BYTES:
        raise InputError([Problem(display, None, None, "file is larger than 20 MB")])
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise InputError([Problem(display, 1, None, "saved as UTF-16; save the file as UTF-8")])
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        bad_line = raw[: exc.start].count(b"\n") + 1
        raise InputError(
            [
                Problem(
                    display,
                    bad_line,
                    None,
                    f"not UTF-8 text (byte 0x{raw[exc.start]:02x}); save the file as UTF-8",
                )
            ]
        ) from None
    if not text.strip():
        raise InputError([Problem(display, None, None, "file is empty")])

    try:
        data, smap, problems = _compose(text, display)
    except yaml.MarkedYAMLError as exc:
        raise InputError([_yaml_problem(text, exc, display, shape or Shape())]) from None
    except yaml.reader.ReaderError as exc:
        line = text[: exc.position].count("\n") + 1
        message = f"invalid YAML: the character U+{exc.character:04X} is not allowed; remove it"
        raise InputError([Problem(display, line, None, message)]) from None
    except yaml.YAMLError as exc:
        message = " ".join(str(exc).split())
        raise InputError([Problem(display, None, None, f"invalid YAML: {message}")]) from None
    if problems:
        raise InputError(problems)
    return data, smap


def _compose(text: str, display: str) -> tuple[Any, SourceMap, list[Problem]]:
    """The data, the line each value stands on, and the problems found on the way."""
    smap = SourceMap(display)
    problems: list[Problem] = []
    loader = _NoAliasLoader(text)
    try:
        root = loader.get_single_node()
        if root is not None:
            data = _Builder(loader, smap, problems, split_lines(text)).build(root, ())
        else:
            data = None
    finally:
        loader.dispose()
    return data, smap, problems


@dataclass
class _Builder:
    """Turns composed nodes into plain data, noting lines and problems in `smap`."""

    loader: SafeConstructor
    smap: SourceMap
    problems: list[Problem]
    text_lines: list[str]

    def build(self, node: Node, loc: Loc) -> Any:
        smap, problems = self.smap, self.problems
        line = node.start_mark.line + 1
        smap.lines.setdefault(loc, line)
        if isinstance(node, ScalarNode):
            if node.tag not in _PLAIN_TAGS:
                problems.append(smap.problem(loc, f"YAML tag {node.tag!r} is not allowed"))
                return None
            if node.style in ("|", ">"):
                smap.block_scalars.add(loc)
            if node.tag == "tag:yaml.org,2002:null" and not node.value and self._comment(node):
                smap.commented_out.add(loc)
            return self.loader.construct_object(node, deep=True)
        if isinstance(node, SequenceNode):
            if node.tag != "tag:yaml.org,2002:seq":
                problems.append(smap.problem(loc, f"YAML tag {node.tag!r} is not allowed"))
                return None
            return [self.build(item, (*loc, i)) for i, item in enumerate(node.value)]
        assert isinstance(node, MappingNode)
        if node.tag != "tag:yaml.org,2002:map":
            problems.append(smap.problem(loc, f"YAML tag {node.tag!r} is not allowed"))
            return None
        return self._mapping(node, loc)

    def _mapping(self, node: MappingNode, loc: Loc) -> dict[str, Any]:
        smap = self.smap
        out: dict[str, Any] = {}
        first_line: dict[str, int] = {}
        in_item = bool(loc) and isinstance(loc[-1], int)
        for key_node, value_node in node.value:
            key_line = key_node.start_mark.line + 1
            key = _key_text(key_node)
            if key is None:
                self.problems.append(Problem(smap.file, key_line, None, "keys must be plain words"))
                continue
            if key in first_line:
                if in_item:  # most likely the first line of the next item, without its "- "
                    message = (
                        f"given twice in one list item (first at line {first_line[key]}); "
                        f'if line {key_line} starts a new item, begin it with "- "'
                    )
                    self.problems.append(Problem(smap.file, key_line, dotted((*loc, key)), message))
                    return out  # the rest of the item's lines belong to that next item
                message = f"given twice (first at line {first_line[key]}); keep one"
                self.problems.append(Problem(smap.file, key_line, dotted((*loc, key)), message))
                continue
            first_line[key] = key_line
            smap.lines[(*loc, key)] = key_line
            out[key] = self.build(value_node, (*loc, key))
        return out

    def _comment(self, node: ScalarNode) -> bool:
        """Whether the empty value `node` is empty because a comment follows its colon."""
        mark = node.start_mark
        if mark.line >= len(self.text_lines):
            return False
        before, after = self.text_lines[mark.line][: mark.column], self.text_lines[mark.line]
        return before.rstrip().endswith(":") and after[mark.column :].lstrip().startswith("#")


def _key_text(node: Node) -> str | None:
    """A key as text: plain words only. `no:` or `on:` (true or false to YAML) are words too."""
    if not isinstance(node, ScalarNode):
        return None
    if node.tag == "tag:yaml.org,2002:str":
        return str(node.value)
    if node.tag == "tag:yaml.org,2002:bool" and node.style is None:
        return str(node.value)
    return None


# What PyYAML counts as a line break (its marks count lines by these).


def _yaml_problem(text: str, exc: yaml.MarkedYAMLError, display: str, shape: Shape) -> Problem:
    """One located line for a mistake PyYAML stopped at, in an editor's words."""
    try:
        explained = None if isinstance(exc, _AliasRefused) else explain(text, exc, shape)
    except Exception:  # a flaw in explaining must not hide the mistake behind a traceback
        explained = None
    if explained is not None:
        line, loc, message = explained
        return Problem(display, line + 1, dotted(loc) if loc else None, message)
    mark = exc.problem_mark or exc.context_mark
    what = exc.problem or "invalid YAML"
    if exc.context and exc.context_mark and exc.context_mark is not mark:
        what += f" ({exc.context}, line {exc.context_mark.line + 1})"
    return Problem(display, mark.line + 1 if mark else None, None, f"invalid YAML: {what}")
