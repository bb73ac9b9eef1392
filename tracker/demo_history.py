"""The dated history of the demo team: who worked when, what training they did, what supervision they had.

Planned from the tables of tracker.demo_data relative to `today`, with a seeded random generator, so the same
day always gives the same history. Pure: it returns rows, and tracker.demo writes them in its one transaction.
"""

from __future__ import annotations

import random
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from tracker import demo_data as d
from tracker.dates import add_months, month_start
from tracker.services.catalogue import REGULATOR_NAMES, default_role_items

HISTORY_MONTHS = 24


@dataclass
class Staff:
    key: str
    first: str
    last: str
    employer: str
    supervisor: str
    profession: str | None
    jobs: list[tuple[str, date, date | None]]  # role code, start, end
    day: int  # the day of the month their supervision usually falls on
    absence: tuple[date, date, str] | None = None

    @property
    def start(self) -> date:
        return self.jobs[0][1]

    @property
    def end(self) -> date | None:
        return self.jobs[-1][2]

    @property
    def name(self) -> str:
        return f"{self.first} {self.last}"

    @property
    def email(self) -> str:
        domain = next(e[3] for e in d.EMPLOYERS if e[0] == self.employer)
        return f"{_ascii(self.first)}.{_ascii(self.last)}@{domain}"

    def employed_on(self, day: date) -> bool:
        return self.start <= day and (self.end is None or day <= self.end)

    def present_on(self, day: date) -> bool:
        absent = self.absence is not None and self.absence[0] <= day <= self.absence[1]
        return self.employed_on(day) and not absent


def _ascii(name: str) -> str:
    folded = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return "".join(ch for ch in folded.lower() if ch.isalnum())


def plan_staff(today: date, rng: random.Random) -> dict[str, Staff]:
    this_month = month_start(today)
    changes = {key: (old, add_months(this_month, -months)) for key, old, months in d.ROLE_CHANGES}
    staff: dict[str, Staff] = {}
    for key, first, last, role, employer, supervisor, months, profession in d.PEOPLE:
        if key in d.NEW_STARTER_DAYS_AGO:
            start = today - timedelta(days=d.NEW_STARTER_DAYS_AGO[key])
        else:
            start = add_months(this_month, -months) + timedelta(days=rng.randint(0, 20))
        end = None
        if key in d.LEAVERS:
            end = add_months(this_month, -d.LEAVERS[key]) + timedelta(days=rng.randint(5, 25))
        jobs: list[tuple[str, date, date | None]] = [(role, start, end)]
        if key in changes:
            old, changed = changes[key]
            jobs = [(old, start, changed - timedelta(days=1)), (role, changed, end)]
        staff[key] = Staff(key, first, last, employer, supervisor, profession, jobs, rng.randint(2, 18))
    for key, reason, (back, first_day), (ahead, last_day) in d.ABSENCES:
        staff[key].absence = (
            add_months(this_month, -back).replace(day=first_day),
            add_months(this_month, ahead).replace(day=last_day),
            reason,
        )
    return staff


# ---- training ------------------------------------------------------------------------------------------


def _courses_for_role(role: str, profession: str | None, arrs: set[str]) -> list[str]:
    """The built-in courses of an ARRS role; for supervisors and managers, those of a comparable role."""
    if role in arrs:
        return default_role_items(role)
    return default_role_items("AP" if profession in d.CLINICAL_PROFESSIONS else "CC")


def _latest_completion(
    s: Staff, rule: tuple[Any, ...], renewal: int, since: date, today: date, rng: random.Random
) -> date:
    if rule[0] == "expires_in":
        return add_months(today + timedelta(days=int(rule[1])), -renewal)
    if rule[0] == "months_ago":
        return add_months(today, -int(rule[1]))
    if renewal == 0:  # done once, some weeks into the job that needs it
        return min(since + timedelta(days=rng.randint(10, 80)), today - timedelta(days=3))
    longest = (add_months(today, renewal) - today).days - 80  # never close to expiring by chance
    return today - timedelta(days=rng.randint(15, max(20, longest)))


def training_rows(
    staff: dict[str, Staff], ids: dict[str, int], courses: dict[str, tuple[int, int]], arrs: set[str],
    today: date, rng: random.Random,
) -> list[dict[str, Any]]:
    """Completions of every course each person needs: mostly in date, with the exceptions of demo_data.

    `courses` maps a course code to (its id, its default renewal months); `arrs` holds the ARRS role codes.
    """
    employer_renewals = {(emp, course): months for emp, course, months in d.EMPLOYER_REQUIREMENTS}
    rows: dict[tuple[int, str, date], dict[str, Any]] = {}

    def add(key: str, code: str, on: date, state: str = "approved", printed: date | None = None) -> None:
        provider = REGULATOR_NAMES.get(code) or d.PROVIDERS.get(code, d.DEFAULT_PROVIDER)
        rows[(ids[key], code, on)] = dict(
            person=ids[key], course=courses[code][0], completed_on=on, evidence_state=state, provider=provider,
            reference=_reference(code, ids[key]), expires_on=printed,
        )

    for s in staff.values():
        needed: dict[str, date] = {}  # course -> start of the job that first needed it
        for role, start, _ in s.jobs:
            for code in _courses_for_role(role, s.profession, arrs):
                needed.setdefault(code, start)
        for emp, code in employer_renewals:
            if emp == s.employer:
                needed.setdefault(code, s.start)
        for code, since in needed.items():
            renewal = employer_renewals.get((s.employer, code), courses[code][1])
            rule: tuple[Any, ...] = d.TRAINING_EXCEPTIONS.get(s.key, {}).get(code, ("usual",))
            done_as = str(rule[1]) if rule[0] == "as" else code
            if rule[0] == "never":
                continue
            if rule[0] == "printed_expiry_in":  # the register's renewal date comes before the 12-month check
                verified = add_months(today, -3)
                add(s.key, code, verified, printed=today + timedelta(days=int(rule[1])))
                continue
            if "+" in done_as:  # recorded as two subjects (adults and children), as ESR and e-learning do
                first, second = done_as.split("+")
                latest = _latest_completion(s, ("usual",), renewal, since, today, rng)
                add(s.key, first, latest)
                add(s.key, second, latest + timedelta(days=rng.randint(1, 9)))
                continue
            if s.key in d.NEW_STARTER_DAYS_AGO:
                if code in d.NEW_STARTER_COURSES_DONE:
                    add(s.key, done_as, s.start + timedelta(days=rng.randint(1, 20)))
                continue
            latest = _latest_completion(s, rule, renewal, since, today, rng)
            add(s.key, done_as, latest)
            renewed_late_by = timedelta(days=rng.randint(0, 20))
            if renewal > 0:  # the completion before, so the past months' reports hold it too
                add(s.key, done_as, add_months(latest, -renewal) - renewed_late_by)
    for key, code, days_ago in d.PENDING_EVIDENCE:
        add(key, code, today - timedelta(days=days_ago), "pending")
    return list(rows.values())


def _reference(code: str, person_id: int) -> str:
    """An invented registration or certificate number in the register's own shape."""
    n = 1000 + person_id * 7919 % 9000
    shapes = {
        "REG-GMC": f"7{n:04d}21", "REG-NMC": f"{n % 100:02d}A{n:04d}E", "REG-GPHC": f"20{n:05d}",
        "REG-HCPC": f"PH{n:06d}", "REG-SWE": f"SW{n:05d}", "DBS-ENH": f"00{n:06d}{n % 9999:04d}",
        "DBS-STD": f"00{n:06d}{n % 9999:04d}",
    }
    return shapes.get(code, "")


# ---- supervision ---------------------------------------------------------------------------------------


@dataclass
class Session:
    supervisor: str
    day: date
    minutes: int
    kind: str
    group: bool
    attendees: list[str]


def _session_day(s: Staff, first: date, day: int) -> date | None:
    """The date of this month's session for the person, or None when they were not there to have one."""
    on = first.replace(day=day)
    if month_start(s.start) == first and on < s.start + timedelta(days=2):
        on = s.start + timedelta(days=2)
    if s.end is not None and month_start(s.end) == first and on > s.end:
        on = s.end
    return on if month_start(on) == first and s.present_on(on) else None


def _groups(
    staff: dict[str, Staff], offset: int, first: date, rng: random.Random
) -> list[tuple[Session, bool]]:
    """This month's group sessions, each with whether it replaces its members' one-to-ones."""
    sessions = []
    for sup, kind, every, remainder, day, replaces, roles in d.GROUPS:
        if offset % every != remainder:
            continue
        on = first.replace(day=day)
        members = [
            s.key for s in staff.values()
            if s.supervisor == sup and s.present_on(on) and (roles is None or s.jobs[-1][0] in roles)
        ]
        forced = [k for k in d.GROUP_MUST_INCLUDE.get((sup, offset), []) if k in members]
        size = min(len(members), rng.randint(3, 5))
        if size >= 3:
            attendees = forced + rng.sample([k for k in members if k not in forced], size - len(forced))
            sessions.append((Session(sup, on, 90, kind, True, attendees), replaces))
    return sessions


def plan_sessions(staff: dict[str, Staff], today: date, rng: random.Random) -> list[Session]:
    """Month by month for two years: groups, one-to-ones (except the gaps of demo_data) and extra kinds."""
    employer_minutes = {emp: minutes for emp, minutes, _, _ in d.EMPLOYER_SUPERVISION}
    sessions: list[Session] = []
    for offset in range(HISTORY_MONTHS, -1, -1):
        first = add_months(month_start(today), -offset)
        groups = _groups(staff, offset, first, rng)
        replaced = {k for g, replaces in groups if replaces for k in g.attendees}
        sessions += [g for g, _ in groups if g.day <= today]
        for s in staff.values():
            if offset in d.SKIPPED_MONTHS.get(s.key, []) or s.key in replaced:
                continue
            on = _session_day(s, first, s.day)
            if on is not None and on <= today:
                minutes = employer_minutes.get(s.employer) or rng.choice([60, 60, 60, 60, 75, 90])
                kind = d.SESSION_KIND.get(s.key, "clinical")
                sessions.append(Session(s.supervisor, on, minutes, kind, False, [s.key]))
        for sup, key, kind, minutes, every in d.EXTRA_SUPERVISION:
            on = _session_day(staff[key], first, min(staff[key].day + 7, 28))
            if offset % every == 0 and on is not None and on <= today:
                sessions.append(Session(sup, on, minutes, kind, False, [key]))
    return sessions


def stamps(sessions: list[Session]) -> list[datetime]:
    """A unique recorded_at for each session: the ids insert_many gave can be found by it on any database."""
    return [datetime.combine(s.day, time(17, 0)) + timedelta(seconds=i) for i, s in enumerate(sessions)]


def session_rows(sessions: list[Session], ids: dict[str, int], rng: random.Random) -> list[dict[str, Any]]:
    modes = ["in_person"] * 3 + ["video"] * 2 + ["phone"]
    return [
        dict(
            supervisor=ids[s.supervisor], date=s.day, minutes=s.minutes, kind=s.kind, recorded_at=stamp,
            format="group" if s.group else "one_to_one", mode=rng.choice(modes),
            topics="; ".join(rng.sample(d.SESSION_TOPICS, 2)), actions=rng.choice(d.SESSION_ACTIONS),
            next_date=None if s.group else add_months(s.day, 1),
            note=d.PRIVATE_NOTE if rng.random() < 0.1 else "",  # demo._supervision seals it where it belongs
        )
        for s, stamp in zip(sessions, stamps(sessions), strict=True)
    ]


def attendee_rows(
    sessions: list[Session], session_ids: list[int], ids: dict[str, int], today: date, rng: random.Random
) -> list[dict[str, Any]]:
    """Who attended: mostly confirmed, recent sessions often still pending, one record queried."""
    rows: list[dict[str, Any]] = []
    for s, sid in zip(sessions, session_ids, strict=True):
        for key in s.attendees:
            confirmed = rng.random() < (0.4 if (today - s.day).days <= 14 else 0.95)
            when = datetime.combine(min(s.day + timedelta(days=rng.randint(0, 4)), today), time(9, 30))
            state = "confirmed" if confirmed else "pending"
            when_confirmed = when if confirmed else None
            rows.append(dict(session=sid, person=ids[key], confirmation=state, confirmed_at=when_confirmed))
    forced = set()
    day_of = {sid: s.day for s, sid in zip(sessions, session_ids, strict=True)}
    for key in d.CONFIRMATION_PENDING:  # the latest session each attended: still waiting for them
        theirs = [i for i, row in enumerate(rows) if row["person"] == ids.get(key)]
        if theirs:
            latest = max(theirs, key=lambda i: day_of[rows[i]["session"]])
            rows[latest].update(confirmation="pending", confirmed_at=None)
            forced.add(latest)
    if rows:
        queried = next(i for i in range(len(rows) // 2, len(rows) + len(rows) // 2) if i % len(rows) not in forced)
        rows[queried % len(rows)].update(confirmation="queried", confirmed_at=None, query_text=d.QUERY)
    return rows
