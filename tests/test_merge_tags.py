"""A mailing service's merge tag set as the unsubscribe link survives every stage untouched."""

from __future__ import annotations

import email
import email.policy
import shutil
from pathlib import Path

import pytest

from newsletter.pipeline import build_issue

from .conftest import CACHE, SAMPLE


@pytest.mark.parametrize(
    "tag",
    [
        "*|UNSUB|*",
        "{{ unsubscribe_url }}",
        "{{{unsubscribe}}}",
        "%unsubscribe_url%",
        "<%asm_group_unsubscribe_raw_url%>",
    ],
)
def test_merge_tag_passes_through_byte_for_byte(desk: Path, tag: str) -> None:
    settings = (desk / "newsletter.toml").read_text().replace('"*|UNSUB|*"', f"'{tag}'")
    (desk / "newsletter.toml").write_text(settings)
    issue = desk / "issues" / SAMPLE.name
    shutil.copy(SAMPLE, issue)
    result = build_issue(issue, cache_dir=CACHE)
    assert f'href="{tag}"' in result.html
    assert f"Unsubscribe: {tag}" in result.text
    message = email.message_from_bytes(result.eml, policy=email.policy.default)
    assert f'href="{tag}"' in message.get_body(("html",)).get_content()  # type: ignore[union-attr]
    assert "merge-tag.invalid" not in result.html


def test_https_unsubscribe_gets_one_click_headers(desk: Path) -> None:
    url = "https://example.org/unsubscribe?list=ca&amp=1"
    settings = (desk / "newsletter.toml").read_text().replace('"*|UNSUB|*"', f'"{url}"')
    (desk / "newsletter.toml").write_text(settings)
    shutil.copy(SAMPLE, desk / "issues" / SAMPLE.name)
    result = build_issue(desk / "issues" / SAMPLE.name, cache_dir=CACHE)
    message = email.message_from_bytes(result.eml, policy=email.policy.default)
    assert message["List-Unsubscribe"] == f"<{url}>"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert 'href="https://example.org/unsubscribe?list=ca&amp;amp=1"' in result.html
