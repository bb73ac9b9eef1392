"""Private supervision notes sealed at rest (AES-256-GCM) with a key kept outside the database.

The key is `notes.key` in TRACKER_DATA_DIR, made on first start (readable by the app's user only). It is never
written into the database, so neither the database nor a backup of it (SQLite file or pg_dump) holds a note in
plain text: an administrator who downloads a backup holds ciphertext only. A restore on the same installation
reads the notes again with the same key; a restore elsewhere shows them as unavailable until that
installation's `notes.key` is copied over (docs/security.md).

Each note is sealed for its place (`attendee:<session>:<person>`, `summary:<session>`...) as associated data:
a ciphertext copied into another row, for someone else to read, does not open.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from tracker.errors import TrackerError
from tracker.key_files import key_from_file
from tracker.settings import Settings

KEY_FILE = "notes.key"
PREFIX = "enc1:"
UNAVAILABLE = "(This note cannot be read on this installation: it was encrypted with another installation's key.)"


def key_path(settings: Settings) -> Path:
    return (Path(settings.data_dir) / KEY_FILE).resolve()


def note_key(settings: Settings) -> bytes:
    """The installation's notes key: made on first use (owner-only, 0600), the same ever after. Read by the
    composition root (cli.py, ui.app, the jobs), which passes it to whatever seals or unseals a note."""
    return key_from_file(key_path(settings), "a notes key (64 hex digits)", "put back the file from your key backup")


def key_id(key: bytes) -> str:
    """A short public name of a key, stored beside each note so a foreign key is told apart from damage."""
    return hashlib.sha256(b"tracker-notes-key-id:" + key).hexdigest()[:12]


def is_sealed(stored: str | None) -> bool:
    return bool(stored) and str(stored).startswith(PREFIX)


def seal(text: str, place: str, key: bytes) -> str:
    """The stored form of a note; an empty note stays empty (there is nothing to hide)."""
    if not text:
        return ""
    nonce = secrets.token_bytes(12)
    sealed = AESGCM(key).encrypt(nonce, text.encode("utf-8"), place.encode("utf-8"))
    return f"{PREFIX}{key_id(key)}:{base64.urlsafe_b64encode(nonce + sealed).decode('ascii')}"


def seal_if_written(text: str, place: str, key: bytes | None) -> str:
    """`seal` for a write whose notes are optional (an import, a session logged without notes): the caller may
    have no key to give, and then no note may be written."""
    if not text:
        return ""
    if key is None:
        raise TrackerError("a note cannot be saved here: the notes key was not given")
    return seal(text, place, key)


def unseal(stored: str | None, place: str, key: bytes) -> str:
    """The note's text; UNAVAILABLE when it was sealed with another key (or for another place)."""
    if not stored:
        return ""
    if not is_sealed(stored):
        return str(stored)  # written before notes were sealed and not yet migrated
    try:
        ident, _, body = str(stored)[len(PREFIX):].partition(":")
        if ident != key_id(key):
            return UNAVAILABLE
        raw = base64.urlsafe_b64decode(body.encode("ascii"))
        return AESGCM(key).decrypt(raw[:12], raw[12:], place.encode("utf-8")).decode("utf-8")
    except (InvalidTag, ValueError):
        return UNAVAILABLE


def sealed_with_another_key(stored: str | None, key: bytes) -> bool:
    return is_sealed(stored) and not str(stored).startswith(f"{PREFIX}{key_id(key)}:")


# The places a note can belong to (the associated data it is sealed with).


def attendee_place(session_id: int, person_id: int) -> str:
    """An attendee's private note with the supervisor."""
    return f"attendee:{int(session_id)}:{int(person_id)}"


def summary_place(session_id: int) -> str:
    """A group session's shared summary (every attendee and the supervisor)."""
    return f"summary:{int(session_id)}"


def supervisor_place(session_id: int) -> str:
    """A group session's notes written before per-person notes: kept for the supervisor alone."""
    return f"supervisor:{int(session_id)}"
