"""Photos downloaded for a draft: each fetched once (both editions may name it), checked to
decode as the build's image stage would, kept in a staging folder until the whole draft is
ready, then moved under `issues/photos/<date>/` with a safe, unique name."""

from __future__ import annotations

import re
import shutil
import tempfile
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

from newsletter.drafting.download import DownloadFailed, fetch
from newsletter.errors import ImageProblem
from newsletter.images.encode import decoded_format

MAX_PHOTO_BYTES = 20_000_000
_SUFFIXES = {"JPEG": ".jpg", "PNG": ".png", "GIF": ".gif", "WEBP": ".webp", "TIFF": ".tif",
             "HEIF": ".heic", "AVIF": ".avif"}  # fmt: skip


@dataclass
class PhotoFolder:
    """Downloads photos into a staging folder in `folder` (made at the first download, on the
    same disk, so that moving a photo into place is one rename); `place()` gives each photo
    used its name in `target`, `keep()` moves them there, `discard()` removes what is left."""

    folder: Path  # the issues folder
    target: Path  # issues/photos/<date>
    timeout: float
    _staging: Path | None = None
    _done: dict[str, Path | str] = field(default_factory=dict)  # url: staged file or problem
    _places: dict[Path, Path] = field(default_factory=dict)  # staged file: its place

    @property
    def staging(self) -> Path:
        """The staging folder, `issues/.drafting-XXXX/`."""
        if self._staging is None:
            self._staging = Path(tempfile.mkdtemp(prefix=".drafting-", dir=self.folder))
        return self._staging

    def get(self, url: str) -> Path | str:
        """The staged file of the photo at `url`, or why there is none (one line)."""
        if url not in self._done:
            self._done[url] = self._download(url)
        return self._done[url]

    def _download(self, url: str) -> Path | str:
        try:
            answer = fetch(
                url, limit=MAX_PHOTO_BYTES, what="a photo", accept="image/*", timeout=self.timeout
            )
        except DownloadFailed as failure:
            return str(failure)
        staged = self.staging / f"{len(self._done) + 1:02d}-{safe_stem(url)}"
        staged.write_bytes(answer.body)
        try:
            kind = decoded_format(staged)
        except ImageProblem as problem:
            staged.unlink()
            return f"{url}: {problem}"
        return staged.rename(staged.with_suffix(_SUFFIXES.get(kind, ".img")))

    def place(self, staged: Path) -> str:
        """The path, relative to the issues folder (as an issue file names it), that the
        staged photo will have once `keep()` has moved it: a name no file there has."""
        if staged not in self._places:
            _, rest = staged.name.split("-", 1)
            index = len(self._places) + 1
            taken = set(self._places.values())
            while (final := self.target / f"{index:02d}-{rest}").exists() or final in taken:
                index += 1
            self._places[staged] = final
        return self._places[staged].relative_to(self.folder).as_posix()

    def keep(self, moved: list[Path]) -> None:
        """Move every placed photo to its place, adding each to `moved` as it goes (so that
        a failure halfway can take back those already moved)."""
        if self._places:
            self.target.mkdir(parents=True, exist_ok=True)
        for staged, final in self._places.items():
            staged.replace(final)  # the name was free; a photo is never half there
            moved.append(final)

    def remove_empty_target(self) -> None:
        """Remove the target folder if a failed draft left it empty."""
        if self.target.is_dir() and not any(self.target.iterdir()):
            self.target.rmdir()

    def discard(self) -> None:
        """Remove the staging folder and anything still in it."""
        if self._staging is not None:
            shutil.rmtree(self._staging, ignore_errors=True)


def safe_stem(url: str, limit: int = 40) -> str:
    """A file name's stem from the last part of a photo's address: lower-case ASCII letters,
    digits and hyphens only (`02-Кабул Photo (1).JPG` -> `photo-1`), or `photo`."""
    name = PurePosixPath(unquote(urlsplit(url).path)).stem
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    words = re.findall(r"[a-z0-9]+", ascii_name.lower())
    while len(words) > 1 and words[0].isdigit():
        words.pop(0)  # the site's own numbering: the draft numbers them again
    stem = "-".join(words)[:limit].strip("-")
    return stem or "photo"
