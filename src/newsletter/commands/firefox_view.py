"""The preview's Gecko view: the current build as Firefox draws it, a screenshot on demand.

Gecko is Thunderbird's engine and webmail readers' in Firefox. The screenshot comes from the
desk's own Firefox (`firefox-esr` on Debian), headless, with a fresh profile each time (whose
prefs choose the colour scheme), stopped by its process group after a timeout.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from newsletter.errors import EnvironmentFailure

NAMES = ("firefox-esr", "firefox")
TIMEOUT = 60.0


def firefox() -> str | None:
    """The Firefox command on this machine, if any."""
    return next((found for name in NAMES if (found := shutil.which(name))), None)


def screenshot(url: str, width: int, dark: bool) -> bytes:
    """A full-page PNG of `url` in a `width` px window; raise EnvironmentFailure if Firefox
    is missing or fails."""
    command = firefox()
    if command is None:
        raise EnvironmentFailure(
            "Firefox is not installed (on Debian: apt-get install firefox-esr)"
        )
    folder = Path(tempfile.mkdtemp(prefix="newsletter-gecko-"))
    try:
        profile, out = folder / "profile", folder / "shot.png"
        profile.mkdir()
        scheme = 0 if dark else 1  # Firefox's content colour scheme: 0 dark, 1 light
        (profile / "user.js").write_text(
            f'user_pref("layout.css.prefers-color-scheme.content-override", {scheme});\n'
            f'user_pref("ui.systemUsesDarkTheme", {1 if dark else 0});\n'
            'user_pref("browser.shell.checkDefaultBrowser", false);\n'
            'user_pref("datareporting.policy.dataSubmissionEnabled", false);\n'
        )
        env = {k: v for k, v in os.environ.items() if not k.startswith("MOZ_")}
        env["HOME"] = str(folder)
        argv = [command, "--headless", "-no-remote", "-profile", str(profile)]
        argv += ["--screenshot", str(out), f"--window-size={width}", url]  # out: absolute
        _run(argv, env)
        if not out.exists():
            raise EnvironmentFailure("Firefox wrote no screenshot")
        return out.read_bytes()
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _run(argv: list[str], env: dict[str, str]) -> None:
    process = subprocess.Popen(
        argv,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        process.wait(timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        raise EnvironmentFailure(f"Firefox took longer than {TIMEOUT:g} s") from None
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)  # and whatever it started
        process.wait()
