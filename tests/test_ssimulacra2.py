"""Our SSIMULACRA2 (images/ssimulacra2.py) against the `ssimulacra2` package on PyPI, the
reference it must agree with within 0.1 points: on the sample's photos at about 600 px wide,
each as JPEG at five qualities, blurred and with noise; and on odd and tiny sizes."""

from __future__ import annotations

import io
import itertools
from concurrent.futures import ThreadPoolExecutor
from functools import cache, partial
from typing import Any

import numpy as np
import numpy.typing as npt
import pytest
from PIL import Image, ImageFilter

from newsletter.images.ssimulacra2 import (
    MIN_SIDE,
    RADIUS,
    Blur,
    Reference,
    gaussian_taps,
    ssimulacra2,
)

from .conftest import ROOT

PHOTOS = sorted(
    [*(ROOT / "issues" / "photos").glob("*.jpg"), *(ROOT / "issues" / "photos").glob("*.png")]
)
WIDTH = 600
QUALITIES = (30, 50, 70, 85, 95)
AGREEMENT = 0.1  # points, at most, between our score and the package's


def package() -> Any:
    """The `ssimulacra2` package (the test extra installs it), or skip."""
    return pytest.importorskip(
        "ssimulacra2", reason="the ssimulacra2 package (pip install -e '.[test]') is the reference"
    )


def package_score(original: Image.Image, candidate: Image.Image) -> float:
    """The package's score; it reads files, so each image goes to it as a PNG in memory."""
    files = []
    for image in (original, candidate):
        file = io.BytesIO()
        image.save(file, "PNG", compress_level=1)
        file.seek(0)
        files.append(file)
    return float(package().compute_ssimulacra2(*files))


@cache
def photo(name: str, width: int = WIDTH) -> Image.Image:
    """A photo of the sample, 8-bit RGB, resized to `width` pixels wide."""
    with Image.open(ROOT / "issues" / "photos" / name) as image:
        height = round(image.height * width / image.width)
        image.draft("RGB", (width, height))  # a big JPEG decodes at a reduced scale
        return image.convert("RGB").resize((width, height), Image.Resampling.LANCZOS)


def jpeg(image: Image.Image, quality: int) -> Image.Image:
    """The image through Pillow's JPEG encoder at `quality`, decoded again."""
    file = io.BytesIO()
    image.save(file, "JPEG", quality=quality)
    file.seek(0)
    with Image.open(file) as decoded:
        return decoded.convert("RGB")


def noisy(image: Image.Image) -> Image.Image:
    """The image with Gaussian noise (sigma 8 levels), the same each run."""
    pixels = np.asarray(image, dtype=np.float64)
    pixels += np.random.default_rng(2012).normal(0.0, 8.0, pixels.shape)
    return Image.fromarray(np.clip(np.rint(pixels), 0, 255).astype(np.uint8))


def variants(image: Image.Image) -> dict[str, Image.Image]:
    """The candidates the agreement is checked on."""
    found = {f"JPEG q{quality}": jpeg(image, quality) for quality in QUALITIES}
    found["blurred"] = image.filter(ImageFilter.GaussianBlur(1))
    found["noisy"] = noisy(image)
    return found


def test_there_are_photos() -> None:
    assert len(PHOTOS) >= 5


@pytest.mark.parametrize("name", [path.name for path in PHOTOS])
def test_agrees_with_the_package_on_the_sample_photos(name: str) -> None:
    original = photo(name)
    candidates = variants(original)
    with ThreadPoolExecutor(2) as pool:  # the package is slow, but its blurs release the GIL
        theirs = pool.map(partial(package_score, original), candidates.values())
        reference = Reference(original)
        ours = [reference.score(candidate) for candidate in candidates.values()]
        differences = dict(zip(candidates, np.subtract(ours, list(theirs)), strict=True))
    assert max(abs(value) for value in differences.values()) <= AGREEMENT, differences


@pytest.mark.parametrize(
    "size",
    [(8, 8), (9, 13), (13, 9), (17, 11), (37, 23), (100, 17), (65, 63), (33, 257), (225, 225)],
)
def test_agrees_with_the_package_at_odd_sizes(size: tuple[int, int]) -> None:
    """Sizes with odd sides at some scale (the downsampling's edges), sides of one blur block
    or less, and 1 to 6 scales: with fewer than 6, the weights are read shifted."""
    original = photo("07-window.png").resize(size, Image.Resampling.BILINEAR)
    reference = Reference(original)
    for quality in (20, 80):
        candidate = jpeg(original, quality)
        ours, theirs = reference.score(candidate), package_score(original, candidate)
        assert abs(ours - theirs) <= AGREEMENT, (quality, ours, theirs)


@pytest.mark.parametrize("size", [(7, 5), (1, 1), (8, 7), (7, 300), (1, 40)])
def test_an_image_smaller_than_8_pixels_is_refused(size: tuple[int, int]) -> None:
    """The package has no scale to measure there and says 100 whatever the candidate, which
    would send a quality search to the worst quality: here it is a clear error."""
    image = Image.new("RGB", size, (200, 120, 40))
    with pytest.raises(ValueError, match=f"at least {MIN_SIDE}×{MIN_SIDE} pixels"):
        Reference(image)
    with pytest.raises(ValueError, match="at least"):
        ssimulacra2(image, image)


def test_the_package_says_100_for_a_tiny_image_whatever_the_candidate() -> None:
    assert package_score(Image.new("RGB", (7, 5), "white"), Image.new("RGB", (7, 5))) == 100.0


def test_identical_images_score_exactly_100() -> None:
    for path in PHOTOS:
        original = photo(path.name)
        assert Reference(original).score(original.copy()) == 100.0, path.name
    original = photo(PHOTOS[0].name)
    assert package_score(original, original) == 100.0
    # Another mode is converted to RGB first, as the package does.
    assert Reference(original).score(original.convert("RGBA")) == 100.0


@pytest.mark.parametrize("name", [path.name for path in PHOTOS])
def test_a_lower_quality_never_scores_higher(name: str) -> None:
    reference = Reference(photo(name))
    scores = [reference.score(jpeg(photo(name), quality)) for quality in range(10, 100, 5)]
    rises = [later - earlier for earlier, later in itertools.pairwise(scores)]
    assert min(rises) >= -0.5, scores
    assert scores[-1] - scores[0] > 20, scores


def test_a_reference_gives_the_same_score_every_time_and_as_a_fresh_one() -> None:
    original = photo("02-townhouses.png")
    candidates = [jpeg(original, quality) for quality in (40, 90)] + [noisy(original)]
    reference = Reference(original)
    first = [reference.score(candidate) for candidate in candidates]
    again = [reference.score(candidate) for candidate in reversed(candidates)][::-1]
    fresh = [ssimulacra2(original, candidate) for candidate in candidates]
    assert again == first
    assert fresh == pytest.approx(first, abs=1e-9)


def test_leaving_out_the_negligible_terms_moves_the_score_by_less_than_0_01() -> None:
    for name in ("01-apartment-blocks.jpg", "09-mountain-river.png"):
        original = photo(name)
        trimmed, every_term = Reference(original), Reference(original, threshold=0.0)
        for candidate in variants(original).values():
            assert abs(trimmed.score(candidate) - every_term.score(candidate)) < 0.01


def test_a_candidate_of_another_size_is_refused() -> None:
    reference = Reference(Image.new("RGB", (40, 30)))
    with pytest.raises(ValueError, match="30×40"):
        reference.score(Image.new("RGB", (30, 40)))


def plain_blur(plane: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """The package's blur written plainly: zeros beyond the left and right edges, the image
    mirrored (edge row repeated) beyond the top and bottom, 2 · RADIUS + 1 taps."""
    height, width = plane.shape
    padded = np.pad(plane, ((RADIUS, RADIUS), (0, 0)), mode="symmetric")
    padded = np.pad(padded, ((0, 0), (RADIUS, RADIUS)))
    taps = gaussian_taps()
    rows = np.zeros((height + 2 * RADIUS, width))
    for k, tap in enumerate(taps):
        rows += tap * padded[:, k : k + width]
    blurred = np.zeros((height, width))
    for k, tap in enumerate(taps):
        blurred += tap * rows[k : k + height]
    return blurred


@pytest.mark.parametrize("size", [(8, 8), (8, 23), (22, 9), (23, 22), (70, 33), (97, 150)])
def test_the_blocked_blur_is_the_plain_one(size: tuple[int, int]) -> None:
    height, width = size
    planes = np.random.default_rng(7).random((3, height, width))
    blur = Blur(height, width, 3)
    for index, plane in enumerate(planes):
        blur.input(index)[...] = plane
    blurred = blur.run()
    for index, plane in enumerate(planes):
        np.testing.assert_allclose(blurred[index], plain_blur(plane), atol=2e-6)
