"""The administrators' backup page: back up now, restore after confirming, refusals for others."""

from __future__ import annotations

from pathlib import Path

import pytest
from nicegui.testing import User as Visitor

from tests import factories as f
from tests.ui_fixtures import build_team, sign_in, ui_database  # noqa: F401
from tracker.models import AuditEvent, Person

pytestmark = pytest.mark.usefixtures("ui_database")


def backups(tmp_path: Path) -> list[str]:
    folder = tmp_path / "data" / "backups"
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


async def test_an_admin_backs_up_and_restores_after_typing_restore(user: Visitor, tmp_path: Path) -> None:
    build_team()
    await sign_in(user, "admin@example.nhs.uk", then="/admin/backup")
    await user.should_see("No backups yet.")
    user.find(marker="back-up-now").click()
    await user.should_see("Backup made", retries=40)
    [name] = backups(tmp_path)
    await user.should_see(name)
    assert AuditEvent.select().where(AuditEvent.action == "backup").count() == 1

    f.person("Late", "Comer", staff_id="LATE")
    user.find(marker=f"restore-{name}").click()
    await user.should_see(f"Restore {name}?")
    user.find(marker="confirm-word").type("restore please")
    user.find(marker="confirm-restore").click()
    await user.should_see("Nothing was restored", retries=20)
    assert Person.select().where(Person.staff_id == "LATE").exists()

    user.find(marker="confirm-word").clear().type("RESTORE")
    user.find(marker="confirm-restore").click()
    await user.should_see(f"Restored from {name}", retries=60)
    assert not Person.select().where(Person.staff_id == "LATE").exists()


async def test_a_lead_may_not_open_the_backup_page(user: Visitor) -> None:
    build_team()
    await sign_in(user, "lead.north@example.nhs.uk", then="/admin/backup")
    await user.should_see("Not allowed")
    await user.should_not_see(marker="back-up-now")


async def test_a_backup_download_needs_an_administrator(user: Visitor) -> None:
    build_team()
    await sign_in(user, "lead.north@example.nhs.uk")
    answer = await user.http_client.get("/admin/backups/tracker-20260101-000000.db")
    assert answer.status_code == 403


@pytest.fixture
def dublin_zone(monkeypatch: pytest.MonkeyPatch) -> None:
    """The app under test starts with another time zone (set before `user` builds the app; after ui_database)."""
    monkeypatch.setenv("TRACKER_TIMEZONE", "Europe/Dublin")


async def test_the_backup_page_names_the_time_zone_of_the_settings(dublin_zone: None, user: Visitor) -> None:
    build_team()
    await sign_in(user, "admin@example.nhs.uk", then="/admin/backup")
    await user.should_see("Times are Europe/Dublin")
    await user.should_not_see("Times are Europe/London")
