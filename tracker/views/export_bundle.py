# mypy: disable-error-code="attr-defined,union-attr,misc"
"""The whole data set as one ZIP of import files, numbered in the order to import them: people (one file per
step of employment history), requirements, supervision rules, training, supervision, absences.

Imported in that order into an empty database (requirements and supervision rules with --replace), it gives
every person the same compliance. Policies, users and private notes are not in it (no import takes them);
for a full copy of the database use a backup.
"""

from __future__ import annotations

import io
import zipfile
from datetime import date

from tracker.models import (
    Course,
    CourseAlias,
    Person,
    TrainingRecord,
)
from tracker.views import joined
from tracker.views.exports import (
    ExportFilters,
    ExportTable,
    absences_table,
    people_in,
    people_waves,
    sessions_table,
    training_table,
    write,
)

REQUIREMENT_COLUMNS = ["scope", "name", "course", "renewal_months", "new_starter_days"]
RULE_COLUMNS = ["scope", "name", "min_minutes_per_month", "kinds", "group_counts", "period_months"]


def requirements_table() -> ExportTable:
    """Every requirement, built-in defaults included (import it with --replace to make it the whole set)."""
    table = ExportTable("Requirements", REQUIREMENT_COLUMNS)
    query = (
        joined.requirements()
    )
    rows = []
    for r in query:
        scope, name = ("employer", r.employer.name) if r.employer_id else ("role", r.role.code)
        rows.append([scope, name, r.course.code, r.renewal_months, r.new_starter_days])
    table.rows = sorted(rows, key=lambda row: (str(row[0]), str(row[1]), str(row[2])))
    return table


def supervision_rules_table() -> ExportTable:
    table = ExportTable("Supervision rules", RULE_COLUMNS)
    query = (
        joined.supervision_rules()
    )
    rows = []
    for r in query:
        scope, name = ("employer", r.employer.name) if r.employer_id else ("role", r.role.code)
        rows.append([scope, name, r.min_minutes, r.kinds, "yes" if r.group_counts else "no", r.period_months])
    table.rows = sorted(rows, key=lambda row: (str(row[0]), str(row[1])))
    return table


ALIAS_COLUMNS = ["alias", "course"]


def aliases_table() -> ExportTable:
    """Every course alias, built-in ones included (importing them back changes nothing)."""
    table = ExportTable("Course aliases", ALIAS_COLUMNS)
    query = CourseAlias.select(CourseAlias.alias, Course.code).join(Course).order_by(Course.code, CourseAlias.key)
    table.rows = [[alias, code] for alias, code in query.tuples()]
    return table


def matrix_import_table(as_of: date, filters: ExportFilters = ExportFilters()) -> ExportTable:
    """The training matrix as a team keeps it: one row per person, one column per item anyone has completed,
    each cell the latest approved completion (imported back, every cell is a record already held)."""
    people = sorted(Person.select(Person.id, Person.staff_id).where(Person.id.in_(list(people_in(filters, as_of)))),
                    key=lambda p: p.staff_id)
    latest: dict[tuple[int, str], date] = {}
    query = (TrainingRecord.select(TrainingRecord.person, Course.code, TrainingRecord.completed_on).join(Course)
             .where(TrainingRecord.person.in_([p.id for p in people]) & (TrainingRecord.evidence_state == "approved")))
    for pid, code, done in query.tuples():
        done = done if isinstance(done, date) else date.fromisoformat(str(done)[:10])
        if (pid, code) not in latest or latest[(pid, code)] < done:
            latest[(pid, code)] = done
    codes = sorted({code for _, code in latest})
    table = ExportTable("Training matrix", ["staff_id", *codes])
    table.rows = [[p.staff_id, *(latest.get((p.id, c)) for c in codes)] for p in people]
    return table


def bundle_files(as_of: date) -> list[tuple[str, str, ExportTable]]:
    """(file stem, import kind, table) in import order; everyone, archived people included."""
    everyone = ExportFilters(include_archived=True)
    files: list[tuple[str, str, ExportTable]] = []
    for n, wave in enumerate(people_waves(as_of, everyone), start=1):
        files.append((f"people-{n}", "people", wave))
    files += [
        ("requirements", "requirements", requirements_table()),
        ("supervision-rules", "supervision-rules", supervision_rules_table()),
        ("training", "training", training_table(as_of, everyone)),
        ("supervision", "supervision", sessions_table(as_of, everyone)),
        ("absences", "absences", absences_table(as_of, everyone)),
        ("course-aliases", "course-aliases", aliases_table()),
    ]
    return [(f"{i:02d}-{stem}", kind, table) for i, (stem, kind, table) in enumerate(files, start=1)]


def bundle_zip(as_of: date, fmt: str = "csv") -> bytes:
    out = io.BytesIO()
    steps = []
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for stem, kind, table in bundle_files(as_of):
            name = f"{stem}.{fmt}"
            z.writestr(name, write(table, fmt))
            replace = " --replace" if kind in ("requirements", "supervision-rules") else ""
            steps.append(f"python main.py import {kind} {name}{replace}")
        z.writestr("README.txt", _readme(as_of, steps))
    return out.getvalue()


def _readme(as_of: date, steps: list[str]) -> str:
    lines = [
        f"Compliance tracker data export, people as at {as_of.isoformat()}.",
        "",
        "To load it into an empty database (after `python main.py init`), import the files in this order:",
        "",
        *steps,
        "",
        "Policies, user accounts and private supervision notes are not included.",
    ]
    return "\n".join(lines) + "\n"
