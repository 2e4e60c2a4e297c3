"""How a spam filter judges the message: SpamAssassin (Debian's `spamassassin`), local rules
only (`-L`: no DNS blocklist or other network test), on the message as a subscriber's copy
(with the `To:` header a mailing service adds). Without SpamAssassin installed, `score`
returns None."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass

SUBSCRIBER = b"To: subscriber@example.com\r\n"  # what the mailing service adds to each copy
THRESHOLD = 5.0  # SpamAssassin's default score for "spam"
TIMEOUT = 120  # seconds; a large message takes about a second
_RULE = re.compile(r"^\s*(-?\d+(?:\.\d+)?)\s+([A-Z0-9_]+)\s+(.*)$")


@dataclass(frozen=True)
class Hit:
    """A rule that fired, its points and its description."""

    name: str
    points: float
    description: str


@dataclass(frozen=True)
class Verdict:
    """The message's score and every rule that fired."""

    score: float
    hits: list[Hit]

    @property
    def penalties(self) -> list[Hit]:
        """The rules that add points."""
        return [hit for hit in self.hits if hit.points > 0]


def installed() -> bool:
    """True when the `spamassassin` command is on the PATH."""
    return shutil.which("spamassassin") is not None


def score(message: bytes) -> Verdict | None:
    """SpamAssassin's verdict on `message` (an .eml without a `To:`), or None if it is not
    installed. Raise OSError if it runs but fails."""
    command = shutil.which("spamassassin")
    if command is None:
        return None
    # Sealed off from the user's own SpamAssassin: a scratch HOME (no user_prefs read or
    # written) and no Bayes database consulted or trained, so the score is the same on every
    # machine and every run, and checking an issue never teaches anyone's filter.
    with tempfile.TemporaryDirectory(prefix="newsletter-spamassassin-") as home:
        done = subprocess.run(
            [command, "-L", "-t", "--cf=use_bayes 0", "--cf=bayes_auto_learn 0"],
            input=SUBSCRIBER + message,
            capture_output=True,
            timeout=TIMEOUT,
            check=False,
            env={**os.environ, "HOME": home},
        )
    report = done.stdout.decode("utf-8", "replace")
    if "Content analysis details:" not in report:
        error = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise OSError(f"spamassassin failed: {error[-1] if error else 'no report'}")
    return parse_report(report)


def parse_report(report: str) -> Verdict:
    """Read the "Content analysis details" table that `spamassassin -t` appends."""
    details = report.rsplit("Content analysis details:", 1)[1]
    total = re.search(r"\((-?\d+(?:\.\d+)?) points", details)
    hits: list[Hit] = []
    for line in details.splitlines():
        found = _RULE.match(line)
        if found:
            points, name, description = found.groups()
            hits.append(Hit(name, float(points), description.strip()))
        elif hits and line.startswith(" " * 20) and line.strip():
            last = hits[-1]  # a description continued on the next line
            hits[-1] = Hit(last.name, last.points, f"{last.description} {line.strip()}")
    # SpamAssassin lists rules of equal points in no fixed order: sort them, most points first.
    hits.sort(key=lambda hit: (-hit.points, hit.name))
    return Verdict(float(total.group(1)) if total else 0.0, hits)
