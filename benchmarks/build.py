"""Benchmark: building the sample issue with a warm image cache.

Prints the median of several runs of
- the CLI wall time: `newsletter build` in a new process, as an editor runs it;
- the in-process render time: templates to final HTML (Jinja2, mjml-python, transforms),
  with each stage on its own line;
- with valgrind installed, the instructions each command executes: unlike times, they are
  the same from run to run whatever else the shared machine is doing.

Usage: python benchmarks/build.py [--runs N] [--against REV]

With --against, the same build as of git revision REV (its `src/` taken with `git archive`,
run with this environment's dependencies) is measured too, interleaved with the others: how
a change compares, side by side in one run.
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


def median_ms(samples: list[float]) -> str:
    return f"{statistics.median(samples) * 1000:.1f} ms"


def timed(function: Callable[[], object], runs: int) -> list[float]:
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        function()
        samples.append(time.perf_counter() - started)
    return samples


BUILD = "newsletter build (warm image cache)"
Command = tuple[list[str], dict[str, str]]  # argv, environment


def commands(scratch: Path, against: str | None) -> dict[str, Command]:
    """`newsletter build` and two references: the bare interpreter (the floor) and importing
    premailer alone (the biggest dependency); with `against`, the build as of that revision."""
    # The console script an editor runs, from this interpreter's environment.
    script = Path(sys.executable).parent / "newsletter"
    command = [str(script)] if script.exists() else [sys.executable, "-m", "newsletter"]
    env = child_env(scratch / "cache")
    found = {
        "python -c pass": ([sys.executable, "-c", "pass"], env),
        "python -c 'import premailer'": ([sys.executable, "-c", "import premailer"], env),
        BUILD: ([*command, "build", str(SAMPLE), "--out", str(scratch / "out")], env),
    }
    if against is not None:
        source = checkout(against, scratch / "against")
        argv = [sys.executable, "-m", "newsletter", "build", str(SAMPLE)]
        found[f"newsletter build as of {against}"] = (
            [*argv, "--out", str(scratch / "against-out")],
            {**child_env(scratch / "against-cache"), "PYTHONPATH": str(source)},
        )
    return found


def checkout(revision: str, folder: Path) -> Path:
    """The package's source as of `revision`, extracted into `folder`; returns its src/."""
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", "--format=tar", revision, "src"],
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
    editor's `pip install .` does (about 60 M instructions, 6% of the build)."""
    env = {**os.environ, "NEWSLETTER_CACHE_DIR": str(cache)}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def cli_wall(measured: dict[str, Command], runs: int) -> dict[str, list[float]]:
    """Each command in a new process, interleaved run by run, so that a busy machine slows
    them all alike."""
    for name, (argv, env) in measured.items():
        if name.startswith("newsletter build"):  # warm the caches, write the bytecode
            subprocess.run(argv, env=env, check=True, capture_output=True)
    samples: dict[str, list[float]] = {name: [] for name in measured}
    for _ in range(runs):
        for name, (argv, env) in measured.items():
            started = time.perf_counter()
            subprocess.run(argv, env=env, check=True, capture_output=True)
            samples[name].append(time.perf_counter() - started)
    return samples


def instructions(measured: dict[str, Command]) -> dict[str, int]:
    """Instructions each command executes, counted by valgrind (about 30 s in all)."""
    counts = {}
    for name, (argv, env) in measured.items():
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
    from newsletter import build, render, transforms

    result = build.build_issue(SAMPLE, cache_dir=cache)  # warm: images cached, imports done
    settings, config = build.settings_for(SAMPLE, None)
    language = result.source.issue.language
    env = render.environment(config.parent / settings.templates, cache, language)
    page = build.Page.make(result.source, settings, result.renditions)
    stages: dict[str, list[float]] = {"jinja2 (MJML)": [], "mjml-python": [], "transforms": []}
    for _ in range(runs):
        t0 = time.perf_counter()
        mjml = page.mjml(env)
        t1 = time.perf_counter()
        html = render.compile_mjml(mjml)
        t2 = time.perf_counter()
        final = transforms.run(html, page.placeholders)
        t3 = time.perf_counter()
        assert final == result.html
        stages["jinja2 (MJML)"].append(t1 - t0)
        stages["mjml-python"].append(t2 - t1)
        stages["transforms"].append(t3 - t2)
    stages["templates to final HTML"] = timed(lambda: page.html(env), runs)
    stages["plain text"] = timed(lambda: page.text(env), runs)
    stages["whole build, in-process"] = timed(
        lambda: build.build_issue(SAMPLE, cache_dir=cache), runs
    )
    return stages


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--against", metavar="REV", help="also measure the build as of REV")
    args = parser.parse_args()
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}; medians of {args.runs} runs"
    )
    with tempfile.TemporaryDirectory() as folder:
        scratch = Path(folder)
        measured = commands(scratch, args.against)
        width = max(len(name) for name in measured)
        for name, wall in cli_wall(measured, args.runs).items():
            print(
                f"wall {name:<{width}} {median_ms(wall)} "
                f"(min {min(wall) * 1000:.0f}, max {max(wall) * 1000:.0f})"
            )
        if shutil.which("valgrind"):
            for name, count in instructions(measured).items():
                print(f"instructions {name:<{width}} {count / 1e6:,.0f} M")
        else:
            print("instructions: install valgrind to count them")
        for stage, samples in render_stages(max(args.runs, 30), scratch / "cache").items():
            print(f"render {stage:<24} {median_ms(samples)}")


if __name__ == "__main__":
    main()
