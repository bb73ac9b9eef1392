"""The import page's parts redrawn as the admin goes: the kind's help and templates, the mapping after a column
is changed (an earlier check's preview gone), and the course mapper remembering an alias and checking again."""

from __future__ import annotations

import pytest
from nicegui import ui
from nicegui.testing import User as Visitor

from tests.test_ui_imports import HEADER, choose_training, staff_ids, upload
from tests.ui_fixtures import build_team, sign_in, ui_database  # noqa: F401
from tracker.models import CourseAlias
from tracker.services import column_mapping as cm

pytestmark = pytest.mark.usefixtures("ui_database")


async def test_the_kind_chosen_brings_its_help_templates_and_the_replace_choice(user: Visitor) -> None:
    build_team()
    await sign_in(user, "admin@example.nhs.uk", then="/admin/imports")
    await user.should_see("Download the CSV template")
    await user.should_not_see(marker="replace")  # people are never replaced wholesale
    user.find(marker="kind").elements.pop().set_value("requirements")
    await user.should_see(marker="replace")
    links = {link.props["href"] for link in user.find(ui.link).elements}
    assert {"/imports/templates/requirements.csv", "/imports/templates/requirements.xlsx"} <= links
    assert "/imports/templates/people.csv" not in links


async def test_changing_a_column_after_a_check_takes_the_preview_away(user: Visitor) -> None:
    asha, _ = staff_ids()
    await sign_in(user, "admin@example.nhs.uk", then="/admin/imports")
    await choose_training(user)
    await upload(user, "elfh.csv", (HEADER + f"{asha},SG-L2,01/02/2025,x\r\n").encode())
    user.find(marker="check").click()
    await user.should_see(marker="import", retries=40)
    user.find(marker="map-Completion Date").elements.pop().set_value(cm.IGNORE)
    await user.should_not_see(marker="import", retries=40)
    await user.should_not_see("4. Preview")
    user.find(marker="check").click()
    await user.should_see("Match every required column first.", retries=40)


async def test_an_unknown_course_name_is_remembered_and_the_file_checked_again(user: Visitor) -> None:
    asha, _ = staff_ids()
    await sign_in(user, "admin@example.nhs.uk", then="/admin/imports")
    await choose_training(user)
    await upload(user, "odd.csv", (HEADER + f"{asha},Fire Marshal Refresher Zeta,01/02/2025,x\r\n").encode())
    user.find(marker="check").click()
    await user.should_see("1 course name(s) not recognised", retries=40)
    user.find(marker="alias-course-0").elements.pop().set_value("FIRE")
    user.find(marker="alias-remember-0").click()
    await user.should_see("Remembered: Fire Marshal Refresher Zeta is FIRE.", retries=40)
    await user.should_see("Ready: training from odd.csv: 1 row", retries=40)
    assert CourseAlias.select().where(CourseAlias.alias == "Fire Marshal Refresher Zeta").count() == 1
