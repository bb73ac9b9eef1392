"""Mail over TLS against a real aiosmtpd server holding a certificate the test makes (trustme): STARTTLS on the
submission port and implicit TLS ("ssl"); a certificate from a CA we were not told to trust, or for another
name, is refused before anything is sent, and the jobs page says why."""

from __future__ import annotations

import logging
import ssl
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pytest
import trustme
from aiosmtpd.controller import Controller
from nicegui.testing import User as Visitor

from jobs.mailer import OutgoingEmail, send_all, send_test_email
from jobs.reminders import scan_once
from tests.jobs_support import MailServer, free_port, settings_for
from tests.test_jobs_retries import two_people_to_remind
from tests.ui_fixtures import sign_in, ui_database  # noqa: F401
from tracker.errors import SettingsError, TrackerError
from tracker.models import ReminderLedger
from tracker.settings import Settings

T0 = datetime(2026, 12, 15, 7, 0)
NOT_TRUSTED = "the mail server's certificate was not trusted"


@dataclass
class TlsServer:
    mail: MailServer
    mode: str  # TRACKER_SMTP_SECURITY: starttls or ssl
    ca_file: Path


def _context_for(ca: trustme.CA, *names: str) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert(*names).configure_cert(context)
    return context


@pytest.fixture(scope="module")
def our_ca() -> trustme.CA:
    return trustme.CA(organization_name="Tracker test CA")


@pytest.fixture
def ca_file(our_ca: trustme.CA, tmp_path: Path) -> Path:
    path = tmp_path / "our-ca.pem"
    our_ca.cert_pem.write_to_path(str(path))
    return path


def _serve(mode: str, context: ssl.SSLContext | None) -> Iterator[MailServer]:
    """A server offering STARTTLS (and refusing mail without it), speaking TLS from the start, or plain."""
    server = MailServer("127.0.0.1", free_port())
    if mode == "plain":
        controller = Controller(server, hostname=server.host, port=server.port)
    elif mode == "starttls":
        controller = Controller(
            server, hostname=server.host, port=server.port, tls_context=context, require_starttls=True
        )
    else:
        controller = Controller(server, hostname=server.host, port=server.port, ssl_context=context)
    controller.start()
    try:
        yield server
    finally:
        controller.stop()


@pytest.fixture(params=["starttls", "ssl"])
def tls_server(request: pytest.FixtureRequest, our_ca: trustme.CA, ca_file: Path) -> Iterator[TlsServer]:
    for mail in _serve(request.param, _context_for(our_ca, "127.0.0.1", "localhost")):
        yield TlsServer(mail, request.param, ca_file)


def _settings(server: TlsServer, tmp_path: Path, **changes: object) -> Settings:
    values: dict[str, object] = {"smtp_security": server.mode, "smtp_ca_file": server.ca_file}
    values.update(changes)
    return settings_for(server.mail, tmp_path, **values)


def test_mail_goes_over_tls_to_a_server_whose_ca_we_trust(tls_server: TlsServer, tmp_path: Path) -> None:
    results = send_all(_settings(tls_server, tmp_path), [OutgoingEmail("asha@team.test", "Hi", "Over TLS\n")])
    assert results == [None]
    [got] = tls_server.mail.received
    assert got.to == ["asha@team.test"] and got.text.strip() == "Over TLS"


def test_a_certificate_from_a_ca_not_trusted_is_refused_and_nothing_sent(
    tls_server: TlsServer, tmp_path: Path
) -> None:
    # No CA file: the system's trust store does not know the test's CA.
    [error] = send_all(_settings(tls_server, tmp_path, smtp_ca_file=None), [OutgoingEmail("a@team.test", "Hi", "x\n")])
    assert error is not None and error.startswith(NOT_TRUSTED)
    assert "certificate verify failed" in error or "unable to get local issuer" in error
    assert "TRACKER_SMTP_CA_FILE" in error
    assert tls_server.mail.received == []


@pytest.mark.parametrize("mode", ["starttls", "ssl"])
def test_a_certificate_for_another_name_is_refused(
    mode: str, our_ca: trustme.CA, ca_file: Path, tmp_path: Path
) -> None:
    for mail in _serve(mode, _context_for(our_ca, "smtp.elsewhere.test")):
        settings = settings_for(mail, tmp_path, smtp_security=mode, smtp_ca_file=ca_file)
        [error] = send_all(settings, [OutgoingEmail("a@team.test", "Hi", "x\n")])
        assert error is not None and error.startswith(NOT_TRUSTED)
        assert "mismatch" in error or "doesn't match" in error or "not valid for" in error, error
        assert mail.received == []


def test_a_plain_server_asked_for_starttls_is_refused_not_sent_in_clear(tmp_path: Path) -> None:
    for mail in _serve("plain", None):
        settings = settings_for(mail, tmp_path, smtp_security="starttls")
        [error] = send_all(settings, [OutgoingEmail("a@team.test", "Hi", "x\n")])
        assert error is not None and "does not offer STARTTLS" in error
        assert mail.received == []


def test_the_test_email_says_the_certificate_was_not_trusted(tls_server: TlsServer, tmp_path: Path) -> None:
    with pytest.raises(TrackerError, match="not sent: the mail server's certificate was not trusted"):
        send_test_email(_settings(tls_server, tmp_path, smtp_ca_file=None), "admin@team.test")


def test_a_ca_file_that_is_not_there_stops_start_up() -> None:
    with pytest.raises(SettingsError, match="TRACKER_SMTP_CA_FILE"):
        Settings.from_env({"TRACKER_SMTP_CA_FILE": "/nowhere/ca.pem"})


def test_the_ca_file_setting_is_read(ca_file: Path) -> None:
    assert Settings.from_env({"TRACKER_SMTP_CA_FILE": str(ca_file)}).smtp_ca_file == ca_file


@pytest.mark.usefixtures("ui_database")
async def test_the_jobs_page_says_the_mail_servers_certificate_was_not_trusted(
    user: Visitor, our_ca: trustme.CA, tmp_path: Path
) -> None:
    two_people_to_remind()
    server_log = logging.getLogger("mail.log")  # aiosmtpd logs the handshake we broke off as an ERROR
    server_log.disabled = True
    try:
        for mail in _serve("starttls", _context_for(trustme.CA(), "127.0.0.1")):  # a CA nobody trusts
            scan_once(T0.date(), settings_for(mail, tmp_path, smtp_security="starttls"), now=T0)
            assert mail.received == []
    finally:
        server_log.disabled = False
    assert all(NOT_TRUSTED in (row.last_error or "") for row in ReminderLedger.select())
    await sign_in(user, "admin@example.nhs.uk", then="/admin/jobs")
    await user.should_see("2 reminder(s) failing")
    await user.should_see(NOT_TRUSTED)
