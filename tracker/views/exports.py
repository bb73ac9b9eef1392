"""Exports of the table views (people, training, supervision sessions, absences, the matrix, the audit trail)
to CSV and Excel.

The people, training, sessions and absences exports use exactly the columns of the import files
(INTERFACES.md), so an export imports back unchanged. The matrix carries the statuses the rules engine
computed. Private supervision notes are never exported. In CSV, a text cell that a spreadsheet would read as a
formula gets a leading apostrophe, which the importer takes off again (tracker.formula_guard); Excel text cells
are written as text, never formulas, so they need none.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from tracker import compliance as c
from tracker.access import Scope
from tracker.dates import add_months, month_start
from tracker.formula_guard import guard
from tracker.models import (
    Absence,
    AuditEvent,
    Course,
    Employment,
    Person,
    Role,
    SessionAttendee,
    SupervisionSession,
    SupervisorAssignment,
    TrainingRecord,
)
from tracker.periods import active_on
from tracker.views import joined
from tracker.views.population import scope_jobs, snapshot

PEOPLE_COLUMNS = [
    "staff_id", "first_name", "last_name", "email", "role", "employer", "employer_type", "pcn", "band", "fte",
    "start_date", "end_date", "supervisor_staff_id",
]
TRAINING_COLUMNS = ["staff_id", "course", "completed_on", "provider", "reference", "expires_on"]
SUPERVISION_COLUMNS = [
    "date", "supervisor_staff_id", "supervisee_staff_ids", "minutes", "kind", "format", "mode",
]
ABSENCE_COLUMNS = ["staff_id", "start_date", "end_date", "reason"]
AUDIT_COLUMNS = ["at", "actor", "action", "entity", "entity_id", "before", "after"]

Cell = str | int | float | date | datetime | None


@dataclass
class ExportTable:
    """A header row and data rows, ready to write as CSV or XLSX."""

    title: str
    headers: list[str]
    rows: list[list[Cell]] = field(default_factory=list)


@dataclass(frozen=True)
class ExportFilters:
    """The filters of a table view, applied to its export too."""

    scope: Scope = Scope()
    role: str | None = None  # role code
    rag: str | None = None  # red | amber | green
    search: str = ""  # part of a name or staff id
    include_archived: bool = False


# ---- writers -----------------------------------------------------------------------------------------


def safe_cell(value: Cell) -> Cell:
    """A CSV text cell that a spreadsheet would run as a formula gets a leading apostrophe; other values pass."""
    return guard(value) if isinstance(value, str) else value


def _csv_text(value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.isoformat(sep=" ", timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def to_csv(table: ExportTable) -> bytes:
    """UTF-8 with a byte-order mark (so Excel reads accents), ISO dates, formula cells neutralised."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(table.headers)
    for row in table.rows:
        writer.writerow([safe_cell(_csv_text(v)) for v in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


MAX_COLUMN_WIDTH = 60  # characters; longer text wraps in Excel rather than making one column a page wide


def to_xlsx(table: ExportTable) -> bytes:
    """One sheet as people open it in Excel: header row bold and frozen, an autofilter, columns as wide as their
    text (up to MAX_COLUMN_WIDTH), dates as real dates shown yyyy-mm-dd, text cells always text (never a
    formula, so no guard is needed and none is stored)."""
    wb = Workbook()
    ws = wb.active
    ws.title = table.title[:31] or "Sheet1"
    ws.append(table.headers)
    widths = [len(str(h)) for h in table.headers]
    for row in table.rows:
        ws.append(list(row))
        for index, value in enumerate(row[: len(widths)]):
            widths[index] = max(widths[index], 10 if isinstance(value, date) else len(_csv_text(value)))
    ws.freeze_panes = "A2"
    if table.headers:
        ws.auto_filter.ref = f"A1:{get_column_letter(len(table.headers))}{len(table.rows) + 1}"
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for index, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(index)].width = min(width + 2, MAX_COLUMN_WIDTH)
    for column in ws.iter_cols(min_row=1):
        for cell in column:
            if isinstance(cell.value, datetime):
                cell.number_format = "yyyy-mm-dd hh:mm:ss"
            elif isinstance(cell.value, date):
                cell.number_format = "yyyy-mm-dd"
            elif isinstance(cell.value, str):
                cell.data_type = "s"  # never a formula, whatever the text
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def write(table: ExportTable, fmt: str) -> bytes:
    if fmt == "csv":
        return to_csv(table)
    if fmt == "xlsx":
        return to_xlsx(table)
    raise ValueError(f"unknown export format '{fmt}' (csv or xlsx)")


def media_type(fmt: str) -> str:
    return "text/csv" if fmt == "csv" else "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# ---- which people ------------------------------------------------------------------------------------


def _people_in(filters: ExportFilters, as_of: date) -> dict[int, Person]:
    """The people a view shows: in scope on as_of (or ever, for a person-id scope), matching the filters."""
    query = Person.select()
    scope = filters.scope
    if scope.person_ids is not None:
        query = query.where(Person.id.in_(list(scope.person_ids)))
    elif scope.by_place or filters.role:
        jobs = scope_jobs(scope, as_of).join(Role)
        if filters.role:
            jobs = jobs.where(Role.code == filters.role)
        query = query.where(Person.id.in_(jobs))
    if not filters.include_archived:
        query = query.where(Person.archived == False)  # noqa: E712 - peewee expression
    people = {p.id: p for p in query.order_by(Person.staff_id)}
    if filters.search.strip():
        needle = filters.search.strip().lower()
        people = {
            pid: p for pid, p in people.items() if needle in p.name.lower() or needle in p.staff_id.lower()
        }
    return people


# ---- the import-shaped exports -----------------------------------------------------------------------


def people_in(filters: ExportFilters, as_of: date) -> dict[int, Person]:
    """The people a filtered export covers, by id."""
    return _people_in(filters, as_of)


def _clinical_supervisors(person_ids: Iterable[int], as_of: date) -> dict[int, str]:
    """Each person's named clinical supervisor on as_of (the latest started), by staff id."""
    Supervisor = Person.alias()
    query = (
        SupervisorAssignment.select(SupervisorAssignment.supervisee, Supervisor.staff_id)
        .join(Supervisor, on=(SupervisorAssignment.supervisor == Supervisor.id))
        .where(
            SupervisorAssignment.supervisee.in_(list(person_ids))
            & (SupervisorAssignment.kind == "clinical")
            & (Supervisor.archived == False)  # noqa: E712 - an archived supervisor cannot be named on import
            & active_on(SupervisorAssignment, as_of)
        )
        .order_by(SupervisorAssignment.start_date)
    )
    return dict(query.tuples())


def _employments_by_person(person_ids: Iterable[int]) -> dict[int, list[Employment]]:
    query = (
        joined.jobs()
        .where(Employment.person.in_(list(person_ids)))
        .order_by(Employment.start_date, Employment.id)
    )
    by_person: dict[int, list[Employment]] = {}
    for job in query:
        by_person.setdefault(job.person_id, []).append(job)
    return by_person


def _people_row(person: Person, job: Employment, supervisor: str) -> list[Cell]:
    return [
        person.staff_id, person.first_name, person.last_name, person.email or "", job.role.code,
        job.employer.name, job.employer.kind, job.pcn.name if job.pcn_id else "", job.band or "",
        job.fte, job.start_date, job.end_date, supervisor,
    ]


def people_table(as_of: date, filters: ExportFilters = ExportFilters()) -> ExportTable:
    """One row per person with their latest job, in the people import format."""
    return people_waves(as_of, filters, history=False)[0]


def people_waves(as_of: date, filters: ExportFilters = ExportFilters(), history: bool = True) -> list[ExportTable]:
    """People files that rebuild employment history when imported in turn: the first holds everyone's first
    job, the second the next job of those who changed role or employer or rejoined, and so on (the people
    import takes one row per person, and a later row for a known person is a change of job). The named
    clinical supervisor goes with each person's latest job. Without history: one file of latest jobs."""
    people = _people_in(filters, as_of)
    supervisors = _clinical_supervisors(people, as_of)
    jobs = _employments_by_person(people)
    waves: list[ExportTable] = [ExportTable("People", PEOPLE_COLUMNS)]
    for pid, person in people.items():
        held = jobs.get(pid, [])
        chosen = held if history else held[-1:]
        for index, job in enumerate(chosen):
            while len(waves) <= index:
                waves.append(ExportTable(f"People {len(waves) + 1}", PEOPLE_COLUMNS))
            latest = index == len(chosen) - 1
            waves[index].rows.append(_people_row(person, job, supervisors.get(pid, "") if latest else ""))
    return waves


def training_table(as_of: date, filters: ExportFilters = ExportFilters()) -> ExportTable:
    """Approved training records (pending or rejected evidence does not count, so is not exported)."""
    people = _people_in(filters, as_of)
    table = ExportTable("Training", TRAINING_COLUMNS)
    query = (
        TrainingRecord.select(
            Person.staff_id, Course.code, TrainingRecord.completed_on, TrainingRecord.provider,
            TrainingRecord.reference, TrainingRecord.expires_on,
        )
        .join(Person)
        .switch(TrainingRecord)
        .join(Course)
        .where(TrainingRecord.person.in_(list(people)) & (TrainingRecord.evidence_state == "approved"))
        .order_by(Person.staff_id, TrainingRecord.completed_on, Course.code)
    )
    table.rows = [list(row) for row in query.tuples()]
    return table


def sessions_table(
    as_of: date,
    filters: ExportFilters = ExportFilters(),
    supervisor_id: int | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
) -> ExportTable:
    """Supervision sessions in the supervision import format: attended by someone in view (and listing only
    the attendees in view: a lead never learns who else was at a group session), or given by `supervisor_id`;
    never the private notes."""
    query = SupervisionSession.select(SupervisionSession, Person).join(
        Person, on=(SupervisionSession.supervisor == Person.id)
    )
    in_view: set[int] | None = None
    if supervisor_id is not None:
        query = query.where(SupervisionSession.supervisor == supervisor_id)
    else:
        people = _people_in(filters, as_of)
        in_view = None if filters.scope == Scope() else set(people)
        attended = SessionAttendee.select(SessionAttendee.session).where(
            SessionAttendee.person.in_(list(people))
        )
        query = query.where(SupervisionSession.id.in_(attended))
    if date_from is not None:
        query = query.where(SupervisionSession.date >= date_from)
    if date_to is not None:
        query = query.where(SupervisionSession.date <= date_to)
    sessions = list(query.order_by(SupervisionSession.date, SupervisionSession.id))
    attendees: dict[int, list[str]] = {}
    for session_id, person_id, staff_id in (
        SessionAttendee.select(SessionAttendee.session, Person.id, Person.staff_id)
        .join(Person)
        .where(SessionAttendee.session.in_([s.id for s in sessions]))
        .order_by(Person.staff_id)
        .tuples()
    ):
        if in_view is None or person_id in in_view:
            attendees.setdefault(session_id, []).append(staff_id)
    table = ExportTable("Supervision", SUPERVISION_COLUMNS)
    for s in sessions:
        table.rows.append([
            s.date, s.supervisor.staff_id, ";".join(attendees.get(s.id, [])), s.minutes, s.kind, s.format, s.mode,
        ])
    return table


def absences_table(as_of: date, filters: ExportFilters = ExportFilters()) -> ExportTable:
    people = _people_in(filters, as_of)
    table = ExportTable("Absences", ABSENCE_COLUMNS)
    query = (
        Absence.select(Person.staff_id, Absence.start_date, Absence.end_date, Absence.reason)
        .join(Person)
        .where(Absence.person.in_(list(people)))
        .order_by(Person.staff_id, Absence.start_date)
    )
    table.rows = [list(row) for row in query.tuples()]
    return table


# ---- the computed views ------------------------------------------------------------------------------


def filter_results(results: Iterable[c.PersonCompliance], filters: ExportFilters) -> list[c.PersonCompliance]:
    """The matrix's filters over the engine's results: role, red/amber/green, search."""
    needle = filters.search.strip().lower()
    kept = []
    for r in results:
        if filters.role and (r.employment is None or r.employment.role != filters.role):
            continue
        if filters.rag and r.rag != filters.rag:
            continue
        if needle and needle not in r.name.lower() and needle not in r.staff_id.lower():
            continue
        kept.append(r)
    return kept


MATRIX_REASONS = 3  # the course columns carry every status: the cell names the first few, not a paragraph


def short_reasons(reasons: Sequence[str]) -> str:
    shown = "; ".join(reasons[:MATRIX_REASONS])
    more = len(reasons) - MATRIX_REASONS
    return f"{shown}; and {more} more (see the course columns)" if more > 0 else shown


def matrix_table(results: Sequence[c.PersonCompliance], as_of: date) -> ExportTable:
    """People by courses: each course's status and expiry, last month's supervision, the overall status."""
    courses = sorted({t.course for r in results for t in r.training})
    headers = ["staff_id", "name", "role", "employer", "status", "reasons", "last_session", "supervision_last_month"]
    for code in courses:
        headers += [code, f"{code} expires_on"]
    table = ExportTable("Training matrix", headers)
    previous = add_months(month_start(as_of), -1)
    for r in sorted(results, key=lambda r: (r.name.lower(), r.staff_id)):
        job = r.employment
        month = r.month(previous)
        row: list[Cell] = [
            r.staff_id, r.name, job.role_name if job else "", job.employer_name if job else "", r.rag,
            short_reasons(r.reasons), r.last_session, month.status if month else "",
        ]
        by_course = {t.course: t for t in r.training}
        for code in courses:
            t = by_course.get(code)
            row += [t.status if t else "not required", (t.expires_on or t.due_by) if t else None]
        table.rows.append(row)
    return table


def compliance_matrix(as_of: date, filters: ExportFilters = ExportFilters()) -> ExportTable:
    return matrix_table(filter_results(snapshot(as_of, filters.scope), filters), as_of)


def audit_table(
    date_from: date | None = None,
    date_to: date | None = None,
    actor: str | None = None,
    entity: str | None = None,
    limit: int = 100_000,
) -> ExportTable:
    """The audit trail, newest first (private notes were never written into it)."""
    query = AuditEvent.select()
    if date_from is not None:
        query = query.where(AuditEvent.at >= datetime.combine(date_from, datetime.min.time()))
    if date_to is not None:
        query = query.where(AuditEvent.at < datetime.combine(date_to + timedelta(days=1), datetime.min.time()))
    if actor:
        query = query.where(AuditEvent.actor == actor)
    if entity:
        query = query.where(AuditEvent.entity == entity)
    table = ExportTable("Audit", AUDIT_COLUMNS)
    for e in query.order_by(AuditEvent.at.desc(), AuditEvent.id.desc()).limit(limit):
        table.rows.append([e.at, e.actor, e.action, e.entity, e.entity_id, e.before, e.after])
    return table

