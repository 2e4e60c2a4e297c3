"""Pillow's part of the image stage: decode safely, then upright, sRGB, resized, compressed.

Imported only when a photo is not in the cache, so a warm build never loads Pillow.

- Decoding: a JPEG is decoded at a reduced scale straight from its DCT (`Image.draft`) when
  it is much larger than its slot, and the exact box that scale covers is handed to
  `resize`, so nothing shifts or blurs.
- Colour: an embedded ICC profile (Display P3, Adobe RGB, a CMYK press profile...) is
  converted to sRGB with LittleCMS; 16-bit, grayscale, palette and CMYK images become 8-bit
  RGB; a photo's transparency is flattened onto the e-mail's background (JPEG has none).
- Orientation: read from EXIF before anything drops it, applied after resizing.
- Encoding: photos go through jpegli (perceptual quantisation, 4:2:0) at the lowest quality
  that keeps them at the quality floor (quality_search.py), then MozJPEG's lossless
  optimisation (progressive scans, optimal Huffman tables); graphics (few colours:
  logos, charts, screenshots) stay PNG, with their transparency, optimised by oxipng.
  Outputs carry no metadata at all: no EXIF, GPS, XMP, IPTC, ICC or comments.
"""

from __future__ import annotations

import io
import math
from pathlib import Path

import mozjpeg_lossless_optimization
import oxipng
from PIL import Image, ImageCms, UnidentifiedImageError

from newsletter.errors import ImageProblem
from newsletter.images import quality_search
from newsletter.images.rendition import QUALITY_FLOOR, Rendition

# MPO opens as JPEG; HEIF (HEIC from phones) through pillow-heif, AVIF through Pillow itself.
ACCEPTED_FORMATS = ("JPEG", "PNG", "GIF", "WEBP", "TIFF", "HEIF", "AVIF")
FORMAT_NAMES = "JPEG, PNG, GIF, WebP, TIFF, HEIC or AVIF"
MAX_PIXELS = 50_000_000  # 50 MP: more than any camera the desk uses; more is a bomb
GRAPHIC_COLOURS = 1024  # at most this many colours: a logo, chart or screenshot, not a photo
GRAPHIC_GREYS = 32  # the same for a greyscale image (a black-and-white photo has hundreds)
DRAFT_GAP = 3  # decode a JPEG to at least 3x the target size: scored within 0.4 of a full decode
_ORIENTATION = 0x0112
_SRGB = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))
Image.init()  # register every format plugin, so `formats=` below can name them
# HEIF's brands (ISO/IEC 23008-12) in a file's `ftyp` box; AVIF's (avif, avis) Pillow reads.
_HEIF_BRANDS = {b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"hevm", b"hevs", b"mif1",
                b"msf1"}  # fmt: skip
# Pillow's own bomb check warns (on stderr) from 89 MP and refuses from 179 MP. Ours below is
# stricter, exact and silent: opening reads only the header, and nothing is decoded until the
# size has been checked.
Image.MAX_IMAGE_PIXELS = None


def make_rendition(
    raw: bytes,
    width: int,
    background: tuple[int, int, int],
    quality_floor: float = QUALITY_FLOOR,
) -> Rendition:
    """Turn the bytes of an image into one at most `width` pixels wide, or raise ImageProblem.

    `background` is the colour transparency is flattened onto in a JPEG; a photo is encoded
    at the lowest quality whose SSIMULACRA2 reaches `quality_floor` (quality_search.py).
    """
    image = _open(raw)
    orientation = _orientation(image)
    upright_width = image.height if orientation in (5, 6, 7, 8) else image.width
    scale = min(1.0, width / upright_width)  # never upscaled
    size = (max(1, round(image.width * scale)), max(1, round(image.height * scale)))
    box = _draft(image, scale)
    try:
        image.load()
    except (OSError, SyntaxError, ValueError):
        raise ImageProblem("image file is damaged or truncated") from None
    image = _normalise_mode(image)
    graphic = _is_graphic(image)
    image = _resize(image, size, box)
    image = _to_srgb(image)
    if image.mode == "RGBA" and not graphic:
        image = _flatten(image, background)
    image = _upright(image, orientation)
    return _encode_png(image) if graphic else _encode_jpeg(image, quality_floor)


def upright_size(path: Path) -> tuple[int, int]:
    """(width, height) of the image file as it is shown, its EXIF orientation applied; only
    its header is read. Raise ImageProblem as make_rendition would."""
    with _open(path) as image:
        if _orientation(image) in (5, 6, 7, 8):
            return image.height, image.width
        return image.width, image.height


def decoded_format(path: Path) -> str:
    """Decode the whole image file at `path`, as a build would, and return its format
    ("JPEG", "PNG", ...); raise ImageProblem as make_rendition would."""
    with _open(path) as image:
        kind = "JPEG" if image.format == "MPO" else str(image.format)
        try:
            image.load()
        except (OSError, SyntaxError, ValueError):
            raise ImageProblem("image file is damaged or truncated") from None
        return kind


def open_image(path: Path) -> Image.Image:
    """Open the image file at `path`, reading its header and metadata but no pixels, checked
    as make_rendition checks it; raise ImageProblem (or OSError if it cannot be read)."""
    return _open(path)


def _open(source: bytes | Path) -> Image.Image:
    """Open an image's bytes, or its file (reading only what Pillow needs), checked."""
    empty = not source if isinstance(source, bytes) else source.stat().st_size == 0
    if empty:
        raise ImageProblem("image file is empty (0 bytes)")
    _read_heif_if_needed(source)
    try:
        opened = io.BytesIO(source) if isinstance(source, bytes) else source
        image = Image.open(opened, formats=[f for f in ACCEPTED_FORMATS if f in Image.OPEN])
    except UnidentifiedImageError:
        raise ImageProblem(f"not an image, or not {FORMAT_NAMES}") from None
    except (OSError, SyntaxError, ValueError):
        raise ImageProblem("image file is damaged or truncated") from None
    if image.width * image.height > MAX_PIXELS:
        image.close()  # a file Pillow opened for a path
        raise ImageProblem(
            f"image is too large ({image.width}x{image.height} pixels; "
            f"at most {MAX_PIXELS // 1_000_000} megapixels)"
        )
    if getattr(image, "n_frames", 1) > 1 and image.format != "HEIF":
        image.seek(0)  # an animated GIF or WebP: the first frame stands for it
    return image


def _read_heif_if_needed(source: bytes | Path) -> None:
    """Let Pillow open HEIF (HEIC) files, when this one is: pillow-heif's documented way in,
    made only then (libheif costs 7 MB of memory). It applies the file's own rotation and
    mirroring and then sets the EXIF orientation to 1, gives the primary image of a
    multi-image file (a burst, a Live Photo) first, and 10-bit images as 8-bit, scaled."""
    if isinstance(source, bytes):
        header = source[:12]
    else:
        with source.open("rb") as file:
            header = file.read(12)
    if header[4:8] == b"ftyp" and header[8:12] in _HEIF_BRANDS:
        import pillow_heif

        pillow_heif.register_heif_opener()  # idempotent


def _orientation(image: Image.Image) -> int:
    """EXIF orientation (1-8), read before colour conversion can drop the EXIF block."""
    try:
        value = image.getexif().get(_ORIENTATION, 1)
    except (OSError, SyntaxError, ValueError):
        return 1  # unreadable EXIF: show the pixels as stored
    return value if isinstance(value, int) and 1 <= value <= 8 else 1


def _draft(image: Image.Image, scale: float) -> tuple[float, float, float, float] | None:
    """Let libjpeg decode a large JPEG at 1/2, 1/4 or 1/8 scale; return the box it covers."""
    if image.format != "JPEG" or scale > 1 / (2 * DRAFT_GAP):
        return None
    factor = scale * DRAFT_GAP
    wanted = (math.ceil(image.width * factor), math.ceil(image.height * factor))
    result = image.draft(image.mode if image.mode in ("RGB", "L") else None, wanted)
    return result[1] if result else None


def _normalise_mode(image: Image.Image) -> Image.Image:
    """Reduce every pixel format to RGB, RGBA (only where transparency is used), L or CMYK."""
    if image.mode in ("I;16", "I;16B", "I;16L", "I;16N", "I"):
        return image.convert("I").point(lambda v: v * (1 / 256)).convert("L")  # 16 -> 8 bits
    if image.mode in ("F", "1"):
        return image.convert("L")
    if image.mode in ("P", "PA", "LA", "La", "RGBa", "RGBA") or "transparency" in image.info:
        rgba = image.convert("RGBA")
        opaque = rgba.getchannel("A").getextrema()[0] == 255
        return rgba.convert("RGB") if opaque else rgba
    if image.mode in ("RGB", "L", "CMYK"):
        return image
    return image.convert("RGB")


def _to_srgb(image: Image.Image) -> Image.Image:
    """Convert through the embedded colour profile, if any, to 8-bit sRGB (RGB or RGBA)."""
    icc = image.info.get("icc_profile")
    if icc:
        converted = _convert_profile(image, icc)
        if converted is not None:
            return converted
    return image if image.mode in ("RGB", "RGBA") else image.convert("RGB")


def _convert_profile(image: Image.Image, icc: bytes) -> Image.Image | None:
    """Convert through the embedded profile; None when the profile cannot be used."""
    mode = "RGBA" if image.mode == "RGBA" else "RGB"
    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
        intent = ImageCms.Intent.PERCEPTUAL
        if not ImageCms.isIntentSupported(source, intent, ImageCms.Direction.INPUT):
            intent = ImageCms.Intent.RELATIVE_COLORIMETRIC
        return ImageCms.profileToProfile(
            image, source, _SRGB, renderingIntent=intent, outputMode=mode
        )
    except (ImageCms.PyCMSError, OSError, ValueError):
        return None  # a broken or mismatched profile: the plain conversion will do


def _is_graphic(image: Image.Image) -> bool:
    """A logo, chart or screenshot: few colours (or few greys). Photos have thousands."""
    limit = GRAPHIC_GREYS if image.mode == "L" else GRAPHIC_COLOURS
    return image.getcolors(limit) is not None


def _flatten(image: Image.Image, background: tuple[int, int, int]) -> Image.Image:
    flat = Image.new("RGB", image.size, background)
    flat.paste(image, mask=image.getchannel("A"))
    return flat


def _resize(
    image: Image.Image, size: tuple[int, int], box: tuple[float, float, float, float] | None
) -> Image.Image:
    """Resample to `size` with Lanczos; `box` is the area a JPEG draft decoded."""
    if image.size == size and box is None:
        return image
    if image.mode == "RGBA":  # resample with premultiplied alpha, so edges do not darken
        premultiplied = image.convert("RGBa")
        return premultiplied.resize(size, Image.Resampling.LANCZOS, box=box).convert("RGBA")
    return image.resize(size, Image.Resampling.LANCZOS, box=box)


def _upright(image: Image.Image, orientation: int) -> Image.Image:
    method = {
        2: Image.Transpose.FLIP_LEFT_RIGHT,
        3: Image.Transpose.ROTATE_180,
        4: Image.Transpose.FLIP_TOP_BOTTOM,
        5: Image.Transpose.TRANSPOSE,
        6: Image.Transpose.ROTATE_270,
        7: Image.Transpose.TRANSVERSE,
        8: Image.Transpose.ROTATE_90,
    }.get(orientation)
    return image.transpose(method) if method is not None else image


def _encode_jpeg(image: Image.Image, quality_floor: float) -> Rendition:
    rgb = image.convert("RGB")
    found = quality_search.lowest_quality(rgb, quality_floor)
    # Lossless: progressive scans and optimal Huffman tables; copies no markers at all.
    data = mozjpeg_lossless_optimization.optimize(found.data)
    return Rendition.named(data, "jpg", rgb.width, rgb.height, found.quality, found.score)


def _encode_png(image: Image.Image) -> Rendition:
    out = io.BytesIO()
    image.save(out, "PNG")  # Pillow writes no text, EXIF or ICC chunks unless asked to
    data = oxipng.optimize_from_memory(out.getvalue(), level=2, strip=oxipng.StripChunks.all())
    return Rendition.named(data, "png", image.width, image.height)
