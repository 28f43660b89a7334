"""The one access-policy point: every read or change of a dossier asks here.

UI, command line, search, lists, exports and reports all call `require` (or
use `visible_cases` for list queries) before touching a dossier; there is no
second path. Roles are checked here, not in the UI.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import ColumnElement, false, true
from sqlalchemy.orm import Session

from ikodesk.errors import AccessDenied
from ikodesk.models import Case
from ikodesk.models.enums import Role
from ikodesk.services.actors import Actor


class Action(StrEnum):
    CASE_READ = "case.read"
    CASE_CREATE = "case.create"
    CASE_UPDATE = "case.update"
    CASE_LIST = "case.list"
    CASE_SEARCH = "case.search"
    CASE_EXPORT = "case.export"
    CASE_PRINT = "case.print"
    CONTACT_CREATE = "contact.create"
    MEDIATION_READ = "mediation.read"
    MEDIATION_WRITE = "mediation.write"
    # Counts without dossier contents: the mediator pool's caseload, totals.
    MEDIATION_AGGREGATE = "mediation.aggregate"
    # The basic facts of a case linked to a mediation (CASE_FACT_COLUMNS).
    CASE_FACTS = "case.facts"
    USER_MANAGE = "user.manage"
    REFERENCE_MANAGE = "reference.manage"
    FIGURES_VIEW = "figures.view"
    REPORT_PRINT = "report.print"
    EXPORT_ALL = "export.all"
    IMPORT = "import"
    BACKUP = "backup"
    AUDIT_VIEW = "audit.view"
    CONFLICTS_VIEW = "conflicts.view"


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

_ROLE_ACTIONS: dict[Role, frozenset[Action]] = {
    Role.STUDENT: frozenset(
        {*CASE_ACTIONS, Action.CASE_LIST, Action.CASE_SEARCH} - {Action.CASE_EXPORT}
    ),
    Role.JURIST: frozenset({*CASE_ACTIONS, Action.CASE_LIST, Action.CASE_SEARCH}),
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
            Action.REPORT_PRINT,
            Action.CONFLICTS_VIEW,
            Action.MEDIATION_AGGREGATE,
        }
    ),
    Role.ADMIN: frozenset(
        {
            Action.USER_MANAGE,
            Action.REFERENCE_MANAGE,
            Action.BACKUP,
            Action.AUDIT_VIEW,
            Action.CONFLICTS_VIEW,
            Action.FIGURES_VIEW,
            Action.REPORT_PRINT,
        }
    ),
}


# What CASE_FACTS reveals of a case: no people, contacts, summary or notes.
CASE_FACT_COLUMNS = (Case.id, Case.ref, Case.code, Case.opened, Case.country)


@dataclass(frozen=True)
class CaseFacts:
    """What the policy needs to know about one case (no personal data)."""

    case_id: int | None
    line: int
    handler_id: int | None

    @classmethod
    def of(cls, case: Case) -> CaseFacts:
        return cls(case.id, case.line, case.handler_id)


def role_allows(actor: Actor, action: Action) -> bool:
    if actor.is_key_holder:
        return True
    assert actor.role is not None
    return action in _ROLE_ACTIONS[actor.role]


def _refusal(actor: Actor, action: Action) -> AccessDenied:
    return AccessDenied(
        f"Geen toegang: uw rol ({actor.role.value if actor.role else '-'}) mag dit niet "
        f"({action.value})."
    )


def allowed(session: Session, actor: Actor, action: Action, case: CaseFacts | None = None) -> bool:
    """True when `actor` may do `action` (on `case`, for dossier actions)."""
    try:
        require(session, actor, action, case)
    except AccessDenied:
        return False
    return True


def require(session: Session, actor: Actor, action: Action, case: CaseFacts | None = None) -> None:
    """Raise AccessDenied unless `actor` may do `action` (on `case`)."""
    if not role_allows(actor, action):
        raise _refusal(actor, action)
    if actor.is_key_holder or case is None:
        return
    # Students register Line 1 and may open a Line 2 intake; once a jurist has
    # taken the case over, it is no longer theirs to read.
    if (
        actor.role is Role.STUDENT
        and case.line == 2
        and case.handler_id != actor.user_id
        and action is not Action.CASE_CREATE
    ):
        raise AccessDenied("Geen toegang: dit tweedelijnsdossier wordt door een jurist behandeld.")


def masked_case_ids(session: Session, actor: Actor, case_ids: Sequence[int]) -> set[int]:
    """Of these cases, the ones `actor` may see in a list only as a masked row.

    These are dossiers behind a conflict wall for this actor.
    """
    return set()


def visible_cases(session: Session, actor: Actor) -> ColumnElement[bool]:
    """A WHERE clause on `Case` that keeps the cases `actor` may see in lists."""
    if actor.is_key_holder or actor.role is Role.JURIST:
        return true()
    if actor.role is Role.STUDENT:
        return (Case.line == 1) | (Case.handler_id == actor.user_id)
    return false()
