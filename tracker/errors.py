"""A small family of domain errors whose messages are fit to show a user."""

from __future__ import annotations

from dataclasses import dataclass


class TrackerError(Exception):
    """Something the user can fix; the message says what."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class ValidationError(TrackerError):
    """Input that breaks a rule; nothing was written."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


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
