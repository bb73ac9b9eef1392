"""A lead has one scope, held by the database, and sees only the people in it, in every output.

The attack: the lead of one employer asks for the supervisor's log of a supervisor whose supervisees work for
two employers (the PDF from the app, its direct link, and the command line), the API's sessions, and the
sessions export; the other employer's supervisee must appear nowhere, not by name, staff id, date, minutes
or confirmation. Then a login with both an employer and a PCN: refused by the service and by the database.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date

import pytest
from peewee import IntegrityError

from cli import main
from reports.build import ReportRequest, render
from reports.rights import gather_for
from tests import factories as f
from tests import factories_data as fd
from tests.factories_reports import pdf_pages
from tests.old_schemas import make_release_2
from tracker import access, db
from tracker.access import Scope, Viewer
from tracker.errors import ValidationError
from tracker.models import AuditEvent, Employment, Organisation, Pcn, Person, User
from tracker.services import users
from tracker.views import access_facts, api
from tracker.views.access_facts import viewer_for_user
from tracker.views.population import people_in_scope
from ui.pages.exports import build_view

AS_OF = date(2026, 11, 20)
ELSEWHERE_DAY = date(2026, 10, 13)  # the session only the other employer's supervisee attended


@dataclass
class Split:
    north: Organisation
    south: Organisation
    pcn: Pcn
    grace: Person  # supervises Asha (North) and Bea (South)
    asha: Person
    bea: Person
    lead: Viewer  # the lead of North


def _viewer(user: User) -> Viewer:
    found = viewer_for_user(user.id)
    assert found is not None
    return found


@pytest.fixture
def split(database) -> Split:  # type: ignore[no-untyped-def]
    north, south = f.org("North Trust"), f.org("South Surgery", "gp_practice")
    pcn = Pcn.create(name="Riverside PCN")
    grace = f.person("Grace", "Okafor", "GPP", north, staff_id="S0001")
    asha = f.person("Asha", "Patel", "SPLW", north, staff_id="N0001")
    bea = f.person("Bea", "Quinlan", "SPLW", south, staff_id="Q0001")
    Employment.update(pcn=pcn).execute()
    for p in (asha, bea):
        fd.assign(grace, p)
    f.session(grace, asha, date(2026, 10, 6), minutes=60)
    f.session(grace, bea, ELSEWHERE_DAY, minutes=77)
    f.session(grace, [asha, bea], date(2026, 10, 20), minutes=90)
    lead = fd.user("lead@north.example", "lead", lead_employer=north)
    return Split(north, south, pcn, grace, asha, bea, _viewer(lead))


def _absent_from(text: str) -> list[str]:
    """What of Bea's shows in a text (it should be nothing)."""
    return [s for s in ("Bea", "Quinlan", "Q0001", "13/10/2026", "2026-10-13", "77") if s in text]


def test_a_leads_supervisors_log_pdf_lists_only_their_people(split, tmp_path):
    data = gather_for(split.lead, ReportRequest("supervisor", "S0001", AS_OF))
    assert [a.staff_id for s in data.sessions for a in s.attendees] == ["N0001", "N0001"]
    assert [a.staff_id for a in data.supervisees] == ["N0001"]
    text = "\n".join(pdf_pages(render(data), tmp_path))
    assert "Asha Patel" in text and "06/10/2026" in text and "20/10/2026" in text
    assert _absent_from(text) == []
    assert "Only the supervisees of the employer North Trust" in text


def test_the_supervisor_and_an_admin_still_get_the_whole_log(split):
    grace = _viewer(fd.user("grace@north.example", "staff;supervisor", person=split.grace))
    admin = _viewer(fd.user("admin@example.org", "admin"))
    for viewer in (grace, admin):
        data = gather_for(viewer, ReportRequest("supervisor", "S0001", AS_OF))
        assert sorted({a.staff_id for s in data.sessions for a in s.attendees}) == ["N0001", "Q0001"]
        assert len(data.sessions) == 3 and not data.scope_note


def test_the_command_line_gives_a_lead_the_same_log(split, database, tmp_path, capsys):
    out = tmp_path / "log.pdf"
    assert main(["report", "supervisor", "S0001", "--as-of", "20/11/2026", "--out", str(out),
                 "--for", "lead@north.example", "--database", database]) == 0
    text = "\n".join(pdf_pages(out.read_bytes(), tmp_path))
    assert "Asha Patel" in text and _absent_from(text) == []
    assert main(["report", "supervisor", "S0001", "--as-of", "20/11/2026", "--out", str(tmp_path / "x.pdf"),
                 "--for", "nobody@example.org", "--database", database]) == 1
    assert "no active login" in capsys.readouterr().err


def test_the_api_and_the_sessions_export_show_a_lead_only_their_people(split):
    answer = api.sessions(split.lead, AS_OF, None, None, None, 0, 100).model_dump_json()
    assert "N0001" in answer and _absent_from(answer.replace("2026-10-20", "")) == []
    exported = build_view(split.lead, "sessions", "csv", {"as_of": "2026-11-20"}, AS_OF).decode()
    assert "N0001" in exported and _absent_from(exported) == []


def test_the_one_definition_of_in_scope_agrees_in_sql_and_on_a_person(split):
    south_lead = _viewer(fd.user("lead@south.example", "lead", lead_employer=split.south))
    pcn_lead = _viewer(fd.user("lead@pcn.example", "lead", lead_pcn=split.pcn))
    for viewer in (split.lead, south_lead, pcn_lead):
        in_sql = people_in_scope(access.lead_scope(viewer), AS_OF)
        one_by_one = {p.id for p in Person.select() if access.leads(viewer, access_facts.person_facts(p.id, AS_OF))}
        assert in_sql == one_by_one
    assert people_in_scope(Scope(employer_id=split.north.id), AS_OF) == {split.grace.id, split.asha.id}


def test_a_login_with_both_an_employer_and_a_pcn_is_refused_by_the_service_and_the_database(split):
    with pytest.raises(ValidationError, match="one employer or one PCN, not both"):
        users.add_user("admin", "both@example.org", "a long enough passphrase 42", "lead", None,
                       "North Trust", "Riverside PCN")
    with pytest.raises(IntegrityError), db.database.atomic():
        User.create(email="both@example.org", password_hash="x", roles="lead", lead_employer=split.north,
                    lead_pcn=split.pcn)
    with pytest.raises(IntegrityError), db.database.atomic():
        User.update(lead_pcn=split.pcn).where(User.email == "lead@north.example").execute()
    both = Viewer(1, "x@example.org", None, frozenset({"lead"}), split.north.id, split.pcn.id)
    assert not both.is_lead  # a viewer made by hand with both is no lead at all


def test_the_upgrade_keeps_one_scope_of_a_login_that_had_both(database):
    north = f.org("North Trust")
    pcn = Pcn.create(name="Riverside PCN")
    make_release_2()
    User.insert(email="both@example.org", password_hash="x", roles="lead", lead_employer=north, lead_pcn=pcn,
                active=True, failed_logins=0, created_at=date(2026, 1, 1)).execute()
    db.migrate_schema()
    user = User.get(User.email == "both@example.org")
    assert (user.lead_employer_id, user.lead_pcn_id) == (north.id, None)
    event = AuditEvent.get(AuditEvent.entity == "user")
    assert (event.actor, json.loads(event.before)["lead_pcn"]) == ("upgrade", pcn.id)
    with pytest.raises(IntegrityError), db.database.atomic():
        User.update(lead_pcn=pcn).where(User.id == user.id).execute()
