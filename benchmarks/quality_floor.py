"""Benchmark (issue #18): each photo at the quality it needs, against one quality for all.

For the photos of the sample issue (at the width the build renders them), of
../shared/photos/camera/ when present (at 1104 px) and one photo turned by its EXIF
orientation (tests/fixtures/orientation/Landscape_6.jpg), side by side in one run:

  (a) ours: jpegli at the lowest quality that reaches the floor, searched per photo, then
      MozJPEG's lossless pass (what `newsletter build` does);
  (b) ours at one fixed quality, 85 (what it did before);
  (c) sharp + mozjpeg at quality 80 (a common fixed setting);
  (d) sharp + mozjpeg at the lowest single quality that keeps every photo at the floor (what
      a tool with one quality must do to hold it);
  (e) Pillow (optimize, progressive, 4:2:0) likewise.

Each encodes the same reference: the original upright, in sRGB, resized with Lanczos. The
qualities of (d) and (e) are found with our SSIMULACRA2 (images/ssimulacra2.py, within 0.01 of
the package); every reported score is the PyPI package's. Times: encoding all photos, one
core, including (a)'s search.

sharp is installed from npm into benchmarks/.scratch/ (never a project dependency).
Needs: pip install -e '.[test]' (the ssimulacra2 package), node and npm.

Usage: python benchmarks/quality_floor.py
"""

from __future__ import annotations

import io
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import mozjpeg_lossless_optimization
import pyjpegli
from PIL import Image, ImageOps
from ssimulacra2 import compute_ssimulacra2

from images import CAMERA, install_sharp, photo_set  # this folder's images.py
from newsletter.images.quality_search import lowest_quality
from newsletter.images.ssimulacra2 import Reference
from newsletter.reading.settings import QUALITY_FLOOR

FLOOR = QUALITY_FLOOR
ORIENTED = Path(__file__).resolve().parent.parent / "tests/fixtures/orientation/Landscape_6.jpg"
Encoder = Callable[[Image.Image, int], bytes]


def reference_image(path: Path, width: int) -> Image.Image:
    with Image.open(path) as opened:
        image = ImageOps.exif_transpose(opened).convert("RGB")
    if image.width > width:
        height = round(image.height * width / image.width)
        image = image.resize((width, height), Image.Resampling.LANCZOS)
    return image


def package_score(original: Image.Image, data: bytes) -> float:
    files = []
    for image in (original, Image.open(io.BytesIO(data)).convert("RGB")):
        file = io.BytesIO()
        image.save(file, "PNG", compress_level=1)
        file.seek(0)
        files.append(file)
    return float(compute_ssimulacra2(*files))


def ours_searched(image: Image.Image) -> bytes:
    return bytes(mozjpeg_lossless_optimization.optimize(lowest_quality(image, FLOOR).data))


def ours_fixed(image: Image.Image, quality: int) -> bytes:
    data = pyjpegli.encode(image.tobytes(), image.width, image.height, quality=quality)
    return bytes(mozjpeg_lossless_optimization.optimize(data))


def pillow(image: Image.Image, quality: int) -> bytes:
    out = io.BytesIO()
    image.save(out, "JPEG", quality=quality, optimize=True, progressive=True, subsampling="4:2:0")
    return out.getvalue()


def sharp(script: Path, scratch: Path) -> Encoder:
    def encode(image: Image.Image, quality: int) -> bytes:
        source, out = scratch / "ref.png", scratch / "sharp.jpg"
        image.save(source, compress_level=1)
        subprocess.run(["node", str(script), "encode", str(source), str(quality), str(out)],
                       check=True)  # fmt: skip
        return out.read_bytes()

    return encode


def lowest_passing(image: Image.Image, encode: Encoder) -> int:
    """The lowest quality (30-100) at which `encode` reaches the floor, by our metric."""
    reference = Reference(image)
    low, high = 30, 100
    while low < high:
        middle = (low + high) // 2
        with Image.open(io.BytesIO(encode(image, middle))) as decoded:
            passed = reference.score(decoded.convert("RGB")) >= FLOOR
        low, high = (low, middle) if passed else (middle + 1, high)
    return low


def timed(
    encode: Callable[[Image.Image], bytes], images: list[Image.Image]
) -> tuple[list[bytes], float]:
    started = time.perf_counter()
    out = [encode(image) for image in images]
    return out, time.perf_counter() - started


def main() -> None:
    if shutil.which("node") is None:
        sys.exit("node is needed for the sharp comparison")
    script = install_sharp()
    # The sample's nine, the camera photos and one photo that needs its EXIF orientation.
    photos = [*photo_set(quick=False), (ORIENTED, 1104)]
    if not CAMERA.is_dir():
        print(f"({CAMERA} not found: the sample's photos only)")
    images = [reference_image(path, width) for path, width in photos]
    with tempfile.TemporaryDirectory() as tmp:
        encode_sharp = sharp(script, Path(tmp))
        q_sharp = max(lowest_passing(image, encode_sharp) for image in images)
        q_pillow = max(lowest_passing(image, pillow) for image in images)
        runs = {
            "(a) ours, searched per photo": timed(ours_searched, images),
            "(b) ours, fixed q85": timed(lambda image: ours_fixed(image, 85), images),
            "(c) sharp+mozjpeg, q80": timed(lambda image: encode_sharp(image, 80), images),
            f"(d) sharp+mozjpeg, q{q_sharp} (every photo >= floor)": timed(
                lambda image: encode_sharp(image, q_sharp), images
            ),
            f"(e) Pillow, q{q_pillow} (every photo >= floor)": timed(
                lambda image: pillow(image, q_pillow), images
            ),
        }
        names = [path.name for path, _ in photos]
        sample = [i for i, (path, _) in enumerate(photos) if "issues" in path.parts]
        print(f"floor {FLOOR}; {len(images)} photos ({len(sample)} of the sample)")
        totals = {}
        for label, (encoded, seconds) in runs.items():
            scores = [
                package_score(image, data) for image, data in zip(images, encoded, strict=True)
            ]
            total = sum(len(data) for data in encoded)
            in_sample = sum(len(encoded[i]) for i in sample)
            worst = min(range(len(scores)), key=scores.__getitem__)
            totals[label[:3]] = total
            print(
                f"{label:<48} {total / 1000:7.0f} KB (sample {in_sample / 1000:5.0f} KB)  "
                f"lowest score {scores[worst]:5.1f} ({names[worst]})  {seconds:6.2f} s"
            )
        print(f"(a)/(b): {totals['(a)'] / totals['(b)']:.3f}  (target <= 0.85)")
        print(f"(a)/(d): {totals['(a)'] / totals['(d)']:.3f}  (target <= 0.80)")


if __name__ == "__main__":
    main()
