"""The hand-written validator and the schema, straight: every field type through both, and a
type without a rule refused where the record is declared."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, make_dataclass
from typing import Annotated, Any, Literal

import pytest

from newsletter.errors import InputError
from newsletter.reading.fields import Positive, Rule, Text
from newsletter.reading.load import SourceMap
from newsletter.reading.schema import record_schema
from newsletter.reading.validate import check_declarations, validate


def _even(value: int) -> int:
    if value % 2:
        raise ValueError(f"must be even, got {value}")
    return value


@dataclass(frozen=True)
class Inner:
    """A record inside a record."""

    name: str


@dataclass(frozen=True)
class Everything:
    """One field of every kind the validator understands."""

    text: str
    whole: int
    number: float
    flag: bool
    day: dt.date
    choice: Literal["a", "b"]
    items: list[int]
    table: dict[str, int]
    inner: Inner
    maybe: int | None = None
    even: Annotated[int, Rule(_even, {"multipleOf": 2})] = 0
    tags: list[Text] = field(default_factory=list)


GOOD: dict[str, Any] = {
    "text": "Khorog",
    "whole": 656,
    "number": 2.5,
    "flag": True,
    "day": dt.date(2012, 7, 31),
    "choice": "a",
    "items": [1, 2],
    "table": {"x": 1},
    "inner": {"name": "Badakhshan"},
    "maybe": None,
    "even": 4,
    "tags": ["  Pamir  "],
}


def smap_for(data: dict[str, Any]) -> SourceMap:
    """A source map that puts each top-level key on its own line, in order."""
    smap = SourceMap("x.yaml")
    for line, key in enumerate(data, start=1):
        smap.lines[(key,)] = line
    return smap


def problems(data: dict[str, Any]) -> list[str]:
    with pytest.raises(InputError) as caught:
        validate(Everything, data, smap_for(data))
    return [str(problem) for problem in caught.value.problems]


def test_every_field_type_converts() -> None:
    record = validate(Everything, GOOD, smap_for(GOOD))
    assert record == Everything(
        text="Khorog",
        whole=656,
        number=2.5,
        flag=True,
        day=dt.date(2012, 7, 31),
        choice="a",
        items=[1, 2],
        table={"x": 1},
        inner=Inner("Badakhshan"),
        even=4,
        tags=["Pamir"],  # a Text rule strips
    )
    # An integer is a number; a date may be written as text.
    again = validate(Everything, {**GOOD, "number": 3, "day": "2012-07-31"}, smap_for(GOOD))
    assert again.number == 3.0 and type(again.number) is float
    assert again.day == dt.date(2012, 7, 31)


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("text", 12, "expected text, got a whole number (put it in quotes)"),
        ("whole", True, "expected a whole number, got true or false"),
        ("whole", "656", "expected a whole number, got text"),
        ("number", "2.5", "expected a number, got text"),
        ("number", False, "expected a number, got true or false"),
        ("number", float("nan"), "expected a number, got nan"),
        ("flag", "yes", "expected true or false, got text"),
        ("flag", 1, "expected true or false, got a whole number"),
        ("day", "31 July", "expected a date like 2012-07-31, got '31 July'"),
        ("choice", "c", "must be one of a, b, got 'c'"),
        ("items", 5, "expected a list, got a whole number"),
        ("table", [1], "expected a mapping of fields, got a list"),
        ("inner", "Badakhshan", "expected a mapping of fields, got text"),
        ("maybe", "x", "expected a whole number, got text"),
        ("even", 3, "must be even, got 3"),
    ],
)
def test_every_field_type_refuses_the_wrong_value(key: str, value: Any, message: str) -> None:
    line = list(GOOD).index(key) + 1
    assert problems({**GOOD, key: value}) == [f"x.yaml:{line}: {key}: {message}"]


def test_all_problems_come_at_once_with_their_paths() -> None:
    data = {**GOOD, "items": [1, "two", 3.5], "inner": {"nam": "x"}, "extra": 1}
    del data["flag"]  # the lines follow the keys: items is on line 6, extra on 12
    assert problems(data) == [
        "x.yaml: flag: required field is missing",
        "x.yaml:6: items[1]: expected a whole number, got text",
        "x.yaml:6: items[2]: expected a whole number, got a number",
        "x.yaml:8: inner.nam: unknown field (did you mean 'name'?)",
        "x.yaml:8: inner.name: required field is missing",
        "x.yaml:12: extra: unknown field (did you mean 'text'?)",
    ]


def test_every_field_type_has_a_schema() -> None:
    schema = record_schema(Everything, "everything")
    properties = schema["properties"]
    assert properties["text"] == {"type": "string"}
    assert properties["whole"] == {"type": "integer"}
    assert properties["number"] == {"type": "number"}
    assert properties["flag"] == {"type": "boolean"}
    assert properties["day"] == {"type": "string", "format": "date"}
    assert properties["choice"] == {"enum": ["a", "b"]}
    assert properties["items"] == {"type": "array", "items": {"type": "integer"}}
    assert properties["table"] == {"type": "object", "additionalProperties": {"type": "integer"}}
    assert properties["inner"] == {"$ref": "#/$defs/Inner"}
    assert properties["maybe"] == {"type": "integer"}  # null is never worth writing
    assert properties["even"] == {"type": "integer", "multipleOf": 2, "default": 0}
    assert properties["tags"]["items"]["minLength"] == 1
    assert schema["required"] == [
        "text", "whole", "number", "flag", "day", "choice", "items", "table", "inner"
    ]  # fmt: skip
    assert schema["$defs"]["Inner"]["additionalProperties"] is False


def test_the_declared_records_pass_their_own_check() -> None:
    from newsletter.reading.model import Issue
    from newsletter.reading.settings import Settings

    check_declarations(Issue)
    check_declarations(Settings)


@pytest.mark.parametrize(
    ("annotation", "message"),
    [
        (dt.datetime, "Odd.value: no validation rule for the type <class 'datetime.datetime'>"),
        (bytes, "Odd.value: no validation rule for the type <class 'bytes'>"),
        (int | str, "Odd.value: only `X | None` unions are supported"),
        (dict[int, str], "Odd.value: mappings must have text keys"),
        (list[set[str]], "Odd.value[]: no validation rule for the type set[str]"),
        (Annotated[int, "not a rule"], "Odd.value: Annotated takes Rule(...) only"),
    ],
)
def test_a_type_without_a_rule_is_refused_where_it_is_declared(
    annotation: Any, message: str
) -> None:
    odd = make_dataclass("Odd", [("value", annotation)], frozen=True)
    with pytest.raises(TypeError) as caught:
        check_declarations(odd)
    assert str(caught.value).startswith(message)


def test_a_positive_number_rule() -> None:
    @dataclass(frozen=True)
    class Count:
        n: Positive

    assert validate(Count, {"n": 3}, SourceMap("x.yaml")).n == 3
    with pytest.raises(InputError) as caught:
        validate(Count, {"n": 0}, SourceMap("x.yaml"))
    assert str(caught.value) == "x.yaml: n: must be 1 or more, got 0"
