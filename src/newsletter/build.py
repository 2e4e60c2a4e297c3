"""Build one issue, top to bottom: settings, issue, images, HTML, text, message, files."""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import jinja2
from markupsafe import Markup

from newsletter import i18n, images, layout, markdown, output, render, transforms
from newsletter.config import Settings, find_config, is_merge_tag, load_settings
from newsletter.errors import InputError, Problem, display_path
from newsletter.issue_file import SourceIssue, read_issue
from newsletter.mail import build_message
from newsletter.model import Photo
from newsletter.transforms import merge_tags

GMAIL_CLIP_BYTES = 102_000
HTML_WARN_BYTES = 80_000
STYLE_LIMIT_BYTES = 16_000
# Invisible characters after the preheader keep the body's first words out of the inbox line.
PREHEADER_PADDING = "\u034f\u00a0" * 120
# Trusted constants, marked safe: inside <style> an escaped quote (&#39;) would stay escaped.
FONTS = {
    "sans": Markup("-apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif"),
    "serif": Markup("Georgia, 'Times New Roman', Times, serif"),
}


@dataclass(frozen=True)
class Picture:
    """A gallery photo as the template places it."""

    photo: Photo
    src: str
    width: int  # CSS pixels on a desktop
    height: int


@dataclass
class Build:
    """Everything one build made, in memory."""

    source: SourceIssue
    mjml: str
    html: str
    text: str
    eml: bytes
    renditions: list[images.Rendition]
    settings: Settings
    config_path: Path  # the settings file
    warnings: list[str] = field(default_factory=list)

    @property
    def stem(self) -> str:
        """The name of the output folder."""
        return self.source.stem

    def report(self) -> dict[str, Any]:
        """What `report.json` says: sizes, images, warnings."""
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
                }
                for r in self.renditions
            ],
            "image_bytes": sum(len(r.data) for r in self.renditions),
            "warnings": self.warnings,
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


def settings_for(issue_path: Path, config: Path | None) -> tuple[Settings, Path]:
    """Load the settings that apply to `issue_path`; return them and their file."""
    found = config or find_config(issue_path.parent) or find_config(Path.cwd())
    if found is None:
        where = display_path(issue_path.parent)
        raise InputError(
            [
                Problem(
                    display_path(issue_path),
                    None,
                    None,
                    f"no newsletter.toml in {where} or above it (or pass --config)",
                )
            ]
        )
    return load_settings(found), found


def build_issue(
    issue_path: Path,
    *,
    config: Path | None = None,
    cache_dir: Path | None = None,
    progress: images.Progress | None = None,
    local_images: bool = False,
) -> Build:
    """Build `issue_path` in memory; raise InputError listing every problem found.

    `local_images` keeps image addresses relative even when `image_base_url` is set (the
    preview serves the images itself).
    """
    settings, config_path = settings_for(issue_path, config)
    source = read_issue(issue_path)
    language = source.issue.language
    if not i18n.known_language(language):
        raise InputError(
            [
                source.smap.problem(
                    ("language",),
                    f"unknown language {language!r} (a code such as en, ru, tg, ky, uz, kk)",
                )
            ]
        )
    settings = settings.for_language(language)
    renditions = make_images(source, settings, cache_dir, progress)
    if local_images:
        settings = dataclasses.replace(
            settings, links=dataclasses.replace(settings.links, image_base_url=None)
        )
    page = Page.make(source, settings, renditions)
    templates = config_path.parent / settings.templates
    env = render.environment(templates, cache_dir, language)
    mjml, html = page.html(env, cache_dir)
    text = page.text(env)
    message = build_message(
        subject=source.issue.subject_line,
        html=html,
        text=text,
        settings=settings,
        unsubscribe=settings.links.unsubscribe,
    )
    return Build(
        source,
        mjml,
        html,
        text,
        message.as_bytes(),
        renditions,
        settings,
        config_path,
        _size_warnings(html) + _language_warnings(templates, language),
    )


def make_images(
    source: SourceIssue,
    settings: Settings,
    cache_dir: Path | None,
    progress: images.Progress | None = None,
) -> list[images.Rendition]:
    """Render every gallery photo at twice its slot's width (for high-density screens);
    raise InputError naming each photo that cannot be used."""
    gallery = source.issue.lead.gallery
    slots = layout.gallery_slots(len(gallery))
    jobs = [(source.photo_path(s.index), 2 * s.width) for s in slots]
    background = _rgb(settings.colours.background)
    results = images.render_all(jobs, cache_dir, background, progress)
    problems = [
        source.smap.problem(("lead", "gallery", i, "photo"), f"{r}: {gallery[i].photo}")
        for i, r in enumerate(results)
        if isinstance(r, images.ImageProblem)
    ]
    if problems:
        raise InputError(problems)
    return [r for r in results if isinstance(r, images.Rendition)]


@dataclass(frozen=True)
class Page:
    """What the templates are given, and the merge tags to put back afterwards."""

    context: dict[str, Any]
    placeholders: dict[str, str]

    @classmethod
    def make(
        cls, source: SourceIssue, settings: Settings, renditions: list[images.Rendition]
    ) -> Page:
        """Lay out the gallery and gather everything the templates print."""
        issue = source.issue
        slots = layout.gallery_slots(len(issue.lead.gallery))
        base = _format(settings.links.image_base_url, source.stem) or "images/"
        base = base if base.endswith("/") else base + "/"
        pictures = [
            _picture(p, r, s, base)
            for p, r, s in zip(issue.lead.gallery, renditions, slots, strict=True)
        ]
        rows = [
            [p for p, s in zip(pictures, slots, strict=True) if s.row == row]
            for row in sorted({s.row for s in slots})
        ]
        # HTML parsers would percent-encode a merge tag such as {{ unsubscribe_url }}: the
        # HTML carries a stand-in until the last step.
        unsubscribe = settings.links.unsubscribe
        placeholders = {}
        if unsubscribe and is_merge_tag(unsubscribe):
            placeholders[merge_tags.placeholder(0)] = unsubscribe
        context = {
            "issue": issue,
            "settings": settings,
            "colours": settings.colours,
            "fonts": FONTS,
            "lang": issue.language,
            "dir": i18n.direction(issue.language),
            "body_width": layout.BODY_WIDTH,
            "gutter": layout.GUTTER,
            "pair_padding": layout.PAIR_PADDING,
            "gallery_rows": rows,
            "web_url": _format(settings.links.web, source.stem),
            "preheader_padding": PREHEADER_PADDING,
            "unsubscribe_href": next(iter(placeholders), unsubscribe),
        }
        return cls(context, placeholders)

    def html(self, env: jinja2.Environment, cache_dir: Path | None = None) -> tuple[str, str]:
        """Render the MJML, compile it and post-process it; return (MJML, final HTML)."""
        mjml = self.mjml(env)
        html = render.compile_mjml(mjml)
        return mjml, transforms.run(html, self.placeholders, cache_dir)

    def mjml(self, env: jinja2.Environment) -> str:
        """Render the MJML template."""
        body = self.context["issue"].lead.body
        # markdown.to_html escapes raw HTML and drops unsafe links: its output is safe markup.
        body_html = Markup(markdown.to_html(body))  # noqa: S704
        return render.render_template(
            env, render.HTML_TEMPLATE, {**self.context, "body_html": body_html}
        )

    def text(self, env: jinja2.Environment) -> str:
        """Render the plain-text part (merge tags go in as they are: nothing escapes them)."""
        issue = self.context["issue"]
        unsubscribe = self.context["settings"].links.unsubscribe
        return render.render_template(
            env,
            render.TEXT_TEMPLATE,
            {
                **self.context,
                "unsubscribe_href": unsubscribe,
                "body_text": markdown.to_text(issue.lead.body),
            },
        )


def write_build(build: Build, out_dir: Path) -> Path:
    """Write the build to `out_dir/<issue-stem>/` atomically; return that folder."""
    target = out_dir / build.stem
    output.write_folder(target, build.files())
    return target


def _rgb(colour: str) -> tuple[int, int, int]:
    return (int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16))


def _format(template: str | None, stem: str) -> str | None:
    return template.replace("{issue}", stem) if template else None


def _picture(photo: Photo, rendition: images.Rendition, slot: layout.Slot, base: str) -> Picture:
    width = min(slot.width, rendition.width)  # never shown wider than its pixels
    height = round(rendition.height * width / rendition.width)
    return Picture(photo, base + rendition.name, width, height)


def _language_warnings(templates: Path, language: str) -> list[str]:
    if i18n.has_catalog(templates / render.LOCALE_DIR, language):
        return []
    return [
        f"no translation of the labels into {language!r}: they stay in English "
        f"(see the README: adding a language)"
    ]


def html_size_verdict(size: int) -> tuple[Literal["error", "warning"], str] | None:
    """(severity, message) for an HTML part of `size` bytes against Gmail's clipping, if any."""
    if size >= GMAIL_CLIP_BYTES:
        return "error", (
            f"HTML is {size:,} bytes: Gmail clips messages over about "
            f"{GMAIL_CLIP_BYTES:,}, hiding the rest"
        )
    if size >= HTML_WARN_BYTES:
        return "warning", (
            f"HTML is {size:,} bytes: close to Gmail's clipping point ({GMAIL_CLIP_BYTES:,})"
        )
    return None


def _size_warnings(html: str) -> list[str]:
    verdict = html_size_verdict(len(html.encode()))
    return [verdict[1]] if verdict else []
