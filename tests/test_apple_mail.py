"""Apple Mail's data detectors: dates and the postal address keep the text's colour.

Apple Mail and iOS Mail wrap what they recognise in `<a x-apple-data-detectors ...>`; the test
does the same to the built e-mail (the issue's date and the footer's address, as Apple Mail
marks them) and measures the result in WebKitGTK, Apple Mail's engine family, light and dark.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from lxml import html as lxml_html

from newsletter.pipeline import build_issue
from newsletter.rendering.transforms.apple_mail import STYLE

from .conftest import CACHE, CONFIG, ROOT
from .engines import webkit
from .engines.checks import hex_of

SAMPLES = {  # the edition, its date as printed, the start of its postal address
    "2012-07-31-khorog": ("31 July 2012", "Central Asia Desk, 48 Gray"),
    "2012-07-31-khorog-ru": ("31 июля 2012\u202fг.", "Редакция по Центральной Азии, 48 Gray"),
}
DETECTED = (
    '<a href="x-apple-data-detectors://{n}" dir="ltr" x-apple-data-detectors="true" '
    'x-apple-data-detectors-type="{kind}" x-apple-data-detectors-result="{n}">{text}</a>'
)


def as_apple_mail_marks_it(html: str, date: str, address: str) -> str:
    """The e-mail with its date and the postal address wrapped as Apple Mail wraps them."""
    html = html.replace(date, DETECTED.format(n=0, kind="calendar-event", text=date), 1)
    found = re.search(re.escape(address) + r"[^<]*", html)
    assert found, address
    wrapped = DETECTED.format(n=1, kind="address", text=found.group())
    return html[: found.start()] + wrapped + html[found.end() :]


def test_the_reformatting_meta_and_the_data_detector_rule_are_there_on_their_own() -> None:
    build = build_issue(ROOT / "issues" / "2012-07-31-khorog.yaml", config=CONFIG, cache_dir=CACHE)
    head = lxml_html.fromstring(build.html).find("head")
    assert head.xpath("meta[@name='x-apple-disable-message-reformatting']")
    styles = [
        s.text or "" for s in head.iter("style") if "x-apple-data-detectors" in (s.text or "")
    ]
    assert styles == [STYLE.removeprefix('<style type="text/css">').removesuffix("</style>")]
    assert styles[0].count("{") == 1  # one rule alone: a client rejecting it loses nothing else


@pytest.mark.engines
@pytest.mark.skipif(not webkit.available(), reason="needs WebKitGTK (README's apt-get line)")
@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("stem", list(SAMPLES))
def test_dates_and_the_address_keep_the_text_colour_in_webkit(
    tmp_path: Path, stem: str, scheme: str
) -> None:
    build = build_issue(ROOT / "issues" / f"{stem}.yaml", config=CONFIG, cache_dir=CACHE,
                        local_images=True)  # fmt: skip
    marked = as_apple_mail_marks_it(build.html, *SAMPLES[stem])
    without_rule = marked.replace(STYLE, "")
    seen = {}
    for name, html in (("ours", marked), ("without the rule", without_rule)):
        page = tmp_path / f"{name}.html"
        page.write_text(html, encoding="utf-8")
        render = webkit.render(page.as_uri(), 600, scheme, tmp_path / f"{name}.png")  # type: ignore[arg-type]
        assert render.measured is not None
        seen[name] = render.measured["dataDetectors"]
    assert [d["text"].split(",")[0] for d in seen["ours"]] == [
        SAMPLES[stem][0],
        SAMPLES[stem][1].split(",")[0],
    ]
    for detected in seen["ours"]:
        assert hex_of(detected["color"]) == hex_of(detected["around"]), detected
        assert detected["decoration"] == "none", detected
    if scheme == "light":  # without the rule they are painted as links: the test sees it
        assert any(hex_of(d["color"]) != hex_of(d["around"]) for d in seen["without the rule"])
