"""One runner per kind of file: check every row (collecting every error), then write all rows or none.

Each runner reads what it needs once (people, jobs, records already held), so a file of thousands of rows
takes a fixed handful of queries to check. The field rules are the services' own (`*_input` functions).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from functools import partial
from typing import Any, TypeVar

from tracker.errors import ImportRejected, RowError, ValidationError
from tracker.importers.reading import Table
from tracker.models import Course
from tracker.services import absences, course_aliases, people_plans, rules, supervision, training
from tracker.services.validate import UNKNOWN_COURSE, Lookups, a_date, cell_text, is_blank, not_in_future

T = TypeVar("T")


@dataclass(frozen=True)
class RowNote:
    row: int
    message: str

    def __str__(self) -> str:
        return f"row {self.row}: {self.message}"


@dataclass
class ImportResult:
    kind: str
    file: str
    dry_run: bool
    rows: int
    created: int = 0
    updated: int = 0
    removed: int = 0
    skipped: list[RowNote] = field(default_factory=list)
    details: dict[str, Any] = field(default_factory=dict)  # for the audit event
    source: str = ""  # how the file was read: format, encoding, separator
    ignored: list[str] = field(default_factory=list)  # columns of the file that hold nothing we keep

    def summary(self) -> str:
        counts = f"created {self.created}, updated {self.updated}, skipped {len(self.skipped)}"
        if self.removed:
            counts += f", removed {self.removed} held before (--replace)"
        text = f"{self.kind} from {self.file}: {self.rows} row{'' if self.rows == 1 else 's'}; {counts}"
        return f"dry run, nothing written: {text}" if self.dry_run else text

    def reading(self) -> str:
        """How the file was read, and the columns left out: "read as CSV, Windows-1252, …; ignored: Score"."""
        text = f"read as {self.source}" if self.source else ""
        if self.ignored:
            text += f"; ignored column{'' if len(self.ignored) == 1 else 's'}: {', '.join(self.ignored)}"
        return text

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated or self.removed)


class RowTake:
    """Runs one field's check; a ValidationError becomes a RowError for this row and the value None."""

    def __init__(self, row: int, errors: list[RowError]):
        self.row = row
        self.errors = errors
        self.failed = False

    def __call__(self, column: str, parse: Callable[[], T]) -> T | None:
        try:
            return parse()
        except ValidationError as exc:
            for problem in exc.problems:  # a check may find several things wrong: each is reported
                self.errors.append(RowError(self.row, problem.field or column, problem.message))
            self.failed = True
            return None


def _first_rows(table: Table, column: str, errors: list[RowError]) -> set[int]:
    """Rows that repeat an earlier row's `column` value are errors; returns the numbers of those rows."""
    first: dict[str, int] = {}
    repeats: set[int] = set()
    for row, raw in table.rows:
        value = cell_text(raw.get(column))
        if not value:
            continue
        if value in first:
            errors.append(RowError(row, column, f"{value} appears more than once in the file (first on row {first[value]})"))
            repeats.add(row)
        else:
            first[value] = row
    return repeats


def _raise_if(errors: list[RowError]) -> None:
    if errors:
        raise ImportRejected(sorted(errors, key=lambda e: e.row))


def run_people(table: Table, result: ImportResult, today: date, write: bool) -> None:
    lookups = Lookups()
    lookups.preload_people()
    state = people_plans.PeopleState.load(lookups)
    errors: list[RowError] = []
    repeats = _first_rows(table, "staff_id", errors)
    in_file = {cell_text(raw.get("staff_id")) for _, raw in table.rows}
    plans: list[tuple[int, people_plans.PersonPlan]] = []
    for row, raw in table.rows:
        take = RowTake(row, errors)
        item = people_plans.person_input(raw, lookups, take)
        if not is_blank(raw.get("supervisor_staff_id")):  # an unknown supervisor is reported with the rest
            take("supervisor_staff_id", partial(people_plans.check_supervisor, cell_text(raw.get("staff_id")),
                                                cell_text(raw.get("supervisor_staff_id")), lookups, in_file))
        staff = cell_text(raw.get("staff_id"))
        if take.failed and staff and lookups.find_person(staff) is None:  # a new person: what else they lack
            gaps = people_plans.new_person_gaps(raw, staff)
            errors.extend(RowError(row, g.field or "staff_id", g.message) for g in gaps)
        if take.failed or item is None or row in repeats:
            continue
        plan = take("staff_id", partial(people_plans.plan_person, item, state, today, in_file))
        if plan is not None:
            plans.append((row, plan))
    _raise_if(errors)
    for row, plan in plans:
        if plan.action == "create":
            result.created += 1
        elif plan.action == "update":
            result.updated += 1
        else:
            result.skipped.append(RowNote(row, plan.skip_reason or "no change"))
    if write:
        result.details["changes"] = people_plans.apply_plans([p for _, p in plans], state)


def run_training(table: Table, result: ImportResult, today: date, write: bool) -> None:
    lookups = Lookups()
    lookups.preload_people()
    errors: list[RowError] = []
    items: list[tuple[int, training.TrainingInput]] = []
    for row, raw in table.rows:
        take = RowTake(row, errors)
        item = training.training_input(raw, lookups, today, take)
        if item is not None and not take.failed:
            items.append((row, item))
    _raise_if(errors)
    _add_training(items, result, write)


def run_training_matrix(table: Table, result: ImportResult, today: date, write: bool) -> None:
    """One row per person, one column per item: each dated cell is a completion (blank cells are passed over)."""
    lookups = Lookups()
    lookups.preload_people()
    errors: list[RowError] = []
    courses: dict[str, Course] = {}
    for header in table.courses:
        found = lookups.find_course(header)
        if found is None:
            errors.append(RowError(1, header, f"unknown column: '{header}' {UNKNOWN_COURSE}, and not a column of "
                                              "the training-matrix file (staff_id, email, first_name, last_name, "
                                              "employer)"))
        else:
            courses[header] = found
    _raise_if(errors)
    if not courses:
        _raise_if([RowError(1, "file", "the file has no course columns (one column per item, headed by its code, "
                                       "name or an alias)")])
    named = {(p.first_name.lower(), p.last_name.lower()): p for p in _people_by_name(lookups)}
    items: list[tuple[int, training.TrainingInput]] = []
    for row, raw in table.rows:
        take = RowTake(row, errors)
        person = take("staff_id", partial(_matrix_person, raw, lookups, named))
        if person is None:
            continue
        for header, course in courses.items():
            cell = raw.get(header)
            if is_blank(cell):
                continue
            done = take(header, partial(_matrix_date, cell, header, today))
            if done is not None:
                items.append((row, training.TrainingInput(person, course, done, "")))
    _raise_if(errors)
    _add_training(items, result, write)


def _people_by_name(lookups: Lookups) -> list[Any]:
    return list(lookups.all_people())


def _matrix_person(raw: dict[str, object], lookups: Lookups, named: dict[tuple[str, str], Any]) -> Any:
    if not is_blank(raw.get("staff_id")) or not is_blank(raw.get("email")):
        return lookups.person_in(raw)
    first, last = cell_text(raw.get("first_name")), cell_text(raw.get("last_name"))
    employer = cell_text(raw.get("employer"))
    if not (first and last and employer):
        raise ValidationError("the row names nobody: give a staff id, an email, or first name, last name and "
                              "employer", "staff_id")
    return lookups.person_by_name(first, last, employer)


def _matrix_date(cell: object, header: str, today: date) -> date:
    return not_in_future(a_date(cell, header), today, header)


def _add_training(items: list[tuple[int, training.TrainingInput]], result: ImportResult, write: bool) -> None:
    held: set[tuple[int, int, date]] = set()
    if items:
        days = [i.completed_on for _, i in items]
        held = training.existing_keys(sorted({i.person.id for _, i in items}), min(days), max(days))
    seen: dict[tuple[int, int, date], int] = {}
    new: list[training.TrainingInput] = []
    for row, item in items:
        key = (item.person.id, item.course.id, item.completed_on)
        if key in held:
            result.skipped.append(RowNote(row, f"duplicate: {training.duplicate_reason(item)}"))
        elif key in seen:
            result.skipped.append(RowNote(row, f"duplicate of row {seen[key]}"))
        else:
            seen[key] = row
            new.append(item)
    result.created = len(new)
    if write:
        training.insert_records(new)
        result.details["records"] = len(new)


def run_course_aliases(table: Table, result: ImportResult, today: date, write: bool) -> None:
    lookups = Lookups()
    errors: list[RowError] = []
    items: list[tuple[int, course_aliases.AliasInput]] = []
    first: dict[str, int] = {}
    for row, raw in table.rows:
        take = RowTake(row, errors)
        item = course_aliases.alias_input(raw, lookups, take)
        if item is None or take.failed:
            continue
        if item.key in first:
            errors.append(RowError(row, "alias", f"'{item.alias}' is already on row {first[item.key]}"))
            continue
        first[item.key] = row
        items.append((row, item))
    _raise_if(errors)
    statuses = course_aliases.plan([i for _, i in items])
    result.created = statuses.count("created")
    result.updated = statuses.count("updated")
    result.skipped = [RowNote(r, "unchanged") for (r, _), s in zip(items, statuses, strict=True) if s == "unchanged"]
    if write:
        result.details["aliases"] = course_aliases.apply([i for _, i in items])


def run_supervision(table: Table, result: ImportResult, today: date, write: bool) -> None:
    lookups = Lookups()
    lookups.preload_people()
    spans = supervision.employment_spans()
    errors: list[RowError] = []
    items: list[tuple[int, supervision.SessionInput]] = []
    for row, raw in table.rows:
        take = RowTake(row, errors)
        item = supervision.session_input(raw, lookups, today, spans, take)
        if item is not None and not take.failed:
            items.append((row, item))
    _raise_if(errors)
    held = supervision.existing_keys(min(i.on for _, i in items), max(i.on for _, i in items)) if items else set()
    seen: dict[Any, int] = {}
    new: list[supervision.SessionInput] = []
    for row, item in items:
        if item.key in held:
            result.skipped.append(RowNote(row, "duplicate: this session is already recorded"))
        elif item.key in seen:
            result.skipped.append(RowNote(row, f"duplicate of row {seen[item.key]}"))
        else:
            seen[item.key] = row
            new.append(item)
    result.created = len(new)
    if write:
        result.details["sessions"] = [supervision.insert_session(i).id for i in new]


def run_absences(table: Table, result: ImportResult, today: date, write: bool) -> None:
    lookups = Lookups()
    lookups.preload_people()
    periods = absences.held_periods()
    errors: list[RowError] = []
    new: list[absences.AbsenceInput] = []
    for row, raw in table.rows:
        take = RowTake(row, errors)
        item = absences.absence_input(raw, lookups, take)
        if item is None or take.failed:
            continue
        held = take("start_date", partial(absences.overlap_check, item, periods))
        if held:
            result.skipped.append(RowNote(row, "duplicate: this absence is already recorded"))
        elif held is False:
            periods.setdefault(item.person.id, []).append((item.start, item.end, -row))
            new.append(item)
    _raise_if(errors)
    result.created = len(new)
    if write:
        absences.insert_absences(new)


def _rule_rows(
    table: Table, read: Callable[..., Any], key_columns: str
) -> list[tuple[int, Any]]:
    lookups = Lookups()
    errors: list[RowError] = []
    items: list[tuple[int, Any]] = []
    first: dict[Any, int] = {}
    for row, raw in table.rows:
        take = RowTake(row, errors)
        item = read(raw, lookups, take)
        if item is None or take.failed:
            continue
        if item.key in first:
            errors.append(RowError(row, "name", f"the same {key_columns} are already on row {first[item.key]}"))
            continue
        first[item.key] = row
        items.append((row, item))
    _raise_if(errors)
    return items


def _count_rules(result: ImportResult, rows: list[int], outcome: rules.RulesOutcome) -> None:
    result.created = outcome.count("created")
    result.updated = outcome.count("updated")
    result.removed = outcome.removed
    result.skipped = [RowNote(r, "unchanged") for r, s in zip(rows, outcome.statuses, strict=True) if s == "unchanged"]


def run_requirements(table: Table, result: ImportResult, today: date, write: bool, replace: bool) -> None:
    items = _rule_rows(table, rules.requirement_input, "scope, name and course")
    outcome = rules.apply_requirements([i for _, i in items], replace, write)
    _count_rules(result, [r for r, _ in items], outcome)


def run_supervision_rules(table: Table, result: ImportResult, today: date, write: bool, replace: bool) -> None:
    items = _rule_rows(table, rules.rule_input, "scope and name")
    outcome = rules.apply_supervision_rules([i for _, i in items], replace, write)
    _count_rules(result, [r for r, _ in items], outcome)
