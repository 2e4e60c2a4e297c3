"""The image stage: each photo resized for its slot, compressed, cached (see photos.py).

Each output is named by the hash of its bytes and cached by the hash of its source and the
settings that made it, so an unchanged photo costs one file read on the next build.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

JPEG_QUALITY = 85  # jpegli quality (a perceptual distance), calibrated: see benchmarks/README.md
ENCODER = f"jpegli-q{JPEG_QUALITY}-mozjpeg-lossless+oxipng-v2"  # part of every cache key


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


Job = tuple[Path, int]  # (source file, largest width wanted in pixels)
Progress = Callable[[int, int], None]  # (done, total)


def render_all(
    jobs: Sequence[Job],
    cache_dir: Path | None,
    background: tuple[int, int, int] = (255, 255, 255),
    progress: Progress | None = None,
) -> list[Rendition | ImageProblem]:
    """Render every job on all cores; a problem is returned in its job's place, not raised."""

    def one(job: Job) -> Rendition | ImageProblem:
        try:
            return render(job[0], job[1], cache_dir, background)
        except ImageProblem as problem:
            return problem
        except OSError as exc:  # removed or unreadable since the issue file was checked
            return ImageProblem(f"cannot read the file ({exc.strerror or exc})")

    results: list[Rendition | ImageProblem] = []
    workers = max(1, min(len(jobs), os.cpu_count() or 1))
    with ThreadPoolExecutor(max_workers=workers) as pool:  # Pillow and the codecs drop the GIL
        for result in pool.map(one, jobs):
            results.append(result)
            if progress is not None:
                progress(len(results), len(jobs))
    return results


# In one process (the preview's), a photo whose file has not changed is not read again.
_Seen = tuple[Path, int, int, int, int, tuple[int, int, int]]
_seen: dict[_Seen, Rendition] = {}


def render(
    source: Path,
    width: int,
    cache_dir: Path | None,
    background: tuple[int, int, int] = (255, 255, 255),
) -> Rendition:
    """Return `source` resized to at most `width` pixels, from the cache when possible."""
    stat = source.stat()
    seen_key = (source, stat.st_mtime_ns, stat.st_size, stat.st_ino, width, background)
    if cache_dir is not None and (seen := _seen.get(seen_key)) is not None:
        return seen
    rendition = _render(source, width, cache_dir, background)
    if cache_dir is not None:
        if len(_seen) > 256:
            _seen.clear()
        _seen[seen_key] = rendition
    return rendition


def _render(
    source: Path, width: int, cache_dir: Path | None, background: tuple[int, int, int]
) -> Rendition:
    raw = source.read_bytes()
    settings = f"|{width}|{ENCODER}|{background}".encode()
    key = hashlib.sha256(raw + settings).hexdigest()
    if cache_dir is not None and (hit := _cache_get(cache_dir / "images", key)) is not None:
        return hit
    from newsletter.photos import make_rendition  # loads Pillow: only on a cache miss

    rendition = make_rendition(raw, width, background)
    if cache_dir is not None:
        _cache_put(cache_dir / "images", key, rendition)
    return rendition


def _cache_get(cache_dir: Path, key: str) -> Rendition | None:
    try:
        meta = json.loads((cache_dir / f"{key}.json").read_text())
        data = (cache_dir / meta["name"]).read_bytes()
    except (OSError, ValueError, KeyError):
        return None
    if hashlib.sha256(data).hexdigest()[:20] != meta["name"].partition(".")[0]:
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
