"""Gecko: Thunderbird's engine and webmail in Firefox. Debian's firefox-esr, headless, driven
over WebDriver BiDi (Firefox's own remote protocol: no geckodriver, nothing downloaded).

One Firefox per colour scheme, each with a fresh profile whose prefs set the scheme; it is
stopped by its process group when the `with` ends, whatever happened.
"""

from __future__ import annotations

import base64
import itertools
import json
import os
import re
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from websockets.sync.client import ClientConnection, connect

from .chromium import SETTLED_JS
from .harness import MEASURE_JS, Render, Scheme

FIREFOX = "firefox-esr"
BIDI_ARGUMENTS = ("--remote-debugging-port=0", "about:blank")  # 0: any free port
START_TIMEOUT = 60.0
COMMAND_TIMEOUT = 60.0
PREFS = {
    "browser.shell.checkDefaultBrowser": False,
    "browser.startup.homepage_override.mstone": "ignore",
    "datareporting.policy.dataSubmissionEnabled": False,
    "toolkit.telemetry.reportingpolicy.firstRun": False,
    "app.update.enabled": False,
    "network.proxy.type": 0,
    "browser.safebrowsing.update.enabled": False,
    "services.settings.server": "http://127.0.0.1:9/",  # no remote settings fetched
    "ui.useOverlayScrollbars": 1,  # as on a phone: a scrollbar takes no width from the page
}


def available() -> bool:
    """True when Debian's firefox-esr is installed."""
    return shutil.which(FIREFOX) is not None


class Gecko:
    """A running headless Firefox and its BiDi session."""

    def __init__(self, socket: ClientConnection) -> None:
        self.socket = socket
        self.ids = itertools.count(1)
        self.send("session.new", {"capabilities": {}})
        tree = self.send("browsingContext.getTree", {})
        self.context = tree["contexts"][0]["context"]

    def send(self, method: str, params: dict[str, Any]) -> dict[str, Any]:
        """One BiDi command; its result, or RuntimeError with Firefox's error."""
        number = next(self.ids)
        self.socket.send(json.dumps({"id": number, "method": method, "params": params}))
        deadline = time.monotonic() + COMMAND_TIMEOUT
        while True:
            message = json.loads(self.socket.recv(timeout=max(0.1, deadline - time.monotonic())))
            if message.get("id") != number:
                continue  # an event
            if message.get("type") == "error":
                raise RuntimeError(f"{method}: {message.get('error')}: {message.get('message')}")
            result: dict[str, Any] = message["result"]
            return result

    def call(self, function: str) -> Any:
        """Run a JavaScript function in the page; its result, through JSON."""
        result = self.send(
            "script.callFunction",
            {
                "functionDeclaration": f"async () => JSON.stringify(await ({function})())",
                "awaitPromise": True,
                "target": {"context": self.context},
            },
        )
        if result.get("type") == "exception":
            raise RuntimeError(f"script failed: {result['exceptionDetails'].get('text')}")
        value = result["result"].get("value")
        return None if value is None else json.loads(value)

    def render(self, url: str, width: int, scheme: Scheme, out: Path) -> Render:
        """Open `url` at `width` CSS pixels; a full-page screenshot and the measures."""
        viewport = {"width": width, "height": 900}
        self.send("browsingContext.setViewport", {"context": self.context, "viewport": viewport})
        self.send(
            "browsingContext.navigate", {"context": self.context, "url": url, "wait": "complete"}
        )
        self.call(SETTLED_JS)
        measured = self.call(MEASURE_JS)
        shot = self.send(
            "browsingContext.captureScreenshot", {"context": self.context, "origin": "document"}
        )
        out.write_bytes(base64.b64decode(shot["data"]))
        return Render("gecko", width, scheme, out, measured)


@contextmanager
def firefox(scheme: Scheme) -> Iterator[Gecko]:
    """A headless Firefox with a fresh profile in `scheme`, stopped when the `with` ends."""
    profile = Path(tempfile.mkdtemp(prefix="newsletter-gecko-"))
    prefs = {
        **PREFS,
        # 0: dark, 1: light, whatever the system says.
        "layout.css.prefers-color-scheme.content-override": 0 if scheme == "dark" else 1,
        "ui.systemUsesDarkTheme": 1 if scheme == "dark" else 0,
    }
    (profile / "user.js").write_text(
        "".join(f"user_pref({json.dumps(k)}, {json.dumps(v)});\n" for k, v in prefs.items())
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("MOZ_")}
    env.update(HOME=str(profile), MOZ_HEADLESS="1")
    process = subprocess.Popen(
        [FIREFOX, "--headless", "--no-remote", "--profile", str(profile), *BIDI_ARGUMENTS],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        address = _bidi_address(process)
        with connect(f"{address}/session", max_size=64 * 1024 * 1024) as socket:
            yield Gecko(socket)
    finally:
        _stop(process)
        shutil.rmtree(profile, ignore_errors=True)


def _bidi_address(process: subprocess.Popen[str]) -> str:
    """Read Firefox's stderr until it says where its BiDi server listens."""
    assert process.stderr is not None
    deadline = time.monotonic() + START_TIMEOUT
    seen = []
    while time.monotonic() < deadline:
        line = process.stderr.readline()
        if not line:
            if process.poll() is not None:
                break
            continue
        seen.append(line)
        found = re.search(r"WebDriver BiDi listening on (ws://\S+)", line)
        if found:
            return found.group(1)
    raise RuntimeError("Firefox did not start its BiDi server:\n" + "".join(seen[-10:]))


def _stop(process: subprocess.Popen[str]) -> None:
    """Stop Firefox and every process it started."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            break
        try:
            process.wait(timeout=10)
            break
        except subprocess.TimeoutExpired:
            continue
    if process.stderr is not None:
        process.stderr.close()
