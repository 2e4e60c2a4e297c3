"""Pillow's part of the image stage: decode safely, turn upright, convert to sRGB, resize, encode.

Imported only when a photo is not in the cache, so a warm build never loads Pillow.
"""

from __future__ import annotations

import hashlib
import io
import warnings

from PIL import Image, ImageCms, ImageOps, UnidentifiedImageError

from newsletter.images import QUALITY, ImageProblem, Rendition

ACCEPTED_FORMATS = {"JPEG", "PNG", "GIF", "WEBP", "TIFF"}  # MPO opens as JPEG
MAX_PIXELS = 50_000_000  # 50 MP: more than any camera the desk uses
_SRGB = ImageCms.createProfile("sRGB")
Image.init()  # register every format plugin, so `formats=` below can name them


def make_rendition(raw: bytes, width: int) -> Rendition:
    """Turn the bytes of a photo into a JPEG at most `width` pixels wide, or raise ImageProblem."""
    return _encode(_decode(raw, width))


def _decode(raw: bytes, width: int) -> Image.Image:
    if not raw:
        raise ImageProblem("image file is empty (0 bytes)")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(raw), formats=sorted(ACCEPTED_FORMATS))
            if image.width * image.height > MAX_PIXELS:
                raise ImageProblem(
                    f"image is too large ({image.width}x{image.height} pixels; "
                    f"at most {MAX_PIXELS // 1_000_000} megapixels)"
                )
            image.load()
    except UnidentifiedImageError:
        raise ImageProblem("not an image, or not JPEG, PNG, GIF, WebP or TIFF") from None
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ImageProblem("image is too large (decompression bomb?)") from None
    except (OSError, SyntaxError, ValueError) as exc:
        raise ImageProblem(f"image file is damaged or truncated ({exc})") from None
    upright = ImageOps.exif_transpose(image)
    return _resize(_to_srgb(upright), width)


def _to_srgb(image: Image.Image) -> Image.Image:
    """Convert any mode and embedded colour profile to 8-bit sRGB, flattening transparency."""
    if image.mode in ("P", "PA", "LA", "La", "RGBa") or image.info.get("transparency") is not None:
        image = image.convert("RGBA")
    if image.mode == "RGBA":
        background = Image.new("RGB", image.size, (255, 255, 255))
        background.paste(image, mask=image.getchannel("A"))
        image = background
    icc = image.info.get("icc_profile")
    if icc and image.mode in ("RGB", "CMYK", "L"):
        try:
            source_profile = ImageCms.ImageCmsProfile(io.BytesIO(icc))
            converted = ImageCms.profileToProfile(image, source_profile, _SRGB, outputMode="RGB")
            if converted is not None:
                return converted
        except (ImageCms.PyCMSError, OSError):
            pass  # a broken profile: fall back to the plain conversion below
    return image.convert("RGB")


def _resize(image: Image.Image, width: int) -> Image.Image:
    if image.width <= width:
        return image
    height = max(1, round(image.height * width / image.width))
    return image.resize((width, height), Image.Resampling.LANCZOS, reducing_gap=3.0)


def _encode(image: Image.Image) -> Rendition:
    out = io.BytesIO()
    image.save(out, "JPEG", quality=QUALITY, optimize=True, progressive=True, subsampling="4:2:0")
    data = out.getvalue()
    name = hashlib.sha256(data).hexdigest()[:20] + ".jpg"
    return Rendition(name, data, image.width, image.height)
