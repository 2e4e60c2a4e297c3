"""The command line's on-disk cache of compiled regular expressions (regex_cache.py)."""

from __future__ import annotations

import _sre  # type: ignore[import-not-found]
import marshal
import os
import re
import subprocess
import sys
import zlib
from pathlib import Path
from typing import Any

from newsletter import regex_cache

from .conftest import SAMPLE, run_newsletter


def _build(tmp_path: Path, cache: Path) -> str:
    env = {**os.environ, "NEWSLETTER_CACHE_DIR": str(cache)}
    done = run_newsletter("build", str(SAMPLE), "--out", str(tmp_path / "out"), env=env)
    assert done.returncode == 0, done.stderr
    return (tmp_path / "out" / SAMPLE.stem / "index.html").read_text()


def _in_new_process(code: str, path: Path, *python_flags: str) -> subprocess.CompletedProcess[str]:
    script = f"import re, sys\nfrom pathlib import Path\nfrom newsletter import regex_cache\n{code}"
    return subprocess.run(
        [sys.executable, *python_flags, "-c", script, str(path)],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )


def _table(path: Path) -> dict[Any, Any]:
    data = path.read_bytes()
    assert zlib.crc32(data[4:]).to_bytes(4, "big") == data[:4]
    table: dict[Any, Any] = marshal.loads(data[4:])
    return table


def _write_table(path: Path, table: dict[Any, Any]) -> None:
    payload = marshal.dumps(table)
    path.write_bytes(zlib.crc32(payload).to_bytes(4, "big") + payload)


# In a second process: fail if anything is parsed (compiled) rather than read from the file.
NO_PARSING = (
    "class NoParsing:\n"
    "    def parse(self, pattern, flags):\n"
    "        raise AssertionError(f'compiled again: {pattern!r}')\n"
    "regex_cache._parser = NoParsing()\n"
)


def test_every_pattern_a_build_caches_equals_a_fresh_compile(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    _build(tmp_path, cache)
    table = _table(regex_cache.cache_file(cache))
    assert len(table) > 200  # PyYAML, Jinja2, markdown-it-py, cssutils, email, ...
    for (is_bytes, pattern, flags), entry in table.items():
        assert is_bytes == isinstance(pattern, bytes)
        cached = _sre.compile(pattern, *entry)
        fresh = re._compiler.compile(pattern, flags)  # type: ignore[attr-defined]
        # A Pattern's equality compares its flags, its source and its compiled code.
        assert cached == fresh, pattern
        assert (cached.groups, cached.groupindex) == (fresh.groups, fresh.groupindex)


def test_a_pattern_compiled_once_comes_from_the_file_next_time(tmp_path: Path) -> None:
    path = tmp_path / "regex.marshal"
    compile_it = "re.compile(r'(?P<word>[a-z]+)-(\\d{2,})', re.IGNORECASE)"
    first = _in_new_process(
        f"path = Path(sys.argv[1])\nregex_cache.install(path)\n{compile_it}\n"
        "regex_cache.save(path)\n",
        path,
    )
    assert first.returncode == 0, first.stderr
    second = _in_new_process(
        "regex_cache.install(Path(sys.argv[1]))\n"
        f"{NO_PARSING}"
        f"found = {compile_it}.search('x ABC-123')\n"
        "print(found.group('word'), found.group(2), found.span())\n",
        path,
    )
    assert second.returncode == 0, second.stderr
    assert second.stdout.split() == ["ABC", "123", "(2,", "9)"]


def test_str_and_bytes_twins_are_kept_apart(tmp_path: Path) -> None:
    path = tmp_path / "regex.marshal"
    both = "print(re.compile('a+').match('aa'), re.compile(b'a+').match(b'aa'))\n"
    # -bb turns comparing str with bytes into an error: "a+" and b"a+" hash alike.
    first = _in_new_process(
        f"path = Path(sys.argv[1])\nregex_cache.install(path)\n{both}regex_cache.save(path)\n",
        path,
        "-bb",
    )
    second = _in_new_process(
        f"regex_cache.install(Path(sys.argv[1]))\n{NO_PARSING}{both}", path, "-bb"
    )
    for done in (first, second):
        assert done.returncode == 0, done.stderr
        assert done.stdout == (
            "<re.Match object; span=(0, 2), match='aa'> "
            "<re.Match object; span=(0, 2), match=b'aa'>\n"
        )


def test_a_damaged_file_or_entry_only_means_compiling_as_usual(tmp_path: Path) -> None:
    path = tmp_path / "regex.marshal"
    path.write_bytes(b"not marshal data")
    compile_it = "print(re.compile('ab+c').fullmatch('abbbc') is not None)\n"
    damaged = _in_new_process(
        f"path = Path(sys.argv[1])\nregex_cache.install(path)\n{compile_it}"
        "regex_cache.save(path)\n",
        path,
    )
    assert (damaged.returncode, damaged.stdout) == (0, "True\n"), damaged.stderr
    table = _table(path)  # replaced by a good file
    key = (False, "ab+c", 0)
    good = table[key]
    # Entries the engine refuses: code it does not accept, numbers too big for it.
    for code in ([1, 2, 3], [2**40] * 4):
        table[key] = (good[0], code, *good[2:])
        _write_table(path, table)
        bad_entry = _in_new_process(f"regex_cache.install(Path(sys.argv[1]))\n{compile_it}", path)
        assert (bad_entry.returncode, bad_entry.stdout) == (0, "True\n"), bad_entry.stderr
    # A file whose contents no longer match their checksum is not read at all.
    table[key] = good
    _write_table(path, table)
    path.write_bytes(path.read_bytes()[:-1] + b"\x00")
    ignored = _in_new_process("regex_cache.install(Path(sys.argv[1]))\n" + compile_it, path)
    assert ignored.stdout == "True\n"
    unread = _in_new_process(
        "regex_cache.install(Path(sys.argv[1]))\nprint(len(regex_cache._table))\n", path
    )
    assert unread.stdout == "0\n"


def test_a_parser_warning_still_points_at_the_caller(tmp_path: Path) -> None:
    done = _in_new_process(
        "import warnings\n"
        "regex_cache.install(Path(sys.argv[1]))\n"
        "with warnings.catch_warnings(record=True) as caught:\n"
        "    warnings.simplefilter('always')\n"
        "    re.compile('[[a]')\n"
        "print(caught[0].category.__name__, caught[0].filename)\n",
        tmp_path / "regex.marshal",
    )
    assert (done.returncode, done.stdout) == (0, "FutureWarning <string>\n"), done.stderr


def test_patterns_of_other_types_are_compiled_as_usual(tmp_path: Path) -> None:
    path = tmp_path / "regex.marshal"
    done = _in_new_process(
        "class Text(str):\n    pass\n"
        "path = Path(sys.argv[1])\n"
        "regex_cache.install(path)\n"
        "print(re.compile(Text('x+y')).fullmatch('xxy') is not None)\n"
        "re.compile('plain')\n"
        "regex_cache.save(path)\n",
        path,
    )
    assert (done.returncode, done.stdout) == (0, "True\n"), done.stderr
    keys = set(_table(path))
    assert (False, "plain", 0) in keys
    assert all(type(pattern) in (str, bytes) for _, pattern, _ in keys)


def test_the_cache_does_not_change_what_a_build_writes(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    first = _build(tmp_path, cache)  # compiles everything and writes the file
    assert regex_cache.cache_file(cache).exists()
    assert _build(tmp_path, cache) == first  # served from the file


def test_the_file_stays_small_when_patterns_change_every_run(tmp_path: Path) -> None:
    path = tmp_path / "regex.marshal"
    for run in range(3):
        done = _in_new_process(
            "path = Path(sys.argv[1])\n"
            "regex_cache.install(path)\n"
            f"for i in range({regex_cache.MAX_ENTRIES}):\n"
            f"    re.compile('run{run}-' + str(i))\n"
            "regex_cache.save(path)\n",
            path,
        )
        assert done.returncode == 0, done.stderr
        assert len(_table(path)) <= regex_cache.MAX_ENTRIES


def test_no_home_folder_does_not_stop_a_command(tmp_path: Path) -> None:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("HOME", "XDG_CACHE_HOME", "NEWSLETTER_CACHE_DIR")
    }
    # Path.home() falls back to the password database: make it fail too.
    script = (
        "import pwd, sys\n"
        "def nobody(uid):\n    raise KeyError(uid)\n"
        "pwd.getpwuid = nobody\n"
        "from newsletter.cli import run\n"
        "run(['schema'])\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert '"$schema"' in done.stdout
