"""The live-rebuild loop on its own: rebuild, keep the last good build, wake waiting browsers,
and watch the right files (a real watcher thread, real saves)."""

from __future__ import annotations

import dataclasses
import re
import shutil
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image

from newsletter.commands.livereload import LiveBuild, Snapshot, describe
from newsletter.errors import Finding
from newsletter.rendering.theme import default_theme

from .conftest import CACHE, SAMPLE

TITLE = "Tajikistan: Khorog Hard Hit by Gunbattles"


@pytest.fixture
def live(desk: Path) -> LiveBuild:
    issue = desk / "issues" / SAMPLE.name
    shutil.copy(SAMPLE, issue)
    return LiveBuild(issue, None, CACHE)


def retitle(live: LiveBuild, title: str) -> None:
    live.issue.write_text(SAMPLE.read_text().replace(TITLE, title, 1), encoding="utf-8")


def test_a_good_build_then_a_bad_save_keeps_the_last_good_build(live: LiveBuild) -> None:
    first = live.rebuild()
    assert (first.epoch, first.errors) == (1, ())
    assert first.build is not None and TITLE in first.build.html
    live.issue.write_text(SAMPLE.read_text().replace("number: 656", "number: [", 1))
    second = live.rebuild()
    assert second.epoch == first.epoch + 1
    assert second.build is first.build  # still served
    assert len(second.errors) == 1 and second.errors[0].startswith(f"issues/{SAMPLE.name}:")
    assert re.fullmatch(r"\d\d:\d\d:\d\d rebuild failed: 1 error \(\d+\.\d\d s\)", describe(second))
    retitle(live, "Khorog Rebuilds")
    third = live.rebuild()
    assert third.errors == () and third.build is not None
    assert "Khorog Rebuilds" in third.build.html
    assert re.fullmatch(
        rf"\d\d:\d\d:\d\d rebuilt {re.escape(SAMPLE.name)}: \d\d\.\d KB HTML, \d+ KB images, "
        r"0 errors, 0 warnings \(\d+\.\d\d s\)",
        describe(third),
    )


def test_the_rebuild_line_counts_findings_and_sizes(live: LiveBuild) -> None:
    build = live.rebuild().build
    assert build is not None

    def line(findings: list[Finding], html: int, images: int) -> str:
        changed = dataclasses.replace(
            build,
            html="x" * html,
            renditions=[dataclasses.replace(build.renditions[0], data=b"x" * images)],
            findings=findings,
        )
        return describe(Snapshot(2, changed, seconds=0.123, at=time.time()))

    warning = Finding("issues/x.yaml", None, None, "close to clipping", "NL101", "warning")
    error = dataclasses.replace(warning, severity="error")
    assert line([], 49_123, 452_000).endswith(
        f"rebuilt {SAMPLE.name}: 49.1 KB HTML, 452 KB images, 0 errors, 0 warnings (0.12 s)"
    )
    assert line([warning], 999, 0).endswith(
        ": 1.0 KB HTML, 0 KB images, 0 errors, 1 warning (0.12 s)"
    )
    assert line([error, error, warning, warning], 120_000, 2_345_678).endswith(
        ": 120 KB HTML, 2.3 MB images, 2 errors, 2 warnings (0.12 s)"
    )


def test_a_bug_during_a_build_is_shown_not_raised(
    live: LiveBuild, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import newsletter.commands.livereload as livereload

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("a bug")

    monkeypatch.setattr(livereload, "build_issue", broken)
    snapshot = live.rebuild()
    assert snapshot.errors == ("internal error while building; details in the terminal",)
    assert "RuntimeError: a bug" in capsys.readouterr().err


def test_wait_returns_at_the_next_change_or_after_its_timeout(live: LiveBuild) -> None:
    live.rebuild()
    started = time.monotonic()
    assert live.wait(1, timeout=0.2).epoch == 1  # nothing changed
    assert time.monotonic() - started >= 0.19
    assert live.wait(0, timeout=5).epoch == 1  # already past epoch 0: at once
    woken: list[Snapshot] = []
    waiter = threading.Thread(target=lambda: woken.append(live.wait(1, timeout=30)))
    waiter.start()
    time.sleep(0.1)
    live.rebuild()
    waiter.join(timeout=10)
    assert [s.epoch for s in woken] == [2]


def test_watched_files_are_the_issue_its_photos_the_settings_and_the_templates(
    live: LiveBuild, desk: Path
) -> None:
    live.rebuild()
    folders, files = live.watched()
    photos = {(desk / "issues" / "photos" / p.name).resolve() for p in desk.glob("issues/photos/*")}
    photos = {p for p in photos if p.suffix in (".jpg", ".png")}
    assert live.issue.resolve() in files
    assert photos <= files
    assert (desk / "newsletter.toml").resolve() in files
    assert (desk / "templates").resolve() in files  # the desk's own templates
    assert default_theme().resolve() in files  # and the default theme under them
    assert set(folders) == {
        (desk / "issues").resolve(),
        (desk / "issues" / "photos").resolve(),
        desk.resolve(),
        (desk / "templates").resolve(),
        default_theme().resolve(),
    }


@pytest.fixture
def watching(live: LiveBuild) -> Iterator[LiveBuild]:
    live.rebuild()
    stop = threading.Event()
    watcher = threading.Thread(target=live.watch, args=(stop,), daemon=True)
    watcher.start()
    time.sleep(0.3)  # let the watcher start
    yield live
    stop.set()
    watcher.join(timeout=5)
    assert not watcher.is_alive()


def test_saving_the_issue_rebuilds(watching: LiveBuild) -> None:
    retitle(watching, "Khorog Rebuilds")
    snapshot = watching.wait(1, timeout=15)
    assert snapshot.epoch == 2 and snapshot.build is not None
    assert "Khorog Rebuilds" in snapshot.build.html


def test_saving_a_template_rebuilds(watching: LiveBuild, desk: Path) -> None:
    footer = desk / "templates" / "partials" / "footer.mjml.j2"
    footer.write_text(footer.read_text().replace("</mj-section>", "</mj-section>\n", 1))
    assert watching.wait(1, timeout=15).epoch == 2


def test_an_unrelated_file_does_not_rebuild(watching: LiveBuild, desk: Path) -> None:
    (desk / "issues" / "notes.txt").write_text("not part of the issue")
    assert watching.wait(1, timeout=1.0).epoch == 1


def test_new_photos_are_announced_while_they_are_compressed(live: LiveBuild, desk: Path) -> None:
    first = live.rebuild()
    photos = desk / "issues" / "photos"
    with Image.open(photos / "04-parked-car.jpg") as photo:  # a photo no build has seen
        photo.transpose(Image.Transpose.FLIP_LEFT_RIGHT).save(photos / "new.jpg", quality=90)
    text = SAMPLE.read_text().replace("photos/04-parked-car.jpg", "photos/new.jpg", 1)
    live.issue.write_text(text, encoding="utf-8")
    seen: list[Snapshot] = []

    def follow() -> None:  # as the page does: wait for each change
        epoch = live.snapshot.epoch
        while (snapshot := live.wait(epoch, timeout=10)).epoch != epoch:
            seen.append(snapshot)
            epoch = snapshot.epoch
            if snapshot.build is not first.build:
                return

    follower = threading.Thread(target=follow)
    follower.start()
    final = live.rebuild()
    follower.join(timeout=15)
    working = [snapshot for snapshot in seen if snapshot.working]
    assert working[0].working == "Compressing new photos (8 of 9 ready)"
    assert all(snapshot.build is first.build for snapshot in working)  # the last build shows
    assert final.working is None and final.build is not None and final.build is not first.build
    assert seen[-1] == final
