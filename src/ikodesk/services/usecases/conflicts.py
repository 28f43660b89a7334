"""The use cases of conflict cases: the lists, and the administrator's review."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from ikodesk.services import conflicts
from ikodesk.services.actors import Actor
from ikodesk.services.approvals import ApproverCredentials
from ikodesk.services.conflicts import ConflictInfo, DetectionResult
from ikodesk.services.usecases.base import UseCases


@dataclass(frozen=True)
class ConflictLists:
    conflicts: list[ConflictInfo]
    reviews: list[ConflictInfo] | None  # None: not asked for (this role does not review)


class ConflictUseCases(UseCases):
    def lists(self, actor: Actor, *, reviews: bool) -> ConflictLists:
        """The conflict pairs, and (`reviews`) the possible ones awaiting review."""

        def run(s: Session) -> ConflictLists:
            found = conflicts.list_conflicts(s, actor)
            return ConflictLists(found, conflicts.review_list(s, actor) if reviews else None)

        return self._run(run)

    def reviews(self, actor: Actor) -> list[ConflictInfo]:
        """The possible conflict pairs awaiting the administrator's review."""
        return self._run(conflicts.review_list, actor)

    def confirm(self, actor: Actor, pair_id: int) -> ConflictInfo:
        """The same family: the wall goes up for good."""
        return self._run(conflicts.confirm, actor, pair_id)

    def dismiss(
        self, actor: Actor, pair_id: int, approver: ApproverCredentials | None = None
    ) -> None:
        """Not the same family: the provisional wall comes down (a second administrator
        approves: four eyes)."""
        self._run(conflicts.dismiss, actor, pair_id, approver)

    def scan(self, actor: Actor) -> DetectionResult:
        """Check every case again for conflicts (administrators)."""
        return self._run(conflicts.scan_all, actor)
