"""The image stage: upright, colour-correct, right-sized, metadata-free, safe on bad files."""

from __future__ import annotations

import io
import os
import shutil
import struct
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image, ImageChops, ImageCms, ImageStat

from newsletter.errors import ImageProblem
from newsletter.images import encode as photos
from newsletter.images import stage as images
from newsletter.images.rendition import Rendition

from .conftest import ROOT, SAMPLE, run_newsletter

FIXTURES = ROOT / "tests" / "fixtures"
GHOSTSCRIPT_ICC = Path("/usr/share/color/icc/ghostscript")  # Debian's libgs-common (README)
WHITE = (255, 255, 255)


def decode(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


def difference(a: Image.Image, b: Image.Image) -> float:
    """Mean absolute difference per channel (0-255) of two images of the same size."""
    assert a.size == b.size, (a.size, b.size)
    return sum(ImageStat.Stat(ImageChops.difference(a.convert("RGB"), b.convert("RGB"))).mean) / 3


def rgb_at(image: Image.Image, xy: tuple[int, int]) -> tuple[int, ...]:
    value = image.getpixel(xy)
    assert isinstance(value, tuple)
    return value


def grey_at(image: Image.Image, xy: tuple[int, int]) -> int:
    value = image.getpixel(xy)
    assert isinstance(value, int)
    return value


def jpeg_error(image: Image.Image) -> float:
    """How far `image` moves when it goes through our encoder as plain sRGB."""
    source = io.BytesIO()
    image.save(source, "PNG")
    return difference(
        decode(photos.make_rendition(source.getvalue(), image.width, WHITE).data), image
    )


def jpeg_markers(data: bytes) -> list[int]:
    """The marker bytes of a JPEG's segments, up to the first scan."""
    markers, at = [], 2
    assert data[:2] == b"\xff\xd8"
    while at < len(data):
        marker = data[at + 1]
        markers.append(marker)
        if marker == 0xDA:  # start of scan: entropy-coded data follows
            break
        (length,) = struct.unpack(">H", data[at + 2 : at + 4])
        at += 2 + length
    return markers


@pytest.mark.parametrize("orientation", range(9))
def test_every_exif_orientation_comes_out_upright(orientation: int) -> None:
    upright = photos.make_rendition(
        (FIXTURES / "orientation" / "Landscape_1.jpg").read_bytes(), 300, WHITE
    )
    turned = photos.make_rendition(
        (FIXTURES / "orientation" / f"Landscape_{orientation}.jpg").read_bytes(), 300, WHITE
    )
    assert (turned.width, turned.height) == (300, 200)
    assert difference(decode(turned.data), decode(upright.data)) < 6


def test_output_jpeg_carries_no_metadata_of_any_kind() -> None:
    # 01 and 06 carry GPS tags and EXIF; 06 also an orientation.
    for name in ("01-apartment-blocks.jpg", "06-street-lamps.jpg"):
        source = ROOT / "issues" / "photos" / name
        with Image.open(source) as original:
            assert original.getexif().get_ifd(0x8825), "the fixture should have GPS tags"
        out = photos.make_rendition(source.read_bytes(), 528, WHITE)
        markers = jpeg_markers(out.data)
        # APP1-APP15 (EXIF, XMP, ICC, IPTC/Photoshop...) and COM (comments) are gone; APP0
        # may remain: the JFIF header (pixel density, no thumbnail) says nothing about anyone.
        extra = [m for m in markers if 0xE1 <= m <= 0xEF or m == 0xFE]
        assert extra == [], [hex(m) for m in markers]
        if 0xE0 in markers:
            assert out.data[6:11] == b"JFIF\x00" and out.data[18:20] == b"\x00\x00"
        image = decode(out.data)
        assert not image.getexif() and not image.info.get("icc_profile")


def test_photos_are_progressive_jpeg_never_upscaled() -> None:
    small = Image.new("RGB", (300, 200))
    small.putdata([(x % 256, y % 256, (x * y) % 256) for y in range(200) for x in range(300)])
    out = io.BytesIO()
    small.save(out, "PNG")
    rendition = photos.make_rendition(out.getvalue(), 1104, WHITE)
    assert (rendition.width, rendition.height) == (300, 200)
    assert rendition.name.endswith(".jpg")
    assert decode(rendition.data).info.get("progressive") == 1


def test_large_jpeg_is_resized_to_its_slot_with_a_draft_decode() -> None:
    raw = (ROOT / "issues" / "photos" / "08-gallery-hall.jpg").read_bytes()  # 4032x3024
    rendition = photos.make_rendition(raw, 528, WHITE)
    assert (rendition.width, rendition.height) == (528, 396)
    # Same picture as a full decode and a plain resize: the draft box kept it aligned.
    with Image.open(io.BytesIO(raw)) as full:
        expected = full.convert("RGB").resize((528, 396), Image.Resampling.LANCZOS)
    assert difference(decode(rendition.data), expected) < 4


def test_wide_gamut_png_is_converted_to_srgb() -> None:
    romm = (GHOSTSCRIPT_ICC / "rommrgb.icc").read_bytes()  # ProPhoto: a very wide gamut
    with Image.open(ROOT / "issues" / "photos" / "02-townhouses.png") as photo:
        pixels = photo.convert("RGB").resize((384, 256))
    source = io.BytesIO()
    pixels.save(source, "PNG", icc_profile=romm)
    out = decode(photos.make_rendition(source.getvalue(), 384, WHITE).data)
    reference = ImageCms.profileToProfile(
        pixels,
        ImageCms.ImageCmsProfile(io.BytesIO(romm)),
        ImageCms.createProfile("sRGB"),
        renderingIntent=ImageCms.Intent.RELATIVE_COLORIMETRIC,
        outputMode="RGB",
    )
    assert reference is not None
    # Right colours: as close to the reference as the reference itself survives our JPEG.
    assert difference(out, reference) <= jpeg_error(reference) + 1
    assert difference(out, pixels) > 12  # ignoring the profile would be visibly wrong


def test_cmyk_jpeg_with_its_profile_is_converted_through_it() -> None:
    cmyk_icc = (GHOSTSCRIPT_ICC / "default_cmyk.icc").read_bytes()
    cmyk_profile = ImageCms.ImageCmsProfile(io.BytesIO(cmyk_icc))
    srgb = ImageCms.createProfile("sRGB")
    with Image.open(ROOT / "issues" / "photos" / "05-painted-house.png") as photo:
        rgb = photo.convert("RGB").resize((384, 256))
    cmyk = ImageCms.profileToProfile(rgb, srgb, cmyk_profile, outputMode="CMYK")
    assert cmyk is not None
    source = io.BytesIO()
    cmyk.save(source, "JPEG", quality=95, icc_profile=cmyk_icc)
    out = decode(photos.make_rendition(source.getvalue(), 384, WHITE).data)
    reference = ImageCms.profileToProfile(cmyk, cmyk_profile, srgb, outputMode="RGB")
    assert reference is not None
    assert difference(out, reference) <= jpeg_error(reference) + 1
    assert difference(out, rgb) < 12  # and close to what went in
    assert difference(out, cmyk.convert("RGB")) > 12  # the naive formula would be far off


def test_cmyk_jpeg_without_a_profile_uses_the_plain_conversion() -> None:
    with Image.open(ROOT / "issues" / "photos" / "05-painted-house.png") as photo:
        cmyk = photo.convert("RGB").resize((384, 256)).convert("CMYK")
    source = io.BytesIO()
    cmyk.save(source, "JPEG", quality=95)
    out = decode(photos.make_rendition(source.getvalue(), 384, WHITE).data)
    assert out.mode == "RGB"
    plain = cmyk.convert("RGB")
    # As close to the plain conversion as the plain conversion survives our JPEG.
    assert difference(out, plain) <= jpeg_error(plain) + 1


def test_sixteen_bit_grey_is_scaled_not_clipped() -> None:
    grey = Image.new("I;16", (64, 64))
    grey.putdata([(x * 1024) for y in range(64) for x in range(64)])  # 0 .. 64512
    source = io.BytesIO()
    grey.save(source, "PNG")
    out = decode(photos.make_rendition(source.getvalue(), 64, WHITE).data).convert("L")
    assert grey_at(out, (0, 32)) < 8
    assert 100 < grey_at(out, (32, 32)) < 156  # mid-grey, not clipped to white
    assert grey_at(out, (63, 32)) > 240


def test_graphic_with_transparency_stays_png_with_its_alpha() -> None:
    logo = Image.new("RGBA", (400, 100), (0, 0, 0, 0))
    for x in range(100, 300):
        for y in range(20, 80):
            logo.putpixel((x, y), (138, 28, 28, 255))
    source = io.BytesIO()
    logo.save(source, "PNG")
    rendition = photos.make_rendition(source.getvalue(), 200, WHITE)
    assert rendition.name.endswith(".png")
    image = decode(rendition.data)
    assert (image.width, image.height) == (200, 50)
    assert image.mode in ("RGBA", "P", "LA")
    assert rgb_at(image.convert("RGBA"), (5, 5))[3] == 0
    assert rgb_at(image.convert("RGBA"), (100, 25)) == (138, 28, 28, 255)
    assert not {"exif", "icc_profile", "XML:com.adobe.xmp"} & set(image.info)


def test_photo_with_transparency_is_flattened_onto_the_background() -> None:
    with Image.open(ROOT / "issues" / "photos" / "07-window.png") as photo:
        rgba = photo.convert("RGBA").resize((300, 200))
    for x in range(0, 60):
        for y in range(200):
            rgba.putpixel((x, y), (0, 0, 0, 0))
    source = io.BytesIO()
    rgba.save(source, "PNG")
    rendition = photos.make_rendition(source.getvalue(), 300, (238, 240, 242))
    assert rendition.name.endswith(".jpg")
    corner = rgb_at(decode(rendition.data), (10, 100))
    assert all(abs(a - b) <= 3 for a, b in zip(corner, (238, 240, 242), strict=True))


def test_animated_gif_gives_its_first_frame() -> None:
    frames = [Image.new("RGB", (120, 80), colour) for colour in ("red", "blue", "green")]
    source = io.BytesIO()
    frames[0].save(source, "GIF", save_all=True, append_images=frames[1:], duration=100)
    rendition = photos.make_rendition(source.getvalue(), 120, WHITE)
    r, g, b = rgb_at(decode(rendition.data).convert("RGB"), (60, 40))
    assert r > 200 and g < 60 and b < 60


def bomb_png() -> bytes:
    """A 12,000 x 12,000 PNG (144 megapixels) that is only a few kilobytes long."""
    out = io.BytesIO()
    Image.new("1", (12_000, 12_000)).save(out, "PNG")
    return out.getvalue()


def truncated_jpeg() -> bytes:
    data = (ROOT / "issues" / "photos" / "04-parked-car.jpg").read_bytes()
    return data[: len(data) // 2]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "image file is empty (0 bytes)"),
        (
            b"<!doctype html><html><body>photo</body></html>",
            "not an image, or not JPEG, PNG, GIF, WebP, TIFF, HEIC or AVIF",
        ),
        (
            b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"></svg>',
            "not an image, or not JPEG, PNG, GIF, WebP, TIFF, HEIC or AVIF",
        ),
        (None, "image is too large (12000x12000 pixels; at most 50 megapixels)"),
        (truncated_jpeg(), "image file is damaged or truncated"),
    ],
    ids=["zero-bytes", "html", "svg", "bomb", "truncated"],
)
def test_bad_images_raise_one_clear_problem(content: bytes | None, message: str) -> None:
    with pytest.raises(ImageProblem) as caught:
        photos.make_rendition(bomb_png() if content is None else content, 528, WHITE)
    assert str(caught.value).startswith(message)


def test_bad_image_in_an_issue_is_one_line_naming_file_line_and_field(desk: Path) -> None:
    (desk / "issues" / "photos" / "bomb.png").write_bytes(bomb_png())
    (desk / "issues" / "photos" / "half.jpg").write_bytes(truncated_jpeg())
    text = SAMPLE.read_text().replace("photos/03-stone-house.png", "photos/bomb.png")
    text = text.replace("photos/05-painted-house.png", "photos/half.jpg")
    (desk / "issues" / "bad.yaml").write_text(text)
    result = run_newsletter("build", "issues/bad.yaml")
    assert result.returncode == 2
    lines = result.stderr.splitlines()
    assert lines[0] == (
        "issues/bad.yaml:20: lead.gallery[2].photo: image is too large (12000x12000 pixels; "
        "at most 50 megapixels): photos/bomb.png"
    )
    assert lines[1].startswith(
        "issues/bad.yaml:26: lead.gallery[4].photo: image file is damaged or truncated"
    )
    assert lines[1].endswith(": photos/half.jpg") and len(lines) == 2
    assert not (desk / "build").exists()


def test_two_builds_of_the_same_issue_at_once_both_succeed(desk: Path, tmp_path: Path) -> None:
    shutil.copy(SAMPLE, desk / "issues" / SAMPLE.name)
    env_cache = {"NEWSLETTER_CACHE_DIR": str(tmp_path / "shared-cache")}
    command = [sys.executable, "-m", "newsletter", "build", f"issues/{SAMPLE.name}"]
    runs = [
        subprocess.Popen(
            command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env={**os.environ, **env_cache}
        )
        for _ in range(2)
    ]
    for run in runs:
        _out, err = run.communicate(timeout=120)
        assert run.returncode == 0, err
    folder = desk / "build" / SAMPLE.stem
    report = (folder / "report.json").read_text()
    for name in ("index.html", "index.txt", "message.eml"):
        assert (folder / name).stat().st_size > 0
    files = sorted(p.name for p in (folder / "images").iterdir())
    assert len(files) == 9 and all(name in report for name in files)
    assert sorted(p.name for p in (desk / "build").iterdir()) == [SAMPLE.stem]


def test_warm_cache_does_not_load_pillow(tmp_path: Path) -> None:
    code = (
        "import sys\n"
        "from pathlib import Path\n"
        "from newsletter.images import stage as images\n"
        f"jobs = [(Path({str(ROOT / 'issues' / 'photos' / '02-townhouses.png')!r}), 528)]\n"
        f"cache = Path({str(tmp_path)!r})\n"
        "images.render_all(jobs, cache)\n"
        "for name in [m for m in sys.modules if m.startswith(('PIL', 'newsletter.images.enc'))]:\n"
        "    del sys.modules[name]\n"
        "images.render_all(jobs, cache)\n"
        "print(any(m.startswith('PIL') for m in sys.modules))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"


def test_unchanged_photo_is_not_read_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def png(colour: tuple[int, int, int]) -> bytes:
        data = io.BytesIO()
        Image.new("RGB", (600, 400), colour).save(data, "PNG", compress_level=0)
        return data.getvalue()  # stored, not compressed: the size depends on pixels only

    photo, cache = tmp_path / "photo.png", tmp_path / "cache"
    photo.write_bytes(png((200, 30, 30)))
    monkeypatch.setattr(images, "RACY_SECONDS", -1.0)  # the file is new; pretend it is old
    first = images.render(photo, 528, cache)
    images._seen.clear()  # as in a new process

    def must_not_run(*args: object) -> Rendition:
        raise AssertionError("the photo was read again")

    with monkeypatch.context() as patched:
        patched.setattr(images, "_render", must_not_run)
        assert images.render(photo, 528, cache) == first
    # Replaced in place by a photo of the same size, its modification time put back.
    before = photo.stat()
    photo.write_bytes(png((30, 30, 200)))
    os.utime(photo, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert photo.stat().st_size == before.st_size
    images._seen.clear()
    again = images.render(photo, 528, cache)
    assert again.name != first.name
    assert rgb_at(decode(again.data).convert("RGB"), (10, 10))[2] > 150  # blue now


def test_photo_changed_just_now_is_hashed_on_the_next_build(tmp_path: Path) -> None:
    # Changed within the file system's clock granularity, another change could leave its
    # size and times as they were: such a file gets no stat entry.
    photo = tmp_path / "photo.png"
    shutil.copy(ROOT / "issues" / "photos" / "07-window.png", photo)
    images.render(photo, 528, tmp_path / "cache")
    names = [p.name for p in (tmp_path / "cache" / "images").iterdir()]
    assert len(names) == 2 and not any(n.startswith("stat-") for n in names)


@pytest.mark.parametrize("meta", ["[]", '{"name": 5, "width": 1, "height": 1}', '{"name": "x"}'])
def test_a_cache_entry_of_the_wrong_shape_is_made_again(tmp_path: Path, meta: str) -> None:
    photo, cache = tmp_path / "photo.png", tmp_path / "cache"
    shutil.copy(ROOT / "issues" / "photos" / "07-window.png", photo)
    first = images.render(photo, 528, cache)
    for entry in (cache / "images").glob("*.json"):
        entry.write_text(meta)
    images._seen.clear()  # as in a new process
    assert images.render(photo, 528, cache) == first
