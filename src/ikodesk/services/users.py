"""Application users: creation, passwords, authentication, roles."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from ikodesk.errors import QT_TRANSLATE_NOOP, InputError, NotFoundError
from ikodesk.models import AuditEntry, Case, CaseOpening, ConflictPair, Contact, User, WallClaim
from ikodesk.models.enums import Role
from ikodesk.services import access, approvals, input_rules, logins
from ikodesk.services.access import Action
from ikodesk.services.actors import Actor
from ikodesk.services.backend import on_server
from ikodesk.services.logins import AUTH_FAILED, authenticate
from ikodesk.services.passwords import hash_password, password_problem

__all__ = ["AUTH_FAILED", "authenticate"]  # re-exported: the login lives in services.logins

USERNAME_RE = re.compile(r"[a-z0-9][a-z0-9._-]{1,63}")


SERVER_HAS_NO_LOCK = QT_TRANSLATE_NOOP(
    "services",
    "Op de kantoorserver vertraagt de server zelf mislukte inlogpogingen (auth_delay); "
    "er is geen vergrendeling om op te heffen.",
)


def username_problem(username: str) -> str | None:
    if not USERNAME_RE.fullmatch(username):
        return (
            "een gebruikersnaam heeft 2 tot 64 tekens: kleine letters, cijfers, punt, "
            "streepje of liggend streepje, en begint met een letter of cijfer"
        )
    return None


def display_name(session: Session, actor: Actor) -> str:
    """The acting user as the product names users (`User.display_name`)."""
    if actor.user_id is None:
        return actor.username
    user = session.get(User, actor.user_id)
    return user.display_name if user is not None else actor.username


def get_user(session: Session, username: str) -> User:
    user = session.scalar(select(User).where(User.username == username))
    if user is None:
        raise NotFoundError(
            QT_TRANSLATE_NOOP("services", 'Gebruiker "{username}" bestaat niet.'), username=username
        )
    return user


def create_user(
    session: Session,
    actor: Actor,
    username: str,
    role: Role,
    *,
    name: str = "",
    password: str | None = None,
) -> User:
    """Add a user (admins only; the key holder for the first admin)."""
    access.require(session, actor, Action.USER_MANAGE)
    input_rules.check_text("name", name)
    username = username.strip().lower()
    problem = username_problem(username)
    if problem:
        raise InputError(
            QT_TRANSLATE_NOOP("services", "Ongeldige gebruikersnaam: {problem}."), problem=problem
        )
    if session.scalar(select(func.count()).where(User.username == username)):
        raise InputError(
            QT_TRANSLATE_NOOP("services", 'Gebruiker "{username}" bestaat al.'), username=username
        )
    user = User(username=username, name=name.strip(), role=role, active=True)
    if password is not None:
        _check_new_password(password, username)
        user.password_hash = _stored_password(session, username, password)
    session.add(user)
    session.flush()
    return user


def _check_new_password(password: str, username: str) -> None:
    problem = password_problem(password, username=username)
    if problem:
        raise InputError(problem)


def set_password(session: Session, actor: Actor, username: str, password: str) -> None:
    """An admin resets a password, or a user changes their own."""
    user = get_user(session, username)
    if actor.user_id != user.id:
        access.require(session, actor, Action.USER_MANAGE)
    _check_new_password(password, user.username)
    if on_server(session) and actor.user_id == user.id:
        # A login changes its own password itself; only administrators write `users`.
        from ikodesk.storage.server import change_own_password  # psycopg: the server only

        change_own_password(session.connection(), user.username, password)
        return
    user.password_hash = _stored_password(session, user.username, password)


def _stored_password(session: Session, username: str, password: str) -> str:
    """What `users.password_hash` receives: an scrypt hash, or on the office server
    the password's SCRAM verifier, made here after ikodesk's password policy was
    applied (the server's trigger turns it into the login's password)."""
    if on_server(session):
        from ikodesk.storage.server import scram_verifier  # psycopg: the server only

        return scram_verifier(session.connection(), username, password)
    return hash_password(password)


def unlock(session: Session, actor: Actor, username: str) -> None:
    """An admin lifts a login lock and clears the failed attempts (audited).

    Recorded as lifted only when there was an account to lift it on: on the office
    server (no lock) and for an unknown name the refusal says so and the log does
    not claim a lift; a refusal by role is recorded as always.
    """
    username = username.strip().lower()
    detail = "inlogblokkade opgeheven"
    if not access.allowed(session, actor, Action.USER_MANAGE):
        access.require(session, actor, Action.USER_MANAGE, object_ref=username, detail=detail)
    if on_server(session):
        raise InputError(SERVER_HAS_NO_LOCK)
    user = get_user(session, username)
    access.require(session, actor, Action.USER_MANAGE, object_ref=username, detail=detail)
    logins.unlock(session, user)


def set_active(session: Session, actor: Actor, username: str, active: bool) -> None:
    access.require(session, actor, Action.USER_MANAGE)
    user = get_user(session, username)
    if not active and user.id == actor.user_id:
        raise InputError(QT_TRANSLATE_NOOP("services", "U kunt uw eigen account niet deactiveren."))
    if not active and user.role is Role.ADMIN and _active_admins(session) <= 1:
        raise InputError(
            QT_TRANSLATE_NOOP(
                "services", "De laatste actieve beheerder kan niet worden gedeactiveerd."
            )
        )
    user.active = active


def set_role(session: Session, actor: Actor, username: str, role: Role) -> None:
    access.require(session, actor, Action.USER_MANAGE)
    user = get_user(session, username)
    if user.role is Role.ADMIN and role is not Role.ADMIN and _active_admins(session) <= 1:
        raise InputError(
            QT_TRANSLATE_NOOP("services", "De laatste actieve beheerder moet beheerder blijven.")
        )
    user.role = role


HAS_HISTORY = QT_TRANSLATE_NOOP(
    "services",
    'Gebruiker "{username}" kan niet worden verwijderd: er staat werk op naam van dit '
    "account (zaken, contactmomenten, ingeziene dossiers, conflictbeslissingen of "
    "vermeldingen in het auditlog), en de geschiedenis moet kloppen. Deactiveer het "
    "account in plaats daarvan.",
)


def has_history(session: Session, user: User) -> bool:
    """True when anything names this user: removing them would break the record."""
    uid = user.id
    return bool(
        session.scalar(
            select(
                # Named columns only (not SELECT *): on the office server an
                # administrator may read these columns, not the personal ones.
                or_(
                    select(AuditEntry.id).where(AuditEntry.user_id == uid).exists(),
                    select(Case.id)
                    .where(or_(Case.handler_id == uid, Case.updated_by == uid))
                    .exists(),
                    select(Contact.id).where(Contact.handler_id == uid).exists(),
                    select(CaseOpening.case_id).where(CaseOpening.user_id == uid).exists(),
                    select(WallClaim.pair_id).where(WallClaim.user_id == uid).exists(),
                    select(ConflictPair.id).where(ConflictPair.decided_by == uid).exists(),
                )
            )
        )
    )


def delete_user(
    session: Session,
    actor: Actor,
    username: str,
    approver: approvals.ApproverCredentials | None = None,
) -> None:
    """Remove an account that was never used (four eyes).

    Only an account with no history at all: no audit entry of its own, no case
    it handled or changed, no contact, no dossier it opened, no wall claim, no
    conflict decision. Every other account is deactivated instead, so the
    audit chain and the walls keep naming who did what. The audit entries of
    its creation stay (they name it by username only).
    """
    username = username.strip().lower()
    access.require(session, actor, Action.USER_MANAGE, object_ref=username, detail="verwijderen")
    user = get_user(session, username)
    if user.id == actor.user_id:
        raise InputError(QT_TRANSLATE_NOOP("services", "U kunt uw eigen account niet verwijderen."))
    if user.role is Role.ADMIN and user.active and _active_admins(session) <= 1:
        raise InputError(
            QT_TRANSLATE_NOOP(
                "services", "De laatste actieve beheerder kan niet worden verwijderd."
            )
        )
    if has_history(session, user):
        raise InputError(HAS_HISTORY, username=username)
    approvals.approve(
        session,
        actor,
        approver,
        action=approvals.USER_DELETE,
        detail=f"gebruiker {username} ({user.role.value}) verwijderd",
    )
    # On the office server the login goes with the row, and the server takes the
    # approval itself (storage/server/sql/logins.sql).
    session.delete(user)
    session.flush()


def _active_admins(session: Session) -> int:
    return int(
        session.scalar(select(func.count()).where(User.role == Role.ADMIN, User.active.is_(True)))
        or 0
    )


def list_users(session: Session, actor: Actor) -> list[User]:
    access.require(session, actor, Action.USER_MANAGE)
    return list(session.scalars(select(User).order_by(User.username)))


@dataclass(frozen=True)
class UserRow:
    """A user as Beheer lists them (no password hash, only whether there is one)."""

    username: str
    name: str
    role: Role
    active: bool
    has_password: bool
    locked: bool = False  # locked out for a while after failed logins


def user_row(user: User, now: datetime) -> UserRow:
    """`user` as Beheer and `user list` show it (`now`: whether a login lock still holds)."""
    return UserRow(
        user.username,
        user.name,
        user.role,
        user.active,
        user.password_hash is not None,
        logins.is_locked(user, now),
    )


def user_rows(session: Session, actor: Actor) -> list[UserRow]:
    """Every user, by username (admins only)."""
    now = logins.utc_now()
    return [user_row(u, now) for u in list_users(session, actor)]
