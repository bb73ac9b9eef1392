"""Long pages shown a page at a time (issue 15: every page's server time at 10,000 staff), on SQLite and
PostgreSQL: what each page shows, its counts and its order."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from nicegui import ElementFilter, ui
from nicegui.testing import User as Visitor

from tests.data_tables import rows_by, spec
from tests.ui_fixtures import Team, build_team, sign_in, ui_any_database  # noqa: F401
from tracker import clock

pytestmark = pytest.mark.usefixtures("ui_any_database")


def today() -> date:
    return clock.today()


def many_pending(team: Team, count: int) -> list[int]:
    """`count` certificates waiting from Asha (one course, a day apart, oldest record first), as record ids."""
    from tracker.services.training import add_training

    return [
        add_training("asha@example.nhs.uk", team.asha.id, "FIRE", today() - timedelta(days=30 - n),
                     evidence_state="pending").record.id
        for n in range(count)
    ]


def records_shown(user: Visitor) -> list[int]:
    with user:
        return sorted(int(marker.removeprefix("decide-")) for element in ElementFilter(kind=ui.button)
                      for marker in element._markers if marker.startswith("decide-"))


async def test_the_evidence_queue_pages_through_many_certificates_oldest_first(user: Visitor) -> None:
    team = build_team()
    records = many_pending(team, 12)
    await sign_in(user, "lead.north@example.nhs.uk", then="/evidence")
    await user.should_see("Waiting: 12 certificates")
    await user.should_see("Showing 1–10 of 12 certificates")
    await user.should_see("Page 1 of 2")
    assert records_shown(user) == records[:10]
    user.find(marker="pager-next").click()
    await user.should_see("Showing 11–12 of 12 certificates", retries=40)
    assert records_shown(user) == records[10:]
    user.find(marker=f"decide-{records[11]}").click()
    await user.should_see(marker=f"approve-{records[11]}", retries=40)
    user.find(marker=f"without-certificate-{records[11]}").type("Saw the paper certificate")
    user.find(marker=f"approve-{records[11]}").click()  # decided on page 2: the page stays, one fewer on it
    await user.should_see("Waiting: 11 certificates", retries=40)
    await user.should_see("Showing 11–11 of 11 certificates")
    assert records_shown(user) == records[10:11]
    user.find(marker="pager-previous").click()
    await user.should_see("Showing 1–10 of 11 certificates", retries=40)
    assert records_shown(user) == records[:10]


async def test_the_evidence_queue_has_no_pager_for_a_page_or_less(user: Visitor) -> None:
    team = build_team()
    records = many_pending(team, 10)
    await sign_in(user, "lead.north@example.nhs.uk", then="/evidence")
    await user.should_see("Waiting: 10 certificates")
    await user.should_not_see(marker="pager-status")
    assert records_shown(user) == records


def person_rows(user: Visitor) -> list[str]:
    """The data-person of each row of the caseload shown, in order."""
    return list(rows_by(spec(user, "supervisees-table"), "person"))


async def test_my_supervisees_pages_through_a_long_caseload_the_most_urgent_first(user: Visitor) -> None:
    from tests import factories as f
    from tests.ui_fixtures import login_user
    from tracker.models import SupervisorAssignment

    north = f.org("Northside Community Trust")
    grace = f.person("Grace", "Hopper", role="SC", employer=north)
    login_user("grace.many@example.nhs.uk", "staff;supervisor", person=grace)
    people = [f.person("Person", f"Number {n:02d}", employer=north) for n in range(28)]
    for p in people:
        SupervisorAssignment.create(supervisor=grace, supervisee=p, start_date=date(2024, 1, 1))
    for p in people[:3]:  # three were seen last month and this month: the least urgent, last
        f.session(grace, p, today().replace(day=1) - timedelta(days=3), minutes=60)
        f.session(grace, p, today().replace(day=1), minutes=60)
    await sign_in(user, "grace.many@example.nhs.uk", then="/supervisees")
    await user.should_see("28 supervisees; 25 still to see this month or missed last month.")
    await user.should_see("Showing 1–25 of 28 supervisees")
    first = person_rows(user)
    assert len(first) == 25 and not {str(p.id) for p in people[:3]} & set(first)
    user.find(marker="pager-next").click()
    await user.should_see("Showing 26–28 of 28 supervisees", retries=40)
    assert set(person_rows(user)) == {str(p.id) for p in people[:3]}
    await user.should_see("28 supervisees; 25 still to see")  # the count is of everyone, not the page
