"""The reports' accessible twin: the same report as a page of headings and real tables, reachable from the
Reports page, gathered with the same rights as the PDF (a lead sees their own employer's only)."""

from __future__ import annotations

from typing import Any

import pytest
from nicegui.testing import User as Visitor

from tests.data_tables import shows, spec, specs
from tests.ui_fixtures import build_team, sign_in, ui_database  # noqa: F401

pytestmark = pytest.mark.usefixtures("ui_database")


async def test_a_lead_reads_their_employers_report_as_a_web_page(user: Visitor) -> None:
    build_team()
    await sign_in(user, "lead.north@example.nhs.uk", then="/reports/view/employer?name=Northside Community Trust")
    await user.should_see("Employer compliance report: Northside Community Trust")
    for words in ("Headline figures", "Chart: compliance by course", "Training matrix", "Supervision month by month",
                  "Exceptions: who is red, and why"):
        await user.should_see(words)
    assert shows(user, "Asha Patel")
    assert not shows(user, "Cara Lewis")
    await user.should_not_see("Cara Lewis")
    assert "Training matrix: each person's status for every course they need" in _captions(user)
    matrix = spec(user, "report-matrix")
    assert [_text(c) for c in matrix["head"]][:3] == ["Name", "Staff id", "Overall"]  # drawn as th scope=col
    assert all(row["cells"][0]["header"] for row in matrix["rows"])  # each row's name its header (th scope=row)
    (region,) = [e for e in user.find(marker="report-matrix").elements]
    assert region.props["role"] == "region" and region.props["tabindex"] == "0"  # a wide table scrolls by keyboard


async def test_a_lead_may_not_read_another_employers_report(user: Visitor) -> None:
    build_team()
    await sign_in(user, "lead.north@example.nhs.uk", then="/reports/view/employer?name=Southgate Practice")
    await user.should_see("You may not open this page")
    await user.should_not_see("Cara Lewis")


async def test_staff_read_their_own_statement_and_no_one_elses(user: Visitor) -> None:
    team = build_team()
    await sign_in(user, "asha@example.nhs.uk", then=f"/reports/view/person?name={team.asha.staff_id}")
    await user.should_see("Compliance statement")
    assert "Sessions attended" in _captions(user)
    await user.open(f"/reports/view/person?name={team.ben.staff_id}")
    await user.should_see("You may not open this page")


async def test_the_reports_page_offers_the_web_page(user: Visitor) -> None:
    build_team()
    await sign_in(user, "lead.north@example.nhs.uk", then="/reports")
    user.find(marker="view-employer").click()
    await user.should_see("Chart: fully compliant month by month", retries=40)


async def test_a_bad_date_or_kind_is_refused_in_words(user: Visitor) -> None:
    build_team()
    await sign_in(user, "lead.north@example.nhs.uk",
                  then="/reports/view/employer?name=Northside Community Trust&as_of=01/01/2099")
    await user.should_see("cannot be in the future")
    await user.open("/reports/view/payroll?name=x")
    await user.should_see("There is no payroll report")


def _next_button_of(user: Visitor, pages_of: str):  # type: ignore[no-untyped-def]
    """The Next button of the pager whose navigation is named `Pages of <pages_of>`."""
    for button in user.find(marker="pager-next").elements:
        element = button
        while element is not None:
            if element.props.get("aria-label") == f"Pages of {pages_of}":
                return button
            element = element.parent_slot.parent if element.parent_slot else None
    raise AssertionError(f"no pager for {pages_of}")


async def test_a_large_employers_web_report_shows_its_people_a_page_at_a_time(user: Visitor) -> None:
    from nicegui.testing.user_interaction import UserInteraction

    from tests.joint_team import build_joint_team

    team = build_joint_team(size=120)  # 30 people at the trust
    trust = team.employers[0].name
    await sign_in(user, "lead.trust@example.nhs.uk", then=f"/reports/view/employer?name={trust}")
    await user.should_see("Showing 1–25 of 30 people in the training matrix", retries=40)
    await user.should_see("Showing 1–25 of 30 people's supervision")
    names = {f"{p.first_name} {p.last_name}" for p in team.people[::4]}  # every fourth joins the trust
    assert len(names) == 30
    first_page = names & _row_names(user)  # the same 25 in both tables
    assert len(first_page) == 25
    UserInteraction(user, {_next_button_of(user, "people in the training matrix")}, None).click()
    await user.should_see("Showing 26–30 of 30 people in the training matrix")
    await user.should_see("Showing 1–25 of 30 people's supervision")  # each table turns its own pages
    assert names - first_page <= _row_names(user), "the matrix's next page shows the five not shown before"


def _row_names(user: Visitor) -> set[str]:
    """The names heading the rows of the page's training matrix and supervision table."""
    tables = [spec(user, "report-matrix"), spec(user, "report-supervision")]
    return {_text(row["cells"][0]) for table in tables for row in table["rows"]}


def _captions(user: Visitor) -> list[str]:
    return [str(table["caption"]) for table in specs(user)]


def _text(cell: dict[str, Any]) -> str:
    return "".join(str(part.get("text", "")) for part in cell["parts"])
