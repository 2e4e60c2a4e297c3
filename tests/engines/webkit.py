"""WebKit (Apple Mail's and iOS Mail's engine family) through WebKitGTK.

WebKitGTK's Python binding lives in Debian's Python (`python3-gi`, `gir1.2-webkit2-4.1`), not
in the project's venv, so each render runs `webkit_snapshot.py` with `/usr/bin/python3` under
`xvfb-run`, in a process group of its own, with a fresh HOME and fresh XDG folders.
"""

from __future__ import annotations

import functools
import json
import os
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

from .harness import Render, Scheme

SYSTEM_PYTHON = Path("/usr/bin/python3")
SCRIPT = Path(__file__).with_name("webkit_snapshot.py")
MEASURE = Path(__file__).with_name("measure.js")
SCREEN = "-screen 0 1920x1080x24 -nolisten tcp"
PROBE = (
    "import gi; gi.require_version('Gtk', '3.0'); gi.require_version('WebKit2', '4.1'); "
    "from gi.repository import WebKit2"
)
GRACE = 3.0  # seconds a stopped group gets between SIGTERM and SIGKILL


@functools.cache
def available() -> bool:
    """Whether xvfb-run and Debian's Python with WebKit2 4.1 are installed."""
    if shutil.which("xvfb-run") is None or not SYSTEM_PYTHON.is_file():
        return False
    with tempfile.TemporaryDirectory(prefix="webkit-probe-") as home:
        try:
            probe = subprocess.run(
                [str(SYSTEM_PYTHON), "-c", PROBE],
                env=_environment(Path(home)),
                stdin=subprocess.DEVNULL,
                capture_output=True,
                timeout=60,
                check=False,
            )
        except (OSError, subprocess.TimeoutExpired):
            return False
    return probe.returncode == 0


def render(url: str, width: int, scheme: Scheme, out: Path, timeout: float = 90) -> Render:
    """Render `url` at `width` CSS pixels in `scheme`; save a full-page PNG to `out`."""
    if scheme not in ("light", "dark"):
        raise ValueError(f"unknown colour scheme {scheme!r}")
    out = out.resolve()
    out.unlink(missing_ok=True)
    label = f"webkit {width}px {scheme} {url}"
    # The script stops itself (and says why) before the group is killed from here.
    inner = max(1.0, min(45.0, timeout - 15))
    with tempfile.TemporaryDirectory(prefix="webkit-") as folder:
        root = Path(folder)
        command = [
            "xvfb-run", "-a", "-s", SCREEN,
            str(SYSTEM_PYTHON), str(SCRIPT),
            "--url", url, "--width", str(width), "--scheme", scheme,
            "--out", str(out), "--measure", str(MEASURE), "--timeout", f"{inner:g}",
        ]  # fmt: skip
        process = subprocess.Popen(
            command,
            env=_environment(root),
            cwd=root,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            start_new_session=True,
        )
        try:
            stdout, stderr = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            _stop_group(process.pid)
            stdout, stderr = process.communicate()
            raise RuntimeError(
                f"{label}: no answer after {timeout:g} s; {_text(stderr)}".rstrip("; ")
            ) from None
        finally:
            _stop_group(process.pid)  # Xvfb, web processes: whatever outlived the script
            if process.poll() is None:
                process.kill()
                process.wait()
    if process.returncode != 0:
        raise RuntimeError(f"{label}: exit {process.returncode}: {_text(stderr)}")
    try:
        measured: Any = json.loads(stdout)
    except ValueError:
        raise RuntimeError(f"{label}: no JSON on stdout: {_text(stdout)!r}") from None
    if not isinstance(measured, dict):
        raise RuntimeError(f"{label}: measure.js returned {type(measured).__name__}")
    if not out.is_file() or out.stat().st_size == 0:
        raise RuntimeError(f"{label}: no screenshot written to {out}")
    return Render(engine="webkit", width=width, scheme=scheme, screenshot=out, measured=measured)


def _environment(root: Path) -> dict[str, str]:
    """A clean environment: nothing from the venv, the desktop or an earlier run."""
    folders = {
        "HOME": root / "home",
        "XDG_CONFIG_HOME": root / "config",
        "XDG_CACHE_HOME": root / "cache",
        "XDG_DATA_HOME": root / "data",
        "XDG_STATE_HOME": root / "state",
        "XDG_RUNTIME_DIR": root / "runtime",
        "TMPDIR": root / "tmp",  # xvfb-run's Xauthority folder goes here too
    }
    for folder in folders.values():
        folder.mkdir(mode=0o700, exist_ok=True)
    return {
        "PATH": "/usr/local/bin:/usr/bin:/bin",
        "LANG": "C.UTF-8",
        "LC_ALL": "C.UTF-8",
        "TZ": "UTC",
        "NO_AT_BRIDGE": "1",  # no accessibility bus to look for
        "GSETTINGS_BACKEND": "memory",
        **{name: str(path) for name, path in folders.items()},
    }


def _group(pgid: int) -> list[int]:
    """Live (not zombie) processes of a process group."""
    members = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[2]) == pgid and fields[0] not in ("Z", "X"):
            members.append(int(stat.parent.name))
    return members


def _stop_group(pgid: int) -> None:
    """SIGTERM the group (Xvfb then removes its lock file), SIGKILL whatever is left."""
    if not _group(pgid):
        return
    try:
        os.killpg(pgid, signal.SIGTERM)
        deadline = time.monotonic() + GRACE
        while _group(pgid) and time.monotonic() < deadline:
            time.sleep(0.05)
        if _group(pgid):
            os.killpg(pgid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def _text(output: bytes) -> str:
    return output.decode("utf-8", "replace").strip()
