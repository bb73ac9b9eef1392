"""A supervisee confirms a logged session from a signed link in an email, without signing in.

The link names the session and the supervisee and is signed (tracker.signing), so it cannot be altered or
made for someone else. It works once: a second click finds the attendance already confirmed and says so.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from tracker.db import database, is_postgres
from tracker.errors import NotFound, ValidationError
from tracker.models import Person, SessionAttendee, SupervisionSession
from tracker.services.supervision import confirm_attendance
from tracker.settings import Settings
from tracker.signing import secret_key, sign, unsign

CONFIRM_PURPOSE = "confirm-session"
CONFIRM_LINK_DAYS = 45

PENDING, CONFIRMED, ALREADY_CONFIRMED, QUERIED = "pending", "confirmed", "already_confirmed", "queried"


@dataclass(frozen=True)
class ConfirmOutcome:
    state: str  # pending | confirmed | already_confirmed | queried
    session_id: int
    session_date: date
    minutes: int
    supervisor: str
    supervisee: str
    kind: str = ""
    mode: str = ""

    @property
    def message(self) -> str:
        what = f"your supervision session on {self.session_date:%d/%m/%Y} with {self.supervisor}"
        if self.state == CONFIRMED:
            return f"Thank you, {self.supervisee}: {what} ({self.minutes} minutes) is confirmed."
        if self.state == PENDING:
            return f"Please check {what} ({self.minutes} minutes) and confirm that the record is right."
        if self.state == ALREADY_CONFIRMED:
            return f"This link was already used: {what} is confirmed. There is nothing more to do."
        return f"You queried {what}. Sign in to see or change your query."


def confirmation_token(settings: Settings, session_id: int, person_id: int) -> str:
    return sign(CONFIRM_PURPOSE, {"s": int(session_id), "p": int(person_id)}, key=secret_key(settings))


def confirmation_url(settings: Settings, session_id: int, person_id: int) -> str:
    return f"{settings.base_url.rstrip('/')}/confirm/{confirmation_token(settings, session_id, person_id)}"


def read_confirmation_token(settings: Settings, token: str) -> tuple[int, int]:
    """(session id, person id) from a link's token; BadToken/ExpiredToken if altered, foreign or too old."""
    payload = unsign(CONFIRM_PURPOSE, token, CONFIRM_LINK_DAYS * 86400, key=secret_key(settings))
    try:
        return int(payload["s"]), int(payload["p"])
    except (KeyError, TypeError, ValueError) as exc:
        raise ValidationError("this link does not name a session") from exc


def _attendance(session_id: int, person_id: int, lock: bool = False) -> tuple[SessionAttendee, Person, Person]:
    query = (
        SessionAttendee.select(SessionAttendee, SupervisionSession)
        .join(SupervisionSession)
        .where((SessionAttendee.session == session_id) & (SessionAttendee.person == person_id))
    )
    if lock and is_postgres():
        query = query.for_update(of=SessionAttendee)
    attendee = query.first()
    if attendee is None:
        raise NotFound("this session is no longer on record for you; sign in to see your supervision")
    return attendee, Person.get_by_id(attendee.session.supervisor_id), Person.get_by_id(person_id)


def _outcome(state: str, attendee: SessionAttendee, supervisor: Person, supervisee: Person) -> ConfirmOutcome:
    session = attendee.session
    return ConfirmOutcome(
        state, session.id, session.date, session.minutes, supervisor.name, supervisee.name, session.kind, session.mode
    )


def describe(session_id: int, person_id: int) -> ConfirmOutcome:
    """The session as the link's page shows it, with its confirmation state (pending, confirmed or queried)."""
    attendee, supervisor, supervisee = _attendance(session_id, person_id)
    state = {"confirmed": ALREADY_CONFIRMED, "queried": QUERIED}.get(attendee.confirmation, PENDING)
    return _outcome(state, attendee, supervisor, supervisee)


def confirm_by_link(session_id: int, person_id: int) -> ConfirmOutcome:
    """Confirm the person's attendance at the session, once; says so if it was already done or queried.

    The attendance row is locked (PostgreSQL) while its state is checked, so two clicks at once confirm once.
    The confirmation itself is the supervision service's (validation, transaction, one audit event).
    """
    with database.atomic():
        attendee, supervisor, supervisee = _attendance(session_id, person_id, lock=True)
        if attendee.confirmation == "confirmed":
            return _outcome(ALREADY_CONFIRMED, attendee, supervisor, supervisee)
        if attendee.confirmation == "queried":
            return _outcome(QUERIED, attendee, supervisor, supervisee)
        confirm_attendance(f"link:{supervisee.staff_id}", session_id, person_id)
    return _outcome(CONFIRMED, attendee, supervisor, supervisee)
