"""A website on 127.0.0.1 for the drafting tests: the feeds of tests/feeds/ (`@BASE@` made
this server's address), the sample's photos, and answers that go wrong on purpose."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

FEEDS = Path(__file__).parent / "feeds"
PHOTOS = Path(__file__).parent.parent / "issues" / "photos"
TYPES = {".xml": "application/rss+xml", ".html": "text/html; charset=utf-8",
         ".jpg": "image/jpeg", ".png": "image/png"}  # fmt: skip


@dataclass
class Answer:
    """What the site answers at one path."""

    body: bytes = b""
    content_type: str = "application/octet-stream"
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # seconds before the answer starts
    trickle: float = 0.0  # seconds between single bytes of the body
    length: bool = True  # send Content-Length (else the body runs until the connection closes)


class Site:
    """The server: `base` is its address; `answer()` sets what a path returns."""

    def __init__(self) -> None:
        self.answers: dict[str, Answer] = {}
        self.requests: list[str] = []
        site = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                path = urlsplit(self.path).path
                site.requests.append(path)
                site.serve(self, site.answers.get(path) or site.default(path))

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def url(self, path: str) -> str:
        return self.base + path

    def answer(self, path: str, answer: Answer) -> str:
        """Make `path` answer `answer`; return its address."""
        self.answers[path] = answer
        return self.url(path)

    def feed(self, path: str, text: str, content_type: str = TYPES[".xml"]) -> str:
        """Serve a feed's text (with `@BASE@` replaced) at `path`; return its address."""
        body = text.replace("@BASE@", self.base).encode("utf-8")
        return self.answer(path, Answer(body, content_type))

    def default(self, path: str) -> Answer:
        """tests/feeds/NAME at /feeds/NAME (and /feed/NAME); the sample's photos at /photos/
        and /images/."""
        folder, _, name = path.strip("/").partition("/")
        if folder in ("feeds", "feed") and (FEEDS / name).is_file():
            text = (FEEDS / name).read_text(encoding="utf-8").replace("@BASE@", self.base)
            return Answer(text.encode(), TYPES.get(Path(name).suffix, "text/plain"))
        if folder in ("photos", "images") and (PHOTOS / name).is_file():
            return Answer((PHOTOS / name).read_bytes(), TYPES.get(Path(name).suffix, ""))
        return Answer(b"<h1>Not found</h1>", "text/html", status=404)

    @staticmethod
    def serve(handler: BaseHTTPRequestHandler, answer: Answer) -> None:
        time.sleep(answer.delay)
        try:
            handler.send_response(answer.status)
            handler.send_header("Content-Type", answer.content_type)
            for name, value in answer.headers.items():
                handler.send_header(name, value)
            if answer.length:
                handler.send_header("Content-Length", str(len(answer.body)))
            else:
                handler.send_header("Connection", "close")
                handler.close_connection = True
            handler.end_headers()
            if answer.trickle:
                for byte in answer.body:
                    handler.wfile.write(bytes([byte]))
                    handler.wfile.flush()
                    time.sleep(answer.trickle)
            else:
                handler.wfile.write(answer.body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up, as it should have

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@contextmanager
def running_site() -> Iterator[Site]:
    site = Site()
    try:
        yield site
    finally:
        site.close()
