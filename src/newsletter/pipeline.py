"""Build one issue, top to bottom: settings, issue, images, MJML, HTML, text, message, files."""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from newsletter.delivery import output_folder
from newsletter.delivery.limits import html_size_verdict
from newsletter.delivery.message import build_message
from newsletter.errors import Finding, ImageProblem, InputError, Problem, display_path
from newsletter.images import photo_metadata, stage
from newsletter.images.rendition import Rendition
from newsletter.reading.issue_file import SourceIssue, read_issue
from newsletter.reading.load import Loc
from newsletter.reading.model import Issue
from newsletter.reading.settings import Settings, load_settings, settings_file, settings_lines
from newsletter.rendering import i18n, layout, templates, transforms
from newsletter.rendering.compile_mjml import compile_mjml
from newsletter.rendering.context import lay_out, render_mjml, render_text
from newsletter.rendering.theme import theme_folders


@dataclass(frozen=True)
class Build:
    """Everything one build made, in memory."""

    source: SourceIssue
    settings: Settings
    config_path: Path  # the settings file
    mjml: str
    html: str
    text: str
    eml: bytes
    renditions: list[Rendition]
    findings: list[Finding] = field(default_factory=list)  # what the build itself noticed
    from_files: list[photo_metadata.FromFile] = field(default_factory=list)  # IPTC/XMP texts

    @property
    def stem(self) -> str:
        """The name of the output folder."""
        return self.source.stem

    def report(self) -> dict[str, Any]:
        """What `report.json` says: sizes, images, and the findings (`newsletter build` puts
        those of every rule of `check` there; a build alone knows only its own)."""
        return {
            "issue": display_path(self.source.path),
            "html_bytes": len(self.html.encode()),
            "text_bytes": len(self.text.encode()),
            "eml_bytes": len(self.eml),
            "images": [
                {
                    "file": f"images/{r.name}",
                    "bytes": len(r.data),
                    "width": r.width,
                    "height": r.height,
                    "jpeg_quality": r.quality,
                    "ssimulacra2": None if r.score is None else round(r.score, 2),
                }
                for r in self.renditions
            ],
            "image_bytes": sum(len(r.data) for r in self.renditions),
            # The captions and credits the build took from the photo files' IPTC/XMP.
            "from_photo_files": [
                {
                    "photo": self.source.issue.lead.gallery[f.index].photo,
                    "field": f.field,
                    "from": f.taken.source,
                    "cut": f.taken.cut,
                }
                for f in self.from_files
            ],
            "errors": [str(f) for f in self.findings if f.severity == "error"],
            "warnings": [str(f) for f in self.findings if f.severity == "warning"],
            "findings": [finding.as_json() for finding in self.findings],
        }

    def files(self) -> dict[str, bytes]:
        """The output folder's contents."""
        files = {
            "index.html": self.html.encode(),
            "index.txt": self.text.encode(),
            "message.eml": self.eml,
        }
        files.update({f"images/{r.name}": r.data for r in self.renditions})
        files["report.json"] = (json.dumps(self.report(), indent=2) + "\n").encode()
        return files


def build_issue(
    issue_path: Path,
    *,
    config: Path | None = None,
    cache_dir: Path | None = None,
    progress: stage.Progress | None = None,
    local_images: bool = False,
) -> Build:
    """Build `issue_path` in memory; raise InputError listing every problem found.

    `local_images` keeps image addresses relative even when `image_base_url` is set (the
    preview serves the images itself).
    """
    settings, config_path = settings_for(issue_path, config)
    source = read_issue(issue_path, photo_metadata.file_text_problems)
    language = source.issue.language
    _check_language(source)
    settings = settings.for_language(_edition_key(settings, language))
    source, from_files = photo_metadata.fill_gallery(source)
    photos = make_images(source, settings, cache_dir, progress)
    logo = make_logo(settings, config_path, cache_dir)
    if local_images:
        settings = dataclasses.replace(
            settings, links=dataclasses.replace(settings.links, image_base_url=None)
        )
    page = lay_out(source, settings, photos.slots, photos.gallery, photos.stories, logo)
    folders = theme_folders(settings.templates_folder(config_path))
    env = templates.environment(folders, cache_dir, language)
    mjml = render_mjml(page, env)
    fonts = (settings.theme.body_font, settings.theme.heading_font)
    html = transforms.run(compile_mjml(mjml), page.placeholders, fonts)
    text = render_text(page, env)
    message = build_message(
        subject=source.issue.subject_line,
        html=html,
        text=text,
        settings=settings,
        unsubscribe=settings.links.unsubscribe,
    )
    findings = _size_findings(source, html) + _language_findings(source, folders)
    return Build(
        source=source,
        settings=settings,
        config_path=config_path,
        mjml=mjml,
        html=html,
        text=text,
        eml=message.as_bytes(),
        renditions=photos.all + ([logo] if logo else []),
        findings=findings,
        from_files=from_files,
    )


def settings_for(issue_path: Path, config: Path | None) -> tuple[Settings, Path]:
    """Load the settings that apply to `issue_path`; return them and their file."""
    found = settings_file(issue_path.parent, config)
    if found is None:
        where = display_path(issue_path.parent)
        message = f"no newsletter.toml in {where} or above it (or pass --config)"
        raise InputError([Problem(display_path(issue_path), None, None, message)])
    return load_settings(found), found


@dataclass(frozen=True)
class Photos:
    """The issue's photos made for the e-mail: the gallery laid out, and the stories'."""

    slots: list[layout.Slot]
    gallery: list[Rendition]
    stories: list[Rendition | None]  # one per story; None where a story has no photo

    @property
    def all(self) -> list[Rendition]:
        """Every rendition, for the output folder."""
        return self.gallery + [r for r in self.stories if r is not None]


def make_images(
    source: SourceIssue,
    settings: Settings,
    cache_dir: Path | None,
    progress: stage.Progress | None = None,
) -> Photos:
    """Lay out the gallery from the photos' shapes, then render each photo for its place
    (twice its width, for high-density screens), the stories' small; raise InputError
    naming each photo that cannot be used."""
    issue = source.issue
    paths = [source.photo_path(index) for index in range(len(issue.lead.gallery))]
    sizes = stage.source_sizes(paths, cache_dir)
    # A photo that cannot be used still holds its place, so that every problem is found.
    slots = layout.gallery_slots([(1, 1) if isinstance(s, ImageProblem) else s for s in sizes])
    found: dict[Loc, Rendition | ImageProblem | stage.Size] = {
        ("lead", "gallery", i, "photo"): size for i, size in enumerate(sizes)
    }
    jobs: dict[Loc, stage.Job] = {
        ("lead", "gallery", slot.index, "photo"): (paths[slot.index], slot.render_width)
        for slot in slots
        if not isinstance(sizes[slot.index], ImageProblem)
    }
    for index in range(len(issue.stories)):
        if (path := source.story_photo_path(index)) is not None:
            jobs[("stories", index, "photo")] = (path, 2 * layout.THUMB_WIDTH)
    made = stage.render_all(list(jobs.values()), cache_dir, _rgb(settings.colours.background),
                            progress, settings.images.quality_floor)  # fmt: skip
    found.update(zip(jobs, made, strict=True))
    problems = [
        source.smap.problem(loc, f"{result}: {_photo_field(issue, loc)}")
        for loc, result in found.items()
        if isinstance(result, ImageProblem)
    ]
    if problems:  # every photo's problem at once
        raise InputError(problems)
    gallery = [found[("lead", "gallery", i, "photo")] for i in range(len(paths))]
    stories = [found.get(("stories", i, "photo")) for i in range(len(issue.stories))]
    return Photos(
        slots,
        [r for r in gallery if isinstance(r, Rendition)],
        [r if isinstance(r, Rendition) else None for r in stories],
    )


def make_logo(settings: Settings, config_path: Path, cache_dir: Path | None) -> Rendition | None:
    """The masthead's logo at twice its width, if the settings name one; InputError located
    in the settings file when it cannot be used."""
    path = settings.logo_path(config_path)
    if path is None:
        return None
    background = _rgb(settings.colours.background)
    (result,) = stage.render_all([(path, 2 * layout.LOGO_WIDTH)], cache_dir, background)
    if isinstance(result, ImageProblem):
        problem = settings_lines(config_path).problem(
            ("theme", "logo"), f"{result}: {settings.theme.logo}"
        )
        raise InputError([problem])
    return result


def _photo_field(issue: Issue, loc: Loc) -> str | None:
    """What the editor wrote in the photo field at `loc` (a gallery photo's or a story's)."""
    if loc[0] == "lead":
        return issue.lead.gallery[int(loc[2])].photo
    return issue.stories[int(loc[1])].photo


def write_build(build: Build, out_dir: Path) -> Path:
    """Write the build to `out_dir/<issue-stem>/` atomically; return that folder."""
    target = out_dir / build.stem
    output_folder.write_folder(target, build.files())
    return target


def _check_language(source: SourceIssue) -> None:
    language = source.issue.language
    if not i18n.known_language(language):
        raise InputError([source.smap.problem(("language",), i18n.unknown_language(language))])


def _edition_key(settings: Settings, language: str) -> str:
    """The `[languages.X]` section an issue uses: its own code, else its CLDR name or that
    name's language (a `prs` issue takes `[languages.fa-AF]`, then `[languages.fa]`)."""
    names = [language] + [name.replace("_", "-") for name in i18n.fallbacks(language)]
    return next((name for name in names if name in settings.languages), language)


def _rgb(colour: str) -> tuple[int, int, int]:
    return (int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16))


def _size_findings(source: SourceIssue, html: str) -> list[Finding]:
    verdict = html_size_verdict(len(html.encode()))
    if verdict is None:
        return []
    severity, message = verdict
    return [Finding(source.smap.file, None, None, message, "NL101", severity)]


def _language_findings(source: SourceIssue, folders: list[Path]) -> list[Finding]:
    language = source.issue.language
    if i18n.has_catalog([folder / templates.LOCALE_DIR for folder in folders], language):
        return []
    message = (
        f"no translation of the labels into {language!r}: they stay in English "
        "(see the README: adding a language)"
    )
    line = source.smap.line(("language",))
    return [Finding(source.smap.file, line, "language", message, "NL601", "warning")]
