"""Shared fixtures: the repository, a built sample issue, golden files, a real Chromium."""

from __future__ import annotations

import contextlib
import io
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, sync_playwright

from newsletter.cli import main
from newsletter.pipeline import Build, build_issue

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "issues" / "2012-07-31-khorog.yaml"
# The sample in each of its editions: English, Russian, Persian (right to left).
EDITIONS = ("2012-07-31-khorog", "2012-07-31-khorog-ru", "2012-07-31-khorog-fa")
CONFIG = ROOT / "newsletter.toml"
ARTIFACTS = ROOT / "tests" / "artifacts"
CHROMIUM = "/usr/bin/chromium"
# The image and template cache of this test session (see _shared_cache).
CACHE = Path(tempfile.mkdtemp(prefix="newsletter-tests-cache-"))
# Flags for a headless Chromium on a machine without a display or network.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def run_newsletter(
    *args: str, cwd: Path | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run the command line in this process (`cli.main`), in `cwd` with the environment
    `env` (default: this one), and capture its exit code and what it prints."""
    stdout, stderr = io.StringIO(), io.StringIO()
    saved = dict(os.environ)
    try:
        if env is not None:
            os.environ.clear()
            os.environ.update(env)
        with (
            contextlib.chdir(cwd or Path.cwd()),
            contextlib.redirect_stdout(stdout),
            contextlib.redirect_stderr(stderr),
        ):
            code = main(list(args))
    finally:
        os.environ.clear()
        os.environ.update(saved)
    return subprocess.CompletedProcess(
        ["newsletter", *args], code, stdout.getvalue(), stderr.getvalue()
    )


def run_console_script(
    *args: str, cwd: Path | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run the installed `newsletter` command in a new process, as an editor does."""
    return subprocess.run(
        [str(Path(sys.executable).with_name("newsletter")), *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )


def visible_text(html: str) -> str:
    """The document's text as a reader sees it, whitespace folded."""
    from lxml import html as lxml_html

    tree = lxml_html.fromstring(html)
    for element in tree.xpath("//style|//title"):
        element.drop_tree()
    return " ".join(tree.text_content().split())


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden",
        action="store_true",
        help="Rewrite tests/golden/ from the current output instead of comparing.",
    )


@pytest.fixture(scope="session", autouse=True)
def _shared_cache() -> Iterator[None]:
    """Every test session starts with its own empty cache folder, which all tests share
    (those that test the cache itself make their own)."""
    old = os.environ.get("NEWSLETTER_CACHE_DIR")
    os.environ["NEWSLETTER_CACHE_DIR"] = str(CACHE)
    yield
    shutil.rmtree(CACHE, ignore_errors=True)
    if old is None:
        os.environ.pop("NEWSLETTER_CACHE_DIR", None)
    else:
        os.environ["NEWSLETTER_CACHE_DIR"] = old


@pytest.fixture(scope="session")
def sample_build() -> Build:
    """The sample issue, built once for the session."""
    return build_issue(SAMPLE, config=CONFIG, cache_dir=CACHE)


@pytest.fixture(scope="session")
def sample_out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample issue's output folder, with image addresses kept local so that a browser
    can open it from disk (the sent version points them at image_base_url)."""
    from newsletter.pipeline import write_build

    build = build_issue(SAMPLE, config=CONFIG, cache_dir=CACHE, local_images=True)
    return write_build(build, tmp_path_factory.mktemp("build"))


@pytest.fixture
def desk(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A scratch copy of the desk's folder (settings, templates, photos) as the working dir."""
    # The desk's own copy of the theme, named in its settings, so a test can change a file.
    settings = 'templates = "templates"\n' + CONFIG.read_text(encoding="utf-8")
    (tmp_path / "newsletter.toml").write_text(settings, encoding="utf-8")
    shutil.copytree(ROOT / "templates", tmp_path / "templates")
    (tmp_path / "issues").mkdir()
    shutil.copytree(ROOT / "issues" / "photos", tmp_path / "issues" / "photos")
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """A real headless Chromium (Debian's), driven by Playwright."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium (see .ci/run)")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def golden(request: pytest.FixtureRequest) -> Callable[[str, str], None]:
    """Compare text with tests/golden/NAME, or rewrite it under --update-golden."""
    update = bool(request.config.getoption("--update-golden"))

    def check(name: str, text: str) -> None:
        path = ROOT / "tests" / "golden" / name
        if update:
            path.write_text(text, encoding="utf-8")
            return
        assert path.exists(), f"no golden file {path.name}: run pytest --update-golden"
        expected = path.read_text(encoding="utf-8")
        assert text == expected, (
            f"{name} differs from its golden file; review the diff, then run pytest --update-golden"
        )

    return check
