"""Each photo at the quality it needs, and no more: the lowest jpegli quality whose result
scores at least the quality floor in SSIMULACRA2 against the photo as resized.

One quality for every photo either wastes bytes on busy photos (they hold the floor at a low
quality) or lets calm ones fall below it. The search costs a few trial encodes a photo, once
(the result is cached): it probes near the usual answer, then follows the score's slope
against quality (a secant), and stops when one step lower would fall below the floor.
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass

import pyjpegli
from PIL import Image

from newsletter.images.rendition import QUALITY_RANGE
from newsletter.images.ssimulacra2 import MIN_SIDE, Reference

FIRST_PROBE = 78  # where most photos land
TINY_QUALITY = 85  # a photo under 8 pixels a side, too small for SSIMULACRA2 to judge
PRIOR_SLOPE = 0.5  # SSIMULACRA2 points a quality step, before two trials measure it
MAX_TRIALS = 6


@dataclass(frozen=True)
class Found:
    """The encoding chosen for one photo."""

    data: bytes  # jpegli's JPEG, before the lossless pass
    quality: int
    score: float | None  # None: too small to score


def lowest_quality(image: Image.Image, floor: float) -> Found:
    """The lowest quality in QUALITY_RANGE whose JPEG of `image` (RGB) scores at least
    `floor`; the top of the range when none does."""
    if min(image.size) < MIN_SIDE:
        data = pyjpegli.encode(image.tobytes(), image.width, image.height, quality=TINY_QUALITY)
        return Found(data, TINY_QUALITY, None)
    reference = Reference(image)
    low, high = QUALITY_RANGE
    tried: dict[int, Found] = {}

    def trial(quality: int) -> Found:
        if quality not in tried:
            data = pyjpegli.encode(image.tobytes(), image.width, image.height, quality=quality)
            with Image.open(io.BytesIO(data)) as decoded:
                score = reference.score(decoded.convert("RGB"))
            tried[quality] = Found(data, quality, score)
        return tried[quality]

    def estimate(point: Found, slope: float) -> int:
        """The quality the slope through `point` says reaches the floor."""
        score = point.score if point.score is not None else floor
        return min(high, max(low, math.ceil(point.quality - (score - floor) / slope)))

    point, slope = trial(FIRST_PROBE), PRIOR_SLOPE
    while len(tried) < MAX_TRIALS:
        guess = estimate(point, slope)
        passing = [f for f in tried.values() if _passes(f, floor)]
        best = min(passing, key=lambda f: f.quality) if passing else None
        if best is not None and (best.quality == low or best.quality - 1 in tried):
            break  # one step lower is known to fail, or out of range
        if guess in tried:
            guess = best.quality - 1 if best is not None else min(high, max(tried) + 1)
            if guess in tried or guess < low:
                break
        previous, point = point, trial(guess)
        if point.quality != previous.quality and None not in (point.score, previous.score):
            rise = float(point.score or 0) - float(previous.score or 0)
            measured = rise / (point.quality - previous.quality)
            slope = measured if measured > 0.05 else slope
    passing = [f for f in tried.values() if _passes(f, floor)]
    if passing:
        return min(passing, key=lambda f: f.quality)
    return trial(high)


def _passes(found: Found, floor: float) -> bool:
    return found.score is not None and found.score >= floor
