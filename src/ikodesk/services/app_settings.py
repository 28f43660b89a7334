"""Database-wide settings an administrator changes (kept in the `meta` table)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from ikodesk.errors import QT_TRANSLATE_NOOP, InputError
from ikodesk.models import MetaEntry
from ikodesk.services import access
from ikodesk.services.access import Action
from ikodesk.services.actors import Actor

IDLE_LOCK_KEY = "idle_lock_minutes"
DEFAULT_IDLE_LOCK_MINUTES = 15
MIN_IDLE_LOCK_MINUTES = 1
MAX_IDLE_LOCK_MINUTES = 240


def idle_lock_minutes(session: Session) -> int:
    """Minutes without input after which the desktop client locks itself."""
    entry = session.get(MetaEntry, IDLE_LOCK_KEY)
    if entry is None:
        return DEFAULT_IDLE_LOCK_MINUTES
    try:
        value = int(entry.value)
    except ValueError:
        return DEFAULT_IDLE_LOCK_MINUTES
    return min(max(value, MIN_IDLE_LOCK_MINUTES), MAX_IDLE_LOCK_MINUTES)


def set_idle_lock_minutes(session: Session, actor: Actor, minutes: int) -> None:
    """Change the idle lock for every workstation (administrators only)."""
    access.require(session, actor, Action.USER_MANAGE)
    if not MIN_IDLE_LOCK_MINUTES <= minutes <= MAX_IDLE_LOCK_MINUTES:
        raise InputError(
            QT_TRANSLATE_NOOP(
                "services", "De vergrendeltijd moet tussen {low} en {high} minuten liggen."
            ),
            low=MIN_IDLE_LOCK_MINUTES,
            high=MAX_IDLE_LOCK_MINUTES,
        )
    entry = session.get(MetaEntry, IDLE_LOCK_KEY)
    if entry is None:
        session.add(MetaEntry(key=IDLE_LOCK_KEY, value=str(minutes)))
    else:
        entry.value = str(minutes)
    session.flush()
