# mypy: disable-error-code="attr-defined,misc"
"""Reads for the course-alias pages: the items an alias can point at, and the aliases held."""

from __future__ import annotations

from dataclasses import dataclass

from tracker.models import Course, CourseAlias


@dataclass(frozen=True)
class AliasRow:
    id: int
    alias: str
    course_code: str
    course_name: str
    builtin: bool


def course_choices() -> dict[str, str]:
    """code -> "CODE - name", in code order (the options of an alias's "is our course")."""
    return {code: f"{code} - {name}" for code, name in Course.select(Course.code, Course.name)
            .order_by(Course.code).tuples()}


def alias_rows(search: str = "") -> list[AliasRow]:
    query = (CourseAlias.select(CourseAlias.id, CourseAlias.alias, Course.code, Course.name, CourseAlias.builtin)
             .join(Course).order_by(Course.code, CourseAlias.key))
    rows = [AliasRow(*t) for t in query.tuples()]
    wanted = search.strip().lower()
    return [r for r in rows if not wanted or wanted in r.alias.lower() or wanted in r.course_code.lower()]
