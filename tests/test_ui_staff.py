"""Staff: "My compliance", policies to acknowledge, certificates to upload, and what staff may not open."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from nicegui import app, ui
from nicegui.testing import User as Visitor

from tests import factories as f
from tests.data_tables import sees, spec, words
from tests.ui_fixtures import build_team, sign_in, sign_out, ui_database  # noqa: F401
from tracker import clock
from tracker.dates import add_months, month_start, uk
from tracker.models import (
    EmployerPolicy,
    PolicyAcknowledgement,
    PolicyAdaptation,
    PolicyTopic,
    SupervisorAssignment,
    TrainingRecord,
)
from ui import auth

pytestmark = pytest.mark.usefixtures("ui_database")
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def today() -> date:
    return clock.today()


async def upload(user: Visitor, name: str, content: bytes, content_type: str = "application/pdf") -> None:
    uploader = user.find(ui.upload).elements.pop()
    await uploader.handle_uploads([ui.upload.SmallFileUpload(name, content_type, content)])


async def test_my_compliance_says_why_and_what_to_do_next(user: Visitor) -> None:
    team = build_team()
    f.trained(team.asha, "SG-L2", add_months(today(), -36) + timedelta(days=20))
    SupervisorAssignment.create(
        supervisor=team.cara, supervisee=team.asha, kind="practice", first_contact=True, start_date=date(2024, 1, 1)
    )
    await sign_in(user, "asha@example.nhs.uk")
    await user.should_see("My compliance")
    assert user.find(marker="rag").elements.pop().props["data-status"] == "red"
    await user.should_see("Fire Safety has not been done")
    await sees(user, "Due soon", "training")
    expires = add_months(add_months(today(), -36) + timedelta(days=20), 36)
    await sees(user, f"Book a renewal before {uk(expires)}", "training")
    await user.should_see("Clinical supervisor: Grace Hopper")
    await user.should_see("First point of contact: Cara Lewis")
    (strip,) = user.find(marker="months").elements
    months = sorted(cell["data"]["month"] for row in strip.props["spec"]["rows"] for cell in row["cells"] if "data" in cell)
    assert len(months) == 12
    assert months[-1] == month_start(today()).isoformat()


async def test_staff_acknowledge_the_current_version_of_their_employers_policy(user: Visitor) -> None:
    team = build_team()
    topic = PolicyTopic.get(PolicyTopic.name == "Home visits")
    policy = EmployerPolicy.create(
        employer=team.north, topic=topic, statement="No home visits alone.", version="2",
        requires_acknowledgement=True,
    )
    PolicyAdaptation.create(topic=topic, employers=f"{team.north.id};{team.south.id}",
                            condition="Allowed when an NHS colleague goes too")
    await sign_in(user, "asha@example.nhs.uk")
    await sees(user, "To acknowledge", "policies")
    await sees(user, "Agreed adaptation for the joint team: Allowed when an NHS colleague goes too", "policies")
    await user.should_see("Policy 'Home visits' version 2 not yet acknowledged")
    user.find(marker=f"ack-{policy.id}").click()
    await sees(user, f"Acknowledged {uk(today())}", "policies", retries=40)
    await user.should_not_see("Policy 'Home visits' version 2 not yet acknowledged")
    row = PolicyAcknowledgement.get(PolicyAcknowledgement.policy == policy.id)
    assert (row.person_id, row.version) == (team.asha.id, "2")


async def test_an_uploaded_certificate_waits_for_approval_and_only_the_allowed_may_open_it(
    user: Visitor, tmp_path: Path
) -> None:
    build_team()
    await sign_in(user, "asha@example.nhs.uk")
    user.find(marker="course").elements.pop().value = "FIRE"
    await upload(user, "fire.pdf", PDF)
    await user.should_see("Chosen: fire.pdf")
    user.find(marker="send-certificate").click()
    await sees(user, "Waiting for approval", "records", retries=40)
    record = TrainingRecord.get()
    assert record.evidence_state == "pending"
    stored = tmp_path / "data" / "uploads" / record.certificate_path
    assert stored.read_bytes() == PDF
    await user.should_see("Fire Safety has not been done")  # pending evidence does not count

    own = await user.http_client.get(f"/files/certificates/{record.id}")
    assert own.status_code == 200 and own.content == PDF
    assert own.headers["content-type"] == "application/pdf"

    await sign_out(user)
    await sign_in(user, "cara@example.nhs.uk")
    other = await user.http_client.get(f"/files/certificates/{record.id}")
    assert other.status_code == 403
    await sign_out(user)
    await sign_in(user, "lead.north@example.nhs.uk")
    lead = await user.http_client.get(f"/files/certificates/{record.id}")
    assert lead.status_code == 200


async def test_a_file_that_is_not_a_pdf_or_an_image_is_refused_and_nothing_is_written(user: Visitor) -> None:
    build_team()
    await sign_in(user, "asha@example.nhs.uk")
    user.find(marker="course").elements.pop().value = "FIRE"
    await upload(user, "fire.pdf", b"MZ\x90\x00 a program pretending to be a pdf")
    user.find(marker="send-certificate").click()
    await user.should_see("must be a PDF, JPEG or PNG", retries=40)
    assert TrainingRecord.select().count() == 0


async def test_staff_open_their_own_page_but_not_anothers(user: Visitor) -> None:
    team = build_team()
    await sign_in(user, "asha@example.nhs.uk", then=f"/people/{team.cara.id}")
    await user.should_see("Not allowed")
    await user.should_not_see("Cara Lewis")
    await user.open(f"/people/{team.asha.id}")
    await user.should_see("Training")
    await user.should_see("Asha Patel")


async def test_staff_see_no_supervisor_pages_and_are_refused_them(user: Visitor) -> None:
    build_team()
    await sign_in(user, "asha@example.nhs.uk")
    await user.should_see("My supervision sessions")
    await user.should_not_see("My supervisees")
    await user.open("/supervisees")
    await user.should_see("Not allowed")
    await user.open("/supervision/log")
    await user.should_see("Not allowed")
    await user.should_not_see("Save the session")


async def test_a_past_date_is_shown_as_such_and_offers_no_changes(user: Visitor) -> None:
    team = build_team()
    topic = PolicyTopic.get(PolicyTopic.name == "Lone working")
    EmployerPolicy.create(employer=team.north, topic=topic, version="1", requires_acknowledgement=True)
    await sign_in(user, "asha@example.nhs.uk", then="/me?as_of=01/06/2025")
    await user.should_see("You are viewing records as at 01/06/2025, a past date.")
    await user.should_see("As at 01/06/2025")
    await user.should_not_see("I have read version 1")
    await user.should_not_see("Send for approval")
    await user.open("/me?as_of=today")
    await user.should_see("I have read version 1")


async def test_an_idle_session_ends_and_asks_to_sign_in_again(user: Visitor) -> None:
    build_team()
    await sign_in(user, "asha@example.nhs.uk")
    long_ago = (clock.utc_now() - timedelta(minutes=31)).isoformat()
    for storage in app.storage._users.values():
        if auth.USER_ID in storage:
            storage[auth.LAST_SEEN] = long_ago
    await user.open("/me")
    await user.should_see("Your session ended")
    await user.should_not_see("My compliance")


async def test_an_expired_session_cannot_write_from_a_page_left_open(user: Visitor) -> None:
    team = build_team()
    topic = PolicyTopic.get(PolicyTopic.name == "Lone working")
    policy = EmployerPolicy.create(employer=team.north, topic=topic, version="1", requires_acknowledgement=True)
    await sign_in(user, "asha@example.nhs.uk")
    await user.should_see("I have read version 1")
    signed_in_long_ago = (clock.utc_now() - timedelta(hours=13)).isoformat()
    for storage in app.storage._users.values():
        if auth.USER_ID in storage:
            storage[auth.SIGNED_IN_AT] = signed_in_long_ago
    user.find(marker=f"ack-{policy.id}").click()
    await user.should_see("Your session ended", retries=40)
    assert PolicyAcknowledgement.select().count() == 0


async def test_a_past_date_shows_only_the_records_that_existed_then(user: Visitor) -> None:
    team = build_team()
    f.trained(team.asha, "FIRE", date(2025, 3, 1))
    f.trained(team.asha, "IPC", date(2025, 9, 1))
    await sign_in(user, "asha@example.nhs.uk", then="/me?as_of=01/06/2025")
    await sees(user, "01/03/2025", "records")
    assert "01/09/2025" not in words(spec(user, "records"))
    await user.open("/me?as_of=today")
    await sees(user, "01/09/2025", "records")


async def test_staff_see_why_a_certificate_was_rejected(user: Visitor, tmp_path: Path) -> None:
    from tracker.models import User
    from tracker.services import evidence
    from tracker.settings import Settings
    from tracker.views.access_facts import viewer_for_user

    team = build_team()
    asha = viewer_for_user(User.get(User.email == "asha@example.nhs.uk").id)
    lead = viewer_for_user(User.get(User.email == "lead.north@example.nhs.uk").id)
    assert asha is not None and lead is not None
    record = evidence.upload_certificate(asha, Settings.from_env(), team.asha.id, "FIRE", today(), "", PDF)
    evidence.reject(lead, record.id, "The certificate names another person")
    await sign_in(user, "asha@example.nhs.uk")
    await sees(user, "Rejected", "records")
    await sees(user, "Why: The certificate names another person", "records")
