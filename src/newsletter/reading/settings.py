"""The desk's settings, `newsletter.toml`: brand, sender, footer, addresses, colours."""

from __future__ import annotations

import dataclasses
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Literal

from newsletter.errors import InputError, Problem, display_path
from newsletter.reading.fields import Colour, Email, Rule, Text, Url, check_web_url, doc
from newsletter.reading.load import SourceMap
from newsletter.reading.validate import check_declarations, validate

CONFIG_NAME = "newsletter.toml"

# Placeholders that mailing services replace per subscriber; they must pass through untouched.
_MERGE_TAG = re.compile(
    r"^(\*\|[A-Z0-9_:]+\|\*"  # Mailchimp: *|UNSUB|*
    r"|\{\{\s*[A-Za-z_][\w.]*\s*\}\}"  # Liquid / Handlebars: {{ unsubscribe_url }}
    r"|\{\{\{\s*[A-Za-z_][\w.]*\s*\}\}\}"  # triple-stash: {{{unsubscribe}}}
    r"|%[A-Za-z_][\w]*%"  # %unsubscribe_url%
    r"|\[[A-Za-z_][\w]*\]"  # [unsubscribe]
    r"|<%[A-Za-z_ ]+%>)$"  # <%asm_group_unsubscribe_raw_url%>
)


def is_merge_tag(value: str) -> bool:
    """True when `value` is a mailing service's placeholder rather than an address."""
    return bool(_MERGE_TAG.match(value))


def _check_unsubscribe(value: str) -> str:
    value = value.strip()
    if is_merge_tag(value) or value.lower().startswith("mailto:"):
        return value
    try:
        return check_web_url(value)
    except ValueError:
        raise ValueError(
            f"not a web address, mailto: address or merge tag such as *|UNSUB|*: {value!r}"
        ) from None


Unsubscribe = Annotated[str, Rule(_check_unsubscribe)]


def _query_value(value: str) -> str:
    if re.search(r"[\x00-\x1f\x7f]", value):
        raise ValueError("contains a control character")
    return value


def _domain(value: str) -> str:
    value = value.strip().lower().rstrip(".")
    try:
        ascii_name = value.encode("idna").decode("ascii")
    except UnicodeError:
        ascii_name = ""
    if not re.fullmatch(
        r"[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+", ascii_name
    ):
        raise ValueError(f"not a domain name such as example.org: {value!r}")
    return value


QueryValue = Annotated[str, Rule(_query_value)]
Domain = Annotated[str, Rule(_domain)]
_PARAMETER_NAME = re.compile(r"^[A-Za-z0-9_.~-]+$")


@dataclass(frozen=True)
class Sender:
    """Who the e-mail is from, and the postal address the law asks for in the footer."""

    name: Text = "Central Asia Desk"
    address: Email = "newsletter@example.org"
    postal_address: Text = "Postal address not configured"


@dataclass(frozen=True)
class Links:
    """Addresses the e-mail links to."""

    unsubscribe: Unsubscribe | None = field(
        default=None, metadata=doc("https://, mailto: or a merge tag such as *|UNSUB|*.")
    )
    web: Url | None = field(
        default=None, metadata=doc("Web copy of an issue; {issue} becomes the file's stem.")
    )
    image_base_url: Url | None = field(
        default=None, metadata=doc("Where images/ will be hosted; makes <img src> absolute.")
    )
    tracking: dict[str, QueryValue] = field(
        default_factory=dict,
        metadata=doc(
            "Parameters added to every link to the desk's own site, e.g. "
            '{ utm_source = "newsletter", utm_medium = "email", utm_campaign = "{issue}" }; '
            "{issue} and {language} are filled in."
        ),
    )
    tracking_domains: list[Domain] = field(
        default_factory=list,
        metadata=doc(
            "The desk's own sites: links to them (and their subdomains) get `tracking`; "
            "default: the domain of `web`."
        ),
    )


@dataclass(frozen=True)
class Colours:
    """The palette; text on background and links on background must stay readable."""

    text: Colour = "#1f2328"
    muted: Colour = "#57606a"
    background: Colour = "#ffffff"
    page: Colour = "#eef0f2"
    link: Colour = "#0b57a4"
    brand: Colour = "#8a1c1c"
    rule: Colour = "#848d97"  # quotes' bars, table rules, <hr>: 3:1 against the background
    # In dark mode (clients that honour prefers-color-scheme, and Outlook.com). Text colours
    # need a luminance above 200 (of 255) to survive Thunderbird's own dark recolouring,
    # which replaces darker ones with its grey: hence the pale brand, link and muted colours.
    dark_text: Colour = "#e6e8eb"
    dark_muted: Colour = "#c5ccd4"
    dark_background: Colour = "#1b1f24"
    dark_page: Colour = "#111417"
    dark_link: Colour = "#a8d4ff"
    dark_brand: Colour = "#ffbdbd"
    dark_rule: Colour = "#6e7681"


def _seconds(value: int) -> int:
    if not 1 <= value <= 600:
        raise ValueError(f"expected 1 to 600 seconds, got {value}")
    return value


def _port(value: int) -> int:
    if not 1 <= value <= 65535:
        raise ValueError(f"not a port number: {value}")
    return value


@dataclass(frozen=True)
class Smtp:
    """Where `newsletter send` delivers test messages. The password is never stored here: it
    comes from the environment variable NEWSLETTER_SMTP_PASSWORD."""

    host: Text = "localhost"
    port: Annotated[int, Rule(_port)] | None = field(
        default=None, metadata=doc("Default: 587 for starttls, 465 for ssl, 25 for none.")
    )
    security: Literal["starttls", "ssl", "none"] = "starttls"
    user: Text | None = None
    ca_file: Text | None = field(
        default=None,
        metadata=doc(
            "Certificate authority to trust (a file, relative to this one), e.g. a "
            "server's self-signed certificate; default: the system's."
        ),
    )
    timeout: Annotated[int, Rule(_seconds)] = field(
        default=20, metadata=doc("Seconds to wait for the server before giving up.")
    )


# The SSIMULACRA2 score every photo keeps unless the settings say otherwise (70: good, 80: very
# good, 90: hard to tell from the original).
QUALITY_FLOOR = 76.5


def _quality_floor(value: float) -> float:
    if not 60 <= value <= 95:
        raise ValueError(f"expected an SSIMULACRA2 score from 60 to 95, got {value}")
    return value


@dataclass(frozen=True)
class Images:
    """How photos are compressed."""

    quality_floor: Annotated[float, Rule(_quality_floor, {"minimum": 60, "maximum": 95})] = field(
        default=QUALITY_FLOOR,
        metadata=doc(
            "The SSIMULACRA2 score every photo keeps (70 good, 80 very good, 90 close to "
            "the original); each is saved at the lowest quality that reaches it."
        ),
    )


@dataclass(frozen=True)
class Check:
    """`newsletter check`'s switches."""

    disable: list[Text] = field(default_factory=list, metadata=doc("Rule codes to skip."))


@dataclass(frozen=True)
class Edition:
    """What differs in one language's edition; anything left out is as in the main settings."""

    name: Text | None = None
    tagline: Text | None = None
    sender_name: Text | None = None
    postal_address: Text | None = None


_FONT_STACK = re.compile(r"""^[A-Za-z0-9 ,'"-]+$""")


def _font_stack(value: str) -> str:
    value = " ".join(value.split())
    if not _FONT_STACK.match(value):
        raise ValueError(
            "expected a list of font names such as Georgia, 'Times New Roman', serif "
            f"(letters, digits, spaces, quotes, hyphens and commas only), got {value!r}"
        )
    return value


FontStack = Annotated[str, Rule(_font_stack, {"pattern": _FONT_STACK.pattern})]


@dataclass(frozen=True)
class Theme:
    """How the e-mail looks beyond its templates: the logo and the type."""

    logo: Text | None = field(
        default=None,
        metadata=doc(
            "A PNG or JPEG, relative to this file, shown in the masthead instead of the name "
            "(at most 240 px wide; its alt text is the newsletter's name)."
        ),
    )
    heading_font: FontStack = field(
        default="Georgia, 'Times New Roman', Times, serif",
        metadata=doc("Font stack of every headline and of the name."),
    )
    body_font: FontStack = field(
        default="-apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif",
        metadata=doc("Font stack of the text."),
    )


@dataclass(frozen=True)
class Settings:
    """Everything in `newsletter.toml`."""

    name: Text = "Central Asia Weekly"
    tagline: Text | None = None
    templates: Text | None = field(
        default=None,
        metadata=doc(
            "The desk's own template folder, relative to this file: each file in it replaces "
            "the default theme's file of the same name (e.g. partials/footer.mjml.j2)."
        ),
    )
    sender: Sender = field(default_factory=Sender)
    links: Links = field(default_factory=Links)
    colours: Colours = field(default_factory=Colours)
    theme: Theme = field(default_factory=Theme)
    smtp: Smtp = field(default_factory=Smtp)
    images: Images = field(default_factory=Images)
    check: Check = field(default_factory=Check)
    languages: dict[str, Edition] = field(
        default_factory=dict, metadata=doc("Per-language overrides: [languages.ru] name = ...")
    )
    feeds: dict[str, Url] = field(
        default_factory=dict,
        metadata=doc(
            "The website feed of each edition, for `newsletter new --from-feed`: "
            '[feeds] en = "https://.../rss.xml"'
        ),
    )

    def logo_path(self, config_path: Path) -> Path | None:
        """The logo's file, if the settings name one."""
        return (config_path.parent / self.theme.logo).resolve() if self.theme.logo else None

    def templates_folder(self, config_path: Path) -> Path | None:
        """The desk's template folder, if the settings name one."""
        return config_path.parent / self.templates if self.templates else None

    def for_language(self, language: str) -> Settings:
        """These settings with the `language` edition's overrides applied."""
        edition = self.languages.get(language)
        if edition is None:
            return self
        sender = dataclasses.replace(
            self.sender,
            name=edition.sender_name or self.sender.name,
            postal_address=edition.postal_address or self.sender.postal_address,
        )
        return dataclasses.replace(
            self,
            name=edition.name or self.name,
            tagline=edition.tagline or self.tagline,
            sender=sender,
        )


check_declarations(Settings)


def find_config(start: Path) -> Path | None:
    """Find `newsletter.toml` in `start` or the nearest folder above it."""
    for folder in (start.resolve(), *start.resolve().parents):
        if (folder / CONFIG_NAME).is_file():
            return folder / CONFIG_NAME
    return None


def settings_file(folder: Path, config: Path | None = None) -> Path | None:
    """The settings that apply to the files in `folder`: `config` if given, else the
    newsletter.toml nearest `folder`, else the working folder's."""
    return config or find_config(folder) or find_config(Path.cwd())


def load_settings(path: Path) -> Settings:
    """Read and validate the settings file; raise InputError with every problem located."""
    display = display_path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError([Problem(display, None, None, "settings file not found")]) from None
    except UnicodeDecodeError:
        raise InputError([Problem(display, None, None, "not UTF-8 text")]) from None
    except OSError as exc:
        raise InputError([Problem(display, None, None, f"cannot read: {exc.strerror}")]) from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        found = re.search(r"\(at line (\d+), column \d+\)", str(exc))
        line = int(found.group(1)) if found else None
        message = re.sub(r"\s*\(at line.*\)$", "", str(exc))
        raise InputError([Problem(display, line, None, f"invalid TOML: {message}")]) from None
    lines = toml_lines(text, display)
    settings = validate(Settings, data, lines)
    problems = []
    folder = settings.templates_folder(path)
    if folder is not None and not folder.is_dir():
        message = f"no such folder: {settings.templates} (relative to {display})"
        problems.append(lines.problem(("templates",), message))
    for name in settings.links.tracking:
        if not _PARAMETER_NAME.match(name):
            message = f"not a parameter name: {name!r} (letters, digits, and _ . ~ - only)"
            problems.append(lines.problem(("links", "tracking"), message))
    logo = settings.logo_path(path)
    if logo is not None and not logo.is_file():
        message = f"file not found: {settings.theme.logo} (relative to {display})"
        problems.append(lines.problem(("theme", "logo"), message))
    if problems:
        raise InputError(problems)
    return settings


def settings_lines(path: Path) -> SourceMap:
    """The line of each key of a settings file (for messages about its values)."""
    return toml_lines(path.read_text(encoding="utf-8"), display_path(path))


def toml_lines(text: str, display: str) -> SourceMap:
    """Locate each `key =` line under its `[table]`; enough for settings' flat tables."""
    smap = SourceMap(display)
    table: tuple[str, ...] = ()
    for number, line in enumerate(text.splitlines(), start=1):
        header = re.match(r"^\s*\[([A-Za-z0-9_.\s-]+)\]\s*(#.*)?$", line)
        if header:
            table = tuple(part.strip() for part in header.group(1).split("."))
            smap.lines[table] = number
            continue
        key = re.match(r"^\s*([A-Za-z0-9_-]+)\s*=", line)
        if key:
            smap.lines[(*table, key.group(1))] = number
    return smap
