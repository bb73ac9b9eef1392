"""The fixed words a record may hold (kinds, formats, reasons, roles, states): pure, so forms can offer them."""

from __future__ import annotations

ORGANISATION_KINDS = ("pcn", "gp_practice", "vcse", "nhs_trust", "local_authority", "other")
SUPERVISION_KINDS = ("clinical", "educational", "practice")
SESSION_FORMATS = ("one_to_one", "group")
SESSION_MODES = ("in_person", "video", "phone")
ABSENCE_REASONS = ("maternity", "sickness", "career_break", "other")
USER_ROLES = ("staff", "supervisor", "lead", "admin")
EVIDENCE_STATES = ("approved", "pending", "rejected")
ITEM_KINDS = ("course", "registration", "check", "appraisal")  # the same as tracker.compliance.ITEM_KINDS
CONFIRMATION_STATES = ("pending", "confirmed", "queried")
