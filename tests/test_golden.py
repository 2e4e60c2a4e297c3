"""Golden files: the sample issue's MJML, HTML and text, reviewed like code.

Rewrite them with `pytest --update-golden` and read the diff before committing it.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest

from newsletter.pipeline import Build

# Image names are hashes of the encoder's output, which changes with Pillow's version; the
# golden files hold a stand-in so that they test the templates, not libjpeg.
_IMAGE_NAME = re.compile(r"images/[0-9a-f]{20}\.(jpg|png)")


def normalise(text: str) -> str:
    return _IMAGE_NAME.sub(r"images/IMAGE.\1", text)


@pytest.mark.parametrize("part", ["mjml", "html", "text"])
def test_sample_issue_matches_golden(
    sample_build: Build, golden: Callable[[str, str], None], part: str
) -> None:
    name = {"mjml": "khorog.mjml", "html": "khorog.html", "text": "khorog.txt"}[part]
    golden(name, normalise(getattr(sample_build, part)))
