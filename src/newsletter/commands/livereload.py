"""Rebuild on every save, keep the last good build, tell waiting browsers when it changed.

Modelled on MkDocs' livereload: a watcher thread rebuilds (debounced) whenever the issue file,
one of its photos, a template or the settings change; a failed rebuild keeps serving the last
good build and records its error lines; every outcome bumps an epoch that browsers wait on.
Builds live in memory and are swapped in whole, so nothing half-built is ever served.
"""

from __future__ import annotations

import threading
import traceback
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from newsletter.errors import InputError, display_path
from newsletter.pipeline import Build, build_issue, settings_for
from newsletter.rendering.theme import default_theme, theme_folders

DEBOUNCE_MS = 30  # a save often arrives as several file events within a few milliseconds


@dataclass(frozen=True)
class Snapshot:
    """What the preview shows: the last good build, and the errors of the latest attempt."""

    epoch: int
    build: Build | None
    errors: tuple[str, ...] = ()


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
        try:
            build = build_issue(
                self.issue, config=self.config, cache_dir=self.cache_dir, local_images=True
            )
        except InputError as exc:
            errors = tuple(str(problem) for problem in exc.problems)
        except Exception:  # a bug must not stop the preview: show it and keep serving
            errors = ("internal error while building; details in the terminal",)
            traceback.print_exc()
        with self._changed:
            self._snapshot = Snapshot(self._snapshot.epoch + 1, build, errors)
            self._changed.notify_all()
        self.on_change(self._snapshot)
        return self._snapshot

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
                    break  # the photos or settings may have moved: look again at what to watch


def _relevant(paths: Iterable[Path], watched: set[Path]) -> bool:
    for path in paths:
        resolved = path.resolve()
        if resolved in watched or any(resolved.is_relative_to(w) for w in watched if w.is_dir()):
            return True
    return False


def describe(snapshot: Snapshot) -> str:
    """One terminal line (or the error lines) for a rebuild."""
    if snapshot.errors:
        return "\n".join(snapshot.errors)
    assert snapshot.build is not None
    return f"rebuilt {display_path(snapshot.build.source.path)}"
