"""Factories for the data-in-and-out tests: users with roles, and a small mixed population."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from tests import factories as f
from tracker.models import Organisation, Pcn, Person, SupervisorAssignment, User


def user(
    email: str,
    roles: str = "staff",
    person: Person | None = None,
    lead_employer: Organisation | None = None,
    lead_pcn: Pcn | None = None,
    active: bool = True,
) -> User:
    return User.create(
        email=email, password_hash="not-a-real-hash", roles=roles, person=person,
        lead_employer=lead_employer, lead_pcn=lead_pcn, active=active,
    )


def assign(supervisor: Person, supervisee: Person, start: date = date(2024, 1, 1), kind: str = "clinical"):
    return SupervisorAssignment.create(supervisor=supervisor, supervisee=supervisee, kind=kind, start_date=start)


@dataclass
class Team:
    """Two employers side by side: a charity's link workers and a practice's pharmacist and GP supervisor."""

    charity: Organisation
    practice: Organisation
    asha: Person  # link worker at the charity
    ben: Person  # link worker at the charity
    carol: Person  # pharmacist at the practice
    gp: Person  # GP partner at the practice, clinical supervisor of all three
    others: list[Person] = field(default_factory=list)


def team() -> Team:
    charity = f.org("Northside Community Trust", "vcse")
    practice = f.org("Riverside Surgery", "gp_practice")
    asha = f.person("Asha", "Patel", "SPLW", charity, start=date(2024, 1, 1), staff_id="E1001",
                    email="asha@example.org")
    ben = f.person("Ben", "Okafor", "SPLW", charity, start=date(2025, 6, 1), staff_id="E1002")
    carol = f.person("Carol", "Nguyen", "CP", practice, start=date(2023, 3, 1), staff_id="E2001")
    gp = f.person("Grace", "Hughes", "GPP", practice, start=date(2020, 1, 1), staff_id="E2900")
    for p in (asha, ben, carol):
        assign(gp, p)
    return Team(charity, practice, asha, ben, carol, gp)
