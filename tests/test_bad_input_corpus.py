"""The bad-input corpus: hundreds of wrong inputs through the forms' service calls, the importers and the command
line, each refused with a clear message and nothing written (every table's row count is the same after), on
SQLite and PostgreSQL; and the inputs that look odd but are right (Unicode names; HTML, script and formulas in
text) accepted, kept exactly, shown as text and neutralised in CSV exports.

Each test prints its totals: cases tried, refused, accepted, rows lost (always 0).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from nicegui.testing import User as Visitor
from openpyxl import Workbook

from tests import factories as f
from tests.factories_proof import World, build_world, row_counts
from tests.ui_fixtures import PASSWORD, ui_database  # noqa: F401
from tracker import clock, db
from tracker.errors import ImportRejected, TrackerError
from tracker.formula_guard import FORMULA_STARTS
from tracker.importers import MAX_BYTES, import_bytes, import_file
from tracker.models import Person, SessionAttendee, TrainingRecord
from tracker.services import (
    absences,
    evidence,
    inbox,
    organisations,
    people,
    policies,
    rules,
    supervision,
    tokens,
    training,
    users,
)
from tracker.views import exports

ACTOR = "corpus@example.nhs.uk"
PDF = b"%PDF-1.4\n%%EOF\n"
BAD_DATES = [
    "", "31/02/2025", "29/02/2025", "29/02/1900", "2025-02-29", "2025-13-01", "00/01/2025", "32/01/2025",
    "31/04/2025", "1/1/25", "01/02/25, 10:32", "12/25/2025", "02/13/2025", "31-Feb-2025", "1 Smarch 2025",
    "2025.02.01", "tomorrow", "01/01/10000", "1e3", "=TODAY()", "<script>", "2025-02-28T25:00",
]
NOT_WHOLE_MINUTES = ["0", "-5", "481", "sixty", "60.5", "", "=60", "1e9", "NaN", "6 0"]
UNICODE_NAMES = [
    ("Żaneta", "Wójcik"), ("Siobhán", "Ó Briain"), ("José", "Núñez"), ("Nguyễn", "Thị Hương"), ("李", "小龍"),
    ("Zoë", "Brontë-Smith"), ("محمد", "علي"), ("Ævar", "Þórsson"), ("Ngozi", "Ọkọnkwọ"), ("Dagný", "Ægisdóttir"),
]
AS_TEXT = [
    "<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "=HYPERLINK(\"http://evil.example\",\"x\")",
    "+SUM(A1:A9)", "@cmd", "'; DROP TABLE person; --", "{{ 7*7 }}", "Tom & Jerry <b>",
]
CLEAR_WORDS_FORBIDDEN = ("Traceback", "NoneType", "object has no attribute", "IntegrityError", "<class ", "KeyError")


@dataclass
class Tally:
    name: str
    tried: int = 0
    refused: int = 0
    accepted: int = 0
    rows_lost: int = 0
    rows_added_by_refusals: int = 0
    problems: list[str] = field(default_factory=list)

    def line(self) -> str:
        return (f"corpus {self.name}: cases tried {self.tried}, refused {self.refused}, accepted {self.accepted}, "
                f"rows lost {self.rows_lost}")

    def refuse(self, label: str, call: Callable[[], object]) -> None:
        """The call must raise a TrackerError with a clear message and change no table."""
        self.tried += 1
        before = row_counts()
        try:
            call()
        except TrackerError as exc:
            message = exc.message
            if len(message.strip()) < 8 or any(w in message for w in CLEAR_WORDS_FORBIDDEN):
                self.problems.append(f"{label}: unclear message {message!r}")
            else:
                self.refused += 1
        except Exception as exc:  # a crash is not a clear message
            self.problems.append(f"{label}: crashed with {type(exc).__name__}: {exc}")
        else:
            self.problems.append(f"{label}: was accepted")
        self._compare(label, before, row_counts(), refused=True)

    def accept(self, label: str, call: Callable[[], object], check: Callable[[], bool]) -> None:
        self.tried += 1
        before = row_counts()
        try:
            call()
        except Exception as exc:
            self.problems.append(f"{label}: refused with {type(exc).__name__}: {exc}")
        else:
            if check():
                self.accepted += 1
            else:
                self.problems.append(f"{label}: not stored exactly")
        self._compare(label, before, row_counts(), refused=False)

    def _compare(self, label: str, before: dict[str, int], after: dict[str, int], refused: bool) -> None:
        lost = sum(max(0, before[t] - after[t]) for t in before)
        added = sum(max(0, after[t] - before[t]) for t in before if t != "audit_event" or refused)
        self.rows_lost += lost
        if lost:
            self.problems.append(f"{label}: {lost} rows lost")
        if refused and added:
            self.rows_added_by_refusals += added
            self.problems.append(f"{label}: refused but wrote {added} rows "
                                 f"{[t for t in before if after[t] != before[t]]}")

    def finish(self, at_least: int) -> None:
        print(self.line())
        assert self.problems == []
        assert self.tried >= at_least and self.rows_lost == 0 and self.rows_added_by_refusals == 0
        assert self.refused + self.accepted == self.tried


def _today() -> date:
    return clock.today()


# ---- forms: the service calls the pages make ------------------------------------------------------------


def person_form(w: World, **changes: object) -> Callable[[], object]:
    fields: dict[str, object] = dict(staff_id="N100", first_name="Nia", last_name="Jones", role="SPLW",
                                     employer=w.north.name, start_date="01/02/2025")
    fields.update(changes)
    return lambda: people.create_person(ACTOR, **fields)  # type: ignore[arg-type]


def session_form(w: World, **changes: object) -> Callable[[], object]:
    fields: dict[str, object] = dict(on=_today() - timedelta(days=1), minutes=60, kind="clinical", format=None,
                                     mode="in_person", supervisee_ids=[w.asha.id])
    fields.update(changes)
    extra = {k: v for k, v in fields.items() if k in ("topics", "actions", "next_date", "private_notes")}
    return lambda: supervision.log_session(
        ACTOR, w.grace.id, fields["on"], fields["minutes"], fields["kind"], fields["format"],  # type: ignore[arg-type]
        fields["mode"], fields["supervisee_ids"], **extra,  # type: ignore[arg-type]
    )


def form_cases(w: World, left: Person, absent_from: date) -> list[tuple[str, Callable[[], object]]]:
    t = _today()
    long = "x" * 4001
    cases: list[tuple[str, Callable[[], object]]] = []
    cases += [(f"person start_date {d!r}", person_form(w, start_date=d)) for d in BAD_DATES]
    cases += [(f"training completed_on {d!r}", lambda d=d: training.add_training(ACTOR, w.asha.id, "FIRE", d))
              for d in BAD_DATES]
    cases += [(f"absence start {d!r}", lambda d=d: absences.add_absence(ACTOR, w.ben.id, d, "30/06/2025"))
              for d in BAD_DATES]
    cases += [(f"session date {d!r}", session_form(w, on=d)) for d in BAD_DATES]
    cases += [(f"session minutes {m!r}", session_form(w, minutes=m)) for m in NOT_WHOLE_MINUTES]
    cases += [
        ("person staff_id empty", person_form(w, staff_id="")),
        ("person staff_id too long", person_form(w, staff_id="E" * 41)),
        ("person first name empty", person_form(w, first_name="")),
        ("person last name empty", person_form(w, last_name="  ")),
        ("person first name too long", person_form(w, first_name="A" * 101)),
        ("person role unknown", person_form(w, role="Wizard")),
        ("person role empty", person_form(w, role="")),
        ("person employer empty", person_form(w, employer="")),
        ("person employer type unknown", person_form(w, employer="New Charity", employer_kind="charity")),
        ("person end before start", person_form(w, end_date="01/01/2025")),
        ("person end 29/02 common year", person_form(w, end_date="29/02/2027")),
        ("person email no at", person_form(w, email="not-an-email")),
        ("person email no domain dot", person_form(w, email="a@b")),
        ("person two emails", person_form(w, email="one@x.uk;two@y.uk")),
        ("person fte 1.5", person_form(w, fte="1.5")),
        ("person fte 0", person_form(w, fte="0")),
        ("person fte negative", person_form(w, fte="-1")),
        ("person fte words", person_form(w, fte="half")),
        ("person band too long", person_form(w, band="B" * 21)),
        ("person supervises self", person_form(w, supervisor_staff_id="N100")),
        ("person supervisor unknown", person_form(w, supervisor_staff_id="NOPE")),
        ("person staff id taken", person_form(w, staff_id=w.asha.staff_id)),
        ("person pcn too long", person_form(w, pcn="P" * 201)),
        ("update stale version", lambda: people.update_person(ACTOR, w.ben.id, 99, "Ben", "Okafor", None)),
        ("update empty first name", lambda: people.update_person(ACTOR, w.ben.id, 1, "", "Okafor", None)),
        ("update long last name", lambda: people.update_person(ACTOR, w.ben.id, 1, "Ben", "O" * 101, None)),
        ("update bad email", lambda: people.update_person(ACTOR, w.ben.id, 1, "Ben", "Okafor", "ben@")),
        ("update unknown person", lambda: people.update_person(ACTOR, 999_999, 1, "Ben", "Okafor", None)),
        ("job change unknown role", lambda: people.change_employment(ACTOR, w.cara.id, "Wizard", w.south.name, t)),
        ("job change before the job began",
         lambda: people.change_employment(ACTOR, w.cara.id, "HWBC", w.south.name, "01/01/2020")),
        ("job change 29/02", lambda: people.change_employment(ACTOR, w.cara.id, "HWBC", w.south.name, "29/02/2025")),
        ("job change stale version",
         lambda: people.change_employment(ACTOR, w.cara.id, "HWBC", w.south.name, t, version=42)),
        ("job change fte 2", lambda: people.change_employment(ACTOR, w.cara.id, "SPLW", w.south.name, t, fte=2)),
        ("leaver month 13", lambda: people.record_leaver(ACTOR, w.dan.id, "31/13/2025")),
        ("leaver before start", lambda: people.record_leaver(ACTOR, w.dan.id, "01/01/2020")),
        ("leaver who already left", lambda: people.record_leaver(ACTOR, left.id, t)),
        ("leaver stale version", lambda: people.record_leaver(ACTOR, w.dan.id, t, version=7)),
        ("archive someone still employed", lambda: people.archive_person(ACTOR, w.dan.id)),
        ("training future", lambda: training.add_training(ACTOR, w.asha.id, "FIRE", t + timedelta(days=1))),
        ("training far future", lambda: training.add_training(ACTOR, w.asha.id, "FIRE", "01/01/2999")),
        ("training unknown course", lambda: training.add_training(ACTOR, w.asha.id, "Juggling", "01/02/2025")),
        ("training course empty", lambda: training.add_training(ACTOR, w.asha.id, "", "01/02/2025")),
        ("training provider too long",
         lambda: training.add_training(ACTOR, w.asha.id, "FIRE", "01/02/2025", "p" * 201)),
        ("training evidence state", lambda: training.add_training(
            ACTOR, w.asha.id, "FIRE", "01/02/2025", evidence_state="maybe")),
        ("training unknown person", lambda: training.add_training(ACTOR, 999_999, "FIRE", "01/02/2025")),
        ("absence end before start", lambda: absences.add_absence(ACTOR, w.ben.id, "10/06/2025", "01/06/2025")),
        ("absence reason", lambda: absences.add_absence(ACTOR, w.ben.id, "01/06/2025", "10/06/2025", "holiday")),
        ("absence 31 September", lambda: absences.add_absence(ACTOR, w.ben.id, "31/09/2025", "10/10/2025")),
        ("absence overlaps", lambda: absences.add_absence(ACTOR, w.ben.id, absent_from + timedelta(days=3),
                                                          absent_from + timedelta(days=30))),
        ("absence repeated", lambda: absences.add_absence(ACTOR, w.ben.id, absent_from,
                                                          absent_from + timedelta(days=9), "sickness")),
        ("absence unknown person", lambda: absences.add_absence(ACTOR, 999_999, "01/06/2025", "10/06/2025")),
        ("session kind", session_form(w, kind="therapy")),
        ("session mode", session_form(w, mode="carrier pigeon")),
        ("session group of one", session_form(w, format="group")),
        ("session one-to-one of two", session_form(w, format="one_to_one", supervisee_ids=[w.asha.id, w.ben.id])),
        ("session nobody", session_form(w, supervisee_ids=[])),
        ("session with oneself", session_form(w, supervisee_ids=[w.grace.id])),
        ("session unknown supervisee", session_form(w, supervisee_ids=[999_999])),
        ("session same person twice", session_form(w, supervisee_ids=[w.asha.id, w.asha.id], format="group")),
        ("session before employment", session_form(w, on="01/01/2020")),
        ("session next date before", session_form(w, next_date=_today() - timedelta(days=5))),
        ("session next date 31/06", session_form(w, next_date="31/06/2026")),
        ("session topics too long", session_form(w, topics=long)),
        ("session notes too long", session_form(w, private_notes="n" * 8001)),
        ("supervisor logs for a stranger", lambda: supervision.log_own_session(
            w.viewer("supervisor"), t, 60, "clinical", None, "video", [w.cara.id], today=t)),
        ("staff logs a session", lambda: supervision.log_own_session(
            w.viewer("staff"), t, 60, "clinical", None, "video", [w.ben.id], today=t)),
        ("query empty", lambda: supervision.query_attendance(ACTOR, w.session.id, w.asha.id, "  ")),
        ("query too long", lambda: supervision.query_attendance(ACTOR, w.session.id, w.asha.id, "q" * 2001)),
        ("query by a non-attendee", lambda: supervision.query_attendance(ACTOR, w.session.id, w.cara.id, "Why?")),
        ("confirm by a non-attendee", lambda: supervision.confirm_attendance(ACTOR, w.session.id, w.cara.id)),
        ("user bad email", lambda: users.add_user(ACTOR, "bad", PASSWORD, "admin")),
        ("user unknown role", lambda: users.add_user(ACTOR, "x@example.nhs.uk", PASSWORD, "superuser")),
        ("user no role", lambda: users.add_user(ACTOR, "x@example.nhs.uk", PASSWORD, "")),
        ("user short password", lambda: users.add_user(ACTOR, "x@example.nhs.uk", "short", "admin")),
        ("user common password", lambda: users.add_user(ACTOR, "x@example.nhs.uk", "password1234", "admin")),
        ("user staff without person", lambda: users.add_user(ACTOR, "x@example.nhs.uk", PASSWORD, "staff")),
        ("user lead without scope", lambda: users.add_user(ACTOR, "x@example.nhs.uk", PASSWORD, "lead")),
        ("user lead of two scopes", lambda: users.add_user(
            ACTOR, "x@example.nhs.uk", PASSWORD, "lead", None, w.north.name, w.pcn.name)),
        ("user email taken", lambda: users.add_user(ACTOR, w.users["admin"].email, PASSWORD, "admin")),
        ("user unknown person", lambda: users.add_user(ACTOR, "x@example.nhs.uk", PASSWORD, "staff", "NOPE")),
        ("user unknown employer", lambda: users.add_user(
            ACTOR, "x@example.nhs.uk", PASSWORD, "lead", None, "Nowhere Trust")),
        ("password weak", lambda: users.change_password(ACTOR, w.users["staff"].id, "qwerty123456")),
        ("password wrong current", lambda: users.change_password(
            ACTOR, w.users["staff"].id, "Another-Horse-43", "not my password")),
        ("requirement scope", lambda: rules.set_requirement(ACTOR, "team", "SPLW", "FIRE", 12)),
        ("requirement unknown role", lambda: rules.set_requirement(ACTOR, "role", "Wizard", "FIRE", 12)),
        ("requirement unknown course", lambda: rules.set_requirement(ACTOR, "role", "SPLW", "Juggling", 12)),
        ("requirement renewal negative", lambda: rules.set_requirement(ACTOR, "role", "SPLW", "FIRE", "-1")),
        ("requirement renewal 601", lambda: rules.set_requirement(ACTOR, "role", "SPLW", "FIRE", "601")),
        ("requirement renewal words", lambda: rules.set_requirement(ACTOR, "role", "SPLW", "FIRE", "twelve")),
        ("requirement renewal fraction", lambda: rules.set_requirement(ACTOR, "role", "SPLW", "FIRE", "1.5")),
        ("requirement allowance 3651", lambda: rules.set_requirement(ACTOR, "role", "SPLW", "FIRE", 12, "3651")),
        ("rule minutes negative", lambda: rules.set_supervision_rule(ACTOR, "role", "SPLW", "-1")),
        ("rule minutes 2401", lambda: rules.set_supervision_rule(ACTOR, "role", "SPLW", "2401")),
        ("rule minutes words", lambda: rules.set_supervision_rule(ACTOR, "role", "SPLW", "lots")),
        ("rule kinds", lambda: rules.set_supervision_rule(ACTOR, "role", "SPLW", 60, "therapy")),
        ("rule group counts", lambda: rules.set_supervision_rule(ACTOR, "role", "SPLW", 60, "clinical", "perhaps")),
        ("rule unknown employer", lambda: rules.set_supervision_rule(ACTOR, "employer", "Nowhere", 60)),
        ("certificate empty", lambda: evidence.upload_certificate(
            w.viewer("staff"), w.settings, w.asha.id, "FIRE", "01/02/2025", "", b"")),
        ("certificate a program", lambda: evidence.upload_certificate(
            w.viewer("staff"), w.settings, w.asha.id, "FIRE", "01/02/2025", "", b"MZ\x90\x00program")),
        ("certificate html", lambda: evidence.upload_certificate(
            w.viewer("staff"), w.settings, w.asha.id, "FIRE", "01/02/2025", "", b"<html><script>")),
        ("certificate over 5 MB", lambda: evidence.upload_certificate(
            w.viewer("staff"), w.settings, w.asha.id, "FIRE", "01/02/2025", "", PDF + b"0" * evidence.MAX_BYTES)),
        ("certificate future", lambda: evidence.upload_certificate(
            w.viewer("staff"), w.settings, w.asha.id, "FIRE", t + timedelta(days=2), "", PDF)),
        ("certificate 29/02", lambda: evidence.upload_certificate(
            w.viewer("staff"), w.settings, w.asha.id, "FIRE", "29/02/2025", "", PDF)),
        ("certificate for someone else", lambda: evidence.upload_certificate(
            w.viewer("staff"), w.settings, w.ben.id, "FIRE", "01/02/2025", "", PDF)),
        ("position no version", lambda: policies.set_position(
            w.viewer("admin"), w.north.id, 1, statement="No lone visits", version="")),
        ("position no statement", lambda: policies.set_position(
            w.viewer("admin"), w.north.id, 1, statement="", version="1")),
        ("position javascript link", lambda: policies.set_position(
            w.viewer("admin"), w.north.id, 1, statement="x", version="1", document_url="javascript:alert(1)")),
        ("position ftp link", lambda: policies.set_position(
            w.viewer("admin"), w.north.id, 1, statement="x", version="1", document_url="ftp://files/x.pdf")),
        ("position owner email", lambda: policies.set_position(
            w.viewer("admin"), w.north.id, 1, statement="x", version="1", owner_email="owner")),
        ("position review 30/02", lambda: policies.set_position(
            w.viewer("admin"), w.north.id, 1, statement="x", version="1", review_date="30/02/2026")),
        ("position by staff", lambda: policies.set_position(
            w.viewer("staff"), w.north.id, 1, statement="x", version="1")),
        ("position by another employer's lead", lambda: policies.set_position(
            w.viewer("lead_employer"), w.south.id, 1, statement="x", version="1")),
        ("adaptation no employers", lambda: policies.save_adaptation(w.viewer("admin"), 1, [], "Visits in pairs")),
        ("adaptation employer words", lambda: policies.save_adaptation(w.viewer("admin"), 1, ["abc"], "x")),
        ("adaptation no condition", lambda: policies.save_adaptation(w.viewer("admin"), 1, [w.north.id], "")),
        ("adaptation 31/11", lambda: policies.save_adaptation(
            w.viewer("admin"), 1, [w.north.id], "x", agreed_on="31/11/2025")),
        ("adaptation unknown employer", lambda: policies.save_adaptation(w.viewer("admin"), 1, [999_999], "x")),
        ("topic empty", lambda: policies.add_topic(w.viewer("admin"), " ")),
        ("topic repeated", lambda: policies.add_topic(w.viewer("admin"), "LONE WORKING")),
        ("topic by a lead", lambda: policies.add_topic(w.viewer("lead_employer"), "Social media")),
        ("organisation empty name", lambda: organisations.update_organisation(ACTOR, w.south.id, "", "gp_practice")),
        ("organisation kind", lambda: organisations.update_organisation(ACTOR, w.south.id, "South", "charity")),
        ("organisation name clash", lambda: organisations.update_organisation(
            ACTOR, w.south.id, w.north.name.upper(), "gp_practice")),
        ("employer kind", lambda: organisations.get_or_create_employer(ACTOR, "New Place", "charity")),
        ("token purpose", lambda: tokens.create(w.users["admin"].id, "root", "x")),
        ("token name too long", lambda: tokens.create(w.users["admin"].id, "api", "n" * 81)),
        ("message no subject", lambda: inbox.notify(w.users["staff"].id, "  ")),
        ("message body too long", lambda: inbox.notify(w.users["staff"].id, "Hi", "b" * 20_001)),
        ("message to nobody", lambda: inbox.notify(999_999, "Hi")),
    ]
    return cases


def test_the_forms_refuse_bad_input_with_a_clear_message_and_write_nothing(database: str, tmp_path: Path) -> None:
    w = build_world(tmp_path)
    left = f.person("Lee", "Left", employer=w.north, end=date(2025, 1, 31))
    absent_from = date(2025, 3, 1)
    f.absent(w.ben, absent_from, absent_from + timedelta(days=9))
    tally = Tally(f"forms [{database.split(':')[0]}]")
    for label, call in form_cases(w, left, absent_from):
        tally.refuse(label, call)
    tally.finish(at_least=150)
    # each refusal was the changed field's doing: the same forms with good values are accepted
    person_form(w)()
    session_form(w)()
    training.add_training(ACTOR, w.asha.id, "FIRE", "01/02/2025")
    absences.add_absence(ACTOR, w.ben.id, "01/06/2025", "30/06/2025")
    people.update_person(ACTOR, w.ben.id, 1, "Ben", "Okafor", None)
    people.record_leaver(ACTOR, w.dan.id, _today())
    rules.set_requirement(ACTOR, "role", "SPLW", "FIRE", 12, 90)
    rules.set_supervision_rule(ACTOR, "role", "SPLW", 60, "clinical", "yes")
    evidence.upload_certificate(w.viewer("staff"), w.settings, w.asha.id, "FIRE", "02/02/2025", "", PDF)
    policies.set_position(w.viewer("lead_employer"), w.north.id, 1, statement="x", version="1",
                          document_url="https://example.nhs.uk/p.pdf", review_date="28/02/2026")
    users.add_user(ACTOR, "x@example.nhs.uk", PASSWORD, "lead", None, w.north.name)


def test_unicode_names_and_html_script_or_formulas_in_text_are_kept_exactly(database: str, tmp_path: Path) -> None:
    w = build_world(tmp_path)
    tally = Tally(f"text [{database.split(':')[0]}]")
    for n, (first, last) in enumerate(UNICODE_NAMES):
        staff_id = f"U{n}"
        tally.accept(f"name {first} {last}", person_form(w, staff_id=staff_id, first_name=first, last_name=last),
                     lambda s=staff_id, a=first, b=last: Person.get(Person.staff_id == s).name == f"{a} {b}")
    for n, value in enumerate(AS_TEXT):
        staff_id = f"H{n}"
        tally.accept(f"first name {value}", person_form(w, staff_id=staff_id, first_name=value),
                     lambda s=staff_id, v=value: Person.get(Person.staff_id == s).first_name == v)
        tally.accept(f"query {value}", lambda v=value: supervision.query_attendance(ACTOR, w.session.id, w.asha.id, v),
                     lambda v=value: SessionAttendee.get(SessionAttendee.session == w.session.id).query_text == v)
        tally.accept(f"provider {value}", lambda v=value, d=n: training.add_training(
            ACTOR, w.ben.id, "FIRE", date(2025, 1, 1 + d), v),
            lambda v=value: TrainingRecord.select().where(TrainingRecord.provider == v).count() == 1)
    tally.finish(at_least=30)
    cells = {
        cell
        for table in (exports.people_table(_today()), exports.training_table(_today()))
        for row in csv.reader(io.StringIO(exports.to_csv(table).decode("utf-8-sig")))
        for cell in row
    }
    for value in AS_TEXT:
        if value.startswith(FORMULA_STARTS):
            assert "'" + value in cells and value not in cells  # neutralised: a spreadsheet shows it as text
    assert not [c for c in cells if c.startswith(FORMULA_STARTS)]
    assert {"Żaneta", "李", "<script>alert(1)</script>"} <= cells


# ---- imports: CSV and Excel files ---------------------------------------------------------------------------

HEADERS = {
    "people": "staff_id,first_name,last_name,role,employer,start_date,email,fte",
    "training": "staff_id,course,completed_on,provider",
    "supervision": "date,supervisor_staff_id,supervisee_staff_ids,minutes,kind,format,mode",
    "absences": "staff_id,start_date,end_date,reason",
    "requirements": "scope,name,course,renewal_months,new_starter_days",
    "supervision-rules": "scope,name,min_minutes_per_month,kinds,group_counts",
}


def good_rows(w: World) -> dict[str, list[str]]:
    a, b, g = w.asha.staff_id, w.ben.staff_id, w.grace.staff_id
    return {
        "people": [f"P1,Pat,Lee,SPLW,{w.north.name},01/02/2025,pat@example.nhs.uk,1"],
        "training": [f"{a},FIRE,01/02/2025,Online", f"{b},SG-L2,02/02/2025,"],
        "supervision": [f"03/02/2025,{g},{a},60,clinical,one_to_one,video"],
        "absences": [f"{b},01/04/2025,10/04/2025,sickness"],
        "requirements": ["role,SPLW,FIRE,12,90"],
        "supervision-rules": ["role,SPLW,60,clinical,yes"],
    }


def bad_rows(w: World) -> list[tuple[str, str]]:
    a, b, g = w.asha.staff_id, w.ben.staff_id, w.grace.staff_id
    later = (_today() + timedelta(days=1)).strftime("%d/%m/%Y")
    rows: list[tuple[str, str]] = []
    rows += [("people", f"P2,Ann,Bee,SPLW,{w.north.name},{d},,") for d in BAD_DATES]
    rows += [("training", f"{a},FIRE,{d},") for d in BAD_DATES]
    rows += [("absences", f"{b},{d},30/06/2025,other") for d in BAD_DATES]
    rows += [("supervision", f"{d},{g},{a},60,clinical,,") for d in BAD_DATES]
    rows += [("supervision", f"03/03/2025,{g},{a},{m},clinical,," if "," not in m else "") for m in NOT_WHOLE_MINUTES]
    rows += [
        ("people", f"P2,Ann,Bee,Wizard,{w.north.name},01/02/2025,,"),
        ("people", f"P2,Ann,Bee,SPLW,{w.north.name},01/02/2025,ann@,"),
        ("people", f"P2,Ann,Bee,SPLW,{w.north.name},01/02/2025,,1.5"),
        ("people", f"P2,Ann,Bee,SPLW,{w.north.name},01/02/2025,,=1/2"),
        ("people", f",Ann,Bee,SPLW,{w.north.name},01/02/2025,,"),
        ("people", f"P2,,Bee,SPLW,{w.north.name},01/02/2025,,"),
        ("people", f"P1,Pat,Lee,SPLW,{w.north.name},01/02/2025,,"),  # the same staff id twice in one file
        ("training", f"{a},FIRE,{later},"),
        ("training", f"{a},Juggling,01/02/2025,"),
        ("training", "NOPE,FIRE,01/02/2025,"),
        ("training", f"{a},FIRE,01/02/2025,{'p' * 201}"),
        ("supervision", f"03/02/2025,{g},{a},60,therapy,,"),
        ("supervision", f"03/02/2025,{g},{a},60,clinical,group,"),
        ("supervision", f"03/02/2025,{g},{a};{b},60,clinical,one_to_one,"),
        ("supervision", f"03/02/2025,{g},{g},60,clinical,,"),
        ("supervision", f"03/02/2025,{g},NOPE,60,clinical,,"),
        ("supervision", f"03/02/2025,{g},{a},60,clinical,,carrier"),
        ("supervision", f"{later},{g},{a},60,clinical,,"),
        ("absences", f"{b},10/06/2025,01/06/2025,other"),
        ("absences", f"{b},01/06/2025,10/06/2025,holiday"),
        ("absences", f"{b},05/04/2025,20/04/2025,other"),  # overlaps the good row in the same file
        ("requirements", "team,SPLW,FIRE,12,"),
        ("requirements", "role,SPLW,FIRE,-1,"),
        ("requirements", "role,SPLW,FIRE,=12,"),
        ("requirements", "role,Wizard,FIRE,12,"),
        ("requirements", "role,SPLW,FIRE,12,90"),  # the same rule twice in one file
        ("supervision-rules", "role,SPLW,-5,clinical,yes"),
        ("supervision-rules", "role,SPLW,60,therapy,yes"),
        ("supervision-rules", "role,SPLW,60,clinical,perhaps"),
        ("supervision-rules", "employer,Nowhere,60,clinical,yes"),
    ]
    return [(k, r) for k, r in rows if r]


def csv_file(kind: str, rows: list[str]) -> bytes:
    return ("\n".join([HEADERS[kind], *rows]) + "\n").encode("utf-8")


def xlsx_file(kind: str, rows: list[list[object]]) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(HEADERS[kind].split(","))
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def file_cases(w: World, tmp_path: Path) -> list[tuple[str, Callable[[], object]]]:
    good = good_rows(w)
    cases: list[tuple[str, Callable[[], object]]] = []
    for kind, row in bad_rows(w):
        data = csv_file(kind, [*good[kind], row])
        cases.append((f"{kind} csv row {row!r}", lambda k=kind, d=data: import_bytes(k, d, f"{k}.csv", ACTOR)))
    a, g = w.asha.staff_id, w.grace.staff_id
    xlsx = {
        "date as a number past Excel's last day": ("training", [a, "FIRE", 3_000_000, None]),
        "date as a negative number": ("training", [a, "FIRE", -5, None]),
        "date as words": ("training", [a, "FIRE", "last Tuesday", None]),
        "future date cell": ("training", [a, "FIRE", datetime.combine(clock.today() + timedelta(days=3), datetime.min.time()),
                                             None]),
        "minutes as a date": ("supervision", [datetime(2025, 2, 3), g, a, datetime(2025, 1, 1), "clinical"]),
        "minutes fraction": ("supervision", [datetime(2025, 2, 3), g, a, 59.5, "clinical"]),
        "formula with no value": ("supervision", [datetime(2025, 2, 3), g, a, "=30+30", "clinical"]),
        "fte as text": ("people", ["P3", "Ann", "Bee", "SPLW", w.north.name, datetime(2025, 2, 1), None, "full"]),
        "staff id missing": ("people", [None, "Ann", "Bee", "SPLW", w.north.name, datetime(2025, 2, 1)]),
    }
    for label, (kind, row) in xlsx.items():
        data = xlsx_file(kind, [row])
        cases.append((f"{kind} xlsx {label}", lambda k=kind, d=data: import_bytes(k, d, f"{k}.xlsx", ACTOR)))
    big = tmp_path / "huge.csv"
    with big.open("wb") as out:
        out.write(csv_file("training", good["training"]))
        out.truncate(MAX_BYTES + 1)
    whole = [
        ("empty file", "people", b"", "x.csv"),
        ("header only", "people", csv_file("people", []), "x.csv"),
        ("unknown column", "people", csv_file("people", []).replace(b"fte", b"salary") + b"P9,A,B,SPLW,N,01/02/2025,,1\n",
         "x.csv"),
        ("missing column", "training", b"staff_id,course\nE1,FIRE\n", "x.csv"),
        ("column twice", "training", b"staff_id,course,completed_on,course\nE1,FIRE,01/02/2025,FIRE\n", "x.csv"),
        ("neither UTF-8 nor Windows-1252", "people", csv_file("people", good["people"]).replace(b"Pat", b"Zo\x81"), "x.csv"),
        ("old Excel", "people", b"\xd0\xcf\x11\xe0 old excel", "x.xls"),
        ("not a workbook", "people", b"PK\x03\x04 not really a zip", "x.xlsx"),
        ("a PDF", "people", PDF, "x.pdf"),
        ("binary junk", "people", bytes(range(256)) * 4, "x.csv"),
        ("unknown kind", "wizards", csv_file("people", good["people"]), "x.csv"),
        ("replace people", "people", csv_file("people", good["people"]), "x.csv"),
        ("over 20 MB in memory", "training", b"x" * (MAX_BYTES + 1), "x.csv"),
    ]
    for label, kind, data, name in whole:
        replace = label == "replace people"
        cases.append((f"file {label}", lambda k=kind, d=data, n=name, r=replace: import_bytes(k, d, n, ACTOR,
                                                                                               replace=r)))
    cases.append(("file over 20 MB on disk", lambda: import_file("training", big, ACTOR)))
    cases.append(("file that is not there", lambda: import_file("training", tmp_path / "missing.csv", ACTOR)))
    return cases


def test_imports_refuse_any_bad_row_or_file_and_write_nothing(database: str, tmp_path: Path) -> None:
    w = build_world(tmp_path)
    tally = Tally(f"imports [{database.split(':')[0]}]")
    for label, call in file_cases(w, tmp_path):
        tally.refuse(label, call)
    tally.finish(at_least=120)
    good = good_rows(w)
    for kind in HEADERS:  # the good rows alone are fine, so each refusal above was the bad row's doing
        result = import_bytes(kind, csv_file(kind, good[kind]), f"{kind}.csv", ACTOR, dry_run=True)
        assert result.rows == len(good[kind])


def test_a_refused_import_names_every_bad_row_and_column(sqlite_database: str) -> None:
    f.person(staff_id="E1")
    data = b"staff_id,course,completed_on\nE1,FIRE,29/02/2025\nE1,FIRE,01/02/2025\nE1,Juggling,31/04/2025\n"
    with pytest.raises(ImportRejected) as caught:
        import_bytes("training", data, "t.csv", ACTOR)
    assert [str(e) for e in caught.value.errors] == [
        "row 2: completed_on: '29/02/2025' is not a valid date (use dd/mm/yyyy or yyyy-mm-dd)",
        "row 4: course: 'Juggling' is not a course in the catalogue (use a course code, name or alias)",
        "row 4: completed_on: '31/04/2025' is not a valid date (use dd/mm/yyyy or yyyy-mm-dd)",
    ]


# ---- the command line ---------------------------------------------------------------------------------


def cli_cases(w: World, tmp_path: Path, url: str) -> list[tuple[str, list[str], int, dict[str, str]]]:
    bad_training = tmp_path / "bad-training.csv"
    bad_training.write_bytes(csv_file("training", [f"{w.asha.staff_id},FIRE,29/02/2025,"]))
    bad_people = tmp_path / "bad-people.xlsx"
    bad_people.write_bytes(xlsx_file("people", [["P7", "Ann", "Bee", "SPLW", w.north.name, "31/02/2025"]]))
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"this is not a database")
    out = str(tmp_path / "report.pdf")
    pw = {"TRACKER_PASSWORD": PASSWORD}
    return [
        ("no such command", ["frobnicate"], 2, {}),
        ("import without a file", ["import", "people"], 2, {}),
        ("import unknown kind", ["import", "wizards", str(bad_training)], 2, {}),
        ("import missing file", ["import", "training", str(tmp_path / "none.csv")], 1, {}),
        ("import bad date", ["import", "training", str(bad_training)], 1, {}),
        ("import bad date dry run", ["import", "training", str(bad_training), "--dry-run"], 1, {}),
        ("import bad xlsx", ["import", "people", str(bad_people)], 1, {}),
        ("import people --replace", ["import", "people", str(bad_training), "--replace"], 1, {}),
        ("import a database file", ["import", "people", str(junk)], 1, {}),
        ("status 31/02", ["status", "--as-of", "31/02/2026"], 1, {}),
        ("status words", ["status", "--as-of", "tomorrow"], 1, {}),
        ("status format", ["status", "--format", "yaml"], 2, {}),
        ("status unknown employer", ["status", "--employer", "Nowhere Trust"], 1, {}),
        ("status unknown pcn", ["status", "--pcn", "Nowhere PCN"], 1, {}),
        ("status two scopes", ["status", "--employer", w.north.name, "--pcn", w.pcn.name], 2, {}),
        ("report unknown kind", ["report", "team", "x", "--out", out], 2, {}),
        ("report no out", ["report", "employer", w.north.name], 2, {}),
        ("report unknown employer", ["report", "employer", "Nowhere Trust", "--out", out], 1, {}),
        ("report unknown person", ["report", "person", "NOPE", "--out", out], 1, {}),
        ("report 29/02", ["report", "employer", w.north.name, "--as-of", "29/02/2025", "--out", out], 1, {}),
        ("report to before from", ["report", "supervisor", w.grace.staff_id, "--from", "2026-02-01", "--to",
                                   "2026-01-01", "--out", out], 1, {}),
        ("report bad from", ["report", "supervisor", w.grace.staff_id, "--from", "2026-02-30", "--out", out], 1, {}),
        ("remind 30/02", ["remind", "--as-of", "2026-02-30"], 1, {}),
        ("user bad email", ["user", "add", "not-an-email", "--role", "admin"], 1, pw),
        ("user unknown role", ["user", "add", "x@example.nhs.uk", "--role", "wizard"], 1, pw),
        ("user staff without person", ["user", "add", "x@example.nhs.uk", "--role", "staff"], 1, pw),
        ("user weak password", ["user", "add", "x@example.nhs.uk", "--role", "admin"], 1,
         {"TRACKER_PASSWORD": "password1234"}),
        ("user email taken", ["user", "add", w.users["admin"].email, "--role", "admin"], 1, pw),
        ("user lead unknown employer", ["user", "add", "x@example.nhs.uk", "--role", "lead", "--employer",
                                        "Nowhere Trust"], 1, pw),
        ("password unknown login", ["user", "password", "nobody@example.nhs.uk"], 1, pw),
        ("deactivate unknown login", ["user", "deactivate", "nobody@example.nhs.uk"], 1, {}),
        ("backup into a missing folder", ["backup", str(tmp_path / "no" / "such" / "dir" / "b.db")], 1, {}),
        ("restore junk", ["restore", str(junk)], 1, {}),
        ("restore missing", ["restore", str(tmp_path / "none.db")], 1, {}),
        ("demo into a full database", ["demo"], 1, {}),
        ("database url", ["--database", "mysql://x/y", "status"], 2, {}),
        ("scheduler setting", ["status"], 2, {"TRACKER_SCHEDULER": "sometimes"}),
        ("time zone setting", ["status"], 2, {"TRACKER_TIMEZONE": "Mars/Olympus"}),
    ]


def test_the_command_line_refuses_bad_input_with_a_message_and_a_status(
    database: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import cli

    w = build_world(tmp_path)
    monkeypatch.setenv("TRACKER_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("TRACKER_SMTP_HOST", raising=False)
    tally = Tally(f"command line [{database.split(':')[0]}]")
    for label, argv, status, env in cli_cases(w, tmp_path, database):
        with monkeypatch.context() as m:
            for name, value in env.items():
                m.setenv(name, value)
            args = argv if "--database" in argv else [*argv, "--database", database]
            outcome: dict[str, object] = {}

            def run(args: list[str] = args, outcome: dict[str, object] = outcome) -> object:
                outcome["status"] = cli.main(args)
                return outcome["status"]

            tally.tried += 1
            before = row_counts()
            try:
                run()
            except BaseException as exc:  # argparse's SystemExit or a crash: either is wrong here
                tally.problems.append(f"cli {label}: raised {type(exc).__name__}: {exc}")
            db.connect(database)  # restore closes the connection; reopen it for the counts
            tally._compare(f"cli {label}", before, row_counts(), refused=True)
            err = capsys.readouterr().err
            if outcome.get("status") != status:
                tally.problems.append(f"cli {label}: exit status {outcome.get('status')}, expected {status}: {err}")
            elif len(err.strip()) < 8 or any(word in err for word in CLEAR_WORDS_FORBIDDEN):
                tally.problems.append(f"cli {label}: unclear message {err!r}")
            else:
                tally.refused += 1
    tally.finish(at_least=35)


# ---- shown as text: pages and PDFs ---------------------------------------------------------------------

SCRIPT_NAME = ("<script>alert(1)</script>", "<img src=x onerror=alert(2)> & Co")


@pytest.mark.usefixtures("ui_database")
async def test_html_in_a_name_is_shown_as_text_on_the_page_and_in_the_pdf(user: Visitor, tmp_path: Path) -> None:
    from nicegui import ui
    from pypdf import PdfReader

    from reports.subject_access import statement_pdf
    from tests.ui_fixtures import sign_in

    w = build_world(tmp_path)
    person = people.create_person(ACTOR, "X1", *SCRIPT_NAME, "SPLW", w.north.name, "01/02/2025")
    await sign_in(user, w.users["admin"].email, then=f"/people/{person.person_id}")
    await user.should_see(" ".join(SCRIPT_NAME))
    await user.should_not_see(kind=ui.html)
    pdf = statement_pdf("X1", _today(), ACTOR)
    assert pdf is not None
    words = " ".join(" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "<script>alert(1)</script>" in words and "onerror=alert(2)> & Co" in words
