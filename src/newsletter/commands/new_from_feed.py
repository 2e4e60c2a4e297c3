"""`newsletter new --from-feed`: next week's issue files drafted from the website's feeds.

Each edition's feed is `[feeds] <language>` in newsletter.toml; an address on the command line
drafts the edition in the feed's own language (or the desk's first one) instead. The feeds
are read and the photos downloaded first; only when every feed is usable are the photos moved
under issues/photos/<date>/ and the files written, so a failure leaves nothing behind.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from newsletter.commands.new import Week, plan_week, write_new
from newsletter.drafting.download import TIMEOUT, DownloadFailed
from newsletter.drafting.feed import Item, NotAFeed
from newsletter.drafting.issue_text import MAX_STORIES, Draft, DraftPhoto, issue_text
from newsletter.drafting.new_items import FoundFeed, load_feed, new_items
from newsletter.drafting.photos import PhotoFolder
from newsletter.errors import EnvironmentFailure, InputError, Problem, display_path
from newsletter.images import photo_metadata
from newsletter.reading.settings import CONFIG_NAME, load_settings, settings_file, settings_lines

MAX_GALLERY = 20  # photos of the lead taken from its item


@dataclass(frozen=True)
class Source:
    """A feed to draft from, and where it was named (for messages)."""

    url: str
    file: str  # "--from-feed", or the settings file
    line: int | None = None
    field: str | None = None

    def problem(self, message: str) -> Problem:
        return Problem(self.file, self.line, self.field, message)


def new_from_feed(
    folder: Path,
    url: str | None,
    *,
    since: dt.date | None = None,
    lead: int = 1,
    date: dt.date | None = None,
    languages: Sequence[str] = (),
    slug: str | None = None,
    config: Path | None = None,
    timeout: float = TIMEOUT,
) -> list[Path]:
    """Draft next week's issue from the feeds and say what was done; return the files."""
    week = plan_week(folder, date, languages=languages)
    feeds = _fetch(_sources(folder, url, config, week), timeout)
    by_language = _assign(feeds, week, url is not None and len(languages) != 1)
    start = since or max(edition.date for edition in week.latest)
    used = {link for edition in week.latest for link in edition.urls}
    items: dict[str, list[Item]] = {}
    problems = []
    for language, (source, found) in by_language.items():
        try:
            items[language] = _ordered(new_items(found.feed, start, used), lead, source)
        except NotAFeed as problem:
            problems.append(source.problem(str(problem)))
        except InputError as error:
            problems += error.problems
    if problems:
        raise InputError(problems)
    titles = [items[language][0].title for language in week.languages if language in items]
    paths = week.paths(folder, slug, default_slug=_title_slug(titles[0]) if titles else "")
    photos = PhotoFolder(folder, folder / "photos" / week.date.isoformat(), timeout)
    try:
        drafts = {
            language: _draft(
                week, language, by_language[language][1].feed.url, start, fresh, photos
            )
            for language, fresh in items.items()
        }
        _write(paths, _texts(week, drafts, paths), photos)
    finally:
        photos.discard()
    _report(week, by_language, items, start, paths)
    return list(paths.values())


def _texts(week: Week, drafts: dict[str, Draft], paths: dict[str, Path]) -> dict[str, str]:
    """Each edition's file: drafted from its feed, or (without one) the first drafted edition's
    file to translate."""
    model = next(language for language in week.languages if language in drafts)
    texts = {}
    for language, path in paths.items():
        if language in drafts:
            texts[language] = issue_text(drafts[language], display_path(path))
        else:
            contact = week.model(language).contact
            draft = dataclasses.replace(drafts[model], language=language, contact=contact)
            texts[language] = issue_text(draft, display_path(path), source=model)
    return texts


def _write(paths: dict[str, Path], texts: dict[str, str], photos: PhotoFolder) -> None:
    """Move the photos into place and write the files; on any failure, take all back."""
    written: list[Path] = []
    try:
        photos.keep(written)
        for language, path in paths.items():
            write_new(path, texts[language])
            written.append(path)
    except BaseException:  # a full disk, Ctrl-C
        for done in written:
            done.unlink(missing_ok=True)
        photos.remove_empty_target()
        raise


def _sources(folder: Path, url: str | None, config: Path | None, week: Week) -> list[Source]:
    if url:
        return [Source(url, "--from-feed")]
    config_path = settings_file(folder, config)
    feeds = load_settings(config_path).feeds if config_path else {}
    wanted = [language for language in week.languages if language in feeds]
    if not wanted or config_path is None:
        where = display_path(config_path) if config_path else CONFIG_NAME
        message = (
            f"no feed to draft from: give its address (newsletter new --from-feed https://...) "
            f'or name each edition\'s in {where}: [feeds] {week.languages[0]} = "https://..."'
        )
        raise InputError([Problem("--from-feed", None, None, message)])
    lines = settings_lines(config_path)
    return [
        Source(
            feeds[language],
            display_path(config_path),
            lines.lines.get(("feeds", language)),
            f"feeds.{language}",
        )
        for language in wanted
    ]


def _fetch(sources: list[Source], timeout: float) -> list[tuple[Source, FoundFeed]]:
    """Every feed, or every reason why not: exit 3 if the network failed, 2 otherwise."""
    found, problems, network = [], [], False
    for source in sources:
        try:
            found.append((source, load_feed(source.url, timeout=timeout)))
        except DownloadFailed as failure:
            problems.append(source.problem(str(failure)))
            network = network or failure.network
        except NotAFeed as problem:
            problems.append(source.problem(str(problem)))
    if network:
        raise EnvironmentFailure("\n".join(str(problem) for problem in problems))
    if problems:
        raise InputError(problems)
    return found


def _assign(
    feeds: list[tuple[Source, FoundFeed]], week: Week, by_feed_language: bool
) -> dict[str, tuple[Source, FoundFeed]]:
    """Which edition each feed drafts: from the settings, the one it is named for; from the
    command line, the edition in the feed's language (or the desk's first)."""
    if all(source.field for source, _ in feeds):
        return {
            source.field.removeprefix("feeds."): (source, found)
            for source, found in feeds
            if source.field
        }
    source, found = feeds[0]
    language = week.languages[0]
    if by_feed_language and found.feed.language in week.languages:
        language = found.feed.language
    return {language: (source, found)}


def _ordered(fresh: list[Item], lead: int, source: Source) -> list[Item]:
    """The new items with the lead (the `lead`th, from 1) first."""
    if not 1 <= lead <= len(fresh):
        message = (
            f"there are {len(fresh)} new items in {source.url}; choose one of 1 to {len(fresh)}"
        )
        raise InputError([Problem("--lead", None, None, f"{lead}: {message}")])
    return [fresh[lead - 1], *fresh[: lead - 1], *fresh[lead:]]


def _draft(
    week: Week,
    language: str,
    feed_url: str,
    since: dt.date,
    items: list[Item],
    photos: PhotoFolder,
) -> Draft:
    lead, others = items[0], items[1:]
    gallery = [
        _photo(photos, link.url, link.caption, link.credit, language)
        for link in lead.photos[:MAX_GALLERY]
    ] or [DraftPhoto("", "", "")]
    stories = [
        (item, _photo(photos, item.photos[0].url, "", "", language) if item.photos else None)
        for item in others[:MAX_STORIES]
    ]
    return Draft(
        number=week.number,
        date=week.date,
        language=language,
        feed_url=feed_url,
        since=since,
        lead=lead,
        gallery=gallery,
        stories=stories,
        left_out=others[MAX_STORIES:],
        contact=week.model(language).contact,
    )


def _photo(photos: PhotoFolder, url: str, caption: str, credit: str, language: str) -> DraftPhoto:
    """A photo downloaded and moved into place, with the caption and credit the feed gives or
    else the photo file's own (IPTC/XMP); or left empty with the reason (a warning)."""
    got = photos.get(url)
    if isinstance(got, str):
        print(f"warning: {got}; left for you to fill in", file=sys.stderr)
        return DraftPhoto("", caption, credit, problem=got)
    try:
        own = photo_metadata.read(got, language) or photo_metadata.PhotoText(None, None)
    except photo_metadata.MetadataProblem:
        own = photo_metadata.PhotoText(None, None)  # unusable: the editor writes them
    from_caption = own.caption if not caption and own.caption else None
    from_credit = own.credit if not credit and own.credit else None
    return DraftPhoto(
        photos.place(got),
        from_caption.text if from_caption else caption,
        from_credit.text if from_credit else credit,
        caption_from=from_caption.source if from_caption else "",
        credit_from=from_credit.source if from_credit else "",
    )


def _report(
    week: Week,
    feeds: dict[str, tuple[Source, FoundFeed]],
    items: dict[str, list[Item]],
    since: dt.date,
    paths: dict[str, Path],
) -> None:
    for language in week.languages:
        if language not in feeds:
            model = next(language for language in week.languages if language in feeds)
            print(f"{language}: no feed; to translate from the {model} edition")
            continue
        found = feeds[language][1]
        if found.page:
            print(f"{language}: {found.page} is a web page; it names the feed {found.feed.url}")
        fresh = items[language]
        undated = sum(item.published is None for item in fresh)
        note = f" ({undated} without a date, taken as new)" if undated else ""
        print(
            f"{language}: {len(fresh)} new items since {since.isoformat()} in "
            f"{found.feed.url}{note}; the lead: {fresh[0].title}"
        )
    for path in paths.values():
        print(f"created {display_path(path)}")
    them = "them" if len(paths) > 1 else "it"
    names = " ".join(display_path(path) for path in paths.values())
    print(f"read {them}, fill in what is left, then run: newsletter check {names}")


def _title_slug(title: str) -> str:
    """A file name's topic from the lead's title: its first ASCII words, up to 40 letters,
    not ending on a little word (`tajikistan-khorog-residents-count`)."""
    words: list[str] = []
    for word in re.findall(r"[a-z0-9]+", title.lower()):
        if len("-".join([*words, word])) > 40:
            break
        words.append(word)
    while words and words[-1] in _LITTLE_WORDS:
        words.pop()
    return "-".join(words)


_LITTLE_WORDS = {"a", "an", "the", "of", "in", "on", "at", "to", "for", "and", "or", "by", "s"}
