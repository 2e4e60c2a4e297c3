"""Check plain data against a dataclass's annotations; every problem one located line.

All problems are collected before anything is raised, so an editor sees them all at once.

The field types understood are `str`, `int`, `float`, `bool`, `dt.date`, `Literal[...]`,
`list[X]`, `dict[str, X]`, a dataclass, `X | None` and `Annotated[X, Rule(...)]`. A record
declaring any other type is refused when its module loads (`check_declarations`), so a field
can never be accepted without being checked.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import types
import typing
from typing import Any, Literal, TypeVar

from newsletter.errors import InputError, Problem
from newsletter.reading.fields import Rule
from newsletter.reading.load import Loc, SourceMap, dotted

T = TypeVar("T")

SCALARS: dict[type, str] = {  # the plain types, and how a message names them
    str: "text",
    int: "a whole number",
    float: "a number",
    bool: "true or false",
    dt.date: "a date",
}
_OTHER_NAMES: dict[type, str] = {
    list: "a list",
    dict: "a mapping of fields",
    type(None): "nothing",
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


def check_declarations(cls: type, where: str = "") -> None:
    """Raise TypeError if a field of the dataclass `cls` (or of a record inside it) has a type
    this module has no rule for. Called where each record is declared."""
    where = where or cls.__name__
    for name, tp in field_types(cls).items():
        _check_type(tp, f"{where}.{name}")


def _check_type(tp: Any, where: str) -> None:
    origin = typing.get_origin(tp)
    args = typing.get_args(tp)
    if origin is typing.Annotated:
        base, *rules = args
        if not all(isinstance(rule, Rule) for rule in rules):
            raise TypeError(f"{where}: Annotated takes Rule(...) only, got {rules!r}")
        _check_type(base, where)
    elif origin in (typing.Union, types.UnionType):
        inner = [option for option in args if option is not type(None)]
        if len(inner) != 1 or len(args) != 2:
            raise TypeError(f"{where}: only `X | None` unions are supported, got {tp!r}")
        _check_type(inner[0], where)
    elif origin is Literal:
        if not all(isinstance(a, str | int) and not isinstance(a, bool) for a in args):
            raise TypeError(f"{where}: Literal values must be text or whole numbers")
    elif origin is list:
        _check_type(args[0], f"{where}[]")
    elif origin is dict:
        if args[0] is not str:
            raise TypeError(f"{where}: mappings must have text keys, got {tp!r}")
        _check_type(args[1], f"{where}[]")
    elif dataclasses.is_dataclass(tp):
        check_declarations(typing.cast(type, tp), where)
    elif tp not in SCALARS:
        raise TypeError(f"{where}: no validation rule for the type {tp!r}")


def _convert(value: Any, tp: Any, loc: Loc, smap: SourceMap, problems: list[Problem]) -> Any:
    origin = typing.get_origin(tp)
    if origin is typing.Annotated:
        base, *rules = typing.get_args(tp)
        value = _convert(value, base, loc, smap, problems)
        for rule in rules:
            try:
                value = rule.check(value)
            except ValueError as exc:
                problems.append(smap.problem(loc, str(exc)))
                raise _Invalid from None
        return value
    if origin in (typing.Union, types.UnionType):
        if value is None:
            return None
        (inner,) = [o for o in typing.get_args(tp) if o is not type(None)]
        return _convert(value, inner, loc, smap, problems)
    if origin is Literal:
        allowed = typing.get_args(tp)
        if value not in allowed or isinstance(value, bool):
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
    if tp is float:
        return _convert_float(value, loc, smap, problems)
    if tp in (str, int, bool):
        if type(value) is not tp:  # exactly: True is not a number, 1 is not true
            raise _wrong_type(value, tp, loc, smap, problems)
        return value
    raise TypeError(f"no validation rule for the type {tp!r}")  # check_declarations refuses it


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


def _convert_float(value: Any, loc: Loc, smap: SourceMap, problems: list[Problem]) -> float:
    if type(value) not in (int, float):
        raise _wrong_type(value, float, loc, smap, problems)
    if not math.isfinite(value):
        problems.append(smap.problem(loc, f"expected a number, got {value!r}"))
        raise _Invalid
    return float(value)


def _wrong_type(
    value: Any, wanted: type, loc: Loc, smap: SourceMap, problems: list[Problem]
) -> _Invalid:
    got = SCALARS.get(type(value)) or _OTHER_NAMES.get(type(value)) or type(value).__name__
    message = f"expected {SCALARS.get(wanted) or _OTHER_NAMES[wanted]}, got {got}"
    if wanted is str and isinstance(value, int | float | bool | dt.date):
        message += " (put it in quotes)"
    problems.append(smap.problem(loc, message))
    return _Invalid()
