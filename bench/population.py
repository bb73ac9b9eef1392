"""A synthetic population for the benchmarks, built once into a scratch database and reused.

`ensure_population(path)` gives the URL of a SQLite file holding it (built if missing);
`ensure_population_at(url)` does the same for any database URL (PostgreSQL). Everything is drawn from a seeded generator, so every build
is the same population: 10,000 staff across 20 employers, two years of training and supervision history,
absences, leavers, role changes, and employers whose rules differ.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from peewee import chunked

from bench import synthetic
from tracker import db
from tracker.models import (
    Absence,
    Course,
    EmployerPolicy,
    Employment,
    JobRun,
    Organisation,
    Pcn,
    Person,
    PolicyAcknowledgement,
    PolicyTopic,
    Requirement,
    Role,
    SessionAttendee,
    SupervisionRule,
    SupervisionSession,
    SupervisorAssignment,
    TrainingRecord,
)
from tracker.services.catalogue import load_catalogues

AS_OF = date(2026, 11, 20)  # the date every benchmark asks about
DEFAULT_PATH = Path(__file__).resolve().parent / "out" / "population.db"
CHUNK = 1000
STAMP = datetime(2026, 11, 20, 9, 0)  # recorded_at/created_at of every synthetic row
GENERATOR_VERSION = 2  # bump when bench.synthetic changes, so that saved populations are rebuilt
BENCH_MARK = "bench-population"  # a JobRun row with this job id records what was built


@dataclass(frozen=True)
class Shape:
    staff: int = 10_000
    employers: int = 20
    pcns: int = 5
    months: int = 24
    seed: int = 2026


SHAPE = Shape()


def ensure_population(path: str | Path = DEFAULT_PATH, rebuild: bool = False, shape: Shape = SHAPE) -> str:
    """The URL of a SQLite file holding the population: built when missing, different or asked; else reused."""
    path = Path(path)
    url = f"sqlite:///{path}"
    if path.exists() and not rebuild:
        db.connect(url)
        db.migrate_schema()  # an older bench file is upgraded like any other database
        if _built_as(shape):
            return url
        db.close()
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".building")
    for leftover in (partial, Path(f"{partial}-wal"), Path(f"{partial}-shm")):
        leftover.unlink(missing_ok=True)
    build(f"sqlite:///{partial}", shape)
    db.close()
    for suffix in ("-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    partial.replace(path)  # only a finished build ever has the final name
    db.connect(url)
    return url


def ensure_population_at(url: str, rebuild: bool = False, shape: Shape = SHAPE) -> str:
    """The same population in the database at `url` (which is treated as scratch: rebuilt when it differs)."""
    db.connect(url)
    if not rebuild and db.schema_version() is not None:
        db.migrate_schema()
        if _built_as(shape):
            return url
    build(url, shape)
    return url


def _fingerprint(shape: Shape) -> str:
    return f"bench population {GENERATOR_VERSION}: {shape}"


def _built_as(shape: Shape) -> bool:
    """Whether the connected database holds the population this code would build for `shape`."""
    return (
        JobRun.select()
        .where((JobRun.job_id == BENCH_MARK) & (JobRun.message == _fingerprint(shape)))
        .exists()
    )


def build(url: str | None, shape: Shape = SHAPE) -> dict[str, int]:
    """Drop everything at `url` (None: the database already connected) and build the population; returns
    the row counts."""
    started = time.perf_counter()
    if url is not None:
        db.connect(url)
    if db.schema_version() is not None or db.database.table_exists("person"):
        db.drop_everything()
    db.migrate_schema()
    load_catalogues()
    plan = synthetic.Plan(shape.staff, shape.employers, shape.pcns, shape.months, shape.seed, AS_OF)
    roles = {code: rid for code, rid in Role.select(Role.code, Role.id).tuples()}
    courses = {code: cid for code, cid in Course.select(Course.code, Course.id).tuples()}
    counts: dict[str, int] = {}
    with db.database.atomic():
        org_ids, pcn_ids = _organisations(plan)
        counts["requirements"] = _insert(Requirement, synthetic.employer_requirements(plan, org_ids, courses))
        counts["supervision_rules"] = _insert(
            SupervisionRule, synthetic.supervision_rules(plan, org_ids, roles)
        )
        people = synthetic.people(plan, org_ids, pcn_ids)
        counts["people"] = _insert(Person, ((p.id, p.staff_id, p.first, p.last, None, STAMP) for p in people))
        counts["employments"] = _insert(Employment, synthetic.employments(people, roles))
        counts["supervisor_assignments"] = _insert(SupervisorAssignment, synthetic.assignments(plan, people))
        counts["absences"] = _insert(Absence, synthetic.absences(people))
        counts["training_records"] = _insert(TrainingRecord, synthetic.training(plan, people, courses, STAMP))
        sessions, attendees = synthetic.supervision(plan, people, STAMP)
        counts["sessions"] = _insert(SupervisionSession, sessions)
        counts["attendances"] = _insert(SessionAttendee, attendees)
        topics = [tid for (tid,) in PolicyTopic.select(PolicyTopic.id).order_by(PolicyTopic.id).tuples()]
        policies = synthetic.policies(plan, org_ids, topics)
        counts["policies"] = _insert(EmployerPolicy, policies)
        counts["acknowledgements"] = _insert(
            PolicyAcknowledgement, synthetic.acknowledgements(plan, people, policies)
        )
        JobRun.create(job_id=BENCH_MARK, as_of=AS_OF, status="ok", message=_fingerprint(shape))
    _after_bulk_load()
    counts["seconds"] = round(time.perf_counter() - started)
    return counts


def _organisations(plan: synthetic.Plan) -> tuple[list[int], list[int]]:
    org_rows = synthetic.organisations(plan)
    _insert(Organisation, org_rows)
    org_ids = [row[0] for row in org_rows]
    pcn_rows = [(i + 1, f"Bench PCN {i + 1}", org_ids[i]) for i in range(plan.pcns)]
    _insert(Pcn, pcn_rows)
    return org_ids, [row[0] for row in pcn_rows]


FIELDS = {
    Organisation: ("id", "name", "kind", "created_at"),
    Pcn: ("id", "name", "organisation"),
    Requirement: ("course", "role", "employer", "renewal_months", "new_starter_days"),
    SupervisionRule: ("role", "employer", "min_minutes", "kinds", "group_counts"),
    Person: ("id", "staff_id", "first_name", "last_name", "email", "created_at"),
    Employment: ("person", "role", "employer", "pcn", "band", "fte", "start_date", "end_date", "secondment"),
    SupervisorAssignment: ("supervisor", "supervisee", "kind", "start_date", "end_date", "first_contact"),
    Absence: ("person", "start_date", "end_date", "reason"),
    TrainingRecord: ("person", "course", "completed_on", "provider", "evidence_state", "recorded_at"),
    SupervisionSession: ("id", "supervisor", "date", "minutes", "kind", "format", "mode", "recorded_at"),
    SessionAttendee: ("session", "person", "confirmation"),
    EmployerPolicy: ("id", "employer", "topic", "statement", "version", "requires_acknowledgement"),
    PolicyAcknowledgement: ("person", "policy", "version", "acknowledged_on"),
}


def _insert(model, rows) -> int:  # type: ignore[no-untyped-def]
    fields = [getattr(model, name) for name in FIELDS[model]]
    n = 0
    for chunk in chunked(rows, CHUNK):
        model.insert_many(chunk, fields=fields).execute()
        n += len(chunk)
    return n


def _after_bulk_load() -> None:
    """Rows were given their ids; make PostgreSQL's sequences follow, and let both planners see the data."""
    if db.is_postgres():
        for model in (Organisation, Pcn, Person, SupervisionSession, EmployerPolicy):
            table = model._meta.table_name
            db.database.execute_sql(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))"
            )
    db.database.execute_sql("ANALYZE")
