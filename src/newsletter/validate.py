"""Turn pydantic's findings into one located, readable line per problem."""

from __future__ import annotations

import difflib
import typing
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from newsletter.errors import InputError, Problem
from newsletter.load import Loc, SourceMap, dotted

M = TypeVar("M", bound=BaseModel)

_TYPE_NAMES = {
    str: "text",
    int: "a whole number",
    float: "a number",
    bool: "true/false",
    list: "a list",
    dict: "a mapping of fields",
    type(None): "nothing",
}


def validate(model: type[M], data: Any, smap: SourceMap) -> M:
    """Build `model` from `data`, or raise InputError with every problem located."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise InputError(
            sorted(_problem(model, err, smap) for err in exc.errors(include_url=False))
        ) from None


def _problem(model: type[BaseModel], err: Any, smap: SourceMap) -> Problem:
    loc: Loc = tuple(err["loc"])
    kind = err["type"]
    given = err.get("input")
    if kind == "extra_forbidden":
        known = _fields_at(model, loc[:-1])
        close = difflib.get_close_matches(str(loc[-1]), known, n=1, cutoff=0.6)
        hint = f" (did you mean '{close[0]}'?)" if close else f" (known: {', '.join(known)})"
        return smap.problem(loc, f"unknown field{hint}")
    if kind == "missing":
        return Problem(smap.file, smap.line(loc), dotted(loc), "required field is missing")
    if kind.endswith("_type") or kind in ("int_parsing", "int_from_float"):
        wanted = _TYPE_NAMES.get(_wanted_type(kind), kind.removesuffix("_type"))
        msg = f"expected {wanted}, got {_TYPE_NAMES.get(type(given), type(given).__name__)}"
        if wanted == "text" and isinstance(given, int | float | bool):
            msg += " (put it in quotes)"
        return smap.problem(loc, msg)
    if kind in ("date_parsing", "date_from_datetime_parsing", "date_from_datetime_inexact"):
        return smap.problem(loc, f"expected a date like 2012-07-31, got {given!r}")
    if kind == "string_too_short":
        return smap.problem(loc, "must not be empty")
    if kind == "string_too_long":
        return smap.problem(loc, f"too long ({len(given):,} characters)")
    if kind == "literal_error":
        allowed = err["ctx"]["expected"].replace("'", "")
        return smap.problem(loc, f"must be one of {allowed}, got {given!r}")
    if kind == "value_error":
        return smap.problem(loc, str(err["ctx"]["error"]))
    return smap.problem(loc, err["msg"][:1].lower() + err["msg"][1:])


def _wanted_type(kind: str) -> type:
    return {
        "string_type": str,
        "int_type": int,
        "int_parsing": int,
        "int_from_float": int,
        "float_type": float,
        "bool_type": bool,
        "list_type": list,
        "model_type": dict,
        "dict_type": dict,
        "model_attributes_type": dict,
    }.get(kind, object)


def _fields_at(model: type[BaseModel], loc: Loc) -> list[str]:
    """Names of the fields of the model found at `loc` inside `model`."""
    current: Any = model
    for part in loc:
        if isinstance(part, int):
            continue
        field = current.model_fields.get(part)
        if field is None:
            return []
        current = _model_in(field.annotation)
        if current is None:
            return []
    return list(current.model_fields)


def _model_in(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in typing.get_args(annotation):
        found = _model_in(arg)
        if found is not None:
            return found
    return None
