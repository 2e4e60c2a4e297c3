"""Thunderbird opening the real .eml: a fresh profile, its own Xvfb, a window screenshot.

Thunderbird runs no script in a message, so a render here is a screenshot only (`measured` is
None); `pixels.py` measures it. The profile's `chrome/userChrome.css` hides the window's menu
bar, toolbar and header pane, so the message body starts at the top of the window and the
screenshot needs no guessing to crop.
"""

from __future__ import annotations

import contextlib
import email
import email.policy
import io
import os
import select
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path

from PIL import Image, ImageChops

from .harness import Render, Scheme

SCREEN_WIDTH = 1400
SCREEN_HEIGHT = 9000  # the whole message must fit: nothing scrolls, nothing is stitched
TITLE_SUFFIX = " - Mozilla Thunderbird"
SETTLE_INTERVAL = 0.4  # seconds between captures while waiting for the render to settle
SETTLE_SAME = 3  # this many identical captures in a row: the render has settled

# Every first-run screen, update, telemetry, default-client check and account wizard off;
# one CSS pixel per screen pixel; remote content stays blocked, as for a real reader.
PREFS: dict[str, bool | int | str] = {
    "mail.provider.enabled": False,
    "mail.shell.checkDefaultClient": False,
    "mailnews.start_page.enabled": False,
    "mail.rights.version": 1,
    "mail.inappnotifications.enabled": False,
    # A profile with no account is a "first run": the main window opens the Account Hub over
    # itself whatever the prefs say. One "Local Folders" account (type none) makes it set up.
    "mail.accountmanager.accounts": "account1",
    "mail.accountmanager.localfoldersserver": "server1",
    "mail.account.account1.server": "server1",
    "mail.server.server1.type": "none",
    "mail.server.server1.hostname": "Local Folders",
    "mail.server.server1.name": "Local Folders",
    "mail.server.server1.userName": "nobody",
    "mail.provider.suppress_dialog_on_startup": True,
    "mail.spotlight.firstRunDone": True,
    "mail.startup.enabledMailCheckOnce": True,
    "app.update.enabled": False,
    "app.update.auto": False,
    "app.update.checkInstallTime": False,
    "app.donation.eoy.version.viewed": 999,
    "browser.shell.checkDefaultBrowser": False,
    "datareporting.policy.dataSubmissionEnabled": False,
    "datareporting.policy.firstRunURL": "",
    "datareporting.healthreport.uploadEnabled": False,
    "toolkit.telemetry.enabled": False,
    "toolkit.telemetry.unified": False,
    "toolkit.telemetry.reportingpolicy.firstRun": False,
    "toolkit.startup.max_resumed_crashes": -1,
    "browser.crashReports.unsubmittedCheck.enabled": False,
    "extensions.update.enabled": False,
    "extensions.getAddons.cache.enabled": False,
    "calendar.timezone.useSystemTimezone": True,
    "mailnews.display.html_as": 0,  # the message's own HTML, not sanitized
    "mailnews.display.prefer_plaintext": False,
    "mail.inline_attachments": True,
    "toolkit.legacyUserProfileCustomizations.stylesheets": True,
    "layout.css.devPixelsPerPx": "1.0",
    "ui.prefersReducedMotion": 1,
    "widget.gtk.overlay-scrollbars.enabled": True,
}
LIGHT_PREFS: dict[str, bool | int | str] = {
    "ui.systemUsesDarkTheme": 0,
    "layout.css.prefers-color-scheme.content-override": 1,
    "extensions.activeThemeID": "thunderbird-compact-light@mozilla.org",
}
# Dark: the system (`ui.systemUsesDarkTheme`, and GTK_THEME in _environment), the app's theme
# and the content all dark. Measured on 153 ESR: `ui.systemUsesDarkTheme` 1 alone is enough, so
# is the dark theme alone; Firefox's switch, `layout.css.prefers-color-scheme.content-override`
# 0, does nothing here on its own. Thunderbird's "dark message mode" (DarkReader.mjs, pref
# `mail.dark-reader.enabled`, on by default) then recolours every message, whatever dark support
# it declares: the default a reader gets. `prefs={"mail.dark-reader.enabled": False}` turns it off.
DARK_PREFS: dict[str, bool | int | str] = {
    "ui.systemUsesDarkTheme": 1,
    "layout.css.prefers-color-scheme.content-override": 0,
    "extensions.activeThemeID": "thunderbird-compact-dark@mozilla.org",
}
USER_CHROME = """\
* { min-width: 0 !important; }
#mail-toolbox, #toolbar-menubar, #mail-bar3, #status-bar, #msgHeaderView, #messageHeader,
#mail-notification-top, #attachment-splitter, #attachmentView { display: none !important; }
"""


class ThunderbirdError(RuntimeError):
    """Thunderbird did not show the message in time, or could not be captured."""


def available() -> bool:
    """Whether Thunderbird, Xvfb, xdotool and ImageMagick's import are on PATH."""
    return all(shutil.which(tool) for tool in ("thunderbird", "Xvfb", "xdotool", "import"))


def render(
    eml: Path,
    width: int,
    scheme: Scheme,
    out: Path,
    timeout: float = 120,
    *,
    prefs: dict[str, bool | int | str] | None = None,
) -> Render:
    """Open `eml` in Thunderbird with a message pane `width` CSS px wide and save its body as a
    PNG at `out`. `prefs` override the profile's defaults (for experiments)."""
    deadline = time.monotonic() + timeout
    subject = _subject(eml)  # and a missing file fails here, before anything is started
    work = Path(tempfile.mkdtemp(prefix="thunderbird-render-"))
    xvfb: subprocess.Popen[bytes] | None = None
    thunderbird: subprocess.Popen[bytes] | None = None
    try:
        profile = _profile(work, scheme, prefs or {})
        xvfb, display = _start_xvfb(deadline)
        env = _environment(work, display, scheme)
        log = (work / "thunderbird.log").open("wb")
        with log:
            thunderbird = subprocess.Popen(
                [
                    "thunderbird",
                    "-profile",
                    str(profile),
                    "-no-remote",
                    "-file",
                    str(eml.resolve()),
                ],
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        window = _message_window(env, subject, thunderbird, deadline)
        _xdotool(env, deadline, "windowsize", window, str(width), str(SCREEN_HEIGHT))
        _xdotool(env, deadline, "windowmove", window, "0", "0")
        _xdotool(env, deadline, "windowraise", window)
        shot = _settled_capture(env, window, width, deadline)
        body = _crop(shot)
        out.parent.mkdir(parents=True, exist_ok=True)
        body.save(out, format="PNG")
    except subprocess.TimeoutExpired as error:
        raise ThunderbirdError(
            f"thunderbird: timed out after {timeout:g} s ({error.cmd})"
        ) from error
    except (ThunderbirdError, subprocess.CalledProcessError) as error:
        raise ThunderbirdError(f"thunderbird: {error}{_log_tail(work)}") from error
    finally:
        for process in (thunderbird, xvfb):
            if process is not None:
                _stop(process)
        shutil.rmtree(work, ignore_errors=True)
    return Render(engine="thunderbird", width=width, scheme=scheme, screenshot=out, measured=None)


def _profile(work: Path, scheme: Scheme, overrides: dict[str, bool | int | str]) -> Path:
    profile = work / "profile"
    (profile / "chrome").mkdir(parents=True)
    prefs = {**PREFS, **(DARK_PREFS if scheme == "dark" else LIGHT_PREFS), **overrides}
    lines = [f"user_pref({_js(name)}, {_js(value)});" for name, value in prefs.items()]
    (profile / "user.js").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (profile / "chrome" / "userChrome.css").write_text(USER_CHROME, encoding="utf-8")
    return profile


def _js(value: bool | int | str) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _start_xvfb(deadline: float) -> tuple[subprocess.Popen[bytes], str]:
    """An Xvfb of its own on the first free display, which it reports through a pipe."""
    read, write = os.pipe()
    try:
        xvfb = subprocess.Popen(
            [
                "Xvfb",
                "-displayfd",
                str(write),
                "-screen",
                "0",
                f"{SCREEN_WIDTH}x{SCREEN_HEIGHT}x24",
                "-nolisten",
                "tcp",
                "-dpi",
                "96",
            ],
            pass_fds=(write,),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        os.close(write)
        write = -1
        number = b""
        while not number.endswith(b"\n"):
            ready, _, _ = select.select([read], [], [], max(0.0, deadline - time.monotonic()))
            chunk = os.read(read, 16) if ready else b""
            if not chunk:
                _stop(xvfb)
                raise ThunderbirdError("Xvfb did not report a display")
            number += chunk
    finally:
        os.close(read)
        if write != -1:
            os.close(write)
    return xvfb, f":{number.decode().strip()}"


def _environment(work: Path, display: str, scheme: Scheme) -> dict[str, str]:
    home = work / "home"
    home.mkdir()
    env = {
        name: value
        for name, value in os.environ.items()
        # MOZ_HEADLESS crashes Thunderbird whatever its value; nothing of the desktop we run
        # in (its session bus, Wayland, XDG folders, GTK theme) may reach this one.
        if not name.startswith(("MOZ_", "XDG_", "GTK_", "WAYLAND_", "DBUS_"))
        and name not in {"DISPLAY", "HOME", "XAUTHORITY"}
    }
    env |= {
        "DISPLAY": display,
        "HOME": str(home),
        "XDG_CONFIG_HOME": str(home / ".config"),
        "XDG_CACHE_HOME": str(home / ".cache"),
        "XDG_DATA_HOME": str(home / ".local" / "share"),
        "XDG_RUNTIME_DIR": str(work),
        "DBUS_SESSION_BUS_ADDRESS": "disabled:",
        "GTK_USE_PORTAL": "0",
        "MOZ_CRASHREPORTER_DISABLE": "1",
        "MOZ_DISABLE_AUTO_SAFE_MODE": "1",
        "NO_AT_BRIDGE": "1",
        "GTK_THEME": "Adwaita:dark" if scheme == "dark" else "Adwaita",
    }
    return env


def _subject(eml: Path) -> str:
    with eml.open("rb") as file:
        message = email.message_from_binary_file(file, policy=email.policy.default)
    return " ".join(str(message.get("Subject", "")).split())


def _message_window(
    env: dict[str, str], subject: str, thunderbird: subprocess.Popen[bytes], deadline: float
) -> str:
    """The standalone message window, titled `<subject> - Mozilla Thunderbird`. The main
    window opens too (`Local Folders - Mozilla Thunderbird`, or `Home - ...` in a profile
    without an account), so a bare `xdotool search --sync --name ' - Mozilla Thunderbird$'`
    may find that one first. Every other window is moved off the screen."""
    wanted = f"{subject}{TITLE_SUFFIX}"
    started = time.monotonic()
    while time.monotonic() < deadline:
        if thunderbird.poll() is not None:
            raise ThunderbirdError(f"exited with status {thunderbird.returncode}")
        found = subprocess.run(
            ["xdotool", "search", "--onlyvisible", "--name", f"{TITLE_SUFFIX}$"],
            env=env,
            capture_output=True,
            text=True,
            timeout=_left(deadline),
        )
        titles = {
            window: " ".join(_xdotool(env, deadline, "getwindowname", window).split())
            for window in found.stdout.split()
        }
        message = [window for window, title in titles.items() if title == wanted]
        if not message and time.monotonic() - started > 15:
            # A subject Thunderbird shows differently: the one window that is not the main one.
            main = {"Local Folders" + TITLE_SUFFIX, "Home" + TITLE_SUFFIX}
            message = [window for window, title in titles.items() if title not in main]
        if len(message) == 1:
            for window in titles:
                if window != message[0]:
                    _xdotool(env, deadline, "windowmove", window, str(SCREEN_WIDTH * 4), "0")
            return message[0]
        time.sleep(0.25)
    raise ThunderbirdError(f"no window titled {wanted!r}")


def _settled_capture(env: dict[str, str], window: str, width: int, deadline: float) -> Image.Image:
    """Capture until SETTLE_SAME captures in a row are identical, the window has its new width
    and the message pane is not blank (the message loads after the window maps, and the dark
    message mode recolours it after that)."""
    previous: Image.Image | None = None
    same = 0
    seen = 0  # the window's width in the last capture
    while time.monotonic() < deadline:
        time.sleep(SETTLE_INTERVAL)
        data = subprocess.run(
            ["import", "-silent", "-window", window, "-depth", "8", "ppm:-"],
            env=env,
            capture_output=True,
            check=True,
            timeout=_left(deadline),
        ).stdout
        shot = Image.open(io.BytesIO(data)).convert("RGB")
        seen = shot.width
        if shot.width != width:  # not resized yet, or a minimum width in the way
            previous, same = None, 0
            continue
        if previous is not None and ImageChops.difference(shot, previous).getbbox() is None:
            same += 1
            # A blank pane may be a message not loaded yet: wait longer before believing it.
            if same + 1 >= (SETTLE_SAME * 3 if _blank(shot) else SETTLE_SAME):
                return shot
        else:
            same = 0
        previous = shot
    if seen != width:
        raise ThunderbirdError(f"the window stayed {seen} px wide, not {width}")
    raise ThunderbirdError("the message pane did not settle")


def _blank(shot: Image.Image) -> bool:
    top = shot.crop((0, 0, shot.width, min(shot.height, 400)))
    return top.getcolors(16) is not None  # at most 16 colours: nothing drawn yet


def _crop(shot: Image.Image) -> Image.Image:
    """The message body: the window's top (the chrome above it is hidden) down to the last row
    that differs from the empty pane below the message."""
    filler = shot.crop((0, shot.height - 1, shot.width, shot.height))
    box = ImageChops.difference(shot, filler.resize(shot.size, Image.Resampling.NEAREST)).getbbox()
    if box is None:
        raise ThunderbirdError("the message pane is empty")
    last = box[3]
    if last >= shot.height - 1:
        raise ThunderbirdError(
            f"the message is taller than the {SCREEN_HEIGHT} px screen: raise SCREEN_HEIGHT"
        )
    return shot.crop((0, 0, shot.width, last))


def _xdotool(env: dict[str, str], deadline: float, *args: str) -> str:
    return subprocess.run(
        ["xdotool", *args],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=_left(deadline),
    ).stdout.strip()


def _left(deadline: float) -> float:
    left = deadline - time.monotonic()
    if left <= 0:
        raise subprocess.TimeoutExpired("thunderbird render", 0)
    return left


def _stop(process: subprocess.Popen[bytes]) -> None:
    """Stop a process we started and its whole process group (it leads one)."""
    for sig, wait in ((signal.SIGTERM, 5.0), (signal.SIGKILL, 5.0)):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, sig)
        try:
            process.wait(wait)
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)  # stragglers of the group
            return
        except subprocess.TimeoutExpired:
            continue


def _log_tail(work: Path) -> str:
    try:
        lines = (work / "thunderbird.log").read_text(errors="replace").splitlines()
    except OSError:
        return ""
    return ("\n" + "\n".join(lines[-15:])) if lines else ""
