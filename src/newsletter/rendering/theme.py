"""The default theme, and a desk's own files over it.

The repository's top-level `templates/` folder is the default theme's source: the MJML and
text templates, their partials and the locale catalogs. The wheel carries it as
`newsletter/theme/` (pyproject's `force-include`), so an installed `newsletter` builds an issue
anywhere; an editable install (a checkout) reads `templates/` itself. A desk that names a
folder in newsletter.toml (`templates = "our-theme"`) overrides only the files that folder
holds, file by file, as MkDocs' `custom_dir` does: a folder with just
`partials/footer.mjml.j2` changes the footer and nothing else.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent.parent
PACKAGED = _PACKAGE / "theme"  # in an installed wheel
CHECKOUT = _PACKAGE.parent.parent / "templates"  # src/newsletter/ -> the repository's templates/


def default_theme() -> Path:
    """The folder of the default theme's files."""
    return PACKAGED if PACKAGED.is_dir() else CHECKOUT


def theme_folders(desk: Path | None) -> list[Path]:
    """Where templates and catalogs are looked up, first match wins: the desk's folder (if
    any), then the default theme."""
    default = default_theme()
    if desk is None or desk.resolve() == default.resolve():
        return [default]
    return [desk, default]
