"""One frozen settings object read from the environment; a bad value stops start-up with its name."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from tracker.errors import SettingsError

DEFAULT_DATABASE_URL = "sqlite:///data/tracker.db"
DEFAULT_TIMEZONE = "Europe/London"
DEFAULT_REMINDER_TIME = "07:00"
DEFAULT_RETENTION_DAYS = 2190  # six years


@dataclass(frozen=True)
class Settings:
    database_url: str = DEFAULT_DATABASE_URL
    data_dir: Path = Path("data")
    base_url: str = "http://localhost:8080"
    timezone: str = DEFAULT_TIMEZONE
    smtp_host: str | None = None
    smtp_port: int = 587
    smtp_security: str = "starttls"
    smtp_user: str | None = None
    smtp_password: str | None = field(default=None, repr=False)
    smtp_ca_file: Path | None = None  # trust this CA (PEM) for the mail server instead of the system's
    mail_from: str | None = None
    scheduler: bool = True
    test_postgres_url: str | None = None
    reminder_time: str = DEFAULT_REMINDER_TIME
    retention_days: int = DEFAULT_RETENTION_DAYS
    backup_keep: int = 14
    oidc_issuer: str | None = None  # OpenID Connect sign-in (NHSmail / Entra ID) is on when this is set
    oidc_client_id: str | None = None
    oidc_client_secret: str | None = field(default=None, repr=False)
    oidc_label: str = "Sign in with NHSmail"

    @property
    def oidc_enabled(self) -> bool:
        return bool(self.oidc_issuer and self.oidc_client_id)

    @property
    def email_enabled(self) -> bool:
        return bool(self.smtp_host)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if env is None else env

        def get(name: str) -> str | None:
            value = env.get(name)
            return value.strip() if value and value.strip() else None

        url = get("TRACKER_DATABASE_URL") or DEFAULT_DATABASE_URL
        if not url.startswith(("sqlite://", "postgresql://", "postgres://", "postgresext://")):
            raise SettingsError("TRACKER_DATABASE_URL must start with sqlite:/// or postgresql://")

        tz = get("TRACKER_TIMEZONE") or DEFAULT_TIMEZONE
        try:
            ZoneInfo(tz)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise SettingsError(f"TRACKER_TIMEZONE: '{tz}' is not a known time zone") from exc

        port_text = get("TRACKER_SMTP_PORT") or "587"
        if not port_text.isdigit() or not 0 < int(port_text) < 65536:
            raise SettingsError(f"TRACKER_SMTP_PORT: '{port_text}' is not a port number (1-65535)")

        security = (get("TRACKER_SMTP_SECURITY") or "starttls").lower()
        if security not in {"starttls", "ssl", "none"}:
            raise SettingsError("TRACKER_SMTP_SECURITY must be starttls, ssl or none")

        ca_text = get("TRACKER_SMTP_CA_FILE")
        if ca_text and not Path(ca_text).is_file():
            raise SettingsError(f"TRACKER_SMTP_CA_FILE: '{ca_text}' is not a file (a PEM file of trusted CAs)")

        host = get("TRACKER_SMTP_HOST")
        mail_from = get("TRACKER_MAIL_FROM")
        if host and not mail_from:
            raise SettingsError("TRACKER_MAIL_FROM is required when TRACKER_SMTP_HOST is set")

        scheduler = (get("TRACKER_SCHEDULER") or "on").lower()
        if scheduler not in {"on", "off"}:
            raise SettingsError("TRACKER_SCHEDULER must be on or off")

        base_url = get("TRACKER_BASE_URL") or "http://localhost:8080"
        if not base_url.startswith(("http://", "https://")):
            raise SettingsError("TRACKER_BASE_URL must start with http:// or https://")

        reminder_time = get("TRACKER_REMINDER_TIME") or DEFAULT_REMINDER_TIME
        hh, _, mm = reminder_time.partition(":")
        if not (hh.isdigit() and mm.isdigit() and int(hh) < 24 and int(mm) < 60):
            raise SettingsError("TRACKER_REMINDER_TIME must be HH:MM (24-hour, Europe/London)")

        retention_days = _positive_int(get("TRACKER_RETENTION_DAYS"), "TRACKER_RETENTION_DAYS", DEFAULT_RETENTION_DAYS)
        backup_keep = _positive_int(get("TRACKER_BACKUP_KEEP"), "TRACKER_BACKUP_KEEP", 14)

        oidc_issuer = get("TRACKER_OIDC_ISSUER")
        oidc_client_id = get("TRACKER_OIDC_CLIENT_ID")
        if oidc_issuer:
            _check_issuer(oidc_issuer)
            if not oidc_client_id:
                raise SettingsError("TRACKER_OIDC_CLIENT_ID is required when TRACKER_OIDC_ISSUER is set")

        return cls(
            database_url=url,
            data_dir=Path(get("TRACKER_DATA_DIR") or "data"),
            base_url=base_url.rstrip("/"),
            timezone=tz,
            smtp_host=host,
            smtp_port=int(port_text),
            smtp_security=security,
            smtp_user=get("TRACKER_SMTP_USER"),
            smtp_password=get("TRACKER_SMTP_PASSWORD"),
            smtp_ca_file=Path(ca_text) if ca_text else None,
            mail_from=mail_from,
            scheduler=scheduler == "on",
            test_postgres_url=get("TRACKER_TEST_POSTGRES_URL"),
            reminder_time=reminder_time,
            retention_days=retention_days,
            backup_keep=backup_keep,
            oidc_issuer=oidc_issuer.rstrip("/") if oidc_issuer else None,
            oidc_client_id=oidc_client_id,
            oidc_client_secret=get("TRACKER_OIDC_CLIENT_SECRET"),
            oidc_label=get("TRACKER_OIDC_LABEL") or "Sign in with NHSmail",
        )


def _check_issuer(issuer: str) -> None:
    """HTTPS, except a provider on this machine (a test's, or a developer's)."""
    parts = urlsplit(issuer)
    local = parts.scheme == "http" and parts.hostname in {"127.0.0.1", "localhost", "::1"}
    if not parts.netloc or not (parts.scheme == "https" or local):
        raise SettingsError(f"TRACKER_OIDC_ISSUER: '{issuer}' must be an https:// address (the issuer's URL)")


def _positive_int(text: str | None, name: str, default: int) -> int:
    if text is None:
        return default
    if not text.isdigit() or int(text) < 1:
        raise SettingsError(f"{name}: '{text}' must be a whole number of 1 or more")
    return int(text)
