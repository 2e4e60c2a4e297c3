"""Measuring a screenshot when no script can run (Thunderbird): photos and lines of text, found
from the pixels alone. Pillow only.

A pixel is background when it matches, within a small tolerance, one of the colours that cover
a large part of the whole screenshot (page, card) or its row's dominant colour where that
covers half the row (a row across a dark photo is dominated by the photo's own shadows).
A photo is a block, at least PHOTO_MIN_HEIGHT tall, of long many-coloured runs of
non-background pixels, each overlapping a run of the rows just above it: text rows only have
short runs (letters), rules and underlines are too thin, flat colour bars have too few colours.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageChops

from newsletter.commands.rules import contrast_ratio

RGB = tuple[int, int, int]
Box = tuple[int, int, int, int]  # left, top, right, bottom (right and bottom exclusive)

TOLERANCE = 3  # a channel this close to the background's is background: flat fills are exact
PAGE_COLOUR_SHARE = 0.05  # a colour covering this share of the screenshot is a background
RUN_GAP = 3  # non-background runs this close together are one run
PHOTO_MIN_RUN = 48  # px: a row of a photo is at least this wide ...
PHOTO_MIN_COLOURS = 24  # ... and has at least this many colours (a flat bar has a few)
PHOTO_MIN_HEIGHT = 60  # px: a block of such rows at least this tall is a photo
PHOTO_ROW_GAP = 3  # rows missing inside a photo (a flat stripe in it) that still join it
PHOTO_MIN_FILL = 0.6  # share of its box a photo's runs fill (stray words fill far less)
TEXT_MIN_HEIGHT = 5  # px: thinner bands are rules or underlines, not text
_RUN = re.compile(rb"\xff+(?:\x00{1,%d}\xff+)*" % RUN_GAP)


@dataclass(frozen=True)
class TextLine:
    """A band of rows holding text, outside photos (several lines when nothing parts them)."""

    top: int
    bottom: int  # exclusive
    left: int
    right: int  # exclusive
    foreground: RGB  # the colour in the band that contrasts most with its background
    background: RGB  # the band's dominant colour
    contrast: float  # WCAG 2 contrast ratio of the two, 1 to 21


def photo_widths(png: Path) -> list[int]:
    """Widths in pixels of the photos in a screenshot, top to bottom, left to right."""
    return [right - left for left, _, right, _ in photo_boxes(png)]


def photo_boxes(png: Path) -> list[Box]:
    """The boxes of the photos in a screenshot, top to bottom, left to right."""
    with Image.open(png) as opened:
        image = opened.convert("RGB")
    return _photos(image, _foreground_mask(image))


def text_lines(png: Path) -> list[TextLine]:
    """The bands of text rows in a screenshot, outside its photos, top to bottom."""
    with Image.open(png) as opened:
        image = opened.convert("RGB")
    photos = _photos(image, _foreground_mask(image))
    for left, top, right, bottom in photos:  # paint each photo over with what surrounds it
        frame = (max(0, left - 2), max(0, top - 2), min(image.width, right + 2), top)
        colour = _dominant(image.crop(frame)) if frame[3] > frame[1] else _dominant(image)
        image.paste(colour, (max(0, left - 1), top, min(image.width, right + 1), bottom))
    mask = _foreground_mask(image)
    data = mask.tobytes()
    width = image.width
    busy = [any(data[y * width : (y + 1) * width]) for y in range(image.height)]
    lines = []
    for top, bottom in _spans(busy):
        if bottom - top < TEXT_MIN_HEIGHT:
            continue
        box = mask.crop((0, top, width, bottom)).getbbox()
        if box is None:
            continue
        left, right = box[0], box[2]
        band = image.crop((left, top, right, bottom))
        background = _dominant(band)
        foreground = max(
            (colour for _, colour in _colours(band)),
            key=lambda colour: contrast(colour, background),
        )
        lines.append(
            TextLine(
                top=top,
                bottom=bottom,
                left=left,
                right=right,
                foreground=foreground,
                background=background,
                contrast=round(contrast(foreground, background), 2),
            )
        )
    return lines


def contrast(first: RGB, second: RGB) -> float:
    """WCAG 2 contrast ratio of two sRGB colours (the rule `newsletter check` applies)."""
    return contrast_ratio(hex_of(first), hex_of(second))


def hex_of(colour: RGB) -> str:
    """(31, 35, 40) as `#1f2328`."""
    return "#" + "".join(f"{channel:02x}" for channel in colour)


def _colours(image: Image.Image) -> list[tuple[int, RGB]]:
    """(count, colour) of every colour of an RGB image."""
    found = image.getcolors(image.width * image.height) or []
    return [(count, rgb(colour)) for count, colour in found]


def rgb(colour: object) -> RGB:
    """A colour Pillow returns (a tuple of ints, maybe with alpha) as (r, g, b)."""
    assert isinstance(colour, tuple) and len(colour) >= 3
    return (int(colour[0]), int(colour[1]), int(colour[2]))


def _dominant(image: Image.Image) -> RGB:
    return max(_colours(image), default=(0, (0, 0, 0)))[1]


def _page_colours(image: Image.Image) -> list[RGB]:
    """The colours that cover a large share of the screenshot: page, card, bands."""
    sample = image.resize(
        (max(1, image.width // 4), max(1, image.height // 4)), Image.Resampling.NEAREST
    )
    total = sample.width * sample.height
    return [colour for count, colour in _colours(sample) if count >= total * PAGE_COLOUR_SHARE]


def _foreground_mask(image: Image.Image) -> Image.Image:
    """An L image: 255 where a pixel is not background, 0 where it is. Background: one of the
    page colours, or the row's dominant colour where it covers most of the row; a row where no
    colour does (across a photo, whose dark shade may dominate it, or through dense text)
    takes the background of the last row that had one."""
    page = _page_colours(image)
    rows = []
    last = page[0] if page else None  # the latest row background that was clear
    for y in range(image.height):
        count, colour = max(_colours(image.crop((0, y, image.width, y + 1))))
        if count * 2 >= image.width or last is None:
            last = colour
        rows.append(last)  # a row through dense text or a photo: the background around it
    column = Image.new("RGB", (1, image.height))
    column.putdata(rows)
    backgrounds = [column.resize(image.size, Image.Resampling.NEAREST)]
    backgrounds += [Image.new("RGB", image.size, colour) for colour in page]
    mask = Image.new("L", image.size, 255)
    for background in backgrounds:
        red, green, blue = ImageChops.difference(image, background).split()
        apart = ImageChops.lighter(ImageChops.lighter(red, green), blue)
        mask = ImageChops.darker(mask, apart.point(lambda v: 255 if v > TOLERANCE else 0))
    return mask


def _photos(image: Image.Image, mask: Image.Image) -> list[Box]:
    """Long many-coloured runs, row by row, joined with the overlapping runs of the rows just
    above into blocks (union-find); the blocks tall and full enough are photos."""
    width = image.width
    data = mask.tobytes()
    parent: list[int] = []
    runs: list[tuple[int, int, int]] = []  # (y, start, end)
    recent: list[int] = []  # indexes of runs in the last PHOTO_ROW_GAP + 1 rows

    def root(index: int) -> int:
        while parent[index] != index:
            parent[index] = parent[parent[index]]
            index = parent[index]
        return index

    for y in range(image.height):
        recent = [i for i in recent if runs[i][0] >= y - 1 - PHOTO_ROW_GAP]
        row = data[y * width : (y + 1) * width]
        for match in _RUN.finditer(row):
            start, end = match.span()
            if end - start < PHOTO_MIN_RUN:
                continue
            if image.crop((start, y, end, y + 1)).getcolors(PHOTO_MIN_COLOURS) is not None:
                continue  # a flat bar or a rule: too few colours for a photo
            index = len(runs)
            runs.append((y, start, end))
            parent.append(index)
            for other in recent:
                _, other_start, other_end = runs[other]
                if other_start < end and start < other_end:
                    parent[root(other)] = root(index)
            recent.append(index)

    blocks: dict[int, list[tuple[int, int, int]]] = {}
    for index, run in enumerate(runs):
        blocks.setdefault(root(index), []).append(run)
    photos = []
    for members in blocks.values():
        box = _box(members)
        left, top, right, bottom = box
        filled = sum(end - start for _, start, end in members)
        if bottom - top >= PHOTO_MIN_HEIGHT and filled >= PHOTO_MIN_FILL * (right - left) * (
            bottom - top
        ):
            photos.append(box)
    return sorted(photos, key=lambda box: (box[1], box[0]))


def _box(runs: Iterable[tuple[int, int, int]]) -> Box:
    ys, starts, ends = zip(*runs, strict=True)
    return (min(starts), min(ys), max(ends), max(ys) + 1)


def _spans(flags: list[bool]) -> list[tuple[int, int]]:
    """The (start, end) of each stretch of True."""
    spans = []
    start = None
    for index, flag in enumerate([*flags, False]):
        if flag and start is None:
            start = index
        elif not flag and start is not None:
            spans.append((start, index))
            start = None
    return spans
