"""The team directory and the people pickers searched in SQL (issue 15): the same people, order and counts as
the filters the directory used to run in Python over the whole team, on both databases; the pickers offer only
matches within the viewer's scope, a few at a time."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from tests import factories as f
from tests.joint_team import START, build_joint_team
from tracker.access import Viewer
from tracker.models import Employment, Person, User
from tracker.views import directory
from tracker.views.access_facts import viewer_for_user
from tracker.views.people_picker import find_people, find_supervisors, people_chosen
from tracker.views.team_views import paginate

TODAY = date(2026, 11, 20)


def viewer(email: str) -> Viewer:
    found = viewer_for_user(User.get(User.email == email).id)
    assert found is not None
    return found


def as_python_did(who: Viewer, as_of: date, employer_id: int | None = None, role_code: str | None = None,
                  search: str = "", page: int = 1, size: int = 25) -> directory.Directory:
    """The directory as it was worked out before: the whole team read, then filtered and paged in Python."""
    everyone = directory.team(who, as_of)
    employers = sorted({(j.employer_id, j.employer) for c in everyone for j in c.jobs}, key=lambda e: e[1].lower())
    roles = sorted({(j.role_code, j.role_name) for c in everyone for j in c.jobs}, key=lambda r: r[1].lower())
    words = search.strip().lower()
    shown = [c for c in everyone if (employer_id is None or c.works_for(employer_id))
             and (role_code is None or c.holds(role_code)) and (not words or words in c.name.lower())]
    one_page = paginate(shown, page, size)
    one_page = replace(one_page, items=tuple(directory._whom_to_ask(one_page.items, as_of)))
    return directory.Directory(one_page, len(everyone), tuple(employers), tuple(roles))


def awkward_team():  # type: ignore[no-untyped-def]
    """The joint team, with names that tell a Python filter from a careless SQL one: letters SQLite's lower()
    does not fold, a "%" and an "_" (wildcards to LIKE), a leaver and an archived person."""
    team = build_joint_team()
    trust = team.employers[0]
    for first, last in (("Żaneta", "Nowak"), ("żaneta", "Adams"), ("Émile", "Zola"), ("émile", "Brun"),
                        ("Ann_e", "Per%cent"), ("Anne", "Percent"), ("ÅSA", "Öberg")):
        someone = f.person(first, last, employer=trust, start=START)
        Employment.update(pcn=team.pcn).where(Employment.person == someone.id).execute()
    leaver = f.person("Annie", "Leaver", employer=trust, start=START, end=date(2025, 3, 31))
    Employment.update(pcn=team.pcn).where(Employment.person == leaver.id).execute()
    archived = f.person("Anna", "Archived", employer=trust, start=START)
    Person.update(archived=True).where(Person.id == archived.id).execute()
    return team


@pytest.mark.parametrize("email", ["admin@example.nhs.uk", "lead.trust@example.nhs.uk", "member01@example.nhs.uk",
                                   "member00@example.nhs.uk", "outsider@example.nhs.uk"])
def test_the_directory_searched_in_sql_is_the_one_filtered_in_python(database: str, email: str) -> None:
    team = awkward_team()
    who = viewer(email)
    filters: list[dict[str, object]] = [
        {}, {"search": "ż"}, {"search": "Ż"}, {"search": "émile"}, {"search": "åsa"}, {"search": "%"},
        {"search": "_"}, {"search": "ann"}, {"search": "  member0  "}, {"search": "e z"}, {"search": "nobody"},
        {"employer_id": team.employers[0].id}, {"employer_id": team.employers[1].id, "search": "person"},
        {"role_code": "SPLW"}, {"role_code": "CP", "employer_id": team.employers[2].id},
        {"size": 10}, {"size": 10, "page": 2}, {"size": 10, "page": 99}, {"page": 0}, {"size": 7},
    ]
    for chosen in filters:
        sql = directory.directory(who, TODAY, **chosen)  # type: ignore[arg-type]
        python = as_python_did(who, TODAY, **chosen)  # type: ignore[arg-type]
        assert sql.shown == python.shown, (email, chosen)
        assert sql.everyone == python.everyone and set(sql.employers) == set(python.employers)
        assert set(sql.roles) == set(python.roles)
    everyone = directory.directory(who, TODAY, size=100)
    assert everyone.everyone == len(directory.team_ids(who, TODAY))  # team_query is team_ids, in SQL


def test_the_directory_orders_names_as_python_does(database: str) -> None:
    awkward_team()
    found = directory.directory(viewer("admin@example.nhs.uk"), TODAY, size=100)
    names = [c.name for c in found.people]
    assert names == sorted(names, key=str.lower)
    assert {"Żaneta Nowak", "żaneta Adams", "Ann_e Per%cent"} <= set(names)
    assert "Annie Leaver" not in names and "Anna Archived" not in names
    assert [c.name for c in directory.directory(viewer("admin@example.nhs.uk"), TODAY, search="%").people] == [
        "Ann_e Per%cent"]


def test_the_admin_picker_finds_by_name_or_staff_id_a_few_at_a_time_and_never_the_archived(database: str) -> None:
    awkward_team()
    zoe = f.person("Zoë", "Quinn", staff_id="QX-77")
    assert find_people("") == {} and find_people(" q ") == {}  # fewer than 2 letters find nobody
    assert find_people("qx-7") == {"QX-77": "Zoë Quinn (QX-77)"}
    assert find_people("ZOË Q") == {zoe.staff_id: "Zoë Quinn (QX-77)"}
    assert find_people("archived") == {}
    assert list(find_people("ann")) == [p.staff_id for p in Person.select().where(
        Person.first_name.in_(["Annie", "Anne", "Ann_e"])).order_by(Person.last_name, Person.first_name)]
    assert len(find_people("member", limit=5)) == 5
    assert list(find_people("member", limit=5)) == [f"{p.staff_id}" for p in Person.select().where(
        Person.last_name.startswith("Member")).order_by(Person.last_name).limit(5)]


def test_the_supervisor_picker_finds_person_ids_never_the_supervisee_nor_the_archived(database: str) -> None:
    awkward_team()
    zoe = f.person("Zoë", "Quinn", staff_id="QX-77")
    zed = f.person("Zed", "Quinn", staff_id="QX-78")
    assert find_supervisors("q", zed.id) == {}  # fewer than 2 letters find nobody
    assert find_supervisors("QUINN", zed.id) == {zoe.id: "Zoë Quinn (QX-77)"}  # not the supervisee themself
    assert find_supervisors("qx-7", zoe.id) == {zed.id: "Zed Quinn (QX-78)"}
    assert find_supervisors("archived", zoe.id) == {}
    assert list(find_supervisors("member", zoe.id, limit=5)) == [p.id for p in Person.select().where(
        Person.last_name.startswith("Member")).order_by(Person.last_name).limit(5)]
    assert people_chosen([zoe.id, zed.id, -1]) == {zoe.id: "Zoë Quinn (QX-77)", zed.id: "Zed Quinn (QX-78)"}
    assert people_chosen([]) == {}


def test_the_team_picker_offers_only_the_team_and_counts_the_rest(database: str) -> None:
    team = build_joint_team()
    lead = viewer("lead.trust@example.nhs.uk")
    found = directory.find_in_team(lead, TODAY, "person", 5)
    assert [p.name for p in found.people] == [f"Person{k:02d} Member{k:02d}" for k in range(5)]
    assert found.matching == 16
    assert directory.find_in_team(lead, TODAY, "olive", 5) == directory.Found((), 0)  # in another PCN
    assert directory.find_in_team(viewer("admin@example.nhs.uk"), TODAY, "olive", 5).matching == 1
    left = directory.find_in_team(lead, TODAY, "", 50, leave_out=[p.id for p in team.people[:10]])
    assert [p.person_id for p in left.people] == [p.id for p in team.people[10:]] and left.matching == 6


@pytest.mark.parametrize("email", ["admin@example.nhs.uk", "lead.trust@example.nhs.uk", "member01@example.nhs.uk",
                                   "outsider@example.nhs.uk"])
def test_a_role_s_holders_and_counts_are_those_of_the_whole_team_read_in_python(database: str, email: str) -> None:
    """The role pages' queries (an administrator's without the list of the whole team): the same people, the
    leaver and the archived person left out."""
    awkward_team()
    who = viewer(email)
    everyone = directory.team(who, TODAY)
    codes = {j.role_code for c in everyone for j in c.jobs}
    expected = {code: sum(1 for c in everyone if c.holds(code)) for code in codes}
    assert directory.role_counts(who, TODAY) == expected
    for code in codes | {"SPLW"}:
        held = directory.role_holders(who, TODAY, code, 1, 100)
        assert [c.name for c in held.items] == [c.name for c in paginate(
            [c for c in everyone if c.holds(code)], 1, 100).items], (email, code)
        assert held.total == expected.get(code, 0)
    if email == "admin@example.nhs.uk":
        assert sum(expected.values()) >= len(everyone) > 20  # the joint team and the awkward names
