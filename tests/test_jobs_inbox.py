"""The in-app inbox: messages, the unread count for the bell, marking read; every write audited."""

from __future__ import annotations

import pytest

from tracker.errors import NotFound, ValidationError
from tracker.models import AuditEvent, User
from tracker.services import inbox


def user(email: str) -> User:
    return User.create(email=email, password_hash="x", roles="staff")


def test_a_notification_counts_as_unread_until_read(database):
    asha = user("asha@team.test")
    first = inbox.notify(asha.id, "Safeguarding expires soon", "Book a renewal.", "/me")
    inbox.notify(asha.id, "Supervision this month", "")
    assert inbox.unread_count(asha.id) == 2
    assert [m.subject for m in inbox.messages(asha.id)] == ["Supervision this month", "Safeguarding expires soon"]
    assert inbox.mark_read(asha.id, first) is True
    assert inbox.mark_read(asha.id, first) is False
    assert inbox.unread_count(asha.id) == 1
    assert [m.subject for m in inbox.messages(asha.id, unread_only=True)] == ["Supervision this month"]
    assert inbox.mark_all_read(asha.id) == 1 and inbox.unread_count(asha.id) == 0


def test_nobody_can_mark_another_users_message(database):
    asha, ben = user("asha@team.test"), user("ben@team.test")
    message = inbox.notify(asha.id, "For Asha")
    with pytest.raises(NotFound):
        inbox.mark_read(ben.id, message)
    assert inbox.unread_count(asha.id) == 1


def test_each_write_records_one_audit_event(database):
    asha = user("asha@team.test")
    before = AuditEvent.select().count()
    message = inbox.notify(asha.id, "One")
    inbox.notify_many([inbox.Note(asha.id, "Two"), inbox.Note(asha.id, "Three")])
    inbox.mark_read(asha.id, message)
    assert AuditEvent.select().count() - before == 3


def test_bad_messages_are_refused_and_nothing_is_written(database):
    asha = user("asha@team.test")
    with pytest.raises(ValidationError, match="subject"):
        inbox.notify(asha.id, "   ")
    with pytest.raises(NotFound):
        inbox.notify_many([inbox.Note(asha.id, "Fine"), inbox.Note(asha.id + 999, "No such user")])
    assert inbox.unread_count(asha.id) == 0


def test_a_long_subject_is_shortened_to_fit(database):
    asha = user("asha@team.test")
    inbox.notify(asha.id, "x" * 500)
    [message] = inbox.messages(asha.id)
    assert len(message.subject) == inbox.SUBJECT_MAX and message.subject.endswith("…")


@pytest.mark.parametrize(
    "link", ["javascript:alert(1)", " javascript:x", "data:text/html,x", "//evil.example/x", "/\\evil.example", "/me\nx"]
)
def test_a_message_links_only_to_a_page_or_a_web_address_never_to_a_script(database, link):
    asha = user("asha@team.test")
    with pytest.raises(ValidationError, match="page of this site or a web address"):
        inbox.notify(asha.id, "Click here", "", link)
    assert inbox.unread_count(asha.id) == 0
    inbox.notify(asha.id, "Your page", "", "/me?as_of=01/02/2026")
    assert inbox.messages(asha.id)[0].link == "/me?as_of=01/02/2026"
