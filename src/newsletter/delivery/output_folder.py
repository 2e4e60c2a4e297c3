"""Write a build folder atomically: readers see the old output or the new, never a mix."""

from __future__ import annotations

import ctypes
import os
import shutil
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def write_folder(target: Path, files: Mapping[str, bytes]) -> None:
    """Replace the folder `target` with one holding `files` (relative path -> bytes).

    Everything is written into a temporary folder beside `target` first, then swapped in with
    one rename, so a build that fails or is killed half-way leaves the previous output intact.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    _remove_abandoned(target)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.new-{os.getpid()}-", dir=target.parent))
    try:
        for name, data in files.items():
            path = staging / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
        _fsync_tree(staging)
        # mkdtemp makes the folder private; a build folder is read like any other.
        staging.chmod(0o755)
        _swap_in(staging, target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _remove_abandoned(target: Path) -> None:
    """Remove staging folders left by builds that were killed (their process is gone)."""
    for folder in target.parent.glob(f".{target.name}.new-*-*"):
        pid = folder.name.removeprefix(f".{target.name}.new-").split("-")[0]
        if pid.isdigit() and not _running(int(pid)):
            shutil.rmtree(folder, ignore_errors=True)


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process
    return True


def _swap_in(staging: Path, target: Path) -> None:
    """Put `staging` where `target` is; the old output, if any, ends up in `staging`."""
    for _ in range(10):  # another build may create or swap `target` between our calls
        if _exchange(staging, target):
            return
        try:
            staging.rename(target)  # there was no output yet
            return
        except FileNotFoundError:
            raise
        except OSError:
            if _HAVE_EXCHANGE:
                continue
        # No atomic exchange on this system: move the old output aside, then rename.
        with tempfile.TemporaryDirectory(prefix=f".{target.name}.old-", dir=target.parent) as aside:
            try:
                target.rename(Path(aside) / "old")
            except FileNotFoundError:
                continue
            staging.rename(target)
        return
    raise OSError(f"could not replace {target}: other builds keep changing it")


def _load_renameat2() -> Any:
    # The running process already has the C library loaded: look the function up there
    # (ctypes.util.find_library would start `ldconfig` on every build).
    try:
        return getattr(ctypes.CDLL(None), "renameat2", None)
    except OSError:
        return None


_RENAMEAT2 = _load_renameat2()
_HAVE_EXCHANGE = _RENAMEAT2 is not None


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths in one step with Linux's renameat2(RENAME_EXCHANGE), where it exists."""
    if _RENAMEAT2 is None:
        return False
    flags = _RENAME_EXCHANGE
    return bool(_RENAMEAT2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), flags) == 0)


def _fsync_tree(folder: Path) -> None:
    for path in folder.rglob("*"):
        if path.is_file():
            with path.open("rb") as f:
                os.fsync(f.fileno())
