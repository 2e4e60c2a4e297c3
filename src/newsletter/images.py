"""Photos: decoded safely, turned upright, converted to sRGB, resized and compressed.

Each output is named by the hash of its bytes and cached by the hash of its source and the
settings that made it, so an unchanged photo costs one file read on the next build.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import tempfile
import warnings
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageCms, ImageOps, UnidentifiedImageError

ENCODER = "pillow-jpeg-q80-420-progressive-v1"  # part of every cache key
QUALITY = 80
ACCEPTED_FORMATS = {"JPEG", "PNG", "GIF", "WEBP", "TIFF"}  # MPO opens as JPEG
MAX_PIXELS = 50_000_000  # 50 MP: more than any camera the desk uses
_SRGB = ImageCms.createProfile("sRGB")
Image.init()  # register every format plugin, so `formats=` below can name them


class ImageProblem(Exception):
    """A photo that cannot be used; the message says why, in an editor's words."""


@dataclass(frozen=True)
class Rendition:
    """A photo ready for the e-mail."""

    name: str  # file name under images/, from the hash of `data`
    data: bytes
    width: int  # pixels in the file
    height: int


def default_cache_dir() -> Path:
    """Where renditions are cached: $NEWSLETTER_CACHE_DIR, else the user's cache folder."""
    if env := os.environ.get("NEWSLETTER_CACHE_DIR"):
        return Path(env)
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "newsletter"


def render_all(
    jobs: Sequence[tuple[Path, int]], cache_dir: Path | None
) -> list[Rendition | ImageProblem]:
    """Render each (source, target width) job, in parallel; problems are returned, not raised."""
    def one(job: tuple[Path, int]) -> Rendition | ImageProblem:
        try:
            return render(job[0], job[1], cache_dir)
        except ImageProblem as problem:
            return problem

    workers = min(len(jobs), os.cpu_count() or 1) or 1
    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(one, jobs))


def render(source: Path, width: int, cache_dir: Path | None) -> Rendition:
    """Return `source` as a JPEG at most `width` pixels wide, from the cache when possible."""
    raw = source.read_bytes()
    key = hashlib.sha256(raw + f"|{width}|{ENCODER}".encode()).hexdigest()
    if cache_dir is not None and (hit := _cache_get(cache_dir, key)) is not None:
        return hit
    rendition = _encode(_decode(raw, width))
    if cache_dir is not None:
        _cache_put(cache_dir, key, rendition)
    return rendition


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


def _cache_get(cache_dir: Path, key: str) -> Rendition | None:
    try:
        meta = json.loads((cache_dir / f"{key}.json").read_text())
        data = (cache_dir / meta["name"]).read_bytes()
    except (OSError, ValueError, KeyError):
        return None
    if hashlib.sha256(data).hexdigest()[:20] != meta["name"].split(".")[0]:
        return None  # damaged cache entry: make it again
    return Rendition(meta["name"], data, int(meta["width"]), int(meta["height"]))


def _cache_put(cache_dir: Path, key: str, rendition: Rendition) -> None:
    """Write atomically, so builds running at once never see half a file."""
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
        _write_atomic(cache_dir / rendition.name, rendition.data)
        meta = {"name": rendition.name, "width": rendition.width, "height": rendition.height}
        _write_atomic(cache_dir / f"{key}.json", json.dumps(meta).encode())
    except OSError:
        pass  # a cache that cannot be written only costs time


def _write_atomic(path: Path, data: bytes) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        Path(tmp).replace(path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
