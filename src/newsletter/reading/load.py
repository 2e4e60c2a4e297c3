"""Read a YAML file into plain Python data, remembering the line of every value.

Only the safe subset an editor needs is accepted: no anchors or aliases (no "billion laughs"),
no tags that construct objects, no duplicate keys.
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

Loc = tuple[str | int, ...]

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

    def line(self, loc: Loc) -> int | None:
        """Return the line of `loc`, or of its nearest ancestor that exists in the file."""
        for end in range(len(loc), -1, -1):
            if loc[:end] in self.lines:
                return self.lines[loc[:end]]
        return None

    def problem(self, loc: Loc, message: str) -> Problem:
        """Make a problem located at `loc`."""
        return Problem(self.file, self.line(loc), dotted(loc) or None, message)


def dotted(loc: Loc) -> str:
    """Spell a path of keys as an editor reads it: `lead.gallery[2].photo`."""
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out


class _RefuseAliases(Composer):
    """Composes nodes, refusing anchors and aliases instead of expanding them."""

    def compose_node(self, parent: Node | None, index: int) -> Node | None:
        if self.check_event(AliasEvent):  # type: ignore[attr-defined]
            event = self.peek_event()  # type: ignore[attr-defined]
            raise yaml.MarkedYAMLError(
                problem="anchors and aliases (& and *) are not allowed; write the value out",
                problem_mark=event.start_mark,
            )
        return super().compose_node(parent, index)


class _NoAliasLoader(_RefuseAliases, yaml.SafeLoader):
    """PyYAML's safe loader, refusing anchors and aliases."""


def load_yaml(path: Path, display: str) -> tuple[Any, SourceMap]:
    """Load `path`; raise InputError listing every problem, each at its line."""
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
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        what = exc.problem or "invalid YAML"
        if exc.context and exc.context_mark and exc.context_mark is not mark:
            what += f" ({exc.context}, line {exc.context_mark.line + 1})"
        raise InputError([Problem(display, line, None, f"invalid YAML: {what}")]) from None
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
        data = _construct(loader, root, (), smap, problems) if root is not None else None
    finally:
        loader.dispose()
    return data, smap, problems


def _construct(
    loader: SafeConstructor, node: Node, loc: Loc, smap: SourceMap, problems: list[Problem]
) -> Any:
    line = node.start_mark.line + 1
    smap.lines.setdefault(loc, line)
    if isinstance(node, ScalarNode):
        if node.tag not in _PLAIN_TAGS:
            problems.append(smap.problem(loc, f"YAML tag {node.tag!r} is not allowed"))
            return None
        if node.style in ("|", ">"):
            smap.block_scalars.add(loc)
        return loader.construct_object(node, deep=True)
    if isinstance(node, SequenceNode):
        if node.tag != "tag:yaml.org,2002:seq":
            problems.append(smap.problem(loc, f"YAML tag {node.tag!r} is not allowed"))
            return None
        return [
            _construct(loader, item, (*loc, i), smap, problems) for i, item in enumerate(node.value)
        ]
    assert isinstance(node, MappingNode)
    if node.tag != "tag:yaml.org,2002:map":
        problems.append(smap.problem(loc, f"YAML tag {node.tag!r} is not allowed"))
        return None
    out: dict[str, Any] = {}
    first_line: dict[str, int] = {}
    for key_node, value_node in node.value:
        key_line = key_node.start_mark.line + 1
        if not isinstance(key_node, ScalarNode) or key_node.tag != "tag:yaml.org,2002:str":
            problems.append(Problem(smap.file, key_line, None, "keys must be plain words"))
            continue
        key = key_node.value
        if key in first_line:
            problems.append(
                Problem(
                    smap.file,
                    key_line,
                    _child(loc, key),
                    f"duplicate key (first given at line {first_line[key]})",
                )
            )
            continue
        first_line[key] = key_line
        smap.lines[(*loc, key)] = key_line
        out[key] = _construct(loader, value_node, (*loc, key), smap, problems)
    return out


def _child(loc: Loc, key: str) -> str:
    return dotted((*loc, key))
