"""Tracking parameters on the links to the desk's own site ([links] tracking): added where they
belong, every other link byte for byte as written, in the HTML and in the plain text alike."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from lxml import html as lxml_html

from newsletter.pipeline import build_issue
from newsletter.rendering.link_tracking import LinkTracker

from .conftest import CACHE, CONFIG, SAMPLE, run_newsletter

PARAMETERS = (("utm_source", "newsletter"), ("utm_medium", "email"), ("utm_campaign", "656 en"))
TAGS = "utm_source=newsletter&utm_medium=email&utm_campaign=656%20en"
track = LinkTracker(
    PARAMETERS,
    domains=("example.org", "xn--e1afmkfd.xn--p1ai"),  # and пример.рф
    exempt=frozenset({"https://example.org/unsubscribe?u=1"}),
)


@pytest.mark.parametrize(
    ("url", "tracked"),
    [
        ("https://example.org/news/khorog", f"https://example.org/news/khorog?{TAGS}"),
        ("http://example.org/", f"http://example.org/?{TAGS}"),
        ("https://www.example.org/news", f"https://www.example.org/news?{TAGS}"),
        ("https://EXAMPLE.org/News", f"https://EXAMPLE.org/News?{TAGS}"),
        # A query as it is, byte for byte, and the fragment after the parameters.
        ("https://example.org/s?q=a+b&page=2", f"https://example.org/s?q=a+b&page=2&{TAGS}"),
        ("https://example.org/a?x=%D0%B0;y", f"https://example.org/a?x=%D0%B0;y&{TAGS}"),
        ("https://example.org/news#photos", f"https://example.org/news?{TAGS}#photos"),
        ("https://example.org/n?id=7#p-2", f"https://example.org/n?id=7&{TAGS}#p-2"),
        ("https://example.org/?", f"https://example.org/?{TAGS}"),
        # A parameter the link has keeps its own value.
        (
            "https://example.org/n?utm_source=twitter",
            "https://example.org/n?utm_source=twitter&utm_medium=email&utm_campaign=656%20en",
        ),
        # Internationalised domain names, written either way; a percent-encoded path.
        ("https://пример.рф/новости", f"https://пример.рф/новости?{TAGS}"),
        ("https://xn--e1afmkfd.xn--p1ai/a", f"https://xn--e1afmkfd.xn--p1ai/a?{TAGS}"),
        ("https://example.org/%D0%BD%D0%BE", f"https://example.org/%D0%BD%D0%BE?{TAGS}"),
    ],
)
def test_links_to_the_desks_own_site_get_the_parameters(url: str, tracked: str) -> None:
    assert track(url) == tracked


@pytest.mark.parametrize(
    "url",
    [
        "https://www.osce.org/tajikistan",  # another site
        "https://example.org.evil.net/news",  # a look-alike host
        "https://notexample.org/news",
        "mailto:feedback.ca@example.org",
        "https://example.org/unsubscribe?u=1",  # the unsubscribe link
        "*|ARCHIVE|*",  # merge tags, alone or inside an address
        "{{ web_version_url }}",
        "https://example.org/profile?e=*|EMAIL|*",
        "https://example.org/view/{{ campaign.id }}",
        "https://example.org/p?id=%subscriber_id%",
        "ftp://example.org/file",
    ],
)
def test_every_other_link_is_left_byte_for_byte(url: str) -> None:
    assert track(url) == url


def test_without_parameters_nothing_changes() -> None:
    assert LinkTracker((), ("example.org",), frozenset())("https://example.org/") == (
        "https://example.org/"
    )


BODY = """\
Residents [spoke to us](https://example.org/news/khorog?ref=home#quotes) and to
[the OSCE](https://www.osce.org/tajikistan?lang=en). More at <https://example.org/ru/>.
"""


@pytest.fixture
def tracked_desk(desk: Path) -> Path:
    settings = (desk / "newsletter.toml").read_text(encoding="utf-8")
    settings = settings.replace(
        'utm_campaign = "{issue}" }', 'utm_campaign = "{issue}", lang = "{language}" }'
    )
    (desk / "newsletter.toml").write_text(settings, encoding="utf-8")
    text = SAMPLE.read_text(encoding="utf-8")
    text = text.replace("  body: |\n", "  body: |\n    " + BODY.replace("\n", "\n    ") + "\n", 1)
    (desk / "issues" / SAMPLE.name).write_text(text, encoding="utf-8")
    return desk


def test_the_sample_carries_them_in_the_html_and_the_text(tracked_desk: Path) -> None:
    build = build_issue(tracked_desk / "issues" / SAMPLE.name, cache_dir=CACHE)
    tags = "utm_source=newsletter&utm_medium=email&utm_campaign=2012-07-31-khorog&lang=en"
    hrefs = lxml_html.fromstring(build.html).xpath("//a/@href")
    own = [h for h in hrefs if h.startswith("https://example.org/")]
    assert own and all(h.endswith(tags) or f"{tags}#" in h for h in own), own
    assert "https://example.org/news/khorog?ref=home&" + tags + "#quotes" in hrefs
    assert "https://example.org/ru/?" + tags in hrefs
    assert "https://www.osce.org/tajikistan?lang=en" in hrefs  # another site: as written
    assert "*|UNSUB|*" in hrefs and "mailto:feedback.ca@example.org" in hrefs
    # The plain text has the same addresses.
    text_urls = {url.rstrip(".,;") for url in re.findall(r"https?://\S+", build.text)}
    assert {h for h in hrefs if h.startswith("http")} == text_urls
    assert b"utm_campaign=2012-07-31-khorog" in build.eml


def test_the_russian_edition_fills_in_its_own_issue_and_language() -> None:
    build = build_issue(
        SAMPLE.with_name("2012-07-31-khorog-ru.yaml"), config=CONFIG, cache_dir=CACHE
    )
    assert "utm_campaign=2012-07-31-khorog-ru" in build.text


def test_check_still_places_a_tracked_links_finding_at_its_field(tracked_desk: Path) -> None:
    issue = tracked_desk / "issues" / SAMPLE.name
    text = issue.read_text(encoding="utf-8")
    issue.write_text(
        text.replace(
            "url: https://example.org/news/tajik-rebels",
            "url: http://example.org/news/tajik-rebels",
        ),
        encoding="utf-8",
    )
    checked = run_newsletter("check", f"issues/{SAMPLE.name}", cwd=tracked_desk)
    line = next(
        n
        for n, row in enumerate(issue.read_text().splitlines(), 1)
        if "http://example.org/news/tajik-rebels" in row
    )
    assert any(
        row.startswith(
            f"issues/{SAMPLE.name}:{line}: lead.see_also[0].url: warning NL301: plain http link"
        )
        for row in checked.stdout.splitlines()
    ), checked.stdout


@pytest.mark.parametrize(
    ("setting", "message"),
    [
        ('tracking = { "utm source" = "x" }', "links.tracking: not a parameter name: 'utm source'"),
        ('tracking_domains = ["example org"]', "links.tracking_domains[0]: not a domain name"),
        ('tracking = { utm_source = "a\\u0007b" }',
         "links.tracking.utm_source: contains a control character"),
    ],
)  # fmt: skip
def test_bad_tracking_settings_are_one_located_line(desk: Path, setting: str, message: str) -> None:
    settings = desk / "newsletter.toml"
    text = settings.read_text(encoding="utf-8")
    text = re.sub(r"^tracking = .*$", lambda _: setting, text, count=1, flags=re.M)
    settings.write_text(text, encoding="utf-8")
    (desk / "issues" / SAMPLE.name).write_text(SAMPLE.read_text(encoding="utf-8"))
    built = run_newsletter("build", f"issues/{SAMPLE.name}", cwd=desk)
    line = next(n for n, row in enumerate(text.splitlines(), 1) if row.startswith(setting[:8]))
    assert built.returncode == 2
    assert built.stderr.splitlines()[0].startswith(f"newsletter.toml:{line}: {message}")
