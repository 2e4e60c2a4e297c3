"""Benchmark (issue #21): a cold build of one photo as a phone delivers it (HEIC) beside the
same photo as a JPEG, at 12 MP (a phone's default) and 24 MP; wall time and peak memory of
the whole `newsletter build` process (`/usr/bin/time`), medians of RUNS runs, interleaved.

The photos are the sample's 08-gallery-hall.jpg scaled up, saved as HEIC (pillow-heif, x265,
quality 85) and JPEG (quality 90). Each run builds with an empty cache folder.

Usage: python benchmarks/phone_photos.py
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

import pillow_heif
from PIL import Image

ROOT = Path(__file__).resolve().parent.parent
RUNS = 3
SIZES = {"12 MP": (4032, 3024), "24 MP": (6048, 4032)}


def main() -> None:
    pillow_heif.register_heif_opener()
    newsletter = Path(sys.executable).with_name("newsletter")
    with tempfile.TemporaryDirectory() as scratch:
        desk = Path(scratch)
        (desk / "issues" / "photos").mkdir(parents=True)
        (desk / "newsletter.toml").write_text((ROOT / "newsletter.toml").read_text())
        source = Image.open(ROOT / "issues" / "photos" / "08-gallery-hall.jpg").convert("RGB")
        cases = []
        for label, size in SIZES.items():
            picture = source.resize(size, Image.Resampling.LANCZOS)
            for kind, options in (("HEIC", {"quality": 85}), ("JPEG", {"quality": 90})):
                name = f"{label.split()[0]}mp.{kind.lower()}"
                picture.save(
                    desk / "issues" / "photos" / name,
                    "HEIF" if kind == "HEIC" else "JPEG",
                    **options,
                )
                issue = desk / "issues" / f"{name}.yaml"
                issue.write_text(json.dumps({
                    "number": 1, "date": "2012-08-07",
                    "lead": {"title": "T", "url": "https://example.org/t", "standfirst": "S",
                             "body": "B", "gallery": [{"photo": f"photos/{name}",
                                                       "caption": "C", "credit": "IWPR"}]},
                }))  # fmt: skip
                cases.append((f"{label} {kind}", issue))
        results: dict[str, list[tuple[float, int]]] = {name: [] for name, _ in cases}
        for run in range(RUNS):
            for name, issue in cases:
                cache = desk / f"cache-{run}-{issue.stem}"
                done = subprocess.run(
                    ["/usr/bin/time", "-f", "%e %M", str(newsletter), "build", str(issue),
                     "--out", str(desk / "out")],
                    cwd=desk, env={"PATH": "/usr/bin:/bin", "NEWSLETTER_CACHE_DIR": str(cache)},
                    capture_output=True, text=True, check=False,
                )  # fmt: skip
                seconds, kilobytes = done.stderr.strip().splitlines()[-1].split()
                results[name].append((float(seconds), int(kilobytes)))
    print("| photo | cold build (median) | peak memory (median) |")
    print("|---|---|---|")
    for name, runs in results.items():
        time_s = statistics.median(t for t, _ in runs)
        memory = statistics.median(m for _, m in runs) / 1024
        print(f"| {name} | {time_s:.2f} s | {memory:.0f} MB |")


if __name__ == "__main__":
    main()
