"""Read an issue file: YAML, the model, and what the model cannot see (files, body links)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
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


# What a photo file's own text lacks for the fields an issue leaves to it: (field, message)
# for each, the message None when the file simply has no such text; given by the image layer
# (images/photo_metadata.py), which reads photo files.
FileTextCheck = Callable[[Path, str, Sequence[str]], list[tuple[str, str | None]]]
NO_CAPTION = "the photo file has no IPTC or XMP caption either"


def read_issue(path: Path, file_text: FileTextCheck | None = None) -> SourceIssue:
    """Load and validate `path`; raise InputError listing every problem found, with
    `file_text`, those of the captions and credits left to the photo files too."""
    data, smap = load_yaml(path, display_path(path), _SHAPE)
    problems = _file_problems(data, path.parent, smap) + _body_problems(data, smap)
    if file_text is not None:
        problems += _left_to_files(data, path.parent, smap, file_text)
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


def _left_to_files(
    data: Any, folder: Path, smap: SourceMap, file_text: FileTextCheck
) -> list[Problem]:
    """The problems of the gallery captions and credits left out (or "") for the photo files
    to give."""
    language = data.get("language") if isinstance(data, dict) else None
    problems = []
    for index, item in enumerate(_gallery(data)):
        if not isinstance(item, dict) or not isinstance(item.get("photo"), str):
            continue
        left = [name for name in ("caption", "credit") if not str(item.get(name) or "").strip()]
        loc = ("lead", "gallery", index)
        missing = "must not be empty" if "caption" in item else "required field is missing"
        target = (folder / item["photo"].strip()).resolve()
        if "caption" in left and not item["photo"].strip():
            problems.append(smap.problem((*loc, "caption"), missing))  # no file to ask
            continue
        if not left or not target.is_relative_to(folder.resolve()) or not target.is_file():
            continue  # nothing left to the file, or no file: _file_problems says why
        for name, message in file_text(target, str(language or "en"), left):
            text = message or f"{missing} ({NO_CAPTION})"
            problems.append(smap.problem((*loc, name), text))
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
