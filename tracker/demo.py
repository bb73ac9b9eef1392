"""The demo data set: a neighbourhood team of about 40 people with two years of history up to `today`.

`load_demo(today)` writes everything in one transaction with one audit event, and refuses a database that
already holds people. The team, its life events and its policies are the tables of tracker.demo_data;
tracker.demo_history dates them. The same `today` always gives the same data, apart from the generated
passwords of the five demo users, which the summary returns (the command line prints them).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from peewee import chunked

from tracker import demo_data as d
from tracker import note_crypto
from tracker.dates import add_months
from tracker.db import database
from tracker.demo_history import (
    Staff,
    attendee_rows,
    plan_sessions,
    plan_staff,
    session_rows,
    stamps,
    training_rows,
)
from tracker.errors import ValidationError
from tracker.models import (
    Absence,
    Course,
    EmployerPolicy,
    Employment,
    Organisation,
    Pcn,
    Person,
    PolicyAcknowledgement,
    PolicyAdaptation,
    PolicyTopic,
    Requirement,
    Role,
    SessionAttendee,
    SupervisionRule,
    SupervisionSession,
    SupervisorAssignment,
    TrainingEvent,
    TrainingEventAttendee,
    TrainingRecord,
    User,
)
from tracker.passwords import generate_password, hash_password
from tracker.services import audit
from tracker.services.catalogue import load_catalogues


@dataclass
class DemoSummary:
    people: int
    employers: int
    sessions: int
    training_records: int
    users: list[tuple[str, str, str]] = field(default_factory=list)  # (email, roles, password)


def load_demo(today: date, actor: str = "demo", *, notes_key: bytes) -> DemoSummary:
    """Load the demo team with two years of history up to `today` (its notes sealed with `notes_key`); refuses a
    database that holds people."""
    _refuse_unless_empty()
    passwords = {email: generate_password() for email, _, _, _ in d.USERS}
    hashes = {email: hash_password(password) for email, password in passwords.items()}
    rng = random.Random(d.SEED)
    with database.atomic():
        load_catalogues()
        staff = plan_staff(today, rng)
        orgs, pcn = _organisations()
        ids = _people(staff, orgs, pcn)
        _assignments(staff, ids)
        _rules(orgs)
        records = _training(staff, ids, today, rng)
        sessions = _supervision(staff, ids, today, rng, notes_key)
        _policies(staff, ids, orgs, today, rng)
        records += _team_training(ids, today)
        _users(ids, orgs, pcn, hashes)
        users = [(email, roles, passwords[email]) for email, roles, _, _ in d.USERS]
        summary = DemoSummary(len(ids), len(orgs), sessions, records, users)
        counts = dict(people=len(ids), employers=len(orgs), sessions=sessions, training_records=records,
                      users=len(users), as_of=today.isoformat())
        audit.record(actor, "demo data loaded", "database", None, None, counts)
    return summary


def _refuse_unless_empty() -> None:
    if Person.select().exists():
        raise ValidationError("the database already holds people; the demo data loads only into an empty one")
    names = [name for _, name, _, _ in d.EMPLOYERS]
    taken = Organisation.select(Organisation.name).where(Organisation.name.in_(names)).scalar()
    if taken:
        raise ValidationError(f"an organisation called '{taken}' already exists; the demo would clash")
    if Pcn.select().where(Pcn.name == d.PCN_NAME).exists():
        raise ValidationError(f"a PCN called '{d.PCN_NAME}' already exists; the demo would clash")
    emails = [email for email, _, _, _ in d.USERS]
    taken = User.select(User.email).where(User.email.in_(emails)).scalar()
    if taken:
        raise ValidationError(f"a user with the email address {taken} already exists; the demo would clash")


def _organisations() -> tuple[dict[str, int], int]:
    orgs = {key: Organisation.create(name=name, kind=kind).id for key, name, kind, _ in d.EMPLOYERS}
    pcn = Pcn.create(name=d.PCN_NAME, organisation=orgs[d.LEAD_PRACTICE])
    return orgs, pcn.id


def _people(staff: dict[str, Staff], orgs: dict[str, int], pcn: int) -> dict[str, int]:
    staff_ids = {s.key: f"RN{1001 + i}" for i, s in enumerate(staff.values())}
    Person.insert_many([
        dict(staff_id=staff_ids[s.key], first_name=s.first, last_name=s.last, email=s.email,
             profession=s.profession)
        for s in staff.values()
    ]).execute()
    by_staff_id: dict[str, int] = dict(Person.select(Person.staff_id, Person.id).tuples())
    ids = {key: by_staff_id[staff_id] for key, staff_id in staff_ids.items()}
    roles: dict[str, int] = dict(Role.select(Role.code, Role.id).tuples())
    Employment.insert_many([
        dict(person=ids[s.key], role=roles[role], employer=orgs[s.employer], pcn=pcn, band=d.BANDS.get(role),
             fte=d.PART_TIME.get(s.key, 1.0), start_date=start, end_date=end,
             secondment=role in d.SECONDED_ROLES)
        for s in staff.values()
        for role, start, end in s.jobs
    ]).execute()
    Absence.insert_many([
        dict(person=ids[s.key], start_date=s.absence[0], end_date=s.absence[1], reason=s.absence[2])
        for s in staff.values()
        if s.absence
    ]).execute()
    return ids


def _assignments(staff: dict[str, Staff], ids: dict[str, int]) -> None:
    """Each person's named supervisor, who is also their first point of contact; plus other kinds."""
    rows = [
        dict(supervisor=ids[s.supervisor], supervisee=ids[s.key], kind=d.SESSION_KIND.get(s.key, "clinical"),
             start_date=s.start, end_date=s.end, first_contact=True)
        for s in staff.values()
    ] + [
        dict(supervisor=ids[sup], supervisee=ids[key], kind=kind, start_date=staff[key].start,
             end_date=staff[key].end, first_contact=False)
        for sup, key, kind, _, _ in d.EXTRA_SUPERVISION
    ]
    SupervisorAssignment.insert_many(rows).execute()


def _rules(orgs: dict[str, int]) -> None:
    """The charity's own renewal and supervision rules, and the PCN manager's line-management supervision."""
    courses: dict[str, int] = dict(Course.select(Course.code, Course.id).tuples())
    roles: dict[str, int] = dict(Role.select(Role.code, Role.id).tuples())
    for employer, course, months in d.EMPLOYER_REQUIREMENTS:
        Requirement.create(course=courses[course], employer=orgs[employer], renewal_months=months)
    for employer, minutes, kinds, group in d.EMPLOYER_SUPERVISION:
        SupervisionRule.create(employer=orgs[employer], min_minutes=minutes, kinds=kinds, group_counts=group)
    for role, minutes, kinds, group in d.ROLE_SUPERVISION:
        SupervisionRule.create(role=roles[role], min_minutes=minutes, kinds=kinds, group_counts=group)


def _training(staff: dict[str, Staff], ids: dict[str, int], today: date, rng: random.Random) -> int:
    query = Course.select(Course.code, Course.id, Course.default_renewal_months).tuples()
    courses = {code: (cid, renewal) for code, cid, renewal in query}
    arrs = {code for (code,) in Role.select(Role.code).where(Role.is_arrs == True).tuples()}  # noqa: E712
    rows = training_rows(staff, ids, courses, arrs, today, rng)
    for batch in chunked(rows, 300):
        TrainingRecord.insert_many(batch).execute()
    return len(rows)


def _team_training(ids: dict[str, int], today: date) -> int:
    """An all-team session three weeks ago (a few people from each employer, one record each) and another
    planned for a fortnight ahead (tracker.demo_data.TEAM_EVENTS). Returns the records written."""
    from tracker.views.population import Scope, scope_jobs

    courses: dict[str, int] = dict(Course.select(Course.code, Course.id).tuples())
    order = {person_id: n for n, person_id in enumerate(ids.values())}
    written = 0
    for code, day, provider, per_employer, planned in d.TEAM_EVENTS:
        on = today + timedelta(days=day)
        by_employer: dict[int, list[int]] = {}
        jobs = scope_jobs(Scope(), min(on, today), Employment.person, Employment.employer).tuples()
        for person_id, employer_id in sorted(set(jobs), key=lambda j: order.get(j[0], 0)):
            if person_id not in by_employer.setdefault(employer_id, []):
                by_employer[employer_id].append(person_id)
        people = list(dict.fromkeys(p for found in by_employer.values() for p in found[:per_employer]))
        event = TrainingEvent.create(course=courses[code], date=on, provider=provider, minutes=120, planned=planned,
                                     created_by="demo")
        held = set() if planned else {p for (p,) in TrainingRecord.select(TrainingRecord.person).where(
            (TrainingRecord.course == courses[code]) & (TrainingRecord.completed_on == on)).tuples()}
        for person_id in people:
            record = None
            if not planned:
                record = TrainingRecord.get_or_none((TrainingRecord.person == person_id)
                                                    & (TrainingRecord.course == courses[code])
                                                    & (TrainingRecord.completed_on == on))
                if record is None:
                    record = TrainingRecord.create(person=person_id, course=courses[code], completed_on=on,
                                                   provider=provider)
                    written += 1
            TrainingEventAttendee.create(event=event, person=person_id, record=record,
                                         already_held=person_id in held)
    return written


def _supervision(staff: dict[str, Staff], ids: dict[str, int], today: date, rng: random.Random, notes_key: bytes) -> int:
    sessions = plan_sessions(staff, today, rng)
    rows = session_rows(sessions, ids, rng)
    notes = [row.pop("note") for row in rows]
    for batch in chunked(rows, 300):
        SupervisionSession.insert_many(batch).execute()
    query = SupervisionSession.select(SupervisionSession.recorded_at, SupervisionSession.id).tuples()
    by_stamp: dict[datetime, int] = dict(query)
    session_ids = [by_stamp[stamp] for stamp in stamps(sessions)]
    note_of = dict(zip(session_ids, notes, strict=True))
    attendees = attendee_rows(sessions, session_ids, ids, today, rng)
    for row in attendees:
        place = note_crypto.attendee_place(row["session"], row["person"])
        row["private_note"] = note_crypto.seal(note_of[row["session"]], place, notes_key)
    for batch in chunked(attendees, 300):
        SessionAttendee.insert_many(batch).execute()
    return len(sessions)


def _policies(
    staff: dict[str, Staff], ids: dict[str, int], orgs: dict[str, int], today: date, rng: random.Random
) -> None:
    """Each employer's positions, who acknowledged them, and the home-visits adaptation."""
    topics: dict[str, int] = dict(PolicyTopic.select(PolicyTopic.name, PolicyTopic.id).tuples())
    domains = {key: domain for key, _, _, domain in d.EMPLOYERS}
    EmployerPolicy.insert_many([
        dict(employer=orgs[employer], topic=topics[topic], statement=statement, version=version,
             document_url=_document_url(domains[employer], topic, version),
             owner=staff[owner].name, owner_email=staff[owner].email, review_date=add_months(today, review),
             requires_acknowledgement=ack)
        for employer, policies in d.POLICIES.items()
        for topic, version, owner, review, ack, statement in policies
    ]).execute()
    query = EmployerPolicy.select(EmployerPolicy.id, EmployerPolicy.employer, EmployerPolicy.topic).tuples()
    policy_ids = {(employer, topic): pid for pid, employer, topic in query}

    acks: list[dict[str, Any]] = []
    for employer, policies in d.POLICIES.items():
        for topic, version, _, _, needs_ack, _ in policies:
            if needs_ack:
                pid = policy_ids[(orgs[employer], topics[topic])]
                acks += _acknowledgements(staff, ids, employer, topic, pid, version, today, rng)
    PolicyAcknowledgement.insert_many(acks).execute()

    topic, employers, condition, agreed_by = d.ADAPTATION
    PolicyAdaptation.create(
        topic=topics[topic], employers=";".join(str(orgs[e]) for e in employers), condition=condition,
        agreed_by=agreed_by, agreed_on=add_months(today, -10), review_date=add_months(today, 2),
    )


def _document_url(domain: str, topic: str, version: str) -> str:
    return f"https://{domain}/policies/{topic.lower().replace(' ', '-')}-v{version}.pdf"


POLICIES_IN_PLACE_DAYS = 730


def _acknowledgements(
    staff: dict[str, Staff], ids: dict[str, int], employer: str, topic: str, pid: int, version: str,
    today: date, rng: random.Random,
) -> list[dict[str, Any]]:
    """Everyone at the employer acknowledged the policy; for a new version, the one before it as well."""
    rows = []
    issued_days_ago = d.NEW_VERSIONS.get((employer, topic))
    for s in staff.values():
        if s.employer != employer or not s.employed_on(today):
            continue
        earliest = s.start + timedelta(days=rng.randint(1, 10))
        # acknowledged in the first days of the job, or soon after the policy came in about two years ago
        on = min(max(earliest, today - timedelta(days=POLICIES_IN_PLACE_DAYS - rng.randint(0, 30))), today)
        if s.absence and on > s.absence[0]:
            on = s.absence[0] - timedelta(days=7)
        if issued_days_ago is not None:
            before = min(on, today - timedelta(days=issued_days_ago + 1))
            previous = str(int(version) - 1)
            rows.append(dict(person=ids[s.key], policy=pid, version=previous, acknowledged_on=before))
            on = today - timedelta(days=rng.randint(0, issued_days_ago - 1))
        if (s.key, employer, topic) not in d.NOT_YET_ACKNOWLEDGED:
            rows.append(dict(person=ids[s.key], policy=pid, version=version, acknowledged_on=on))
    return rows


def _users(ids: dict[str, int], orgs: dict[str, int], pcn: int, hashes: dict[str, str]) -> None:
    for email, roles, person, lead in d.USERS:
        User.create(
            email=email, password_hash=hashes[email], roles=roles, person=ids[person] if person else None,
            lead_employer=orgs[lead[1]] if lead and lead[0] == "employer" and lead[1] else None,
            lead_pcn=pcn if lead and lead[0] == "pcn" else None,
        )
