"""The command line's on-disk cache of compiled regular expressions (regex_cache.py)."""

from __future__ import annotations

import _sre  # type: ignore[import-not-found]
import marshal
import os
import re
import subprocess
import sys
from pathlib import Path

from newsletter import regex_cache

from .conftest import SAMPLE, run_newsletter


def _build(tmp_path: Path, cache: Path) -> str:
    env = {**os.environ, "NEWSLETTER_CACHE_DIR": str(cache)}
    done = run_newsletter("build", str(SAMPLE), "--out", str(tmp_path / "out"), env=env)
    assert done.returncode == 0, done.stderr
    return (tmp_path / "out" / SAMPLE.stem / "index.html").read_text()


def _in_new_process(code: str, path: Path) -> subprocess.CompletedProcess[str]:
    script = f"import re, sys\nfrom pathlib import Path\nfrom newsletter import regex_cache\n{code}"
    return subprocess.run(
        [sys.executable, "-c", script, str(path)],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )


def test_every_pattern_a_build_caches_equals_a_fresh_compile(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    _build(tmp_path, cache)
    table = marshal.loads(regex_cache.cache_file(cache).read_bytes())
    assert len(table) > 200  # PyYAML, Jinja2, markdown-it-py, cssutils, email, ...
    for (pattern, flags), entry in table.items():
        cached = _sre.compile(pattern, *entry)
        fresh = re._compiler.compile(pattern, flags)  # type: ignore[attr-defined]
        # A Pattern's equality compares its flags, its source and its compiled code.
        assert cached == fresh, pattern
        assert (cached.groups, cached.groupindex) == (fresh.groups, fresh.groupindex)


def test_a_pattern_compiled_once_comes_from_the_file_next_time(tmp_path: Path) -> None:
    path = tmp_path / "regex.marshal"
    first = _in_new_process(
        "path = Path(sys.argv[1])\n"
        "regex_cache.install(path)\n"
        "re.compile(r'(?P<word>[a-z]+)-(\\d{2,})', re.IGNORECASE)\n"
        "regex_cache.save(path)\n",
        path,
    )
    assert first.returncode == 0, first.stderr
    second = _in_new_process(
        "path = Path(sys.argv[1])\n"
        "regex_cache.install(path)\n"
        "def compile_again(pattern, flags):\n"
        "    raise AssertionError('compiled again: ' + pattern)\n"
        "regex_cache._compiled = compile_again\n"
        "found = re.compile(r'(?P<word>[a-z]+)-(\\d{2,})', re.IGNORECASE).search('x ABC-123')\n"
        "print(found.group('word'), found.group(2), found.span())\n",
        path,
    )
    assert second.returncode == 0, second.stderr
    assert second.stdout.split() == ["ABC", "123", "(2,", "9)"]


def test_a_damaged_file_or_entry_only_means_compiling_as_usual(tmp_path: Path) -> None:
    path = tmp_path / "regex.marshal"
    path.write_bytes(b"not marshal data")
    damaged = _in_new_process(
        "path = Path(sys.argv[1])\n"
        "regex_cache.install(path)\n"
        "print(re.compile('ab+c').fullmatch('abbbc') is not None)\n"
        "regex_cache.save(path)\n",
        path,
    )
    assert (damaged.returncode, damaged.stdout) == (0, "True\n"), damaged.stderr
    # The file was replaced by a good one; now break the entry's code.
    table = marshal.loads(path.read_bytes())
    entry = table[("ab+c", 0)]
    table[("ab+c", 0)] = (entry[0], [1, 2, 3], *entry[2:])
    path.write_bytes(marshal.dumps(table))
    bad_entry = _in_new_process(
        "regex_cache.install(Path(sys.argv[1]))\n"
        "print(re.compile('ab+c').fullmatch('abbbc') is not None)\n",
        path,
    )
    assert (bad_entry.returncode, bad_entry.stdout) == (0, "True\n"), bad_entry.stderr


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
            f"for i in range({regex_cache.MAX_ENTRIES // 2}):\n"
            f"    re.compile('run{run}-' + str(i))\n"
            "regex_cache.save(path)\n",
            path,
        )
        assert done.returncode == 0, done.stderr
    assert len(marshal.loads(path.read_bytes())) <= regex_cache.MAX_ENTRIES
