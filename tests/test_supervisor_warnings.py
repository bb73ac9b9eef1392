"""The report's supervisor warnings: the same as the one-person warning for each supervisee, in a fixed number of
queries whatever the number of people."""

from __future__ import annotations

from datetime import date

from tests import factories as f
from tests.test_population import counting_queries
from tracker.models import Person, SupervisorAssignment
from tracker.services import assignments

ON = date(2026, 11, 20)


def supervised(n: int, start: int = 0) -> list[Person]:
    """n pharmacists' supervisees: some supervised by a physiotherapist (a mismatch), some by a pharmacist, some by
    someone whose profession is not recorded, one whose mismatched supervisor was replaced by a later one."""
    physio = f.person("Callum", f"Physio{start}", role="SC", staff_id=f"PH{start:03d}")
    pharmacist = f.person("Farah", f"Pharm{start}", role="SC", staff_id=f"PA{start:03d}")
    unknown = f.person("Uma", f"Unknown{start}", role="SC", staff_id=f"UN{start:03d}")
    Person.update(profession="physiotherapist").where(Person.id == physio.id).execute()
    Person.update(profession="pharmacist").where(Person.id == pharmacist.id).execute()
    people = []
    for i in range(start, start + n):
        p = f.person(f"Staff{i}", "Person", role="CP", staff_id=f"CP{i:03d}")
        supervisor = (physio, pharmacist, unknown)[i % 3]
        SupervisorAssignment.create(supervisor=supervisor, supervisee=p, kind="clinical", start_date=date(2025, 1, 1))
        if i % 5 == 4:  # a later supervisor of the right kind takes over
            SupervisorAssignment.create(supervisor=pharmacist, supervisee=p, kind="clinical",
                                        start_date=date(2026, 3, 1))
        if i % 7 == 6:  # a first point of contact does not count
            SupervisorAssignment.create(supervisor=physio, supervisee=p, kind="clinical", first_contact=True,
                                        start_date=date(2026, 5, 1))
        people.append(p)
    return people


def one_by_one(people: list[Person]) -> dict[int, str]:
    found = {}
    for key, a in assignments.open_assignments([p.id for p in people]).items():
        if key[1] == "clinical" and not key[2] and (a.supervisor.profession or "").strip():
            warning = assignments.supervisor_warning(key[0], a.supervisor, ON)
            if warning:
                found[key[0]] = warning
    return found


def test_the_warnings_of_many_people_are_each_ones_own_in_the_same_few_queries(database):
    few = supervised(6)
    with counting_queries() as for_few:
        small = assignments.supervisor_warnings(ON, [p.id for p in few])
    many = few + supervised(240, start=6)  # past the size where the ids are matched outside SQL
    with counting_queries() as for_many:
        large = assignments.supervisor_warnings(ON, [p.id for p in many])

    assert small == one_by_one(few) and large == one_by_one(many)
    assert 0 < len(small) < len(few) and len(large) > 60
    assert "a physiotherapist is not a kind of clinical supervisor" in large[few[0].id]
    assert len(for_few) == len(for_many) == 2
    assert assignments.supervisor_warnings(ON) == large  # everyone
