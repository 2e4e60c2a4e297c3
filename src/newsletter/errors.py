"""The project's own problem and exception types; only `cli.py` turns them into messages and
exit codes."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the user's input, located like a compiler error."""

    file: str
    line: int | None
    field: str | None
    message: str

    def __lt__(self, other: Problem) -> bool:
        """Order as a reader goes through the file: by file, line, field (None first)."""
        return self.sort_key() < other.sort_key()

    def sort_key(self) -> tuple[str, int, str, str]:
        """(file, line, field, message), with a missing line or field first."""
        return (self.file, self.line or 0, self.field or "", self.message)

    def where(self) -> str:
        """`file:line: field:` as far as it is known."""
        place = self.file if self.line is None else f"{self.file}:{self.line}"
        return f"{place}: {self.field}:" if self.field else f"{place}:"

    def __str__(self) -> str:
        return f"{self.where()} {self.message}"


@dataclass(frozen=True)
class Finding(Problem):
    """A problem a rule of `newsletter check` (or the build itself) found, with its rule's
    code and how serious it is: `file:line: field: severity CODE: message`."""

    code: str
    severity: Severity

    def sort_key(self) -> tuple[str, int, str, str]:
        """(file, line, code, message): a line's findings in the order of their rules."""
        return (self.file, self.line or 0, self.code, self.message)

    def __str__(self) -> str:
        return f"{self.where()} {self.severity} {self.code}: {self.message}"

    def as_json(self) -> dict[str, object]:
        """The finding for `--format json` and report.json."""
        return {
            "file": self.file,
            "line": self.line,
            "field": self.field,
            "code": self.code,
            "severity": self.severity,
            "message": self.message,
        }


class NewsletterError(Exception):
    """Base class of every error this package raises on purpose."""


class InputError(NewsletterError):
    """The user's input (issue file, photos, settings, templates) is wrong: exit code 2."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class EnvironmentFailure(NewsletterError):
    """Something outside the user's input failed (disk full, server refused): exit code 3."""


class SendFailure(EnvironmentFailure):
    """The message could not be delivered; the message says why, in one line per cause."""


class ImageProblem(NewsletterError):
    """A photo that cannot be used; the message says why, in an editor's words. The image
    stage returns it in the photo's place; the build turns it into a located Problem."""


def display_path(path: Path) -> str:
    """Return `path` relative to the working directory when it lies below it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)
