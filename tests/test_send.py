"""`newsletter send` against a real SMTP server (aiosmtpd) on 127.0.0.1."""

from __future__ import annotations

import email
import email.policy
import os
import re
import shutil
import socket
import ssl
import subprocess
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
import trustme
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from .conftest import SAMPLE, run_newsletter

PASSWORD = "s3cret-Pa55word"
ISSUE = f"issues/{SAMPLE.name}"


@dataclass
class Inbox:
    """What the test SMTP server received."""

    messages: list[tuple[list[str], bytes]] = field(default_factory=list)

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, options: Any
    ) -> str:
        if address.startswith("nobody@"):
            return "550 5.1.1 No such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append((list(envelope.rcpt_tos), envelope.original_content))
        return "250 Message accepted"

    def only(self) -> EmailMessage:
        assert len(self.messages) == 1
        parsed = email.message_from_bytes(self.messages[0][1], policy=email.policy.default)
        assert isinstance(parsed, EmailMessage)
        return parsed


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def check_login(server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> AuthResult:
    ok = (
        isinstance(data, LoginPassword)
        and data.login == b"desk"
        and data.password == (PASSWORD.encode())
    )
    return AuthResult(success=ok, handled=False)


Server = tuple[Inbox, int, Path]  # what it received, its port, the CA file that trusts it


@pytest.fixture
def start_server(tmp_path: Path) -> Iterator[Callable[..., Server]]:
    """Start SMTP servers on 127.0.0.1, stopped after the test. `tls=True`: it requires
    STARTTLS (a certificate from a CA of its own) and a login; other keywords go to aiosmtpd's
    SMTP (`enable_SMTPUTF8`, `auth_required`...)."""
    controllers: list[Controller] = []

    def start(*, tls: bool = False, **options: Any) -> Server:
        inbox = Inbox()
        port = free_port()
        ca_file = tmp_path / f"ca-{port}.pem"
        if tls:
            authority = trustme.CA()
            authority.cert_pem.write_to_path(str(ca_file))
            context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            authority.issue_cert("127.0.0.1", "localhost").configure_cert(context)
            options = {
                "tls_context": context,
                "require_starttls": True,
                "auth_required": True,
                "authenticator": check_login,
                **options,
            }
        controller = Controller(
            inbox, hostname="127.0.0.1", port=port, auth_require_tls=True, **options
        )
        controller.start()
        controllers.append(controller)
        return inbox, port, ca_file

    yield start
    for controller in controllers:
        controller.stop()


@pytest.fixture
def server(request: pytest.FixtureRequest, start_server: Callable[..., Server]) -> Server:
    """An SMTP server; with the marker `tls`, it requires STARTTLS and a login."""
    return start_server(tls=request.node.get_closest_marker("tls") is not None)


def configure(desk: Path, **smtp: object) -> None:
    lines = ["", "[smtp]"] + [f"{key} = {value!r}".replace("'", '"') for key, value in smtp.items()]
    with (desk / "newsletter.toml").open("a") as settings:
        settings.write("\n".join(lines) + "\n")


def send(desk: Path, *args: str, password: str | None = None) -> subprocess.CompletedProcess[str]:
    shutil.copy(SAMPLE, desk / ISSUE)
    env = {k: v for k, v in os.environ.items() if k != "NEWSLETTER_SMTP_PASSWORD"}
    if password is not None:
        env["NEWSLETTER_SMTP_PASSWORD"] = password
    return run_newsletter("send", ISSUE, *args, cwd=desk, env=env)


def on_the_command_line(port: int) -> tuple[str, ...]:
    """The options that name the local test server, whatever the settings say."""
    return ("--smtp-host", "127.0.0.1", "--smtp-port", str(port), "--smtp-security", "none")


def settings_line(desk: Path, text: str) -> int:
    """The line of newsletter.toml that reads `text` (the last one, as configure appends)."""
    lines = (desk / "newsletter.toml").read_text(encoding="utf-8").splitlines()
    return max(number for number, line in enumerate(lines, 1) if line == text)


def test_test_message_arrives_whole(desk: Path, server: Server) -> None:
    inbox, port, _ = server
    configure(desk, host="127.0.0.1", port=port, security="none")
    result = send(desk, "--to", "editor@example.org", "--to", "desk@example.org")
    assert result.returncode == 0, result.stderr
    assert result.stdout == (
        "sent [TEST] Tajikistan: Khorog Hard Hit by Gunbattles to "
        f"editor@example.org, desk@example.org via 127.0.0.1:{port}\n"
    )
    assert inbox.messages[0][0] == ["editor@example.org", "desk@example.org"]
    message = inbox.only()
    assert message["Subject"] == "[TEST] Tajikistan: Khorog Hard Hit by Gunbattles"
    assert message["From"] == "Central Asia Desk <newsletter@example.org>"
    assert message["To"] == "editor@example.org, desk@example.org"
    assert message["Date"] and message["Message-ID"]
    assert message.get_content_type() == "multipart/alternative"
    parts = list(message.iter_parts())
    assert [p.get_content_type() for p in parts] == ["text/plain", "text/html"]
    assert all(p["Content-Transfer-Encoding"] == "8bit" for p in parts)
    html = parts[1].get_content()
    assert "<h1" in html and 'src="https://example.org/newsletter/2012-07-31-khorog/images/' in html


def test_embedded_images_match_every_cid_and_show_inline(desk: Path, server: Server) -> None:
    inbox, port, _ = server
    configure(desk, host="127.0.0.1", port=port, security="none")
    result = send(desk, "--to", "editor@example.org", "--embed-images")
    assert result.returncode == 0, result.stderr
    message = inbox.only()
    html_part = message.get_body(("html",))
    assert html_part is not None
    related = list(message.iter_parts())[1]
    assert isinstance(related, EmailMessage)
    assert related.get_content_type() == "multipart/related"
    html = html_part.get_content()
    cids = re.findall(r'src="cid:([^"]+)"', html)
    images = {
        part["Content-ID"].strip("<>"): part
        for part in related.iter_parts()
        if part.get_content_maintype() == "image"
    }
    assert len(cids) == 9 and set(cids) == set(images)
    assert "https://example.org/newsletter" not in re.sub(r"href=\"[^\"]*\"", "", html)
    for part in images.values():
        assert part.get_content_type() == "image/jpeg"
        assert part.get_content().startswith(b"\xff\xd8")
    # Inline, not attachments: clients show them in the message, not in a list of files.
    shown = [part for part in message.walk() if part.get_content_maintype() == "image"]
    assert len(shown) == 9
    for part in shown:
        name = part["Content-ID"].strip("<>").removesuffix("@newsletter")
        assert part["Content-Disposition"] == f'inline; filename="{name}"'
        assert part.get_content_disposition() == "inline"
    assert list(message.iter_attachments()) == []


@pytest.mark.tls
def test_starttls_with_a_self_signed_certificate_and_a_login(desk: Path, server: Server) -> None:
    inbox, port, ca_file = server
    configure(
        desk, host="127.0.0.1", port=port, security="starttls", user="desk", ca_file=str(ca_file)
    )
    result = send(desk, "--to", "editor@example.org", password=PASSWORD)
    assert result.returncode == 0, result.stderr
    assert inbox.only()["Subject"].startswith("[TEST] ")
    assert PASSWORD not in result.stdout + result.stderr


def test_non_ascii_addresses_go_through_a_server_with_smtputf8(
    desk: Path, start_server: Callable[..., Server]
) -> None:
    inbox, port, _ = start_server(enable_SMTPUTF8=True)
    configure(desk, host="127.0.0.1", port=port, security="none")
    result = send(desk, "--to", "редакция@пример.рф", "--to", "алишер@example.org")
    assert result.returncode == 0, result.stderr
    assert inbox.messages[0][0] == ["редакция@пример.рф", "алишер@example.org"]
    assert inbox.only()["To"] == "редакция@пример.рф, алишер@example.org"


# One test per way a send can fail: the exact line, and the exit code (2: the user's input or
# settings, found before anything is built or sent; 3: the server or the network).


def test_no_server_configured_is_bad_settings(desk: Path) -> None:
    result = send(desk, "--to", "editor@example.org")
    assert (result.returncode, result.stdout, result.stderr) == (
        2,
        "",
        "newsletter.toml: smtp.host: no SMTP server configured: set host under [smtp] in "
        "this file (and port, security, user as needed), or pass --smtp-host\n",
    )


def test_an_smtp_table_without_a_host_is_no_server(desk: Path) -> None:
    configure(desk, security="none", user="desk")
    result = send(desk, "--to", "editor@example.org", password=PASSWORD)
    line = settings_line(desk, "[smtp]")
    assert (result.returncode, result.stderr) == (
        2,
        f"newsletter.toml:{line}: smtp.host: no SMTP server configured: set host under [smtp] "
        "in this file (and port, security, user as needed), or pass --smtp-host\n",
    )


def test_smtp_host_on_the_command_line_needs_no_settings(desk: Path, server: Server) -> None:
    inbox, port, _ = server
    result = send(desk, "--to", "editor@example.org", *on_the_command_line(port))
    assert result.returncode == 0, result.stderr
    assert len(inbox.messages) == 1


def test_missing_password_is_bad_settings_found_before_connecting(desk: Path) -> None:
    port = free_port()  # nothing listens: a connection would fail with exit 3
    configure(desk, host="127.0.0.1", port=port, user="desk")
    result = send(desk, "--to", "editor@example.org", password="")
    line = settings_line(desk, 'user = "desk"')
    assert (result.returncode, result.stderr) == (
        2,
        f"newsletter.toml:{line}: smtp.user: desk needs a password: "
        "set NEWSLETTER_SMTP_PASSWORD in the environment\n",
    )


def test_missing_password_for_smtp_user_on_the_command_line(desk: Path) -> None:
    configure(desk, host="127.0.0.1", port=free_port())
    result = send(desk, "--to", "editor@example.org", "--smtp-user", "desk")
    assert (result.returncode, result.stderr) == (
        2,
        "--smtp-user: desk needs a password: set NEWSLETTER_SMTP_PASSWORD in the environment\n",
    )


def test_bad_recipient_address_is_bad_input(desk: Path) -> None:
    result = send(desk, "--to", "editor at example.org", "--to", "редакция@пример")
    assert (result.returncode, result.stderr) == (
        2,
        "--to: not an e-mail address: 'editor at example.org'\n"
        "--to: not an e-mail address: 'редакция@пример'\n",
    )


def test_connection_refused(desk: Path) -> None:
    port = free_port()
    configure(desk, host="127.0.0.1", port=port, security="none")
    result = send(desk, "--to", "editor@example.org")
    assert (result.returncode, result.stderr) == (
        3,
        f"error: cannot connect to 127.0.0.1:{port}: connection refused\n",
    )


def test_server_that_never_answers_times_out(desk: Path) -> None:
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(1)  # accepts the connection (backlog) and never says hello
    port = silent.getsockname()[1]
    held: list[socket.socket] = []
    accepting = threading.Thread(target=lambda: held.append(silent.accept()[0]), daemon=True)
    accepting.start()
    try:
        configure(desk, host="127.0.0.1", port=port, security="none", timeout=1)
        result = send(desk, "--to", "editor@example.org")
    finally:
        for connection in held:
            connection.close()
        silent.close()
    assert (result.returncode, result.stderr) == (
        3,
        f"error: 127.0.0.1:{port} did not answer within 1 s\n",
    )


@pytest.mark.tls
def test_untrusted_certificate_is_a_tls_failure(desk: Path, server: Server) -> None:
    _, port, _ = server
    configure(desk, host="127.0.0.1", port=port, security="starttls", user="desk")
    result = send(desk, "--to", "editor@example.org", password=PASSWORD)
    assert (result.returncode, result.stderr) == (
        3,
        f"error: 127.0.0.1:{port}: the server's certificate is not trusted (unable to get "
        "local issuer certificate); set smtp.ca_file to trust it\n",
    )


def test_tls_to_a_server_that_speaks_plain_smtp_is_a_tls_failure(
    desk: Path, server: Server
) -> None:
    _, port, _ = server
    configure(desk, host="127.0.0.1", port=port, security="ssl")
    result = send(desk, "--to", "editor@example.org")
    assert (result.returncode, result.stderr) == (
        3,
        f"error: 127.0.0.1:{port}: TLS failed ([SSL: WRONG_VERSION_NUMBER] wrong version "
        "number): check smtp.security and smtp.port\n",
    )


def test_starttls_not_offered(desk: Path, server: Server) -> None:
    inbox, port, _ = server  # no TLS certificate: the server does not offer STARTTLS
    configure(desk, host="127.0.0.1", port=port, security="starttls")
    result = send(desk, "--to", "editor@example.org")
    assert (result.returncode, result.stderr) == (
        3,
        f'error: 127.0.0.1:{port} does not offer STARTTLS, which security "starttls" '
        "requires: check smtp.security and smtp.port\n",
    )
    assert inbox.messages == []


@pytest.mark.tls
def test_wrong_password_is_one_line_and_never_printed(desk: Path, server: Server) -> None:
    _, port, ca_file = server
    configure(desk, host="127.0.0.1", port=port, user="desk", ca_file=str(ca_file))
    result = send(desk, "--to", "editor@example.org", password="wrong-" + PASSWORD)
    assert (result.returncode, result.stderr) == (
        3,
        f"error: 127.0.0.1:{port} refused the login of desk: "
        "535 5.7.8 Authentication credentials invalid\n",
    )
    assert PASSWORD not in result.stdout + result.stderr


def test_no_login_offered(desk: Path, start_server: Callable[..., Server]) -> None:
    _, port, _ = start_server(auth_required=True, authenticator=check_login)
    configure(desk, host="127.0.0.1", port=port, security="none", user="desk")
    result = send(desk, "--to", "editor@example.org", password=PASSWORD)
    assert (result.returncode, result.stderr) == (
        3,
        f"error: 127.0.0.1:{port} offers no login (AUTH) for desk: check smtp.security "
        "(most servers offer one only over TLS)\n",
    )


def test_refused_recipients_get_a_line_each(desk: Path, server: Server) -> None:
    inbox, port, _ = server
    configure(desk, host="127.0.0.1", port=port, security="none")
    result = send(desk, "--to", "nobody@example.org", "--to", "nobody@example.net")
    assert (result.returncode, result.stderr) == (
        3,
        "error: the server refused nobody@example.net: 550 5.1.1 No such mailbox\n"
        "error: the server refused nobody@example.org: 550 5.1.1 No such mailbox\n",
    )
    partly = send(desk, "--to", "editor@example.org", "--to", "nobody@example.org")
    assert (partly.returncode, partly.stderr) == (
        3,
        "error: the server refused nobody@example.org: 550 5.1.1 No such mailbox\n",
    )
    assert inbox.messages[-1][0] == ["editor@example.org"]


def test_non_ascii_address_without_smtputf8(
    desk: Path, start_server: Callable[..., Server]
) -> None:
    inbox, port, _ = start_server(enable_SMTPUTF8=False)
    configure(desk, host="127.0.0.1", port=port, security="none")
    result = send(
        desk,
        "--to",
        "editor@example.org",
        "--to",
        "редакция@пример.рф",
        "--to",
        "алишер@example.org",
    )
    assert (result.returncode, result.stderr) == (
        3,
        f"error: редакция@пример.рф is not ASCII, so it needs SMTPUTF8, which 127.0.0.1:{port} "
        "does not offer\n"
        f"error: алишер@example.org is not ASCII, so it needs SMTPUTF8, which 127.0.0.1:{port} "
        "does not offer\n",
    )
    assert inbox.messages == []  # not even to the ASCII address


def test_command_line_overrides_the_settings(desk: Path, server: Server) -> None:
    inbox, port, _ = server
    configure(desk, host="smtp.invalid", port=1, security="ssl")
    result = send(desk, "--to", "editor@example.org", *on_the_command_line(port))
    assert result.returncode == 0, result.stderr
    assert len(inbox.messages) == 1
