"""What list filters and choosers offer: the handlers and the years with cases."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ikodesk.models import Case, User
from ikodesk.models.enums import Role
from ikodesk.services import access
from ikodesk.services.access import Action
from ikodesk.services.actors import Actor

HANDLER_ROLES = (Role.JURIST, Role.STUDENT)


@dataclass(frozen=True)
class HandlerChoice:
    user_id: int
    username: str
    name: str
    role: Role
    active: bool


def handler_choices(session: Session, actor: Actor) -> list[HandlerChoice]:
    """The users who handle cases (jurists and students), for filters and choosers.

    Only names and roles: anyone who may list cases may see who handles them.
    """
    access.require(session, actor, Action.CASE_LIST)
    stmt = (
        select(User.id, User.username, User.name, User.role, User.active)
        .where(User.role.in_(HANDLER_ROLES))
        .order_by(User.username)
    )
    return [HandlerChoice(*row) for row in session.execute(stmt)]


def case_years(session: Session, actor: Actor) -> list[int]:
    """The years from the first case's opening to the last one, newest first."""
    access.require(session, actor, Action.CASE_LIST)
    # Two queries on purpose: SQLite answers a lone min() or max() from the index,
    # but scans the whole table for both in one statement.
    first = session.scalar(select(func.min(Case.opened)))
    last = session.scalar(select(func.max(Case.opened)))
    if first is None or last is None:
        return []
    return list(range(last.year, first.year - 1, -1))
