"""The audit trail: every public write of the service layer leaves exactly one event saying who, when, what,
before and after (a systematic sweep, on SQLite and PostgreSQL), and the audit page with its filters.

The sweep finds the write functions itself (those of tracker/services/* that open a transaction or record an
event), so a new write without a case here fails `test_every_write_function_of_the_services_has_a_case`.
"""

from __future__ import annotations

import importlib
import inspect
import json
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from nicegui import ui
from nicegui.testing import User as Visitor

import tracker.services
from tests import factories as f
from tests.factories_proof import PRIVATE_MARKER, World, build_world
from tests.ui_fixtures import PASSWORD, sign_in, ui_database  # noqa: F401
from tracker import clock
from tracker.importers import import_bytes
from tracker.models import (
    AuditEvent,
    Course,
    EmployerPolicy,
    InboxMessage,
    Person,
    PolicyAdaptation,
    PolicyTopic,
    Requirement,
    Role,
    SupervisionRule,
    SupervisorAssignment,
    TrainingRecord,
    User,
)
from tracker.services import (
    absences,
    assignments,
    auth,
    catalogue_admin,
    confirmations,
    course_aliases,
    evidence,
    inbox,
    organisations,
    people,
    policies,
    role_pages,
    rules,
    supervision,
    tokens,
    training,
    training_events,
    users,
)
from tracker.services.column_mapping import columns_of, save_mapping, suggest
from tracker.services.retention import anonymise_person

ACTOR = "auditor@example.nhs.uk"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
SECRETS = ("password_hash", "token_hash", PRIVATE_MARKER)

Thunk = Callable[[], object]


@dataclass(frozen=True)
class Case:
    prepare: Callable[[World], Thunk]  # sets up what the write needs (untimed), returns the write itself
    action: str
    entity: str
    shape: str  # create: after only; update: before and after, different; remove: before only; event: either
    actor: Callable[[World], str] = lambda w: ACTOR
    has_id: bool = True


def _admin(w: World) -> str:
    return w.users["admin"].email


def _event_of(w: World, *people: Person, planned: bool = False) -> int:
    return training_events.record_event(w.viewer("admin"), course="IG", on=clock.today(), provider="Trust",
                                        minutes=30, attendees=[p.id for p in people], today=clock.today(),
                                        planned=planned).event_id


def _days_ago(n: int) -> date:
    return clock.today() - timedelta(days=n)


def _pending_record(w: World, person: Person) -> TrainingRecord:
    return TrainingRecord.create(person=person, course=Course.get(Course.code == "FIRE"), completed_on=_days_ago(20),
                                 evidence_state="pending", certificate_path=None)


def _topic() -> PolicyTopic:
    return PolicyTopic.select().order_by(PolicyTopic.id).first()


def _message(w: World) -> int:
    return InboxMessage.create(user=w.users["staff"], subject="Your training is due").id


def _archivable(w: World) -> Person:
    return f.person("Eve", "Gone", employer=w.north, end=_days_ago(400))


def _archived(w: World) -> Person:
    p = _archivable(w)
    Person.update(archived=True).where(Person.id == p.id).execute()
    return p


def _second_session(w: World):  # type: ignore[no-untyped-def]
    return f.session(w.grace, w.ben, _days_ago(5))


def _token(w: World) -> int:
    return tokens.create(w.users["admin"].id, "api", "BI tool").token_id


ABSENCES_CSV = b"staff_id,start_date,end_date,reason\n{staff},01/03/2025,31/03/2025,sickness\n"

CASES: dict[str, Case] = {
    "role_pages.save_role_page": Case(
        lambda w: lambda: role_pages.save_role_page(w.viewer("admin"), "CC", {"summary": "Coordinates care"}),
        "edit_role_page", "role", "update", actor=_admin),
    "training_events.record_event": Case(
        lambda w: lambda: training_events.record_event(
            w.viewer("admin"), course="FIRE", on=clock.today(), provider="Fire officer", minutes=60,
            attendees=[w.asha.id, w.cara.id], today=clock.today()),
        "record_training_event", "training_event", "create", actor=_admin),
    "training_events.add_attendee": Case(
        lambda w: (lambda e: lambda: training_events.add_attendee(w.viewer("admin"), e, w.ben.id, clock.today()))(
            _event_of(w, w.asha)),
        "add_event_attendee", "training_event", "create", actor=_admin),
    "training_events.remove_attendee": Case(
        lambda w: (lambda e: lambda: training_events.remove_attendee(w.viewer("admin"), e, w.ben.id,
                                                                     clock.today()))(_event_of(w, w.asha, w.ben)),
        "remove_event_attendee", "training_event", "update", actor=_admin),
    "training_events.mark_held": Case(
        lambda w: (lambda e: lambda: training_events.mark_held(w.viewer("admin"), e, clock.today()))(
            _event_of(w, w.cara, planned=True)),
        "hold_training_event", "training_event", "update", actor=_admin),
    "absences.add_absence": Case(
        lambda w: lambda: absences.add_absence(ACTOR, w.asha.id, "01/02/2025", "28/02/2025", "sickness"),
        "create", "absence", "create"),
    "absences.update_absence": Case(
        lambda w: (lambda a: lambda: absences.update_absence(ACTOR, a.id, "01/06/2025", "30/06/2025", "maternity"))(
            f.absent(w.ben, date(2025, 6, 1), date(2025, 6, 20))),
        "update", "absence", "update"),
    "assignments.assign_supervisor": Case(
        lambda w: lambda: assignments.assign_supervisor(ACTOR, w.cara.id, w.grace.id, "educational", _days_ago(1)),
        "assign", "supervisor_assignment", "create"),
    "assignments.first_point_of_contact": Case(
        lambda w: lambda: assignments.first_point_of_contact(ACTOR, w.dan.id, w.cara.id, _days_ago(1)),
        "assign", "supervisor_assignment", "create"),
    "assignments.end_assignment": Case(
        lambda w: (lambda a: lambda: assignments.end_assignment(ACTOR, a.id, _days_ago(0)))(
            SupervisorAssignment.get(SupervisorAssignment.supervisee == w.ben.id)),
        "end", "supervisor_assignment", "update"),
    "confirmations.confirm_by_link": Case(
        lambda w: (lambda s: lambda: confirmations.confirm_by_link(s.id, w.ben.id))(_second_session(w)),
        "confirm", "session_attendee", "update", actor=lambda w: f"link:{w.ben.staff_id}"),
    "evidence.upload_certificate": Case(
        lambda w: lambda: evidence.upload_certificate(
            w.viewer("staff"), w.settings, w.asha.id, "FIRE", _days_ago(10), "", PDF),
        "upload_certificate", "training_record", "create", actor=lambda w: w.users["staff"].email),
    "evidence.approve": Case(
        lambda w: (lambda r: lambda: evidence.approve(w.viewer("lead_employer"), r.id,  # it has no certificate
                                                       without_certificate="Paper certificate seen"))(
            _pending_record(w, w.ben)),
        "approve_certificate", "training_record", "update", actor=lambda w: w.users["lead_employer"].email),
    "evidence.reject": Case(
        lambda w: (lambda r: lambda: evidence.reject(w.viewer("admin"), r.id, "Illegible scan"))(
            _pending_record(w, w.cara)),
        "reject_certificate", "training_record", "update", actor=lambda w: w.users["admin"].email),
    "inbox.notify": Case(
        lambda w: lambda: inbox.notify(w.users["staff"].id, "Safeguarding is due", actor=ACTOR),
        "notify", "inbox_message", "create"),
    "inbox.notify_many": Case(
        lambda w: lambda: inbox.notify_many(
            [inbox.Note(w.users["staff"].id, "One"), inbox.Note(w.users["supervisor"].id, "Two")], actor=ACTOR),
        "notify", "inbox_message", "create", has_id=False),
    "inbox.mark_read": Case(
        lambda w: (lambda m: lambda: inbox.mark_read(w.users["staff"].id, m))(_message(w)),
        "mark_read", "inbox_message", "update", actor=lambda w: f"user:{w.users['staff'].id}"),
    "inbox.mark_all_read": Case(
        lambda w: (lambda _m: lambda: inbox.mark_all_read(w.users["staff"].id))([_message(w), _message(w)]),
        "mark_all_read", "inbox_message", "create", actor=lambda w: f"user:{w.users['staff'].id}", has_id=False),
    "organisations.get_or_create_employer": Case(
        lambda w: lambda: organisations.get_or_create_employer(ACTOR, "Hillside Practice", "gp_practice"),
        "create", "organisation", "create"),
    "organisations.get_or_create_pcn": Case(
        lambda w: lambda: organisations.get_or_create_pcn(ACTOR, "Hillside PCN"), "create", "pcn", "create"),
    "organisations.update_organisation": Case(
        lambda w: lambda: organisations.update_organisation(ACTOR, w.south.id, "Southgate Surgery", "gp_practice"),
        "update", "organisation", "update"),
    "people.create_person": Case(
        lambda w: lambda: people.create_person(ACTOR, "N900", "Nia", "Jones", "SPLW", w.north.name, _days_ago(30)),
        "create", "person", "create"),
    "people.update_person": Case(
        lambda w: lambda: people.update_person(ACTOR, w.ben.id, 1, "Benjamin", "Okafor", "ben@example.nhs.uk"),
        "update", "person", "update"),
    "people.change_employment": Case(
        lambda w: lambda: people.change_employment(ACTOR, w.cara.id, "HWBC", w.south.name, _days_ago(2)),
        "change_employment", "person", "update"),
    "people.record_leaver": Case(
        lambda w: lambda: people.record_leaver(ACTOR, w.dan.id, _days_ago(0)), "leaver", "person", "update"),
    "people.correct_leaving": Case(
        lambda w: (lambda p: lambda: people.correct_leaving(ACTOR, p.id, _days_ago(390)))(_archivable(w)),
        "leaver_corrected", "person", "update"),
    "people.archive_person": Case(
        lambda w: (lambda p: lambda: people.archive_person(ACTOR, p.id))(_archivable(w)), "archive", "person", "update"),
    "people.restore_person": Case(
        lambda w: (lambda p: lambda: people.restore_person(ACTOR, p.id))(_archived(w)), "restore", "person", "update"),
    "policies.acknowledge": Case(
        lambda w: (lambda p: lambda: policies.acknowledge(ACTOR, w.asha.id, p.id))(EmployerPolicy.create(
            employer=w.north, topic=_topic(), version="1", requires_acknowledgement=True)),
        "acknowledge", "policy_acknowledgement", "create"),
    "policies.set_position": Case(
        lambda w: lambda: policies.set_position(
            w.viewer("admin"), w.south.id, _topic().id, statement="Staff may visit alone", version="2"),
        "create", "employer_policy", "create", actor=lambda w: w.users["admin"].email),
    "policies.save_adaptation": Case(
        lambda w: lambda: policies.save_adaptation(
            w.viewer("admin"), _topic().id, [w.north.id, w.south.id], "Home visits with an NHS colleague"),
        "create", "policy_adaptation", "create", actor=lambda w: w.users["admin"].email),
    "policies.withdraw_adaptation": Case(
        lambda w: (lambda a: lambda: policies.withdraw_adaptation(w.viewer("admin"), a.id))(PolicyAdaptation.create(
            topic=_topic(), employers=f"{w.north.id};{w.south.id}", condition="Visits in pairs")),
        "withdraw", "policy_adaptation", "remove", actor=lambda w: w.users["admin"].email),
    "policies.add_topic": Case(
        lambda w: lambda: policies.add_topic(w.viewer("admin"), "Social media"),
        "create", "policy_topic", "create", actor=lambda w: w.users["admin"].email),
    "rules.set_requirement": Case(
        lambda w: lambda: rules.set_requirement(ACTOR, "employer", w.north.name, "FIRE", 12),
        "set", "requirement", "create"),
    "rules.remove_requirement": Case(
        lambda w: (lambda r: lambda: rules.remove_requirement(ACTOR, r.id))(Requirement.create(
            course=Course.get(Course.code == "FIRE"), employer=w.south, renewal_months=24)),
        "remove", "requirement", "remove"),
    "rules.set_supervision_rule": Case(
        lambda w: lambda: rules.set_supervision_rule(ACTOR, "employer", w.south.name, 90, "clinical;practice", False),
        "set", "supervision_rule", "create"),
    "rules.remove_supervision_rule": Case(
        lambda w: (lambda r: lambda: rules.remove_supervision_rule(ACTOR, r.id))(SupervisionRule.create(
            employer=w.north, min_minutes=90, kinds="clinical", group_counts=True)),
        "remove", "supervision_rule", "remove"),
    "supervision.log_session": Case(
        lambda w: lambda: supervision.log_session(
            ACTOR, w.grace.id, _days_ago(1), 60, "clinical", None, "video", [w.ben.id], "Goals", "Read policy",
            None, PRIVATE_MARKER, notes_key=w.notes_key),
        "create", "supervision_session", "create"),
    "supervision.log_own_session": Case(
        lambda w: lambda: supervision.log_own_session(
            w.viewer("supervisor"), _days_ago(2), 45, "clinical", None, "phone", [w.asha.id],
            "Caseload", "", None, PRIVATE_MARKER, today=clock.today(), notes_key=w.notes_key),
        "create", "supervision_session", "create", actor=lambda w: w.users["supervisor"].email),
    "supervision.confirm_attendance": Case(
        lambda w: lambda: supervision.confirm_attendance(ACTOR, w.session.id, w.asha.id),
        "confirm", "session_attendee", "update"),
    "supervision.query_attendance": Case(
        lambda w: (lambda s: lambda: supervision.query_attendance(ACTOR, s.id, w.ben.id, "The date is wrong"))(
            _second_session(w)),
        "query", "session_attendee", "update"),
    "tokens.create": Case(
        lambda w: lambda: tokens.create(w.users["admin"].id, "api", "BI tool", actor=ACTOR),
        "create", "api_token", "create"),
    "tokens.revoke": Case(
        lambda w: (lambda t: lambda: tokens.revoke(t, w.users["admin"], ACTOR))(_token(w)),
        "revoke", "api_token", "update"),
    "training.add_training": Case(
        lambda w: lambda: training.add_training(ACTOR, w.asha.id, "SG-L2", _days_ago(40), "e-Learning for Health"),
        "create", "training_record", "create"),
    "users.add_user": Case(
        lambda w: lambda: users.add_user(ACTOR, "ben@example.nhs.uk", PASSWORD, "staff", w.ben.staff_id),
        "create", "user", "create"),
    "users.change_password": Case(
        lambda w: lambda: users.change_password(ACTOR, w.users["staff"].id, "Another-Horse-43"),
        "change_password", "user", "create"),
    "users.change_own_password": Case(
        lambda w: (lambda cara: lambda: users.change_own_password(
            cara.id, cara.session_epoch, PASSWORD, "Another-Horse-43", "Another-Horse-43"
        ))(User.get(User.email == "cara@example.nhs.uk")),
        "change_own_password", "user", "create", actor=lambda w: "cara@example.nhs.uk"),
    "users.set_active": Case(
        lambda w: lambda: users.set_active(ACTOR, w.users["lead_pcn"].id, False), "deactivate", "user", "update"),
    "users.deactivate_user": Case(
        lambda w: lambda: users.deactivate_user(ACTOR, w.users["lead_employer"].id), "deactivate", "user", "update"),
    "users.set_roles": Case(
        lambda w: lambda: users.set_roles(ACTOR, w.users["staff"].id, "staff;supervisor", w.asha.staff_id),
        "set_roles", "user", "update"),
    "catalogue_admin.add_role": Case(
        lambda w: lambda: catalogue_admin.add_role(ACTOR, "SWK", "Social Worker", "6"), "create", "role", "create"),
    "catalogue_admin.update_role": Case(
        lambda w: lambda: catalogue_admin.update_role(ACTOR, Role.get(Role.code == "SPLW").id,
                                                      "Social Prescribing Link Worker", "6", True, "band raised"),
        "update", "role", "update"),
    "course_aliases.remember_alias": Case(
        lambda w: lambda: course_aliases.remember_alias(ACTOR, "Fire Awareness (annual)", "FIRE"),
        "create", "course_alias", "create"),
    "course_aliases.remove_alias": Case(
        lambda w: (lambda held: lambda: course_aliases.remove_alias(ACTOR, held))(
            course_aliases.remember_alias("setup", "Fire Awareness (old)", "FIRE").id),
        "remove", "course_alias", "remove"),
    "catalogue_admin.add_course": Case(
        lambda w: lambda: catalogue_admin.add_course(ACTOR, "DEM", "Dementia Awareness", 36),
        "create", "course", "create"),
    "catalogue_admin.update_course": Case(
        lambda w: lambda: catalogue_admin.update_course(ACTOR, Course.get(Course.code == "FIRE").id, "Fire Safety",
                                                        24),
        "update", "course", "update"),
    "auth.sign_in": Case(
        lambda w: lambda: auth.sign_in(w.users["supervisor"].email, PASSWORD, clock.utc_now()),
        "sign_in", "user", "event", actor=lambda w: w.users["supervisor"].email),
    "auth.sign_in_with_identity": Case(
        lambda w: lambda: auth.sign_in_with_identity(w.users["supervisor"].email.upper(), clock.utc_now()),
        "sign_in", "user", "event", actor=lambda w: w.users["supervisor"].email),
    "importers.import_bytes": Case(
        lambda w: lambda: import_bytes(
            "absences", ABSENCES_CSV.replace(b"{staff}", w.cara.staff_id.encode()), "absences.csv", ACTOR),
        "import", "absences", "create"),
    "column_mapping.save_mapping": Case(
        lambda w: lambda: save_mapping("ESR", "absences", suggest("absences", [*sum(columns_of("absences"), ())]), ACTOR),
        "save", "import_mapping", "create"),
    "retention.anonymise_person": Case(
        lambda w: (lambda p: lambda: anonymise_person(p.id, _days_ago(400), 2190, ACTOR))(_archived(w)),
        "anonymise", "person", "update"),
}

# Writes that moved into tracker/services/ (issue 11) but are not a person's audited action:
NOT_A_PERSONS_ACTION = {
    "catalogue.load_catalogues",  # the built-in catalogues, added to a new database at first start
    "catalogue.upgrade_to_2026_27",  # run once by schema step 7 inside the upgrade, not by a person
    "auth.create_first_admin",  # runs only on a database with no users (tests/test_auth.py checks its event)
}


def write_functions() -> set[str]:
    """Public functions of tracker/services/* that open a transaction or record an audit event."""
    found = set()
    for module_info in pkgutil.iter_modules(tracker.services.__path__):
        module = importlib.import_module(f"tracker.services.{module_info.name}")
        for name, function in inspect.getmembers(module, inspect.isfunction):
            if name.startswith("_") or function.__module__ != module.__name__:
                continue
            source = inspect.getsource(function)
            if "audit.record(" in source or "database.atomic(" in source:
                found.add(f"{module_info.name}.{name}")
    return found


def test_every_write_function_of_the_services_has_a_case() -> None:
    missing = sorted(write_functions() - set(CASES) - NOT_A_PERSONS_ACTION)
    assert not missing, f"add a case to tests/test_audit.py CASES for each new write function: {missing}"
    assert len(write_functions()) >= 35


def _problems(name: str, case: Case, w: World) -> list[str]:
    write = case.prepare(w)
    last = AuditEvent.select(AuditEvent.id).order_by(AuditEvent.id.desc()).scalar() or 0
    started = clock.utc_now() - timedelta(seconds=2)
    write()
    finished = clock.utc_now() + timedelta(seconds=2)
    events = list(AuditEvent.select().where(AuditEvent.id > last).order_by(AuditEvent.id))
    if len(events) != 1:
        return [f"{name}: {len(events)} events {[(e.action, e.entity) for e in events]}"]
    e = events[0]
    at = e.at if isinstance(e.at, datetime) else datetime.fromisoformat(str(e.at))
    before, after = (json.loads(x) if x else None for x in (e.before, e.after))
    checks = {
        "who": e.actor == case.actor(w),
        "when": started <= at <= finished,
        "what": (e.action, e.entity) == (case.action, case.entity) and (e.entity_id is not None or not case.has_id),
        "before/after": {
            "create": before is None and bool(after),
            "update": bool(before) and bool(after) and before != after,
            "remove": bool(before) and after is None,
            "event": True,
        }[case.shape],
        "no secrets": not any(s in f"{e.before}{e.after}" for s in SECRETS),
    }
    return [f"{name}: {check} wrong in {e.actor, e.at, e.action, e.entity, e.entity_id, before, after}"
            for check, ok in checks.items() if not ok]


def test_each_service_write_leaves_exactly_one_event_with_who_when_what_before_and_after(
    database: str, tmp_path: Path
) -> None:
    w = build_world(tmp_path)
    problems = [p for name, case in CASES.items() for p in _problems(name, case, w)]
    assert problems == []
    assert AuditEvent.select().count() >= len(CASES)


# ---- the audit page -------------------------------------------------------------------------------------


def _event(actor: str, action: str, entity: str, entity_id: object, at: datetime, after: dict | None = None) -> None:
    AuditEvent.create(actor=actor, action=action, entity=entity, entity_id=str(entity_id), at=at,
                      after=json.dumps(after or {"n": 1}))


async def _count_says(user: Visitor, total: int) -> None:
    await user.should_see(f"{total} events match", retries=20)


@pytest.mark.usefixtures("ui_database")
async def test_the_audit_page_filters_by_who_record_action_and_dates_and_shows_fifty_a_page(
    user: Visitor, tmp_path: Path
) -> None:
    w = build_world(tmp_path)
    noon = datetime(2026, 3, 10, 12, 0)
    for n in range(60):
        _event("alice@example.nhs.uk", "update", "person", w.asha.id, noon - timedelta(days=n))
    _event("bob@example.nhs.uk", "create", "absence", 1, datetime(2025, 6, 1, 9, 0))
    await sign_in(user, w.users["admin"].email, then="/admin/audit")
    await _count_says(user, AuditEvent.select().count())
    await user.should_see(marker="older")
    await user.should_not_see(marker="newer")
    await user.open("/admin/audit?page=2")
    await user.should_see(marker="newer")
    await user.open("/admin/audit?who=ALICE")
    await _count_says(user, 60)
    await user.open("/admin/audit?entity=absence")
    await _count_says(user, 1)
    await user.should_see("bob@example.nhs.uk")
    await user.open("/admin/audit?action=update&from=01/03/2026&to=10/03/2026")
    await _count_says(user, 10)
    await user.open("/admin/audit?from=31/02/2026")
    await user.should_see("From: '31/02/2026' is not a valid date")


@pytest.mark.usefixtures("ui_database")
async def test_the_filter_form_puts_the_filters_in_the_address(user: Visitor, tmp_path: Path) -> None:
    w = build_world(tmp_path)
    _event("bob@example.nhs.uk", "create", "absence", 1, datetime(2025, 6, 1, 9, 0))
    await sign_in(user, w.users["admin"].email, then="/admin/audit")
    user.find(marker="who").type("bob")
    user.find(marker="from").type("01/06/2025")
    user.find(marker="apply").click()
    await _count_says(user, 1)
    assert user.back_history[-1] == "/admin/audit?who=bob&from=01%2F06%2F2025"


@pytest.mark.usefixtures("ui_database")
async def test_a_lead_sees_the_events_about_their_people_only(user: Visitor, tmp_path: Path) -> None:
    w = build_world(tmp_path)
    at = datetime(2026, 1, 5, 10, 0)
    _event("someone@example.nhs.uk", "update", "person", w.asha.id, at, {"first_name": "Asha-north"})
    _event("someone@example.nhs.uk", "update", "person", w.cara.id, at, {"first_name": "Cara-south"})
    record = f.trained(w.ben, "FIRE", date(2025, 5, 1))
    _event("someone@example.nhs.uk", "create", "training_record", record.id, at, {"provider": "Ben-north-course"})
    await sign_in(user, w.users["lead_employer"].email, then="/admin/audit?who=someone")
    await _count_says(user, 2)
    await user.should_see("first_name: Asha-north")
    await user.should_see("provider: Ben-north-course")
    await user.should_not_see("Cara-south")


@pytest.mark.usefixtures("ui_database")
@pytest.mark.parametrize("role", ["staff", "supervisor"])
async def test_staff_and_supervisors_may_not_open_the_audit_trail(user: Visitor, tmp_path: Path, role: str) -> None:
    w = build_world(tmp_path)
    await sign_in(user, w.users[role].email, then="/admin/audit")
    await user.should_see("Not allowed")
    await user.should_not_see("events match")


@pytest.mark.usefixtures("ui_database")
async def test_html_in_an_audited_value_is_shown_as_text(user: Visitor, tmp_path: Path) -> None:
    w = build_world(tmp_path)
    payload = "<img src=x onerror=alert(1)>"
    _event("mallory@example.nhs.uk", "update", "person", w.asha.id, datetime(2026, 1, 5), {"first_name": payload})
    await sign_in(user, w.users["admin"].email, then="/admin/audit?who=mallory")
    await user.should_see(f"first_name: {payload}")
    await user.should_not_see(kind=ui.html)


def test_a_leads_trail_holds_the_events_about_the_people_they_lead_on_both_databases(
    database: str, tmp_path: Path
) -> None:
    from tracker.views.audit_trail import AuditFilters, search

    w = build_world(tmp_path)
    absence = f.absent(w.cara, date(2025, 2, 1), date(2025, 2, 10))
    at = datetime(2026, 1, 5, 10, 0)
    for person in (w.asha, w.cara, w.dan):
        _event("x@example.nhs.uk", "update", "person", person.id, at, {"who": person.first_name})
    _event("x@example.nhs.uk", "create", "absence", absence.id, at, {"who": "Cara's absence"})
    _event("x@example.nhs.uk", "create", "supervision_session", w.session.id, at, {"who": "Asha's session"})

    def seen(role: str) -> list[str]:
        page = search(w.viewer(role), AuditFilters(who="x@"), clock.today())
        return sorted(str((r.after or {}).get("who")) for r in page.rows)

    assert seen("lead_employer") == ["Asha", "Asha's session"]
    assert seen("lead_pcn") == ["Asha", "Asha's session", "Cara", "Cara's absence"]
    assert seen("admin") == ["Asha", "Asha's session", "Cara", "Cara's absence", "Dan"]


@pytest.mark.usefixtures("ui_database")
async def test_the_trail_reads_in_plain_english_with_names_uk_dates_and_london_times(
    user: Visitor, tmp_path: Path
) -> None:
    w = build_world(tmp_path)
    _event("grace@example.nhs.uk", "create", "supervision_session", w.session.id, datetime(2026, 12, 1, 21, 33, 40),
           {"supervisor_staff_id": w.grace.staff_id, "recorded_at": "2026-12-01T21:33:40"})
    _event("grace@example.nhs.uk", "assign", "supervisor_assignment", 999, datetime(2026, 7, 1, 8, 5),
           {"supervisor": w.grace.id, "supervisee": w.ben.id})
    _event("grace@example.nhs.uk", "made_up_thing", "odd_record", 5, datetime(2026, 7, 1, 8, 6))
    await sign_in(user, w.users["admin"].email, then="/admin/audit?who=grace")
    await _count_says(user, 3)
    await user.should_see(f"{w.grace.name} logged a supervision session for {w.asha.name} on 01/12/2026 at 21:33")
    await user.should_see(f"{w.grace.name} named {w.grace.name} as supervisor of {w.ben.name} on 01/07/2026 at 09:05")
    await user.should_see(f"{w.grace.name} made up thing an odd record on 01/07/2026 at 09:06")
    await user.should_not_see(PRIVATE_MARKER)
