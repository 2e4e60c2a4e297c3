"""What the image stage makes, and the encoder settings every cache key names."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from newsletter.reading.settings import QUALITY_FLOOR

__all__ = ["ENCODER", "QUALITY_FLOOR", "QUALITY_RANGE", "Rendition", "Target"]

QUALITY_RANGE = (50, 92)  # never below (blocky whatever the score), never above (no gain)
ENCODER = "jpegli-searched-v1-mozjpeg-lossless+oxipng-v2"  # part of every cache key


@dataclass(frozen=True)
class Target:
    """What a rendition is made for: the colour transparency is flattened onto, and the
    score its JPEG must reach."""

    background: tuple[int, int, int] = (255, 255, 255)
    quality_floor: float = QUALITY_FLOOR


@dataclass(frozen=True)
class Rendition:
    """A photo ready for the e-mail."""

    name: str  # file name under images/, from the hash of `data`
    data: bytes
    width: int  # pixels in the file
    height: int
    quality: int | None = None  # the jpegli quality chosen (None: a PNG)
    score: float | None = None  # its SSIMULACRA2 against the resized original

    @classmethod
    def named(
        cls,
        data: bytes,
        extension: str,
        width: int,
        height: int,
        quality: int | None = None,
        score: float | None = None,
    ) -> Rendition:
        """A rendition whose name is the hash of its bytes (a browser may cache it forever)."""
        name = f"{hashlib.sha256(data).hexdigest()[:20]}.{extension}"
        return cls(name, data, width, height, quality, score)
