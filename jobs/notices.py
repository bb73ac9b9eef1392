"""What is due, for whom, on a date: the reminder stages, read from the engine's verdicts.

Nothing here decides a status. The training list, course statuses and month statuses come from
tracker.compliance (through tracker.views.population); this module only maps them to stages and recipients:

| engine says | stage | who | repeats |
| --- | --- | --- | --- |
| course due_soon, 60/30/7 days or fewer left | expires-60d/30d/7d | staff | once per stage and expiry date |
| new-starter course due, 60/30/7 days left | due-60d/30d/7d | staff | once per stage and due date |
| course expired / missing | expired / missing | staff + clinical supervisors | weekly (ISO week) |
| this month in progress on or after the 20th | supervision-due | supervisee + supervisors | once a month |
| last month missed | supervision-missed | leads covering the person | once a month |
| a session still unconfirmed | confirm | the supervisee (signed link) | once |
| an employer policy's review date passed | review-overdue | the policy owner | weekly |

People absent on the date get none of the staff or supervisor reminders (absence pauses them).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cached_property

from jobs.directory import Directory, Recipient
from tracker import compliance as c
from tracker.dates import add_months, month_start
from tracker.models import EmployerPolicy, Organisation, PolicyTopic, SessionAttendee, SupervisionSession

# Makes the signed single-use link a supervisee follows to confirm a session: (session id, person id) -> URL.
LinkMaker = Callable[[int, int], str]

STAGE_DAYS = (7, 30, 60)
SUPERVISION_NUDGE_DAY = 20
CONFIRM_WITHIN_DAYS = 30

# Sections of the combined email, in the order they appear.
YOU, SUPERVISEES, CONFIRM, TEAM, POLICIES, DIGEST = "you", "supervisees", "confirm", "team", "policies", "digest"
SECTION_TITLES = {
    YOU: "About you",
    CONFIRM: "Supervision sessions to confirm",
    SUPERVISEES: "Your supervisees",
    TEAM: "Your team",
    POLICIES: "Policies you own",
    DIGEST: "This week in your team",
}

# Pages of the app that a reminder points to.
MY_PAGE = "/me"
SUPERVISEES_PAGE = "/supervisees"
LOG_SESSION_PAGE = "/supervision/log"
POLICIES_PAGE = "/policies"
DASHBOARD_PAGE = "/dashboard"


def person_page(person_id: int) -> str:
    return f"/people/{person_id}"


def confirm_page(token: str) -> str:
    return f"/confirm/{token}"


@dataclass(frozen=True)
class Notice:
    """One thing to tell one recipient. Its key is what the ledger keeps unique."""

    recipient: Recipient
    person_id: int | None
    item: str
    stage: str
    period: str
    section: str
    text: str
    link: str  # a path in the app, or a full URL
    details: tuple[str, ...] = ()  # sub-points shown under the line (a digest's changes)
    key: str = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # Made with the notice: the ledger, the grouping and the claims read it for each of a scan's ~100,000
        # notices (as a cached_property, its lookup alone took a tenth of the scan at 10,000 staff).
        who = self.recipient.key
        base = f"{self.person_id if self.person_id is not None else '-'}:{self.item}:{self.stage}:{self.period}"
        if len(base) + len(who) > 250:
            who = "h:" + hashlib.sha256(who.encode()).hexdigest()[:32]
        object.__setattr__(self, "key", f"{base}:{who}")


def iso_week(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def _uk(d: date | None) -> str:
    """dd/mm/yyyy, as tracker.dates.uk, without strftime's cost (called tens of thousands of times a scan)."""
    return f"{d.day:02d}/{d.month:02d}/{d.year:04d}" if d else ""


@dataclass(frozen=True)
class ScanDay:
    """The scan's date and what follows from it, worked out once rather than once per person."""

    as_of: date
    week: str
    this_month: date
    last_month: date

    @classmethod
    def of(cls, as_of: date) -> ScanDay:
        this_month = month_start(as_of)
        return cls(as_of, iso_week(as_of), this_month, add_months(this_month, -1))

    @cached_property
    def this_label(self) -> tuple[str, str]:
        """("November 2026", "2026-11") for the scan's month."""
        return self.this_month.strftime("%B %Y"), self.this_month.strftime("%Y-%m")

    @cached_property
    def last_label(self) -> tuple[str, str]:
        return self.last_month.strftime("%B %Y"), self.last_month.strftime("%Y-%m")


def _stage_for(days_left: int) -> int | None:
    return next((d for d in STAGE_DAYS if days_left <= d), None)


def _absent(records: c.PersonRecords, day: date) -> bool:
    return any(a.start <= day <= a.end for a in records.absences)


def training_notices(result: c.PersonCompliance, people: Directory, day: ScanDay) -> Iterable[Notice]:
    staff = people.person(result.person_id)
    supervisors = people.supervisors_of(result.person_id)
    as_of, week = day.as_of, day.week
    for course in result.training:
        if course.status == c.COMPLIANT:
            continue
        item = f"course:{course.course}"
        if course.status == c.DUE_SOON and course.expires_on is not None:
            days = (course.expires_on - as_of).days
            stage = _stage_for(days)
            if stage is not None and staff is not None:
                text = f"{course.name} expires on {_uk(course.expires_on)} ({_in_days(days)}): book a renewal."
                period = course.expires_on.isoformat()
                yield Notice(staff, result.person_id, item, f"expires-{stage}d", period, YOU, text, MY_PAGE)
        elif course.status == c.DUE and course.due_by is not None:
            days = (course.due_by - as_of).days
            stage = _stage_for(days)
            if stage is not None and staff is not None:
                text = f"{course.name} is due by {_uk(course.due_by)} ({_in_days(days)}): you have not done it yet."
                period = course.due_by.isoformat()
                yield Notice(staff, result.person_id, item, f"due-{stage}d", period, YOU, text, MY_PAGE)
        elif course.status in (c.EXPIRED, c.MISSING):
            if course.status == c.EXPIRED:
                what = f"{course.name} expired on {_uk(course.expires_on)}"
            else:
                what = f"{course.name} has not been done (it was due by {_uk(course.due_by)})"
            if staff is not None:
                yield Notice(staff, result.person_id, item, course.status, week, YOU, f"{what}.", MY_PAGE)
            for supervisor in supervisors:
                text = f"{result.name}: {what}."
                yield Notice(
                    supervisor, result.person_id, item, course.status, week, SUPERVISEES, text,
                    person_page(result.person_id),
                )


def supervision_notices(result: c.PersonCompliance, people: Directory, day: ScanDay) -> Iterable[Notice]:
    if day.as_of.day < SUPERVISION_NUDGE_DAY:
        return
    this_month = result.month(day.this_month)
    staff = people.person(result.person_id)
    if this_month is not None and this_month.status == c.IN_PROGRESS:
        label, period = day.this_label
        item = f"supervision:{period}"
        so_far = f"{this_month.period_total} of {this_month.required} minutes"
        if this_month.period_months > 1:  # a longer period: its total so far, named by its months
            label = this_month.period_label
        if staff is not None:
            text = f"Supervision in {label}: {so_far} so far. Arrange a session with your supervisor."
            yield Notice(staff, result.person_id, item, "supervision-due", period, YOU, text, MY_PAGE)
        for supervisor in people.supervisors_of(result.person_id):
            text = f"{result.name} has had {so_far} of supervision in {label}. Log a session when you meet."
            yield Notice(
                supervisor, result.person_id, item, "supervision-due", period, SUPERVISEES, text, LOG_SESSION_PAGE
            )


def missed_month_notices(result: c.PersonCompliance, people: Directory, day: ScanDay) -> Iterable[Notice]:
    last_month = result.month(day.last_month)
    if last_month is None or last_month.status != c.MISSED:
        return
    leads = people.leads_of(result.person_id)
    if not leads:
        return
    label, period = day.last_label
    if last_month.period_months > 1:
        label = last_month.period_label
    text = (
        f"{result.name} missed supervision in {label} "
        f"({last_month.period_total} of {last_month.required} minutes)."
    )
    for lead in leads:
        yield Notice(
            lead, result.person_id, f"supervision:{period}", "supervision-missed", period, TEAM, text,
            person_page(result.person_id),
        )


def confirmation_notices(
    people: Directory, as_of: date, eligible: set[int], link_for: LinkMaker
) -> Iterable[Notice]:
    """Sessions the supervisee has not yet confirmed, logged in the last 30 days: a signed link, once."""
    query = (
        SessionAttendee.select(
            SessionAttendee.session, SessionAttendee.person, SupervisionSession.date, SupervisionSession.supervisor,
            SupervisionSession.minutes,
        )
        .join(SupervisionSession)
        .where(
            (SessionAttendee.confirmation == "pending")
            & (SupervisionSession.date <= as_of)
            & (SupervisionSession.date >= as_of - timedelta(days=CONFIRM_WITHIN_DAYS))
        )
        .tuples()
    )
    for session_id, person_id, day, supervisor_id, minutes in query:
        staff = people.person(person_id)
        if staff is None or person_id not in eligible:
            continue
        supervisor = people.person(supervisor_id)
        by = f" with {supervisor.name}" if supervisor else ""
        text = f"Please confirm your supervision session on {_uk(day)}{by} ({minutes} minutes)."
        yield Notice(
            staff, person_id, f"session:{session_id}", "confirm", "once", CONFIRM, text,
            link_for(session_id, person_id),
        )


def policy_review_notices(people: Directory, as_of: date) -> Iterable[Notice]:
    query = (
        EmployerPolicy.select(
            EmployerPolicy.id, PolicyTopic.name, Organisation.name, EmployerPolicy.owner, EmployerPolicy.owner_email,
            EmployerPolicy.review_date,
        )
        .join(PolicyTopic)
        .switch(EmployerPolicy)
        .join(Organisation)
        .where(EmployerPolicy.review_date.is_null(False) & (EmployerPolicy.review_date < as_of))
        .tuples()
    )
    week = iso_week(as_of)
    for policy_id, topic, employer, owner, owner_email, review_date in query:
        if not owner_email or "@" not in owner_email:
            continue
        owner_recipient = people.by_email(owner_email, owner or "")
        text = f"{employer}: the '{topic}' policy was due for review on {_uk(review_date)}."
        yield Notice(
            owner_recipient, None, f"policy:{policy_id}", "review-overdue", week, POLICIES, text, POLICIES_PAGE
        )


def _in_days(days: int) -> str:
    if days <= 0:
        return "today"
    return "in 1 day" if days == 1 else f"in {days} days"


def plan_notices(
    results: list[c.PersonCompliance],
    records: dict[int, c.PersonRecords],
    people: Directory,
    as_of: date,
    link_for: LinkMaker,
) -> list[Notice]:
    """Every notice due on as_of, before the ledger says which were already sent."""
    notices: list[Notice] = []
    eligible: set[int] = set()
    day = ScanDay.of(as_of)
    for result in results:
        if result.person_id in people.archived:
            continue
        notices.extend(missed_month_notices(result, people, day))
        person_records = records.get(result.person_id)
        if person_records is not None and _absent(person_records, as_of):
            continue
        eligible.add(result.person_id)
        notices.extend(training_notices(result, people, day))
        notices.extend(supervision_notices(result, people, day))
    notices.extend(confirmation_notices(people, as_of, eligible, link_for))
    notices.extend(policy_review_notices(people, as_of))
    return notices
