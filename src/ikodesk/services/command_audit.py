"""Audit entries the command line's gate writes (see cli.common and docs/security.md).

The gate refuses every command that shows, prints, searches or writes out
personal data unless a user has logged in with --user; the refusal is the
key holder's, recorded with the command and the workstation. A full export
is recorded with what was written, beside the policy's own entry.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from ikodesk.services import audit
from ikodesk.services.access import Action
from ikodesk.services.actors import Actor
from ikodesk.services.nlformat import counted

COMMAND_ACTION = Action.COMMAND.value


def record_refused_command(session: Session, command: str) -> None:
    """The key holder tried `command` without --user: audit the refusal."""
    audit.log(
        session,
        Actor.key_holder(),
        COMMAND_ACTION,
        "command",
        command[:120],
        result=audit.REFUSED,
        detail="geen --user: persoonsgegevens alleen na inloggen",
    )


def record_export(session: Session, actor: Actor, count: int, destination: str) -> None:
    """A full export was written: how many records, and where to."""
    audit.log(
        session,
        actor,
        Action.EXPORT_ALL.value,
        "database",
        None,
        detail=f"volledige export: {counted(count, 'record', 'records')} naar {destination}"[:300],
    )
