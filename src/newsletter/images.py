"""The image stage: each photo resized for its slot, compressed, cached (see photos.py).

Each output is named by the hash of its bytes and cached by the hash of its source and the
settings that made it, so an unchanged photo costs one file read on the next build.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

QUALITY = 80  # JPEG quality of every photo
ENCODER = f"pillow-jpeg-q{QUALITY}-420-progressive-v1"  # part of every cache key


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
    from newsletter.photos import make_rendition  # loads Pillow: only on a cache miss

    rendition = make_rendition(raw, width)
    if cache_dir is not None:
        _cache_put(cache_dir, key, rendition)
    return rendition


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
