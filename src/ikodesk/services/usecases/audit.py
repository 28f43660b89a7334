"""The use cases of the audit log: entries per case, per user, the latest; the chain and
its anchors; the command line's refused commands."""

from __future__ import annotations

from ikodesk.services import audit, audit_anchor, audit_views, command_audit
from ikodesk.services.actors import Actor
from ikodesk.services.audit_views import AuditRow, ChainResult
from ikodesk.services.usecases.base import UseCases


class AuditUseCases(UseCases):
    def for_case(self, actor: Actor, ref: str, *, limit: int = 500) -> list[AuditRow]:
        """Everything done to one case (and every refused attempt), newest first."""
        return self._run(audit_views.listing, actor, case_ref=ref, limit=limit)

    def for_user(self, actor: Actor, username: str, *, limit: int = 500) -> list[AuditRow]:
        """Everything one user did (and was refused), newest first."""
        return self._run(audit_views.listing, actor, username=username, limit=limit)

    def recent(self, actor: Actor, *, limit: int = 100) -> list[AuditRow]:
        return self._run(audit_views.listing, actor, limit=limit)

    def verify(self, actor: Actor) -> ChainResult:
        """The hash chain checked, and the last entry's hash."""
        return self._run(audit_views.verify_with_head, actor)

    def verify_anchor(
        self, actor: Actor, anchor: audit_anchor.Anchor
    ) -> tuple[audit.ChainCheck, audit_anchor.AnchorCheck]:
        """The whole chain, and the log up to `anchor` against its code (admin or key holder)."""
        return self._run(audit_views.verify_anchor, actor, anchor)

    def record_refused_command(self, command: str) -> None:
        """The command line's gate: the key holder tried `command` without --user."""
        self._run(command_audit.record_refused_command, command)
