"""Where the command line keeps what it can reuse between runs (image renditions and compiled
templates), and how it writes there."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def default_cache_dir() -> Path:
    """$NEWSLETTER_CACHE_DIR, else the user's cache folder."""
    if env := os.environ.get("NEWSLETTER_CACHE_DIR"):
        return Path(env)
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "newsletter"


def store(path: Path, data: bytes) -> bool:
    """Write a cache entry whole or not at all (builds running at once never see half a
    file); False when it cannot be written, which only costs the next run some time."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
        try:
            with os.fdopen(fd, "wb") as file:
                file.write(data)
            Path(temporary).replace(path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
    except OSError:
        return False
    return True
