"""SMTP delivery: one connection for a batch, each message's failure kept with that message."""

from __future__ import annotations

import smtplib
import ssl
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formataddr, make_msgid

from tracker.errors import TrackerError
from tracker.settings import Settings

TIMEOUT_SECONDS = 20


@dataclass(frozen=True)
class Attachment:
    filename: str
    content: bytes
    mime_type: str = "application/pdf"


@dataclass(frozen=True)
class OutgoingEmail:
    to: str
    subject: str
    text: str
    html: str | None = None
    to_name: str = ""
    attachments: tuple[Attachment, ...] = ()
    message_id: str | None = None  # stable for a message that may be sent again (a reminder); else a fresh one


class MailNotConfigured(TrackerError):
    def __init__(self) -> None:
        super().__init__("email is off: set TRACKER_SMTP_HOST and TRACKER_MAIL_FROM to send email")


def build_message(settings: Settings, email: OutgoingEmail) -> EmailMessage:
    message = EmailMessage()
    message["From"] = settings.mail_from or ""
    message["To"] = formataddr((email.to_name, email.to)) if email.to_name else email.to
    message["Subject"] = email.subject
    domain = (settings.mail_from or "tracker.local").rpartition("@")[2] or "tracker.local"
    message["Message-ID"] = email.message_id or make_msgid(domain=domain)
    message.set_content(email.text)
    if email.html:
        message.add_alternative(email.html, subtype="html")
    for item in email.attachments:
        maintype, _, subtype = item.mime_type.partition("/")
        message.add_attachment(item.content, maintype=maintype, subtype=subtype or "octet-stream", filename=item.filename)
    return message


def tls_context(settings: Settings) -> ssl.SSLContext:
    """Verifies the server's certificate and name (TLS 1.2 or later), against TRACKER_SMTP_CA_FILE if set."""
    cafile = str(settings.smtp_ca_file) if settings.smtp_ca_file else None
    context = ssl.create_default_context(cafile=cafile)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    return context


def _open(settings: Settings) -> smtplib.SMTP:
    host, port = settings.smtp_host or "", settings.smtp_port
    client: smtplib.SMTP
    if settings.smtp_security == "ssl":
        client = smtplib.SMTP_SSL(host, port, timeout=TIMEOUT_SECONDS, context=tls_context(settings))
    else:
        client = smtplib.SMTP(host, port, timeout=TIMEOUT_SECONDS)
        if settings.smtp_security == "starttls":
            try:
                client.starttls(context=tls_context(settings))
            except BaseException:
                client.close()
                raise
    if settings.smtp_user:
        client.login(settings.smtp_user, settings.smtp_password or "")
    return client


def _describe(exc: BaseException) -> str:
    if isinstance(exc, ssl.SSLCertVerificationError):
        return (
            f"the mail server's certificate was not trusted ({exc.verify_message or exc.reason}); nothing was "
            "sent. Check TRACKER_SMTP_HOST is the name on its certificate, or give its CA in TRACKER_SMTP_CA_FILE"
        )
    if isinstance(exc, smtplib.SMTPNotSupportedError) and "STARTTLS" in str(exc):
        return "the mail server does not offer STARTTLS; nothing was sent (TRACKER_SMTP_SECURITY=starttls)"
    if isinstance(exc, ssl.SSLError):
        return f"TLS with the mail server failed ({exc.reason or exc}); nothing was sent"
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = "; ".join(f"{addr}: {code} {_text(msg)}" for addr, (code, msg) in exc.recipients.items())
        return f"recipient refused ({codes})"
    if isinstance(exc, smtplib.SMTPResponseException):
        return f"server said {exc.smtp_code} {_text(exc.smtp_error)}"
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__


def _text(value: bytes | str) -> str:
    return value.decode(errors="replace") if isinstance(value, bytes) else str(value)


def send_all(
    settings: Settings,
    emails: Sequence[OutgoingEmail],
    on_result: Callable[[int, str | None], None] | None = None,
) -> list[str | None]:
    """Send each email; returns, per email, None when the server accepted it or the reason it did not.

    A refused recipient or message fails only that message. A dropped connection is reopened for the next.
    `on_result(index, error)` is called after each message, so a caller can record progress as it goes.
    """
    if not settings.email_enabled:
        raise MailNotConfigured()
    results: list[str | None] = []
    client: smtplib.SMTP | None = None
    try:
        for index, email in enumerate(emails):
            error: str | None = None
            try:
                if client is None:
                    client = _open(settings)
                client.send_message(build_message(settings, email))
            except (smtplib.SMTPRecipientsRefused, smtplib.SMTPDataError, smtplib.SMTPSenderRefused) as exc:
                error = _describe(exc)
            except (smtplib.SMTPException, OSError) as exc:
                error = _describe(exc)
                _drop(client)
                client = None
            results.append(error)
            if on_result is not None:
                on_result(index, error)
    finally:
        _drop(client)
    return results


def _drop(client: smtplib.SMTP | None) -> None:
    if client is None:
        return
    try:
        client.quit()
    except (smtplib.SMTPException, OSError):
        client.close()


def send_test_email(settings: Settings, to: str) -> None:
    """Send one short message to check the settings; raises TrackerError with the server's reason."""
    to = (to or "").strip()
    if "@" not in to:
        raise TrackerError("give an email address to send the test message to")
    text = (
        "This is a test message from the workforce compliance tracker.\n\n"
        f"If you can read it, reminders can reach you. Sent through {settings.smtp_host}:{settings.smtp_port} "
        f"({settings.smtp_security}).\n"
    )
    [error] = send_all(settings, [OutgoingEmail(to, "Test message from the compliance tracker", text)])
    if error:
        raise TrackerError(f"the test message was not sent: {error}")
