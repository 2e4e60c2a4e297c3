"""`newsletter new --from-feed`: next week's issue drafted from the desk's website feed,
served by a real HTTP server on 127.0.0.1; every download treated as untrusted input."""

from __future__ import annotations

import io
import shutil
import signal
import subprocess
import sys
import time
import zlib
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pillow_heif
import pytest
import yaml
from PIL import Image

from .conftest import EDITIONS, ROOT, run_newsletter
from .feed_server import FEEDS, Answer, Site, running_site

DATE = "2012-08-07"  # a week after the sample's latest issue (2012-07-31)


@pytest.fixture(scope="module")
def site() -> Iterator[Site]:
    with running_site() as running:
        yield running


@pytest.fixture
def week(desk: Path) -> Path:
    """The desk with the sample's three editions of 2012-07-31 in issues/."""
    for stem in EDITIONS:
        shutil.copy(ROOT / "issues" / f"{stem}.yaml", desk / "issues" / f"{stem}.yaml")
    return desk


def draft(desk: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return run_newsletter("new", "--date", DATE, "--timeout", "1", *args, cwd=desk)


def files(desk: Path) -> dict[str, bytes]:
    """Every file under the desk's issues folder, by relative path."""
    folder = desk / "issues"
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def lead_of(path: Path) -> dict[str, object]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    lead = data["lead"]
    assert isinstance(lead, dict)
    return lead


# The acceptance: six items, two with photos, drafted into the sample; check lists what is left.


def test_a_six_item_feed_drafts_next_weeks_issue_that_check_then_passes(
    week: Path, site: Site
) -> None:
    made = draft(week, "--from-feed", site.url("/feeds/drupal.xml"))
    assert made.returncode == 0, made.stderr
    stem = f"{DATE}-tajikistan-khorog-residents-count"
    names = [f"{stem}.yaml", f"{stem}-fa.yaml", f"{stem}-ru.yaml"]
    assert made.stdout.splitlines() == [
        f"en: 6 new items since 2012-07-31 in {site.url('/feeds/drupal.xml')}; "
        "the lead: Tajikistan: Khorog Residents Count the Cost",
        "fa: no feed; to translate from the en edition",
        "ru: no feed; to translate from the en edition",
        *(f"created issues/{name}" for name in names),
        "read them, fill in what is left, then run: newsletter check "
        + " ".join(f"issues/{name}" for name in names),
    ]
    assert made.stderr == ""
    english = week / "issues" / names[0]
    data = yaml.safe_load(english.read_text(encoding="utf-8"))
    assert (data["number"], str(data["date"]), data["language"]) == (657, DATE, "en")
    assert data["lead"]["title"] == "Tajikistan: Khorog Residents Count the Cost"
    assert data["lead"]["url"] == site.url("/news/tajikistan-khorog-residents-count-cost")
    assert data["lead"]["gallery"] == [
        {"photo": f"photos/{DATE}/01-apartment-blocks.jpg", "caption": "", "credit": ""}
    ]
    assert [story["title"] for story in data["stories"]] == [
        "Kyrgyzstan: Bishkek's Minibus Drivers Strike Over Fare Cap",
        "Kazakhstan: Grain Farmers Brace for Poor Harvest",
        "Uzbekistan: Students Told to Prepare for Cotton Harvest",
        "Turkmenistan: Internet Cafés Demand Passports & Phone Numbers",
        "Tajikistan: Migrants' Money Keeps Villages Afloat",
    ]
    assert data["stories"][2]["photo"] == f"photos/{DATE}/02-parked-car.jpg"
    for story in data["stories"]:
        assert len(story["summary"]) <= 300 and story["summary"].endswith(".")
    photo_folder = week / "issues" / "photos" / DATE
    assert sorted(p.name for p in photo_folder.iterdir()) == [
        "01-apartment-blocks.jpg",
        "02-parked-car.jpg",
    ]
    assert (photo_folder / "01-apartment-blocks.jpg").read_bytes() == (
        ROOT / "issues" / "photos" / "01-apartment-blocks.jpg"
    ).read_bytes()
    assert not list((week / "issues").glob(".drafting-*"))  # staging removed
    # The editions without a feed: the same photos, the English beside each field to translate.
    for name in names[1:]:
        translation = (week / "issues" / name).read_text(encoding="utf-8")
        assert '  title: ""  # en: Tajikistan: Khorog Residents Count the Cost\n' in translation
        assert lead_of(week / "issues" / name)["gallery"] == data["lead"]["gallery"]

    checked = run_newsletter("check", f"issues/{names[0]}", cwd=week)
    assert checked.returncode == 2
    assert checked.stderr.splitlines() == [  # the credit, optional, is a warning later
        f"issues/{names[0]}:17: lead.gallery[0].caption: must not be empty (the photo file "
        "has no IPTC or XMP caption either)",
        f"issues/{names[0]}:19: lead.body: must not be empty",
    ]
    text = english.read_text(encoding="utf-8")
    text = text.replace('caption: ""', 'caption: "Khorog, a week after the fighting."', 1)
    text = text.replace('credit: ""', 'credit: "IWPR"', 1)
    text = text.replace('body: ""', 'body: "Residents are back on the streets."', 1)
    english.write_text(text, encoding="utf-8")
    checked = run_newsletter("check", f"issues/{names[0]}", cwd=week)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "NL602" not in checked.stdout  # the editions share their photos
    built = run_newsletter("build", f"issues/{names[0]}", cwd=week)
    assert built.returncode == 0, built.stderr
    html = (week / "build" / stem / "index.html").read_text(encoding="utf-8")
    assert "Residents of Khorog are returning to streets" in html
    assert "Internet Cafés Demand Passports &amp; Phone Numbers" in html


def test_each_editions_feed_from_the_settings_drafts_both_editions_in_one_command(
    week: Path, site: Site
) -> None:
    settings = week / "newsletter.toml"
    english_feed, russian_feed = site.url("/feeds/drupal.xml"), site.url("/feeds/russian.xml")
    feeds = f'\n[feeds]\nen = "{english_feed}"\nru = "{russian_feed}"\n'
    settings.write_text(settings.read_text(encoding="utf-8") + feeds, encoding="utf-8")
    made = draft(week, "--from-feed", "--language", "en", "ru")
    assert made.returncode == 0, made.stderr
    stem = f"{DATE}-tajikistan-khorog-residents-count"
    russian = lead_of(week / "issues" / f"{stem}-ru.yaml")
    assert russian["title"] == "Таджикистан: жители Хорога подсчитывают ущерб"
    assert russian["gallery"] == [
        {
            "photo": f"photos/{DATE}/02-parked-car.jpg",
            "caption": "Автомобиль, повреждённый во время боёв, на одной из улиц Хорога.",
            "credit": "ИОВМ",
        }
    ]
    english = lead_of(week / "issues" / f"{stem}.yaml")
    assert english["title"] == "Tajikistan: Khorog Residents Count the Cost"


@pytest.mark.parametrize(
    ("feed", "language", "lead", "kept"),
    [
        ("russian.xml", "ru", "Таджикистан: жители Хорога подсчитывают ущерб", "Қалъаи Хумб"),
        ("persian.xml", "fa", "تاجیکستان: ساکنان خاروغ به خیابان\u200cها بازمی\u200cگردند",
         "ساکنان خاروغ (Khorog)"),
    ],
)  # fmt: skip
def test_a_feed_on_the_command_line_drafts_the_edition_in_its_language(
    week: Path, site: Site, feed: str, language: str, lead: str, kept: str
) -> None:
    made = draft(week, "--from-feed", site.url(f"/feeds/{feed}"), "--slug", "khorog")
    assert made.returncode == 0, made.stderr
    count = {"ru": 3, "fa": 2}[language]
    url = site.url(f"/feeds/{feed}")
    report = f"{language}: {count} new items since 2012-07-31 in {url}; the lead: {lead}"
    assert report in made.stdout.splitlines()
    others = sorted({"en", "fa", "ru"} - {language})
    for other in others:
        translate = f"{other}: no feed; to translate from the {language} edition"
        assert translate in made.stdout.splitlines()
    name = f"issues/{DATE}-khorog-{language}.yaml"
    text = (week / name).read_text(encoding="utf-8")
    assert kept in text  # Tajik letters, a Latin name in Persian text, ZWNJ: kept as written
    assert lead_of(week / name)["title"] == lead
    checked = run_newsletter("check", name, cwd=week)
    fields = [line.split(": ")[1] for line in checked.stderr.splitlines()]
    no_photo = ["lead.gallery[0].photo", "lead.gallery[0].caption"]
    expected = ["lead.body"] if language == "ru" else [*no_photo, "lead.body"]
    assert fields == expected


def test_a_web_page_leads_to_the_feed_it_names(week: Path, site: Site) -> None:
    made = draft(week, "--from-feed", site.url("/feeds/not-a-feed.html"), "--language", "en")
    assert made.returncode == 0, made.stderr
    assert made.stdout.splitlines()[:2] == [
        f"en: {site.url('/feeds/not-a-feed.html')} is a web page; "
        f"it names the feed {site.url('/feed/drupal.xml')}",
        f"en: 6 new items since 2012-07-31 in {site.url('/feed/drupal.xml')}; "
        "the lead: Tajikistan: Khorog Residents Count the Cost",
    ]


def test_lead_and_since_choose_the_items(week: Path, site: Site) -> None:
    made = draft(
        week, "--from-feed", site.url("/feeds/drupal.xml"), "--language", "en",
        "--since", "2012-08-03", "--lead", "2", "--slug", "week",
    )  # fmt: skip
    assert made.returncode == 0, made.stderr
    data = yaml.safe_load((week / "issues" / f"{DATE}-week.yaml").read_text(encoding="utf-8"))
    assert data["lead"]["title"] == "Kyrgyzstan: Bishkek's Minibus Drivers Strike Over Fare Cap"
    assert [story["title"] for story in data["stories"]] == [
        "Tajikistan: Khorog Residents Count the Cost",
        "Kazakhstan: Grain Farmers Brace for Poor Harvest",
        "Uzbekistan: Students Told to Prepare for Cotton Harvest",
    ]


def test_stories_of_the_latest_issue_and_repeated_guids_are_left_out(
    week: Path, site: Site
) -> None:
    sample_lead = "https://example.org/news/tajikistan-khorog-hard-hit-by-gunbattles"
    text = (FEEDS / "duplicates.xml").read_text(encoding="utf-8")
    item = (
        "<item><title>Tajikistan: Khorog Hard Hit by Gunbattles</title>"
        f"<link>{sample_lead}</link><pubDate>Tue, 31 Jul 2012 09:00:00 +0000</pubDate></item>"
    )
    url = site.feed("/dup.xml", text.replace("</channel>", item + "</channel>"))
    made = draft(week, "--from-feed", url, "--language", "en", "--slug", "dup")
    assert made.returncode == 0, made.stderr
    data = yaml.safe_load((week / "issues" / f"{DATE}-dup.yaml").read_text(encoding="utf-8"))
    titles = [data["lead"]["title"], *(story["title"] for story in data["stories"])]
    assert titles == [
        "Kyrgyzstan: Osh Market Fire Damage Worse Than First Feared",
        "Tajikistan: Dushanbe Raises Water Tariffs",
        "Kazakhstan: Karaganda Miners Demand Safety Checks",
    ]


# Each failure: one line, the exit code, and nothing written.


def failing(
    desk: Path, url: str, *args: str
) -> tuple[subprocess.CompletedProcess[str], dict[str, bytes]]:
    before = files(desk)
    made = draft(desk, "--from-feed", url, "--language", "en", *args)
    assert files(desk) == before, "the failed draft wrote something"
    return made, before


@pytest.mark.parametrize(
    ("path", "answer", "message", "code"),
    [
        ("/missing.xml", None, "not found (HTTP 404)", 2),
        ("/gone.xml", Answer(status=410), "not found (HTTP 410)", 2),
        ("/forbidden.xml", Answer(status=403), "the server refused it (HTTP 403 Forbidden)", 2),
        ("/error.xml", Answer(status=500), "the server failed (HTTP 500 Internal Server Error)", 3),
        ("/slow.xml", Answer(b"<rss/>", delay=2.0), "no answer within 1 seconds", 3),
        (
            "/trickle.xml",
            Answer(b"<rss>" + b" " * 40, "application/rss+xml", trickle=0.15),
            "too slow: not complete after 6 seconds",
            3,
        ),
        (
            "/feeds/broken.xml",
            None,
            "the feed is broken: not well-formed XML at line 33, column 402 (no element found)",
            2,
        ),
        (
            "/data.json",
            Answer(b'{"items": []}', "application/json"),
            "not a feed (RSS or Atom): the server sent application/json",
            2,
        ),
        (
            "/page.html",
            Answer(b"<!doctype html><title>News</title><p>Hello", "text/html"),
            'a web page that names no feed (no <link rel="alternate" type="application/rss+xml">)',
            2,
        ),
        ("/feeds/empty.xml", None, "the feed has no items", 2),
        (
            "/feeds/old.xml",
            None,
            "no new items since 2012-07-31 (its newest is of 2012-07-25); "
            "give an earlier date with --since",
            2,
        ),
        (
            "/huge.xml",
            Answer(b"<rss>" + b" " * 5_000_001, "application/rss+xml"),
            "larger than 5 MB, the most a feed may be",
            2,
        ),
        (
            "/huge-unannounced.xml",
            Answer(b"<rss>" + b" " * 5_000_001, "application/rss+xml", length=False),
            "larger than 5 MB, the most a feed may be",
            2,
        ),
    ],
    ids=lambda value: value if isinstance(value, str) and value.startswith("/") else "",
)
def test_a_feed_that_cannot_be_used_is_one_line_and_nothing_is_written(
    week: Path, site: Site, path: str, answer: Answer | None, message: str, code: int
) -> None:
    url = site.answer(path, answer) if answer else site.url(path)
    made, _ = failing(week, url)
    prefix = "error: " if code == 3 else ""
    assert (made.returncode, made.stderr.splitlines()) == (
        code,
        [f"{prefix}--from-feed: {url}: {message}"],
    )
    assert made.stdout == ""


def test_redirects_are_followed_five_times_and_only_to_web_addresses(
    week: Path, site: Site
) -> None:
    for hop in range(6):
        site.answer(f"/hop{hop}", Answer(status=302, headers={"Location": f"/hop{hop + 1}"}))
    site.answer("/hop6", Answer(b"", status=302, headers={"Location": "/feeds/drupal.xml"}))
    made, _ = failing(week, site.url("/hop0"))
    assert made.returncode == 3
    assert made.stderr.splitlines() == [
        f"error: --from-feed: {site.url('/hop0')}: more than 5 redirects"
    ]
    site.answer("/to-ftp", Answer(status=301, headers={"Location": "ftp://127.0.0.1/feed.xml"}))
    made, _ = failing(week, site.url("/to-ftp"))
    assert (made.returncode, made.stderr.splitlines()) == (
        2,
        [
            f"--from-feed: {site.url('/to-ftp')}: redirected to ftp://127.0.0.1/feed.xml, "
            "which is not an http(s) address"
        ],
    )
    site.answer("/two-hops", Answer(status=307, headers={"Location": "/hop5"}))
    made = draft(week, "--from-feed", site.url("/two-hops"), "--language", "en")
    assert made.returncode == 0, made.stderr  # /two-hops -> hop5 -> hop6 -> the feed: 3 hops


def test_an_address_nobody_answers_at_is_a_network_failure(week: Path) -> None:
    with running_site() as closed:
        url = closed.url("/feed.xml")
    made, _ = failing(week, url)
    assert (made.returncode, made.stderr.splitlines()) == (
        3,
        [f"error: --from-feed: {url}: cannot connect (connection refused)"],
    )


def test_not_a_web_address_and_not_a_file(week: Path) -> None:
    made, _ = failing(week, "ftp://example.org/feed.xml")
    assert (made.returncode, made.stderr.splitlines()) == (
        2,
        ["--from-feed: ftp://example.org/feed.xml: no such file, and not a web address "
         "(http:// or https://)"],
    )  # fmt: skip


def test_a_lead_number_beyond_the_new_items_is_refused(week: Path, site: Site) -> None:
    made, _ = failing(week, site.url("/feeds/drupal.xml"), "--lead", "9")
    assert (made.returncode, made.stderr.splitlines()) == (
        2,
        [f"--lead: 9: there are 6 new items in {site.url('/feeds/drupal.xml')}; "
         "choose one of 1 to 6"],
    )  # fmt: skip


def test_no_feed_given_and_none_in_the_settings(week: Path) -> None:
    made, _ = failing(week, "")
    assert made.returncode == 2
    assert made.stderr.splitlines() == [
        "--from-feed: no feed to draft from: give its address (newsletter new --from-feed "
        'https://...) or name each edition\'s in newsletter.toml: [feeds] en = "https://..."'
    ]


def test_a_broken_feed_in_the_settings_is_located_there(week: Path, site: Site) -> None:
    settings = week / "newsletter.toml"
    original = settings.read_text(encoding="utf-8")
    url = site.url("/missing-ru.xml")
    settings.write_text(original + f'\n[feeds]\nru = "{url}"\n', encoding="utf-8")
    line = len(original.splitlines()) + 3
    made = draft(week, "--from-feed", "--language", "ru")
    assert (made.returncode, made.stderr.splitlines()) == (
        2,
        [f"newsletter.toml:{line}: feeds.ru: {url}: not found (HTTP 404)"],
    )


# Photos: each one checked; one that cannot be used is a warning and an empty field.


def one_item_feed(site: Site, path: str, photo_url: str) -> str:
    item = (
        f"<item><title>Kyrgyzstan: Photo Test</title><link>@BASE@/news{path}</link>"
        "<description>One sentence.</description>"
        "<pubDate>Mon, 06 Aug 2012 10:00:00 +0000</pubDate>"
        f'<enclosure url="{photo_url}" type="image/jpeg" length="1"/></item>'
    )
    return site.feed(path, f'<rss version="2.0"><channel><title>T</title>{item}</channel></rss>')


def bomb_png() -> bytes:
    """A PNG that says it is 20,000 x 20,000 pixels (400 MP), in 200 bytes."""
    png = (ROOT / "issues" / "photos" / "02-townhouses.png").read_bytes()
    header = b"IHDR" + (20_000).to_bytes(4, "big") * 2 + png[24:29]
    return png[:12] + header + zlib.crc32(header).to_bytes(4, "big") + png[33:200]


@pytest.mark.parametrize(
    ("name", "answer", "message"),
    [
        ("missing.jpg", None, "not found (HTTP 404)"),
        (
            "page.jpg",
            Answer(b"<html>no</html>", "image/jpeg"),
            "not an image, or not JPEG, PNG, GIF, WebP, TIFF, HEIC or AVIF",
        ),
        (
            "cut.jpg",
            Answer(
                (ROOT / "issues/photos/01-apartment-blocks.jpg").read_bytes()[:20_000], "image/jpeg"
            ),
            "image file is damaged or truncated",
        ),
        (
            "bomb.png",
            Answer(bomb_png(), "image/png"),
            "image is too large (20000x20000 pixels; at most 50 megapixels)",
        ),
        (
            "huge.jpg",
            Answer(b"\xff\xd8" + b"\0" * 20_000_000, "image/jpeg", length=False),
            "larger than 20 MB, the most a photo may be",
        ),
    ],
    ids=lambda value: value if isinstance(value, str) and "." in value[:12] else "",
)
def test_a_photo_that_cannot_be_used_is_a_warning_and_an_empty_field(
    week: Path, site: Site, name: str, answer: Answer | None, message: str
) -> None:
    photo = site.answer(f"/bad/{name}", answer) if answer else site.url(f"/bad/{name}")
    feed = one_item_feed(site, f"/photo-{name}.xml", photo)
    made = draft(week, "--from-feed", feed, "--language", "en", "--slug", "p")
    assert made.returncode == 0, made.stderr
    assert made.stderr.splitlines() == [f"warning: {photo}: {message}; left for you to fill in"]
    text = (week / "issues" / f"{DATE}-p.yaml").read_text(encoding="utf-8")
    assert f'    - photo: ""  # download failed: {photo}: {message}\n' in text
    assert not (week / "issues" / "photos" / DATE).exists()
    assert not list((week / "issues").glob(".drafting-*"))


def test_photo_names_are_made_safe_and_stay_inside_issues(week: Path, site: Site) -> None:
    jpeg = (ROOT / "issues" / "photos" / "04-parked-car.jpg").read_bytes()
    site.answer("/a/%2e%2e/%2e%2e/etc/passwd", Answer(jpeg, "image/jpeg"))
    feed = one_item_feed(site, "/traversal.xml", site.url("/a/%2e%2e/%2e%2e/etc/passwd"))
    made = draft(week, "--from-feed", feed, "--language", "en", "--slug", "t")
    assert made.returncode == 0, made.stderr
    written = sorted(str(p.relative_to(week)) for p in week.rglob("*") if p.is_file())
    assert f"issues/photos/{DATE}/01-passwd.jpg" in written
    assert lead_of(week / "issues" / f"{DATE}-t.yaml")["gallery"] == [
        {"photo": f"photos/{DATE}/01-passwd.jpg", "caption": "", "credit": ""}
    ]
    # A PNG served as .jpg is saved as what it is.
    png = (ROOT / "issues" / "photos" / "02-townhouses.png").read_bytes()
    site.answer("/" + quote("Кабул фото (1).jpg", safe="()"), Answer(png))
    feed = one_item_feed(site, "/png.xml", site.url("/Кабул фото (1).jpg"))
    made = draft(week, "--from-feed", feed, "--language", "en", "--slug", "u",
                 "--date", "2012-08-14", "--since", "2012-08-01")  # fmt: skip
    assert made.returncode == 0, made.stderr
    saved = week / "issues" / "photos" / "2012-08-14" / "01-1.png"
    with Image.open(saved) as image:
        assert image.format == "PNG"


def test_ctrl_c_while_photos_download_leaves_nothing_behind(week: Path, site: Site) -> None:
    jpeg = (ROOT / "issues" / "photos" / "01-apartment-blocks.jpg").read_bytes()
    site.answer("/fast.jpg", Answer(jpeg, "image/jpeg"))
    site.answer("/slow.jpg", Answer(jpeg[:4000], "image/jpeg", trickle=0.05))
    text = (FEEDS / "drupal.xml").read_text(encoding="utf-8")
    text = text.replace("@BASE@/photos/01-apartment-blocks.jpg", "@BASE@/fast.jpg")
    text = text.replace("@BASE@/photos/04-parked-car.jpg", "@BASE@/slow.jpg")
    url = site.feed("/interrupted.xml", text)
    before = files(week)
    command = [str(Path(sys.executable).with_name("newsletter")), "new", "--from-feed", url]
    running = subprocess.Popen(command, cwd=week, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 30
    while "/slow.jpg" not in site.requests and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.3)  # the first photo is staged, the second is arriving
    assert list((week / "issues").glob(".drafting-*")), "the photos were not being staged"
    running.send_signal(signal.SIGINT)
    _, stderr = running.communicate(timeout=60)
    assert (running.returncode, stderr) == (130, "interrupted\n")
    assert files(week) == before
    assert not list((week / "issues").glob(".drafting-*"))


def test_the_drafting_options_need_from_feed(week: Path) -> None:
    before = files(week)
    made = run_newsletter("new", "--lead", "2", "--timeout", "3", cwd=week)
    assert (made.returncode, made.stderr.splitlines()) == (
        2,
        [
            "--lead: only with --from-feed (draft the issue from the website's feed)",
            "--timeout: only with --from-feed (draft the issue from the website's feed)",
        ],
    )
    assert files(week) == before


@pytest.mark.skipif(shutil.which("exiftool") is None, reason="needs Debian's exiftool")
def test_a_photo_the_feed_does_not_caption_is_captioned_from_its_file(
    week: Path, site: Site, tmp_path: Path
) -> None:
    photo = tmp_path / "agency.jpg"
    shutil.copy(ROOT / "issues" / "photos" / "04-parked-car.jpg", photo)
    tags = ["-IPTC:Caption-Abstract=A car burnt out in the fighting.", "-IPTC:Credit=IWPR"]
    subprocess.run(["exiftool", "-q", "-overwrite_original", *tags, str(photo)], check=True)
    feed = one_item_feed(site, "/captioned.xml", site.answer("/agency.jpg", Answer(
        photo.read_bytes(), "image/jpeg")))  # fmt: skip
    made = draft(week, "--from-feed", feed, "--language", "en", "--slug", "c")
    assert made.returncode == 0, made.stderr
    text = (week / "issues" / f"{DATE}-c.yaml").read_text(encoding="utf-8")
    assert (
        '      caption: "A car burnt out in the fighting."  # from the photo file\'s IPTC '
        "Caption-Abstract: read it\n"
        '      credit: "IWPR"  # from the photo file\'s IPTC Credit: read it\n'
    ) in text


def test_an_invalid_address_is_one_line(week: Path) -> None:
    made, _ = failing(week, "http://example.org:99999/feed.xml")
    assert (made.returncode, made.stderr.splitlines()) == (
        2,
        ["--from-feed: http://example.org:99999/feed.xml: not a valid web address"],
    )


def test_a_line_break_in_a_feeds_address_cannot_reach_the_drafted_files_lines(
    week: Path, site: Site
) -> None:
    items = "".join(
        f"<item><title>Story {n}</title><link>@BASE@/news/{n}</link>"
        f"<pubDate>Mon, 06 Aug 2012 10:00:00 +0000</pubDate></item>"
        for n in range(12)
    )
    evil = (
        '<item><title>Evil</title><link>@BASE@/x\u2028subject: "Injected"</link>'
        "<pubDate>Mon, 06 Aug 2012 09:00:00 +0000</pubDate>"
        '<media:content url="http://[::1/a.jpg" medium="image"/></item>'
    )
    text = (
        '<rss version="2.0" xmlns:media="http://search.yahoo.com/mrss/"><channel><title>T'
        f"</title>{items}{evil}</channel></rss>"
    )
    made = draft(week, "--from-feed", site.feed("/evil.xml", text), "--language", "en",
                 "--slug", "e")  # fmt: skip
    assert made.returncode == 0, made.stderr
    data = yaml.safe_load((week / "issues" / f"{DATE}-e.yaml").read_text(encoding="utf-8"))
    assert "subject" not in data  # the address was dropped, not written as a line


def test_figure_captions_stay_with_their_own_photo(week: Path, site: Site) -> None:
    content = (
        '<p><img src="@BASE@/photos/04-parked-car.jpg"></p>'
        '<figure><img src="@BASE@/photos/06-street-lamps.jpg"></figure>'
        '<figure><img src="@BASE@/photos/01-apartment-blocks.jpg">'
        "<figcaption>Apartment blocks in Khorog.</figcaption></figure>"
    )
    text = (
        '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">'
        "<channel><title>T</title><item><title>Three photos</title>"
        "<link>@BASE@/news/three</link><pubDate>Mon, 06 Aug 2012 10:00:00 +0000</pubDate>"
        f"<content:encoded><![CDATA[{content}]]></content:encoded></item></channel></rss>"
    )
    made = draft(week, "--from-feed", site.feed("/figures.xml", text), "--language", "en",
                 "--slug", "f")  # fmt: skip
    assert made.returncode == 0, made.stderr
    gallery = lead_of(week / "issues" / f"{DATE}-f.yaml")["gallery"]
    assert isinstance(gallery, list)
    assert [photo["caption"] for photo in gallery] == ["", "", "Apartment blocks in Khorog."]


def test_a_heic_from_the_feed_is_saved_as_heic(week: Path, site: Site) -> None:
    pillow_heif.register_heif_opener()
    heic = io.BytesIO()
    Image.open(ROOT / "issues" / "photos" / "04-parked-car.jpg").save(heic, "HEIF", quality=80)
    photo = site.answer("/IMG_0042.HEIC", Answer(heic.getvalue(), "image/heic"))
    feed = one_item_feed(site, "/heic.xml", photo)
    made = draft(week, "--from-feed", feed, "--language", "en", "--slug", "h")
    assert made.returncode == 0, made.stderr
    assert (week / "issues" / "photos" / DATE / "01-img-0042.heic").is_file()
