"""Logging in: one answer for every failure, a growing delay, a temporary lock.

Every failed attempt, whatever its cause (unknown user, no password set yet,
wrong password, deactivated account, an attempt during the waiting time or
the lock), gets the same Dutch message and costs the same time: exactly one
scrypt verification runs, against a dummy hash when there is nothing real to
check. The cause goes to the audit log ("login", refused), which only an
administrator reads.

Per user, the database keeps the number of consecutive failures and the time
of the last one. After failure n the next attempt is refused (unchecked)
until `delay_after(n)` has passed: none after the first (a typo), then 1 s,
2 s, 4 s, ... capped at 30 s. From
`LOCK_AFTER` consecutive failures on, every further failure locks the account
for `LOCK_MINUTES`: the count is not reset when a lock expires, so after the
lock one wrong guess locks it again. Only a successful login or an
administrator (`unlock`) resets it. The state is written with
`audit.remember`, so it survives the rollback the refusal causes.

Times are naive UTC (like the other DateTime columns); tests inject `clock`.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from functools import cache

from sqlalchemy import DateTime, Integer, bindparam, select, text
from sqlalchemy.orm import Session

from ikodesk.errors import QT_TRANSLATE_NOOP, AuthenticationError
from ikodesk.models import User
from ikodesk.models.enums import Action, Role
from ikodesk.services import audit
from ikodesk.services.actors import Actor
from ikodesk.services.backend import on_server
from ikodesk.services.passwords import hash_password, verify_password

Clock = Callable[[], datetime]

LOCK_AFTER = 10
LOCK_MINUTES = 15
MAX_DELAY_S = 30
LOGIN_ACTION = Action.LOGIN.value
UNKNOWN_USER = "(onbekende naam)"

AUTH_FAILED_TEMPLATE = QT_TRANSLATE_NOOP(
    "services",
    "Onbekende gebruikersnaam of onjuist wachtwoord. Na een mislukte poging moet u even "
    "wachten voordat u het opnieuw probeert; na "
    "{attempts} mislukte pogingen op rij is het account {minutes} minuten "
    "vergrendeld (de beheerder kan het eerder vrijgeven).",
)
AUTH_FAILED_PARAMS = {"attempts": LOCK_AFTER, "minutes": LOCK_MINUTES}
AUTH_FAILED = AUTH_FAILED_TEMPLATE.format(**AUTH_FAILED_PARAMS)

_STATE_SQL = text(
    "UPDATE users SET failed_logins = :failed, last_failed_at = :last, "
    "locked_until = :locked WHERE id = :id"
).bindparams(
    bindparam("failed", type_=Integer),
    bindparam("last", type_=DateTime),
    bindparam("locked", type_=DateTime),
    bindparam("id", type_=Integer),
)


def utc_now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def delay_after(failures: int) -> timedelta:
    """How long the next attempt waits after `failures` consecutive failures."""
    if failures <= 1:
        return timedelta(0)
    return timedelta(seconds=min(2 ** min(failures - 2, 10), MAX_DELAY_S))


def is_locked(user: User, now: datetime) -> bool:
    return user.locked_until is not None and now < user.locked_until


@cache
def _dummy_hash() -> str:
    return hash_password("ikodesk-timing-equaliser")


def _refusal(user: User | None, password: str, now: datetime) -> str | None:
    """Why this attempt fails (for the audit log), or None; one hash check in every case."""
    if user is None:
        verify_password(password, _dummy_hash())
        return "onbekende gebruikersnaam"
    if is_locked(user, now):
        verify_password(password, _dummy_hash())
        return "account vergrendeld"
    if (
        user.failed_logins
        and user.last_failed_at is not None
        and now < user.last_failed_at + delay_after(user.failed_logins)
    ):
        verify_password(password, _dummy_hash())
        return "te snel na een mislukte poging"
    if user.password_hash is None:
        verify_password(password, _dummy_hash())
        return "nog geen wachtwoord ingesteld"
    if not verify_password(password, user.password_hash):
        return "onjuist wachtwoord"
    if not user.active:
        return "account gedeactiveerd"
    return None


def authenticate(
    session: Session, username: str, password: str, *, clock: Clock = utc_now
) -> Actor:
    """The user with this name and password, else AuthenticationError (always AUTH_FAILED)."""
    now = clock()
    name = username.strip().lower()
    if on_server(session):
        return server_actor(session, name)
    user = session.scalar(select(User).where(User.username == name))
    reason = _refusal(user, password, now)
    if reason is None:
        assert user is not None
        if user.failed_logins or user.locked_until is not None:
            _store(session, user, 0, None, None)
        return Actor(user_id=user.id, username=user.username, role=user.role)
    _record_failure(session, user, reason, now)
    raise AuthenticationError(AUTH_FAILED_TEMPLATE, **AUTH_FAILED_PARAMS)


_SESSION_USER = text(
    "SELECT id, username, role, active FROM users WHERE username = session_user::text"
)


def server_actor(session: Session, username: str | None = None) -> Actor:
    """On the office server: the session's own login (the server checked its password).

    Failed attempts are the server's to slow down and log (auth_delay and
    log_connections, see docs/server.md): they never reach ikodesk.
    """
    row = session.execute(_SESSION_USER).first()
    if row is None or not row.active or (username is not None and row.username != username):
        raise AuthenticationError(AUTH_FAILED_TEMPLATE, **AUTH_FAILED_PARAMS)
    return Actor(user_id=row.id, username=row.username, role=Role(row.role))


def _store(
    session: Session, user: User, failed: int, last: datetime | None, locked: datetime | None
) -> None:
    audit.remember(
        session, _STATE_SQL, {"failed": failed, "last": last, "locked": locked, "id": user.id}
    )


def _record_failure(session: Session, user: User | None, reason: str, now: datetime) -> None:
    if user is None:
        # The typed name is not recorded: it is often a mistyped password or a real name.
        actor = Actor(user_id=None, username=UNKNOWN_USER, role=None)
        audit.log(session, actor, LOGIN_ACTION, "user", None, result=audit.REFUSED, detail=reason)
        return
    actor = Actor(user_id=user.id, username=user.username, role=user.role)
    detail = reason
    # Attempts refused unchecked (waiting time, lock) do not count: they could not guess.
    if reason not in ("account vergrendeld", "te snel na een mislukte poging"):
        failed = user.failed_logins + 1
        locked = user.locked_until
        if failed >= LOCK_AFTER:
            locked = now + timedelta(minutes=LOCK_MINUTES)
            detail = (
                f"{reason}; {failed} mislukte pogingen op rij: account vergrendeld tot "
                f"{locked:%Y-%m-%d %H:%M} UTC"
            )
        _store(session, user, failed, now, locked)
    audit.log(
        session, actor, LOGIN_ACTION, "user", user.username, result=audit.REFUSED, detail=detail
    )


def unlock(session: Session, user: User) -> None:
    """Lift a lock and forget the failures (the caller checks the policy and audits)."""
    user.failed_logins = 0
    user.last_failed_at = None
    user.locked_until = None
