"""What must hold in every engine, as functions that list what does not (an empty list: the
render passes). The same rules for every engine; where no script runs (Thunderbird) they are
read from the pixels."""

from __future__ import annotations

import re
from typing import Any

from PIL import Image

from newsletter.commands.rules import contrast_ratio

from . import pixels
from .harness import Render

CONTRAST_MIN = 4.5
RULE_CONTRAST_MIN = 3.0  # a border or rule, in dark mode
TEXT_MIN_PX = 14
HEIGHT_TOLERANCE = 0.05  # a page this much taller or shorter than Chromium's lost or gained a block
PHONE = 375
GUTTER = 24  # px between the e-mail's edge and its content on a phone
WIDEST_PHOTO = 552  # the widest slot: no photo is shown wider (its pixels are twice that)


def hex_of(css: str) -> str:
    """`rgb(17, 20, 23)` (or rgba) as `#111417`."""
    found = re.match(r"rgba?\((\d+),\s*(\d+),\s*(\d+)", css)
    if not found:
        raise ValueError(f"not an rgb() colour: {css!r}")
    return "#" + "".join(f"{int(part):02x}" for part in found.groups())


def problems(render: Render, palette: dict[str, str], reference: Render | None) -> list[str]:
    """Everything wrong with `render`; `palette` holds the settings' colours (#rrggbb) and
    `reference` is Chromium's render of the same e-mail, width and scheme (for its height)."""
    if render.measured is not None:
        found = in_page(render, render.measured, palette)
    else:
        found = in_pixels(render, palette)
    if reference is not None and reference.measured is not None:
        ours, theirs = height(render), reference.measured["docHeight"]
        if abs(ours / theirs - 1) > HEIGHT_TOLERANCE:
            found.append(f"page {ours} px tall, Chromium's {theirs} px")
    return found


def height(render: Render) -> int:
    """The page's height: measured in the page, or the screenshot's (the whole message)."""
    if render.measured is not None:
        return int(render.measured["docHeight"])
    with Image.open(render.screenshot) as image:
        return image.height


def in_page(render: Render, m: dict[str, Any], palette: dict[str, str]) -> list[str]:
    found = []
    if m["docWidth"] > m["viewport"] + 0.5:
        found.append(f"horizontal overflow: {m['docWidth']} px wide in {m['viewport']} px")
    for image in m["images"]:
        name = (image["src"] or "").rsplit("/", 1)[-1]
        if not image["complete"] or not image["naturalWidth"]:
            found.append(f"image not shown: {name}")
            continue
        if image["width"] > image["naturalWidth"] + 0.5:
            found.append(
                f"image shown wider than its pixels: {name} at {image['width']:.0f} px "
                f"({image['naturalWidth']} px)"
            )
        shown = image["width"] / max(image["height"], 0.01)
        natural = image["naturalWidth"] / image["naturalHeight"]
        if abs(shown / natural - 1) > 0.02:
            found.append(
                f"image distorted: {name} shown {image['width']:.0f}x{image['height']:.0f}, "
                f"its pixels {image['naturalWidth']}x{image['naturalHeight']}"
            )
        if (
            render.width == PHONE
            and image["naturalWidth"] >= image["column"]
            and image["width"] < image["column"] - 1
        ):
            found.append(
                f"photo does not fill its column on a phone: {name} {image['width']:.0f} px "
                f"in {image['column']:.0f} px"
            )
    preheader = m["preheader"]
    if preheader is None:
        found.append("no preheader found")
    elif preheader["height"] > 0 or preheader["shown"]:
        found.append(f"preheader shown: {preheader['height']:g} px high")
    smallest = m["smallestText"]
    if smallest and smallest["size"] < TEXT_MIN_PX:
        found.append(
            f"text smaller than {TEXT_MIN_PX} px: {smallest['size']} px ({smallest['text']!r})"
        )
    colours = m["colours"]
    page = palette["dark_page"] if render.scheme == "dark" else palette["page"]
    if hex_of(colours["page"]) != page:
        found.append(f"page background {hex_of(colours['page'])}, not the {render.scheme} {page}")
    for role in ("headline", "bodyText", "brand"):
        text = colours[role]
        if text is None:
            found.append(f"no {role} found")
            continue
        ratio = contrast_ratio(hex_of(text["color"]), hex_of(text["background"]))
        if ratio < CONTRAST_MIN:
            found.append(
                f"{role} contrast {ratio:.2f}:1 ({hex_of(text['color'])} on "
                f"{hex_of(text['background'])})"
            )
    found += contrast_problems(m.get("contrasts") or [], render.scheme)
    brand = palette["dark_brand"] if render.scheme == "dark" else palette["brand"]
    if colours["brand"] is not None and hex_of(colours["brand"]["color"]) != brand:
        found.append(f"brand shown {hex_of(colours['brand']['color'])}, not {brand}")
    return found


def contrast_problems(contrasts: list[dict[str, Any]], scheme: str) -> list[str]:
    """Every visible text below 4.5:1 against what is behind it; in dark mode, every visible
    border or rule below 3:1 too (in light mode the section dividers are a faint line)."""
    found = []
    for item in contrasts:
        if item["kind"] == "border" and scheme != "dark":
            continue
        minimum = CONTRAST_MIN if item["kind"] == "text" else RULE_CONTRAST_MIN
        ratio = contrast_ratio(hex_of(item["color"]), hex_of(item["background"]))
        if ratio < minimum:
            found.append(
                f"{item['kind']} {ratio:.2f}:1 on <{item['tag'].lower()}> {item['text']!r} "
                f"({hex_of(item['color'])} on {hex_of(item['background'])})"
            )
    return sorted(set(found))


def in_pixels(render: Render, palette: dict[str, str]) -> list[str]:
    """The same rules, read from a screenshot of the message (Thunderbird): photos and lines
    of text are found from the pixels (pixels.py); the screenshot is the message pane, one
    screen pixel per CSS pixel."""
    found = []
    with Image.open(render.screenshot) as image:
        width = image.width
        colours = sorted(image.convert("RGB").getcolors(1 << 24) or [], reverse=True)
    # The palette of the scheme: the card and the page are the two commonest colours.
    dark = render.scheme == "dark"
    wanted = {palette[f"{'dark_' * dark}background"], palette[f"{'dark_' * dark}page"]}
    shown = {pixels.hex_of(pixels.rgb(colour)) for _, colour in colours[:2]}
    if shown != wanted:
        found.append(
            f"card and page shown {sorted(shown)}, not the {render.scheme} {sorted(wanted)}"
        )
    boxes = pixels.photo_boxes(render.screenshot)
    if not boxes:
        found.append("no photo found")
    for left, top, right, _ in boxes:
        if right - left > WIDEST_PHOTO + 1:
            found.append(f"photo shown {right - left} px wide at y={top}: wider than its pixels")
        if right >= width - 1:
            found.append(f"photo runs off the right edge at y={top}")
        elif right > width - GUTTER + 1:
            found.append(f"photo runs past its column into the margin at y={top}")
    if render.width == PHONE:
        column = width - 2 * GUTTER
        narrow = [right - left for left, _, right, _ in boxes if right - left < column - 2]
        if narrow:
            found.append(f"photos do not fill the {column} px column on a phone: {narrow}")
    lines = pixels.text_lines(render.screenshot)
    if not lines:
        return [*found, "no text found"]
    # Text size: the glyphs of 14 px text (with descenders) make bands of 14-15 px; the median
    # band is the body's text.
    bands = sorted(line.bottom - line.top for line in lines)
    if bands[len(bands) // 2] < TEXT_MIN_PX - 1:
        found.append(
            f"text smaller than {TEXT_MIN_PX} px: its lines are {bands[len(bands) // 2]} px"
        )
    # The brand is the first line: its colour, where the client leaves it (within one step a
    # channel: the most contrasting pixel of thin strokes, as Persian's are, may be blended).
    brand = palette["dark_brand"] if render.scheme == "dark" else palette["brand"]
    brand_rgb = [int(brand[i : i + 2], 16) for i in (1, 3, 5)]
    if max(abs(a - b) for a, b in zip(lines[0].foreground, brand_rgb, strict=True)) > 1:
        found.append(f"brand shown {pixels.hex_of(lines[0].foreground)}, not {brand}")
    for line in lines:
        if line.right >= width - 1:
            found.append(f"text runs off the right edge at y={line.top}")
        if line.contrast < CONTRAST_MIN:
            found.append(
                f"text at y={line.top} has contrast {line.contrast:.2f}:1 "
                f"({pixels.hex_of(line.foreground)} on {pixels.hex_of(line.background)})"
            )
    return found
