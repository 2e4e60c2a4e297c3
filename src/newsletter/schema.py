"""The issue file's JSON Schema, for completion and checking in editors."""

from __future__ import annotations

from typing import Any

from newsletter.model import Issue


def issue_schema() -> dict[str, Any]:
    """Return the JSON Schema of an issue file."""
    schema = Issue.model_json_schema()
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "newsletter issue file",
        **{k: v for k, v in schema.items() if k != "title"},
    }
