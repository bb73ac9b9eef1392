"""Field checks and catalogue look-ups shared by the services and the importers.

Each check takes a raw value (text from a form or a CSV cell, or a number or datetime from Excel) and returns a
clean value or raises ValidationError naming the field, so one rule gives one message wherever input comes from.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date, datetime
from typing import TypeVar

from tracker.course_names import alias_key, esr_subject
from tracker.dates import parse_date, parse_optional_date
from tracker.errors import NotFound, Problem, ValidationError
from tracker.models import Course, CourseAlias, Organisation, Pcn, Person, Role

T = TypeVar("T")
_EMAIL = re.compile(r"^[^@\s;,]+@[^@\s;,]+\.[^@\s;,]+$")
_YES = {"yes", "y", "true", "1"}
_NO = {"no", "n", "false", "0"}
UNKNOWN_COURSE = "is not a course in the catalogue (use a course code, name or alias)"


def strict(column: str, parse: Callable[[], T]) -> T:
    """The `take` of a single write: the first bad field raises (importers pass one that collects)."""
    return parse()


class Problems:
    """The `take` of a form's write that checks every field: each field's first problem is kept (the rest are
    dropped: one message at a field), the value is None, and `check()` then raises once with them all."""

    def __init__(self) -> None:
        self.found: list[Problem] = []

    def __call__(self, column: str, parse: Callable[[], T]) -> T | None:
        try:
            return parse()
        except ValidationError as exc:
            for problem in exc.problems:
                self.add(problem.field or column, problem.message)
            return None

    def add(self, field: str | None, message: str) -> None:
        if not any(p.field == field for p in self.found):
            self.found.append(Problem(field, message))

    def has(self, field: str) -> bool:
        return any(p.field == field for p in self.found)

    def __bool__(self) -> bool:
        return bool(self.found)

    def check(self) -> None:
        """Raise one ValidationError listing every problem found (nothing has been written)."""
        if self.found:
            raise ValidationError(problems=self.found)


def cell_text(value: object) -> str:
    """A cell or form value as trimmed text (Excel gives 1001.0 for 1001)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


def is_blank(value: object) -> bool:
    return cell_text(value) == ""


def text(value: object, field: str, required: bool = False, max_length: int = 200) -> str:
    result = cell_text(value)
    if required and not result:
        raise ValidationError("a value is required", field)
    if len(result) > max_length:
        raise ValidationError(f"is longer than {max_length} characters", field)
    return result


def choice(value: object, allowed: Sequence[str], field: str, default: str | None = None) -> str:
    result = cell_text(value).lower().replace(" ", "_").replace("-", "_")
    if not result:
        if default is None:
            raise ValidationError(f"a value is required (one of {', '.join(allowed)})", field)
        return default
    if result not in allowed:
        raise ValidationError(f"'{cell_text(value)}' is not one of {', '.join(allowed)}", field)
    return result


def integer(value: object, field: str, low: int, high: int) -> int:
    raw = cell_text(value)
    if not raw:
        raise ValidationError(f"a whole number from {low} to {high} is required", field)
    try:
        number = float(raw)
    except ValueError:
        raise ValidationError(f"'{raw}' is not a whole number", field) from None
    if not number.is_integer():
        raise ValidationError(f"'{raw}' is not a whole number", field)
    if not low <= number <= high:
        raise ValidationError(f"{int(number)} is out of range ({low} to {high})", field)
    return int(number)


def optional_integer(value: object, field: str, low: int, high: int) -> int | None:
    return None if is_blank(value) else integer(value, field, low, high)


def fraction(value: object, field: str, low: float, high: float, default: float) -> float:
    raw = cell_text(value)
    if not raw:
        return default
    try:
        number = float(raw)
    except ValueError:
        raise ValidationError(f"'{raw}' is not a number", field) from None
    if not low < number <= high:
        raise ValidationError(f"{raw} is out of range (more than {low:g}, at most {high:g})", field)
    return number


def yes_no(value: object, field: str, default: bool) -> bool:
    raw = cell_text(value).lower()
    if not raw:
        return default
    if raw in _YES:
        return True
    if raw in _NO:
        return False
    raise ValidationError(f"'{cell_text(value)}' is not yes or no", field)


def email(value: object, field: str = "email", required: bool = False) -> str | None:
    raw = cell_text(value).lower()
    if not raw:
        if required:
            raise ValidationError("an email address is required", field)
        return None
    if not _EMAIL.match(raw) or len(raw) > 254:
        raise ValidationError(f"'{cell_text(value)}' is not an email address", field)
    return raw


def a_date(value: object, field: str) -> date:
    return parse_date(value, field)


def optional_date(value: object, field: str) -> date | None:
    return parse_optional_date(value, field)


def not_in_future(day: date, today: date, field: str) -> date:
    if day > today:
        raise ValidationError(f"{day.strftime('%d/%m/%Y')} is in the future", field)
    return day


def end_not_before_start(start: date, end: date | None, field: str = "end_date") -> None:
    if end is not None and end < start:
        raise ValidationError(
            f"the end date {end.strftime('%d/%m/%Y')} is before the start date {start.strftime('%d/%m/%Y')}",
            field,
        )


def split_list(value: object) -> list[str]:
    """'E1; E2;E3' -> ['E1', 'E2', 'E3'] (a list is taken as it is)."""
    if isinstance(value, (list, tuple)):
        return [cell_text(v) for v in value if cell_text(v)]
    return [part.strip() for part in cell_text(value).split(";") if part.strip()]


class Lookups:
    """Roles, courses, organisations, PCNs and (on demand) people, loaded once for many rows."""

    def __init__(self) -> None:
        self.roles: dict[str, Role] = {}
        for role in Role.select():
            self.roles[role.code.lower()] = role
            self.roles[role.name.lower()] = role
        self.courses: dict[str, Course] = {}
        for course in Course.select():
            self.courses[alias_key(course.code)] = course
            self.courses[alias_key(course.name)] = course
        self.aliases: dict[str, Course] = {}
        by_id = {c.id: c for c in self.courses.values()}
        for key, course_id in CourseAlias.select(CourseAlias.key, CourseAlias.course).tuples():
            if course_id in by_id:
                self.aliases[key] = by_id[course_id]
        self.employers: dict[str, Organisation] = {o.name.lower(): o for o in Organisation.select()}
        self.pcns: dict[str, Pcn] = {p.name.lower(): p for p in Pcn.select()}
        self.role_by_id: dict[int, Role] = {r.id: r for r in self.roles.values()}
        self.employer_by_id: dict[int, Organisation] = {o.id: o for o in self.employers.values()}
        self.pcn_by_id: dict[int, Pcn] = {p.id: p for p in self.pcns.values()}
        self._people: dict[str, Person] | None = None
        self._emails: dict[str, list[Person]] | None = None

    def role(self, value: object, field: str = "role") -> Role:
        return _find(self.roles, value, field, "a role is required",
                     "is not a role in the catalogue (use a role name or code)")

    def find_course(self, value: object) -> Course | None:
        """An item by its code, name or an alias (an ESR competence name also without its wrapper)."""
        key = alias_key(cell_text(value))
        found = self.courses.get(key) or self.aliases.get(key)
        if found is None and (subject := esr_subject(key)):
            found = self.courses.get(subject) or self.aliases.get(subject)
        return found

    def course(self, value: object, field: str = "course") -> Course:
        raw = cell_text(value)
        if not raw:
            raise ValidationError("a course is required", field)
        found = self.find_course(raw)
        if found is None:
            raise ValidationError(f"'{raw}' {UNKNOWN_COURSE}", field)
        return found

    def employer(self, value: object, field: str = "employer") -> Organisation:
        return _find(self.employers, value, field, "an employer is required", "is not a known employer")

    def pcn(self, value: object, field: str = "pcn") -> Pcn:
        return _find(self.pcns, value, field, "a PCN is required", "is not a known PCN")

    def preload_people(self) -> None:
        self._people = {p.staff_id: p for p in Person.select()}

    def find_person(self, staff_id: str) -> Person | None:
        if self._people is not None:
            return self._people.get(staff_id)
        return Person.get_or_none(Person.staff_id == staff_id)

    def person(self, value: object, field: str = "staff_id") -> Person:
        raw = cell_text(value)
        if not raw:
            raise ValidationError("a staff id is required", field)
        found = self.find_person(raw)
        if found is None:
            raise ValidationError(f"no person has staff id '{raw}'", field)
        return found

    def all_people(self) -> Iterable[Person]:
        return self._people.values() if self._people is not None else Person.select()

    def person_by_name(self, first: str, last: str, employer: str) -> Person:
        """The one person of that name who works (or worked) for that employer; nobody or two is an error."""
        from tracker.models import Employment

        org = self.employer(employer)
        found = [p for p in self.all_people()
                 if p.first_name.lower() == first.lower() and p.last_name.lower() == last.lower()]
        if found:
            at = {pid for (pid,) in Employment.select(Employment.person).where(
                (Employment.employer == org.id) & Employment.person.in_([p.id for p in found])).tuples()}
            found = [p for p in found if p.id in at]
        if not found:
            raise ValidationError(f"nobody called {first} {last} works for {org.name}", "first_name")
        if len(found) > 1:
            raise ValidationError(f"{len(found)} people called {first} {last} work for {org.name}: use staff ids",
                                  "first_name")
        return found[0]

    def person_by_email(self, value: object, field: str = "email") -> Person:
        """The one person with this email address (case aside); nobody, or two people, is an error."""
        address = email(value, field, required=True)
        assert address is not None
        if self._emails is None:
            self._emails = {}
            for p in self.all_people():
                if p.email:
                    self._emails.setdefault(p.email.strip().lower(), []).append(p)
        found = self._emails.get(address, [])
        if not found:
            raise ValidationError(f"no person has the email address '{address}'", field)
        if len(found) > 1:
            ids = ", ".join(sorted(p.staff_id for p in found))
            raise ValidationError(f"{len(found)} people have the email address '{address}' ({ids}): use staff ids",
                                  field)
        return found[0]

    def person_in(self, raw: Mapping[str, object]) -> Person:
        """The person a row names: by staff id if the row has one, else by email."""
        if not is_blank(raw.get("staff_id")) or "email" not in raw:
            return self.person(raw.get("staff_id"))
        return self.person_by_email(raw.get("email"))

    def remember(self, people: Iterable[Person]) -> None:
        if self._people is not None:
            for p in people:
                self._people[p.staff_id] = p


def person_by_id(person_id: int) -> Person:
    found = Person.get_or_none(Person.id == person_id)
    if found is None:
        raise NotFound(f"no person has id {person_id}")
    return found


def _find(known: dict[str, T], value: object, field: str, required: str, unknown: str) -> T:
    """A catalogue entry by its name or code, in any letter case."""
    raw = cell_text(value)
    if not raw:
        raise ValidationError(required, field)
    found = known.get(raw.lower())
    if found is None:
        raise ValidationError(f"'{raw}' {unknown}", field)
    return found
