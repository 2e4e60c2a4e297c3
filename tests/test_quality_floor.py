"""Each photo at the quality it needs: every photo of the sample keeps the quality floor,
judged by the PyPI `ssimulacra2` package against the full-resolution source resized to the
same size (not by our own metric, nor against the reference the encoder used)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image, ImageOps

from newsletter.images import stage
from newsletter.images.rendition import QUALITY_RANGE
from newsletter.pipeline import Build

ssimulacra2 = pytest.importorskip("ssimulacra2", reason="the test extra installs ssimulacra2")


def package_score(source: Path, data: bytes) -> float:
    with Image.open(io.BytesIO(data)) as rendition:
        candidate = rendition.convert("RGB")
    with Image.open(source) as opened:
        original = ImageOps.exif_transpose(opened).convert("RGB")
    original = original.resize(candidate.size, Image.Resampling.LANCZOS)
    files = []
    for image in (original, candidate):  # the package reads files: PNGs in memory
        file = io.BytesIO()
        image.save(file, "PNG", compress_level=1)
        file.seek(0)
        files.append(file)
    return float(ssimulacra2.compute_ssimulacra2(*files))


def test_every_sample_photo_keeps_the_floor(sample_build: Build) -> None:
    issue = sample_build.source
    floor = sample_build.settings.images.quality_floor
    report = {image["file"]: image for image in sample_build.report()["images"]}
    qualities = []
    for index, rendition in enumerate(sample_build.renditions):
        if not rendition.name.endswith(".jpg"):
            continue
        entry = report[f"images/{rendition.name}"]
        assert rendition.quality is not None and entry["jpeg_quality"] == rendition.quality
        assert QUALITY_RANGE[0] <= rendition.quality <= QUALITY_RANGE[1]
        assert rendition.score is not None and rendition.score >= floor
        score = package_score(issue.photo_path(index), rendition.data)
        assert score >= 76, (rendition.name, rendition.quality, score)
        qualities.append(rendition.quality)
    assert len(set(qualities)) > 1, "one quality for every photo: the search did not search"


def test_a_higher_floor_costs_bytes_and_buys_quality(tmp_path: Path, sample_build: Build) -> None:
    photo = sample_build.source.photo_path(0)
    low = stage.render(photo, 528, tmp_path, quality_floor=70)
    high = stage.render(photo, 528, tmp_path, quality_floor=82)
    assert low.quality is not None and high.quality is not None
    assert low.quality < high.quality and len(low.data) < len(high.data)
    assert low.score is not None and 70 <= low.score < 82 <= (high.score or 0)
