"""What every engine returns, and the copies of a build the engines open."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from newsletter.delivery.message import build_message, embed_images
from newsletter.pipeline import Build

Scheme = Literal["light", "dark"]
MEASURE_JS = (Path(__file__).parent / "measure.js").read_text(encoding="utf-8")


@dataclass(frozen=True)
class Render:
    """One engine's render of one e-mail at one width and colour scheme."""

    engine: str  # chromium | gecko | webkit | thunderbird
    width: int
    scheme: Scheme
    screenshot: Path
    measured: dict[str, Any] | None  # measure.js's result; None where no script runs


def eml_with_photos(build: Build) -> bytes:
    """The build's message with its photos inside it (cid: parts), as `send --embed-images`
    sends it: a mail client shows them without fetching anything."""
    message = build_message(
        subject=build.source.issue.subject_line,
        html=embed_images(build.html, build.renditions),
        text=build.text,
        settings=build.settings,
        unsubscribe=build.settings.links.unsubscribe,
        inline_images=build.renditions,
    )
    return message.as_bytes()
