"""`newsletter preview` end to end: a real server, a real Chromium, real file saves."""

from __future__ import annotations

import http.client
import io
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import pytest
from PIL import Image, ImageStat
from playwright.sync_api import Browser, Frame, Page, expect

from .conftest import ARTIFACTS, SAMPLE

TITLE = "Tajikistan: Khorog Hard Hit by Gunbattles"


class Output:
    """The lines a stream of the preview's process prints, read as they come by a thread."""

    def __init__(self, stream: IO[str]) -> None:
        self.lines: list[str] = []
        self.ended = False
        self._changed = threading.Condition()
        self._reader = threading.Thread(target=self._read, args=(stream,), daemon=True)
        self._reader.start()

    def _read(self, stream: IO[str]) -> None:
        with stream:
            for line in stream:
                with self._changed:
                    self.lines.append(line.rstrip("\n"))
                    self._changed.notify_all()
        with self._changed:
            self.ended = True
            self._changed.notify_all()

    def wait_for(self, pattern: str, after: int = 0, timeout: float = 30) -> re.Match[str]:
        """The first line from index `after` on that matches `pattern`, waiting for it."""
        regex = re.compile(pattern)
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                for line in self.lines[after:]:
                    if found := regex.search(line):
                        return found
                left = deadline - time.monotonic()
                if self.ended or left <= 0:
                    pytest.fail(f"no line matching {pattern!r} in:\n{self.text}")
                self._changed.wait(left)

    @property
    def text(self) -> str:
        with self._changed:
            return "\n".join(self.lines)

    def join(self) -> None:
        self._reader.join(timeout=10)


@dataclass
class Preview:
    url: str
    port: int
    issue: Path
    process: subprocess.Popen[str]
    stdout: Output
    stderr: Output

    def stop(self) -> int:
        """Ctrl-C, then wait for the process and the last of what it printed."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
        code = self.process.wait(timeout=10)
        self.stdout.join()
        self.stderr.join()
        return code


@pytest.fixture
def preview(desk: Path) -> Iterator[Preview]:
    yield from start_preview(desk, {**os.environ, "PYTHONUNBUFFERED": "1"})


def start_preview(desk: Path, env: dict[str, str]) -> Iterator[Preview]:
    issue = desk / "issues" / SAMPLE.name
    shutil.copy(SAMPLE, issue)
    process = subprocess.Popen(
        [sys.executable, "-m", "newsletter", "preview", f"issues/{SAMPLE.name}", "--no-open"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    assert process.stdout is not None and process.stderr is not None
    stdout, stderr = Output(process.stdout), Output(process.stderr)
    try:
        found = stdout.wait_for(r"at (http://127\.0\.0\.1:(\d+)/)", timeout=60)
    except BaseException:
        process.kill()
        raise
    preview = Preview(found.group(1), int(found.group(2)), issue, process, stdout, stderr)
    yield preview
    preview.stop()


def switch(page: Page, control: str, view: str) -> None:
    """Click a toolbar control and wait until the frame shows the resulting view."""
    page.locator("label", has=page.locator(f"#{control}")).click()
    expect(page.locator("#frame")).to_have_attribute("data-view", re.compile(rf"\b{view}\b"))


def email(page: Page) -> Frame:
    found = page.frame(url=re.compile(r"/email/"))
    assert found is not None
    return found


def open_preview(browser: Browser, preview: Preview, width: int = 1000) -> Page:
    page = browser.new_page(viewport={"width": width, "height": 900})
    page.goto(preview.url)
    expect(page.frame_locator("#frame").locator("h1")).to_have_text(TITLE, timeout=10_000)
    return page


@pytest.mark.browser
def test_saving_the_issue_reloads_the_page_by_itself(browser: Browser, preview: Preview) -> None:
    page = open_preview(browser, preview)
    preview.issue.write_text(
        preview.issue.read_text().replace(
            'title: "Tajikistan: Khorog Hard Hit by Gunbattles"', 'title: "Khorog Rebuilds"', 1
        )
    )
    expect(page.frame_locator("#frame").locator("h1")).to_have_text(
        "Khorog Rebuilds", timeout=10_000
    )
    expect(page.locator("#errors")).to_be_hidden()
    page.close()


@pytest.mark.browser
def test_broken_yaml_shows_the_error_over_the_last_good_render(
    browser: Browser, preview: Preview
) -> None:
    page = open_preview(browser, preview)
    good = preview.issue.read_text()
    preview.issue.write_text(good.replace("  standfirst: Images", "  standfirst: [Images", 1))
    expect(page.locator("#errors")).to_be_visible(timeout=10_000)
    # Where the mistake is, as `build` says it (the wording is the reader's business).
    expect(page.locator("#errors")).to_contain_text(
        re.compile(rf"^issues/{re.escape(SAMPLE.name)}:1[23]: \S")
    )
    expect(page.frame_locator("#frame").locator("h1")).to_have_text(TITLE)  # still the last good
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "preview-error.png"))

    preview.issue.write_text(good.replace(TITLE, "Khorog After the Fighting", 2))
    expect(page.locator("#errors")).to_be_hidden(timeout=10_000)
    expect(page.frame_locator("#frame").locator("h1")).to_have_text(
        "Khorog After the Fighting", timeout=10_000
    )
    page.close()


BACKGROUND = "(s) => getComputedStyle(document.querySelector(s)).backgroundColor"
COLOUR = "(s) => getComputedStyle(document.querySelector(s)).color"


def mean_brightness(png: Path) -> float:
    """The average of every pixel's grey level in the screenshot's e-mail area (0-255)."""
    with Image.open(png) as image:
        grey = image.convert("L")
        top = grey.height // 6  # below the toolbar and the inbox line
        return float(ImageStat.Stat(grey.crop((0, top, grey.width, grey.height))).mean[0])


@pytest.mark.browser
def test_the_light_view_stays_light_in_a_dark_system(browser: Browser, preview: Preview) -> None:
    context = browser.new_context(color_scheme="dark", viewport={"width": 1000, "height": 900})
    page = context.new_page()
    page.goto(preview.url)
    expect(page.locator("#frame")).to_have_attribute("data-view", re.compile(r"\blight\b"))
    assert email(page).evaluate(BACKGROUND, ".page") == "rgb(238, 240, 242)"
    context.close()


@pytest.mark.browser
def test_every_view_renders(browser: Browser, preview: Preview) -> None:
    page = open_preview(browser, preview)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "preview-desktop.png"), full_page=True)
    expect(page.locator("#inbox")).to_contain_text("Central Asia Desk")
    expect(page.locator("#inbox")).to_contain_text(TITLE)
    expect(page.locator("#inbox")).to_contain_text("Images of damage done by street fighting")
    expect(page.locator("#meter-text")).to_contain_text("of ~102,000 bytes")

    switch(page, "view-phone", "phone")
    expect(page.locator("#frame")).to_have_js_property("offsetWidth", 375)
    expect(page.frame_locator("#frame").locator("h1")).to_have_text(TITLE)
    page.screenshot(path=str(ARTIFACTS / "preview-phone.png"), full_page=True)
    switch(page, "view-desktop", "desktop")

    switch(page, "scheme-dark", "dark")
    expect(page.frame_locator("#frame").locator("h1")).to_have_text(TITLE)
    # What the reader sees: the e-mail itself in its dark palette, not just a dark toolbar.
    frame = email(page)
    assert frame.evaluate(BACKGROUND, ".page") == "rgb(17, 20, 23)"  # colours.dark_page
    assert frame.evaluate(BACKGROUND, ".card") == "rgb(27, 31, 36)"  # colours.dark_background
    assert frame.evaluate(COLOUR, "h1 a") == "rgb(230, 232, 235)"  # colours.dark_text
    page.screenshot(path=str(ARTIFACTS / "preview-dark.png"), full_page=True)
    assert mean_brightness(ARTIFACTS / "preview-dark.png") < 60
    switch(page, "scheme-dark", "light")
    frame = email(page)
    assert frame.evaluate(BACKGROUND, ".page") == "rgb(238, 240, 242)"  # colours.page

    switch(page, "no-styles", "no-styles")
    frame = email(page)
    assert frame.evaluate("document.querySelectorAll('style').length") == 0
    page.screenshot(path=str(ARTIFACTS / "preview-no-styles.png"), full_page=True)
    switch(page, "no-styles", "styles")

    switch(page, "images-off", "images-off")
    frame = email(page)
    assert frame.evaluate("[...document.images].filter(i => i.hasAttribute('src')).length") == 0
    assert frame.evaluate("document.images.length") == 9
    switch(page, "images-off", "images")

    switch(page, "view-text", "text")
    text = page.frame_locator("#frame").locator("body")
    expect(text).to_contain_text("TAJIKISTAN: KHOROG HARD HIT BY GUNBATTLES")
    expect(text).to_contain_text("Unsubscribe: *|UNSUB|*")
    page.close()


@pytest.mark.browser
def test_email_is_served_exactly_as_built(preview: Preview) -> None:
    status, body = get(preview.port, "/email/index.html")
    assert status == 200
    assert b"<script" not in body
    assert body.startswith(b"<!doctype html>")


@pytest.mark.parametrize(
    "path",
    [
        "/email/../newsletter.toml",
        "/email/%2e%2e/newsletter.toml",
        "/email/%2E%2E%2Fnewsletter.toml",
        "/email/images/../../issues/2012-07-31-khorog.yaml",
        "/..%2f..%2fetc%2fpasswd",
        "//etc/passwd",
        "/email//etc/passwd",
        "/email/%2fetc%2fpasswd",
        "/etc/passwd",
        "/email/images/",
        "/issues/photos/01-apartment-blocks.jpg",
        "/email/index.html%00.txt",
    ],
)
def test_nothing_outside_the_build_is_served(preview: Preview, path: str) -> None:
    status, _ = get(preview.port, path)
    assert status == 404


def test_symlink_beside_the_issue_is_not_served(preview: Preview) -> None:
    (preview.issue.parent / "photos" / "link.jpg").symlink_to("/etc/passwd")
    assert get(preview.port, "/email/images/link.jpg")[0] == 404


def test_listens_on_loopback_only_and_stops_cleanly_on_ctrl_c(preview: Preview) -> None:
    listening = [
        line.split()[1]
        for line in Path("/proc/net/tcp").read_text().splitlines()[1:]
        if line.split()[3] == "0A" and int(line.split()[1].split(":")[1], 16) == preview.port
    ]
    assert listening == [f"0100007F:{preview.port:04X}"]  # 127.0.0.1 only
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.2", preview.port), timeout=2).close()
    assert preview.stop() == 0
    assert "stopped" in preview.stderr.text and "Traceback" not in preview.stderr.text


def get(port: int, path: str) -> tuple[int, bytes]:
    """Send `path` exactly as written (no client-side normalisation)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.putrequest("GET", path, skip_accept_encoding=True)
        connection.endheaders()
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


@pytest.mark.browser
def test_the_gecko_view_shows_firefox_drawing_the_email(browser: Browser, preview: Preview) -> None:
    page = open_preview(browser, preview)
    switch(page, "view-phone", "phone")
    switch(page, "scheme-dark", "dark")
    page.locator("label", has=page.locator("#engine-gecko")).click()
    expect(page.locator("#gecko")).to_have_attribute(
        "data-view", re.compile(r"\bgecko\b"), timeout=60_000
    )
    expect(page.locator("#gecko-note")).to_have_text("As Firefox (Gecko) draws it")
    assert page.locator("#frame").is_hidden()
    shot = page.locator("#gecko-shot")
    assert shot.evaluate("(img) => img.naturalWidth") <= 375  # Firefox's window, less a scrollbar
    assert shot.evaluate("(img) => img.naturalHeight") > 3000  # the whole e-mail, one column
    page.screenshot(path=str(ARTIFACTS / "preview-gecko.png"), full_page=True)
    png = ARTIFACTS / "preview-gecko-shot.png"
    status, body = get(preview.port, "/engines/gecko.png?width=375&scheme=dark")
    assert status == 200
    png.write_bytes(body)
    with Image.open(png) as image:  # the dark palette, drawn by Gecko
        commonest = max(image.convert("RGB").getcolors(1 << 24) or [])[1]
    assert commonest == (27, 31, 36)  # colours.dark_background, the card
    page.close()


@pytest.mark.browser
def test_the_gecko_view_says_plainly_when_firefox_is_missing(
    browser: Browser, desk: Path, tmp_path: Path
) -> None:
    env = {**os.environ, "PYTHONUNBUFFERED": "1", "PATH": str(tmp_path)}  # no firefox on it
    started = start_preview(desk, env)
    preview = next(started)
    try:
        page = open_preview(browser, preview)
        page.locator("label", has=page.locator("#engine-gecko")).click()
        expect(page.locator("#gecko-note")).to_contain_text("Firefox is not installed")
        page.close()
        status, body = get(preview.port, "/engines/gecko.png")
        assert (status, body) == (
            404,
            b"Firefox is not installed (on Debian: apt-get install firefox-esr)\n",
        )
    finally:
        next(started, None)


def retitle(issue: Path, title: str) -> None:
    issue.write_text(issue.read_text().replace(f'title: "{TITLE}"', f'title: "{title}"', 1))


@pytest.mark.browser
def test_a_tab_closed_mid_poll_is_no_error(browser: Browser, preview: Preview) -> None:
    page = browser.new_page()
    answered: list[str] = []
    page.on("response", lambda response: answered.append(response.url))
    with page.expect_request(lambda r: "/wait?since=1" in r.url) as waiting:
        page.goto(preview.url)  # the page's first wait returns at once; the second is held
    expect(page.frame_locator("#frame").locator("h1")).to_have_text(TITLE, timeout=10_000)
    assert waiting.value.url not in answered  # still pending when the tab goes
    page.close()
    time.sleep(0.3)  # the server has seen the connection go
    lines = len(preview.stdout.lines)
    retitle(preview.issue, "Khorog Rebuilds")
    preview.stdout.wait_for(r"rebuilt ", after=lines)
    # The held request is answered right after the rebuild, into the closed connection.
    time.sleep(1.0)
    assert preview.stop() == 0
    output = preview.stdout.text + "\n" + preview.stderr.text
    for word in ("Traceback", "BrokenPipe", "ConnectionReset", "ConnectionAborted"):
        assert word not in output, output


@pytest.mark.browser
def test_the_page_has_an_icon_and_loads_without_a_404(browser: Browser, preview: Preview) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", preview.port, timeout=10)
    connection.request("GET", "/favicon.ico")
    response = connection.getresponse()
    icon = response.read()
    connection.close()
    assert response.status == 200
    assert response.getheader("Content-Type", "").startswith("image/")
    with Image.open(io.BytesIO(icon)) as image:
        assert image.format == "ICO"

    page = browser.new_page()
    answers: list[tuple[int, str]] = []
    page.on("response", lambda response: answers.append((response.status, response.url)))
    page.goto(preview.url)
    expect(page.frame_locator("#frame").locator("h1")).to_have_text(TITLE, timeout=10_000)
    expect(page.frame_locator("#frame").locator("img").last).to_be_visible()
    # A headless Chromium fetches no icon by itself: fetch the one the page names, as a
    # browser with a tab strip does (and /favicon.ico is what one asks for when none is named).
    icon_url = page.evaluate("document.querySelector('link[rel=icon]').href")
    assert icon_url == f"{preview.url}favicon.ico"
    status, kind = page.evaluate(
        "async (url) => { const r = await fetch(url);"
        " return [r.status, r.headers.get('content-type')]; }",
        icon_url,
    )
    assert status == 200 and kind.startswith("image/")
    page.close()
    assert [url for status, url in answers if status >= 400] == []
    # The page, the e-mail and its images (how many of them load before the page closes
    # varies with the machine's speed) all answered.
    urls = [url for _, url in answers]
    assert preview.url in urls and any("/email/images/" in url for url in urls)
    # ... and not one line in the terminal for all those requests.
    assert not any("GET " in line for line in preview.stdout.lines + preview.stderr.lines)


# `12:03:41 rebuilt 2012-07-31-khorog.yaml: 49.1 KB HTML, 452 KB images, 0 errors, 1 warning
# (0.12 s)`, as the README shows it.
REBUILT = re.compile(
    r"^\d\d:\d\d:\d\d rebuilt (?P<name>\S+): (?P<html>\d+(\.\d)? KB) HTML, "
    r"(?P<images>\d+(\.\d)? [KM]B) images, (?P<errors>\d+) errors?, (?P<warnings>\d+) warnings? "
    r"\(\d+\.\d\d s\)$"
)


def test_one_terminal_line_per_rebuild(preview: Preview) -> None:
    first = preview.stdout.lines[0]
    found = REBUILT.match(first)
    assert found, first
    assert found["name"] == SAMPLE.name
    assert (found["errors"], found["warnings"]) == ("0", "0")
    assert found["html"].endswith(" KB") and 40 < float(found["html"][:-3]) < 60  # about 49 KB
    assert found["images"] != "0 KB"

    time.sleep(0.5)  # the watcher is ready (a save within milliseconds of starting is missed)
    lines = len(preview.stdout.lines)
    retitle(preview.issue, "Khorog Rebuilds")
    assert REBUILT.match(preview.stdout.wait_for(REBUILT.pattern, after=lines).string)

    # A failed rebuild: its line, then its problems as `build` prints them, no traceback.
    lines, problems = len(preview.stdout.lines), len(preview.stderr.lines)
    broken = preview.issue.read_text().replace("  standfirst: Images", "  standfirst: [Images", 1)
    preview.issue.write_text(broken)
    preview.stdout.wait_for(r"^\d\d:\d\d:\d\d rebuild failed: 1 error \(\d+\.\d\d s\)$", lines)
    preview.stderr.wait_for(rf"^issues/{re.escape(SAMPLE.name)}:1[23]: \S", problems)
    assert preview.stop() == 0
    assert len(preview.stdout.lines) == lines + 1  # one line per rebuild, nothing else
    assert "Traceback" not in preview.stderr.text


def test_the_page_says_when_it_waits_for_new_photos(browser: Browser, preview: Preview) -> None:
    page = browser.new_page()
    try:
        page.goto(preview.url)
        expect(page.frame_locator("#frame").locator("h1")).to_have_text(TITLE, timeout=10_000)
        assert not page.locator("#working").is_visible()  # nothing to wait for
        waiting = "Compressing new photos (8 of 9 ready)"
        page.evaluate(f"show({{errors: [], built: false, working: {waiting!r}}})")
        expect(page.locator("#working")).to_have_text(
            f"{waiting} (the e-mail below is the last build)"
        )
        expect(page.frame_locator("#frame").locator("h1")).to_have_text(TITLE)  # still shown
    finally:
        page.close()
