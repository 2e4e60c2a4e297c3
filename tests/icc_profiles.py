"""An ICC colour profile for tests: Display P3, the colour space of iPhone and recent Android
photos (no such profile ships with Debian). Written from its published definition: the DCI-P3
primaries with D65 white and the sRGB tone curve, as an ICC v4 display profile that
LittleCMS (Pillow's ImageCms) and every viewer read."""

from __future__ import annotations

import struct

# Display P3's primaries as the profile states them: XYZ adapted to the D50 of ICC's
# connection space (the values of Apple's own Display P3 profile).
P3_COLORANTS = {
    b"rXYZ": (0.515121, 0.241196, -0.001053),
    b"gXYZ": (0.291977, 0.692245, 0.041885),
    b"bXYZ": (0.157104, 0.066574, 0.784073),
}
D50 = (0.9642, 1.0, 0.8249)
BRADFORD_D65_TO_D50 = (1.0478112, 0.0228866, -0.0501270, 0.0295424, 0.9904844, -0.0170491,
                       -0.0092345, 0.0150436, 0.7521316)  # fmt: skip
SRGB_CURVE = (2.4, 1 / 1.055, 0.055 / 1.055, 1 / 12.92, 0.04045)  # g, a, b, c, d


def _s15(value: float) -> bytes:
    return struct.pack(">i", round(value * 65536))


def _xyz(x: float, y: float, z: float) -> bytes:
    return b"XYZ \0\0\0\0" + _s15(x) + _s15(y) + _s15(z)


def _text(text: str) -> bytes:
    encoded = text.encode("utf-16-be")
    return (
        b"mluc\0\0\0\0" + struct.pack(">II2s2sII", 1, 12, b"en", b"US", len(encoded), 28) + encoded
    )


def display_p3() -> bytes:
    """The bytes of a Display P3 ICC profile."""
    curve = b"para\0\0\0\0" + struct.pack(">HH", 3, 0) + b"".join(map(_s15, SRGB_CURVE))
    tags = [
        (b"desc", _text("Display P3 (test)")),
        (b"cprt", _text("No copyright, use freely")),
        (b"wtpt", _xyz(*D50)),
        (b"chad", b"sf32\0\0\0\0" + b"".join(map(_s15, BRADFORD_D65_TO_D50))),
        *((name, _xyz(*xyz)) for name, xyz in P3_COLORANTS.items()),
        (b"rTRC", curve), (b"gTRC", curve), (b"bTRC", curve),
    ]  # fmt: skip
    table_size = 4 + 12 * len(tags)
    offset = 128 + table_size
    entries, data = b"", b""
    for name, body in tags:
        padded = body + b"\0" * (-len(body) % 4)
        entries += struct.pack(">4sII", name, offset + len(data), len(body))
        data += padded
    size = offset + len(data)
    header = (
        struct.pack(">I4sI4s4s4s", size, b"lcms", 0x04300000, b"mntr", b"RGB ", b"XYZ ")
        + struct.pack(">6H", 2026, 11, 30, 0, 0, 0)
        + b"acsp" + b"\0" * 24 + struct.pack(">I", 0)
        + _s15(D50[0]) + _s15(D50[1]) + _s15(D50[2])
        + b"\0" * 4 + b"\0" * 16 + b"\0" * 28
    )  # fmt: skip
    assert len(header) == 128, len(header)
    return header + struct.pack(">I", len(tags)) + entries + data


# Display P3 and sRGB share white (D65) and tone curve: a colour converts through linear light
# with this matrix (P3 -> XYZ -> sRGB), independent of any colour management library.
P3_TO_SRGB_LINEAR = (
    (1.2249401, -0.2249404, 0.0),
    (-0.0420569, 1.0420571, 0.0),
    (-0.0196376, -0.0786361, 1.0982735),
)


def p3_to_srgb(rgb: tuple[int, int, int]) -> tuple[float, float, float]:
    """An 8-bit Display P3 colour as 8-bit sRGB (unclipped floats)."""

    def linear(v: float) -> float:
        c = v / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    def encoded(v: float) -> float:
        v = min(max(v, 0.0), 1.0)
        return 255 * (v * 12.92 if v <= 0.0031308 else 1.055 * v ** (1 / 2.4) - 0.055)

    lin = [linear(v) for v in rgb]
    out = [sum(m * c for m, c in zip(row, lin, strict=True)) for row in P3_TO_SRGB_LINEAR]
    return encoded(out[0]), encoded(out[1]), encoded(out[2])
