"""Logins: who may sign in, with which roles (staff, supervisor, lead, admin) and which scope a lead sees.

Any change to what a login may do (roles, linked person, lead scope, deactivation, a new password) raises its
session epoch in the same transaction, which ends every open session of that login (see tracker.services.auth). A
password set by an administrator must be changed by its owner at the next sign-in; deactivating a login
revokes its API and calendar tokens, so reactivating it brings none of them back.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from tracker.access import Viewer
from tracker.clock import utc_now
from tracker.db import database
from tracker.errors import NotFound, PermissionDenied, ValidationError
from tracker.models import USER_ROLES, ApiToken, Organisation, Pcn, Person, User
from tracker.passwords import check_password_rules, hash_password, personal_words, verify_password
from tracker.services import audit
from tracker.services.validate import Lookups, split_list
from tracker.services.validate import email as check_email
from tracker.views.access_facts import viewer_for_user
from tracker.views.logins import Login, login

ROLES_NEEDING_A_PERSON = ("staff", "supervisor")


def parse_roles(roles: str | Iterable[str]) -> str:
    """'staff; lead' or ['staff', 'lead'] -> 'staff;lead' (catalogue order); unknown or none is an error."""
    items = split_list(roles) if isinstance(roles, str) else [p for r in roles for p in split_list(r)]
    wanted = {r.lower() for r in items}
    if not wanted:
        raise ValidationError(f"at least one role is required ({', '.join(USER_ROLES)})", "roles")
    unknown = sorted(wanted - set(USER_ROLES))
    if unknown:
        raise ValidationError(f"'{', '.join(unknown)}' is not one of {', '.join(USER_ROLES)}", "roles")
    return ";".join(r for r in USER_ROLES if r in wanted)


@dataclass(frozen=True)
class RoleScope:
    person: Person | None
    employer: Organisation | None
    pcn: Pcn | None


def _scope(roles: str, person_staff_id: str | None, employer_name: str | None, pcn_name: str | None) -> RoleScope:
    lookups = Lookups()
    person = lookups.person(person_staff_id, "person") if person_staff_id else None
    employer = lookups.employer(employer_name, "employer") if employer_name else None
    pcn = lookups.pcn(pcn_name, "pcn") if pcn_name else None
    role_set = set(roles.split(";"))
    needing = [r for r in ROLES_NEEDING_A_PERSON if r in role_set]
    if needing and person is None:
        raise ValidationError(f"a {needing[0]} login must be linked to a person (their staff id)", "person")
    if "lead" in role_set and employer is None and pcn is None:
        raise ValidationError("a lead needs a scope: the employer or the PCN whose people they see", "employer")
    if employer is not None and pcn is not None:
        raise ValidationError("a lead sees one employer or one PCN, not both", "pcn")
    return RoleScope(person, employer, pcn)


def add_user(
    actor: str,
    email: str,
    password: str,
    roles: str | Iterable[str],
    person_staff_id: str | None = None,
    employer_name: str | None = None,
    pcn_name: str | None = None,
) -> Login:
    """A new login; the password is set by an administrator, so its owner must change it at first sign-in."""
    address = check_email(email, "email", required=True)
    role_text = parse_roles(roles)
    check_password_rules(password, personal_words(address))
    with database.atomic():
        if User.select().where(User.email == address).exists():
            raise ValidationError(f"there is already a login for {address}", "email")
        scope = _scope(role_text, person_staff_id, employer_name, pcn_name)
        user = User.create(
            email=address, password_hash=hash_password(password), roles=role_text, person=scope.person,
            lead_employer=scope.employer, lead_pcn=scope.pcn, must_change_password=True,
        )
        audit.record(actor, "create", "user", user.id, None, audit.as_dict(user))
    return login(user.id)


def _user(user_id: int) -> User:
    found = User.get_or_none(User.id == user_id)
    if found is None:
        raise NotFound(f"no login has id {user_id}")
    return found


def find_user(email: str) -> User | None:
    address = check_email(email, "email", required=True)
    return User.get_or_none(User.email == address)


def _personal(user: User) -> list[str]:
    person = user.person if user.person_id else None
    return personal_words(user.email, person.first_name if person else None, person.last_name if person else None)


def _end_sessions(user: User) -> None:
    """Every open session of this login ends (call inside the transaction that changes it)."""
    user.session_epoch = (user.session_epoch or 0) + 1


def change_password(actor: str, user_id: int, new_password: str, current_password: str | None = None) -> Login:
    """An administrator sets a login's password: its open sessions end and the owner must change it when they
    next sign in. (With `current_password`, the owner changing their own: see change_own_password.)"""
    if current_password is not None:
        user = _user(user_id)
        change_own_password(user.id, user.session_epoch, current_password, new_password, new_password)
        return login(user.id)
    with database.atomic():
        user = _user(user_id)
        check_password_rules(new_password, _personal(user))
        user.password_hash = hash_password(new_password)
        user.failed_logins, user.locked_until = 0, None
        user.must_change_password = True
        _end_sessions(user)
        user.save()
        audit.record(actor, "change_password", "user", user.id, None, {"email": user.email, "set_by_admin": True})
    return login(user.id)


def change_own_password(user_id: int, epoch: int, current: str, new: str, again: str) -> Viewer | None:
    """The signed-in owner (whose session began at `epoch`) sets a new password: the current one must match.
    Their other sessions end; the caller starts this one afresh as the returned Viewer (at the new epoch)."""
    if not new:
        raise ValidationError("enter a new password", "new_password")
    if new != again:
        raise ValidationError("the two new passwords differ", "new_password_again")
    user = _user(user_id)
    if not user.active or user.session_epoch != epoch:
        raise PermissionDenied("your session has ended; sign in again")
    if not verify_password(user.password_hash, current or ""):
        raise ValidationError("that is not your current password", "current_password")
    if verify_password(user.password_hash, new):
        raise ValidationError("the new password must differ from the current one", "new_password")
    check_password_rules(new, _personal(user), field="new_password")
    new_hash = hash_password(new)
    with database.atomic():
        changed = (
            User.update(
                password_hash=new_hash, must_change_password=False, session_epoch=User.session_epoch + 1,
                failed_logins=0, locked_until=None,
            )
            .where((User.id == user.id) & (User.session_epoch == epoch) & (User.active == True))  # noqa: E712
            .execute()
        )
        if not changed:
            raise PermissionDenied("your session has ended; sign in again")
        audit.record(user.email, "change_own_password", "user", user.id, None, {"email": user.email})
    return viewer_for_user(user.id)


def set_roles(
    actor: str,
    user_id: int,
    roles: str | Iterable[str],
    person_staff_id: str | None = None,
    employer_name: str | None = None,
    pcn_name: str | None = None,
) -> Login:
    """Replace a login's roles, linked person and lead scope."""
    role_text = parse_roles(roles)
    with database.atomic():
        user = _user(user_id)
        scope = _scope(role_text, person_staff_id, employer_name, pcn_name)
        before = audit.as_dict(user)
        user.roles, user.person, user.lead_employer, user.lead_pcn = role_text, scope.person, scope.employer, scope.pcn
        if audit.as_dict(user) != before:
            _end_sessions(user)
        user.save()
        audit.record(actor, "set_roles", "user", user.id, before, audit.as_dict(user))
    return login(user.id)


def set_active(actor: str, user_id: int, active: bool) -> Login:
    with database.atomic():
        user = _user(user_id)
        if bool(user.active) == active:
            return login(user.id)
        user.active = active
        _end_sessions(user)
        user.save()
        after: dict[str, object] = {"active": active}
        if not active:
            after["tokens_revoked"] = _revoke_tokens(user)
        audit.record(actor, "activate" if active else "deactivate", "user", user.id, {"active": not active}, after)
    return login(user.id)


def _revoke_tokens(user: User) -> list[int]:
    """Revoke the login's live API and calendar tokens (recorded in the deactivation's audit event)."""
    live = [t.id for t in ApiToken.select(ApiToken.id).where((ApiToken.user == user.id) & ApiToken.revoked_at.is_null())]
    if live:
        ApiToken.update(revoked_at=utc_now()).where(ApiToken.id.in_(live)).execute()
    return live


def deactivate_user(actor: str, user_id: int) -> Login:
    """Stop a login signing in; the row stays for the audit trail."""
    return set_active(actor, user_id, False)
