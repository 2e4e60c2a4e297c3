"""The e-mail's grid: how wide each photo is shown, shared by the image stage and templates."""

from __future__ import annotations

from dataclasses import dataclass

BODY_WIDTH = 600  # px, the desktop width of the e-mail
GUTTER = 24  # px, space between the body's edge and its content
GAP = 24  # px, space between two photos side by side
FULL_SLOT = BODY_WIDTH - 2 * GUTTER  # 552
HALF_SLOT = (BODY_WIDTH - 2 * GUTTER - GAP) // 2  # 264
# The lead photo comes before the story's text: a portrait one is shown at most this tall on a
# desktop (narrower, centred), so the text still starts early. Phones show it column-wide.
LEAD_MAX_HEIGHT = 480
# A row of two pads the section and each column by half the gap: the photos are GAP apart on
# a desktop, and still GUTTER from the edge when a phone (or a client without <style>)
# stacks the columns.
PAIR_PADDING = GAP // 2


@dataclass(frozen=True)
class Slot:
    """Where one gallery photo goes: its row, its column count and its width on a desktop."""

    index: int
    row: int
    columns: int
    width: int


def gallery_slots(count: int) -> list[Slot]:
    """Lay out `count` photos: the first across the full width, the rest two to a row.

    A photo left over at the end of an odd count is shown full width too.
    """
    slots = [Slot(0, 0, 1, FULL_SLOT)] if count else []
    rest = list(range(1, count))
    row = 1
    while rest:
        pair, rest = rest[:2], rest[2:]
        columns = len(pair)
        width = HALF_SLOT if columns == 2 else FULL_SLOT
        slots.extend(Slot(i, row, columns, width) for i in pair)
        row += 1
    return slots


def shown_width(slot: Slot, width: int, height: int) -> int:
    """How wide a photo of `width` x `height` pixels is shown in `slot` on a desktop: never
    wider than its pixels, and the lead never taller than LEAD_MAX_HEIGHT."""
    shown = min(slot.width, width)
    if slot.row == 0:
        shown = min(shown, LEAD_MAX_HEIGHT * width // height)
    return max(1, shown)
