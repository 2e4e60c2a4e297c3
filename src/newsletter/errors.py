"""The project's own exception types; only `cli.py` turns them into messages and exit codes."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the user's input, located like a compiler error."""

    file: str
    line: int | None
    field: str | None
    message: str

    def __lt__(self, other: Problem) -> bool:
        """Order as a reader goes through the file: by file, line, field (None first)."""
        return self._key() < other._key()

    def _key(self) -> tuple[str, int, str, str]:
        return (self.file, self.line or 0, self.field or "", self.message)

    def __str__(self) -> str:
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        if self.field:
            return f"{where}: {self.field}: {self.message}"
        return f"{where}: {self.message}"


class NewsletterError(Exception):
    """Base class of every error this package raises on purpose."""


class InputError(NewsletterError):
    """The user's input (issue file, photos, settings, templates) is wrong: exit code 2."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class EnvironmentFailure(NewsletterError):
    """Something outside the user's input failed (disk full, server refused): exit code 3."""


def display_path(path: Path) -> str:
    """Return `path` relative to the working directory when it lies below it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)
