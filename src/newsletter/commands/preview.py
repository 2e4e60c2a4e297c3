"""`newsletter preview`: serve the e-mail on 127.0.0.1 inside a page of views, live.

The e-mail is served exactly as built (no script injected into it): the preview page holds it
in an iframe and switches the views (desktop, phone, dark, without styles, images off, plain
text) from outside. Only the in-memory build, the page's own file and its icon are served; any
other path, `..` and encoded forms included, is a 404. The terminal gets one line per rebuild
(and a failed rebuild's error lines), never one per request; a browser that goes away mid-answer
(a closed tab, a reload during the long poll) is normal and ends its connection quietly.
"""

from __future__ import annotations

import functools
import io
import json
import mimetypes
import sys
import threading
import webbrowser
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from newsletter.commands import firefox_view
from newsletter.commands.livereload import LiveBuild, Snapshot, describe
from newsletter.delivery.limits import GMAIL_CLIP_BYTES
from newsletter.errors import EnvironmentFailure

HOST = "127.0.0.1"
WAIT_TIMEOUT = 15.0  # seconds a browser's wait for a change is held open before it asks again


def serve(
    issue: Path, *, port: int, open_browser: bool, config: Path | None, cache_dir: Path | None
) -> None:
    """Build, serve and watch until Ctrl-C; raise EnvironmentFailure if the port is taken."""
    live = LiveBuild(issue, config, cache_dir, on_change=print_rebuild)
    stop = threading.Event()
    watcher = threading.Thread(target=live.watch, args=(stop,), name="watcher", daemon=True)
    server: PreviewServer | None = None
    try:  # Ctrl-C at any moment, even during the first build, stops cleanly
        live.rebuild()
        try:
            server = PreviewServer((HOST, port), live)
        except OSError as exc:  # the port is taken, for one
            message = f"cannot serve on port {port}: {exc.strerror or exc}"
            raise EnvironmentFailure(message) from None
        url = f"http://{HOST}:{server.server_address[1]}/"
        watcher.start()
        print(f"previewing {issue} at {url} (Ctrl-C to stop)", flush=True)
        if open_browser:
            webbrowser.open(url)
        server.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        print("\nstopped", file=sys.stderr)
    finally:
        stop.set()
        if server is not None:
            server.server_close()
        if watcher.is_alive():
            watcher.join(timeout=2)


def print_rebuild(snapshot: Snapshot) -> None:
    """One line per rebuild on stdout; a failed one's problems on stderr, as `build` prints
    them (`file:line: field: message`)."""
    print(describe(snapshot), flush=True)
    for line in snapshot.errors:
        print(line, file=sys.stderr, flush=True)


class PreviewServer(ThreadingHTTPServer):
    """An HTTP server that knows the live build it shows."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], live: LiveBuild) -> None:
        self.live = live
        self._files: tuple[int, dict[str, tuple[str, bytes]]] = (-1, {})
        super().__init__(address, PreviewHandler)

    def files(self, snapshot: Snapshot) -> dict[str, tuple[str, bytes]]:
        """The snapshot's files, made once per build rather than once per request."""
        epoch, files = self._files
        if epoch != snapshot.epoch:
            files = email_files(snapshot)
            self._files = (snapshot.epoch, files)
        return files

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that went away is no error; anything else is reported as usual."""
        if isinstance(sys.exc_info()[1], ConnectionError):
            return
        super().handle_error(request, client_address)


class PreviewHandler(BaseHTTPRequestHandler):
    """Routes: / (the page), /favicon.ico, /state.json, /wait (long poll), /engines/gecko.png,
    /email/... (the build)."""

    server: PreviewServer
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        path = unquote(urlsplit(self.path).path)
        snapshot = self.server.live.snapshot
        if path == "/":
            page = resources.files("newsletter.commands").joinpath("preview.html").read_bytes()
            self._send(HTTPStatus.OK, "text/html; charset=utf-8", page)
        elif path == "/favicon.ico":
            self._send(HTTPStatus.OK, "image/x-icon", favicon())
        elif path == "/state.json":
            self._send(HTTPStatus.OK, "application/json", json.dumps(state(snapshot)).encode())
        elif path == "/wait":
            self._wait(snapshot)
        elif path == "/engines/gecko.png":
            self._gecko()
        elif path.startswith("/email/") and snapshot.build is not None:
            name = path.removeprefix("/email/")
            found = self.server.files(snapshot).get(name)
            if found is None:
                self._not_found()
            else:
                # Images are named by the hash of their bytes: a browser may keep them.
                immutable = name.startswith("images/")
                self._send(HTTPStatus.OK, *found, immutable=immutable)
        else:
            self._not_found()

    def _gecko(self) -> None:
        """The e-mail as Firefox draws it (?width=375&scheme=dark), or why it cannot be had."""
        query = parse_qs(urlsplit(self.path).query)
        width = query.get("width", [""])[0]
        width_px = min(int(width), 1600) if width.isdigit() and int(width) >= 200 else 600
        dark = query.get("scheme", [""])[0] == "dark"
        url = f"http://{HOST}:{self.server.server_address[1]}/email/index.html"
        try:
            png = firefox_view.screenshot(url, width_px, dark)
        except EnvironmentFailure as exc:
            missing = firefox_view.firefox() is None
            status = HTTPStatus.NOT_FOUND if missing else HTTPStatus.BAD_GATEWAY
            self._send(status, "text/plain; charset=utf-8", f"{exc}\n".encode())
            return
        self._send(HTTPStatus.OK, "image/png", png)

    def _wait(self, snapshot: Snapshot) -> None:
        """Long poll: hold the request until the epoch differs from ?since=N, then answer."""
        query = urlsplit(self.path).query
        since = query.removeprefix("since=")
        if since.isdigit() and int(since) == snapshot.epoch:
            snapshot = self.server.live.wait(int(since), WAIT_TIMEOUT)
        self._send(HTTPStatus.OK, "application/json", json.dumps(state(snapshot)).encode())

    def _send(
        self, status: HTTPStatus, content_type: str, body: bytes, *, immutable: bool = False
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header(
            "Cache-Control", "max-age=31536000, immutable" if immutable else "no-store"
        )
        self.send_header("X-Content-Type-Options", "nosniff")
        try:
            self.end_headers()
            self.wfile.write(body)
        except ConnectionError:  # the browser went away (a closed tab, a reload): normal
            self.close_connection = True

    def handle_one_request(self) -> None:
        """One request of the connection; a browser that drops it (while we read the next
        request, say) ends it quietly rather than with a traceback."""
        try:
            super().handle_one_request()
        except ConnectionError:
            self.close_connection = True

    def _not_found(self) -> None:
        self._send(HTTPStatus.NOT_FOUND, "text/plain; charset=utf-8", b"not found\n")

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the terminal is for rebuilds and errors."""


@functools.cache
def favicon() -> bytes:
    """The page's icon, drawn once: a white envelope on the page's blue, 16 and 32 px."""
    from PIL import Image, ImageDraw

    icon = Image.new("RGBA", (32, 32), (0, 0, 0, 0))
    draw = ImageDraw.Draw(icon)
    draw.rounded_rectangle((0, 0, 31, 31), radius=6, fill="#0b57a4")
    draw.rectangle((5, 9, 26, 23), outline="white", width=2)
    draw.line([(6, 10), (16, 18), (25, 10)], fill="white", width=2)
    out = io.BytesIO()
    icon.save(out, format="ICO", sizes=[(16, 16), (32, 32)])
    return out.getvalue()


def email_files(snapshot: Snapshot) -> dict[str, tuple[str, bytes]]:
    """The build's files by their path under /email/: content type and bytes."""
    build = snapshot.build
    assert build is not None
    files = {
        "index.html": ("text/html; charset=utf-8", build.html.encode()),
        "index.txt": ("text/plain; charset=utf-8", build.text.encode()),
    }
    for rendition in build.renditions:
        kind = mimetypes.guess_type(rendition.name)[0] or "application/octet-stream"
        files[f"images/{rendition.name}"] = (kind, rendition.data)
    return files


def state(snapshot: Snapshot) -> dict[str, Any]:
    """What the page shows around the e-mail: inbox line, sizes, errors."""
    build = snapshot.build
    info: dict[str, Any] = {
        "epoch": snapshot.epoch,
        "errors": list(snapshot.errors),
        "clip_bytes": GMAIL_CLIP_BYTES,
        "built": build is not None,
        "working": snapshot.working,
        "gecko": firefox_view.firefox() is not None,
    }
    if build is not None:
        report = build.report()
        issue = build.source.issue
        info.update(
            subject=issue.subject_line,
            preheader=issue.preheader_text,
            sender=build.settings.sender.name,
            html_bytes=report["html_bytes"],
            image_bytes=report["image_bytes"],
            images=len(report["images"]),
        )
    return info
