"""The use cases of the Mediation Bureau: the list, a request, the workflow, the pool."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from ikodesk.models.enums import FailureReason, Intake, MediationKind, MediationStatus, Outcome
from ikodesk.services import mediation as med
from ikodesk.services import mediators
from ikodesk.services.actors import Actor
from ikodesk.services.mediation import (
    Assignment,
    CuratorReminder,
    LinkedCase,
    MediationDetail,
    MediationRow,
    RequestData,
)
from ikodesk.services.mediators import MediatorRow
from ikodesk.services.usecases.base import UseCases


@dataclass(frozen=True)
class MediationOverview:
    """The status list with its filters applied, the curator reminders, the request years."""

    rows: list[MediationRow]
    reminders: list[CuratorReminder]
    years: list[int]


class MediationUseCases(UseCases):
    # -- the list ------------------------------------------------------------------------
    def facets(self, actor: Actor) -> tuple[list[int], list[MediatorRow]]:
        """The filter choices: the years with requests, and the mediators."""

        def run(s: Session) -> tuple[list[int], list[MediatorRow]]:
            return med.request_years(s, actor), mediators.list_mediators(s, actor)

        return self._run(run)

    def overview(
        self,
        actor: Actor,
        *,
        year: int | None = None,
        kind: MediationKind | None = None,
        status: MediationStatus | None = None,
        mediator_id: int | None = None,
    ) -> MediationOverview:
        def run(s: Session) -> MediationOverview:
            return MediationOverview(
                med.list_mediations(
                    s, actor, year=year, kind=kind, status=status, mediator_id=mediator_id
                ),
                med.curator_reminders(s, actor),
                med.request_years(s, actor),
            )

        return self._run(run)

    def status_list(
        self,
        actor: Actor,
        *,
        year: int | None = None,
        kind: MediationKind | None = None,
        status: MediationStatus | None = None,
        mediator: str | None = None,
    ) -> list[MediationRow]:
        """The status list, filtered; `mediator` by name (NotFoundError when unknown)."""

        def run(s: Session) -> list[MediationRow]:
            mediator_id = mediators.mediator_id_by_name(s, actor, mediator) if mediator else None
            return med.list_mediations(
                s, actor, year=year, kind=kind, status=status, mediator_id=mediator_id
            )

        return self._run(run)

    def reminders(self, actor: Actor) -> list[CuratorReminder]:
        """Requests not continued that still await a special curator (oldest first)."""
        return self._run(med.curator_reminders, actor)

    def id_of(self, actor: Actor, ref: str) -> int:
        """The id of the mediation with this reference (read through the policy)."""
        return self._run(lambda s: med.get_mediation_by_ref(s, actor, ref).id)

    # -- a request -----------------------------------------------------------------------
    def get(self, actor: Actor, mediation_id: int) -> MediationDetail:
        return self._run(med.get_mediation, actor, mediation_id)

    def by_ref(self, actor: Actor, ref: str) -> MediationDetail:
        """One mediation by its reference (M2024-007); the reference asked for is audited."""
        return self._run(med.get_mediation_by_ref, actor, ref)

    def register(self, actor: Actor, data: RequestData) -> MediationDetail:
        return self._run(med.register_request, actor, data)

    def update(self, actor: Actor, mediation_id: int, data: RequestData) -> MediationDetail:
        return self._run(med.update_request, actor, mediation_id, data)

    def linked_case(self, actor: Actor, case_ref: str) -> LinkedCase:
        """The basic facts of the case a request refers to."""
        return self._run(med.find_linked_case, actor, case_ref)

    # -- the workflow --------------------------------------------------------------------
    def start(self, actor: Actor, mediation_id: int, day: date) -> MediationDetail:
        return self._run(med.start_mediation, actor, mediation_id, day)

    def not_continue(self, actor: Actor, mediation_id: int, reason: str) -> MediationDetail:
        return self._run(med.not_continue, actor, mediation_id, reason)

    def reopen(self, actor: Actor, mediation_id: int) -> MediationDetail:
        return self._run(med.reopen_request, actor, mediation_id)

    def appoint_curator(self, actor: Actor, mediation_id: int, day: date | None) -> MediationDetail:
        return self._run(med.appoint_special_curator, actor, mediation_id, day)

    def record_intake(
        self, actor: Actor, mediation_id: int, intake: Intake, ended: date | None
    ) -> MediationDetail:
        return self._run(med.record_intake, actor, mediation_id, intake, ended)

    def add_interview(
        self, actor: Actor, mediation_id: int, day: date, children: int
    ) -> MediationDetail:
        return self._run(med.add_child_interview, actor, mediation_id, day, children)

    def remove_interview(self, actor: Actor, interview_id: int) -> MediationDetail:
        return self._run(med.remove_child_interview, actor, interview_id)

    def record_outcome(
        self,
        actor: Actor,
        mediation_id: int,
        outcome: Outcome,
        ended: date,
        failure_reasons: Sequence[FailureReason] = (),
    ) -> MediationDetail:
        return self._run(med.record_outcome, actor, mediation_id, outcome, ended, failure_reasons)

    def assign_mediators(
        self, actor: Actor, mediation_id: int, mediator_ids: Sequence[int]
    ) -> Assignment:
        return self._run(med.assign_mediators, actor, mediation_id, mediator_ids)

    def mediator_warnings(
        self, actor: Actor, mediation_id: int, mediator_ids: Sequence[int]
    ) -> list[str]:
        """Warnings for assigning these mediators (one already on the same family)."""
        return self._run(med.mediator_warnings, actor, mediation_id, mediator_ids)

    # -- the pool ------------------------------------------------------------------------
    def mediators(
        self, actor: Actor, *, year: int | None = None, include_inactive: bool = True
    ) -> list[MediatorRow]:
        """The pool by name, with each mediator's caseload in `year` (default: all years)."""
        return self._run(
            mediators.list_mediators, actor, year=year, include_inactive=include_inactive
        )

    def candidates(
        self,
        actor: Actor,
        *,
        language: str | None,
        cbfm: bool | None,
        year: int | None,
        assigned: Sequence[int],
    ) -> list[MediatorRow]:
        """The active mediators who fit (least busy first), after those `assigned` who don't.

        Someone already assigned stays in view (and can be unassigned), even when
        inactive now or outside the filter.
        """

        def run(s: Session) -> list[MediatorRow]:
            rows = mediators.find_mediators(s, actor, language=language, cbfm=cbfm, year=year)
            shown = {r.id for r in rows}
            extra = [
                r
                for r in mediators.list_mediators(s, actor, year=year)
                if r.id in assigned and r.id not in shown
            ]
            return extra + rows

        return self._run(run)

    def add_mediator(
        self, actor: Actor, name: str, languages: Sequence[str], *, cbfm: bool, active: bool
    ) -> MediatorRow:
        return self._run(mediators.add_mediator, actor, name, languages, cbfm=cbfm, active=active)

    def update_mediator(
        self,
        actor: Actor,
        mediator_id: int,
        *,
        name: str | None = None,
        languages: Sequence[str] | None = None,
        cbfm: bool | None = None,
        active: bool | None = None,
    ) -> MediatorRow:
        return self._run(
            mediators.update_mediator,
            actor,
            mediator_id,
            name=name,
            languages=languages,
            cbfm=cbfm,
            active=active,
        )
