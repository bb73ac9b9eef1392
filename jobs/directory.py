"""Who gets told: staff, their clinical supervisors, the leads whose scope covers them, policy owners.

A fixed handful of queries for any population, read once per scan.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from tracker.access import Scope
from tracker.models import Employment, Person, SupervisorAssignment, User, full_name


@dataclass(frozen=True)
class Recipient:
    """Someone to tell, by email and/or in the app. `key` names them stably in the reminder ledger."""

    key: str  # "p<person id>", "u<user id>" or "e:<email>"
    name: str
    email: str | None
    user_ids: tuple[int, ...] = ()

    @property
    def address(self) -> str:
        """What the ledger records: the email address, or the in-app users when there is none."""
        return self.email or "user:" + ",".join(str(u) for u in self.user_ids)


@dataclass(frozen=True)
class Lead:
    user_id: int
    email: str
    name: str
    employer_id: int | None
    pcn_id: int | None

    @property
    def scope(self) -> Scope:
        """A lead's one scope (the user table allows only one of the two)."""
        return Scope(employer_id=self.employer_id) if self.employer_id is not None else Scope(pcn_id=self.pcn_id)


@dataclass
class Directory:
    people: dict[int, Recipient] = field(default_factory=dict)
    archived: set[int] = field(default_factory=set)
    supervisors: dict[int, list[int]] = field(default_factory=dict)  # supervisee -> clinical supervisors
    placements: dict[int, set[tuple[int, int | None]]] = field(default_factory=dict)  # person -> (employer, pcn)
    leads: list[Lead] = field(default_factory=list)
    users_by_email: dict[str, tuple[int, ...]] = field(default_factory=dict)
    person_of_user: dict[int, int] = field(default_factory=dict)

    def person(self, person_id: int) -> Recipient | None:
        return self.people.get(person_id)

    def supervisors_of(self, person_id: int) -> list[Recipient]:
        found = (self.people.get(s) for s in self.supervisors.get(person_id, ()))
        return [r for r in found if r is not None]

    def leads_of(self, person_id: int) -> list[Recipient]:
        """Leads scoped to an employer or a PCN where the person works on the scan's date."""
        places = self.placements.get(person_id, set())
        return [
            self.lead_recipient(lead)
            for lead in self.leads
            if any(lead.scope.holds(employer, pcn) for employer, pcn in places)
        ]

    def lead_recipient(self, lead: Lead) -> Recipient:
        return Recipient(f"u{lead.user_id}", lead.name, lead.email, (lead.user_id,))

    def by_email(self, email: str, name: str = "") -> Recipient:
        """A recipient known only by address (a policy owner); in the app too when a user has that email."""
        address = email.strip()
        users = self.users_by_email.get(address.lower(), ())
        return Recipient(f"e:{address.lower()}", name or address, address, users)


def _active_on(start_col, end_col, day: date):  # type: ignore[no-untyped-def]
    return (start_col <= day) & (end_col.is_null() | (end_col >= day))


def load_directory(as_of: date) -> Directory:
    directory = Directory()
    users_of: dict[int, list[int]] = {}
    lead_rows = []
    for uid, email, person_id, roles, employer, pcn in (
        User.select(User.id, User.email, User.person, User.roles, User.lead_employer, User.lead_pcn)
        .where(User.active == True)  # noqa: E712
        .tuples()
    ):
        directory.users_by_email.setdefault(email.strip().lower(), ())
        directory.users_by_email[email.strip().lower()] += (uid,)
        if person_id is not None:
            users_of.setdefault(person_id, []).append(uid)
            directory.person_of_user[uid] = person_id
        if "lead" in roles.split(";") and (employer is None) != (pcn is None):
            lead_rows.append((uid, email.strip(), person_id, employer, pcn))

    for pid, first, last, email, archived in Person.select(
        Person.id, Person.first_name, Person.last_name, Person.email, Person.archived
    ).tuples():
        name = full_name(first, last)
        address = (email or "").strip() or None
        directory.people[pid] = Recipient(f"p{pid}", name, address, tuple(users_of.get(pid, ())))
        if archived:
            directory.archived.add(pid)

    for uid, email, person_id, employer, pcn in lead_rows:
        name = directory.people[person_id].name if person_id in directory.people else email
        directory.leads.append(Lead(uid, email, name, employer, pcn))

    for supervisee, supervisor in (
        SupervisorAssignment.select(SupervisorAssignment.supervisee, SupervisorAssignment.supervisor)
        .where(
            (SupervisorAssignment.kind == "clinical")
            & _active_on(SupervisorAssignment.start_date, SupervisorAssignment.end_date, as_of)
        )
        .tuples()
    ):
        if supervisor not in directory.archived and supervisor != supervisee:
            directory.supervisors.setdefault(supervisee, []).append(supervisor)

    for pid, employer, pcn in (
        Employment.select(Employment.person, Employment.employer, Employment.pcn)
        .where(_active_on(Employment.start_date, Employment.end_date, as_of))
        .tuples()
    ):
        directory.placements.setdefault(pid, set()).add((employer, pcn))
    return directory
