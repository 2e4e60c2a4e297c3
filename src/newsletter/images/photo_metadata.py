"""Captions and credits as photographers and agencies write them into the photo file: IPTC
(IIM) and XMP, the IPTC Core fields every newsroom picture desk reads.

- caption: XMP `dc:description` in the issue's language (where XMP carries language
  alternatives), else IPTC Caption-Abstract (2:120), else `dc:description`'s default;
- credit: IPTC Credit (2:110) or XMP `photoshop:Credit`, else By-line (2:80), else
  `dc:creator`.

The text is untrusted like any input: white space made single spaces, control and
bidirectional override characters refused (`MetadataProblem`), a caption over CAPTION_LIMIT
characters cut at the end of a sentence. Only the file's header and metadata are read, never
its pixels; the output carries none of it (encode.py writes no metadata at all).
"""

from __future__ import annotations

import dataclasses
import functools
import re
import struct
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lxml import etree

from newsletter.errors import ImageProblem
from newsletter.reading.fields import REFUSED_CHARACTERS
from newsletter.reading.issue_file import SourceIssue
from newsletter.reading.sentences import CAPTION_LIMIT, CREDIT_LIMIT, shorten

_NS = {
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "dc": "http://purl.org/dc/elements/1.1/",
    "photoshop": "http://ns.adobe.com/photoshop/1.0/",
}
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
_CAPTION, _BY_LINE, _CREDIT = (2, 120), (2, 80), (2, 110)


class MetadataProblem(ValueError):
    """Metadata text that cannot be used (it holds control characters)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class Taken:
    """A text read from the photo file, and where in it."""

    text: str
    source: str  # "IPTC Caption-Abstract", "XMP dc:description (ru)"...
    cut: bool = False  # shortened to the limit


@dataclass(frozen=True)
class PhotoText:
    """What the file says about the photo."""

    caption: Taken | None
    credit: Taken | None


@dataclass(frozen=True)
class _FileText:
    """The texts a photo file holds, as read once (cached by the file's identity)."""

    iptc: dict[tuple[int, int], str]
    descriptions: list[tuple[str, str]]  # XMP dc:description: (xml:lang, text)
    creators: list[str]  # XMP dc:creator
    credit: str  # XMP photoshop:Credit


def read(
    path: Path, language: str, wanted: Sequence[str] = ("caption", "credit")
) -> PhotoText | None:
    """The `wanted` texts ("caption", "credit") written in the photo file at `path`, for an
    issue in `language`; None if the file cannot be opened (the image stage says why). Raise
    MetadataProblem for a wanted text that cannot be used."""
    try:
        stat = path.stat()
    except OSError:
        return None
    found = _file_text(path, stat.st_mtime_ns, stat.st_size)
    if found is None:
        return None
    descriptions = found.descriptions
    primary = language.split("-")[0].lower()
    in_language = next(
        ((lang, text) for lang, text in descriptions if lang.split("-")[0].lower() == primary),
        None,
    )
    default = next(((lang, t) for lang, t in descriptions if lang == "x-default"), None)
    caption_options = [
        (in_language[1], f"XMP dc:description ({_tag(in_language[0])})") if in_language else None,
        (found.iptc.get(_CAPTION, ""), "IPTC Caption-Abstract"),
        (default[1], "XMP dc:description") if default else None,
        (descriptions[0][1], f"XMP dc:description ({_tag(descriptions[0][0])})")
        if descriptions
        else None,
    ]
    credit_options = [
        (found.iptc.get(_CREDIT, ""), "IPTC Credit"),
        (found.credit, "XMP photoshop:Credit"),
        (found.iptc.get(_BY_LINE, ""), "IPTC By-line"),
        (", ".join(found.creators), "XMP dc:creator"),
    ]
    return PhotoText(
        _first(caption_options, CAPTION_LIMIT, "caption") if "caption" in wanted else None,
        _first(credit_options, CREDIT_LIMIT, "credit") if "credit" in wanted else None,
    )


@functools.lru_cache(maxsize=64)
def _file_text(path: Path, mtime_ns: int, size: int) -> _FileText | None:
    """Read a photo file's IPTC and XMP once (the issue file's reader asks, then the build
    takes the texts); None if it cannot be opened."""
    del mtime_ns, size  # part of the cache key only: a changed file is read anew
    from newsletter.images import encode  # Pillow: only for a photo that leaves text to its file

    try:
        with encode.open_image(path) as image:
            iptc = _iptc(image)
            xmp = _xmp(image)
    except (ImageProblem, OSError):
        return None
    return _FileText(
        iptc,
        _alternatives(xmp, "dc:description"),
        [text for _, text in _alternatives(xmp, "dc:creator")],
        _simple(xmp, "photoshop:Credit"),
    )


def _tag(language: str) -> str:
    """An xml:lang as a message may quote it: letters, digits and hyphens, at most 35."""
    return re.sub(r"[^A-Za-z0-9-]", "", language)[:35]


def _first(options: Sequence[tuple[str, str] | None], limit: int, name: str) -> Taken | None:
    for option in options:
        if option is None:
            continue
        raw, source = option
        text = " ".join(raw.split())
        if not text:
            continue
        if found := REFUSED_CHARACTERS.search(text):
            raise MetadataProblem(
                name,
                f"the photo's {source} {name} holds the control character "
                f"U+{ord(found.group()):04X}; write the {name} in the issue file instead",
            )
        short = shorten(text, limit)
        return Taken(short, source, cut=short != text)
    return None


def _iptc(image: Any) -> dict[tuple[int, int], str]:
    """IPTC IIM datasets of a Pillow image as text (UTF-8, or Latin-1 when they are not)."""
    from PIL import IptcImagePlugin

    try:
        info = IptcImagePlugin.getiptcinfo(image)
    except (OSError, SyntaxError, ValueError, IndexError, KeyError, TypeError, struct.error):
        return {}  # damaged IPTC: as if there were none
    found: dict[tuple[int, int], str] = {}
    for key, value in (info or {}).items():
        values = value if isinstance(value, list) else [value]
        texts = [_decode(v) for v in values if isinstance(v, bytes)]
        if texts:
            found[key] = ", ".join(texts)
    return found


def _decode(raw: bytes) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("latin-1")


def _xmp(image: Any) -> Any:
    """The XMP packet as an lxml tree (no entities, no network), or None."""
    raw = image.info.get("xmp") or image.info.get("XML:com.adobe.xmp")
    if raw is None and hasattr(image, "tag_v2"):
        raw = image.tag_v2.get(700)  # TIFF's XMP tag
    if not raw:
        return None
    data = raw.encode("utf-8") if isinstance(raw, str) else bytes(raw)
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    try:
        return etree.fromstring(data.strip(b"\x00 \t\r\n"), parser=parser)
    except etree.XMLSyntaxError:
        return None


def _alternatives(xmp: Any, name: str) -> list[tuple[str, str]]:
    """The items of an XMP language alternative or list (`rdf:Alt`, `rdf:Seq`, `rdf:Bag`):
    (xml:lang or "", text)."""
    if xmp is None:
        return []
    items = xmp.xpath(f"//{name}//rdf:li", namespaces=_NS)
    return [(str(item.get(_XML_LANG) or ""), "".join(item.itertext())) for item in items]


def _simple(xmp: Any, name: str) -> str:
    """An XMP simple property, written as an element or as an attribute."""
    if xmp is None:
        return ""
    found = xmp.xpath(f"//{name}/text() | //rdf:Description/@{name}", namespaces=_NS)
    return str(found[0]) if found else ""


@dataclass(frozen=True)
class FromFile:
    """A gallery field the build took from the photo file."""

    index: int  # of the photo in the gallery
    field: str  # "caption" or "credit"
    taken: Taken


def file_text_problems(
    path: Path, language: str, fields: Sequence[str]
) -> list[tuple[str, str | None]]:
    """For an issue that leaves `fields` ("caption", "credit") to the photo file at `path`:
    (field, message) for each the file cannot give: text it holds unusable, or (message None)
    a caption it lacks. The issue file's reader calls this (reading.issue_file.FileTextCheck)."""
    try:
        found = read(path, language, fields)
    except MetadataProblem as problem:
        return [(problem.field, str(problem))]
    if found is None:
        return []  # the file cannot be opened: the image stage says why, not a caption rule
    if "caption" in fields and found.caption is None:
        return [("caption", None)]
    return []


def fill_gallery(source: SourceIssue) -> tuple[SourceIssue, list[FromFile]]:
    """The issue with each gallery caption and credit left out (or "") taken from its photo
    file, and what was taken. (What the files cannot give, `file_text_problems` has reported
    as the issue file was read; a text found unusable here is left out.)"""
    issue = source.issue
    gallery = list(issue.lead.gallery)
    taken: list[FromFile] = []
    for index, photo in enumerate(gallery):
        wanted = [field for field in ("caption", "credit") if not getattr(photo, field)]
        if not wanted:
            continue
        try:
            found = read(source.photo_path(index), issue.language, wanted)
        except MetadataProblem:
            continue  # reported as the issue file was read
        if found is None:
            continue
        for field, text in (("caption", found.caption), ("credit", found.credit)):
            if not getattr(photo, field) and text is not None:
                taken.append(FromFile(index, field, text))
        gallery[index] = dataclasses.replace(
            photo,
            caption=photo.caption or (found.caption.text if found.caption else ""),
            credit=photo.credit or (found.credit.text if found.credit else None),
        )
    lead = dataclasses.replace(issue.lead, gallery=gallery)
    filled = dataclasses.replace(source, issue=dataclasses.replace(issue, lead=lead))
    return filled, taken
