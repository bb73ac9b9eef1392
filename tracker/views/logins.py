# mypy: disable-error-code="attr-defined,union-attr"
"""The logins of the users page (and what a write about one hands back): email, roles, linked person, scope."""

from __future__ import annotations

from dataclasses import dataclass

from peewee import JOIN

from tracker.errors import NotFound
from tracker.models import Organisation, Pcn, Person, User
from tracker.vocabulary import USER_ROLES


@dataclass(frozen=True)
class Login:
    user_id: int
    email: str
    roles: tuple[str, ...]  # in the order of USER_ROLES
    person_staff_id: str | None
    person: str  # "Name (staff id)" or "—"
    employer: str | None  # the employer a lead sees
    pcn: str | None  # or the PCN a lead sees
    active: bool

    @property
    def scope(self) -> str:
        return self.employer or (f"{self.pcn} (PCN)" if self.pcn else "—")


def _login(u: User) -> Login:
    person = u.person if u.person_id else None
    return Login(
        u.id,
        u.email,
        tuple(r for r in USER_ROLES if r in u.role_set),
        person.staff_id if person else None,
        f"{person.name} ({person.staff_id})" if person else "—",
        u.lead_employer.name if u.lead_employer_id else None,
        u.lead_pcn.name if u.lead_pcn_id else None,
        bool(u.active),
    )


def _query():  # type: ignore[no-untyped-def]
    return (
        User.select(User, Person, Organisation, Pcn)
        .join(Person, JOIN.LEFT_OUTER, on=User.person)
        .switch(User)
        .join(Organisation, JOIN.LEFT_OUTER, on=User.lead_employer)
        .switch(User)
        .join(Pcn, JOIN.LEFT_OUTER, on=User.lead_pcn)
    )


def logins() -> list[Login]:
    """Every login, by email."""
    return [_login(u) for u in _query().order_by(User.email)]


def login(user_id: int) -> Login:
    found = _query().where(User.id == user_id).first()
    if found is None:
        raise NotFound(f"no login has id {user_id}")
    return _login(found)
