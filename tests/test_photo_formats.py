"""Photos as photographers deliver them: HEIC and AVIF straight from a phone (rotated, with GPS
and a Display P3 profile), and captions and credits written into the file (IPTC and XMP, by
Debian's exiftool). The fixtures are made here; what is asserted is what the reader gets."""

from __future__ import annotations

import io
import json
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pillow_heif
import pytest
from lxml import html as lxml_html
from PIL import Image

from newsletter.pipeline import Build, build_issue

from .conftest import CACHE, CONFIG, ROOT, SAMPLE, run_newsletter
from .icc_profiles import display_p3, p3_to_srgb

PHONE = (4032, 3024)  # as the sensor stores it; orientation 6 shows it upright, 3024 x 4032
P3_RED = (220, 60, 50)  # inside sRGB's gamut, so it must come out as sRGB's (239, 35, 36)
GREY = (128, 128, 128)
TOLERANCE = 6  # levels per channel, after our JPEG and the source's own lossy coding
EXIFTOOL = shutil.which("exiftool")
pillow_heif.register_heif_opener()  # for writing the fixtures (the build registers it itself)


def phone_photo() -> Image.Image:
    """Grey, with a P3 red patch at the top left as stored (the top right when upright), and
    a sensor's noise (a flat picture would be taken for a graphic and kept as PNG)."""
    pixels = np.empty((PHONE[1], PHONE[0], 3), dtype=float)
    pixels[:] = GREY
    pixels[:600, :800] = P3_RED
    pixels += np.random.default_rng(42).normal(0, 4, pixels.shape)
    return Image.fromarray(pixels.clip(0, 255).astype(np.uint8), "RGB")


def phone_exif() -> bytes:
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90° clockwise to show
    exif[0x010F] = "Apple"
    exif[0x0110] = "iPhone 15"
    gps = exif.get_ifd(0x8825)
    gps.update({1: "N", 2: (37.0, 29.0, 24.0), 3: "E", 4: (71.0, 33.0, 12.0)})  # Khorog
    return exif.tobytes()


def heic(image: Image.Image, **options: object) -> bytes:
    out = io.BytesIO()
    image.save(out, "HEIF", quality=92, **options)
    return out.getvalue()


def avif(image: Image.Image, **options: object) -> bytes:
    out = io.BytesIO()
    image.save(out, "AVIF", **{"quality": 92, "speed": 8, **options})
    return out.getvalue()


def built_with(tmp_path: Path, photo: bytes, name: str, gallery: dict[str, object]) -> Build:
    """The sample issue with `photo` as its only gallery photo."""
    issues = tmp_path / "issues"
    (issues / "photos").mkdir(parents=True, exist_ok=True)
    (issues / "photos" / name).write_bytes(photo)
    data = {
        "number": 657,
        "date": "2012-08-07",
        "language": gallery.pop("language", "en"),
        "lead": {
            "title": "Khorog after the fighting",
            "url": "https://example.org/news/khorog",
            "standfirst": "Residents of Khorog return to the streets.",
            "gallery": [{"photo": f"photos/{name}", **gallery}],
            "body": "The streets of Khorog are busy again.",
        },
    }
    path = issues / "issue.yaml"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return build_issue(path, config=CONFIG, cache_dir=CACHE, local_images=True)


def mean_at(image: Image.Image, box: tuple[int, int, int, int]) -> np.ndarray:
    """The mean colour (R, G, B) in `box`."""
    pixels = np.asarray(image.convert("RGB").crop(box), dtype=float).reshape(-1, 3)
    mean: np.ndarray = pixels.mean(axis=0)
    return mean


def assert_no_metadata(data: bytes) -> None:
    with Image.open(io.BytesIO(data)) as image:
        assert not image.getexif(), "EXIF left in the output"
        assert not {"exif", "icc_profile", "xmp", "XML:com.adobe.xmp", "photoshop"} & set(
            image.info
        ), set(image.info)
    assert b"Exif" not in data[:2000] and b"http://ns.adobe.com/xap" not in data
    assert b"iPhone" not in data and b"Apple" not in data


@pytest.mark.parametrize("kind", ["heic", "avif"])
def test_a_phone_photo_becomes_an_upright_srgb_jpeg_without_metadata(
    tmp_path: Path, kind: str
) -> None:
    encode: Callable[..., bytes] = heic if kind == "heic" else avif
    source = encode(phone_photo(), exif=phone_exif(), icc_profile=display_p3())
    gallery: dict[str, object] = {"caption": "Khorog.", "credit": "IWPR"}
    build = built_with(tmp_path, source, f"IMG_0042.{kind.upper()}", gallery)
    photo = build.renditions[0]
    w, h = photo.width, photo.height
    assert w * 4 == h * 3  # upright: 3 wide, 4 high
    assert_no_metadata(photo.data)
    with Image.open(io.BytesIO(photo.data)) as out:
        assert out.format == "JPEG" and out.mode == "RGB"
        # The red patch is at the top right now, and as red as P3 red is in sRGB.
        red = mean_at(out, (int(0.83 * w), int(0.02 * h), int(0.98 * w), int(0.17 * h)))
        grey = mean_at(out, (int(0.1 * w), int(0.5 * h), int(0.6 * w), int(0.8 * h)))
    expected = np.array(p3_to_srgb(P3_RED))
    assert np.abs(red - expected).max() <= TOLERANCE, (red, expected)
    assert np.abs(red - np.array(P3_RED)).max() > 15  # read as sRGB it would be washed out
    assert np.abs(grey - np.array(GREY)).max() <= TOLERANCE  # neutral stays neutral


def test_a_ten_bit_heic_is_scaled_to_eight_bits(tmp_path: Path) -> None:
    ramp = np.zeros((480, 640, 3), dtype=np.uint16)
    for index, value in enumerate((0, 256, 512, 768, 1023)):  # 10-bit levels
        ramp[:, index * 128 : (index + 1) * 128] = value << 6  # in 16-bit containers
    image = pillow_heif.from_bytes(mode="RGB;16", size=(640, 480), data=ramp.tobytes())
    out = io.BytesIO()
    image.save(out, quality=-1)  # lossless
    with Image.open(io.BytesIO(out.getvalue())) as check:
        assert check.info["bit_depth"] == 10
    build = built_with(tmp_path, out.getvalue(), "ten-bit.heic", {"caption": "Levels."})
    with Image.open(io.BytesIO(build.renditions[0].data)) as shown:
        levels = [mean_at(shown, (i * 128 + 30, 100, i * 128 + 98, 380))[1] for i in range(5)]
    assert np.allclose(levels, [0, 64, 128, 191, 255], atol=3), levels  # not cut to a quarter


def test_a_burst_heic_gives_its_primary_image(tmp_path: Path) -> None:
    first = Image.new("RGB", (640, 480), (200, 40, 40))
    primary = Image.new("RGB", (640, 480), (40, 40, 200))
    source = heic(first, save_all=True, append_images=[primary], primary_index=1)
    build = built_with(tmp_path, source, "burst.heic", {"caption": "The primary one."})
    with Image.open(io.BytesIO(build.renditions[0].data)) as shown:
        blue = mean_at(shown, (100, 100, 500, 380))
    assert blue[2] > 150 and blue[0] < 80, blue


NOT_AN_IMAGE = "not an image, or not JPEG, PNG, GIF, WebP, TIFF, HEIC or AVIF"


@pytest.mark.parametrize(
    ("data", "message"),
    [(b"\0\0\0\x18ftypheic" + b"\0" * 40, NOT_AN_IMAGE), ("half", NOT_AN_IMAGE)],
    ids=["header-only", "cut-in-half"],
)
def test_a_broken_heic_is_one_line(desk: Path, data: bytes | str, message: str) -> None:
    whole = heic(Image.new("RGB", (640, 480), GREY))
    raw = whole[: len(whole) // 2] if data == "half" else data
    assert isinstance(raw, bytes)
    (desk / "issues" / "photos" / "broken.heic").write_bytes(raw)
    text = SAMPLE.read_text(encoding="utf-8").replace(
        "photos/01-apartment-blocks.jpg", "photos/broken.heic"
    )
    (desk / "issues" / SAMPLE.name).write_text(text, encoding="utf-8")
    built = run_newsletter("build", f"issues/{SAMPLE.name}", cwd=desk)
    assert built.returncode == 2
    assert built.stderr.splitlines() == [
        f"issues/{SAMPLE.name}:14: lead.gallery[0].photo: {message}: photos/broken.heic"
    ]


def test_an_avif_over_fifty_megapixels_is_refused_before_decoding(tmp_path: Path) -> None:
    huge = avif(Image.new("RGB", (8200, 6200), GREY), speed=10, quality=10)
    with pytest.raises(Exception) as raised:
        built_with(tmp_path, huge, "huge.avif", {"caption": "Too big."})
    assert "image is too large (8200x6200 pixels; at most 50 megapixels)" in str(raised.value)


# Captions and credits from the file: IPTC and XMP, written with exiftool.

needs_exiftool = pytest.mark.skipif(EXIFTOOL is None, reason="needs Debian's exiftool")


def captioned_jpeg(tmp_path: Path, *tags: str) -> bytes:
    path = tmp_path / "captioned.jpg"
    shutil.copy(ROOT / "issues" / "photos" / "04-parked-car.jpg", path)
    assert EXIFTOOL is not None
    subprocess.run(
        [EXIFTOOL, "-q", "-overwrite_original", "-codedcharacterset=utf8", *tags, str(path)],
        check=True,
    )
    return path.read_bytes()


AGENCY_TAGS = (
    "-IPTC:Caption-Abstract=Residents of Khorog return to streets scarred by the fighting.",
    "-IPTC:By-line=Firuz Rahimov",
    "-XMP-dc:Description=Residents of Khorog return to streets scarred by the fighting.",
    "-XMP-dc:Description-ru=Жители Хорога возвращаются на улицы, пострадавшие от боёв.",
    "-XMP-dc:Creator=Firuz Rahimov",
    "-GPSLatitude=37.49", "-GPSLatitudeRef=N", "-GPSLongitude=71.55", "-GPSLongitudeRef=E",
)  # fmt: skip


@needs_exiftool
def test_a_caption_and_credit_left_out_come_from_the_files_iptc(tmp_path: Path) -> None:
    build = built_with(tmp_path, captioned_jpeg(tmp_path, *AGENCY_TAGS), "agency.jpg", {})
    caption = "Residents of Khorog return to streets scarred by the fighting."
    tree = lxml_html.fromstring(build.html)
    shown = " ".join(tree.xpath("//p[@class='caption']")[0].text_content().split())
    assert shown == f"{caption} (Photo: Firuz Rahimov)"
    assert "Firuz Rahimov" in build.text and caption in " ".join(build.text.split())
    assert build.report()["from_photo_files"] == [
        {"photo": "photos/agency.jpg", "field": "caption", "from": "IPTC Caption-Abstract",
         "cut": False},
        {"photo": "photos/agency.jpg", "field": "credit", "from": "IPTC By-line", "cut": False},
    ]  # fmt: skip
    assert_no_metadata(build.renditions[0].data)  # and none of it in the output


@needs_exiftool
def test_the_russian_edition_takes_the_russian_xmp_caption(tmp_path: Path) -> None:
    photo = captioned_jpeg(tmp_path, *AGENCY_TAGS)
    build = built_with(tmp_path, photo, "agency.jpg", {"language": "ru", "credit": ""})
    assert "Жители Хорога возвращаются на улицы, пострадавшие от боёв." in build.html
    assert [f.taken.source for f in build.from_files] == [
        "XMP dc:description (ru)",
        "IPTC By-line",
    ]


@needs_exiftool
def test_an_explicit_caption_in_the_issue_file_wins(tmp_path: Path) -> None:
    photo = captioned_jpeg(tmp_path, *AGENCY_TAGS)
    build = built_with(tmp_path, photo, "agency.jpg", {"caption": "Our own words.",
                                                       "credit": "IWPR"})  # fmt: skip
    assert "Our own words." in build.html and "scarred" not in build.html
    assert build.from_files == []


@needs_exiftool
def test_metadata_text_with_a_control_character_is_refused(tmp_path: Path) -> None:
    photo = captioned_jpeg(tmp_path, "-IPTC:Caption-Abstract=Khorog\x07 at night")
    with pytest.raises(Exception) as raised:
        built_with(tmp_path, photo, "bell.jpg", {"credit": "IWPR"})
    assert (
        "lead.gallery[0].caption: the photo's IPTC Caption-Abstract caption holds the "
        "control character U+0007; write the caption in the issue file instead" in str(raised.value)
    )


def test_no_caption_anywhere_is_the_usual_error(tmp_path: Path) -> None:
    plain = io.BytesIO()
    Image.new("RGB", (640, 480), GREY).save(plain, "JPEG")
    with pytest.raises(Exception) as raised:
        built_with(tmp_path, plain.getvalue(), "plain.jpg", {"caption": ""})
    assert (
        "lead.gallery[0].caption: must not be empty (the photo file has no IPTC or XMP "
        "caption either)" in str(raised.value)
    )


def with_app13(jpeg: bytes, resource: bytes) -> bytes:
    """A JPEG with a Photoshop APP13 segment holding `resource` as its IPTC (8BIM 0x0404)."""
    block = b"8BIM\x04\x04\x00\x00" + len(resource).to_bytes(4, "big") + resource
    block += b"\0" * (len(block) % 2)
    payload = b"Photoshop 3.0\0" + block
    return jpeg[:2] + b"\xff\xed" + (len(payload) + 2).to_bytes(2, "big") + payload + jpeg[2:]


def test_damaged_iptc_is_taken_as_none(tmp_path: Path) -> None:
    plain = (ROOT / "issues" / "photos" / "04-parked-car.jpg").read_bytes()
    damaged = with_app13(plain, b"\x1c\x02\x78\x05")  # a caption record cut short
    with pytest.raises(Exception) as raised:  # no traceback: the caption rule speaks
        built_with(tmp_path, damaged, "damaged.jpg", {"credit": "IWPR"})
    assert (
        "lead.gallery[0].caption: required field is missing (the photo file has no IPTC "
        "or XMP caption either)" in str(raised.value)
    )


@needs_exiftool
def test_an_unusable_credit_in_the_file_does_not_hide_its_caption(tmp_path: Path) -> None:
    photo = captioned_jpeg(
        tmp_path, "-XMP-dc:Description=Khorog at dusk.", "-XMP-photoshop:Credit=IW\u202ePR"
    )
    build = built_with(tmp_path, photo, "credit.jpg", {"credit": "IWPR"})
    assert "Khorog at dusk." in build.html  # the caption it was asked for
    with pytest.raises(Exception) as raised:  # asked for the credit too: refused, located
        built_with(tmp_path, photo, "credit.jpg", {"caption": "Dusk."})
    assert (
        "lead.gallery[0].credit: the photo's XMP photoshop:Credit credit holds the control "
        "character U+202E" in str(raised.value)
    )


def test_a_photo_that_is_no_image_says_so_not_that_it_lacks_a_caption(tmp_path: Path) -> None:
    with pytest.raises(Exception) as raised:
        built_with(tmp_path, b"not an image at all", "notes.jpg", {"credit": "IWPR"})
    message = str(raised.value)
    assert f"lead.gallery[0].photo: {NOT_AN_IMAGE}: photos/notes.jpg" in message
    assert "caption" not in message
