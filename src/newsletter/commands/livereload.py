"""Rebuild on every save, keep the last good build, tell waiting browsers when it changed.

Modelled on MkDocs' livereload: a watcher thread rebuilds (debounced) whenever the issue file,
one of its photos, a template or the settings change; a failed rebuild keeps serving the last
good build and records its error lines; every outcome bumps an epoch that browsers wait on.
Builds live in memory and are swapped in whole, so nothing half-built is ever served.
"""

from __future__ import annotations

import dataclasses
import threading
import time
import traceback
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from newsletter.commands.check import check_build
from newsletter.errors import InputError
from newsletter.pipeline import Build, build_issue, settings_for
from newsletter.rendering.theme import default_theme, theme_folders

LOCAL_IMAGES_RULE = "NL202"  # relative image addresses: the preview serves them
DEBOUNCE_MS = 30  # a save often arrives as several file events within a few milliseconds


@dataclass(frozen=True)
class Snapshot:
    """What the preview shows: the last good build, and the errors of the latest attempt."""

    epoch: int
    build: Build | None
    errors: tuple[str, ...] = ()
    seconds: float = 0.0  # how long the attempt took
    at: float = 0.0  # when it ended (time.time())
    working: str | None = None  # while a rebuild waits on new photos: what it is doing


@dataclass
class LiveBuild:
    """The issue being previewed, rebuilt on demand; `wait` blocks until the next change."""

    issue: Path
    config: Path | None
    cache_dir: Path | None
    on_change: Callable[[Snapshot], None] = lambda snapshot: None
    _snapshot: Snapshot = field(default_factory=lambda: Snapshot(0, None))
    _changed: threading.Condition = field(default_factory=threading.Condition)

    @property
    def snapshot(self) -> Snapshot:
        """The current state (safe to read from any thread)."""
        return self._snapshot

    def rebuild(self) -> Snapshot:
        """Build the issue; on failure keep the last good build and record the error lines."""
        build: Build | None = self._snapshot.build
        errors: tuple[str, ...] = ()
        started = time.perf_counter()
        try:
            build = build_issue(
                self.issue,
                config=self.config,
                cache_dir=self.cache_dir,
                local_images=True,
                progress=self._photos_progress,
            )
            # What `check` would find, but NL202: the preview serves the images itself.
            found = [f for f in check_build(build) if f.code != LOCAL_IMAGES_RULE]
            build = dataclasses.replace(build, findings=found)
        except InputError as exc:
            errors = tuple(str(problem) for problem in exc.problems)
        except Exception:  # a bug must not stop the preview: show it and keep serving
            errors = ("internal error while building; details in the terminal",)
            traceback.print_exc()
        seconds = time.perf_counter() - started
        with self._changed:
            epoch = self._snapshot.epoch + 1
            self._snapshot = Snapshot(epoch, build, errors, seconds, time.time())
            self._changed.notify_all()
        self.on_change(self._snapshot)
        return self._snapshot

    def _photos_progress(self, done: int, total: int) -> None:
        """While new photos are compressed (a second or so each: their quality is searched),
        the page keeps the last build and says what it waits for. (Before the first build the
        page has nothing to keep, and shows nothing until it comes.)"""
        working = None if done == total else f"Compressing new photos ({done} of {total} ready)"
        with self._changed:
            last = self._snapshot
            if last.build is None:
                return
            self._snapshot = dataclasses.replace(last, epoch=last.epoch + 1, working=working)
            self._changed.notify_all()

    def wait(self, epoch: int, timeout: float) -> Snapshot:
        """Return as soon as the epoch differs from `epoch`, or after `timeout` seconds."""
        with self._changed:
            self._changed.wait_for(lambda: self._snapshot.epoch != epoch, timeout=timeout)
            return self._snapshot

    def watched(self) -> tuple[list[Path], set[Path]]:
        """(folders to watch, files whose change means a rebuild): the issue, its photos, the
        settings, and the theme (the desk's template folder and the default theme)."""
        files = {self.issue.resolve()}
        build = self._snapshot.build
        if build is not None:
            source = build.source
            files |= {source.photo_path(i) for i in range(len(source.issue.lead.gallery))}
        themes = [default_theme().resolve()]
        try:
            settings, config = settings_for(self.issue, self.config)
            files.add(config.resolve())
            themes = [f.resolve() for f in theme_folders(settings.templates_folder(config))]
            if (logo := settings.logo_path(config)) is not None:
                files.add(logo)
        except InputError:
            pass
        folders = {f.parent for f in files} | {t for t in themes if t.is_dir()}
        return sorted(folders), files | set(themes)

    def watch(self, stop: threading.Event) -> None:
        """Rebuild after every relevant change until `stop` is set (runs in its own thread)."""
        import watchfiles

        while not stop.is_set():
            folders, files = self.watched()
            changes = watchfiles.watch(
                *folders,
                debounce=DEBOUNCE_MS,
                step=10,
                stop_event=stop,
                rust_timeout=1000,
                yield_on_timeout=True,
                raise_interrupt=False,
            )
            for batch in changes:
                if stop.is_set():
                    return
                if _relevant((Path(path) for _, path in batch), files):
                    self.rebuild()
                    # The photos or settings may have moved: look again at what to watch. The
                    # same watcher goes on while its folders stay the same, so a save made
                    # during the rebuild is not missed.
                    now_watched, files = self.watched()
                    if now_watched != folders:
                        break


def _relevant(paths: Iterable[Path], watched: set[Path]) -> bool:
    for path in paths:
        resolved = path.resolve()
        if resolved in watched or any(resolved.is_relative_to(w) for w in watched if w.is_dir()):
            return True
    return False


def describe(snapshot: Snapshot) -> str:
    """The terminal's one line for a rebuild: when, what, how big, what it found, how long.

    `12:03:41 rebuilt 2012-07-31-khorog.yaml: 49.1 KB HTML, 452 KB images, 0 errors,
    1 warning (0.12 s)`, or `12:03:52 rebuild failed: 1 error (0.03 s)` (the error lines
    themselves are `snapshot.errors`).
    """
    clock = time.strftime("%H:%M:%S", time.localtime(snapshot.at))
    took = f"({snapshot.seconds:.2f} s)"
    if snapshot.errors:
        return f"{clock} rebuild failed: {_count(len(snapshot.errors), 'error')} {took}"
    build = snapshot.build
    assert build is not None
    report = build.report()
    severities = [finding.severity for finding in build.findings]
    return (
        f"{clock} rebuilt {build.source.path.name}: {_size(report['html_bytes'])} HTML, "
        f"{_size(report['image_bytes'])} images, {_count(severities.count('error'), 'error')}, "
        f"{_count(severities.count('warning'), 'warning')} {took}"
    )


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


def _size(size: int) -> str:
    """Bytes in kilobytes of 1,000 (as the page's meter counts them): 0 KB, 49.1 KB, 452 KB,
    1.3 MB."""
    if size == 0:
        return "0 KB"
    if size < 100_000:
        return f"{size / 1000:.1f} KB"
    if size < 1_000_000:
        return f"{size / 1000:.0f} KB"
    return f"{size / 1_000_000:.1f} MB"
