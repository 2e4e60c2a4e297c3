"""Read an issue file: YAML, the model, and what the model cannot see (files, body links)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from newsletter.errors import InputError, Problem, display_path
from newsletter.reading.body_markdown import scope_problems
from newsletter.reading.load import SourceMap, load_yaml
from newsletter.reading.model import Issue
from newsletter.reading.validate import shape, validate

_SHAPE = shape(Issue)  # what an issue file holds, for explaining its YAML mistakes


@dataclass(frozen=True)
class SourceIssue:
    """A validated issue together with where it came from."""

    issue: Issue
    path: Path
    smap: SourceMap

    @property
    def folder(self) -> Path:
        """The folder photo paths are relative to."""
        return self.path.parent

    @property
    def stem(self) -> str:
        """The output folder's name, e.g. `2012-07-31-khorog`."""
        return self.path.stem

    def photo_path(self, index: int) -> Path:
        """Where the gallery's `index`-th photo lies on disk."""
        return (self.folder / self.issue.lead.gallery[index].photo).resolve()

    def story_photo_path(self, index: int) -> Path | None:
        """Where the `index`-th story's photo lies on disk, if it has one."""
        photo = self.issue.stories[index].photo
        return (self.folder / photo).resolve() if photo else None


def read_issue(path: Path) -> SourceIssue:
    """Load and validate `path`; raise InputError listing every problem found."""
    data, smap = load_yaml(path, display_path(path), _SHAPE)
    problems = _file_problems(data, path.parent, smap) + _body_problems(data, smap)
    try:
        issue = validate(Issue, data, smap)
    except InputError as exc:
        raise InputError(sorted(set(exc.problems + problems))) from None
    if problems:
        raise InputError(sorted(problems))
    return SourceIssue(issue, path, smap)


def _gallery(data: Any) -> list[Any]:
    lead = data.get("lead") if isinstance(data, dict) else None
    gallery = lead.get("gallery") if isinstance(lead, dict) else None
    return gallery if isinstance(gallery, list) else []


def _photos(data: Any) -> list[tuple[tuple[str | int, ...], Any]]:
    """(where its photo field is, the item) for each gallery photo and each story."""
    found: list[tuple[tuple[str | int, ...], Any]] = [
        (("lead", "gallery", index, "photo"), item) for index, item in enumerate(_gallery(data))
    ]
    stories = data.get("stories") if isinstance(data, dict) else None
    for index, story in enumerate(stories if isinstance(stories, list) else []):
        if isinstance(story, dict) and "photo" in story:
            found.append((("stories", index, "photo"), story))
    return found


def _file_problems(data: Any, folder: Path, smap: SourceMap) -> list[Problem]:
    problems = []
    root = folder.resolve()
    for loc, item in _photos(data):
        photo = item.get("photo") if isinstance(item, dict) else None
        if not isinstance(photo, str) or not photo.strip():
            continue  # the model reports it
        photo = photo.strip()
        if photo.lower().startswith(("http://", "https://")):
            problems.append(
                smap.problem(
                    loc,
                    "photos at web addresses are not supported yet; "
                    "put the file beside the issue file",
                )
            )
            continue
        target = (folder / photo).resolve()
        if not target.is_relative_to(root):
            problems.append(smap.problem(loc, f"photo must lie in the issue's folder: {photo}"))
        elif not target.exists():
            problems.append(smap.problem(loc, _not_found(folder, photo)))
        elif not target.is_file():
            problems.append(smap.problem(loc, f"not a file: {photo}"))
    return problems


def _not_found(folder: Path, photo: str) -> str:
    """Where a missing photo was looked for, as a path from the working directory."""
    where = display_path(folder)
    where = "./" if where == "." else where.rstrip("/") + "/"
    return (
        f"not found: {display_path(folder / photo)} "
        f"(photo paths are relative to the issue file's folder, {where})"
    )


def _body_problems(data: Any, smap: SourceMap) -> list[Problem]:
    lead = data.get("lead") if isinstance(data, dict) else None
    body = lead.get("body") if isinstance(lead, dict) else None
    if not isinstance(body, str):
        return []
    loc = ("lead", "body")
    first = (smap.line(loc) or 0) + (1 if loc in smap.block_scalars else 0)
    return [
        Problem(smap.file, first + offset, "lead.body", message)
        for offset, message in scope_problems(body)
    ]
