"""A key kept in a file of its own outside the database: 32 random bytes as hex, made on first use (owner-only,
0600) and read back ever after. The notes key (tracker.note_crypto) and the app's secret (tracker.signing)."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from tracker.errors import TrackerError

KEY_BYTES = 32
_keys: dict[Path, bytes] = {}


def key_from_file(path: Path, what: str, remedy: str, *, longer_ok: bool = False) -> bytes:
    """The key in `path`, made there first if there is none. A file that holds anything but a 32-byte key in hex
    (or a longer one, when `longer_ok`) is refused with "<path> does not hold <what>; <remedy>". A key is read
    once per process."""
    path = path.resolve()
    if path in _keys:
        return _keys[path]
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        text = path.read_text(encoding="ascii").strip()
    else:
        text = secrets.token_hex(KEY_BYTES)
        with os.fdopen(fd, "w", encoding="ascii") as handle:
            handle.write(text + "\n")
    try:
        key = bytes.fromhex(text)
    except ValueError:
        key = b""
    if len(key) < KEY_BYTES or (len(key) > KEY_BYTES and not longer_ok):
        raise TrackerError(f"{path} does not hold {what}; {remedy}")
    _keys[path] = key
    return key


def forget(path: Path) -> None:
    """Read the key in `path` afresh next time (as a restarted app would, after a key file was copied in)."""
    _keys.pop(path.resolve(), None)
