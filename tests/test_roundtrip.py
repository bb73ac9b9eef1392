"""Export -> import into an empty database -> every person's compliance is the same, from CSV and from Excel."""

from __future__ import annotations

import dataclasses
import io
import random
import zipfile
from datetime import date, timedelta

import pytest

from tests import factories as f
from tests import factories_data as fd
from tracker import compliance as c
from tracker import db
from tracker.dates import add_months
from tracker.importers import import_bytes
from tracker.models import Employment, Pcn, Person, Role, TrainingRecord
from tracker.services.catalogue import load_catalogues
from tracker.views.export_bundle import bundle_zip
from tracker.views.population import snapshot

AS_OF = date(2026, 11, 22)
DATES = [AS_OF, date(2026, 4, 15), date(2025, 8, 1), date(2024, 12, 31)]
COURSES = ["SG-L1", "SG-L2", "SG-L3", "IG", "FIRE", "EDHR", "HSW", "PREVENT", "OMMT", "VCSE-INTRO", "BLS", "IPC"]


def build_population() -> None:
    """Named cases for each kind of history, and a seeded crowd around them (one transaction: quick)."""
    with db.database.atomic():
        _build_population()


def _build_population() -> None:
    t = fd.team()
    pcn = Pcn.create(name="Riverside PCN")
    Employment.update(pcn=pcn).where(Employment.employer == t.practice.id).execute()
    f.employer_requirement(t.charity, "SG-L2", 12)  # the charity renews safeguarding every year
    f.employer_requirement(t.charity, "FIRE", 0)
    f.employer_supervision_rule(t.charity, 90, kinds="clinical;educational", group_counts=False)
    f.trained(t.asha, "SG-L2", date(2025, 12, 1))
    f.trained(t.asha, "SG-L3", date(2024, 2, 1))
    f.trained(t.asha, "IG", date(2026, 1, 10), state="pending")  # does not count, so is not exported
    f.trained(t.carol, "SG-L3", date(2023, 4, 1))
    f.absent(t.ben, date(2026, 2, 1), date(2026, 7, 31), "maternity")
    # Ben changed job: care coordinator at the practice, then link worker at the charity.
    Employment.update(start_date=date(2025, 6, 1)).where(Employment.person == t.ben.id).execute()
    Employment.create(person=t.ben, role=Role.get(Role.code == "CC"), employer=t.practice, pcn=pcn,
                      start_date=date(2024, 9, 1), end_date=date(2025, 5, 31), band="4", fte=0.8)
    # Dee left, and rejoined the same job after a gap.
    dee = f.person("Dee", "Ó Súilleabháin", "HWBC", t.charity, start=date(2023, 1, 9), end=date(2024, 12, 31),
                   staff_id="E1003")
    Employment.create(person=dee, role=Role.get(Role.code == "HWBC"), employer=t.charity,
                      start_date=date(2025, 6, 2))
    # Ed left for good.
    ed = f.person("Ed", "Lewis", "CC", t.practice, start=date(2022, 5, 1), end=date(2026, 3, 31), staff_id="E2002")
    for month in range(12):
        day = add_months(date(2025, 6, 10), month)
        f.session(t.gp, t.asha, day, minutes=60, kind="clinical" if month % 3 else "educational")
        f.session(t.gp, [t.asha, t.carol], day + timedelta(days=7), minutes=45)  # group: not for the charity
        f.session(t.gp, t.carol, day + timedelta(days=1), minutes=30)
        if day <= date(2026, 3, 31):
            f.session(t.gp, ed, day + timedelta(days=2), minutes=60)
    f.session(t.gp, dee, date(2025, 7, 3), minutes=120, kind="practice")
    # Fay, a practice manager, needs no courses and has her hour every month: green.
    fay = f.person("Fay", "Green", "PM", t.practice, start=date(2024, 6, 1), staff_id="E2003")
    for month in range(30):
        f.session(t.gp, fay, add_months(date(2024, 6, 5), month))
    crowd(random.Random(6), t)


def crowd(rng: random.Random, t: fd.Team) -> None:
    roles = ["SPLW", "HWBC", "CC", "CP", "FCP", "PARA"]
    for n in range(24):
        start = date(2021, 1, 1) + timedelta(days=rng.randrange(0, 2000))
        end = start + timedelta(days=rng.randrange(200, 900)) if n % 5 == 0 else None
        employer = t.charity if n % 2 else t.practice
        p = f.person(f"Person{n}", "Crowd", rng.choice(roles), employer, start=start, end=end, staff_id=f"C{n:03d}")
        for code in rng.sample(COURSES, 5):
            done = start + timedelta(days=rng.randrange(0, 1500))
            if done <= AS_OF and not TrainingRecord.select().where(
                (TrainingRecord.person == p.id) & (TrainingRecord.completed_on == done)
            ).exists():
                f.trained(p, code, done)
        for month in range(rng.randrange(0, 24)):
            day = add_months(date(2024, 12, 5), month) + timedelta(days=rng.randrange(0, 20))
            if start <= day <= min(end or AS_OF, AS_OF):
                f.session(t.gp, p, day, minutes=rng.choice([30, 60, 90]), kind=rng.choice(["clinical", "practice"]))
        if rng.random() < 0.3:
            a = start + timedelta(days=rng.randrange(30, 400))
            f.absent(p, a, a + timedelta(days=rng.randrange(10, 200)))


def comparable(results: list[c.PersonCompliance]) -> dict[str, c.PersonCompliance]:
    """Everything but the database's own ids."""
    out = {}
    for r in results:
        job = dataclasses.replace(r.employment, employer_id=0) if r.employment else None
        out[r.staff_id] = dataclasses.replace(r, person_id=0, employment=job)
    return out


def import_bundle(archive: bytes) -> None:
    with zipfile.ZipFile(io.BytesIO(archive)) as z:
        for name in sorted(n for n in z.namelist() if n[:2].isdigit()):
            kind = name.split("-", 1)[1].rsplit(".", 1)[0].rstrip("0123456789-")
            import_bytes(kind, z.read(name), name, "roundtrip", replace=kind in ("requirements", "supervision-rules"),
                         today=AS_OF)


def empty_database() -> None:
    db.drop_everything()
    db.migrate_schema()
    load_catalogues()


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_export_then_import_into_an_empty_database_gives_everyone_the_same_compliance(database, fmt):
    build_population()
    before = {d: comparable(snapshot(d)) for d in DATES}
    archive = bundle_zip(AS_OF, fmt)
    people_before = Person.select().count()

    empty_database()
    assert Person.select().count() == 0
    import_bundle(archive)

    assert Person.select().count() == people_before
    for d in DATES:
        after = comparable(snapshot(d))
        assert sorted(after) == sorted(before[d])
        for staff_id, result in before[d].items():
            assert after[staff_id] == result, f"{staff_id} on {d}"
    # The comparison covered every kind of answer, not a population where everything is the same.
    everyone = [r for results in before.values() for r in results.values()]
    assert {r.rag for r in everyone} == {"red", "amber", "green"}
    assert {t.status for r in everyone for t in r.training} == {"compliant", "due_soon", "expired", "missing", "due"}
    assert {m.status for r in everyone for m in r.months} == {"met", "paused", "in_progress", "missed"}


def test_the_bundle_lists_its_files_in_import_order(sqlite_database):
    build_population()
    with zipfile.ZipFile(io.BytesIO(bundle_zip(AS_OF, "csv"))) as z:
        names = z.namelist()
        readme = z.read("README.txt").decode()
    assert names[:2] == ["01-people-1.csv", "02-people-2.csv"]  # Ben's and Dee's second jobs
    assert names[2:7] == [
        "03-requirements.csv", "04-supervision-rules.csv", "05-training.csv", "06-supervision.csv", "07-absences.csv",
    ]
    assert "python main.py import requirements 03-requirements.csv --replace" in readme


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_every_export_of_the_demo_imports_back_into_the_same_database_changing_nothing(database, fmt, tmp_path, notes_key):
    from tracker import clock
    from tracker.demo import load_demo
    from tracker.models import AuditEvent, SupervisorAssignment
    from tracker.views.export_kinds import EXPORT_KINDS, export_bytes

    today = clock.today()
    load_demo(today, notes_key=notes_key)
    assigned = SupervisorAssignment.select().count()
    events = AuditEvent.select().count()
    for kind in EXPORT_KINDS:
        path = tmp_path / f"{kind}.{fmt}"
        path.write_bytes(export_bytes(kind, path, today))
        result = import_bytes(kind, path.read_bytes(), path.name, "roundtrip", today=today,
                              replace=kind in ("requirements", "supervision-rules"))
        assert (result.created, result.updated, result.removed) == (0, 0, 0), (kind, result.summary())
        assert result.rows > 0, kind
    assert SupervisorAssignment.select().count() == assigned  # no second supervisor assignments
    assert AuditEvent.select().count() == events  # nothing changed, so nothing to audit


def test_names_a_spreadsheet_would_run_come_back_exactly_from_csv_and_xlsx(database, tmp_path):
    from tracker.views.export_kinds import export_bytes

    t = fd.team()
    Person.update(first_name="-Ann", last_name="'=Quoted").where(Person.id == t.asha.id).execute()
    Person.update(first_name="+44 20 7946 0000", last_name="@Ben").where(Person.id == t.ben.id).execute()
    for fmt in ("csv", "xlsx"):
        path = tmp_path / f"people.{fmt}"
        data = export_bytes("people", path, AS_OF)
        assert b"'-Ann" not in data or fmt == "csv"
        result = import_bytes("people", data, path.name, "roundtrip", today=AS_OF)
        assert (result.created, result.updated) == (0, 0), (fmt, result.summary())
    assert Person.get(Person.staff_id == "E1001").name == "-Ann '=Quoted"


def test_a_training_file_with_references_and_expiries_imports_back_losslessly(database):
    from tracker.views.export_kinds import export_bytes

    today = date(2026, 11, 22)
    f.person(staff_id="E1001")
    data = b"staff_id,course,completed_on,provider,reference,expires_on\nE1001,DBS-ENH,01/03/2025,DBS,001234567890,01/03/2028\n"
    assert import_bytes("training", data, "training.csv", "t", today=today).created == 1
    record = TrainingRecord.get()
    assert (record.reference, record.expires_on) == ("001234567890", date(2028, 3, 1))
    again = import_bytes("training", export_bytes("training", "training.csv", today), "training.csv", "t", today=today)
    assert (again.created, again.updated) == (0, 0)
    assert TrainingRecord.select().count() == 1
