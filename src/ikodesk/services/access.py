"""The one access-policy point: every read or change of a dossier asks here.

UI, command line, search, lists, exports and reports all call `require` (or
use `visible_cases`/`masked_case_ids` for list queries) before touching a
dossier; there is no second path. Three things are decided here, in order:

1. **Roles** (`ROLE_ACTIONS`, a table): which actions a role may do at all.
2. **Lines**: a student reads Line 1 and the Line 2 intakes they handle.
3. **Conflict walls** (Brewer-Nash over families): a user who handles or has
   ever opened one side of a conflict pair cannot open the other side. A
   successful dossier access records that the user has opened the case, and
   so puts them on its side of every conflict pair it is in.

`require` also writes the audit log: dossier reads, exports, prints,
changes, administrative actions, and every refusal (services.audit).

Every person acts as a logged-in user: the desktop client and the command
line (--user, see cli.common's gate) alike. The key holder (`Actor.key_holder`)
is a system actor for work that runs on the key alone (init, demo data,
maintenance such as backup and rekey, tests); it passes every check and is
audited as "(sleutelhouder)", but the command line never hands it to a
command that shows, prints, searches or writes out personal data. Holding the
key still lets someone read the file with other tools; docs/security.md says
what this does and does not protect against.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, Select, and_, false, select, true
from sqlalchemy.orm import Session

from ikodesk.errors import HANDLER_WALLED_MESSAGE as HANDLER_WALLED_MESSAGE
from ikodesk.errors import QT_TRANSLATE_NOOP, AccessDenied, CaseWalled, HandlerWalled
from ikodesk.errors import WALL_MESSAGE as WALL_MESSAGE
from ikodesk.models import Case, User

# The actions are domain vocabulary (models.enums, labelled in models.labels); the
# policy below decides them. Re-exported: `from ikodesk.services.access import Action`.
from ikodesk.models.enums import EVENT_ACTIONS as EVENT_ACTIONS
from ikodesk.models.enums import Action as Action
from ikodesk.models.enums import Role
from ikodesk.services import audit, search_audit, walls
from ikodesk.services.actors import Actor
from ikodesk.services.backend import on_server

# Actions that touch one dossier; the others are about the whole database.
CASE_ACTIONS = frozenset(
    {
        Action.CASE_READ,
        Action.CASE_CREATE,
        Action.CASE_UPDATE,
        Action.CASE_EXPORT,
        Action.CASE_PRINT,
        Action.CONTACT_CREATE,
    }
)
# Actions that show or change a dossier's contents: walls apply, and doing one
# puts the user on that case's side of its conflicts.
CONTENT_ACTIONS = frozenset(
    {
        Action.CASE_READ,
        Action.CASE_UPDATE,
        Action.CASE_EXPORT,
        Action.CASE_PRINT,
        Action.CONTACT_CREATE,
    }
)

# The role matrix. Managers and admins see no dossier contents in the client;
# an administrator may export or import the whole database (EXPORT_ALL,
# IMPORT), which crosses every wall by nature and is audited with what was
# exported or imported.
ROLE_ACTIONS: dict[Role, frozenset[Action]] = {
    Role.STUDENT: frozenset(
        {
            Action.CASE_READ,
            Action.CASE_CREATE,
            Action.CASE_UPDATE,
            Action.CASE_PRINT,
            Action.CONTACT_CREATE,
            Action.CASE_LIST,
            Action.CASE_SEARCH,
            Action.FAMILY_CHECK,
        }
    ),
    Role.JURIST: frozenset(
        {
            *CASE_ACTIONS,
            Action.CASE_LIST,
            Action.CASE_SEARCH,
            Action.DEADLINES_VIEW,
            Action.FAMILY_CHECK,
            # On a case they handle, and only to set one (`require_hold`).
            Action.LEGAL_HOLD,
        }
    ),
    # The bureau sees of the centre's cases only the basic facts of a linked
    # case, never its people, contacts or notes.
    Role.MEDIATION: frozenset(
        {
            Action.MEDIATION_READ,
            Action.MEDIATION_WRITE,
            Action.MEDIATION_AGGREGATE,
            Action.CASE_FACTS,
        }
    ),
    # Management reads figures and aggregates, not the mediation dossiers.
    Role.MANAGER: frozenset(
        {
            Action.FIGURES_VIEW,
            Action.FIGURES_FREEZE,
            Action.REPORT_PRINT,
            Action.REPORT_TEXT_WRITE,
            Action.CONFLICTS_VIEW,
            Action.MEDIATION_AGGREGATE,
            Action.DEADLINES_COUNT,
        }
    ),
    Role.ADMIN: frozenset(
        {
            Action.USER_MANAGE,
            Action.REFERENCE_MANAGE,
            Action.BACKUP,
            Action.AUDIT_VIEW,
            Action.AUDIT_ANCHOR,
            Action.CONFLICTS_VIEW,
            Action.CONFLICTS_REVIEW,
            Action.FIGURES_VIEW,
            Action.FIGURES_FREEZE,
            Action.REPORT_PRINT,
            Action.SETTINGS_MANAGE,
            Action.EXPORT_ALL,
            Action.IMPORT,
            Action.DEADLINES_VIEW,
            Action.SUBJECT_ACCESS,
            Action.RETENTION_MANAGE,
            Action.RETENTION_RUN,
            Action.RETENTION_REGISTER,
            Action.LEGAL_HOLD,
        }
    ),
}

# Allowed list views and searches are not audited one by one (a scrolling list
# asks for many pages); searches are audited by `record_search`, creations by
# `record_created` (which knows the new reference), imports by their summary.
# Viewing figures is audited (issue #11, point 12): they are a view of the centre's work.
_UNAUDITED_WHEN_ALLOWED = frozenset(
    {
        Action.CASE_LIST,
        Action.CASE_SEARCH,
        Action.CASE_CREATE,
        Action.IMPORT,
        # Audited by the check itself, with what it answered (services.conflicts.typing).
        Action.FAMILY_CHECK,
    }
)
_OBJECT_TYPE: dict[Action, str] = {
    Action.MEDIATION_READ: "mediation",
    Action.MEDIATION_WRITE: "mediation",
    Action.USER_MANAGE: "user",
    Action.REFERENCE_MANAGE: "reference",
    Action.FIGURES_VIEW: "figures",
    Action.FIGURES_FREEZE: "figures",
    Action.REPORT_PRINT: "report",
    Action.REPORT_TEXT_WRITE: "report",
    Action.SETTINGS_MANAGE: "settings",
    Action.EXPORT_ALL: "database",
    Action.IMPORT: "database",
    Action.BACKUP: "database",
    Action.AUDIT_VIEW: "audit",
    Action.AUDIT_ANCHOR: "audit",
    Action.CONFLICTS_VIEW: "conflict",
    Action.CONFLICTS_REVIEW: "conflict",
    Action.CASE_LIST: "case",
    Action.CASE_SEARCH: "search",
    Action.DEADLINES_VIEW: "deadlines",
    Action.DEADLINES_COUNT: "deadlines",
    Action.FAMILY_CHECK: "case",
    Action.SUBJECT_ACCESS: "subject_access",
    Action.RETENTION_MANAGE: "retention",
    Action.RETENTION_RUN: "retention",
    Action.RETENTION_REGISTER: "retention",
    Action.LEGAL_HOLD: "case",
}

# What CASE_FACTS reveals of a case: no people, contacts, summary or notes.
CASE_FACT_COLUMNS = (Case.id, Case.ref, Case.code, Case.opened, Case.country)


@dataclass(frozen=True)
class CaseFacts:
    """What the policy needs to know about one case (no personal data)."""

    case_id: int | None
    line: int
    handler_id: int | None
    ref: str | None = None

    @classmethod
    def of(cls, case: Case) -> CaseFacts:
        return cls(case.id, case.line, case.handler_id, case.ref)


def role_allows(actor: Actor, action: Action) -> bool:
    if actor.is_key_holder:
        return True
    assert actor.role is not None
    return action in ROLE_ACTIONS[actor.role]


def _decide(
    session: Session, actor: Actor, action: Action, case: CaseFacts | None
) -> tuple[AccessDenied, str] | None:
    """None when allowed; else the error to raise and the reason for the audit log.

    Reasons (Dutch, shown to the admin): rol, lijn, conflictmuur.
    """
    if not role_allows(actor, action):
        return (
            AccessDenied(
                QT_TRANSLATE_NOOP(
                    "services", "Geen toegang: uw rol ({role}) mag dit niet ({action})."
                ),
                role=actor.role.value if actor.role else "-",
                action=action.value,
            ),
            "rol",
        )
    if actor.is_key_holder or case is None:
        return None
    # Students register Line 1 and may open a Line 2 intake; once a jurist has
    # taken the case over, it is no longer theirs to read.
    if (
        actor.role is Role.STUDENT
        and case.line == 2
        and case.handler_id != actor.user_id
        and action is not Action.CASE_CREATE
    ):
        return (
            AccessDenied(
                QT_TRANSLATE_NOOP(
                    "services",
                    "Geen toegang: dit tweedelijnsdossier wordt door een jurist behandeld.",
                )
            ),
            "lijn",
        )
    if action in CONTENT_ACTIONS and case.case_id is not None:
        assert actor.user_id is not None
        if walls.walled_case_ids(session, actor.user_id, [case.case_id]):
            return CaseWalled(WALL_MESSAGE), "conflictmuur"
    return None


def allowed(session: Session, actor: Actor, action: Action, case: CaseFacts | None = None) -> bool:
    """True when `actor` may do `action` (on `case`); a question, not audited."""
    return _decide(session, actor, action, case) is None


def require(
    session: Session,
    actor: Actor,
    action: Action,
    case: CaseFacts | None = None,
    *,
    object_ref: str | None = None,
    detail: str | None = None,
) -> None:
    """Raise AccessDenied unless `actor` may do `action` (on `case`); audit the decision."""
    decision = _decide(session, actor, action, case)
    object_type = "case" if case is not None else _OBJECT_TYPE.get(action, "system")
    ref = case.ref if case is not None and case.ref else object_ref
    if decision is not None:
        error, reason = decision
        audit.log(
            session,
            actor,
            action.value,
            object_type,
            ref,
            result=audit.REFUSED,
            detail=f"{reason}; {detail}" if detail else reason,
        )
        raise error
    if action not in _UNAUDITED_WHEN_ALLOWED:
        audit.log(session, actor, action.value, object_type, ref, detail=detail)
    if action in CONTENT_ACTIONS and case is not None and case.case_id is not None:
        record_opening(session, actor, case.case_id)


def record_opening(session: Session, actor: Actor, case_id: int) -> None:
    """`actor` has seen this dossier: remember it, and their side of its conflicts."""
    if actor.user_id is None:
        return
    if on_server(session):
        # Claim-before-read: the server checks the wall again and records the side;
        # only then does row-level security show the dossier's personal rows.
        audit.remember(session, walls.CLAIM_ON_SERVER_SQL, {"case_id": case_id})
        return
    params = {"user_id": actor.user_id, "case_id": case_id, "at": datetime.now()}
    audit.remember(session, walls.OPENING_SQL, params)
    audit.remember(session, walls.CLAIM_ON_OPEN_SQL, params)


def record_created(session: Session, actor: Actor, case: Case) -> None:
    """Audit a new case and count its creator as someone who has seen it."""
    audit.log(session, actor, Action.CASE_CREATE.value, "case", case.ref)
    if actor.user_id is not None and not walls.walled_case_ids(session, actor.user_id, [case.id]):
        record_opening(session, actor, case.id)


def record_search(
    session: Session, actor: Actor, terms: str, *, shown: int, behind_wall: bool
) -> None:
    """Audit a search with its terms, kept beside the hash chain (services.search_audit).

    The entry holds a keyed hash of the terms, never the terms: they are often
    a name, and retention must be able to erase them without breaking the chain.
    """
    search_audit.record(session, actor, terms, shown=shown, behind_wall=behind_wall)


def require_hold(
    session: Session, actor: Actor, case: CaseFacts, *, lifting: bool, detail: str | None = None
) -> None:
    """Raise AccessDenied unless `actor` may set (or lift) a legal hold on `case`; audited.

    An administrator sets and lifts holds on any case (a reference and a reason: no
    dossier contents). A jurist may set one on a case they handle and are not walled
    from: keeping data longer is the safe direction, and the jurist knows of the
    proceedings. Lifting a hold makes a case removable, so only an administrator may.
    """
    decision = _decide(session, actor, Action.LEGAL_HOLD, None)
    if decision is None and actor.role is Role.JURIST:
        assert actor.user_id is not None
        if lifting:
            decision = (
                AccessDenied(
                    QT_TRANSLATE_NOOP(
                        "services", "Geen toegang: alleen een beheerder heft een bewaarplicht op."
                    )
                ),
                "rol",
            )
        elif case.handler_id != actor.user_id or (
            case.case_id is not None and is_walled(session, actor.user_id, case.case_id)
        ):
            decision = (
                AccessDenied(
                    QT_TRANSLATE_NOOP(
                        "services",
                        "Geen toegang: een jurist legt alleen een bewaarplicht op een zaak die "
                        "hij of zij zelf behandelt.",
                    )
                ),
                "niet de behandelaar",
            )
    if decision is not None:
        error, reason = decision
        audit.log(
            session,
            actor,
            Action.LEGAL_HOLD.value,
            "case",
            case.ref,
            result=audit.REFUSED,
            detail=f"{reason}; {detail}" if detail else reason,
        )
        raise error
    audit.log(session, actor, Action.LEGAL_HOLD.value, "case", case.ref, detail=detail)


def is_walled(session: Session, user_id: int, case_id: int) -> bool:
    """True when this user stands on the other side of a conflict of this case."""
    return bool(walls.walled_case_ids(session, user_id, [case_id]))


def require_assignable(
    session: Session,
    handler_id: int,
    case_id: int,
    *,
    actor: Actor | None = None,
    action: Action = Action.CASE_UPDATE,
) -> None:
    """Refuse to make a walled user the handler of a case (HandlerWalled).

    With `actor`, the refusal is audited as theirs: the case's reference and the
    handler's username, nothing of the dossier.
    """
    if not is_walled(session, handler_id, case_id):
        return
    if actor is not None:
        ref = session.scalar(select(Case.ref).where(Case.id == case_id))
        handler = session.scalar(select(User.username).where(User.id == handler_id))
        audit.log(
            session,
            actor,
            action.value,
            "case",
            ref,
            result=audit.REFUSED,
            detail=f"conflictmuur; behandelaar {handler} afgeschermd",
        )
    raise HandlerWalled(HANDLER_WALLED_MESSAGE)


def masked_case_ids(session: Session, actor: Actor, case_ids: Sequence[int]) -> set[int]:
    """Of these cases, the ones `actor` may see in a list only as a masked row.

    These are dossiers behind a conflict wall for this actor.
    """
    if actor.user_id is None or not case_ids:
        return set()
    return walls.walled_case_ids(session, actor.user_id, case_ids)


def walled_cases(actor: Actor) -> Select[tuple[int]] | None:
    """A SELECT of the case ids behind a wall for `actor` (None: no walls apply)."""
    if actor.user_id is None:
        return None
    return walls.walled_cases_select(actor.user_id)


def visible_cases(session: Session, actor: Actor) -> ColumnElement[bool]:
    """A WHERE clause on `Case` that keeps the cases `actor` may see in lists.

    Walled cases stay in lists (as masked rows, see `masked_case_ids`), so that
    counts and paging agree with the figures; text searches leave them out.
    """
    if actor.is_key_holder or actor.role is Role.JURIST:
        return true()
    if actor.role is Role.STUDENT:
        return (Case.line == 1) | (Case.handler_id == actor.user_id)
    return false()


def deadline_cases(actor: Actor) -> ColumnElement[bool]:
    """A WHERE clause on `Case`: the cases whose clocks `actor` may list (DEADLINES_VIEW).

    A jurist lists the cases they handle, an administrator every case (references
    and clocks only, never a name); a case behind a wall for the actor is never
    listed, not even masked. Other roles list none (management counts per clock).
    """
    if actor.is_key_holder:
        return true()
    if actor.role is Role.ADMIN:
        scope: ColumnElement[bool] = true()
    elif actor.role is Role.JURIST:
        scope = Case.handler_id == actor.user_id
    else:
        return false()
    walled = walled_cases(actor)
    return scope if walled is None else and_(scope, Case.id.not_in(walled))
