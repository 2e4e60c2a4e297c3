"""Benchmark: the image stage against Pillow's defaults and against sharp with MozJPEG.

For each photo of the sample issue (at the width its slot asks for) and of
../shared/photos/camera/ when present (at 1104 px), it prints: our encoder's time, bytes and
SSIMULACRA2 against a full-quality resize of the original; then the bytes Pillow
(optimize, progressive, 4:2:0) and sharp (mozjpeg: true) need for exactly the same score,
interpolated between the two qualities around it (the lowest quality reaching at least our
score would overstate their bytes: their score lands up to 2 points above ours).
Then the targets of issue #3: size ratios, quality floor, cold build against sharp, time per
12 MP photo, peak memory, warm rebuild.

sharp is installed from npm into benchmarks/.scratch/ (never a project dependency).
Needs: pip install -e '.[bench]' (ssimulacra2), node and npm.

Usage: python benchmarks/images.py [--quick]
"""

from __future__ import annotations

import argparse
import io
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageOps
from ssimulacra2 import compute_ssimulacra2

from newsletter.images import encode as photos
from newsletter.images import rendition
from newsletter.images import stage as images
from newsletter.rendering import layout

ROOT = Path(__file__).resolve().parent.parent
SCRATCH = ROOT / "benchmarks" / ".scratch"
SAMPLE = ROOT / "issues" / "2012-07-31-khorog.yaml"
CAMERA = ROOT.parent / "shared" / "photos" / "camera"
WHITE = (255, 255, 255)
SHARP_SCRIPT = r"""
const sharp = require('sharp');
const [mode, ...args] = process.argv.slice(2);
async function main() {
  if (mode === 'encode') {            // encode SRC QUALITY OUT: re-encode a reference PNG
    const [src, q, out] = args;
    await sharp(src).jpeg({ quality: parseInt(q), mozjpeg: true }).toFile(out);
  } else {                            // resize JOBS.json: decode, upright, resize, encode all
    const jobs = JSON.parse(require('fs').readFileSync(args[0]));
    const start = process.hrtime.bigint();
    await Promise.all(jobs.map(([src, width, out]) =>
      sharp(src).rotate().resize({ width, withoutEnlargement: true })
        .jpeg({ mozjpeg: true }).toFile(out)));
    console.log(Number(process.hrtime.bigint() - start) / 1e6);
  }
}
main();
"""


@dataclass(frozen=True)
class Row:
    """One photo's measurements."""

    photo: str
    megapixels: float
    width: int
    ms: float  # our encoder, median of three runs, one core
    size: int  # our bytes
    score: float  # our SSIMULACRA2
    pillow: Match
    sharp: Match


@dataclass(frozen=True)
class Match:
    """What another encoder needs for our score."""

    size: float  # bytes at exactly our score, interpolated between two qualities
    above: int  # bytes at the lowest quality that reaches at least our score
    above_score: float  # the score that quality reaches


def photo_set(quick: bool) -> list[tuple[Path, int]]:
    """(photo, width in pixels) for every photo measured."""
    from newsletter.reading.issue_file import read_issue

    source = read_issue(SAMPLE)
    paths = [source.photo_path(i) for i in range(len(source.issue.lead.gallery))]
    sizes = images.source_sizes(paths, None)
    slots = layout.gallery_slots([s for s in sizes if isinstance(s, tuple)])
    found = [(paths[s.index], s.render_width) for s in slots]  # as the build renders them
    if CAMERA.is_dir() and not quick:
        found += [(p, 2 * layout.FULL_SLOT) for p in sorted(CAMERA.glob("*.jpg"))]
    return found[:3] if quick else found


def install_sharp() -> Path:
    """npm-install sharp into the scratch folder; return the script that drives it."""
    SCRATCH.mkdir(parents=True, exist_ok=True)
    if not (SCRATCH / "node_modules" / "sharp").is_dir():
        subprocess.run(
            ["npm", "install", "--silent", "--no-save", "--prefix", str(SCRATCH), "sharp@0.35"],
            check=True,
        )
    script = SCRATCH / "sharp-bench.js"
    script.write_text(SHARP_SCRIPT)
    return script


def reference(path: Path, width: int, out: Path) -> Path:
    """A full-quality resize of the original: upright, sRGB, Lanczos, lossless PNG."""
    with Image.open(path) as opened:
        image = ImageOps.exif_transpose(opened).convert("RGB")
    if image.width > width:
        image = image.resize(
            (width, round(image.height * width / image.width)), Image.Resampling.LANCZOS
        )
    image.save(out)
    return out


def score(ref: Path, data: bytes, scratch: Path) -> float:
    candidate = scratch / "candidate.jpg"
    candidate.write_bytes(data)
    return float(compute_ssimulacra2(str(ref), str(candidate)))


def matching(encode: Callable[[int], bytes], ref: Path, target: float, scratch: Path) -> Match:
    """The encoder's bytes for SSIMULACRA2 `target`: a binary search over quality (30-100)
    for the lowest reaching it, then linear interpolation from the quality below."""
    tried: dict[int, tuple[int, float]] = {}

    def trial(quality: int) -> tuple[int, float]:
        if quality not in tried:
            data = encode(quality)
            tried[quality] = (len(data), score(ref, data, scratch))
        return tried[quality]

    low, high = 30, 100
    while low < high:
        middle = (low + high) // 2
        if trial(middle)[1] >= target:
            high = middle
        else:
            low = middle + 1
    above, above_score = trial(low)
    if low == 30 or above_score < target:  # reached at the lowest quality, or never
        return Match(above, above, above_score)
    below, below_score = trial(low - 1)
    if above_score <= below_score:
        return Match(above, above, above_score)
    share = (target - below_score) / (above_score - below_score)
    return Match(below + share * (above - below), above, above_score)


def pillow_encoder(ref: Path) -> Callable[[int], bytes]:
    image = Image.open(ref).convert("RGB")

    def encode(quality: int) -> bytes:
        out = io.BytesIO()
        image.save(
            out, "JPEG", quality=quality, optimize=True, progressive=True, subsampling="4:2:0"
        )
        return out.getvalue()

    return encode


def sharp_encoder(script: Path, ref: Path, scratch: Path) -> Callable[[int], bytes]:
    def encode(quality: int) -> bytes:
        out = scratch / "sharp.jpg"
        subprocess.run(
            ["node", str(script), "encode", str(ref), str(quality), str(out)], check=True
        )
        return out.read_bytes()

    return encode


def median(values: list[float]) -> float:
    return statistics.median(values)


def cold_build_seconds(jobs: list[tuple[Path, int]]) -> float:
    """Our image stage for `jobs`, in parallel on every core, with no cache."""
    started = time.perf_counter()
    results = images.render_all(jobs, cache_dir=None, background=WHITE)
    assert all(isinstance(r, rendition.Rendition) for r in results)
    return time.perf_counter() - started


def sharp_cold_seconds(script: Path, jobs: list[tuple[Path, int]], scratch: Path) -> float:
    spec = [[str(p), w, str(scratch / f"sharp-{i}.jpg")] for i, (p, w) in enumerate(jobs)]
    (scratch / "jobs.json").write_text(json.dumps(spec))
    done = subprocess.run(
        ["node", str(script), "resize", str(scratch / "jobs.json")],
        check=True,
        capture_output=True,
        text=True,
    )
    return float(done.stdout.strip()) / 1000


def peak_memory_mb() -> float:
    """Peak RSS of a fresh process building the sample issue with an empty image cache.

    Read from /proc (VmHWM), which starts afresh at exec; getrusage's ru_maxrss would also
    count the pages of this process that the child inherited before exec.
    """
    code = (
        "import re, tempfile\n"
        "from pathlib import Path\n"
        "from newsletter.pipeline import build_issue\n"
        "with tempfile.TemporaryDirectory() as cache:\n"
        f"    build_issue(Path({str(SAMPLE)!r}), cache_dir=Path(cache))\n"
        "status = Path('/proc/self/status').read_text()\n"
        "print(re.search(r'VmHWM:\\s+(\\d+) kB', status).group(1))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
    return int(done.stdout.strip()) / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="three photos, for a smoke test")
    args = parser.parse_args()
    if shutil.which("node") is None:
        sys.exit("node is needed for the sharp comparison")
    script = install_sharp()
    print(f"machine: {os.cpu_count()} cores; encoder {rendition.ENCODER}")
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        scratch = Path(tmp)
        for path, width in photo_set(args.quick):
            ref = reference(path, width, scratch / "reference.png")
            raw = path.read_bytes()
            times = []
            for _ in range(3):
                started = time.perf_counter()
                ours = photos.make_rendition(raw, width, WHITE)
                times.append(time.perf_counter() - started)
            ours_score = score(ref, ours.data, scratch)
            pil = matching(pillow_encoder(ref), ref, ours_score, scratch)
            shp = matching(sharp_encoder(script, ref, scratch), ref, ours_score, scratch)
            with Image.open(path) as original:
                megapixels = original.width * original.height / 1e6
            row = Row(
                path.name,
                megapixels,
                ours.width,
                median(times) * 1000,
                len(ours.data),
                ours_score,
                pil,
                shp,
            )
            rows.append(row)
            print(
                f"{row.photo:<26} {megapixels:5.1f} MP -> {row.width:>4} px {row.ms:6.0f} ms "
                f"{row.size / 1000:6.1f} KB  s2 {row.score:5.1f} | "
                f"Pillow {row.pillow.size / 1000:6.1f} KB ({row.pillow.above / 1000:6.1f} KB "
                f"at s2 {row.pillow.above_score:5.1f}) | sharp {row.sharp.size / 1000:6.1f} KB "
                f"({row.sharp.above / 1000:6.1f} KB at s2 {row.sharp.above_score:5.1f})",
                flush=True,
            )

        to_pillow = median([r.size / r.pillow.size for r in rows])
        to_sharp = median([r.size / r.sharp.size for r in rows])
        print()
        print(
            f"total: ours {sum(r.size for r in rows) / 1000:.0f} KB, "
            f"Pillow {sum(r.pillow.size for r in rows) / 1000:.0f} KB, "
            f"sharp {sum(r.sharp.size for r in rows) / 1000:.0f} KB at equal SSIMULACRA2"
        )
        print(f"median bytes vs Pillow: {to_pillow:.3f}x  (target <= 0.85)")
        print(f"median bytes vs sharp+mozjpeg: {to_sharp:.3f}x  (target <= 0.97)")
        print(
            "  (against their lowest quality reaching at least our score: "
            f"{median([r.size / r.pillow.above for r in rows]):.3f}x Pillow, "
            f"{median([r.size / r.sharp.above for r in rows]):.3f}x sharp)"
        )
        print(f"lowest SSIMULACRA2: {min(r.score for r in rows):.1f}  (target >= 75)")
        big = ROOT / "issues" / "photos" / "08-gallery-hall.jpg"  # 4032 x 3024, 12.2 MP
        raw = big.read_bytes()
        times = []
        for _ in range(5):
            started = time.perf_counter()
            photos.make_rendition(raw, 2 * layout.FULL_SLOT, WHITE)
            times.append(time.perf_counter() - started)
        print(
            f"12 MP photo to the widest slot ({2 * layout.FULL_SLOT} px), one core: "
            f"{median(times) * 1000:.0f} ms  (target <= 250)"
        )

        jobs = photo_set(quick=False)[:9]
        photos.make_rendition(jobs[1][0].read_bytes(), jobs[1][1], WHITE)  # warm up imports
        ours_cold = [cold_build_seconds(jobs) for _ in range(3)]
        sharp_cold = [sharp_cold_seconds(script, jobs, scratch) for _ in range(3)]
        print(
            f"cold build, 9 sample photos, {os.cpu_count()} cores: ours "
            f"{median(ours_cold) * 1000:.0f} ms, sharp {median(sharp_cold) * 1000:.0f} ms"
        )

        cache = scratch / "cache"
        images.render_all(jobs, cache, WHITE)
        warm, memo = [], []
        for _ in range(10):
            images._seen.clear()  # a new process: only the cache on disk to go by
            started = time.perf_counter()
            images.render_all(jobs, cache, WHITE)
            warm.append(time.perf_counter() - started)
            started = time.perf_counter()
            images.render_all(jobs, cache, WHITE)  # the preview's process: files unchanged
            memo.append(time.perf_counter() - started)
        print(
            f"warm rebuild, image stage: {median(warm) * 1000:.1f} ms in a new process, "
            f"{median(memo) * 1000:.1f} ms in the preview's  (target < 50)"
        )
    print(f"peak memory, cold build of the sample: {peak_memory_mb():.0f} MB  (target <= 200)")


if __name__ == "__main__":
    main()
