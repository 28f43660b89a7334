"""The use cases of retention (AVG): the policy, legal holds, the run and its register."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

from ikodesk.services import destruction_register, retention, retention_run
from ikodesk.services.actors import Actor
from ikodesk.services.destruction_register import RegisterRow
from ikodesk.services.retention import HoldRow, PeriodRow
from ikodesk.services.retention_run import Preview, RunResult
from ikodesk.services.usecases.base import UseCases
from ikodesk.storage import Database, scrub

if TYPE_CHECKING:
    from ikodesk.services.approvals import ApproverCredentials
    from ikodesk.storage import OpenDatabase  # (at run time it would load psycopg)

# The PDF builder (reports.destruction_register.build): passed in by the front-end,
# since services do not import reports.
RegisterRenderer = Callable[[list[RegisterRow], Path], Path]


@dataclass(frozen=True)
class RunOutcome:
    """A finished run: what it removed, and how the file was made to forget it."""

    result: RunResult
    scrubbed: scrub.ScrubResult | None  # None on the office server (its VACUUM's job)


class RetentionUseCases(UseCases):
    def __init__(self, db: OpenDatabase) -> None:
        super().__init__(db)
        self._open = db

    # -- the policy ------------------------------------------------------------------------
    def policy(self, actor: Actor) -> list[PeriodRow]:
        return self._run(retention.policy, actor)

    def set_period(self, actor: Actor, scope: str, years: int) -> None:
        self._run(retention.set_period, actor, scope, years)

    def confirm_defaults(self, actor: Actor) -> list[str]:
        """Confirm every unconfirmed period as it stands; returns the scopes confirmed."""
        return self._run(lambda s: retention.confirm(s, actor))

    # -- legal holds -----------------------------------------------------------------------
    def holds(self, actor: Actor) -> list[HoldRow]:
        return self._run(retention.holds, actor)

    def set_hold(self, actor: Actor, ref: str, reason: str) -> None:
        self._run(retention.set_hold, actor, ref, reason)

    def lift_hold(self, actor: Actor, ref: str) -> None:
        self._run(retention.lift_hold, actor, ref)

    # -- the run ---------------------------------------------------------------------------
    def preview(self, actor: Actor, as_of: date) -> Preview:
        """What a run on `as_of` would remove (the dry run; changes nothing but the audit)."""
        return self._run(retention_run.preview, actor, as_of)

    def run(self, actor: Actor, as_of: date, approver: ApproverCredentials | None) -> RunOutcome:
        """Anonymise everything due on `as_of` (approved), then make the file forget it.

        The run's deletions happen under `secure_delete`; once committed, the file is
        vacuumed and its WAL truncated (storage.scrub). On the office server: the server's
        own function, without the file's scrub.
        """
        if not isinstance(self._open, Database):
            # The office server anonymises in its own function; freed space is its
            # VACUUM's (docs/server.md, "Retention run").
            return RunOutcome(self._run(retention_run.run, actor, as_of, approver), None)
        engine = self._open.engine
        with scrub.secure_delete(engine):
            result = self._run(retention_run.run, actor, as_of, approver)
        wal = self._open.path.with_name(self._open.path.name + "-wal")
        return RunOutcome(result, scrub.scrub(engine, wal))

    # -- the destruction register ----------------------------------------------------------
    def register(self, actor: Actor) -> list[RegisterRow]:
        return self._run(destruction_register.rows, actor)

    def print_register(self, actor: Actor, target: Path, *, render: RegisterRenderer) -> Path:
        """The register as a PDF for the privacy officer (audited as printed)."""

        def read(s: Session) -> list[RegisterRow]:
            return destruction_register.rows(s, actor, purpose=f"afgedrukt: {target.name}")

        return render(self._run(read), target)
