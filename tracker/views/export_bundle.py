# mypy: disable-error-code="attr-defined,union-attr"
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

from peewee import JOIN

from tracker.models import Course, Organisation, Requirement, Role, SupervisionRule
from tracker.views.exports import (
    ExportFilters,
    ExportTable,
    absences_table,
    people_waves,
    sessions_table,
    training_table,
    write,
)

REQUIREMENT_COLUMNS = ["scope", "name", "course", "renewal_months", "new_starter_days"]
RULE_COLUMNS = ["scope", "name", "min_minutes_per_month", "kinds", "group_counts"]


def requirements_table() -> ExportTable:
    """Every requirement, built-in defaults included (import it with --replace to make it the whole set)."""
    table = ExportTable("Requirements", REQUIREMENT_COLUMNS)
    query = (
        Requirement.select(Requirement, Course, Role, Organisation)
        .join(Course)
        .switch(Requirement)
        .join(Role, JOIN.LEFT_OUTER)
        .switch(Requirement)
        .join(Organisation, JOIN.LEFT_OUTER)
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
        SupervisionRule.select(SupervisionRule, Role, Organisation)
        .join(Role, JOIN.LEFT_OUTER)
        .switch(SupervisionRule)
        .join(Organisation, JOIN.LEFT_OUTER)
    )
    rows = []
    for r in query:
        scope, name = ("employer", r.employer.name) if r.employer_id else ("role", r.role.code)
        rows.append([scope, name, r.min_minutes, r.kinds, "yes" if r.group_counts else "no"])
    table.rows = sorted(rows, key=lambda row: (str(row[0]), str(row[1])))
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
