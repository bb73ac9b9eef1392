"""The import screens: upload, map columns (remembered per source), preview with errors, all or nothing."""

from __future__ import annotations

import pytest
from nicegui import ui
from nicegui.testing import User as Visitor

from tests.ui_fixtures import build_team, sign_in, ui_database  # noqa: F401
from tracker.models import AuditEvent, TrainingRecord
from tracker.services import column_mapping as cm

pytestmark = pytest.mark.usefixtures("ui_database")

HEADER = "Employee Number,Competence Name,Completion Date,Department\r\n"


def staff_ids() -> tuple[str, str]:
    team = build_team()
    return team.asha.staff_id, team.ben.staff_id


async def upload(user: Visitor, name: str, content: bytes) -> None:
    uploader = user.find(ui.upload).elements.pop()
    await uploader.handle_uploads([ui.upload.SmallFileUpload(name, "text/csv", content)])
    await user.should_see(f"Match the columns of {name}", retries=40)


async def choose_training(user: Visitor, source: str = "") -> None:
    user.find(marker="kind").elements.pop().set_value("training")
    if source:
        user.find(marker="source").type(source).trigger("blur")


async def test_a_file_with_a_bad_row_is_previewed_with_its_errors_and_cannot_be_imported(user: Visitor) -> None:
    asha, _ = staff_ids()
    await sign_in(user, "admin@example.nhs.uk", then="/admin/imports")
    await choose_training(user)
    content = (HEADER + f"{asha},SG-L2,01/02/2025,x\r\nNOBODY,SG-L2,31/02/2025,x\r\n").encode()
    await upload(user, "elfh.csv", content)
    user.find(marker="check").click()
    await user.should_see("2 problem(s)", retries=40)
    await user.should_see("row 3: staff_id")
    await user.should_not_see(marker="import")
    assert TrainingRecord.select().count() == 0


async def test_a_good_file_imports_and_its_mapping_is_remembered_for_the_source(user: Visitor) -> None:
    asha, ben = staff_ids()
    await sign_in(user, "admin@example.nhs.uk", then="/admin/imports")
    await choose_training(user, "e-LfH")
    await upload(user, "elfh.csv", (HEADER + f"{asha},SG-L2,01/02/2025,x\r\n{ben},IG,2025-03-04,y\r\n").encode())
    user.find(marker="check").click()
    await user.should_see("Ready: training from elfh.csv: 2 rows; created 2", retries=40)
    assert TrainingRecord.select().count() == 0  # the preview writes nothing
    user.find(marker="import").click()
    await user.should_see(marker="import-done", retries=40)
    assert TrainingRecord.select().count() == 2
    assert cm.load_mapping("e-LfH", "training") == {
        "Employee Number": "staff_id", "Competence Name": "course", "Completion Date": "completed_on",
        "Department": cm.IGNORE,
    }
    assert AuditEvent.select().where(AuditEvent.action == "import").count() == 1


async def test_a_remembered_mapping_is_offered_for_the_next_file_from_that_source(user: Visitor) -> None:
    asha, _ = staff_ids()
    cm.save_mapping("Blue Stream", "training", {"Who": "staff_id", "What": "course", "When": "completed_on"}, "a")
    await sign_in(user, "admin@example.nhs.uk", then="/admin/imports")
    await choose_training(user, "Blue Stream")
    await upload(user, "bs.csv", f"Who,What,When\r\n{asha},SG-L2,01/02/2025\r\n".encode())
    user.find(marker="check").click()
    await user.should_see("created 1", retries=40)


async def test_templates_download_for_admins_only(user: Visitor) -> None:
    build_team()
    await sign_in(user, "admin@example.nhs.uk")
    answer = await user.http_client.get("/imports/templates/people.csv")
    assert answer.status_code == 200
    assert answer.content.decode("utf-8-sig").splitlines()[0].startswith("staff_id,first_name,last_name,role")
    assert (await user.http_client.get("/imports/templates/payroll.csv")).status_code == 404


async def test_a_lead_may_not_import(user: Visitor) -> None:
    build_team()
    await sign_in(user, "lead.north@example.nhs.uk", then="/admin/imports")
    await user.should_see("Not allowed")
    assert (await user.http_client.get("/imports/templates/people.csv")).status_code == 403
