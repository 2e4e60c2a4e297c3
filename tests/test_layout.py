"""The grid: which row each gallery photo gets, and how large it is shown."""

from __future__ import annotations

import pytest

from newsletter.images.rendition import Rendition
from newsletter.pipeline import settings_for
from newsletter.reading.issue_file import read_issue
from newsletter.rendering import layout
from newsletter.rendering.context import lay_out

from .conftest import SAMPLE

LANDSCAPE, WIDE, PORTRAIT = (1200, 800), (1600, 1200), (900, 1200)


def test_the_grid_adds_up() -> None:
    assert layout.FULL_SLOT == layout.BODY_WIDTH - 2 * layout.GUTTER == 552
    assert layout.PAIR_ROW == layout.FULL_SLOT - layout.GAP == 528
    assert layout.PAIR_PADDING * 2 == layout.GAP


def rows(slots: list[layout.Slot]) -> list[list[tuple[int, int]]]:
    found: dict[int, list[tuple[int, int]]] = {}
    for slot in slots:
        found.setdefault(slot.row, []).append((slot.width, slot.height))
    return [found[row] for row in sorted(found)]


@pytest.mark.parametrize(
    ("sizes", "expected"),
    [
        ([], []),
        ([LANDSCAPE], [[(552, 368)]]),
        ([PORTRAIT], [[(360, 480)]]),  # alone, no taller than MAX_HEIGHT
        ([LANDSCAPE, LANDSCAPE], [[(552, 368)], [(552, 368)]]),  # a photo left over: alone
        ([LANDSCAPE, LANDSCAPE, LANDSCAPE], [[(552, 368)], [(264, 176), (264, 176)]]),
        # a portrait beside a landscape: one height, widths in proportion to their shapes
        ([LANDSCAPE, PORTRAIT, LANDSCAPE], [[(552, 368)], [(176, 235), (352, 235)]]),
        ([LANDSCAPE, WIDE, PORTRAIT], [[(552, 368)], [(338, 253), (190, 253)]]),
    ],
)
def test_rows(sizes: list[tuple[int, int]], expected: list[list[tuple[int, int]]]) -> None:
    slots = layout.gallery_slots(sizes)
    assert [slot.index for slot in slots] == list(range(len(sizes)))
    assert rows(slots) == expected
    for slot in slots:
        assert slot.width <= sizes[slot.index][0], "never wider than its pixels"


def test_a_pair_adds_up_to_the_row_at_one_height() -> None:
    for first in (LANDSCAPE, WIDE, PORTRAIT, (1000, 1000), (2400, 1000), (1000, 1590)):
        for second in (LANDSCAPE, WIDE, PORTRAIT, (1000, 1000)):
            pair = layout.gallery_slots([LANDSCAPE, first, second])[1:]
            assert [slot.row for slot in pair] == [1, 1]
            assert sum(slot.width for slot in pair) == layout.PAIR_ROW
            (a, b), sizes = pair, (first, second)
            heights = [slot.width * h / w for slot, (w, h) in zip((a, b), sizes, strict=True)]
            assert abs(heights[0] - heights[1]) <= 1.5


def test_a_panorama_a_very_tall_photo_and_a_small_one_get_rows_of_their_own() -> None:
    panorama, tall, small = (7000, 1000), (1000, 2000), (200, 150)
    slots = layout.gallery_slots([LANDSCAPE, LANDSCAPE, panorama, LANDSCAPE, tall, small, WIDE])
    assert rows(slots) == [
        [(552, 368)],
        [(552, 368)],  # left alone: the next photo does not pair
        [(552, 79)],  # the 7:1 panorama, full width
        [(552, 368)],
        [(240, 480)],  # taller than 1:1.6: alone, no taller than 480
        [(200, 150)],  # fewer pixels than a slot: its own size, centred
        [(552, 414)],
    ]
    by_index = {slot.index: slot for slot in slots}
    assert not by_index[5].fluid  # on a phone it keeps its 200 px, never stretched
    assert by_index[2].fluid and by_index[2].render_width == 1104


def test_a_photo_too_small_for_its_share_of_a_pair_goes_alone() -> None:
    # 2:1 beside 3:2, it would be shown 302 px wide from 200 pixels: it goes alone, and the
    # next photo pairs with the one after it
    slots = layout.gallery_slots([LANDSCAPE, (200, 100), (3000, 2000), (2000, 2000)])
    assert rows(slots) == [[(552, 368)], [(200, 100)], [(317, 211), (211, 211)]]


def test_renders_are_twice_the_desktop_width_and_enough_for_a_phone() -> None:
    lead, first, second = layout.gallery_slots([LANDSCAPE, PORTRAIT, LANDSCAPE])
    assert (lead.render_width, first.render_width, second.render_width) == (1104, 431, 704)
    assert first.column + second.column == layout.BODY_WIDTH - layout.GAP


def fake(width: int, height: int) -> Rendition:
    return Rendition(f"{width}x{height}.jpg", b"", width, height)


def test_a_photo_is_never_shown_wider_than_its_pixels() -> None:
    source = read_issue(SAMPLE)
    settings, _ = settings_for(SAMPLE, None)
    sizes = [(1488, 2240)] + [(768, 512)] * 8
    slots = layout.gallery_slots(sizes)
    # The lead rendition came out with fewer pixels than its slot (say an old cache entry).
    renditions = [fake(300, 452)] + [fake(528, 352)] * 8
    page = lay_out(source, settings, slots, renditions)
    shown = [(p.width, p.height) for row in page.rows for p in row]
    assert shown[:3] == [(300, 452), (264, 176), (264, 176)]
    assert [len(row) for row in page.rows] == [1, 2, 2, 2, 2]
    base = settings.links.image_base_url
    assert base is not None
    assert page.rows[0][0].src == base.replace("{issue}", SAMPLE.stem).rstrip("/") + "/300x452.jpg"
