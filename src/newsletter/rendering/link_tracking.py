"""Tracking parameters on the links to the desk's own site (`[links] tracking`), so that the
desk sees which stories readers open, as Ghost (`?ref=`), listmonk and Maizzle do.

A link gets them when it is http(s), its host is one of `tracking_domains` or below one
(default: the domain of `links.web`), and it is neither the unsubscribe link nor holds a
merge tag. The parameters are appended to the query as it is, byte for byte, before any
fragment; a parameter the link already has keeps its own value. Every other link is left
exactly as written.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import parse_qsl, quote, urlencode, urlsplit

from newsletter.reading.model import Issue
from newsletter.reading.settings import Settings

# A mailing service's placeholder anywhere in an address: *|EMAIL|*, {{ name }}, %name% (three
# letters or more: %D0% is a percent-encoded byte), <%x%>, [name].
_MERGE_TAG = re.compile(
    r"\*\|[A-Z0-9_:]+\|\*|\{\{.*?\}\}|%[A-Za-z_]\w{2,}%|<%.*?%>|\[[A-Za-z_]\w*\]"
)


@dataclass(frozen=True)
class LinkTracker:
    """Adds the tracking parameters to a link, if it is one of the desk's own."""

    parameters: tuple[tuple[str, str], ...]
    domains: tuple[str, ...]  # host names in ASCII (IDNA), lower case
    exempt: frozenset[str]  # links never tagged: the unsubscribe link

    def __call__(self, url: str) -> str:
        if not self.parameters or url in self.exempt or _MERGE_TAG.search(url):
            return url
        parts = urlsplit(url)
        if parts.scheme.lower() not in ("http", "https") or not self._own(parts.hostname):
            return url
        present = {name for name, _ in parse_qsl(parts.query, keep_blank_values=True)}
        added = [(name, value) for name, value in self.parameters if name not in present]
        if not added:
            return url
        address, hash_mark, fragment = url.partition("#")
        joiner = "" if address.endswith(("?", "&")) else "&" if "?" in address else "?"
        return f"{address}{joiner}{urlencode(added, quote_via=quote)}{hash_mark}{fragment}"

    def _own(self, host: str | None) -> bool:
        name = _ascii(host or "")
        return any(name == domain or name.endswith("." + domain) for domain in self.domains)


def tracker(settings: Settings, stem: str, language: str) -> LinkTracker:
    """The tracker an issue's links go through: {issue} is the issue file's stem."""
    links = settings.links
    filled = tuple(
        (name, value.replace("{issue}", stem).replace("{language}", language))
        for name, value in links.tracking.items()
    )
    domains = list(links.tracking_domains)
    if not domains and links.web:
        domains = [urlsplit(links.web).hostname or ""]
    exempt = frozenset({links.unsubscribe} if links.unsubscribe else set())
    return LinkTracker(filled, tuple(_ascii(d) for d in domains if d), exempt)


def track_issue(issue: Issue, track: Callable[[str], str]) -> Issue:
    """The issue with its lead's, "see also" and stories' links tracked (the body's links are
    tracked as the Markdown is rendered)."""
    lead = dataclasses.replace(
        issue.lead,
        url=track(issue.lead.url),
        see_also=[dataclasses.replace(link, url=track(link.url)) for link in issue.lead.see_also],
    )
    stories = [dataclasses.replace(story, url=track(story.url)) for story in issue.stories]
    return dataclasses.replace(issue, lead=lead, stories=stories)


def _ascii(host: str) -> str:
    host = host.lower().rstrip(".")
    try:
        return host.encode("idna").decode("ascii")
    except UnicodeError:
        return host
