"""Benchmark: building the sample issue, side by side with MJML's reference CLI.

Prints the median of several runs of
- the CLI wall time: `newsletter build` of the sample (warm image cache) in a new process each
  run, as an editor runs it; beside it, interleaved run by run, MJML's reference command line
  (`mjml` from npm, run with node) compiling the MJML of the same issue, the bare interpreter
  and `import premailer` alone; and the ratio the target is set on;
- the in-process render time: templates to final HTML (Jinja2, mjml-python, transforms), each
  stage on its own line;
- with valgrind installed (`--instructions`), the instructions our commands execute: unlike
  times, they are the same from run to run whatever else the shared machine is doing.

Usage: python benchmarks/build.py [--runs N] [--against REV] [--instructions]

The MJML CLI is installed with npm into a scratch folder outside the repository
(`~/.cache/newsletter-benchmarks/mjml-VERSION`, or --mjml-dir) the first time. With --against,
the same build as of git revision REV (its `src/` and `templates/` taken with `git archive`,
run with this environment's dependencies) is measured too: how a change compares, side by
side in one run.
"""

from __future__ import annotations

import argparse
import io
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "issues" / "2012-07-31-khorog.yaml"
MJML_VERSION = "5.4.1"
MJML_PACKAGE = f"mjml@{MJML_VERSION}"
BUILD = "newsletter build (warm image cache)"
MJML = f"mjml {MJML_VERSION} CLI (node), same issue"
TARGET_RATIO = 0.6
Command = tuple[list[str], dict[str, str]]  # argv, environment


def median_ms(samples: list[float]) -> str:
    return f"{statistics.median(samples) * 1000:.1f} ms"


def timed(function: Callable[[], object], runs: int) -> list[float]:
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        function()
        samples.append(time.perf_counter() - started)
    return samples


def mjml_cli(folder: Path) -> Path:
    """MJML's command line, installed from npm into `folder` unless it is there already."""
    script = folder / "node_modules" / "mjml" / "bin" / "mjml"
    if not script.exists():
        folder.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            [
                "npm",
                "install",
                "--no-audit",
                "--no-fund",
                "--prefix",
                str(folder),
                f"mjml@{MJML_VERSION}",
            ],
            check=True,
            capture_output=True,
        )
    return script


def commands(scratch: Path, mjml_dir: Path, against: str | None) -> dict[str, Command]:
    """Our build, MJML's CLI on the same issue, and two references: the bare interpreter (the
    floor) and importing premailer alone (the biggest dependency); with `against`, the build
    as of that revision."""
    from newsletter.pipeline import build_issue

    env = child_env(scratch / "cache")
    # The MJML our build renders for the sample, compiled by the reference CLI.
    source = scratch / "khorog.mjml"
    source.write_text(build_issue(SAMPLE, cache_dir=None).mjml, encoding="utf-8")
    node = [shutil.which("node") or "node", str(mjml_cli(mjml_dir))]
    script = Path(sys.executable).parent / "newsletter"  # the console script an editor runs
    command = [str(script)] if script.exists() else [sys.executable, "-m", "newsletter"]
    found = {
        "python -c pass": ([sys.executable, "-c", "pass"], env),
        "python -c 'import premailer'": ([sys.executable, "-c", "import premailer"], env),
        MJML: ([*node, str(source), "-o", str(scratch / "mjml.html")], env),
        BUILD: ([*command, "build", str(SAMPLE), "--out", str(scratch / "out")], env),
    }
    if against is not None:
        old = checkout(against, scratch / "against")
        argv = [sys.executable, "-m", "newsletter", "build", str(SAMPLE)]
        found[f"newsletter build as of {against}"] = (
            [*argv, "--out", str(scratch / "against-out")],
            {**child_env(scratch / "against-cache"), "PYTHONPATH": str(old)},
        )
    return found


def checkout(revision: str, folder: Path) -> Path:
    """The package's source as of `revision`, extracted into `folder` with the templates beside
    it (a source checkout finds its default theme there); returns its src/."""
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", "--format=tar", revision, "src", "templates"],
        check=True,
        capture_output=True,
    ).stdout
    folder.mkdir(parents=True)
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(folder, filter="data")
    return folder / "src"


def child_env(cache: Path) -> dict[str, str]:
    """The environment of the measured commands: a private cache, and Python's bytecode
    written as usual. With PYTHONDONTWRITEBYTECODE set (some shells and CI set it), an
    editable install would compile every changed module from source on every run, which no
    editor's `pip install .` does."""
    env = {**os.environ, "NEWSLETTER_CACHE_DIR": str(cache)}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def cli_wall(measured: dict[str, Command], runs: int) -> dict[str, list[float]]:
    """Each command in a new process, interleaved run by run, so that a busy machine slows
    them all alike; one unmeasured run each first (caches, bytecode, the disk's cache)."""
    for argv, env in measured.values():
        subprocess.run(argv, env=env, check=True, capture_output=True)
    samples: dict[str, list[float]] = {name: [] for name in measured}
    for _ in range(runs):
        for name, (argv, env) in measured.items():
            started = time.perf_counter()
            subprocess.run(argv, env=env, check=True, capture_output=True)
            samples[name].append(time.perf_counter() - started)
    return samples


def instructions(measured: dict[str, Command]) -> dict[str, int]:
    """Instructions each of our commands executes, counted by valgrind (about 30 s in all)."""
    counts = {}
    for name, (argv, env) in measured.items():
        if name == MJML:
            continue  # node's JIT under valgrind says little
        done = subprocess.run(
            ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", *argv],
            env=env,
            check=True,
            capture_output=True,
            text=True,
        )
        counts[name] = int(re.findall(r"Collected : (\d+)", done.stderr)[-1])
    return counts


def render_stages(runs: int, cache: Path) -> dict[str, list[float]]:
    """Templates to final HTML in one warm process, stage by stage."""
    from newsletter.pipeline import build_issue, make_images, settings_for
    from newsletter.rendering import templates, transforms
    from newsletter.rendering.compile_mjml import compile_mjml
    from newsletter.rendering.context import lay_out, render_mjml, render_text
    from newsletter.rendering.theme import theme_folders

    result = build_issue(SAMPLE, cache_dir=cache)  # warm: images cached, imports done
    settings, config = settings_for(SAMPLE, None)
    language = result.source.issue.language
    env = templates.environment(theme_folders(settings.templates_folder(config)), cache, language)
    photos = make_images(result.source, result.settings, cache)
    page = lay_out(result.source, result.settings, photos.slots, photos.gallery, photos.stories)
    stages: dict[str, list[float]] = {"jinja2 (MJML)": [], "mjml-python": [], "transforms": []}
    for _ in range(runs):
        t0 = time.perf_counter()
        mjml = render_mjml(page, env)
        t1 = time.perf_counter()
        html = compile_mjml(mjml)
        t2 = time.perf_counter()
        fonts = (result.settings.theme.body_font, result.settings.theme.heading_font)
        final = transforms.run(html, page.placeholders, fonts)
        t3 = time.perf_counter()
        assert final == result.html
        stages["jinja2 (MJML)"].append(t1 - t0)
        stages["mjml-python"].append(t2 - t1)
        stages["transforms"].append(t3 - t2)
    stages["templates to final HTML"] = [
        a + b + c
        for a, b, c in zip(
            *(stages[s] for s in ("jinja2 (MJML)", "mjml-python", "transforms")), strict=False
        )
    ]
    stages["plain text"] = timed(lambda: render_text(page, env), runs)
    stages["whole build, in-process"] = timed(lambda: build_issue(SAMPLE, cache_dir=cache), runs)
    return stages


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--against", metavar="REV", help="also measure the build as of REV")
    parser.add_argument("--instructions", action="store_true", help="count them with valgrind")
    parser.add_argument(
        "--mjml-dir",
        type=Path,
        default=Path.home() / ".cache" / "newsletter-benchmarks" / f"mjml-{MJML_VERSION}",
        help="where MJML's CLI is (or gets) installed, outside the repository",
    )
    args = parser.parse_args()
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}, node {node_version()}; medians of {args.runs} runs"
    )
    with tempfile.TemporaryDirectory() as folder:
        scratch = Path(folder)
        measured = commands(scratch, args.mjml_dir, args.against)
        width = max(len(name) for name in measured)
        wall = cli_wall(measured, args.runs)
        for name, samples in wall.items():
            print(
                f"wall {name:<{width}} {median_ms(samples)} "
                f"(min {min(samples) * 1000:.0f}, max {max(samples) * 1000:.0f})"
            )
        ratio = statistics.median(wall[BUILD]) / statistics.median(wall[MJML])
        verdict = "met" if ratio <= TARGET_RATIO else "NOT met"
        print(
            f"ratio newsletter build / mjml CLI: {ratio:.2f} (target <= {TARGET_RATIO}: {verdict})"
        )
        if args.instructions and shutil.which("valgrind"):
            for name, count in instructions(measured).items():
                print(f"instructions {name:<{width}} {count / 1e6:,.0f} M")
        for stage, samples in render_stages(max(args.runs, 30), scratch / "cache").items():
            print(f"render {stage:<24} {median_ms(samples)}")


def node_version() -> str:
    node = shutil.which("node")
    if node is None:
        return "missing"
    return subprocess.run([node, "--version"], capture_output=True, text=True).stdout.strip()


if __name__ == "__main__":
    main()
