"""A small family of domain errors whose messages are fit to show a user."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass


class TrackerError(Exception):
    """Something the user can fix; the message says what."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


# The words a form shows for a field that services name by its column (one set of words for labels and messages).
FIELD_LABELS: dict[str, str] = {
    "staff_id": "Staff id",
    "first_name": "First name",
    "last_name": "Last name",
    "email": "Email",
    "role": "Role",
    "employer": "Employer",
    "employer_type": "Kind of new employer",
    "pcn": "PCN",
    "band": "Band",
    "fte": "FTE",
    "start_date": "Start date",
    "end_date": "End date",
    "supervisor_staff_id": "Clinical supervisor",
    "profession": "Profession",
    "date": "Date",
    "minutes": "Minutes",
    "kind": "Kind",
    "format": "Format",
    "mode": "Mode",
    "supervisee_staff_ids": "Supervisee(s)",
    "topics": "Topics discussed",
    "actions": "Agreed actions",
    "next_date": "Next session",
    "private_notes": "Private note",
    "group_summary": "Group summary",
    "without_certificate": "How you checked it without a certificate",
}


def field_label(name: str | None, labels: Mapping[str, str] | None = None) -> str:
    """The words for a field: the form's own (`labels`), else the app's, else its name in plain words."""
    if not name:
        return ""
    return (labels or {}).get(name) or FIELD_LABELS.get(name) or name.replace("_", " ").capitalize()


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one field of a form (field None: the form as a whole)."""

    field: str | None
    message: str

    def text(self, labels: Mapping[str, str] | None = None) -> str:
        """'Staff id: a value is required' (the message led by the field's words unless it starts with them)."""
        label = field_label(self.field, labels)
        if label and not self.message.lower().startswith(label.lower()):
            return f"{label}: {self.message}"
        return self.message[:1].upper() + self.message[1:]


class ValidationError(TrackerError):
    """Input that breaks a rule; nothing was written. `problems` lists every field that is wrong (a service that
    checks every field raises once with them all); `message` and `field` are the first one's (or, with several,
    `message` lists them all, one a line)."""

    def __init__(self, message: str = "", field: str | None = None, *, problems: Sequence[Problem] = ()):
        found = list(problems) or [Problem(field, message)]
        if problems:
            field = field if field is not None else found[0].field
            message = message or (found[0].message if len(found) == 1 else "\n".join(p.text() for p in found))
        super().__init__(message)
        self.field = field
        self.problems = found


class NotFound(TrackerError):
    pass


class PermissionDenied(TrackerError):
    pass


class ConflictError(TrackerError):
    """A record changed since it was read (optimistic concurrency)."""


class NeedsConfirmation(TrackerError):
    """Nothing was written: the action looks like a mistake (a repeat), so the user is asked first."""


class SettingsError(TrackerError):
    pass


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        return f"row {self.row}: {self.column}: {self.message}"


class ImportRejected(TrackerError):
    """A file with at least one bad row: every bad row is listed, nothing was written."""

    def __init__(self, errors: list[RowError]):
        self.errors = errors
        super().__init__("\n".join(str(e) for e in errors))
