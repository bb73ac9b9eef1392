"""Row generators for the synthetic population: plain tuples in the column order of bench.population.FIELDS.

Drawn from one seeded generator in a fixed order, so a build is reproducible. Tuned so that 10,000 staff over
24 months give about 240,000 supervision attendances and about 200,000 training records.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from tracker.dates import add_months, month_end, month_start
from tracker.services.catalogue import COURSES, default_role_courses

FIRST = ["Asha", "Ben", "Chloe", "Dev", "Ellie", "Femi", "Grace", "Hamza", "Isla", "Jon", "Kiran", "Lena"]
LAST = ["Patel", "Okafor", "Smith", "Nowak", "Evans", "Khan", "Murphy", "Jones", "Ahmed", "Clarke", "Wood"]
ORG_KINDS = ["gp_practice", "vcse", "nhs_trust", "gp_practice", "pcn", "local_authority", "vcse", "other"]
# ARRS roles and how common they are in a neighbourhood team; supervisors are drawn separately.
ROLE_WEIGHTS = {
    "SPLW": 20, "CC": 18, "CP": 12, "HWBC": 8, "FCP": 6, "MHP": 6, "PT": 5, "PA": 4, "GPA": 4,
    "PARA": 3, "NA": 3, "AP": 3, "HCSW": 2, "DT": 1, "POD": 1, "OT": 1, "DTL": 1, "GP": 1,
    "GPN5": 1, "GPN6": 1, "CNPC": 1,
}  # fmt: skip
SUPERVISOR_ROLES = ["GPP", "SC"]
SUPERVISOR_SHARE = 0.03
GROUP_SHARE = 0.16  # of whole months employed, the share that also has a group session
# Employer index -> courses that employer asks of all its staff: (course, renewal months, new-starter days).
EMPLOYER_COURSES: dict[int, list[tuple[str, int | None, int | None]]] = {
    0: [("SG-L2", 12, None), ("FIRE", 12, None)],
    1: [("CONFLICT", None, None)],
    2: [("MH", 24, None)],
    3: [("IG", 24, 30)],
    4: [("BLS", 12, None)],
    5: [("SG-L3", 24, 60)],
    6: [("IPC", None, None)],
}
COURSE_RENEWAL = {code: renewal for code, _name, _strand, _level, renewal in COURSES}
# Employer index -> (minutes, kinds, group counts); and the same by role.
EMPLOYER_SUPERVISION = {
    0: (90, "clinical", False),
    1: (60, "clinical;practice", True),
    2: (45, "clinical;educational", True),
}
ROLE_SUPERVISION = {"CP": (60, "clinical;educational", True), "MHP": (90, "clinical", True)}


@dataclass(frozen=True)
class Plan:
    staff: int
    employers: int
    pcns: int
    months: int
    seed: int
    as_of: date
    rng: random.Random = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "rng", random.Random(self.seed))

    @property
    def history_start(self) -> date:
        return add_months(month_start(self.as_of), -(self.months - 1))

    def day_between(self, first: date, last: date) -> date:
        return first + timedelta(days=self.rng.randint(0, max(0, (last - first).days)))


@dataclass
class Job:
    role: str
    employer: int  # index into the organisations
    pcn: int
    start: date
    end: date | None = None


@dataclass
class Staff:
    id: int
    staff_id: str
    first: str
    last: str
    jobs: list[Job]
    supervisor: int | None = None
    absence: tuple[date, date] | None = None


def organisations(plan: Plan) -> list[tuple[int, str, str, datetime]]:
    stamp = datetime(2016, 1, 1)
    return [
        (i + 1, f"Bench Employer {i + 1:02d}", ORG_KINDS[i % len(ORG_KINDS)], stamp)
        for i in range(plan.employers)
    ]


def employer_requirements(plan: Plan, org_ids: list[int], courses: dict[str, int]) -> Iterator[tuple]:
    for index, extra in EMPLOYER_COURSES.items():
        if index < plan.employers:
            for course, renewal, allowance in extra:
                yield (courses[course], None, org_ids[index], renewal, allowance)


def supervision_rules(plan: Plan, org_ids: list[int], roles: dict[str, int]) -> Iterator[tuple]:
    for index, (minutes, kinds, group) in EMPLOYER_SUPERVISION.items():
        if index < plan.employers:
            yield (None, org_ids[index], minutes, kinds, group)
    for role, (minutes, kinds, group) in ROLE_SUPERVISION.items():
        yield (roles[role], None, minutes, kinds, group)


def people(plan: Plan, org_ids: list[int], pcn_ids: list[int]) -> list[Staff]:
    rng = plan.rng
    codes, weights = list(ROLE_WEIGHTS), list(ROLE_WEIGHTS.values())
    supervisors = max(1, int(plan.staff * SUPERVISOR_SHARE))
    out: list[Staff] = []
    for n in range(1, plan.staff + 1):
        employer = rng.randrange(plan.employers)
        role = SUPERVISOR_ROLES[n % 2] if n <= supervisors else rng.choices(codes, weights)[0]
        job = Job(role, employer, employer % plan.pcns, _start(plan))
        jobs = [job]
        kind = rng.random()
        if kind < 0.08 and job.start < plan.as_of - timedelta(days=120):  # a leaver
            job.end = plan.day_between(max(job.start + timedelta(days=60), plan.history_start), plan.as_of)
            job.end = min(job.end, plan.as_of - timedelta(days=1))
        elif (
            kind < 0.16 and n > supervisors and job.start < plan.as_of - timedelta(days=200)
        ):  # a role change
            change = plan.day_between(
                max(job.start + timedelta(days=90), plan.history_start), plan.as_of - timedelta(days=30)
            )
            job.end = change - timedelta(days=1)
            employer = rng.randrange(plan.employers) if rng.random() < 0.3 else job.employer
            jobs.append(Job(rng.choices(codes, weights)[0], employer, employer % plan.pcns, change))
        staff = Staff(n, f"B{n:05d}", rng.choice(FIRST), rng.choice(LAST), jobs)
        staff.supervisor = rng.randint(1, supervisors) if n > supervisors else None
        if rng.random() < 0.03:
            start = plan.day_between(plan.history_start, plan.as_of - timedelta(days=30))
            staff.absence = (start, start + timedelta(days=rng.randint(30, 270)))
        out.append(staff)
    for s in out:
        for job in s.jobs:
            job.employer, job.pcn = org_ids[job.employer], pcn_ids[job.pcn]
    return out


def _start(plan: Plan) -> date:
    r = plan.rng.random()
    if r < 0.70:
        return plan.day_between(date(2016, 1, 1), plan.history_start)
    if r < 0.95:
        return plan.day_between(plan.history_start, plan.as_of - timedelta(days=90))
    return plan.day_between(plan.as_of - timedelta(days=89), plan.as_of)


def employments(staff: list[Staff], roles: dict[str, int]) -> Iterator[tuple]:
    for s in staff:
        for job in s.jobs:
            yield (s.id, roles[job.role], job.employer, job.pcn, None, 1.0, job.start, job.end, False)


def assignments(plan: Plan, staff: list[Staff]) -> Iterator[tuple]:
    for s in staff:
        if s.supervisor is not None:
            yield (s.supervisor, s.id, "clinical", s.jobs[0].start, s.jobs[-1].end, False)


def absences(staff: list[Staff]) -> Iterator[tuple]:
    for s in staff:
        if s.absence is not None:
            yield (s.id, s.absence[0], s.absence[1], "sickness")


def _courses_for(job: Job, employer_index: dict[int, int]) -> dict[str, int]:
    """Course -> effective renewal months, as the engine would work it out (employer > role > default)."""
    result = {code: COURSE_RENEWAL[code] for code in default_role_courses(job.role)}
    for course, renewal, _allowance in EMPLOYER_COURSES.get(employer_index[job.employer], []):
        result[course] = renewal if renewal is not None else COURSE_RENEWAL[course]
    return result


def training(plan: Plan, staff: list[Staff], courses: dict[str, int], stamp: datetime) -> Iterator[tuple]:
    rng = plan.rng
    employer_index = {i + 1: i for i in range(plan.employers)}
    oldest = add_months(plan.as_of, -40)
    for s in staff:
        done: set[tuple[str, date]] = set()
        for job in s.jobs:
            last_day = min(job.end or plan.as_of, plan.as_of)
            for course, renewal in _courses_for(job, employer_index).items():
                if rng.random() < 0.03:
                    continue  # never done
                if course == "SG-L2" and rng.random() < 0.15:
                    course = "SG-L3"  # a higher level covers it
                on = job.start + timedelta(days=rng.randint(-200, 80))
                while on <= last_day:
                    if on >= oldest:
                        done.add((course, on))
                    if renewal == 0 or rng.random() < 0.06:
                        break  # done once for good, or let lapse
                    on = add_months(on, renewal) + timedelta(days=rng.randint(-45, 20))
        for course, on in sorted(done):
            yield (s.id, courses[course], on, "Bench e-learning", "approved", stamp)
        if done and rng.random() < 0.03:
            course, on = max(done, key=lambda d: d[1])
            later = on + timedelta(days=rng.randint(1, 60))
            if later <= plan.as_of:
                yield (
                    s.id,
                    courses[course],
                    later,
                    "Bench e-learning",
                    rng.choice(["pending", "rejected"]),
                    stamp,
                )


def supervision(plan: Plan, staff: list[Staff], stamp: datetime) -> tuple[list[tuple], list[tuple]]:
    """Sessions (with ids) and their attendees: mostly monthly one-to-ones, some pairs of half hours, some
    short or missed months, and group sessions of six per employer and month."""
    rng = plan.rng
    sessions: list[tuple] = []
    attendees: list[tuple] = []
    supervisors = [s.id for s in staff if s.supervisor is None] or [1]
    months = [add_months(plan.history_start, i) for i in range(plan.months)]

    def session(supervisor: int, day: date, minutes: int, kind: str, fmt: str, people: list[int]) -> None:
        sid = len(sessions) + 1
        sessions.append(
            (sid, supervisor, day, minutes, kind, fmt, rng.choice(("in_person", "video", "phone")), stamp)
        )
        for pid in people:
            confirmation = "confirmed" if rng.random() < 0.9 else rng.choice(("pending", "queried"))
            attendees.append((sid, pid, confirmation))

    for first in months:
        last = min(month_end(first), plan.as_of)
        groups: dict[int, list[int]] = {}
        for s in staff:
            job = next((j for j in s.jobs if j.start <= last and (j.end is None or j.end >= first)), None)
            if job is None:
                continue
            lo, hi = max(first, job.start), min(last, job.end or last)
            if s.absence and s.absence[0] <= lo and hi <= s.absence[1]:
                continue
            supervisor = s.supervisor or rng.choice(supervisors)
            reliability = 0.75 + (s.id % 26) / 100
            r = rng.random()
            kind = rng.choices(("clinical", "practice", "educational"), (88, 7, 5))[0]
            if r < reliability * 0.85:
                session(
                    supervisor, plan.day_between(lo, hi), 90 if r < 0.06 else 60, kind, "one_to_one", [s.id]
                )
            elif r < reliability:
                for _ in range(2):
                    session(supervisor, plan.day_between(lo, hi), 30, kind, "one_to_one", [s.id])
            elif r < reliability + (1 - reliability) * 0.4:
                session(supervisor, plan.day_between(lo, hi), 45, kind, "one_to_one", [s.id])
            if lo == first and hi == last and rng.random() < GROUP_SHARE:
                groups.setdefault(job.employer, []).append(s.id)
        for members in groups.values():
            for i in range(0, len(members), 6):
                session(
                    rng.choice(supervisors),
                    plan.day_between(first, last),
                    60,
                    "clinical",
                    "group",
                    members[i : i + 6],
                )
    return sessions, attendees


def policies(plan: Plan, org_ids: list[int], topics: list[int]) -> list[tuple]:
    rng = plan.rng
    rows = []
    for employer in org_ids:
        for index, topic in enumerate(topics):
            version = "2" if rng.random() < 0.3 else "1"
            asks = index in (0, 1, 4)  # home visits, lone working, safeguarding reporting route
            rows.append(
                (
                    len(rows) + 1,
                    employer,
                    topic,
                    f"Bench policy {topic} of employer {employer}",
                    version,
                    asks,
                )
            )
    return rows


def acknowledgements(plan: Plan, staff: list[Staff], policy_rows: list[tuple]) -> Iterator[tuple]:
    rng = plan.rng
    asking: dict[int, list[tuple[int, str]]] = {}
    for pid, employer, _topic, _statement, version, asks in policy_rows:
        if asks:
            asking.setdefault(employer, []).append((pid, version))
    for s in staff:
        job = s.jobs[-1]
        for policy, version in asking.get(job.employer, []):
            r = rng.random()
            if r < 0.85:
                yield (s.id, policy, version, plan.day_between(plan.as_of - timedelta(days=365), plan.as_of))
            elif r < 0.88:
                yield (
                    s.id,
                    policy,
                    version,
                    plan.as_of + timedelta(days=rng.randint(1, 30)),
                )  # not yet, as at
            elif r < 0.93 and version == "2":
                yield (s.id, policy, "1", plan.day_between(plan.as_of - timedelta(days=700), plan.as_of))
