"""The e-mail's grid: where each gallery photo goes and how large it is shown, worked out from
the photos' own proportions before the image stage makes them (it renders each at the size
chosen here).

The first photo leads the story, alone. The others go two to a row, shown at one height with
widths in proportion to their shapes, so a portrait and a landscape line up with no hole
beside either (a justified row). A photo too wide or too tall to pair, or with too few pixels
for its place, gets a row of its own at its own size, centred: nothing is cropped, nothing is
shown wider than its pixels, on phones either.
"""

from __future__ import annotations

from dataclasses import dataclass

BODY_WIDTH = 600  # px, the desktop width of the e-mail
GUTTER = 24  # px, space between the body's edge and its content
GAP = 24  # px, space between two photos side by side
FULL_SLOT = BODY_WIDTH - 2 * GUTTER  # 552: a photo alone in its row, at most
PAIR_ROW = FULL_SLOT - GAP  # 528: the two photos of a row together
HALF_SLOT = PAIR_ROW // 2  # 264: each of two photos of the same shape
# A row of two pads the section and each column by half the gap: the photos are GAP apart on
# a desktop, and still GUTTER from the edge when a phone (or a client without <style>)
# stacks the columns.
PAIR_PADDING = GAP // 2
# A photo shown alone is at most this tall on a desktop (narrower, centred), so a portrait
# neither pushes the story's text down nor fills a whole screen.
MAX_HEIGHT = 480
# Shapes that pair (width / height): a panorama wider than 2.5:1 or a portrait taller than
# 1:1.6 would be a sliver beside another photo.
WIDEST_PAIRED = 2.5
TALLEST_PAIRED = 1 / 1.6
# On a phone a photo fills the column: up to this wide (a 479 px screen less the gutters).
# One that fills it must have that many pixels; one with fewer keeps its own size there.
PHONE_COLUMN = 479 - 2 * GUTTER  # 431
# A story of "Also in this issue" may have a small photo beside its summary (above it on a
# phone): this wide, its column with the gap.
THUMB_WIDTH = 160
LOGO_WIDTH = 240  # the masthead's logo, at most
THUMB_COLUMN = THUMB_WIDTH + GUTTER + GAP // 2


@dataclass(frozen=True)
class Slot:
    """Where one gallery photo goes and its size on a desktop (CSS px)."""

    index: int
    row: int
    columns: int  # photos in its row: 1 or 2
    width: int
    height: int
    fluid: bool  # fills the column on a phone (it has the pixels for it)

    @property
    def column(self) -> int:
        """The width of its column on a desktop, padding included (a pair's share of the row)."""
        return self.width + GAP if self.columns == 2 else BODY_WIDTH

    @property
    def render_width(self) -> int:
        """How many pixels wide the image stage makes it: twice its desktop width (for sharp
        high-density screens), and for a photo that fills a phone's column, enough for that."""
        return max(2 * self.width, PHONE_COLUMN) if self.fluid else 2 * self.width


Size = tuple[int, int]  # width, height in pixels, upright


def gallery_slots(sizes: list[Size]) -> list[Slot]:
    """Lay out photos of these sizes, in their order: the first alone, the others two to a
    row where they pair, each row at one height."""
    slots: list[Slot] = []
    waiting: int | None = None  # a photo waiting for a partner

    def alone(index: int) -> None:
        slots.append(_alone(index, sizes[index], row=slots[-1].row + 1 if slots else 0))

    for index, size in enumerate(sizes):
        if index == 0 or not _pairable(size):
            if waiting is not None:
                alone(waiting)
                waiting = None
            alone(index)
        elif waiting is None:
            waiting = index
        else:
            pair = _pair(waiting, index, sizes, row=slots[-1].row + 1)  # the lead came first
            if pair is None:  # too few pixels for the shared height: the first goes alone,
                alone(waiting)  # the second waits for another partner
                waiting = index
            else:
                slots.extend(pair)
                waiting = None
    if waiting is not None:
        alone(waiting)
    return slots


def _pairable(size: Size) -> bool:
    width, height = size
    return TALLEST_PAIRED <= width / height <= WIDEST_PAIRED


def _pair(first: int, second: int, sizes: list[Size], row: int) -> list[Slot] | None:
    """Two photos at one height, together PAIR_ROW wide; None if either lacks the pixels."""
    (w1, h1), (w2, h2) = sizes[first], sizes[second]
    shape1, shape2 = w1 / h1, w2 / h2
    height = PAIR_ROW / (shape1 + shape2)
    width1 = round(shape1 * height)
    width2 = PAIR_ROW - width1
    if width1 > w1 or width2 > w2:
        return None
    shown = round(height)
    return [
        Slot(first, row, 2, width1, shown, w1 >= PHONE_COLUMN),
        Slot(second, row, 2, width2, shown, w2 >= PHONE_COLUMN),
    ]


def _alone(index: int, size: Size, row: int) -> Slot:
    """A photo in a row of its own: as wide as the row allows, no taller than MAX_HEIGHT,
    never wider than its pixels."""
    width, height = size
    shown = max(1, min(FULL_SLOT, width, MAX_HEIGHT * width // height))
    return Slot(index, row, 1, shown, max(1, round(height * shown / width)), width >= PHONE_COLUMN)
