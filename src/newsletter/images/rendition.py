"""What the image stage makes, and the encoder settings every cache key names."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

JPEG_QUALITY = 85  # jpegli quality (a perceptual distance), calibrated: see benchmarks/README.md
ENCODER = f"jpegli-q{JPEG_QUALITY}-mozjpeg-lossless+oxipng-v2"  # part of every cache key


@dataclass(frozen=True)
class Rendition:
    """A photo ready for the e-mail."""

    name: str  # file name under images/, from the hash of `data`
    data: bytes
    width: int  # pixels in the file
    height: int

    @classmethod
    def named(cls, data: bytes, extension: str, width: int, height: int) -> Rendition:
        """A rendition whose name is the hash of its bytes (a browser may cache it forever)."""
        return cls(f"{hashlib.sha256(data).hexdigest()[:20]}.{extension}", data, width, height)
