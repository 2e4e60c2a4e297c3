"""`newsletter schema`: print the issue file's JSON Schema, for completion in editors."""

from __future__ import annotations

import json

from newsletter.reading.schema import issue_schema


def schema() -> None:
    """Print the schema (committed as issues/schema.json)."""
    print(json.dumps(issue_schema(), indent=2, ensure_ascii=False))
