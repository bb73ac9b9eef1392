"""Employing organisations and PCNs."""

from __future__ import annotations

from tracker.db import database
from tracker.errors import NotFound, ValidationError
from tracker.models import ORGANISATION_KINDS, Organisation, Pcn
from tracker.services import audit
from tracker.services.validate import Lookups, choice, text


def find_employer(name: str) -> Organisation | None:
    wanted = text(name, "employer").lower()
    return next((o for o in Organisation.select() if o.name.lower() == wanted), None)


def ensure_employer(name: str, kind: str | None, lookups: Lookups) -> tuple[Organisation, bool]:
    """The employer of that name (any letter case), created with `kind` if new; no audit (callers record)."""
    clean = text(name, "employer", required=True)
    found = lookups.employers.get(clean.lower())
    if found is not None:
        return found, False
    org = Organisation.create(name=clean, kind=choice(kind, ORGANISATION_KINDS, "employer_type", "other"))
    lookups.employers[clean.lower()] = org
    return org, True


def ensure_pcn(name: str, lookups: Lookups) -> tuple[Pcn, bool]:
    clean = text(name, "pcn", required=True)
    found = lookups.pcns.get(clean.lower())
    if found is not None:
        return found, False
    organisation = lookups.employers.get(clean.lower())
    pcn = Pcn.create(name=clean, organisation=organisation if organisation and organisation.kind == "pcn" else None)
    lookups.pcns[clean.lower()] = pcn
    return pcn, True


def get_or_create_employer(actor: str, name: str, kind: str = "other") -> Organisation:
    """The employer called `name`, or a new one of `kind` (pcn, gp_practice, vcse, nhs_trust, ...)."""
    choice(kind, ORGANISATION_KINDS, "employer_type", "other")
    with database.atomic():
        org, created = ensure_employer(name, kind, Lookups())
        if created:
            audit.record(actor, "create", "organisation", org.id, None, audit.as_dict(org))
    return org


def get_or_create_pcn(actor: str, name: str) -> Pcn:
    with database.atomic():
        pcn, created = ensure_pcn(name, Lookups())
        if created:
            audit.record(actor, "create", "pcn", pcn.id, None, audit.as_dict(pcn))
    return pcn


def update_organisation(actor: str, organisation_id: int, name: str, kind: str) -> Organisation:
    clean = text(name, "name", required=True)
    clean_kind = choice(kind, ORGANISATION_KINDS, "kind")
    with database.atomic():
        org = Organisation.get_or_none(Organisation.id == organisation_id)
        if org is None:
            raise NotFound(f"no organisation has id {organisation_id}")
        clash = find_employer(clean)
        if clash is not None and clash.id != org.id:
            raise ValidationError(f"another organisation is already called '{clash.name}'", "name")
        before = audit.as_dict(org)
        org.name, org.kind = clean, clean_kind
        org.save()
        audit.record(actor, "update", "organisation", org.id, before, audit.as_dict(org))
    return org


def list_employers() -> list[Organisation]:
    return list(Organisation.select().order_by(Organisation.name))


def list_pcns() -> list[Pcn]:
    return list(Pcn.select().order_by(Pcn.name))
