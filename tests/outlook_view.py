"""The e-mail as Outlook for Windows reads it, checked by its structure (no machine here runs
Word's layout engine).

`outlook_view` expands the conditional comments as Outlook 2016 and later does (`[if mso]`
and `[if mso | IE]` true, `[if !mso]` and `[if lte mso 11]` false); `outlook_problems` lists
what Outlook would get wrong in that document:

- a table, cell or image wider than the room it has (widths resolved from the body's width
  down, each cell's horizontal padding taken off), or a row whose cells add up to more;
- an image without integer `width` and `height` attributes;
- layout that rests on what Outlook ignores: `display:flex` or `grid`, `position`, a
  `max-width` with no fixed width above it, a background image without VML;
- a button with neither VML nor a table cell painted behind its link;
- no `<!--[if mso]>` style giving text and headings a font Windows has first, with
  `mso-line-height-rule: exactly`.
"""

from __future__ import annotations

import re

from lxml import html as lxml_html

from newsletter.rendering.transforms.outlook_fonts import WINDOWS_FONTS

OUTLOOK_VERSION = 16  # Outlook 2016, 2019, 2021 and Microsoft 365 for Windows
_REVEALED = re.compile(r"<!--\[if ([^\]]+)\]><!-->(.*?)<!--<!\[endif\]-->", re.S)
_HIDDEN = re.compile(r"<!--\[if ([^\]]+)\]>(.*?)<!\[endif\]-->", re.S)
_PX = re.compile(r"^(\d+(?:\.\d+)?)px$")
_IGNORED = re.compile(
    r"display\s*:\s*(inline-)?(flex|grid)|(?<![-\w])position\s*:\s*(absolute|fixed|relative|sticky)"
)


def condition(text: str) -> bool:
    """Whether Outlook takes a conditional comment's condition (`mso | IE`, `lte mso 11`...)."""

    def term(part: str) -> bool:
        part = part.strip().strip("()").strip()
        if part.startswith("!"):
            return not term(part[1:])
        words = part.split()
        if words == ["mso"]:
            return True
        if words[:1] == ["IE"] or words == ["IE"]:
            return False
        compare = {"lt": int.__lt__, "lte": int.__le__, "gt": int.__gt__, "gte": int.__ge__}
        if len(words) == 3 and words[0] in compare and words[1] == "mso":
            return bool(compare[words[0]](OUTLOOK_VERSION, int(words[2])))
        if len(words) == 2 and words[0] == "mso":
            return int(words[1]) == OUTLOOK_VERSION
        raise ValueError(f"a condition this check does not know: {part!r}")

    return any(all(term(p) for p in alt.split("&")) for alt in text.split("|"))


def outlook_view(html: str) -> str:
    """`html` with its conditional comments expanded as Outlook's."""
    html = _REVEALED.sub(lambda m: m.group(2) if condition(m.group(1)) else "", html)
    return _HIDDEN.sub(lambda m: m.group(2) if condition(m.group(1)) else "", html)


def styles(element: lxml_html.HtmlElement) -> dict[str, str]:
    declarations = (part.split(":", 1) for part in (element.get("style") or "").split(";"))
    return {name.strip().lower(): value.strip() for name, *rest in declarations for value in rest}


def _width(element: lxml_html.HtmlElement) -> tuple[float, bool] | None:
    """The element's own width: (pixels, True) or (percent, False), from its style or its
    `width` attribute (style first, as Outlook reads it)."""
    for value in (styles(element).get("width", ""), element.get("width") or ""):
        value = value.replace("!important", "").strip()
        if value.endswith("%"):
            return float(value[:-1]), False
        px = _PX.match(value) or re.match(r"^(\d+)$", value)
        if px:
            return float(px.group(1)), True
    return None


def _padding(element: lxml_html.HtmlElement) -> float:
    """Left plus right padding in pixels (of a cell: what its content cannot use)."""
    style = styles(element)
    sides = style.get("padding", "").split()
    left = right = "0"
    if len(sides) == 1:
        left = right = sides[0]
    elif len(sides) in (2, 3):  # vertical horizontal [bottom]
        left = right = sides[1]
    elif len(sides) == 4:  # top right bottom left
        right, left = sides[1], sides[3]
    left = style.get("padding-left", left)
    right = style.get("padding-right", right)
    return _px(left) + _px(right)


def _px(value: str) -> float:
    """`12px` as 12.0; anything else (0, em, %) as 0."""
    found = _PX.match(value)
    return float(found.group(1)) if found else 0.0


def outlook_problems(html: str, body_width: int) -> list[str]:
    """What Outlook for Windows would get wrong in the e-mail `html` (see the module)."""
    root = lxml_html.document_fromstring(outlook_view(html))
    body = root.find("body")
    found: list[str] = []
    _widths(body, float(body_width), found)
    found += _ignored(root)
    found += _buttons(root)
    found += _mso_fonts(root)
    return found


def _label(element: lxml_html.HtmlElement) -> str:
    name = element.get("src") or element.get("class") or ""
    return f"<{element.tag}{' ' + name.rsplit('/', 1)[-1] if name else ''}>"


def _widths(element: lxml_html.HtmlElement, room: float, found: list[str]) -> None:
    own = _width(element)
    if element.tag == "img":
        width, height = element.get("width") or "", element.get("height") or ""
        if not (width.isdigit() and height.isdigit()):
            found.append(f"{_label(element)} without integer width and height attributes")
        elif int(width) > room + 0.5:
            found.append(f"{_label(element)} {width} px wide in a {room:g} px column")
        return
    if own is not None and own[1]:
        if own[0] > room + 0.5:
            found.append(f"{_label(element)} {own[0]:g} px wide in {room:g} px")
        room = own[0]
    elif own is not None:
        room = room * own[0] / 100
    content = room - (_padding(element) if element.tag in ("td", "th") else 0)
    if element.tag == "tr":
        cells = [_width(cell) for cell in element if cell.tag in ("td", "th")]
        total = sum(width for width, px in filter(None, cells) if px)
        if total > room + 0.5:
            found.append(f"a row of cells {total:g} px wide in {room:g} px")
    for child in element:
        if isinstance(child.tag, str):
            _widths(child, content, found)


def _ignored(root: lxml_html.HtmlElement) -> list[str]:
    found = []
    has_vml = bool(root.xpath("//*[starts-with(name(), 'v:')]"))
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        style = element.get("style") or ""
        declarations = styles(element)
        if declarations.get("mso-hide") == "all":
            continue  # Outlook does not show it at all
        if found_ignored := _IGNORED.search(style):
            found.append(f"{_label(element)} with {found_ignored.group()}, which Outlook ignores")
        backgrounds = declarations.get("background-image", "") + declarations.get("background", "")
        if ("url(" in backgrounds or element.get("background")) and not has_vml:
            found.append(f"{_label(element)} with a background image and no VML")
        max_width = _PX.match(declarations.get("max-width", ""))
        if max_width and not _fixed_above(element, float(max_width.group(1))):
            found.append(f"{_label(element)} held to {max_width.group(1)} px by max-width alone")
    return found


def _fixed_above(element: lxml_html.HtmlElement, limit: float) -> bool:
    """True when the element or an ancestor has a fixed width of at most `limit` pixels."""
    for node in (element, *element.iterancestors()):
        width = _width(node)
        if width is not None and width[1] and width[0] <= limit + 0.5:
            return True
    return False


def _buttons(root: lxml_html.HtmlElement) -> list[str]:
    found = []
    for button in root.xpath("//*[contains(concat(' ', @class, ' '), ' button ')]"):
        vml = button.xpath(".//*[local-name()='roundrect' or starts-with(name(), 'v:')]")
        painted = button.xpath(".//td[@bgcolor]//a[@href]")
        if not vml and not painted:
            found.append(f"{_label(button)} has neither VML nor a painted table cell")
    return found


def _mso_fonts(root: lxml_html.HtmlElement) -> list[str]:
    """The fonts and line heights of Outlook's own style (the rules with !important fonts)."""
    rules = [
        (selectors.strip(), body)
        for style in root.iter("style")
        for selectors, body in re.findall(r"([^{}]+)\{([^{}]*)\}", style.text or "")
    ]
    found = []
    for needed in ("td", "p", "h1"):
        fonts = [
            body for selectors, body in rules
            if needed in [s.strip() for s in selectors.split(",")]
            and re.search(r"font-family:[^;]*!important", body)
        ]  # fmt: skip
        if not fonts:
            found.append(f"no Outlook font for {needed}")
            continue
        first = re.search(r"font-family:\s*([^,;!]+)", fonts[-1])
        name = first.group(1).strip().strip("'\"") if first else ""
        if name.lower() not in WINDOWS_FONTS:
            found.append(f"Outlook's font for {needed} starts with {name!r}, not a Windows font")
    exact = [b for s, b in rules if "p" in [x.strip() for x in s.split(",")]
             and "mso-line-height-rule: exactly" in b]  # fmt: skip
    if not exact:
        found.append("no mso-line-height-rule: exactly for text")
    return found
