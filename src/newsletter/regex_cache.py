"""Keep compiled regular expressions on disk, so that a command does not recompile them.

CPython compiles each regular expression with a compiler written in Python. The libraries a
build loads (PyYAML, Jinja2, markdown-it-py, cssutils, cssselect, tomllib, email) compile
about 230 of them as they are imported, the same ones every run: a fifth of a build's work
(220 M of 1,100 M instructions). What the compiler produces, a list of integers for the
`_sre` engine, depends only on the pattern, its flags and the engine's version, so the
command line keeps it in its cache folder and hands it straight to the engine next time.

The file is named for this module's format, the exact interpreter build and `_sre.MAGIC`
(which changes whenever the engine's code format does), and carries a checksum of its
contents: a missing, stale or damaged file only means compiling as usual. tests/
test_regex_cache.py checks that each pattern a build caches equals a fresh compile (a
Pattern's equality compares its compiled code). One difference remains: a pattern served
from the file is not parsed, so the rare warnings the parser gives (such as "Possible nested
set") appear only the first time.
"""

from __future__ import annotations

import _sre  # type: ignore[import-not-found]  # the regex engine, in C; `re` is its front end
import marshal
import re
import sys
import zlib
from pathlib import Path
from re import _compiler, _parser  # type: ignore[attr-defined]  # no stubs for these
from typing import Any

from newsletter.cache_folder import store

FORMAT = 1  # in the file's name: change it when Entry or Key changes

# (pattern is bytes, pattern, flags) -> (flags after parsing, code, groups, groupindex,
# indexgroup): the arguments `re._compiler.compile` passes to `_sre.compile` besides the
# pattern. The type is in the key, as in `re`'s own cache: "a" == b"a" is False, but the two
# hash alike, and comparing them warns under `python -b`.
Key = tuple[bool, str | bytes, int]
Entry = tuple[int, list[int], int, dict[str, int], tuple[str | None, ...]]
Table = dict[Key, Entry]

# A few patterns differ from run to run (built from a set's characters, whose order varies
# with string hashing, or from a random MIME boundary), so a run that compiled something new
# writes back what it used plus what the file held, and only what it used once that passes
# this many patterns (about 1 ms to load).
MAX_ENTRIES = 500

_table: Table = {}  # as read from the file
_used: Table = {}  # what this process compiled or took from the file
_missed = False
_original_compile = _compiler.compile


def cache_file(folder: Path) -> Path:
    """The file for this format, this interpreter build and this regex engine."""
    return folder / f"regex-v{FORMAT}-{sys.hexversion:x}-{_sre.MAGIC}.marshal"


def install(path: Path) -> None:
    """Serve `re` compiles from the file at `path` (if any) and remember the ones it lacks.

    Only the first call in a process counts."""
    global _table
    if sys.implementation.name != "cpython" or _compiler.compile is _compile:
        return
    _table = _read(path)
    _compiler.compile = _compile


def save(path: Path) -> None:
    """Write the table back if this process compiled patterns it lacked; never fails."""
    if not _missed:
        return
    table = {**_table, **_used}
    if len(table) > MAX_ENTRIES:
        table = _used
    try:
        payload = marshal.dumps(table)
    except ValueError:  # something marshal cannot write slipped in: keep the old file
        return
    store(path, zlib.crc32(payload).to_bytes(4, "big") + payload)


def _read(path: Path) -> Table:
    try:
        data = path.read_bytes()
    except OSError:
        return {}
    checksum, payload = data[:4], data[4:]
    if zlib.crc32(payload).to_bytes(4, "big") != checksum:
        return {}  # damaged, or not ours
    try:
        # Our own cache folder, and its checksum matches what this module wrote.
        table = marshal.loads(payload)  # noqa: S302
    except Exception:  # whatever a damaged file raises: compile as usual
        return {}
    return table if isinstance(table, dict) else {}


def _compile(pattern: Any, flags: int = 0) -> re.Pattern[Any]:
    """`re._compiler.compile`, answered from the table when it can be.

    It replaces that function one for one, so the parser's warnings on a miss point at the
    same caller as they would without the cache."""
    global _missed
    if type(pattern) not in (str, bytes) or flags & re.DEBUG:
        return _original_compile(pattern, flags)  # type: ignore[no-any-return]  # re.Scanner
    flags = int(flags)
    key = (type(pattern) is bytes, pattern, flags)
    entry = _table.get(key)
    if entry is not None:
        try:
            compiled: re.Pattern[Any] = _sre.compile(pattern, *entry)
        except Exception:  # a damaged entry: compile it afresh
            entry = None
    if entry is None:
        # As re._compiler.compile does, keeping what it hands to the engine.
        parsed = _parser.parse(pattern, flags)
        code = [int(word) for word in _compiler._code(parsed, flags)]  # opcodes: int subclass
        groupindex = dict(parsed.state.groupdict)
        indexgroup: list[str | None] = [None] * parsed.state.groups
        for name, index in groupindex.items():
            indexgroup[index] = name
        groups = parsed.state.groups - 1
        entry = (int(flags | parsed.state.flags), code, groups, groupindex, tuple(indexgroup))
        compiled = _sre.compile(pattern, *entry)
        _missed = True
    if len(_used) < MAX_ENTRIES:  # a long preview session compiles a boundary per rebuild
        _used[key] = entry
    return compiled
