"""Check plain data against a dataclass's annotations; every problem one located line.

All problems are collected before anything is raised, so an editor sees them all at once.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import types
import typing
from typing import Any, Literal, TypeVar

from newsletter.errors import InputError, Problem
from newsletter.fields import Rule
from newsletter.load import Loc, SourceMap, dotted

T = TypeVar("T")

_TYPE_NAMES: dict[type, str] = {
    str: "text",
    int: "a whole number",
    float: "a number",
    bool: "true/false",
    list: "a list",
    dict: "a mapping of fields",
    type(None): "nothing",
    dt.date: "a date",
    dt.datetime: "a date and time",
}


class _Invalid(Exception):
    """A value that could not be converted; already reported."""


def validate(cls: type[T], data: Any, smap: SourceMap) -> T:
    """Build the dataclass `cls` from `data`, or raise InputError with every problem located."""
    problems: list[Problem] = []
    try:
        result = _convert(data, cls, (), smap, problems)
    except _Invalid:
        result = None
    if problems:
        raise InputError(sorted(problems))
    return typing.cast(T, result)


def field_types(cls: type) -> dict[str, Any]:
    """The resolved annotations of a dataclass, `Annotated` rules included."""
    return typing.get_type_hints(cls, include_extras=True)


def _convert(value: Any, tp: Any, loc: Loc, smap: SourceMap, problems: list[Problem]) -> Any:
    origin = typing.get_origin(tp)
    if origin is typing.Annotated:
        base, *rules = typing.get_args(tp)
        value = _convert(value, base, loc, smap, problems)
        for rule in rules:
            if isinstance(rule, Rule):
                try:
                    value = rule.check(value)
                except ValueError as exc:
                    problems.append(smap.problem(loc, str(exc)))
                    raise _Invalid from None
        return value
    if origin in (typing.Union, types.UnionType):
        options = typing.get_args(tp)
        if value is None and type(None) in options:
            return None
        (inner,) = [o for o in options if o is not type(None)]
        return _convert(value, inner, loc, smap, problems)
    if origin is Literal:
        allowed = typing.get_args(tp)
        if value not in allowed:
            names = ", ".join(str(a) for a in allowed)
            problems.append(smap.problem(loc, f"must be one of {names}, got {value!r}"))
            raise _Invalid
        return value
    if origin is list:
        if not isinstance(value, list):
            raise _wrong_type(value, list, loc, smap, problems)
        (item_type,) = typing.get_args(tp)
        return _convert_all(
            [(item, item_type, (*loc, i)) for i, item in enumerate(value)], smap, problems
        )
    if origin is dict:
        if not isinstance(value, dict):
            raise _wrong_type(value, dict, loc, smap, problems)
        _, value_type = typing.get_args(tp)
        keys = list(value)
        converted = _convert_all(
            [(value[key], value_type, (*loc, key)) for key in keys], smap, problems
        )
        return dict(zip(keys, converted, strict=True))
    if dataclasses.is_dataclass(tp):
        return _convert_dataclass(value, typing.cast(type, tp), loc, smap, problems)
    if tp is dt.date:
        return _convert_date(value, loc, smap, problems)
    if tp in (str, int) and (type(value) is not tp):
        raise _wrong_type(value, tp, loc, smap, problems)
    return value


def _convert_all(
    jobs: list[tuple[Any, Any, Loc]], smap: SourceMap, problems: list[Problem]
) -> list[Any]:
    """Convert each (value, type, loc), reporting every failure rather than the first."""
    out, failed = [], False
    for value, tp, loc in jobs:
        try:
            out.append(_convert(value, tp, loc, smap, problems))
        except _Invalid:
            failed = True
    if failed:
        raise _Invalid
    return out


def _convert_dataclass(
    value: Any, cls: type, loc: Loc, smap: SourceMap, problems: list[Problem]
) -> Any:
    if not isinstance(value, dict):
        raise _wrong_type(value, dict, loc, smap, problems)
    fields = {f.name: f for f in dataclasses.fields(cls)}
    types_ = field_types(cls)
    failed = False
    for key in value:
        if key not in fields:
            import difflib  # here: only a mistake needs it

            close = difflib.get_close_matches(key, list(fields), n=1, cutoff=0.6)
            hint = f"did you mean '{close[0]}'?" if close else f"known: {', '.join(fields)}"
            problems.append(smap.problem((*loc, key), f"unknown field ({hint})"))
            failed = True
    for name, field in fields.items():
        required = (
            field.default is dataclasses.MISSING and field.default_factory is dataclasses.MISSING
        )
        if name not in value and required:
            problems.append(
                Problem(
                    smap.file, smap.line(loc), dotted((*loc, name)), "required field is missing"
                )
            )
            failed = True
    names = [name for name in fields if name in value]
    converted = _convert_all(
        [(value[name], types_[name], (*loc, name)) for name in names], smap, problems
    )
    if failed:
        raise _Invalid
    return cls(**dict(zip(names, converted, strict=True)))


def _convert_date(value: Any, loc: Loc, smap: SourceMap, problems: list[Problem]) -> dt.date:
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            pass
    problems.append(smap.problem(loc, f"expected a date like 2012-07-31, got {value!r}"))
    raise _Invalid


def _wrong_type(
    value: Any, wanted: type, loc: Loc, smap: SourceMap, problems: list[Problem]
) -> _Invalid:
    got = _TYPE_NAMES.get(type(value), type(value).__name__)
    message = f"expected {_TYPE_NAMES[wanted]}, got {got}"
    if wanted is str and isinstance(value, int | float | bool | dt.date):
        message += " (put it in quotes)"
    problems.append(smap.problem(loc, message))
    return _Invalid()
