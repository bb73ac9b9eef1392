"""Course aliases: another system's name for one of our catalogue items, kept so its files import unchanged.

One alias names one item; the same name (case and spacing aside) cannot name two. An alias may not be a code or
name of an item itself (that would make a name mean two things). Built-in aliases can be pointed elsewhere or
removed like any other; `init` adds back only the built-in ones never held.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from tracker.course_names import alias_key
from tracker.db import database
from tracker.errors import NotFound, ValidationError
from tracker.models import Course, CourseAlias
from tracker.services import audit
from tracker.services.validate import Lookups, cell_text, strict

MAX_ALIAS_LENGTH = 200


@dataclass(frozen=True)
class AliasInput:
    alias: str
    course: Course

    @property
    def key(self) -> str:
        return alias_key(self.alias)


def _alias_text(value: object, lookups: Lookups) -> str:
    name = " ".join(cell_text(value).split())
    if not name:
        raise ValidationError("a value is required (the name as the other system writes it)", "alias")
    if len(name) > MAX_ALIAS_LENGTH:
        raise ValidationError(f"is longer than {MAX_ALIAS_LENGTH} characters", "alias")
    if alias_key(name) in lookups.courses:
        raise ValidationError(f"'{name}' is already the code or name of {lookups.courses[alias_key(name)].code}",
                              "alias")
    return name


def alias_input(raw: Mapping[str, object], lookups: Lookups, take: Any = strict) -> AliasInput | None:
    name = take("alias", lambda: _alias_text(raw.get("alias"), lookups))
    code = cell_text(raw.get("course"))
    course = take("course", lambda: _our_course(code, lookups))
    if name is None or course is None:
        return None
    return AliasInput(name, course)


def _our_course(value: str, lookups: Lookups) -> Course:
    """The item an alias points at: by our own code or name only (an alias of an alias would hide a mistake)."""
    if not value:
        raise ValidationError("a course is required (our code, e.g. FIRE)", "course")
    found = lookups.courses.get(alias_key(value))
    if found is None:
        raise ValidationError(f"'{value}' is not a course in the catalogue (use our course code or name)", "course")
    return found


def plan(items: list[AliasInput]) -> list[str]:
    """'created' | 'updated' | 'unchanged' for each alias, against what is held."""
    held = {a.key: a.course_id for a in CourseAlias.select(CourseAlias.key, CourseAlias.course)}
    return ["created" if i.key not in held else "unchanged" if held[i.key] == i.course.id else "updated"
            for i in items]


def apply(items: list[AliasInput]) -> dict[str, list[str]]:
    """Write the aliases (inside the caller's transaction); returns what changed, for the audit event."""
    changes: dict[str, list[str]] = {"created": [], "updated": []}
    for item, status in zip(items, plan(items), strict=True):
        if status == "created":
            CourseAlias.create(alias=item.alias, key=item.key, course=item.course)
        elif status == "updated":
            CourseAlias.update(course=item.course, alias=item.alias).where(CourseAlias.key == item.key).execute()
        if status != "unchanged":
            changes[status].append(f"{item.alias} -> {item.course.code}")
    return changes


def remember_alias(actor: str, alias: str, course_code: str) -> CourseAlias:
    """Add (or point elsewhere) one alias, with one audit event: the import page's "remember" and the admin page."""
    lookups = Lookups()
    item = alias_input({"alias": alias, "course": course_code}, lookups)
    assert item is not None
    with database.atomic():
        row = CourseAlias.get_or_none(CourseAlias.key == item.key)
        before = audit.as_dict(row)
        if row is not None and row.course_id == item.course.id:
            return row
        if row is None:
            row = CourseAlias.create(alias=item.alias, key=item.key, course=item.course)
        else:
            row.course = item.course
            row.alias = item.alias
            row.save()
        audit.record(actor, "create" if before is None else "update", "course_alias", row.id, before,
                     {"alias": item.alias, "course": item.course.code})
    return row


def remove_alias(actor: str, alias_id: int) -> None:
    with database.atomic():
        row = CourseAlias.get_or_none(CourseAlias.id == alias_id)
        if row is None:
            raise NotFound("that alias is no longer held")
        before = {"alias": row.alias, "course": Course.get_by_id(row.course_id).code, "builtin": row.builtin}
        CourseAlias.delete().where(CourseAlias.id == alias_id).execute()
        audit.record(actor, "remove", "course_alias", alias_id, before, None)
