"""The command line, called in-process as `main([...])` and once as a real `python main.py` process."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from cli import build_parser, main, report_namespace, safe_url
from tests import factories as f
from tracker import db
from tracker.errors import ValidationError
from tracker.models import (
    AuditEvent,
    Course,
    Organisation,
    Person,
    Requirement,
    Role,
    SupervisionRule,
    SupervisionSession,
    TrainingRecord,
    User,
)

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "correct horse battery 9"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def people_file(tmp_path: Path, *rows: str) -> Path:
    path = tmp_path / "people.csv"
    path.write_text("staff_id,first_name,last_name,role,employer,employer_type,start_date\n" + "\n".join(rows) + "\n")
    return path


def test_init_creates_the_schema_then_says_it_is_up_to_date(capsys, tmp_path):
    url = f"sqlite:///{tmp_path / 'new' / 'tracker.db'}"
    code, out, _ = run(capsys, "init", "--database", url)
    assert code == 0
    assert f"created the schema (version {db.LATEST_VERSION})" in out and "loaded the built-in catalogues: 29 roles, 31 courses" in out
    code, out, _ = run(capsys, "init", "--database", url)
    assert (code, out.splitlines()) == (0, [f"the schema is up to date (version {db.LATEST_VERSION}) in {url}",
                                            "the built-in catalogues were already loaded"])


def test_a_good_import_prints_what_it_did(database, capsys, tmp_path):
    path = people_file(tmp_path, "E1,Asha,Patel,SPLW,Northside Community Trust,vcse,01/02/2024")
    code, out, err = run(capsys, "import", "people", str(path), "--database", database)
    assert (code, err) == (0, "")
    assert out.startswith("people from people.csv: 1 row; created 1, updated 0, skipped 0")
    assert Person.get(Person.staff_id == "E1").name == "Asha Patel"


def test_a_dry_run_import_writes_nothing(database, capsys, tmp_path):
    path = people_file(tmp_path, "E1,Asha,Patel,SPLW,Northside Community Trust,vcse,01/02/2024")
    code, out, _ = run(capsys, "import", "people", str(path), "--dry-run", "--database", database)
    assert code == 0 and out.startswith("dry run, nothing written: people from people.csv: 1 row; created 1")
    assert Person.select().count() == 0


def test_a_bad_import_exits_1_listing_every_bad_row_and_writes_nothing(database, capsys, tmp_path):
    path = people_file(tmp_path, "E1,Asha,Patel,SPLW,Trust,vcse,2024-01-01", "E2,Ben,Okafor,Astronaut,Trust,vcse,31/06/2024",
                       "E1,Asha,Patel,SPLW,Trust,vcse,2024-01-01")
    events = AuditEvent.select().count()
    code, out, err = run(capsys, "import", "people", str(path), "--database", database)
    assert (code, out) == (1, "")
    assert err.splitlines() == [
        "row 3: role: 'Astronaut' is not a role in the catalogue (use a role name or code)",
        "row 3: start_date: '31/06/2024' is not a valid date (use dd/mm/yyyy or yyyy-mm-dd)",
        "row 4: staff_id: E1 appears more than once in the file (first on row 2)",
        "nothing was written (3 problems)",
    ]
    assert Person.select().count() == 0 and AuditEvent.select().count() == events


def test_replace_on_a_people_file_is_refused(database, capsys, tmp_path):
    path = people_file(tmp_path, "E1,Asha,Patel,SPLW,Trust,vcse,2024-01-01")
    code, _, err = run(capsys, "import", "people", str(path), "--replace", "--database", database)
    assert code == 1 and "--replace is only for requirements and supervision-rules" in err


def the_example_of_interfaces() -> None:
    """Asha Patel of INTERFACES.md: SG-L2 done 01/12/2023, an hour of supervision on 14/10/2026.

    Her role needs only SG-L2 here; her supervisor, a GP partner, needs no supervision (green).
    """
    Requirement.delete().execute()
    Requirement.create(course=Course.get(Course.code == "SG-L2"), role=Role.get(Role.code == "SPLW"))
    SupervisionRule.create(role=Role.get(Role.code == "GPP"), min_minutes=0)
    trust = f.org("Northside Community Trust", "vcse")
    asha = f.person("Asha", "Patel", role="SPLW", employer=trust, start=date(2026, 10, 1), staff_id="E1001")
    gp = f.person("Gita", "Rao", role="GPP", employer="Hill Practice", staff_id="G1", start=date(2020, 1, 1))
    f.trained(asha, "SG-L2", date(2023, 12, 1))
    f.session(gp, asha, date(2026, 10, 14), minutes=60)


def test_status_json_is_the_shape_of_interfaces(database, capsys):
    the_example_of_interfaces()
    code, out, _ = run(capsys, "status", "--as-of", "22/11/2026", "--format", "json", "--database", database)
    assert code == 0
    document = json.loads(out)
    asha = next(p for p in document["people"] if p["staff_id"] == "E1001")
    assert document["as_of"] == "2026-11-22"
    assert asha == {
        "staff_id": "E1001", "name": "Asha Patel", "role": "Social Prescribing Link Worker",
        "employer": "Northside Community Trust", "rag": "amber",
        "training": [{"course": "SG-L2", "kind": "course", "name": "Safeguarding Adults and Children Level 2",
                      "status": "due_soon", "completed_on": "2023-12-01", "expires_on": "2026-12-01",
                      "met_by": ["SG-L2"]}],
        "supervision": {
            "last_session": "2026-10-14",
            "months": [
                {"month": "2026-10", "minutes": 60, "status": "met",
                 "period": {"from": "2026-10-01", "to": "2026-10-31", "months": 1, "minutes": 60, "required": 60}},
                {"month": "2026-11", "minutes": 0, "status": "in_progress",
                 "period": {"from": "2026-11-01", "to": "2026-11-30", "months": 1, "minutes": 0, "required": 60}},
            ],
        },
    }


def test_status_as_csv_and_as_a_table_for_one_employer(database, capsys):
    the_example_of_interfaces()
    code, out, _ = run(capsys, "status", "--as-of", "2026-11-22", "--format", "csv", "--employer",
                       "northside community trust", "--database", database)
    header, row = out.splitlines()
    assert code == 0 and header.startswith("staff_id,name,role,employer,rag,courses_required,courses_expired")
    assert row.startswith("E1001,Asha Patel,Social Prescribing Link Worker,Northside Community Trust,amber,1,0,0,1,0,"
                          "2026-10-14,met,60,0,")
    code, out, _ = run(capsys, "status", "--as-of", "2026-11-22", "--database", database)
    assert code == 0 and "AMBER" in out and "Safeguarding Adults and Children Level 2 expires on 01/12/2026" in out
    assert out.splitlines()[-1] == "Red 0, amber 1, green 1"


BAD_ARGUMENTS = [
    (["status", "--as-of", "31/02/2026"], "error: --as-of: '31/02/2026' is not a valid date"),
    (["status", "--employer", "Nowhere Trust"], "error: --employer: 'Nowhere Trust' is not a known employer"),
    (["report", "person", "E1", "--as-of", "2026-13-01", "--out", "x.pdf"], "error: --as-of: '2026-13-01'"),
    (["remind", "--as-of", "yesterday"], "error: --as-of: 'yesterday' is not a valid date"),
]


def test_bad_input_exits_1_with_a_message(database, capsys):
    for argv, message in BAD_ARGUMENTS:
        code, out, err = run(capsys, *argv, "--database", database)
        assert (code, out) == (1, "") and err.startswith(message), (argv, err)


@pytest.mark.parametrize(
    "argv",
    [["frobnicate"], ["import", "staff", "x.csv"], ["status", "--format", "xml"], ["user", "add", "a@example.org"],
     ["report", "team", "X", "--out", "x.pdf"]],
)
def test_usage_errors_exit_2(capsys, argv):
    code, _, err = run(capsys, *argv)
    assert code == 2 and "usage:" in err


def test_a_bad_setting_exits_2_naming_the_variable(capsys, monkeypatch, tmp_path):
    monkeypatch.setenv("TRACKER_SCHEDULER", "sometimes")
    code, _, err = run(capsys, "init", "--database", f"sqlite:///{tmp_path / 't.db'}")
    assert code == 2 and err.startswith("error: TRACKER_SCHEDULER must be on or off")
    monkeypatch.delenv("TRACKER_SCHEDULER")
    code, _, err = run(capsys, "init", "--database", "mysql://db/tracker")
    assert code == 2 and "--database must start with sqlite:/// or postgresql://" in err


def test_user_add_takes_roles_repeated_or_separated_and_the_password_from_the_environment(database, capsys, monkeypatch):
    f.person(staff_id="E1")
    f.org("Hill Practice", "gp_practice")
    monkeypatch.setenv("TRACKER_PASSWORD", PASSWORD)
    code, out, _ = run(capsys, "user", "add", "asha@example.org", "--role", "staff", "--role", "supervisor;lead",
                       "--person", "E1", "--employer", "Hill Practice", "--database", database)
    assert code == 0 and out == ("created the login asha@example.org (staff, supervisor, lead, sees Hill Practice); "
                                 "they choose their own password when they first sign in\n")
    user = User.get(User.email == "asha@example.org")
    assert (user.roles, user.person.staff_id, user.lead_employer.name) == ("staff;supervisor;lead", "E1", "Hill Practice")
    code, _, err = run(capsys, "user", "add", "lead@example.org", "--role", "lead", "--database", database)
    assert code == 1 and "a lead needs a scope" in err
    monkeypatch.setenv("TRACKER_PASSWORD", "short")
    code, _, err = run(capsys, "user", "add", "admin@example.org", "--role", "admin", "--database", database)
    assert code == 1 and "at least 12 characters" in err
    assert User.select().count() == 1


def test_demo_loads_once_and_prints_the_logins(capsys, tmp_path):
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    code, out, _ = run(capsys, "demo", "--database", url)
    lines = out.splitlines()
    assert code == 0 and lines[0].startswith("loaded the demo data: ") and "admin@demo.example" in out
    logins = [line.split() for line in lines[2:]]
    assert logins and all(len(parts) >= 3 and len(parts[1]) >= 12 for parts in logins)
    code, _, err = run(capsys, "demo", "--database", url)
    assert code == 1 and "already holds people" in err


def test_report_arguments_become_the_request_of_the_pdf_writer():
    args = build_parser().parse_args(["report", "employer", "Hill Practice", "--as-of", "22/11/2026", "--from",
                                      "2026-01-01", "--to", "31/10/2026", "--out", "board.pdf"])
    request = report_namespace(args)
    assert (request.kind, request.name, request.as_of, request.out) == ("employer", "Hill Practice",
                                                                         date(2026, 11, 22), Path("board.pdf"))
    assert (request.from_date, request.to_date) == (date(2026, 1, 1), date(2026, 10, 31))
    backwards = build_parser().parse_args(["report", "person", "E1", "--from", "2026-02-01", "--to", "2026-01-01",
                                           "--out", "a.pdf"])
    with pytest.raises(ValidationError, match="--to is before --from"):
        report_namespace(backwards)


def test_passwords_in_database_urls_are_not_printed():
    assert safe_url("postgresql://tracker:s3cret@db:5432/tracker") == "postgresql://tracker:***@db:5432/tracker"


def test_main_py_runs_the_command_line_as_a_real_process(database, tmp_path):
    f.person(staff_id="E1")
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "TRACKER_DATA_DIR": str(tmp_path / "data")}

    def python(*argv: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "main.py", *argv, "--database", database], cwd=ROOT, env=env,
                              capture_output=True, text=True, timeout=120, check=False)

    done = python("status", "--format", "json", "--as-of", "2026-11-22")
    assert done.returncode == 0, done.stderr
    assert [p["staff_id"] for p in json.loads(done.stdout)["people"]] == ["E1"]
    bad = tmp_path / "training.csv"
    bad.write_text("staff_id,course,completed_on\nE1,SG-L2,2026-02-30\n")
    done = python("import", "training", str(bad))
    assert done.returncode == 1
    assert done.stderr.splitlines()[0] == "row 2: completed_on: '2026-02-30' is not a valid date (use dd/mm/yyyy or yyyy-mm-dd)"


BAD_FILES = [
    ("people", "staff_id,first_name,last_name,role,employer,start_date\nE9,Zoe,Adams,SPLW,Trust,2024-04-31\n",
     "row 2: start_date: '2024-04-31' is not a valid date (use dd/mm/yyyy or yyyy-mm-dd)"),
    ("people", "staff_id,first_name,last_name,role,employer,start_date\nE9,Zoe,Adams,SPLW,Trust,29/02/2025\n",
     "row 2: start_date: '29/02/2025' is not a valid date (use dd/mm/yyyy or yyyy-mm-dd)"),
    ("people", "staff_id,first_name,last_name,role,employer,start_date\nE9,Zoe,Adams,Wizard,Trust,2024-01-01\n",
     "row 2: role: 'Wizard' is not a role in the catalogue (use a role name or code)"),
    ("people", "staff_id,first_name,last_name,role,employer,start_date\nE9,Zoe,Adams,SPLW,T,2024-01-01\n"
     "E9,Zoe,Adams,SPLW,T,2024-01-01\n", "row 3: staff_id: E9 appears more than once in the file (first on row 2)"),
    ("people", "staff_id,first_name,last_name,role,employer,start_date,shoe_size\n", "row 1: shoe_size: unknown column"),
    ("people", "", "row 1: file: the file is empty"),
    ("training", b"staff_id,course,completed_on,provider\nE1,SG-L2,2026-01-01,Caf\xe9 Learning\n",
     "row 2: file: the file is not UTF-8 text"),
    ("training", "staff_id,course,completed_on\nE1,Basket Weaving,2026-01-01\n",
     "row 2: course: 'Basket Weaving' is not a course in the catalogue (use a course code or name)"),
    ("supervision", "date,supervisor_staff_id,supervisee_staff_ids,minutes\n2026-10-01,G1,E1,500\n",
     "row 2: minutes: 500 is out of range (1 to 480)"),
    ("supervision", "date,supervisor_staff_id,supervisee_staff_ids,minutes\n2019-10-01,G1,E1,60\n",
     "row 2: supervisee_staff_ids: E1 was not employed on 01/10/2019"),
]


def test_every_kind_of_bad_file_exits_1_through_the_command_line_and_writes_nothing(database, capsys, tmp_path):
    f.person(staff_id="E1", start=date(2024, 1, 1))
    f.person(staff_id="G1", role="GPP", start=date(2018, 1, 1))
    tables = (Person, AuditEvent, TrainingRecord, SupervisionSession, Organisation)
    before = [t.select().count() for t in tables]
    for kind, content, message in BAD_FILES:
        path = tmp_path / f"{kind}.csv"
        path.write_bytes(content if isinstance(content, bytes) else content.encode())
        code, out, err = run(capsys, "import", kind, str(path), "--database", database)
        assert (code, out) == (1, ""), message
        assert err.splitlines()[0].startswith(message) and err.splitlines()[-1].startswith("nothing was written")
    assert [t.select().count() for t in tables] == before


def test_no_command_means_serve_with_the_default_address():
    parser = build_parser()
    bare = parser.parse_args([])
    assert (bare.command, bare.host, bare.port, bare.native, bare.demo) == (None, "127.0.0.1", 8080, False, False)
    explicit = parser.parse_args(["serve", "--host", "0.0.0.0", "--port", "9000", "--demo"])
    assert (explicit.command, explicit.host, explicit.port, explicit.demo) == ("serve", "0.0.0.0", 9000, True)


def test_the_database_comes_from_the_environment_unless_given(capsys, monkeypatch, tmp_path):
    from_env = f"sqlite:///{tmp_path / 'env.db'}"
    monkeypatch.setenv("TRACKER_DATABASE_URL", from_env)
    code, out, _ = run(capsys, "init")
    assert code == 0 and f"created the schema (version {db.LATEST_VERSION}) in {from_env}" in out
    given = f"sqlite:///{tmp_path / 'given.db'}"
    code, out, _ = run(capsys, "init", "--database", given)
    assert code == 0 and f"in {given}" in out
