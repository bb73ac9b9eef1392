"""Editing the catalogues: roles (code, name, band cap, ARRS or not) and courses (code, name, renewal period,
safeguarding strand and level). Codes are fixed once made (files and rules refer to them); names may change."""

from __future__ import annotations

import re

from tracker.db import database
from tracker.errors import NotFound, ValidationError
from tracker.models import Course, Role
from tracker.services import audit
from tracker.services.rules import MAX_RENEWAL_MONTHS
from tracker.services.validate import integer, optional_integer, text

_CODE = re.compile(r"^[A-Z0-9][A-Z0-9-]{0,19}$")


def code_text(value: object) -> str:
    raw = text(value, "code", required=True, max_length=20).upper()
    if not _CODE.match(raw):
        raise ValidationError(f"'{raw}' is not a code: use letters, digits and hyphens (up to 20)", "code")
    return raw


def _unique(model: type[Role] | type[Course], field: str, value: str, own_id: int | None = None) -> None:
    column = getattr(model, field)
    query = model.select().where(column == value)
    if own_id is not None:
        query = query.where(model.id != own_id)
    if query.exists():
        raise ValidationError(f"'{value}' is already used by another {model.__name__.lower()}", field)


def add_role(
    actor: str, code: str, name: str, band_cap: str | None = None, is_arrs: bool = True, notes: str = ""
) -> Role:
    clean_code, clean_name = code_text(code), text(name, "name", required=True, max_length=120)
    with database.atomic():
        _unique(Role, "code", clean_code)
        _unique(Role, "name", clean_name)
        role = Role.create(
            code=clean_code,
            name=clean_name,
            band_cap=text(band_cap, "band_cap", max_length=20) or None,
            is_arrs=bool(is_arrs),
            notes=text(notes, "notes", max_length=1000),
        )
        audit.record(actor, "create", "role", role.id, None, audit.as_dict(role))
    return role


def update_role(
    actor: str, role_id: int, name: str, band_cap: str | None, is_arrs: bool, notes: str = ""
) -> Role:
    clean_name = text(name, "name", required=True, max_length=120)
    fields = {
        "name": clean_name,
        "band_cap": text(band_cap, "band_cap", max_length=20) or None,
        "is_arrs": bool(is_arrs),
        "notes": text(notes, "notes", max_length=1000),
    }
    with database.atomic():
        role = Role.get_or_none(Role.id == role_id)
        if role is None:
            raise NotFound(f"no role has id {role_id}")
        _unique(Role, "name", clean_name, role.id)
        if all(getattr(role, k) == v for k, v in fields.items()):
            return role
        before = audit.as_dict(role)
        for key, value in fields.items():
            setattr(role, key, value)
        role.save()
        audit.record(actor, "update", "role", role.id, before, audit.as_dict(role))
    return role


def _strand_and_level(strand: str | None, level: object) -> tuple[str | None, int | None]:
    clean_strand = text(strand, "strand", max_length=40).lower() or None
    clean_level = optional_integer(level, "level", 1, 5)
    if (clean_strand is None) != (clean_level is None):
        raise ValidationError(
            "give both a strand and a level (a higher level covers the lower), or neither", "level"
        )
    return clean_strand, clean_level


def add_course(
    actor: str,
    code: str,
    name: str,
    renewal_months: int | str,
    strand: str | None = None,
    level: int | str | None = None,
) -> Course:
    clean_code, clean_name = code_text(code), text(name, "name", required=True, max_length=160)
    renewal = integer(renewal_months, "renewal_months", 0, MAX_RENEWAL_MONTHS)
    clean_strand, clean_level = _strand_and_level(strand, level)
    with database.atomic():
        _unique(Course, "code", clean_code)
        _unique(Course, "name", clean_name)
        course = Course.create(
            code=clean_code,
            name=clean_name,
            default_renewal_months=renewal,
            strand=clean_strand,
            level=clean_level,
        )
        audit.record(actor, "create", "course", course.id, None, audit.as_dict(course))
    return course


def update_course(
    actor: str,
    course_id: int,
    name: str,
    renewal_months: int | str,
    strand: str | None = None,
    level: int | str | None = None,
) -> Course:
    clean_name = text(name, "name", required=True, max_length=160)
    clean_strand, clean_level = _strand_and_level(strand, level)
    fields = {
        "name": clean_name,
        "default_renewal_months": integer(renewal_months, "renewal_months", 0, MAX_RENEWAL_MONTHS),
        "strand": clean_strand,
        "level": clean_level,
    }
    with database.atomic():
        course = Course.get_or_none(Course.id == course_id)
        if course is None:
            raise NotFound(f"no course has id {course_id}")
        _unique(Course, "name", clean_name, course.id)
        if all(getattr(course, k) == v for k, v in fields.items()):
            return course
        before = audit.as_dict(course)
        for key, value in fields.items():
            setattr(course, key, value)
        course.save()
        audit.record(actor, "update", "course", course.id, before, audit.as_dict(course))
    return course
