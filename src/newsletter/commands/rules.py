"""The rules of `newsletter check`: what would embarrass the desk, found in the built e-mail.

Each rule has a stable code and a severity; a finding names the issue file's line and field
(or the settings file's) when that is where the cause lies. Rules register themselves with
`@rule`; `check.py` runs them.
"""

from __future__ import annotations

import functools
import re
import subprocess
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from cssselect import ExpressionError, SelectorError
from lxml import html as lxml_html
from lxml.cssselect import CSSSelector

from newsletter.delivery import spamassassin
from newsletter.delivery.limits import STYLE_LIMIT_BYTES, UNSUBSCRIBE_WITHIN
from newsletter.errors import Finding, Severity
from newsletter.pipeline import Build
from newsletter.reading.editions import read_editions, week_files
from newsletter.reading.load import Loc, SourceMap, dotted
from newsletter.rendering import link_tracking, markdown

PHOTO_WARN_BYTES = 200_000
IMAGES_WARN_BYTES = 1_000_000
SUBJECT_MAX = 78
PREHEADER_RANGE = (40, 150)
CONTRAST_MIN = 4.5  # text (WCAG AA)
RULE_CONTRAST_MIN = 3.0  # borders and rules that show structure (WCAG 1.4.11)
VAGUE_LINK_TEXT = {
    "click here",
    "here",
    "read more",
    "more",
    "link",
    "this",
    "this link",
    "continue",
    "continue reading",
    "learn more",
    "details",
    "go",
    "more info",
    "full story",
}
_C1 = re.compile("[\u0080-\u009f]")
_FILE_NAME = re.compile(
    r"^[\w.-]+\.(jpe?g|png|gif|webp|tiff?|heic)$|^(img|dsc|dscn|pxl)[_-]?\d+", re.IGNORECASE
)
_STYLE = re.compile(r"<style\b[^>]*>(.*?)</style>", re.DOTALL | re.IGNORECASE)


@dataclass(frozen=True)
class Context:
    """What the rules look at: the build, its parsed HTML, and where things came from."""

    build: Build
    tree: lxml_html.HtmlElement
    issue_map: SourceMap
    settings_map: SourceMap

    def in_issue(self, loc: Loc, code: str, severity: Severity, message: str) -> Finding:
        """A finding caused by the issue file, at `loc`."""
        return Finding(
            self.issue_map.file,
            self.issue_map.line(loc),
            dotted(loc) or None,
            message,
            code,
            severity,
        )

    def in_settings(self, loc: Loc, code: str, severity: Severity, message: str) -> Finding:
        """A finding caused by the settings file, at `loc`."""
        return Finding(
            self.settings_map.file,
            self.settings_map.line(loc),
            dotted(loc) or None,
            message,
            code,
            severity,
        )

    def build_findings(self, code: str) -> Iterator[Finding]:
        """What the build itself found under `code`."""
        return (finding for finding in self.build.findings if finding.code == code)

    @functools.cached_property
    def written(self) -> dict[str, str]:
        """Each address the e-mail carries with tracking parameters, by the address as it
        is written in the issue file or the settings (what a message should quote)."""
        issue, settings = self.build.source.issue, self.build.settings
        track = link_tracking.tracker(settings, self.build.stem, issue.language)
        urls = [issue.lead.url, *(link.url for link in issue.lead.see_also)]
        urls += [story.url for story in issue.stories]
        urls += markdown.link_addresses(issue.lead.body)
        if settings.links.web:
            urls.append(settings.links.web.replace("{issue}", self.build.stem))
        return {track(url): url for url in urls}

    def in_output(self, code: str, severity: Severity, message: str) -> Finding:
        """A finding about the e-mail as a whole."""
        return Finding(self.issue_map.file, None, None, message, code, severity)


Rule = Callable[[Context], Iterator[Finding]]
RULES: dict[str, tuple[str, Rule]] = {}
# Rules that take a second or more: `newsletter check` runs them; `build` and the preview,
# which run the rest on every build, do not.
SLOW_RULES: set[str] = set()


def rule(code: str, summary: str, *, slow: bool = False) -> Callable[[Rule], Rule]:
    """Register a rule under its code."""

    def register(function: Rule) -> Rule:
        RULES[code] = (summary, function)
        if slow:
            SLOW_RULES.add(code)
        return function

    return register


# Size ------------------------------------------------------------------------------------


@rule("NL101", "HTML size against Gmail's clipping (~102 KB)")
def html_size(ctx: Context) -> Iterator[Finding]:
    yield from ctx.build_findings("NL101")  # the build measures it


@rule("NL102", "unsubscribe link within the first 100,000 bytes")
def unsubscribe_position(ctx: Context) -> Iterator[Finding]:
    target = ctx.build.settings.links.unsubscribe
    if not target:
        return
    at = ctx.build.html.encode().find(f'href="{target}"'.encode())
    if at >= UNSUBSCRIBE_WITHIN:
        yield ctx.in_output(
            "NL102",
            "error",
            f"the unsubscribe link starts at byte {at:,}: "
            "past Gmail's clipping, readers cannot find it",
        )


@rule("NL103", "all <style> content together at most 16 KB")
def style_size(ctx: Context) -> Iterator[Finding]:
    size = sum(len(s.encode()) for s in _STYLE.findall(ctx.build.html))
    if size > STYLE_LIMIT_BYTES:
        yield ctx.in_output(
            "NL103",
            "error",
            f"<style> blocks hold {size:,} bytes: Gmail drops them all above {STYLE_LIMIT_BYTES:,}",
        )


# Images ----------------------------------------------------------------------------------


@rule("NL201", "each photo at most 200 KB, all at most 1 MB")
def image_weight(ctx: Context) -> Iterator[Finding]:
    renditions = ctx.build.renditions
    for index, rendition in enumerate(renditions):
        if len(rendition.data) > PHOTO_WARN_BYTES:
            yield ctx.in_issue(
                ("lead", "gallery", index, "photo"),
                "NL201",
                "warning",
                f"photo is {len(rendition.data) / 1000:.0f} KB after compression "
                f"(more than {PHOTO_WARN_BYTES // 1000} KB): slow on phones",
            )
    total = sum(len(r.data) for r in renditions)
    if total > IMAGES_WARN_BYTES:
        yield ctx.in_issue(
            ("lead", "gallery"),
            "NL201",
            "warning",
            f"photos weigh {total / 1e6:.1f} MB together (more than 1 MB)",
        )


@rule("NL202", "image addresses absolute (image_base_url set)")
def relative_images(ctx: Context) -> Iterator[Finding]:
    relative = [src for src in ctx.tree.xpath("//img/@src") if not urlsplit(src).scheme]
    if relative:
        yield ctx.in_settings(
            ("links",),
            "NL202",
            "error",
            f"{len(relative)} image addresses are relative ({relative[0]}): "
            "they will be broken in every inbox; upload images/ and set "
            "links.image_base_url",
        )


@rule("NL203", "alt text that describes the photo")
def alt_text(ctx: Context) -> Iterator[Finding]:
    for index, photo in enumerate(ctx.build.source.issue.lead.gallery):
        alt = photo.alt or ""
        stem = Path(photo.photo).stem
        if alt and (
            _FILE_NAME.search(alt) or alt.lower() in (stem.lower(), Path(photo.photo).name.lower())
        ):
            yield ctx.in_issue(
                ("lead", "gallery", index, "alt"),
                "NL203",
                "error",
                f"alt text is a file name ({alt!r}): say what the photo shows",
            )


@rule("NL206", "alt text that does not repeat the caption")
def alt_repeats_caption(ctx: Context) -> Iterator[Finding]:
    for index, photo in enumerate(ctx.build.source.issue.lead.gallery):
        alt = " ".join((photo.alt or "").split()).casefold()
        caption = " ".join(photo.caption.split()).casefold()
        if alt and caption and caption in alt:
            yield ctx.in_issue(
                ("lead", "gallery", index, "alt"),
                "NL206",
                "warning",
                "alt text repeats the caption, which is printed under the photo: a screen "
                "reader reads it twice; say what the photo shows, or leave alt out",
            )


@rule("NL204", "every caption credited")
def credits(ctx: Context) -> Iterator[Finding]:
    for index, photo in enumerate(ctx.build.source.issue.lead.gallery):
        if not photo.credit:
            yield ctx.in_issue(
                ("lead", "gallery", index), "NL204", "warning", "caption has no credit"
            )


# Links -----------------------------------------------------------------------------------


@rule("NL205", "a caption taken from the photo file's IPTC/XMP (read it before sending)")
def caption_from_file(ctx: Context) -> Iterator[Finding]:
    for taken in ctx.build.from_files:
        if taken.field != "caption":
            continue
        cut = f", cut to {len(taken.taken.text)} characters" if taken.taken.cut else ""
        message = (
            f"caption taken from the photo's {taken.taken.source}{cut}: read it, and write "
            "it in the issue file if it needs changing"
        )
        yield ctx.in_issue(("lead", "gallery", taken.index), "NL205", "warning", message)


@rule("NL301", "links are https, http or mailto, never script or data")
def link_schemes(ctx: Context) -> Iterator[Finding]:
    for href, _ in _links(ctx):
        scheme = urlsplit(href.strip()).scheme.lower()
        if href == ctx.build.settings.links.unsubscribe:
            continue  # a merge tag: the mailing service fills it in
        if href.startswith("#"):
            continue  # within the e-mail: a footnote and its way back
        if scheme in ("javascript", "data", "vbscript", "file"):
            yield _link_finding(ctx, href, "NL301", "error", f"{scheme}: link: {href[:60]!r}")
        elif scheme not in ("http", "https", "mailto"):
            yield _link_finding(
                ctx, href, "NL301", "error", f"link is not a web or mail address: {href[:60]!r}"
            )
        elif scheme == "http":
            yield _link_finding(
                ctx, href, "NL301", "warning", f"plain http link (prefer https): {href}"
            )


@rule("NL302", "link text that names where it goes")
def link_text(ctx: Context) -> Iterator[Finding]:
    for href, text in _links(ctx):
        words = " ".join(text.split()).strip(" .:!?\u00bb\u203a\u2192").lower()  # arrows too
        if not words:
            yield _link_finding(ctx, href, "NL302", "error", f"link without text: {href}")
        elif words in VAGUE_LINK_TEXT:
            yield _link_finding(
                ctx,
                href,
                "NL302",
                "warning",
                f"link text {text.strip()!r} does not say where it goes: name the story",
            )


@rule("NL303", 'each story linked once in "Also in this issue"')
def duplicate_stories(ctx: Context) -> Iterator[Finding]:
    issue = ctx.build.source.issue
    seen: dict[str, Loc] = {_normal(issue.lead.url): ("lead", "url")}
    for index, story in enumerate(issue.stories):
        first = seen.get(_normal(story.url))
        if first is not None:
            yield ctx.in_issue(
                ("stories", index, "url"),
                "NL303",
                "warning",
                f"the same story as {dotted(first)}: {story.url}",
            )
        else:
            seen[_normal(story.url)] = ("stories", index, "url")


# Subject and preheader -------------------------------------------------------------------


@rule("NL401", "subject at most 78 characters")
def subject(ctx: Context) -> Iterator[Finding]:
    issue = ctx.build.source.issue
    loc: Loc = ("subject",) if issue.subject else ("lead", "title")
    if len(issue.subject_line) > SUBJECT_MAX:
        yield ctx.in_issue(
            loc,
            "NL401",
            "warning",
            f"subject is {len(issue.subject_line)} "
            f"characters: inboxes cut it after about {SUBJECT_MAX}",
        )


@rule("NL402", "preheader of 40 to 150 characters")
def preheader(ctx: Context) -> Iterator[Finding]:
    issue = ctx.build.source.issue
    loc: Loc = ("preheader",) if issue.preheader else ("lead", "standfirst")
    length = len(issue.preheader_text)
    low, high = PREHEADER_RANGE
    if not low <= length <= high:
        yield ctx.in_issue(
            loc,
            "NL402",
            "warning",
            f"preheader is {length} characters: inboxes show {low} to {high} well",
        )


# Colours, footer, characters -------------------------------------------------------------


@rule("NL501", "text (4.5:1) and rules (3:1) readable against their background, light and dark")
def contrast(ctx: Context) -> Iterator[Finding]:
    colours = ctx.build.settings.colours
    pairs = [
        ("text", "background", CONTRAST_MIN),
        ("muted", "background", CONTRAST_MIN),
        ("link", "background", CONTRAST_MIN),
        ("muted", "page", CONTRAST_MIN),
        ("brand", "background", CONTRAST_MIN),
        ("rule", "background", RULE_CONTRAST_MIN),
        ("dark_text", "dark_background", CONTRAST_MIN),
        ("dark_muted", "dark_background", CONTRAST_MIN),
        ("dark_link", "dark_background", CONTRAST_MIN),
        ("dark_muted", "dark_page", CONTRAST_MIN),
        ("dark_brand", "dark_background", CONTRAST_MIN),
        ("dark_rule", "dark_background", RULE_CONTRAST_MIN),
    ]
    for fore, back, minimum in pairs:
        ratio = contrast_ratio(getattr(colours, fore), getattr(colours, back))
        if ratio < minimum:
            yield ctx.in_settings(
                ("colours", fore),
                "NL501",
                "error",
                f"{fore} {getattr(colours, fore)} on {back} "
                f"{getattr(colours, back)} has contrast {ratio:.2f}:1 "
                f"(at least {minimum:g}:1)",
            )


@rule("NL502", "footer with an unsubscribe link and a postal address")
def footer(ctx: Context) -> Iterator[Finding]:
    settings = ctx.build.settings
    if not settings.links.unsubscribe:
        yield ctx.in_settings(
            ("links",),
            "NL502",
            "error",
            "no unsubscribe link: set links.unsubscribe (the law and "
            "Gmail's bulk-sender rules require one)",
        )
    if settings.sender.postal_address == "Postal address not configured":
        yield ctx.in_settings(
            ("sender",),
            "NL502",
            "error",
            "no postal address for the footer: set sender.postal_address",
        )


@rule("NL503", "no invisible control characters U+0080-U+009F")
def control_characters(ctx: Context) -> Iterator[Finding]:
    for loc, value in _strings(ctx.build.source.issue, ()):
        found = _C1.search(value)
        if found:
            yield ctx.in_issue(
                loc,
                "NL503",
                "error",
                f"contains the control character "
                f"U+{ord(found.group()):04X} (Gmail clips messages with these)",
            )
    if _C1.search(ctx.build.html) and not any(
        _C1.search(v) for _, v in _strings(ctx.build.source.issue, ())
    ):
        yield ctx.in_output(
            "NL503",
            "error",
            "the HTML contains a control character U+0080-U+009F (from a template or the settings)",
        )


@rule("NL504", "every colour the e-mail inlines turns dark in dark mode")
def dark_coverage(ctx: Context) -> Iterator[Finding]:
    """The e-mail as dark mode shows it, worked out from its own dark rules: each element
    with an inlined text or border colour that no dark rule replaces keeps its light colour
    on the dark background; that fails below 4.5:1 (text) or 3:1 (a border or rule)."""
    back = ctx.build.settings.colours.dark_background
    # The elements themselves, not id()s: lxml keeps one proxy per node only while it lives.
    covered: dict[str, set[lxml_html.HtmlElement]] = {"color": set(), "border": set()}
    for selectors, declarations in _dark_rules(ctx.build.html):
        kind = "color" if re.search(r"(^|;)\s*color\s*:", declarations) else "border"
        if "border" not in declarations and kind == "border":
            continue
        for selector in selectors.split(","):
            try:
                matched = CSSSelector(selector.strip())(ctx.tree)
            except (SelectorError, ExpressionError):
                continue
            covered[kind].update(matched)
    reported: set[str] = set()
    for element in ctx.tree.iter():
        if not isinstance(element.tag, str) or "mso-hide:all" in (element.get("style") or ""):
            continue
        for kind, colour in _inline_colours(element):
            has_text = bool((element.text or "").strip()) or element.tag == "img"
            if element in covered[kind] or (kind == "color" and not has_text):
                continue
            minimum = CONTRAST_MIN if kind == "color" else RULE_CONTRAST_MIN
            ratio = contrast_ratio(colour, back)
            what = "text" if kind == "color" else "border"
            message = (
                f"<{element.tag}> keeps its {what} colour {colour} in dark mode: {ratio:.2f}:1 "
                f"on dark_background {back} (at least {minimum:g}:1); no dark rule covers it"
            )
            if ratio < minimum and message not in reported:
                reported.add(message)
                yield ctx.in_output("NL504", "error", message)


_DARK_BLOCK = re.compile(r"@media\s*\(prefers-color-scheme:\s*dark\)\s*\{")
_INLINE_COLOUR = re.compile(r"(?:^|;)\s*(color|border(?:-[a-z]+)*)\s*:\s*([^;]+)")


def _dark_rules(html: str) -> Iterator[tuple[str, str]]:
    """(selectors, declarations) of each rule of the e-mail's dark-mode @media blocks."""
    for found in _DARK_BLOCK.finditer(html):
        depth, start = 1, found.end()
        end = start
        while depth and end < len(html):
            depth += {"{": 1, "}": -1}.get(html[end], 0)
            end += 1
        yield from re.findall(r"([^{}]+)\{([^{}]*)\}", html[start : end - 1])


def _inline_colours(element: lxml_html.HtmlElement) -> Iterator[tuple[str, str]]:
    """("color" or "border", #rrggbb) for each colour in the element's inline style (a
    border's only when it is drawn)."""
    for name, value in _INLINE_COLOUR.findall(element.get("style") or ""):
        hexes = re.findall(r"#[0-9a-fA-F]{6}\b", value)
        if not hexes:
            continue
        if name == "color":
            yield "color", hexes[0].lower()
        elif "none" not in value and not re.search(r"(^|\s)0(px)?(\s|$)", value.strip()):
            yield "border", hexes[0].lower()


# Language --------------------------------------------------------------------------------


@rule("NL601", "the fixed labels translated into the issue's language")
def translated_labels(ctx: Context) -> Iterator[Finding]:
    yield from ctx.build_findings("NL601")  # the build looks for the catalog


@rule("NL602", "the editions of one week agree on number, date and photos")
def editions_agree(ctx: Context) -> Iterator[Finding]:
    issue, path = ctx.build.source.issue, ctx.build.source.path
    photos = frozenset(photo.photo for photo in issue.lead.gallery)
    others = read_editions(path.parent, week_files(path), leave_out=path)
    for other in others:
        if other.number != issue.number and other.date != issue.date:
            continue  # another week's
        name = f"the {other.language} edition, {other.path.name},"
        if other.number != issue.number:
            message = f"{name} has the same date but number {other.number}"
            yield ctx.in_issue(("number",), "NL602", "warning", message)
        elif other.date != issue.date:
            message = f"{name} has the same number but date {other.date.isoformat()}"
            yield ctx.in_issue(("date",), "NL602", "warning", message)
        if other.photos != photos:
            missing = ", ".join(sorted(other.photos - photos)) or "none"
            extra = ", ".join(sorted(photos - other.photos)) or "none"
            message = f"{name} has other photos: missing here: {missing}; only here: {extra}"
            yield ctx.in_issue(("lead", "gallery"), "NL602", "warning", message)


# Spam filters ----------------------------------------------------------------------------


@rule("NL701", "no SpamAssassin rule with points (local rules, no network test)", slow=True)
def spam_filter(ctx: Context) -> Iterator[Finding]:
    try:
        verdict = spamassassin.score(ctx.build.eml)
    except (OSError, subprocess.SubprocessError) as error:
        yield ctx.in_output("NL701", "warning", f"SpamAssassin could not score it: {error}")
        return
    if verdict is None:
        return  # not installed: `check` says so once
    for hit in verdict.penalties:
        message = f"SpamAssassin {hit.name} ({hit.points:g} points): {hit.description}"
        yield ctx.in_output("NL701", "warning", message)
    if verdict.score >= spamassassin.THRESHOLD:
        message = (
            f"SpamAssassin scores it {verdict.score:g}, at or over its spam threshold "
            f"of {spamassassin.THRESHOLD:g}"
        )
        yield ctx.in_output("NL701", "error", message)


# Helpers ---------------------------------------------------------------------------------


def contrast_ratio(first: str, second: str) -> float:
    """WCAG 2 contrast ratio of two #rrggbb colours."""
    light, dark = sorted((_luminance(first), _luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def _luminance(colour: str) -> float:
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def _links(ctx: Context) -> Iterator[tuple[str, str]]:
    """Each link of the e-mail: its address as written (without tracking), and its text."""
    for anchor in ctx.tree.xpath("//a[@href]"):
        href = anchor.get("href")
        yield ctx.written.get(href, href), anchor.text_content()


def _link_finding(ctx: Context, href: str, code: str, severity: Severity, message: str) -> Finding:
    """Place a link's finding where the link came from: a field, the body, or the settings."""
    issue = ctx.build.source.issue
    fields: list[tuple[Loc, str]] = [(("lead", "url"), issue.lead.url)]
    fields += [
        (("lead", "see_also", i, "url"), link.url) for i, link in enumerate(issue.lead.see_also)
    ]
    fields += [(("stories", i, "url"), story.url) for i, story in enumerate(issue.stories)]
    for loc, url in fields:
        if url == href:
            return ctx.in_issue(loc, code, severity, message)
    if href in issue.lead.body or href in markdown.link_addresses(issue.lead.body):
        return ctx.in_issue(("lead", "body"), code, severity, message)
    links = ctx.build.settings.links
    for name in ("unsubscribe", "web"):
        value = getattr(links, name)
        if value and href.startswith(value.split("{issue}")[0]):
            return ctx.in_settings(("links", name), code, severity, message)
    return ctx.in_output(code, severity, message)


def _normal(url: str) -> str:
    parts = urlsplit(url.strip())
    return f"{parts.netloc.lower()}{parts.path.rstrip('/')}?{parts.query}"


def _strings(value: object, loc: Loc) -> Iterator[tuple[Loc, str]]:
    """Every text field of the issue, with its path."""
    if isinstance(value, str):
        yield loc, value
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _strings(item, (*loc, index))
    elif hasattr(value, "__dataclass_fields__"):
        for name in value.__dataclass_fields__:
            yield from _strings(getattr(value, name), (*loc, name))
