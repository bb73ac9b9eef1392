"""The reminder scan: ask the engine what is due, claim each reminder in the ledger, send one message each.

`scan_once(as_of)` is the whole unit; the scheduler, the command line (`remind`) and the jobs page call it.
Under the scan lock it claims every due reminder not yet sent (jobs.ledger), puts one combined message in each
recipient's in-app inbox, sends one combined email to each recipient with an address, and records per reminder
whether it went. A refused or failed email leaves its reminders `failed`, to be tried again after a growing
wait (jobs.ledger; the retry job, `retry_once`) or by the next scan; the rest go on. Administrators hear of
failures once per outage (jobs.outages). Each email's Message-ID comes from the reminders it carries, so a copy
sent again after a dropped connection is recognisable as the same message.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime

from jobs import compose, ledger, outages
from jobs.directory import Recipient, load_directory
from jobs.locks import exclusive
from jobs.mailer import OutgoingEmail, send_all
from jobs.notices import Notice, plan_notices
from tracker import compliance
from tracker.clock import utc_now
from tracker.db import database
from tracker.services import audit, inbox
from tracker.services.confirmations import confirmation_url
from tracker.settings import Settings
from tracker.views import population

log = logging.getLogger(__name__)
SCAN_LOCK = "reminder-scan"


@dataclass(frozen=True)
class Delivery:
    """Everything one recipient gets from one scan, in one message."""

    recipient: Recipient
    notices: tuple[Notice, ...]
    by_email: bool
    in_app: bool

    @property
    def channels(self) -> str:
        return " and ".join(c for c, on in (("email", self.by_email), ("in-app", self.in_app)) if on)


@dataclass
class ScanResult:
    as_of: date
    dry_run: bool
    busy: bool = False  # another scan held the lock; this one did nothing
    deliveries: list[Delivery] = field(default_factory=list)
    reminders_sent: int = 0
    reminders_failed: int = 0
    emails_sent: int = 0
    emails_failed: int = 0
    inbox_messages: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def reminders(self) -> int:
        return sum(len(d.notices) for d in self.deliveries)

    def lines(self) -> list[str]:
        """A readable account, as the command line prints it."""
        verb = "would send" if self.dry_run else "sent"
        out = []
        if self.busy:
            return ["another reminder scan is running; nothing was done"]
        for d in self.deliveries:
            where = f"{d.recipient.name} <{d.recipient.email}>" if d.by_email else d.recipient.name
            out.append(f"{verb} to {where} ({d.channels}), {len(d.notices)} item(s):")
            out += [f"  - [{n.stage}] {n.text}" for n in d.notices]
        out.append(self.summary())
        out += [f"error: {e}" for e in self.errors]
        return out

    def summary(self) -> str:
        if self.dry_run:
            return (
                f"as at {self.as_of.isoformat()}: would send {self.reminders} reminder(s) "
                f"to {len(self.deliveries)} recipient(s)"
            )
        return (
            f"as at {self.as_of.isoformat()}: {self.reminders_sent} reminder(s) sent, {self.reminders_failed} "
            f"failed; {self.emails_sent} email(s) sent, {self.emails_failed} failed; "
            f"{self.inbox_messages} in-app message(s)"
        )


def plan(as_of: date, settings: Settings, months: int | None = None) -> list[Notice]:
    """Every reminder due on as_of that someone can receive, whether or not it was already sent.

    Reminders read only the supervision months that decide a status (this month's period and the month
    before: `Rules.recent_months`), so the engine is asked for those rather than the twelve a page shows, and
    the records are read back only that far; `months` asks for more (a test compares the two)."""
    rules = population.load_rules()
    months = months or rules.recent_months
    records = population.load_records(as_of, months=months, widest_period=rules.widest_period)
    results = compliance.assess_all(records, rules, as_of, months)
    people = load_directory(as_of)
    by_id = {r.person_id: r for r in records}

    def link_for(session_id: int, person_id: int) -> str:
        return confirmation_url(settings, session_id, person_id)

    return reachable(plan_notices(results, by_id, people, as_of, link_for), settings)


def reachable(notices: Iterable[Notice], settings: Settings) -> list[Notice]:
    """The notices someone can receive: by email when it is on, else only those with an in-app user."""
    if settings.email_enabled:
        return [n for n in notices if n.recipient.email or n.recipient.user_ids]
    return [replace(n, recipient=replace(n.recipient, email=None)) for n in notices if n.recipient.user_ids]


def group(notices: Iterable[Notice], settings: Settings) -> list[Delivery]:
    """One delivery per mailbox: notices for the same address (say, a lead who is also staff) go together."""
    by_mailbox: dict[str, list[Notice]] = {}
    recipients: dict[str, Recipient] = {}
    for notice in notices:
        who = notice.recipient
        mailbox = f"mail:{who.email.lower()}" if who.email else who.key
        by_mailbox.setdefault(mailbox, []).append(notice)
        known = recipients.get(mailbox)
        if known is None:
            recipients[mailbox] = who
        elif not set(who.user_ids) <= set(known.user_ids):
            recipients[mailbox] = replace(known, user_ids=tuple(dict.fromkeys(known.user_ids + who.user_ids)))
    deliveries = []
    for mailbox in sorted(by_mailbox, key=lambda k: (recipients[k].name.lower(), k)):
        recipient = recipients[mailbox]
        deliveries.append(
            Delivery(
                recipient,
                tuple(by_mailbox[mailbox]),
                by_email=settings.email_enabled and bool(recipient.email),
                in_app=bool(recipient.user_ids),
            )
        )
    return deliveries


Planner = Callable[[date, Settings], list[Notice]]


def preview(as_of: date, settings: Settings, planner: Planner = plan) -> list[Delivery]:
    """What a scan on as_of would send now (nothing is written)."""
    return group(ledger.pending(planner(as_of, settings)), settings)


def scan_once(
    as_of: date, settings: Settings, *, dry_run: bool = False, deliver: bool = True,
    now: datetime | None = None,
) -> ScanResult:
    """Run the scan for as_of. dry_run: only say what would go. deliver=False: claim but do not send (benchmarks).
    `now` (UTC) stamps the ledger and decides the waits; the real time unless given."""
    return run_planned(as_of, settings, plan, SCAN_LOCK, dry_run=dry_run, deliver=deliver, now=now)


def retry_once(as_of: date, settings: Settings, *, now: datetime | None = None) -> ScanResult:
    """Try again the failed reminders whose wait is over at `now`; nothing new is claimed (the retry job)."""
    return run_planned(as_of, settings, plan, SCAN_LOCK, now=now, retries_only=True)


def run_planned(
    as_of: date,
    settings: Settings,
    planner: Planner,
    lock_name: str,
    *,
    dry_run: bool = False,
    deliver: bool = True,
    now: datetime | None = None,
    retries_only: bool = False,
) -> ScanResult:
    """Plan, then (holding lock_name) claim in the ledger and deliver: shared by the scan and the digest."""
    result = ScanResult(as_of, dry_run)
    if dry_run:
        with compliance.collector_paused():  # tens of thousands of new objects, no cycles
            result.deliveries = preview(as_of, settings, planner)
        return result
    _claim_and_deliver(as_of, settings, planner, lock_name, deliver, result, now or utc_now(), retries_only)
    return result


def _claim_and_deliver(
    as_of: date, settings: Settings, planner: Planner, lock_name: str, deliver: bool, result: ScanResult,
    now: datetime, retries_only: bool,
) -> None:
    with exclusive(lock_name) as mine:
        if not mine:
            result.busy = True
            return
        outages.gave_up(ledger.give_up_stale(now), now)
        with compliance.collector_paused():  # tens of thousands of new objects, no cycles
            claims = ledger.claim(planner(as_of, settings), now=now, retries_only=retries_only)
            result.deliveries = group((c.notice for c in claims), settings)
        if deliver:
            _deliver(claims, as_of, settings, result, now)
        outages.settle(now, delivered=result.emails_sent > 0)
        if claims:
            with database.atomic():
                audit.record("scheduler", lock_name, "reminder_ledger", as_of.isoformat(), None, _audit_summary(result))


def _audit_summary(result: ScanResult) -> dict[str, object]:
    return {
        "as_of": result.as_of.isoformat(),
        "reminders_sent": result.reminders_sent,
        "reminders_failed": result.reminders_failed,
        "emails_sent": result.emails_sent,
        "emails_failed": result.emails_failed,
        "inbox_messages": result.inbox_messages,
    }


def _deliver(
    claims: Sequence[ledger.Claim], as_of: date, settings: Settings, result: ScanResult, now: datetime
) -> None:
    by_key = {c.notice.key: c for c in claims}
    unsettled = {c.row_id: c for c in claims}

    def settle(batch: Sequence[ledger.Claim], error: str | None) -> None:
        ledger.release(batch, error, now)
        for c in batch:
            unsettled.pop(c.row_id, None)
        if error is None:
            result.reminders_sent += len(batch)
        else:
            result.reminders_failed += len(batch)

    try:
        result.inbox_messages = _deliver_in_app(result.deliveries, by_key)
        emails: list[OutgoingEmail] = []
        emailed: list[list[ledger.Claim]] = []
        for d in result.deliveries:
            batch = [by_key[n.key] for n in d.notices]
            if d.by_email:
                emails.append(compose.email_for(d.recipient, d.notices, as_of, settings.base_url))
                emailed.append(batch)
            else:
                settle(batch, None)

        def on_result(index: int, error: str | None) -> None:
            settle(emailed[index], error)
            if error is None:
                result.emails_sent += 1
            else:
                result.emails_failed += 1
                result.errors.append(f"{emails[index].to}: {error}")
                log.warning("reminder email to %s failed: %s", emails[index].to, error)
                outages.failed(error, now)

        if emails:
            send_all(settings, emails, on_result)
    finally:
        if unsettled:
            settle(list(unsettled.values()), "the scan stopped before this reminder was sent")


def _deliver_in_app(deliveries: Sequence[Delivery], by_key: dict[str, ledger.Claim]) -> int:
    """One inbox message per user per recipient, for reminders not delivered in the app by an earlier try."""
    notes = []
    for d in deliveries:
        fresh = [n for n in d.notices if by_key[n.key].attempts == 0]
        if not fresh or not d.in_app:
            continue
        subject = compose.subject_for(fresh)
        body = compose.inbox_body(fresh)
        link = compose.inbox_link(fresh)
        notes += [inbox.Note(user_id, subject, body, link) for user_id in d.recipient.user_ids]
    return inbox.notify_many(notes, actor="scheduler")
