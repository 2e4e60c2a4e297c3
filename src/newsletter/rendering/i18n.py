"""Languages: the templates' fixed labels from gettext catalogs, dates and direction via Babel.

Catalogs live in templates/locale/<language>/LC_MESSAGES/messages.po, the layout translators
and `pybabel` know. They are read as they are (compiled in memory), so an edited .po shows in
the next build without a compile step. English is the templates' own text and needs neither
a catalog nor Babel, whose locale data is slow to load.
"""

from __future__ import annotations

import datetime as dt
import functools
import gettext
import io
from pathlib import Path

SOURCE_LANGUAGE = "en"
_ENGLISH_MONTHS = (
    *("January", "February", "March", "April", "May", "June"),
    *("July", "August", "September", "October", "November", "December"),
)


def locale_id(language: str) -> str:
    """The CLDR locale of an issue's language code: `uz-Cyrl` is `uz_Cyrl`, and an ISO 639-3
    code CLDR knows under another name is that name (`prs`, Dari, is `fa_AF`)."""
    if language == SOURCE_LANGUAGE:
        return language
    from babel.core import get_global

    base, _, rest = language.replace("-", "_").partition("_")
    alias = str(get_global("language_aliases").get(base, base))
    return f"{alias}_{rest}" if rest else alias


def html_lang(language: str) -> str:
    """The issue's language as a BCP 47 tag for `lang=""`: `fa-AF` for `prs`."""
    return locale_id(language).replace("_", "-")


def fallbacks(language: str) -> list[str]:
    """The locales to look for a catalog under, most specific first: `fa_AF`, then `fa`."""
    parts = locale_id(language).split("_")
    return ["_".join(parts[:i]) for i in range(len(parts), 0, -1)]


def catalog_path(locale_dir: Path, language: str) -> Path:
    """Where the catalog of `language` lives."""
    return locale_dir / language.replace("-", "_") / "LC_MESSAGES" / "messages.po"


def translations(locale_dirs: list[Path], language: str) -> gettext.NullTranslations:
    """The labels for `language` from the first of `locale_dirs` with a catalog; English (the
    templates' text) where none has one."""
    path = _find_catalog(locale_dirs, language)
    if language == SOURCE_LANGUAGE or path is None:
        return gettext.NullTranslations()
    return _compiled(path, path.stat().st_mtime_ns)


def _find_catalog(locale_dirs: list[Path], language: str) -> Path | None:
    """The first catalog found, in the language's own locale before its parent's, the
    desk's folder before the default theme's."""
    if language == SOURCE_LANGUAGE:
        return None
    paths = (
        catalog_path(folder, name)
        for name in [language, *fallbacks(language)]
        for folder in locale_dirs
    )
    return next((path for path in paths if path.is_file()), None)


@functools.lru_cache(maxsize=16)
def _compiled(path: Path, mtime: int) -> gettext.GNUTranslations:
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    with path.open("rb") as po:
        catalog = read_po(po)
    mo = io.BytesIO()
    write_mo(mo, catalog)  # fuzzy entries are left out, as `pybabel compile` does
    mo.seek(0)
    return gettext.GNUTranslations(mo)


def has_catalog(locale_dirs: list[Path], language: str) -> bool:
    """True when the labels of `language` are translated (English always is)."""
    return language == SOURCE_LANGUAGE or _find_catalog(locale_dirs, language) is not None


def known_language(language: str) -> bool:
    """True when Babel (CLDR) knows the language, so dates and direction can be had."""
    if language == SOURCE_LANGUAGE:
        return True
    from babel import Locale, UnknownLocaleError

    try:
        Locale.parse(locale_id(language))
    except (UnknownLocaleError, ValueError):
        return False
    return True


def unknown_language(language: str) -> str:
    """What to say of a language code CLDR does not know."""
    return (
        f"unknown language {language!r}: not a language Unicode CLDR knows "
        "(a code such as en, ru, tg, ky, kk, uz, uz-Cyrl, tk, fa, prs)"
    )


def long_date(value: dt.date, language: str) -> str:
    """The date as the edition writes it: 31 July 2012, 31 июля 2012 г."""
    if language == SOURCE_LANGUAGE:  # the desk's British style; Babel's "d MMMM y"
        return f"{value.day} {_ENGLISH_MONTHS[value.month - 1]} {value.year}"
    from babel.dates import format_date

    return format_date(value, "long", locale=locale_id(language))


def direction(language: str) -> str:
    """`rtl` for right-to-left scripts (Arabic, Persian, Hebrew...), else `ltr`."""
    if language == SOURCE_LANGUAGE:
        return "ltr"
    from babel import Locale

    order = Locale.parse(locale_id(language)).character_order
    return "rtl" if order == "right-to-left" else "ltr"
