"""For the reminder tests: a real SMTP server (aiosmtpd) on a free local port, and a small team to remind.

Import the fixtures into a test module with `from tests.jobs_support import mail_server, settings_for  # noqa`.
"""

from __future__ import annotations

import email
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from email.message import EmailMessage
from email.policy import default as default_policy
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller

from tests import factories as f
from tracker.dates import add_months
from tracker.models import (
    Course,
    Organisation,
    Person,
    Requirement,
    Role,
    SessionAttendee,
    SupervisionSession,
    SupervisorAssignment,
    User,
)
from tracker.settings import Settings

BASE_URL = "http://tracker.test"
MAIL_FROM = "reminders@tracker.test"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Received:
    to: list[str]
    message: EmailMessage

    @property
    def subject(self) -> str:
        return str(self.message["Subject"])

    @property
    def text(self) -> str:
        part = self.message.get_body(preferencelist=("plain",))
        return part.get_content() if part is not None else ""

    @property
    def html(self) -> str:
        part = self.message.get_body(preferencelist=("html",))
        return part.get_content() if part is not None else ""


@dataclass
class MailServer:
    """What the test's SMTP server received, and switches to make it refuse."""

    host: str
    port: int
    received: list[Received] = field(default_factory=list)
    refuse_all: bool = False
    refuse_containing: str | None = None
    delay_seconds: float = 0.0
    drop_after_data: int = 0  # this many messages are taken in, then the connection is cut before the reply
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        if self.refuse_containing and self.refuse_containing in address:
            return "550 5.1.1 No such mailbox here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        if self.refuse_all:
            return "554 5.7.1 Relay refused by the test server"
        if self.delay_seconds:
            time.sleep(self.delay_seconds)  # hold the client, as a slow server would
        message = email.message_from_bytes(envelope.original_content or envelope.content, policy=default_policy)
        with self.lock:
            self.received.append(Received(list(envelope.rcpt_tos), message))  # type: ignore[arg-type]
            drop = self.drop_after_data > 0
            self.drop_after_data -= drop
        if drop:  # as a server that crashed, or a network that failed, after the message was in
            server.transport.abort()
            return "421 4.3.0 (never reaches the client)"
        return "250 Message accepted"

    def to(self, address: str) -> list[Received]:
        return [r for r in self.received if address in r.to]

    def clear(self) -> None:
        with self.lock:
            self.received.clear()


@pytest.fixture
def mail_server() -> Iterator[MailServer]:
    server = MailServer("127.0.0.1", free_port())
    controller = Controller(server, hostname=server.host, port=server.port)
    controller.start()
    try:
        yield server
    finally:
        controller.stop()


def settings_for(server: MailServer | None, data_dir: Path, **changes: object) -> Settings:
    values: dict[str, object] = {
        "data_dir": data_dir,
        "base_url": BASE_URL,
        "smtp_host": server.host if server else None,
        "smtp_port": server.port if server else 587,
        "smtp_security": "none",
        "mail_from": MAIL_FROM if server else None,
        "scheduler": False,
    }
    values.update(changes)
    return Settings(**values)  # type: ignore[arg-type]


# ---- a small team -----------------------------------------------------------------------------------


@dataclass
class Team:
    employer: Organisation
    asha: Person  # staff member (link worker-like role needing SG-L2 and FIRE)
    sam: Person  # her clinical supervisor (not employed in the tracked team)
    asha_user: User
    lead: User
    other_lead: User


def require_for_role(role_code: str, *courses: str) -> Role:
    role = Role.get(Role.code == role_code)
    for code in courses:
        Requirement.get_or_create(course=Course.get(Course.code == code), role=role, employer=None)
    return role


def supervised_monthly(supervisor: Person, supervisee: Person, first: date, last: date) -> None:
    """A 60-minute clinical session on the 5th of every month from first to last (inclusive), confirmed."""
    month = first.replace(day=5)
    while month <= last:
        session = f.session(supervisor, supervisee, month, 60)
        SessionAttendee.update(confirmation="confirmed").where(SessionAttendee.session == session).execute()
        month = add_months(month, 1)


def team(start: date = date(2024, 1, 1)) -> Team:
    """Asha (OPM role, needing SG-L2 and FIRE), her supervisor Sam, her login, a lead and another's lead."""
    require_for_role("OPM", "SG-L2", "FIRE")
    employer = f.org("Northside Community Trust")
    other = f.org("Southside Practice", "gp_practice")
    asha = f.person("Asha", "Patel", role="OPM", employer=employer, start=start, email="asha@team.test")
    sam = Person.create(staff_id="S0001", first_name="Sam", last_name="Okafor", email="sam@team.test")
    SupervisorAssignment.create(supervisor=sam, supervisee=asha, kind="clinical", start_date=start)
    asha_user = User.create(email="asha.login@team.test", password_hash="x", person=asha, roles="staff")
    lead = User.create(email="lead@team.test", password_hash="x", roles="staff;lead", lead_employer=employer)
    other_lead = User.create(email="otherlead@team.test", password_hash="x", roles="lead", lead_employer=other)
    return Team(employer, asha, sam, asha_user, lead, other_lead)


def confirmations_of(person: Person) -> list[str]:
    return [a.confirmation for a in SessionAttendee.select().where(SessionAttendee.person == person)]


def session_on(supervisor: Person, supervisee: Person, day: date, minutes: int = 60) -> SupervisionSession:
    return f.session(supervisor, supervisee, day, minutes)
