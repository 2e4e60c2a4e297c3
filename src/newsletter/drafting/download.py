"""Downloads from the desk's website, read as untrusted input: http(s) only, every redirect
checked and at most five of them, a timeout on connecting and on each read plus a deadline for
the whole answer, and a size cap enforced while reading (not trusted from Content-Length).

A failure is a `DownloadFailed` with one line for the editor; `network` tells a failure of
the network or the server (exit 3) from a wrong address (exit 2).
"""

from __future__ import annotations

import http.client
import socket
import ssl
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from email.message import Message
from urllib.parse import quote, urljoin, urlsplit, urlunsplit

from newsletter import __version__

MAX_REDIRECTS = 5
TIMEOUT = 10.0  # seconds to connect, and between two reads
DEADLINE = 6  # timeouts for a whole answer (60 s): a server that trickles bytes is cut off
CHUNK = 64 * 1024
USER_AGENT = f"newsletter/{__version__} (drafting the desk's weekly issue)"
_REDIRECTS = {301, 302, 303, 307, 308}


class DownloadFailed(Exception):
    """A download that did not give a usable answer; `str()` is one line for the editor."""

    def __init__(self, url: str, message: str, *, network: bool = False) -> None:
        super().__init__(f"{url}: {message}")
        self.network = network


@dataclass(frozen=True)
class Download:
    """A complete answer: its address after redirects, its media type and its bytes."""

    url: str
    media_type: str  # "application/rss+xml", lower case, without parameters ("" if none)
    headers: Message
    body: bytes


def check_address(url: str) -> str:
    """Return `url` if it is an absolute http(s) address; raise DownloadFailed otherwise."""
    try:
        parts = urlsplit(url)
        _ = parts.port  # a port out of range raises ValueError
        valid = parts.scheme.lower() in ("http", "https") and bool(parts.hostname)
    except ValueError:
        raise DownloadFailed(url, "not a valid web address") from None
    if not valid:
        raise DownloadFailed(url, "not a web address (only http:// and https://)")
    return url


def as_ascii(url: str) -> str:
    """`url` as HTTP sends it: a host name in IDNA (`пример.рф` -> `xn--e1afmkfd.xn--p1ai`),
    other letters and spaces percent-encoded; escapes already there are kept."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    try:
        host = host.encode("idna").decode("ascii")
    except UnicodeError:
        raise DownloadFailed(url, f"not a valid host name: {host}") from None
    netloc = host if parts.port is None else f"{host}:{parts.port}"
    if ":" in host:
        netloc = f"[{host}]" if parts.port is None else f"[{host}]:{parts.port}"
    keep = "/%:@!$&'()*+,;=-._~?"
    return urlunsplit(
        (parts.scheme, netloc, quote(parts.path, safe=keep), quote(parts.query, safe=keep), "")
    )


def fetch(
    url: str,
    *,
    limit: int,
    what: str,
    accept: str = "*/*",
    timeout: float = TIMEOUT,
) -> Download:
    """GET `url`, following at most MAX_REDIRECTS redirects, reading at most `limit` bytes of
    `what` ("a feed", "a photo": for the messages); raise DownloadFailed."""
    check_address(url)
    given = url
    for _ in range(MAX_REDIRECTS + 1):
        url = as_ascii(check_address(url))
        try:
            return _get(url, limit, what, accept, timeout)
        except _Redirect as redirect:
            try:
                url = urljoin(url, redirect.location)
            except ValueError:
                raise DownloadFailed(given, "redirected to an address that is not valid") from None
        except _Failed as failure:
            message = _at(str(failure), url, given)
            raise DownloadFailed(given, message, network=failure.network) from None
        if urlsplit(url).scheme.lower() not in ("http", "https"):
            raise DownloadFailed(given, f"redirected to {url}, which is not an http(s) address")
        try:
            check_address(url)
        except DownloadFailed:
            raise DownloadFailed(given, "redirected to an address that is not valid") from None
    raise DownloadFailed(given, f"more than {MAX_REDIRECTS} redirects", network=True)


def _get(url: str, limit: int, what: str, accept: str, timeout: float) -> Download:
    """One GET, without following a redirect; raise _Redirect or _Failed."""
    headers = {"User-Agent": USER_AGENT, "Accept": accept}
    request = urllib.request.Request(url, headers=headers)  # noqa: S310 (http(s), checked)
    try:
        with _OPENER.open(request, timeout=timeout) as response:
            body = _read(response, limit, what, DEADLINE * timeout)
            return Download(url, response.headers.get_content_type(), response.headers, body)
    except urllib.error.HTTPError as error:
        with error:
            location = error.headers.get("Location") if error.code in _REDIRECTS else None
        if location is not None:
            raise _Redirect(location.strip()) from None
        raise _http_failure(error.code, error.reason) from None
    except urllib.error.URLError as error:
        raise _Failed(_network_failure(url, error.reason, timeout), network=True) from None
    except (http.client.HTTPException, OSError) as error:
        raise _Failed(_network_failure(url, error, timeout), network=True) from None


class _Redirect(Exception):
    """The answer is a redirect to `location`."""

    def __init__(self, location: str) -> None:
        super().__init__(location)
        self.location = location


def _at(message: str, url: str, given: str) -> str:
    """`message`, saying where, if a redirect led elsewhere."""
    return message if url == as_ascii(given) else f"{message} at {url}"


class _Failed(Exception):
    """Reading an answer failed; `fetch` says for which address."""

    def __init__(self, message: str, *, network: bool = False) -> None:
        super().__init__(message)
        self.network = network


def _read(response: http.client.HTTPResponse, limit: int, what: str, deadline: float) -> bytes:
    too_large = f"larger than {limit // 1_000_000} MB, the most {what} may be"
    declared = response.headers.get("Content-Length", "")
    if declared.isdecimal() and int(declared) > limit:
        raise _Failed(too_large)
    started = time.monotonic()
    chunks: list[bytes] = []
    size = 0
    while chunk := response.read(CHUNK):
        size += len(chunk)
        if size > limit:
            raise _Failed(too_large)
        if time.monotonic() - started > deadline:
            raise _Failed(f"too slow: not complete after {deadline:g} seconds", network=True)
        chunks.append(chunk)
    return b"".join(chunks)


def _http_failure(code: int, reason: str) -> _Failed:
    """An HTTP error status: the address is wrong (4xx) or the server failed (5xx)."""
    if code in (404, 410):
        return _Failed(f"not found (HTTP {code})")
    if code in _REDIRECTS:
        return _Failed(f"redirect without a Location (HTTP {code})", network=True)
    if 400 <= code < 500:
        return _Failed(f"the server refused it (HTTP {code} {reason})")
    return _Failed(f"the server failed (HTTP {code} {reason})", network=True)


def _network_failure(url: str, reason: object, timeout: float) -> str:
    if isinstance(reason, (TimeoutError, socket.timeout)):
        message = f"no answer within {timeout:g} seconds"
    elif isinstance(reason, socket.gaierror):
        message = f"unknown host {urlsplit(url).hostname}"
    elif isinstance(reason, ConnectionRefusedError):
        message = "cannot connect (connection refused)"
    elif isinstance(reason, ssl.SSLCertVerificationError):
        message = f"the server's certificate is not valid ({reason.verify_message})"
    elif isinstance(reason, OSError) and reason.strerror:
        message = f"cannot connect ({reason.strerror.lower()})"
    elif isinstance(reason, http.client.IncompleteRead):
        message = "the answer broke off before its end"
    else:
        message = f"the download failed ({reason})"
    return message


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """Hands every redirect back to `fetch` (as an HTTPError), which checks and counts it."""

    def redirect_request(
        self,
        req: urllib.request.Request,
        fp: object,
        code: int,
        msg: str,
        headers: Message,
        newurl: str,
    ) -> None:
        return None


_OPENER = urllib.request.build_opener(_NoRedirects)
