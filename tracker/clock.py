"""The only place that reads the clock. Everything else is given the date.

The time zone is passed in (the configured one travels from the composition root on `Settings`); without one
the clock uses the default zone, never a settings global.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from tracker.settings import DEFAULT_TIMEZONE


def zone(name: str | None = None) -> ZoneInfo:
    return ZoneInfo(name or DEFAULT_TIMEZONE)


def now(tz: str | None = None) -> datetime:
    return datetime.now(zone(tz))


def today(tz: str | None = None) -> date:
    return now(tz).date()


def utc_now() -> datetime:
    return datetime.now(ZoneInfo("UTC")).replace(tzinfo=None)
