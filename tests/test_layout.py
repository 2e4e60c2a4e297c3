"""The grid: which slot each gallery photo gets, and how wide it is shown."""

from __future__ import annotations

import pytest

from newsletter.images.rendition import Rendition
from newsletter.pipeline import settings_for
from newsletter.reading.issue_file import read_issue
from newsletter.rendering import layout
from newsletter.rendering.context import lay_out

from .conftest import SAMPLE


def test_the_grid_adds_up() -> None:
    assert layout.FULL_SLOT == layout.BODY_WIDTH - 2 * layout.GUTTER == 552
    assert 2 * layout.HALF_SLOT + layout.GAP == layout.FULL_SLOT
    assert layout.PAIR_PADDING * 2 == layout.GAP


@pytest.mark.parametrize(
    ("count", "rows"),
    [
        (0, []),
        (1, [[552]]),
        (2, [[552], [552]]),  # a photo left over is shown full width
        (3, [[552], [264, 264]]),
        (4, [[552], [264, 264], [552]]),
        (9, [[552]] + [[264, 264]] * 4),
        (20, [[552]] + [[264, 264]] * 9 + [[552]]),
    ],
)
def test_gallery_slots(count: int, rows: list[list[int]]) -> None:
    slots = layout.gallery_slots(count)
    assert [s.index for s in slots] == list(range(count))
    laid = [[s.width for s in slots if s.row == row] for row in sorted({s.row for s in slots})]
    assert laid == rows
    assert all(s.columns == len(laid[s.row]) for s in slots)


def fake(width: int, height: int) -> Rendition:
    return Rendition(f"{width}x{height}.jpg", b"", width, height)


def test_a_photo_is_never_shown_wider_than_its_pixels() -> None:
    source = read_issue(SAMPLE)
    settings, _ = settings_for(SAMPLE, None)
    slots = layout.gallery_slots(len(source.issue.lead.gallery))
    # The lead photo has only 300 pixels; a half-slot photo has plenty; one is a panorama.
    renditions = [fake(300, 200), fake(528, 352), fake(528, 66)] + [fake(528, 396)] * 6
    page = lay_out(source, settings, slots, renditions)
    shown = [(p.width, p.height) for row in page.rows for p in row]
    assert shown[:3] == [(300, 200), (264, 176), (264, 33)]
    assert [len(row) for row in page.rows] == [1, 2, 2, 2, 2]
    base = settings.links.image_base_url
    assert base is not None
    assert page.rows[0][0].src == base.replace("{issue}", SAMPLE.stem).rstrip("/") + "/300x200.jpg"
