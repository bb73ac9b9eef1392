"""A stream of service writes for the crash-safety test: `python -m tests.crash_writer URL PREFIX`.

Alternately creates a person (person, employment, audit event) and logs a supervision session (session,
attendee, audit event) through the service layer, and prints each one on stdout only after the service call
has returned, that is after its transaction committed: every printed line is an acknowledged write. It runs
until it is killed.
"""

from __future__ import annotations

import sys
from datetime import date, timedelta

from tracker import db
from tracker.models import Person
from tracker.services import people, supervision

SUPERVISOR, SUPERVISEE, EMPLOYER = "CW-SUP", "CW-SEE", "Crash Test Trust"
ACTOR = "crash-writer"


def main(argv: list[str]) -> int:
    url, prefix = argv
    db.connect(url)
    supervisor = Person.get(Person.staff_id == SUPERVISOR)
    supervisee = Person.get(Person.staff_id == SUPERVISEE)
    print("ready", flush=True)
    n = 0
    while True:
        n += 1
        if n % 2:
            person = people.create_person(
                ACTOR, f"{prefix}{n:06d}", "Crash", f"Test {n}", "SPLW", EMPLOYER, "01/01/2025"
            )
            print(f"person {person.staff_id}", flush=True)
        else:
            session = supervision.log_session(
                ACTOR, supervisor.id, date(2025, 1, 1) + timedelta(days=n % 365), 30, "clinical", None, "video",
                [supervisee.id], f"topic {n}", repeat_ok=True,  # a session a day, over and over, on purpose
            )
            print(f"session {session.id}", flush=True)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
