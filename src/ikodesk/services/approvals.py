"""Four eyes: a second administrator approves a dangerous action at the moment of it.

A retention run, a bulk export, lifting a conflict wall and deleting a user
(`ACTIONS`) go ahead only when a second administrator logs in there and then
with their own name and password (issue #18, point 4). `approve` refuses when
no approver is given, when the approver is the one acting, when the password
is wrong (the same answer, delay and lock as a failed login: the check IS a
login, services.logins) and when the approver is not an active administrator.

Standalone (SQLCipher): the approver's password is checked against the
database, the approval is recorded in `approvals` (used at once: approval and
action are one transaction) and audited as the approver's entry, in the
caller's transaction; a refusal is audited as the acting user's entry and
survives the rollback (services.audit).

Office server: ikodesk never sees a password hash there. A short second
connection logs in AS the approver (the server checks the password and slows
down failures itself, auth_delay) and calls `ikodesk_approve`, which records
the approval under that login and audits it (sql/approvals.sql). The acting
session's own functions then take it with `ikodesk_consume_approval`: one
unused approval, at most five minutes old, by a different login that is an
active administrator; so the server enforces four eyes, not only the client.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from ikodesk.errors import (
    APPROVAL_NEEDED,
    QT_TRANSLATE_NOOP,
    AccessDenied,
    ApprovalRefused,
    AuthenticationError,
)
from ikodesk.models import Approval
from ikodesk.models.enums import Action, Role
from ikodesk.services import audit, logins
from ikodesk.services.actors import Actor
from ikodesk.services.backend import on_server

RETENTION_RUN = "retention_run"
BULK_EXPORT = "bulk_export"
WALL_LIFT = "wall_lift"
USER_DELETE = "user_delete"
ACTIONS = (RETENTION_RUN, BULK_EXPORT, WALL_LIFT, USER_DELETE)

# How long an approval on the office server waits to be used (sql/approvals.sql).
VALID_MINUTES = 5

OBJECT_TYPE = "approval"

SAME_PERSON = QT_TRANSLATE_NOOP(
    "services",
    "U kunt uw eigen handeling niet goedkeuren: een tweede beheerder moet dat doen. "
    "Er is niets gedaan.",
)
NOT_ADMIN = QT_TRANSLATE_NOOP(
    "services",
    'Goedkeuring geweigerd: "{approver}" is geen actieve beheerder. Alleen een tweede '
    "beheerder kan deze handeling goedkeuren. Er is niets gedaan.",
)
APPROVER_LOGIN_FAILED = QT_TRANSLATE_NOOP(
    "services",
    "Goedkeuring geweigerd: onbekende gebruikersnaam of onjuist wachtwoord van de tweede "
    "beheerder. Na een mislukte poging moet even worden gewacht; na {attempts} mislukte "
    "pogingen op rij is het account {minutes} minuten vergrendeld. Er is niets gedaan.",
)
SERVER_APPROVER_LOGIN_FAILED = QT_TRANSLATE_NOOP(
    "services",
    "Goedkeuring geweigerd: onbekende gebruikersnaam of onjuist wachtwoord van de tweede "
    "beheerder (kantoorserver). Na mislukte pogingen laat de server even wachten. Er is "
    "niets gedaan.",
)


@dataclass(frozen=True)
class ApproverCredentials:
    """The second administrator's name and password, typed at the moment of the action."""

    username: str
    password: str


def approve(
    session: Session,
    actor: Actor,
    credentials: ApproverCredentials | None,
    *,
    action: str,
    detail: str,
    clock: logins.Clock = logins.utc_now,
) -> str:
    """A second administrator approves `action` (one of ACTIONS) now; their username.

    Raises ApprovalRefused (an AccessDenied, exit code 3) when the approval is
    missing or refused; nothing else is changed then. The approval is audited
    in the caller's transaction.
    """
    if action not in ACTIONS:
        raise ValueError(f"no approval for {action!r}")
    name = credentials.username.strip().lower() if credentials is not None else ""
    if credentials is None or not name:
        _refuse(session, actor, action, "geen tweede beheerder opgegeven")
        raise ApprovalRefused(APPROVAL_NEEDED)
    if name == actor.username.strip().lower():
        _refuse(session, actor, action, "eigen handeling goedkeuren geweigerd")
        raise ApprovalRefused(SAME_PERSON)
    if on_server(session):
        return _approve_on_server(session, actor, name, credentials.password, action, detail)
    try:
        approver = logins.authenticate(session, name, credentials.password, clock=clock)
    except AuthenticationError:
        _refuse(session, actor, action, f"{name}: inloggen als goedkeurder mislukt")
        raise ApprovalRefused(APPROVER_LOGIN_FAILED, **logins.AUTH_FAILED_PARAMS) from None
    if approver.role is not Role.ADMIN:
        _refuse(session, actor, action, f"{name}: geen beheerder")
        raise ApprovalRefused(NOT_ADMIN, approver=name)
    now = clock()
    session.add(
        Approval(
            action=action,
            detail=detail[:300] or None,
            approver=approver.username,
            for_user=actor.username,
            approved_at=now,
            consumed_at=now,
            consumed_by=actor.username,
        )
    )
    audit.log(
        session,
        Actor(approver.user_id, approver.username, approver.role, actor.workstation),
        Action.APPROVAL.value,
        OBJECT_TYPE,
        action,
        detail=f"voor {actor.username}: {detail}",
    )
    return approver.username


def _approve_on_server(
    session: Session, actor: Actor, name: str, password: str, action: str, detail: str
) -> str:
    # Imported here: the office server's driver is only needed on the server.
    from ikodesk.storage.server.approving import approve_as

    bind = session.get_bind()
    engine = bind if isinstance(bind, Engine) else bind.engine
    try:
        approve_as(
            engine, name, password, action=action, detail=detail[:250], for_login=actor.username
        )
    except AuthenticationError:
        _refuse(session, actor, action, f"{name}: inloggen als goedkeurder mislukt")
        raise ApprovalRefused(SERVER_APPROVER_LOGIN_FAILED) from None
    except AccessDenied:
        _refuse(session, actor, action, f"{name}: geen beheerder")
        raise ApprovalRefused(NOT_ADMIN, approver=name) from None
    # The server recorded the approval as the approver's entry; the acting
    # session notes whose approval it asked for (the server writes who asked).
    audit.log(
        session,
        actor,
        Action.APPROVAL.value,
        OBJECT_TYPE,
        action,
        detail=f"goedgekeurd door {name}: {detail}",
    )
    return name


def _refuse(session: Session, actor: Actor, action: str, why: str) -> None:
    audit.log(
        session,
        actor,
        Action.APPROVAL.value,
        OBJECT_TYPE,
        action,
        result=audit.REFUSED,
        detail=why,
    )
