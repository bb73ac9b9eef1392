"""The inbox behind the bell: each user sees their own messages and marks them read."""

from __future__ import annotations

import pytest
from nicegui.testing import User as Visitor

from tests.ui_fixtures import build_team, sign_in, ui_database  # noqa: F401
from tracker.models import InboxMessage, User
from tracker.services import inbox

pytestmark = pytest.mark.usefixtures("ui_database")


async def test_the_bell_counts_unread_messages_and_the_inbox_marks_them_read(user: Visitor) -> None:
    build_team()
    asha = User.get(User.email == "asha@example.nhs.uk")
    grace = User.get(User.email == "grace@example.nhs.uk")
    first = inbox.notify(asha.id, "Fire Safety expires in 30 days", "Book a course.", "/me")
    inbox.notify(asha.id, "Supervision this month", "No session yet.")
    inbox.notify(grace.id, "Grace's own message")
    await sign_in(user, "asha@example.nhs.uk")
    bell = next(e for e in user.find("notifications").elements if e.props.get("aria-label", "").startswith("Inbox"))
    assert bell.props["aria-label"] == "Inbox: 2 unread"
    await user.open("/inbox")
    await user.should_see("Fire Safety expires in 30 days")
    await user.should_not_see("Grace's own message")
    user.find(marker=f"read-{first}").click()
    await user.should_see("1 unread", retries=40)
    user.find(marker="read-all").click()
    await user.should_see("0 unread", retries=40)
    assert InboxMessage.select().where((InboxMessage.user == asha.id) & InboxMessage.read_at.is_null()).count() == 0
    assert InboxMessage.select().where((InboxMessage.user == grace.id) & InboxMessage.read_at.is_null()).count() == 1
