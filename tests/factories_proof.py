"""A small world for the proof tests (audit sweep, bad-input corpus, access matrix): two employers in one PCN,
a supervisor with two supervisees, someone at the other employer, logins for every role, and a session whose
private notes carry a marker that must never appear anywhere but the two parties' views.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from peewee import Model

from tests import factories as f
from tests.ui_fixtures import login_user
from tracker import clock, models, note_crypto
from tracker.access import Viewer
from tracker.models import (
    Employment,
    Organisation,
    Pcn,
    Person,
    SupervisionSession,
    SupervisorAssignment,
    User,
)
from tracker.settings import Settings
from tracker.views.access_facts import viewer_for_user

PRIVATE_MARKER = "PRIVATE-NOTE-7f3a9c"
START = date(2024, 1, 1)


@dataclass
class World:
    north: Organisation
    south: Organisation
    pcn: Pcn
    grace: Person  # supervises asha and ben
    asha: Person
    ben: Person
    cara: Person  # at south, in the same PCN
    dan: Person  # at south, outside the PCN
    session: SupervisionSession  # grace with asha, private notes carry PRIVATE_MARKER
    users: dict[str, User]
    settings: Settings

    @property
    def today(self) -> date:
        return clock.today()

    @property
    def notes_key(self) -> bytes:
        """The world's installation key for notes (in its data folder), as the app would be given it."""
        return note_crypto.note_key(self.settings)

    def viewer(self, role: str) -> Viewer:
        found = viewer_for_user(self.users[role].id)
        assert found is not None
        return found


ROLE_EMAILS = {
    "staff": "asha@example.nhs.uk",
    "supervisor": "grace@example.nhs.uk",
    "lead_employer": "lead.north@example.nhs.uk",
    "lead_pcn": "lead.pcn@example.nhs.uk",
    "admin": "admin@example.nhs.uk",
}


def build_world(tmp_path: Path) -> World:
    north = f.org("Northside Community Trust", "vcse")
    south = f.org("Southgate Practice", "gp_practice")
    pcn = Pcn.create(name="Riverside PCN")
    grace = f.person("Grace", "Hopper", role="SC", employer=north, start=START, email="grace@example.nhs.uk")
    asha = f.person("Asha", "Patel", employer=north, start=START, email="asha@example.nhs.uk")
    ben = f.person("Ben", "Okafor", employer=north, start=START, email="ben@example.nhs.uk")
    cara = f.person("Cara", "Lewis", employer=south, start=START, email="cara@example.nhs.uk")
    dan = f.person("Dan", "Moss", employer=south, start=START, email="dan@example.nhs.uk")
    Employment.update(pcn=pcn).where(Employment.person.in_([grace.id, asha.id, ben.id, cara.id])).execute()
    for supervisee in (asha, ben):
        SupervisorAssignment.create(supervisor=grace, supervisee=supervisee, kind="clinical", start_date=START)
    session = f.session(grace, asha, clock.today() - timedelta(days=3))
    session.topics, session.actions = "Caseload review", "Book training"
    session.save()
    users = {
        "staff": login_user(ROLE_EMAILS["staff"], "staff", asha),
        "supervisor": login_user(ROLE_EMAILS["supervisor"], "staff;supervisor", grace),
        "lead_employer": login_user(ROLE_EMAILS["lead_employer"], "lead", lead_employer=north),
        "lead_pcn": login_user(ROLE_EMAILS["lead_pcn"], "lead", lead_pcn=pcn),
        "admin": login_user(ROLE_EMAILS["admin"], "admin"),
    }
    login_user("cara@example.nhs.uk", "staff", cara)
    settings = dataclasses.replace(Settings(), data_dir=tmp_path / "data")
    f.private_note(session, asha, PRIVATE_MARKER, note_crypto.note_key(settings))
    return World(north, south, pcn, grace, asha, ben, cara, dan, session, users, settings)


def all_models() -> list[type[Model]]:
    return [
        m for m in vars(models).values()
        if isinstance(m, type) and issubclass(m, models.BaseModel) and m is not models.BaseModel
    ]


def row_counts() -> dict[str, int]:
    """How many rows every table holds (one query): compared before and after a refused write."""
    from tracker.db import database

    tables = sorted(m._meta.table_name for m in all_models())
    sql = " UNION ALL ".join(f'SELECT \'{t}\', COUNT(*) FROM "{t}"' for t in tables)
    return {name: int(count) for name, count in database.execute_sql(sql).fetchall()}
