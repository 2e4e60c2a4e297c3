"""The issue file's JSON Schema, for completion and checking in editors.

Made from the same declarations `validate.py` checks against (model.py, fields.py).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import types
import typing
from typing import Any, Literal

from newsletter.reading.fields import Rule
from newsletter.reading.model import Issue
from newsletter.reading.validate import field_types


def issue_schema() -> dict[str, Any]:
    """Return the JSON Schema of an issue file."""
    return record_schema(Issue, "newsletter issue file")


def record_schema(cls: type, title: str) -> dict[str, Any]:
    """Return the JSON Schema of the dataclass `cls`, each record inside it under $defs."""
    definitions: dict[str, Any] = {}
    root = _object(cls, definitions)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": title,
        **root,
        "$defs": dict(sorted(definitions.items())),
    }


def _object(cls: type, definitions: dict[str, Any]) -> dict[str, Any]:
    properties: dict[str, Any] = {}
    required = []
    types_ = field_types(cls)
    for field in dataclasses.fields(cls):
        prop = _schema(types_[field.name], definitions)
        if "doc" in field.metadata:
            prop = {**prop, "description": field.metadata["doc"]}
        if field.default is not dataclasses.MISSING and field.default is not None:
            prop = {**prop, "default": field.default}
        if field.default is dataclasses.MISSING and field.default_factory is dataclasses.MISSING:
            required.append(field.name)
        properties[field.name] = prop
    return {
        "type": "object",
        "description": (cls.__doc__ or "").strip(),
        "properties": properties,
        "required": required,
        "additionalProperties": False,
    }


def _schema(tp: Any, definitions: dict[str, Any]) -> dict[str, Any]:
    origin = typing.get_origin(tp)
    if origin is typing.Annotated:
        base, *rules = typing.get_args(tp)
        schema = _schema(base, definitions)
        for rule in rules:
            if isinstance(rule, Rule):
                schema.update(rule.schema)
        return schema
    if origin in (typing.Union, types.UnionType):
        (inner,) = [o for o in typing.get_args(tp) if o is not type(None)]
        return _schema(inner, definitions)  # null is never useful to write: leave it out
    if origin is Literal:
        return {"enum": list(typing.get_args(tp))}
    if origin is list:
        (item,) = typing.get_args(tp)
        return {"type": "array", "items": _schema(item, definitions)}
    if origin is dict:
        _, value = typing.get_args(tp)
        return {"type": "object", "additionalProperties": _schema(value, definitions)}
    if dataclasses.is_dataclass(tp):
        name = typing.cast(type, tp).__name__
        if name not in definitions:
            definitions[name] = _object(typing.cast(type, tp), definitions)
        return {"$ref": f"#/$defs/{name}"}
    if tp is dt.date:
        return {"type": "string", "format": "date"}
    if tp in _JSON_TYPES:
        return {"type": _JSON_TYPES[tp]}
    raise TypeError(f"no JSON Schema for the type {tp!r}")  # check_declarations refuses it


_JSON_TYPES = {str: "string", int: "integer", float: "number", bool: "boolean"}
