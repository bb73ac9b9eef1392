"""A joint neighbourhood team for the shared-ground tests: one PCN, four employers, people of each, and someone
in another PCN who is in nobody's team here."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from tests import factories as f
from tests.ui_fixtures import login_user
from tracker.models import Employment, Organisation, Pcn, Person, SupervisorAssignment

START = date(2024, 1, 1)


@dataclass
class JointTeam:
    pcn: Pcn
    employers: list[Organisation]  # trust, VCSE, practice, second VCSE
    people: list[Person] = field(default_factory=list)  # 16 across the four employers
    outsider: Person | None = None
    supervisor: Person | None = None


EMPLOYERS = (("Riverside NHS Trust", "nhs_trust"), ("SOAR Community", "vcse"),
             ("Hillside Surgery", "gp_practice"), ("Sheffield Futures", "vcse"))
ROLES = ("MHP", "SPLW", "CP", "HWBC")


def build_joint_team(size: int = 16) -> JointTeam:
    pcn = Pcn.create(name="Riverside PCN")
    other_pcn = Pcn.create(name="Far Away PCN")
    employers = [f.org(name, kind) for name, kind in EMPLOYERS]
    team = JointTeam(pcn, employers)
    for k in range(size):
        employer = employers[k % 4]
        person = f.person(f"Person{k:02d}", f"Member{k:02d}", role=ROLES[k % 4], employer=employer, start=START,
                          email=f"member{k:02d}@example.nhs.uk")
        Employment.update(pcn=pcn).where(Employment.person == person.id).execute()
        team.people.append(person)
    team.supervisor = team.people[0]
    SupervisorAssignment.create(supervisor=team.people[0], supervisee=team.people[1], kind="clinical",
                                start_date=START)
    SupervisorAssignment.create(supervisor=team.people[2], supervisee=team.people[1], kind="practice",
                                first_contact=True, start_date=START)
    team.outsider = f.person("Olive", "Outside", role="SPLW", employer=employers[1], start=START)
    Employment.update(pcn=other_pcn).where(Employment.person == team.outsider.id).execute()
    login_user("lead.trust@example.nhs.uk", "lead", lead_employer=employers[0])
    login_user("member01@example.nhs.uk", "staff", team.people[1])
    login_user("member00@example.nhs.uk", "staff;supervisor", team.people[0])
    login_user("outsider@example.nhs.uk", "staff", team.outsider)
    login_user("admin@example.nhs.uk", "admin")
    return team
