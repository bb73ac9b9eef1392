"""The weekly digest: each lead hears what changed in their scope over the last seven days.

Both weeks' verdicts come from the engine (a snapshot today and one a week ago); the digest only compares them.
One digest per lead per ISO week, kept in the same ledger as the reminders, so it is never sent twice.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from jobs.directory import Directory, Lead, load_directory
from jobs.notices import DASHBOARD_PAGE, DIGEST, Notice, iso_week
from jobs.reminders import ScanResult, reachable, run_planned
from tracker import compliance as c
from tracker.models import Organisation, Pcn
from tracker.settings import Settings
from tracker.views import population

DIGEST_LOCK = "weekly-digest"
NAMES_SHOWN = 15


def _covers(lead: Lead, places: set[tuple[int, int | None]] | None) -> bool:
    if not places:
        return False
    return any(
        (lead.employer_id is not None and employer == lead.employer_id) or (lead.pcn_id is not None and pcn == lead.pcn_id)
        for employer, pcn in places
    )


def _names(label: str, people: list[str]) -> list[str]:
    if not people:
        return []
    shown = sorted(people)[:NAMES_SHOWN]
    more = len(people) - len(shown)
    return [f"{label} ({len(people)}): " + "; ".join(shown) + (f"; and {more} more" if more else "")]


def _tally(results: list[c.PersonCompliance]) -> str:
    rags = [r.rag for r in results]
    return f"{rags.count(c.GREEN)} green, {rags.count(c.AMBER)} amber, {rags.count(c.RED)} red"


def _scope_name(lead: Lead, employers: dict[int, str], pcns: dict[int, str]) -> str:
    if lead.pcn_id is not None:
        return pcns.get(lead.pcn_id, "your PCN")
    return employers.get(lead.employer_id or 0, "your team")


def changes(
    lead: Lead,
    now: dict[int, c.PersonCompliance],
    then: dict[int, c.PersonCompliance],
    places_now: dict[int, set[tuple[int, int | None]]],
    places_then: dict[int, set[tuple[int, int | None]]],
) -> tuple[list[c.PersonCompliance], list[str]]:
    """The lead's people now, and the lines that say what changed since a week ago."""
    mine_now = [r for pid, r in now.items() if _covers(lead, places_now.get(pid))]
    mine_then = {pid: r for pid, r in then.items() if _covers(lead, places_then.get(pid))}
    now_ids = {r.person_id for r in mine_now}
    newly_red, back_to_green, joined = [], [], []
    for r in mine_now:
        before = mine_then.get(r.person_id)
        if before is None:
            joined.append(r.name)
        if r.rag == c.RED and (before is None or before.rag != c.RED):
            newly_red.append(f"{r.name} ({r.reasons[0]})" if r.reasons else r.name)
        if r.rag == c.GREEN and before is not None and before.rag != c.GREEN:
            back_to_green.append(r.name)
    left = [r.name for pid, r in mine_then.items() if pid not in now_ids]
    lines = (
        _names("Newly red", newly_red)
        + _names("Back to green", back_to_green)
        + _names("Joined", joined)
        + _names("Left", left)
    )
    if mine_then:
        lines.append(f"A week ago: {len(mine_then)} people, {_tally(list(mine_then.values()))}.")
    return mine_now, lines or ["No changes this week."]


def plan_digest(as_of: date, settings: Settings) -> list[Notice]:
    people: Directory = load_directory(as_of)
    if not people.leads:
        return []
    week_ago = as_of - timedelta(days=7)
    rules = population.load_rules()
    now = {r.person_id: r for r in c.assess_all(population.load_records(as_of), rules, as_of)}
    then = {r.person_id: r for r in c.assess_all(population.load_records(week_ago), rules, week_ago)}
    places_then = load_directory(week_ago).placements
    employers: dict[int, str] = dict(Organisation.select(Organisation.id, Organisation.name).tuples())
    pcns: dict[int, str] = dict(Pcn.select(Pcn.id, Pcn.name).tuples())
    notices = []
    for lead in people.leads:
        mine, lines = changes(lead, now, then, people.placements, places_then)
        if not mine and lines == ["No changes this week."]:
            continue
        text = f"{_scope_name(lead, employers, pcns)} this week: {len(mine)} people, {_tally(mine)}."
        notices.append(
            Notice(
                people.lead_recipient(lead), None, "digest", "weekly", iso_week(as_of), DIGEST, text,
                DASHBOARD_PAGE, tuple(lines),
            )
        )
    return reachable(notices, settings)


def send_digest(as_of: date, settings: Settings, *, dry_run: bool = False) -> ScanResult:
    return run_planned(as_of, settings, plan_digest, DIGEST_LOCK, dry_run=dry_run)


def retry_digest(as_of: date, settings: Settings, *, now: datetime | None = None) -> ScanResult:
    """This week's failed digests whose wait is over (the retry job)."""
    return run_planned(as_of, settings, plan_digest, DIGEST_LOCK, now=now, retries_only=True)
