"""YAML loading: only the safe subset, with every value's line remembered."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsletter.errors import InputError
from newsletter.reading.load import dotted, load_yaml


def load(tmp_path: Path, text: str) -> tuple[object, dict[tuple[str | int, ...], int]]:
    path = tmp_path / "x.yaml"
    path.write_text(text)
    data, smap = load_yaml(path, "x.yaml")
    return data, smap.lines


def test_lines_of_nested_values(tmp_path: Path) -> None:
    data, lines = load(tmp_path, "a: 1\nb:\n  - c: 2\n    d: |\n      text\n")
    assert data == {"a": 1, "b": [{"c": 2, "d": "text\n"}]}
    assert lines[("a",)] == 1
    assert lines[("b", 0)] == 3
    assert lines[("b", 0, "d")] == 4


def test_billion_laughs_is_refused_before_expanding(tmp_path: Path) -> None:
    bomb = "a: &a ['lol','lol','lol','lol','lol','lol','lol','lol','lol']\n"
    for level in "bcdefghi":
        previous = chr(ord(level) - 1)
        bomb += f"{level}: &{level} [" + ",".join([f"*{previous}"] * 9) + "]\n"
    with pytest.raises(InputError) as caught:
        load(tmp_path, bomb)
    assert str(caught.value) == (
        "x.yaml:2: invalid YAML: anchors and aliases (& and *) are not allowed; write the value out"
    )


def test_merge_keys_and_non_string_keys_are_refused(tmp_path: Path) -> None:
    with pytest.raises(InputError) as caught:
        load(tmp_path, "1: one\n? [a]\n: b\n")
    assert [str(p) for p in caught.value.problems] == [
        "x.yaml:1: keys must be plain words",
        "x.yaml:2: keys must be plain words",
    ]


def test_dotted_paths() -> None:
    assert dotted(("lead", "gallery", 2, "photo")) == "lead.gallery[2].photo"
    assert dotted(("stories", 0)) == "stories[0]"
    assert dotted(()) == ""
