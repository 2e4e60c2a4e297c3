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
from newsletter.reading.load import Loc, Shape, SourceMap, dotted
from newsletter.reading.yaml_mistakes import needs_dash

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


# Words editors write for a field, and the fields they may mean, in order: an unknown field is
# offered the first of them that its record has (`summary` is a story's field, but the lead's
# is `standfirst`).
_STANDFIRST = ("standfirst", "summary")
SYNONYMS: dict[str, tuple[str, ...]] = {
    **dict.fromkeys(
        ("subtitle", "summary", "standfirst", "dek", "deck", "teaser", "subhead", "strapline"),
        _STANDFIRST,
    ),
    **dict.fromkeys(("intro", "lede", "description"), (*_STANDFIRST, "caption")),
    **dict.fromkeys(("image", "picture", "img", "pic", "file", "src", "path"), ("photo",)),
    **dict.fromkeys(("photos", "images", "pictures", "slideshow"), ("gallery",)),
    **dict.fromkeys(("link", "href", "address", "website", "permalink"), ("url",)),
    **dict.fromkeys(("headline", "heading", "hed"), ("title",)),
    **dict.fromkeys(("text", "content", "article"), ("body",)),
    **dict.fromkeys(("kicker", "tag", "category", "section", "rubric"), ("label",)),
    **dict.fromkeys(("photographer", "author", "byline", "source"), ("credit",)),
    **dict.fromkeys(("alt_text", "alttext", "alternative"), ("alt",)),
    **dict.fromkeys(("cutline", "legend"), ("caption",)),
    **dict.fromkeys(("related", "links", "further_reading"), ("see_also",)),
    **dict.fromkeys(("email", "e_mail", "mail", "feedback"), ("contact",)),
    **dict.fromkeys(("lang", "locale"), ("language",)),
    **dict.fromkeys(("no", "nr", "num", "issue", "issue_number", "edition"), ("number",)),
    **dict.fromkeys(("preview", "preview_text"), ("preheader",)),
    **dict.fromkeys(("published", "pubdate", "issue_date"), ("date",)),
    **dict.fromkeys(("other_stories", "more_stories", "articles"), ("stories",)),
}


def did_you_mean(key: str, fields: list[str]) -> str | None:
    """The field that an unknown `key` most likely stands for: a synonym, or a close spelling."""
    word = key.strip().lower().replace("-", "_").replace(" ", "_")
    for candidate in SYNONYMS.get(word, ()):
        if candidate in fields and candidate != key:
            return candidate
    import difflib  # here: only a mistake needs it

    close = difflib.get_close_matches(key, fields, n=1, cutoff=0.6)
    close = close or difflib.get_close_matches(word, fields, n=1, cutoff=0.6)
    return close[0] if close else None


def shape(cls: type) -> Shape:
    """What a file holding the dataclass `cls` may contain, for explaining YAML mistakes: its
    field names and the paths of its lists of records."""
    names: set[str] = set()
    lists: set[str] = set()

    def visit(record: type, path: str) -> None:
        for name, tp in field_types(record).items():
            names.add(name)
            inner = _bare(tp)
            here = f"{path}.{name}" if path else name
            if typing.get_origin(inner) is list:
                item = _bare(typing.get_args(inner)[0])
                if dataclasses.is_dataclass(item):
                    lists.add(here)
                    visit(typing.cast(type, item), here)
            elif dataclasses.is_dataclass(inner):
                visit(typing.cast(type, inner), here)

    visit(cls, "")
    return Shape(frozenset(names), frozenset(lists))


def _bare(tp: Any) -> Any:
    """`tp` without its `Annotated` rules and its `| None`."""
    if typing.get_origin(tp) is typing.Annotated:
        return _bare(typing.get_args(tp)[0])
    if typing.get_origin(tp) in (typing.Union, types.UnionType):
        (inner,) = [option for option in typing.get_args(tp) if option is not type(None)]
        return _bare(inner)
    return tp


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
        if not loc:
            problems.append(smap.problem(loc, _not_fields(cls, value)))
            raise _Invalid
        raise _wrong_type(value, dict, loc, smap, problems)
    fields = {f.name: f for f in dataclasses.fields(cls)}
    types_ = field_types(cls)
    failed = False
    for key in value:
        if key not in fields:
            meant = did_you_mean(str(key), list(fields))
            hint = f"did you mean '{meant}'?" if meant else f"known: {', '.join(fields)}"
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
    if value is None:
        raise _wrong_type(value, dt.date, loc, smap, problems)
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
    if value is None:
        problems.append(smap.problem(loc, _empty(wanted, loc, smap)))
        return _Invalid()
    if wanted is list and isinstance(value, dict) and value:  # items written without "- "
        first = next(iter(value))
        shown = value[first] if isinstance(value[first], str) else None
        line = smap.line((*loc, first))
        problems.append(Problem(smap.file, line, dotted(loc), needs_dash(str(first), shown)))
        return _Invalid()
    got = SCALARS.get(type(value)) or _OTHER_NAMES.get(type(value)) or type(value).__name__
    message = f"expected {SCALARS.get(wanted) or _OTHER_NAMES[wanted]}, got {got}"
    if wanted is str and isinstance(value, int | float | bool | dt.date):
        message += " (put it in quotes)"
    problems.append(smap.problem(loc, message))
    return _Invalid()


_TO_WRITE: dict[type, str] = {  # what an empty field needs, as a message asks for it
    str: "the text",
    int: "a whole number",
    float: "a number",
    bool: "true or false",
    dt.date: "a date like 2012-07-31",
}


def _empty(wanted: type, loc: Loc, smap: SourceMap) -> str:
    """The message for a field whose value was left out."""
    if wanted is list:
        message = 'is empty; list its items below it, each starting with "- ", or remove it'
    elif wanted is dict:
        message = "is empty; write its fields below it, indented"
    elif loc and isinstance(loc[-1], str):
        message = f'is empty; write {_TO_WRITE.get(wanted, "its value")} after "{loc[-1]}:"'
    else:
        message = f"is empty; write {_TO_WRITE.get(wanted, 'its value')}"
    if loc in smap.commented_out:
        message += " (what follows # is a comment; to begin the text with #, put it in quotes)"
    return message


def _not_fields(cls: type, value: Any) -> str:
    """The message for a file that holds a list or a text rather than fields."""
    required = [
        f.name
        for f in dataclasses.fields(cls)
        if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
    ]
    example = ", ".join(f"{name}: ..." for name in required[:3])
    if value is None:
        got = "has none"
    elif isinstance(value, list):
        got = 'is a list (its lines start with "- ")'
    elif isinstance(value, str):
        got = "is only text"
    else:
        got = f"is {SCALARS.get(type(value)) or type(value).__name__}"
    return f'expected fields, one "name: value" a line ({example}), but the file {got}'
