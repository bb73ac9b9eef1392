"""Telling administrators that reminders are not going out: once per outage, never once per reminder.

An outage starts with the first failed email while none is open, and ends when an email goes through and no
reminder is failing any more. Each administrator gets one inbox message when it starts, one if reminders are
given up during it, and one when it ends. Only one outage is open at a time, across threads and instances: it
is claimed by a unique key, and only whoever inserted it sends the message.
"""

from __future__ import annotations

from datetime import datetime

from jobs import ledger
from tracker.dates import uk
from tracker.db import database
from tracker.models import MailOutage, ReminderLedger, User
from tracker.services import inbox

OPEN = "open"
LINK = "/admin/jobs"
ACTOR = "scheduler"


def _admins() -> list[int]:
    users = User.select(User.id, User.roles).where(User.active == True)  # noqa: E712 - SQL, not Python
    return [u.id for u in users if "admin" in u.role_set]


def _tell(subject: str, body: str) -> int:
    return inbox.notify_many([inbox.Note(uid, subject, body, LINK) for uid in _admins()], actor=ACTOR)


def _when(moment: datetime) -> str:
    return f"{uk(moment.date())} {moment:%H:%M} UTC"


def failed(error: str, now: datetime) -> bool:
    """An email failed: start an outage (telling administrators) unless one is open. True when this started it."""
    with database.atomic():
        inserted = list(
            MailOutage.insert(open_key=OPEN, started_at=now, first_error=error[:2000], last_error=error[:2000])
            .on_conflict_ignore()
            .returning(MailOutage.id)
            .tuples()
            .execute()
        )
        if not inserted:  # one is open already: count this failure in it
            MailOutage.update(last_error=error[:2000], failures=MailOutage.failures + 1).where(
                MailOutage.open_key == OPEN
            ).execute()
            return False
        first = ledger.wait_after(1)
        _tell(
            "Reminder emails are not going out",
            f"Since {_when(now)} reminder emails are failing: {error}\n\n"
            f"Nothing is lost: each failed reminder is tried again, first after {first.seconds // 60} minutes, "
            f"then after longer and longer waits (up to {ledger.LONGEST_WAIT.seconds // 3600} hours apart), and "
            f"given up only if it still fails {ledger.GIVE_UP_AFTER.days} days after it was first due. "
            "The in-app messages went as usual. Check the mail settings on the jobs page; you will be told here "
            "when reminders go out again.",
        )
        return True


def gave_up(count: int, now: datetime) -> None:
    """Reminders were given up: say so, once per outage (and on its own if none is open)."""
    if count <= 0:
        return
    with database.atomic():
        outage = MailOutage.get_or_none(MailOutage.open_key == OPEN)
        if outage is not None:
            if outage.gave_up_told:
                return
            MailOutage.update(gave_up_told=True).where(MailOutage.id == outage.id).execute()
        _tell(
            "Reminders were given up after failing for 14 days",
            f"On {_when(now)}, {count} reminder(s) were given up: they had failed to go for "
            f"{ledger.GIVE_UP_AFTER.days} days. The last error: "
            f"{outage.last_error if outage is not None else 'see the jobs page'}. They are listed on the jobs page; "
            "the people concerned still see what is due when they sign in.",
        )


def settle(now: datetime, delivered: bool) -> None:
    """After a scan or a retry: end the open outage once an email went and no reminder is failing any more.

    Without an email delivered the outage stays open even if every failing reminder was given up: mail still
    does not work, and administrators were told already."""
    if not delivered:
        return
    with database.atomic():
        outage = MailOutage.get_or_none(MailOutage.open_key == OPEN)
        if outage is None:
            return
        if ReminderLedger.select().where(ReminderLedger.status == ledger.FAILED).exists():
            return
        MailOutage.update(open_key=None, ended_at=now).where(MailOutage.id == outage.id).execute()
        _tell(
            "Reminder emails are going out again",
            f"The failures that began on {_when(outage.started_at)} have ended ({outage.failures} failed "
            f"attempt(s)); no reminder is waiting to be retried.",
        )


def current() -> MailOutage | None:
    return MailOutage.get_or_none(MailOutage.open_key == OPEN)
