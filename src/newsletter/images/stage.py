"""Which photos must be made, and the cache of those already made (encode.py makes them).

Each output is named by the hash of its bytes and cached by the hash of its source and the
settings that made it. A second, smaller entry remembers which source a file's path, size and
times stood for, so an unchanged photo is not even read again on the next build (photos are
megabytes each to read and hash).
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import cast

from newsletter.cache_folder import store
from newsletter.errors import ImageProblem
from newsletter.images.rendition import ENCODER, QUALITY_FLOOR, Rendition, Target

Job = tuple[Path, int]  # (source file, largest width wanted in pixels)
Size = tuple[int, int]  # (width, height) in pixels, upright
Progress = Callable[[int, int], None]  # (done, total)


def render_all(
    jobs: Sequence[Job],
    cache_dir: Path | None,
    background: tuple[int, int, int] = (255, 255, 255),
    progress: Progress | None = None,
    quality_floor: float = QUALITY_FLOOR,
) -> list[Rendition | ImageProblem]:
    """Render every job on all cores; a problem is returned in its job's place, not raised."""
    target = Target(background, quality_floor)

    def one(job: Job) -> Rendition | ImageProblem:
        try:
            return _make(job[0], job[1], cache_dir, target)  # not found by stat below
        except ImageProblem as problem:
            return problem
        except OSError as exc:  # removed or unreadable since the issue file was checked
            return ImageProblem(f"cannot read the file ({exc.strerror or exc})")

    # Photos whose file is unchanged since a build cached them need no threads (on a rebuild,
    # all of them): only the others go to the pool.
    results: list[Rendition | ImageProblem | None] = [
        _cached_by_stat(source, width, cache_dir, target) for source, width in jobs
    ]
    missing = [index for index, result in enumerate(results) if result is None]
    done = len(jobs) - len(missing)
    if missing:
        from concurrent.futures import ThreadPoolExecutor

        if progress is not None:
            progress(done, len(jobs))  # say at once that photos are on their way
        workers = max(1, min(len(missing), os.cpu_count() or 1))
        with ThreadPoolExecutor(max_workers=workers) as pool:  # Pillow, codecs drop the GIL
            made = pool.map(one, [jobs[index] for index in missing])
            for index, result in zip(missing, made, strict=True):
                results[index] = result
                done += 1
                if progress is not None:
                    progress(done, len(jobs))
    return cast(list[Rendition | ImageProblem], results)  # every None was filled in above


def source_sizes(sources: Sequence[Path], cache_dir: Path | None) -> list[Size | ImageProblem]:
    """Each photo's upright size in pixels (the layout needs its shape before anything is
    rendered); a problem in its place when the file cannot be used. A file unchanged since a
    build measured it is not read again."""
    return [_source_size(source, cache_dir) for source in sources]


def _source_size(source: Path, cache_dir: Path | None) -> Size | ImageProblem:
    try:
        stat = source.stat()
        key = hashlib.sha256(repr((_identity(source, stat), "size-v1")).encode()).hexdigest()
        if (known := _sizes.get(key)) is not None:
            return known
        entry = cache_dir / "images" / f"size-{key}.json" if cache_dir else None
        size = _read_size(entry) if entry else None
        if size is None:
            from newsletter.images.encode import upright_size  # Pillow: only on a cache miss

            size = upright_size(source)  # its header only
            if entry and time.time() - max(stat.st_mtime, stat.st_ctime) > RACY_SECONDS:
                store(entry, json.dumps(size).encode())
    except ImageProblem as problem:
        return problem
    except OSError as exc:  # removed or unreadable since the issue file was checked
        return ImageProblem(f"cannot read the file ({exc.strerror or exc})")
    if len(_sizes) > 256:
        _sizes.clear()
    _sizes[key] = size
    return size


def _read_size(entry: Path) -> Size | None:
    try:
        width, height = json.loads(entry.read_text())
    except (OSError, ValueError, TypeError):
        return None
    if type(width) is not int or type(height) is not int or width < 1 or height < 1:
        return None
    return width, height


# In one process (the preview's), a photo whose file has not changed is not even looked up.
_seen: dict[str, Rendition] = {}
_sizes: dict[str, Size] = {}

# A file changed less than this long ago could change again within the clock's granularity
# without its size or times changing ("racy" in git's words): its stat entry is not written.
RACY_SECONDS = 2.0


def render(
    source: Path,
    width: int,
    cache_dir: Path | None,
    background: tuple[int, int, int] = (255, 255, 255),
    quality_floor: float = QUALITY_FLOOR,
) -> Rendition:
    """Return `source` resized to at most `width` pixels, from the cache when possible."""
    target = Target(background, quality_floor)
    cached = _cached_by_stat(source, width, cache_dir, target)
    return cached if cached is not None else _make(source, width, cache_dir, target)


def _make(source: Path, width: int, cache_dir: Path | None, target: Target) -> Rendition:
    """The rendition of a file the stat cache does not know (cached by content, or made)."""
    if cache_dir is None:
        return _render(source, width, None, target)
    stat = source.stat()
    rendition = _render(source, width, cache_dir, target)
    key = _stat_key(source, stat, width, target)
    if time.time() - max(stat.st_mtime, stat.st_ctime) > RACY_SECONDS:
        _cache_put_meta(_stat_entry(cache_dir, key), rendition)
    _remember(key, rendition)
    return rendition


def _cached_by_stat(
    source: Path, width: int, cache_dir: Path | None, target: Target
) -> Rendition | None:
    """The rendition made from this very file (same inode, size and times), if cached."""
    if cache_dir is None:
        return None
    try:
        stat = source.stat()
    except OSError:
        return None  # render() reports it
    key = _stat_key(source, stat, width, target)
    if (seen := _seen.get(key)) is not None:
        return seen
    rendition = _cache_get(_stat_entry(cache_dir, key))
    if rendition is not None:
        _remember(key, rendition)
    return rendition


def _stat_entry(cache_dir: Path, key: str) -> Path:
    return cache_dir / "images" / f"stat-{key}.json"


def _remember(key: str, rendition: Rendition) -> None:
    if len(_seen) > 256:
        _seen.clear()
    _seen[key] = rendition


def _stat_key(source: Path, stat: os.stat_result, width: int, target: Target) -> str:
    """Names the file as it is now: replaced or edited, it gets another key."""
    parts = (_identity(source, stat), width, ENCODER, target)
    return hashlib.sha256(repr(parts).encode()).hexdigest()


def _identity(source: Path, stat: os.stat_result) -> tuple[object, ...]:
    """The file as it is now: replaced or edited, it is another."""
    return (
        source.resolve(),
        stat.st_dev,
        stat.st_ino,
        stat.st_size,
        stat.st_mtime_ns,
        stat.st_ctime_ns,
    )


def _render(source: Path, width: int, cache_dir: Path | None, target: Target) -> Rendition:
    raw = source.read_bytes()
    settings = f"|{width}|{ENCODER}|{target}".encode()
    key = hashlib.sha256(raw + settings).hexdigest()
    if cache_dir is not None and (hit := _cache_get(cache_dir / "images" / f"{key}.json")):
        return hit
    from newsletter.images.encode import make_rendition  # loads Pillow: only on a cache miss

    rendition = make_rendition(raw, width, target.background, target.quality_floor)
    if cache_dir is not None:
        _cache_put(cache_dir / "images", key, rendition)
    return rendition


def _cache_get(meta_path: Path) -> Rendition | None:
    try:
        meta = json.loads(meta_path.read_text())
        name, width, height = str(meta["name"]), int(meta["width"]), int(meta["height"])
        quality = None if meta.get("quality") is None else int(meta["quality"])
        score = None if meta.get("score") is None else float(meta["score"])
        data = (meta_path.parent / name).read_bytes()
    except (OSError, ValueError, KeyError, TypeError):  # missing, or not what we write
        return None
    if hashlib.sha256(data).hexdigest()[:20] != name.partition(".")[0]:
        return None  # damaged cache entry: make it again
    return Rendition(name, data, width, height, quality, score)


def _cache_put(cache_dir: Path, key: str, rendition: Rendition) -> None:
    if store(cache_dir / rendition.name, rendition.data):
        _cache_put_meta(cache_dir / f"{key}.json", rendition)


def _cache_put_meta(meta_path: Path, rendition: Rendition) -> None:
    meta = {
        "name": rendition.name,
        "width": rendition.width,
        "height": rendition.height,
        "quality": rendition.quality,
        "score": rendition.score,
    }
    store(meta_path, json.dumps(meta).encode())
