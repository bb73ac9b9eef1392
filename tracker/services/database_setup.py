"""Opening the database the app serves: connect, create or upgrade the schema, add the built-in catalogues
to a new database, and (for `serve --demo`) the demo data set to an empty one."""

from __future__ import annotations

from datetime import date

from tracker import db
from tracker.settings import Settings


def open_database(settings: Settings, notes_key: bytes) -> None:
    """Connect, create or upgrade the schema (an old database's notes sealed with `notes_key`), and add the
    built-in catalogues to a new database."""
    from tracker.services.catalogue import load_catalogues

    db.close()
    db.connect(settings.database_url)
    before, _after = db.migrate_schema(notes_key)
    if before is None:
        load_catalogues()


def close_database() -> None:
    db.close()


def load_demo_if_empty(today: date, notes_key: bytes) -> bool:
    """Load the demo data set into a database with no people; print the demo users. True when loaded."""
    from tracker.demo import load_demo
    from tracker.models import Person

    if Person.select().exists():
        print("The database already holds people; the demo data set was not loaded.")
        return False
    summary = load_demo(today, notes_key=notes_key)
    print(f"Loaded the demo data set: {summary.people} people, {summary.employers} employers.")
    if summary.users:
        print("Sign in with (passwords are shown once; change them before real use):")
        width = max(len(email) for email, _, _ in summary.users)
        for email, roles, password in summary.users:
            print(f"  {email.ljust(width)}  {password}  ({roles})")
    return True
