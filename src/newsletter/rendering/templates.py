"""The templates: a Jinja2 environment that escapes MJML, knows the edition's language and
turns a mistake in a template into a located error."""

from __future__ import annotations

import contextlib
import sys
import traceback
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from newsletter.errors import InputError, Problem, display_path
from newsletter.rendering import i18n, text_layout

HTML_TEMPLATE = "email.mjml.j2"
LOCALE_DIR = "locale"  # under the templates folder: <language>/LC_MESSAGES/messages.po
TEXT_TEMPLATE = "email.txt.j2"


def environment(
    folders: list[Path], cache_dir: Path | None = None, language: str = i18n.SOURCE_LANGUAGE
) -> jinja2.Environment:
    """A Jinja2 environment that escapes everything in MJML and fails on any unknown name.

    Templates are looked up in `folders` in order (the desk's, then the default theme's:
    theme.theme_folders).
    Labels (`_("...")`) and dates come out in `language`. With `cache_dir`, compiled templates
    are kept there for the next process.
    """
    bytecode_cache = None
    if cache_dir is not None:
        with contextlib.suppress(OSError):
            (cache_dir / "templates").mkdir(parents=True, exist_ok=True)
            bytecode_cache = jinja2.FileSystemBytecodeCache(str(cache_dir / "templates"))
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(folders),
        bytecode_cache=bytecode_cache,
        # Escape everything but the plain-text part (which is not HTML).
        autoescape=jinja2.select_autoescape(
            enabled_extensions=("mjml.j2", "html.j2"),
            disabled_extensions=("txt.j2",),
            default_for_string=True,
            default=True,
        ),
        undefined=jinja2.StrictUndefined,
        extensions=["jinja2.ext.i18n"],
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.install_gettext_translations(  # type: ignore[attr-defined]
        i18n.translations([folder / LOCALE_DIR for folder in folders], language), newstyle=True
    )
    env.filters["long_date"] = lambda value: i18n.long_date(value, language)
    env.filters["wrap"] = wrap
    env.filters["isolate"] = isolate
    env.filters["labelled"] = text_layout.labelled
    return env


def isolate(text: str) -> Markup:
    """`text` (escaped) in a <bdi>: a name set into a sentence keeps its own direction and
    leaves the sentence's alone (a Persian credit in an English caption, and the reverse)."""
    return Markup("<bdi>%s</bdi>") % text


def wrap(
    text: str, width: int = text_layout.WIDTH, indent: str = "", first: str | None = None
) -> str:
    """Fold text at `width` columns without ever breaking an address."""
    return text_layout.fill(str(text), width, indent, first)


def render_template(env: jinja2.Environment, name: str, context: dict[str, Any]) -> str:
    """Render one template; a mistake in it becomes `templates/x.j2:LINE: message`."""
    try:
        return env.get_template(name).render(context)
    except jinja2.TemplateSyntaxError as exc:
        where = display_path(Path(exc.filename)) if exc.filename else name
        message = exc.message or "syntax error"
        raise InputError([Problem(where, exc.lineno, None, message)]) from None
    except jinja2.TemplateNotFound as exc:
        raise InputError([Problem(name, None, None, f"template not found: {exc.name}")]) from None
    except jinja2.TemplateError as exc:
        file, line = _template_frame(env)
        raise InputError([Problem(file or name, line, None, str(exc))]) from None


def _template_frame(env: jinja2.Environment) -> tuple[str | None, int | None]:
    """The innermost template file and line of the exception being handled."""
    loader = env.loader
    roots = [Path(p).resolve() for p in getattr(loader, "searchpath", [])]
    found: tuple[str | None, int | None] = (None, None)
    for frame in traceback.extract_tb(sys.exc_info()[2]):
        path = Path(frame.filename).resolve()
        if any(path.is_relative_to(root) for root in roots):
            found = (display_path(path), frame.lineno)
    return found
