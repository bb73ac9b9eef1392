"""Editing the catalogues: roles (code, name, band cap, ARRS or not) and courses (code, name, renewal period,
safeguarding strand and level). Codes are fixed once made (files and rules refer to them); names may change."""

from __future__ import annotations

import re
from typing import Any, TypeVar

from tracker.db import database
from tracker.errors import NotFound, ValidationError
from tracker.models import Course, Role
from tracker.services import audit
from tracker.services.rules import MAX_RENEWAL_MONTHS
from tracker.services.validate import integer, optional_integer, text

M = TypeVar("M", Role, Course)

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
    return _update(actor, Role, "role", role_id, fields)


def _update(actor: str, model: type[M], entity: str, row_id: int, fields: dict[str, Any]) -> M:
    """Change a catalogue row's fields (its name staying unique) with one audit event; no change, no event."""
    with database.atomic():
        row = model.get_or_none(model.id == row_id)
        if row is None:
            raise NotFound(f"no {entity} has id {row_id}")
        _unique(model, "name", fields["name"], row.id)
        if all(getattr(row, k) == v for k, v in fields.items()):
            return row
        before = audit.as_dict(row)
        for key, value in fields.items():
            setattr(row, key, value)
        row.save()
        audit.record(actor, "update", entity, row.id, before, audit.as_dict(row))
    return row


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
    return _update(actor, Course, "course", course_id, fields)
