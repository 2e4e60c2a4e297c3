"""Inline CSS with premailer: never fetches anything, keeps what cannot be inlined."""

from __future__ import annotations

import hashlib
import json
import logging
import re
from pathlib import Path
from types import ModuleType
from typing import Any

from newsletter.cache_folder import store
from newsletter.deferred_import import defer_import
from newsletter.errors import InputError, Problem

# premailer's and cssutils' means of fetching stylesheets: never used with network access off
for _module in ("requests", "urllib.request", "importlib.metadata"):
    defer_import(_module)

import cssutils  # noqa: E402
import premailer  # noqa: E402
from premailer import Premailer  # noqa: E402

# premailer re-parses each element's existing style attribute with cssutils' validation on,
# whatever `disable_validation` says; validating compiles cssutils' large property regexes
# (about 150 ms a process). We never want cssutils to validate, so give it no profiles.
cssutils.profile.removeProfile(all=True)


# Only <style> blocks that carry this comment are inlined (the templates' own rules). MJML
# already writes inline every style its layout needs; its <style> blocks hold resets and
# media queries meant to stay in <head>, so they are left exactly as MJML wrote them. That
# also keeps the HTML smaller (no reset repeated on every <td>) and halves premailer's work.
MARKER = "/* inline */"
_IGNORE = ' data-premailer="ignore"'
_STYLE_OPEN = re.compile(r"<style\b([^>]*)>(.*?)</style>", re.DOTALL | re.IGNORECASE)


def _leave_alone(match: re.Match[str]) -> str:
    attributes, body = match.group(1), match.group(2)
    if MARKER in body:
        return f"<style{attributes}>{body.replace(MARKER, '')}</style>"
    return f"<style{_IGNORE}{attributes}>{body}</style>"


def _installed(module: ModuleType) -> tuple[object, ...]:
    """Which copy of a package is installed: its distribution's name and version, and the
    time its RECORD was written (any install or upgrade rewrites it); without one (cssutils
    has no __version__, and reading package metadata would load importlib.metadata, deferred
    above), its source files' sizes and times."""
    folder = Path(module.__file__ or "").parent
    records = sorted(folder.parent.glob(f"{module.__name__}-*.dist-info/RECORD"))
    if records:
        return (records[0].parent.name, records[0].stat().st_mtime_ns)
    return tuple(
        (str(path), path.stat().st_size, path.stat().st_mtime_ns)
        for path in sorted(folder.rglob("*.py"))
    )


_INSTALLED = (_installed(premailer), _installed(cssutils))
RULES_FORMAT = 1  # part of every key: change it when the JSON layout changes


class _Premailer(Premailer):  # type: ignore[misc]  # premailer has no type hints
    """premailer, keeping each stylesheet's parsed rules in a cache folder between runs.

    In a new process, parsing the templates' stylesheet with cssutils (pure Python) is half
    of premailer's work, 20-30 ms, and the stylesheet is the same from one build to the next.
    premailer's `_parse_style_rules` turns a stylesheet into rules that are plain strings and
    numbers; this keeps them as JSON under a hash of the stylesheet, the installed premailer
    and cssutils and the options the method reads. A stylesheet that leaves cssutils
    objects over (@media rules) is not kept. tests/test_transforms.py checks that premailer
    still calls the method and that cached and fresh rules give the same HTML.
    """

    def __init__(self, html: str, rules_cache: Path | None, **options: Any) -> None:
        super().__init__(html, **options)
        self.rules_cache = rules_cache

    def _parse_style_rules(self, css_body: str, ruleset_index: int) -> tuple[list[Any], list[Any]]:
        if self.rules_cache is None:
            return super()._parse_style_rules(css_body, ruleset_index)  # type: ignore[no-any-return]
        key = repr(
            (
                RULES_FORMAT,
                _INSTALLED,
                self.strip_important,
                self.exclude_pseudoclasses,
                self.include_star_selectors,
                self.disable_validation,
                ruleset_index,
                css_body,
            )
        )
        path = self.rules_cache / f"{hashlib.sha256(key.encode()).hexdigest()}.json"
        if (cached := _read_rules(path)) is not None:
            return cached
        rules, leftover = super()._parse_style_rules(css_body, ruleset_index)
        if all(isinstance(item, tuple) for item in leftover):
            store(path, json.dumps([rules, leftover]).encode())
        return rules, leftover


def _read_rules(path: Path) -> tuple[list[Any], list[Any]] | None:
    """The rules kept at `path`, exactly as `_parse_style_rules` returned them; None when there
    are none or they are not of that shape (a damaged entry is parsed again).

    JSON has no tuples; premailer needs them back: it sorts rules by their specificity tuple,
    and takes a leftover item that is not a tuple for an @media rule object.
    """
    try:
        rules, leftover = json.loads(path.read_text())
    except (OSError, ValueError, TypeError):
        return None
    if not (
        isinstance(rules, list)
        and isinstance(leftover, list)
        and all(_is_rule(rule) for rule in rules)
        and all(_is_list_of(item, str, 2) for item in leftover)
    ):
        return None
    return [(tuple(s), selector, bulk) for s, selector, bulk in rules], [tuple(i) for i in leftover]


def _is_rule(value: object) -> bool:
    """[specificity: [int, ...], selector: str, declarations: str]"""
    return (
        isinstance(value, list)
        and len(value) == 3
        and _is_list_of(value[0], int)
        and _is_list_of(value[1:], str, 2)
    )


def _is_list_of(value: object, kind: type, length: int | None = None) -> bool:
    return (
        isinstance(value, list)
        and (length is None or len(value) == length)
        and all(type(item) is kind for item in value)
    )


def inline_css(html: str, cache_dir: Path | None = None) -> str:
    """Copy the rules of marked <style> blocks onto elements; @media rules stay in <head>.

    With `cache_dir`, the stylesheets' parsed rules are kept there for the next process.
    """
    html = _STYLE_OPEN.sub(_leave_alone, html)
    try:
        inlined = str(
            _Premailer(
                html,
                rules_cache=None if cache_dir is None else cache_dir / "css-rules",
                allow_network=False,  # never fetch a stylesheet named in the HTML
                keep_style_tags=False,  # rules that cannot be inlined are kept regardless
                strip_important=False,  # MJML's mobile rules rely on !important
                remove_classes=False,  # media queries still select by class
                disable_validation=True,
                # Outlook reads width/height attributes as pixels; premailer would turn
                # CSS "width:100%" into width="100%" on <img>.
                disable_basic_attributes=["width", "height"],
                # It re-parses every <img> style (half of its time) to turn a CSS float into
                # align=; no image of the layout floats.
                align_floating_images=False,
                cssutils_logging_level=logging.CRITICAL,
            ).transform()
        )
    except Exception as exc:  # premailer raises plain exceptions from cssutils and lxml
        message = f"CSS inlining failed: {exc}"
        raise InputError([Problem("templates", None, None, message)]) from None
    # premailer removes the mark from the blocks it skipped, except those it never looks at
    # (inside conditional comments, or with a media attribute).
    return inlined.replace(_IGNORE, "")
