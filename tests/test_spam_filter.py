"""Spam filters: SpamAssassin (local rules, no network test) on each edition's message as a
subscriber receives it. No rule with points may come from the markup the build writes; the
only points allowed are for what the desk wrote (its content), each named here with why."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from newsletter.delivery import spamassassin
from newsletter.delivery.spamassassin import Verdict
from newsletter.pipeline import build_issue

from .conftest import CACHE, CONFIG, ROOT, SAMPLE, run_newsletter
from .corpus import EDITIONS, issue_text

needs_spamassassin = pytest.mark.skipif(
    not spamassassin.installed(), reason="needs Debian's spamassassin (.ci/run installs it)"
)

# Rules about the words, not the markup: they fire on what an editor writes.
CONTENT_RULES = {
    # Counts Cyrillic «е» against Latin "e": any Russian text with an English name fires it.
    "MIXED_ES": "Russian (Cyrillic) text",
}
# (name, language, gallery photos, words of a long read, Markdown in the body)
VARIED = [
    ("long-read", "en", 3, 6_000, False),
    ("short", "en", 1, 0, False),
    ("russian", "ru", 5, 0, True),
    ("many-photos", "en", 20, 0, True),
    ("no-photos", "en", 0, 0, True),
    ("persian", "fa", 3, 0, True),
]


def verdict(path: Path) -> Verdict:
    build = build_issue(path, config=CONFIG, cache_dir=CACHE)
    result = spamassassin.score(build.eml)
    assert result is not None
    return result


def markup_penalties(result: Verdict) -> list[str]:
    return [f"{hit.name} {hit.points:g}" for hit in result.penalties
            if hit.name not in CONTENT_RULES]  # fmt: skip


@needs_spamassassin
def test_the_english_sample_scores_at_most_a_tenth_of_a_point() -> None:
    result = verdict(SAMPLE)
    assert markup_penalties(result) == []
    assert result.score <= 0.1, result.hits


@needs_spamassassin
def test_the_russian_sample_has_only_points_for_its_content() -> None:
    result = verdict(ROOT / "issues" / "2012-07-31-khorog-ru.yaml")
    assert markup_penalties(result) == []
    assert [hit.name for hit in result.penalties] == ["MIXED_ES"]  # reported, not gamed


@needs_spamassassin
@pytest.mark.parametrize(("name", "language", "photos", "words", "markdown"), VARIED,
                         ids=[row[0] for row in VARIED])  # fmt: skip
def test_varied_issues_get_no_points_for_their_markup(
    tmp_path: Path, name: str, language: str, photos: int, words: int, markdown: bool
) -> None:
    issues = tmp_path / "issues"
    (issues / "photos").mkdir(parents=True)
    for photo in (ROOT / "issues" / "photos").iterdir():
        (issues / "photos" / photo.name).write_bytes(photo.read_bytes())
    data = issue_text(EDITIONS[language], photos, words=words, markdown=markdown)
    if not photos:
        lead = data["lead"]
        assert isinstance(lead, dict)
        del lead["gallery"]
    path = issues / f"{name}.yaml"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    result = verdict(path)
    assert markup_penalties(result) == [], result.hits


def test_parse_report_reads_points_names_and_wrapped_descriptions() -> None:
    report = """\
Content analysis details:   (1.7 points, 5.0 required)

 pts rule name              description
---- ---------------------- --------------------------------------------------
-0.0 NO_RECEIVED            Informational: message has no Received headers
 0.7 HTML_FONT_LOW_CONTRAST BODY: HTML font color similar or identical to
                            background
 1.0 MIXED_ES               Too many es are not es
"""
    result = spamassassin.parse_report(report)
    assert result.score == 1.7
    assert [(h.name, h.points) for h in result.penalties] == [  # most points first
        ("MIXED_ES", 1.0),
        ("HTML_FONT_LOW_CONTRAST", 0.7),
    ]
    assert result.penalties[1].description == (
        "BODY: HTML font color similar or identical to background"
    )


def test_check_without_spamassassin_says_so_once_and_goes_on(desk: Path) -> None:
    for stem in ("2012-07-31-khorog", "2012-07-31-khorog-ru"):
        source = ROOT / "issues" / f"{stem}.yaml"
        (desk / "issues" / source.name).write_text(source.read_text(encoding="utf-8"))
    bin_only = {"PATH": str(Path(sys.executable).parent), "HOME": str(desk)}
    checked = run_newsletter(
        "check", "issues/2012-07-31-khorog.yaml", "issues/2012-07-31-khorog-ru.yaml",
        cwd=desk, env=bin_only,
    )  # fmt: skip
    assert checked.returncode == 0
    assert checked.stderr.splitlines() == [
        "note: spamassassin is not installed, so NL701 (the spam filter's score) is left out; "
        "on Debian: apt-get install spamassassin"
    ]
    assert "NL701" not in checked.stdout
    assert checked.stdout.splitlines()[-1] == "issues/2012-07-31-khorog-ru.yaml: no problems found"


@needs_spamassassin
def test_scoring_leaves_the_users_own_spamassassin_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    build = build_issue(SAMPLE, config=CONFIG, cache_dir=CACHE)
    first, second = spamassassin.score(build.eml), spamassassin.score(build.eml)
    assert first == second  # nothing learnt between runs
    assert list(home.iterdir()) == []  # no ~/.spamassassin: no user_prefs, no Bayes tokens
    assert first is not None and not any("BAYES" in hit.name for hit in first.hits)
