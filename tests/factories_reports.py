"""A small named team for the report tests: two employers in one PCN, a supervisor from a third.

As at 22/11/2026:
- Żaneta Kowalczyk (link worker, Northside): everything in date, supervised every month, policy acknowledged: green.
- Asha Patel (link worker, Northside): fire safety expires 15/12/2026, no session yet in November: amber.
- Bob Jones (link worker, Northside): safeguarding level 2 expired 01/06/2026: red. He renews it on 01/12/2026,
  after the date, which a report as at 22/11/2026 must ignore.
- Tom Hughes (clinical pharmacist, Riverside Surgery): resuscitation never done, no supervision in October: red.
- Grace Okafor (advanced practitioner, Valley Mental Health Trust, outside the PCN) supervises them all.
"""

from __future__ import annotations

import io
import subprocess
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from pypdf import PdfReader

from tests import factories as f
from tracker.dates import last_months
from tracker.models import (
    EmployerPolicy,
    Employment,
    Organisation,
    Pcn,
    Person,
    PolicyAcknowledgement,
    PolicyAdaptation,
    PolicyTopic,
    SupervisionSession,
    SupervisorAssignment,
)
from tracker.services.catalogue import default_role_items

AS_OF = date(2026, 11, 22)
TRAINED_ON = date(2026, 3, 1)
PRIVATE_NOTE = "CONFIDENTIAL-NOTE-7Q"
NORTHSIDE_HOME_VISITS = "Staff must not visit clients at home."
RIVERSIDE_HOME_VISITS = "Home visits are allowed after a risk assessment."


@dataclass
class Team:
    northside: Organisation
    riverside: Organisation
    valley: Organisation
    pcn: Pcn
    zaneta: Person
    asha: Person
    bob: Person
    tom: Person
    grace: Person
    group_session: SupervisionSession
    late_session: SupervisionSession


def _monthly_sessions(supervisor: Person, person: Person, skip: tuple[date, ...] = ()) -> None:
    """60 minutes of clinical supervision on the 10th of each of the 12 months up to the as-at date."""
    for first in last_months(AS_OF, 12):
        if first not in skip:
            f.session(supervisor, person, first.replace(day=10), minutes=60)


def _train_all(person: Person, role: str, except_for: dict[str, date | None]) -> None:
    for code in default_role_items(role):
        if code in except_for:
            done = except_for[code]
            if done is not None:
                f.trained(person, code, done)
            continue
        f.trained(person, code, TRAINED_ON)


def build_team() -> Team:
    northside = f.org("Northside Community Trust", "vcse")
    riverside = f.org("Riverside Surgery", "gp_practice")
    valley = f.org("Valley Mental Health Trust", "nhs_trust")
    pcn = Pcn.create(name="Riverside PCN")
    grace = f.person("Grace", "Okafor", role="AP", employer=valley, staff_id="S0001", start=date(2020, 1, 1))
    zaneta = f.person("Żaneta", "Kowalczyk", role="SPLW", employer=northside, staff_id="E1001")
    asha = f.person("Asha", "Patel", role="SPLW", employer=northside, staff_id="E1002")
    bob = f.person("Bob", "Jones", role="SPLW", employer=northside, staff_id="E1003")
    tom = f.person("Tom", "Hughes", role="CP", employer=riverside, staff_id="E1004")
    Employment.update(pcn=pcn).where(Employment.employer.in_([northside, riverside])).execute()

    _train_all(zaneta, "SPLW", {})
    _train_all(asha, "SPLW", {"FIRE": date(2025, 12, 15)})
    _train_all(bob, "SPLW", {"SG-L2": date(2023, 6, 1)})
    f.trained(bob, "SG-L2", date(2026, 12, 1))  # after the as-at date
    _train_all(tom, "CP", {"BLS": None})

    for person in (zaneta, asha, bob):
        SupervisorAssignment.create(supervisor=grace, supervisee=person, kind="clinical", start_date=date(2024, 1, 1))
    _monthly_sessions(grace, zaneta)
    _monthly_sessions(grace, asha, skip=(date(2026, 11, 1),))
    _monthly_sessions(grace, bob)
    _monthly_sessions(grace, tom, skip=(date(2026, 10, 1),))
    late_session = f.session(grace, asha, date(2026, 11, 25), minutes=60)  # after the as-at date
    group_session = f.session(grace, [zaneta, asha], date(2026, 9, 15), minutes=90, kind="educational")
    f.notes_everywhere(PRIVATE_NOTE, f.installation_notes_key())

    home_visits = PolicyTopic.get(PolicyTopic.name == "Home visits")
    policy = EmployerPolicy.create(employer=northside, topic=home_visits, statement=NORTHSIDE_HOME_VISITS,
                                   version="2", requires_acknowledgement=True, review_date=date(2027, 4, 1))
    EmployerPolicy.create(employer=riverside, topic=home_visits, statement=RIVERSIDE_HOME_VISITS, version="1")
    PolicyAcknowledgement.create(person=zaneta, policy=policy, version="2", acknowledged_on=date(2026, 2, 1))
    lone = PolicyTopic.get(PolicyTopic.name == "Lone working")
    for employer in (northside, riverside):
        EmployerPolicy.create(employer=employer, topic=lone, statement="Buddy system; check in by phone.")
    PolicyAdaptation.create(topic=home_visits, employers=f"{northside.id};{riverside.id}",
                            condition="A home visit is allowed when an NHS colleague goes too.",
                            agreed_by="Riverside PCN board", agreed_on=date(2025, 3, 1))
    return Team(northside, riverside, valley, pcn, zaneta, asha, bob, tom, grace, group_session, late_session)


# ---- reading PDFs back ---------------------------------------------------------------------------------


def pdf_pages(pdf: bytes, tmp_path: Path) -> list[str]:
    """The text of each page, as pdftotext lays it out (rows of a table stay on one line)."""
    source = tmp_path / "read-back.pdf"
    source.write_bytes(pdf)
    done = subprocess.run(["pdftotext", "-layout", "-enc", "UTF-8", str(source), "-"], capture_output=True,
                          check=True)
    assert done.stderr == b"", done.stderr.decode()
    return done.stdout.decode("utf-8").split("\f")[:-1]


def qpdf_check(pdf: bytes, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    source = tmp_path / "checked.pdf"
    source.write_bytes(pdf)
    return subprocess.run(["qpdf", "--check", str(source)], capture_output=True, text=True)


def pypdf_pages(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


def line_with(pages: list[str], *needles: str) -> str:
    """The first line, on any page, holding every needle."""
    for page in pages:
        for line in page.splitlines():
            if all(n in line for n in needles):
                return line
    raise AssertionError(f"no line holds all of {needles!r}")


def grid_row(pages: list[str], name: str) -> tuple[str, str, str]:
    """A person's row of a dense grid as pdftotext lays it out: the line with their name (and the first line of
    every two-line cell), the middle line (one-line cells such as the role and overall status), the last."""
    for page in pages:
        lines = page.splitlines()
        for i, line in enumerate(lines):
            if name in line:
                return line, lines[i + 1], lines[i + 2]
    raise AssertionError(f"no row for {name!r}")
