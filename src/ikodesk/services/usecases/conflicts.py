"""The use cases of conflict cases: the lists, and the administrator's review."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from ikodesk.services import conflicts
from ikodesk.services.actors import Actor
from ikodesk.services.conflicts import ConflictInfo
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

    def confirm(self, actor: Actor, pair_id: int) -> None:
        """The same family: the wall goes up for good."""
        self._run(conflicts.confirm, actor, pair_id)

    def dismiss(self, actor: Actor, pair_id: int) -> None:
        """Not the same family: the provisional wall comes down."""
        self._run(conflicts.dismiss, actor, pair_id)
