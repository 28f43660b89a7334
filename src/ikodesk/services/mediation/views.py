"""What the mediation screens receive: plain frozen rows and details, never ORM objects.

The input a request form holds (`RequestData`), the output of every read and
step (`MediationDetail`, `MediationRow`, ...), and the one place that loads a
mediation and turns it into a detail, so screens trigger no lazy loads.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from ikodesk.errors import QT_TRANSLATE_NOOP, FieldProblem, NotFoundError, ValidationError
from ikodesk.models import (
    Case,
    Country,
    Mediation,
    MediationChild,
    age_in_years,
)
from ikodesk.models.enums import (
    CaseCode,
    FailureReason,
    Intake,
    MediationKind,
    MediationStatus,
    Outcome,
    ParentRelation,
    ReferredBy,
)
from ikodesk.services import access
from ikodesk.services.access import CASE_FACT_COLUMNS, Action
from ikodesk.services.actors import Actor
from ikodesk.services.mediation import refusals as R
from ikodesk.services.mediation.hearing import HearingView, hearing_view
from ikodesk.services.validation import (
    ChildData,
    MediationParentData,
)

# The bureau's agreement: when a mediation does not start, a special curator
# (bijzondere curator) is appointed for the children "older than three"
# ("ouder dan drie jaar", seed report). Read as three or older: the same
# threshold as the child interviews ("vanaf de leeftijd van 3 jaar") and the
# Dutch practice of having children from three heard by a special curator.
CURATOR_MIN_AGE = 3


# --- input ----------------------------------------------------------------------


@dataclass(slots=True)
class RequestData:
    """What a request form holds: the registration of a mediation request."""

    kind: MediationKind
    requested: date
    referred_by: ReferredBy | None = None
    parents: list[MediationParentData] = field(default_factory=list)
    children: list[ChildData] = field(default_factory=list)
    case_ref: str | None = None
    court_hearing: date | None = None  # court-referred requests (exchange format 1.1)


# --- output ---------------------------------------------------------------------


class Step(StrEnum):
    """The workflow steps; a detail lists those its status allows (for enabling buttons)."""

    EDIT = "edit"
    START = "start"
    NOT_CONTINUE = "not_continue"
    REOPEN = "reopen"
    APPOINT_CURATOR = "appoint_curator"
    ASSIGN_MEDIATORS = "assign_mediators"
    INTAKE = "intake"
    ADD_INTERVIEW = "add_interview"
    OUTCOME = "outcome"


@dataclass(frozen=True, slots=True)
class MediationRow:
    """One line of the status list."""

    id: int
    ref: str
    kind: MediationKind
    requested: date
    status: MediationStatus
    referred_by: ReferredBy | None
    started: date | None
    ended: date | None
    intake: Intake | None
    outcome: Outcome | None
    special_curator: date | None
    case_ref: str | None
    mediators: tuple[str, ...]
    children: int
    interviews: int
    curator_due: bool


@dataclass(frozen=True, slots=True)
class LinkedCase:
    """The basic facts of the centre case a mediation is linked to (no people, no notes)."""

    id: int
    ref: str
    code: CaseCode
    opened: date
    country: str | None
    country_name: str | None


@dataclass(frozen=True, slots=True)
class ParentView:
    relation: ParentRelation
    first_name: str | None
    last_name: str | None
    birth_date: date | None
    country: str | None

    @property
    def display_name(self) -> str:
        return " ".join(p for p in (self.first_name, self.last_name) if p)


@dataclass(frozen=True, slots=True)
class ChildView:
    first_name: str | None
    last_name: str | None
    birth_date: date | None
    age_at_request: int | None


@dataclass(frozen=True, slots=True)
class InterviewView:
    id: int
    date: date
    children: int


@dataclass(frozen=True, slots=True)
class MediatorRef:
    id: int
    name: str
    cbfm: bool
    languages: tuple[str, ...]
    active: bool


@dataclass(frozen=True, slots=True)
class MediationDetail:
    """Everything the mediation screen shows of one mediation."""

    id: int
    ref: str
    kind: MediationKind
    requested: date
    referred_by: ReferredBy | None
    status: MediationStatus
    started: date | None
    not_started_reason: str | None
    special_curator: date | None
    intake: Intake | None
    outcome: Outcome | None
    ended: date | None
    failure_reasons: tuple[FailureReason, ...]
    parents: tuple[ParentView, ...]
    children: tuple[ChildView, ...]
    mediators: tuple[MediatorRef, ...]
    interviews: tuple[InterviewView, ...]
    case: LinkedCase | None
    curator_due: bool
    steps: frozenset[Step]
    court_hearing: date | None = None
    # For a court-referred request with a hearing: the days until it and where the
    # sessions stand (services.mediation.hearing).
    hearing: HearingView | None = None

    @property
    def children_heard(self) -> int:
        return sum(i.children for i in self.interviews)


@dataclass(frozen=True, slots=True)
class Assignment:
    """The result of assigning mediators: the mediation and warnings to show (not refusals)."""

    detail: MediationDetail
    warnings: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class CuratorReminder:
    """A not-started request with a child of three or older and no special curator yet."""

    id: int
    ref: str
    kind: MediationKind
    requested: date
    oldest_child_age: int


def _refuse(field_name: str, template: str, **params: Any) -> ValidationError:
    """A step or a request refused, on its field (templates: mediation.refusals)."""
    return ValidationError([FieldProblem(field_name, template, **params)])


_LOADS = (
    selectinload(Mediation.children),
    selectinload(Mediation.parents),
    selectinload(Mediation.mediators),
    selectinload(Mediation.child_interviews),
)


def _load(session: Session, mediation_id: int) -> Mediation:
    m = session.scalar(
        select(Mediation)
        .where(Mediation.id == mediation_id)
        .options(*_LOADS)
        .execution_options(populate_existing=True)
    )
    if m is None:
        raise NotFoundError(QT_TRANSLATE_NOOP("services", "Deze mediation bestaat niet (meer)."))
    return m


def _child_age(child: ChildData | MediationChild, requested: date) -> int | None:
    if child.birth_date is not None:
        return age_in_years(child.birth_date, requested)
    return child.age


def _oldest_age(children: Iterable[ChildData | MediationChild], requested: date) -> int | None:
    ages = [a for a in (_child_age(c, requested) for c in children) if a is not None]
    return max(ages) if ages else None


def _curator_due(
    status: MediationStatus, curator: date | None, oldest_child_age: int | None
) -> bool:
    return (
        status is MediationStatus.NOT_STARTED
        and curator is None
        and oldest_child_age is not None
        and oldest_child_age >= CURATOR_MIN_AGE
    )


def _steps(m: Mediation) -> frozenset[Step]:
    steps = {Step.EDIT}
    if m.status is MediationStatus.REQUESTED:
        steps |= {Step.START, Step.NOT_CONTINUE, Step.ASSIGN_MEDIATORS}
    elif m.status is MediationStatus.NOT_STARTED:
        steps |= {Step.REOPEN, Step.APPOINT_CURATOR}
    elif m.status is MediationStatus.RUNNING:
        steps |= {Step.ASSIGN_MEDIATORS, Step.INTAKE, Step.ADD_INTERVIEW}
        if m.intake is Intake.SUITABLE:
            steps.add(Step.OUTCOME)
    else:
        steps.add(Step.ADD_INTERVIEW)
        if m.intake is Intake.SUITABLE:
            steps.add(Step.OUTCOME)  # a correction of the outcome
    return frozenset(steps)


def _linked_cases(session: Session, actor: Actor, case_ids: Iterable[int]) -> dict[int, LinkedCase]:
    """The basic facts of linked cases, or nothing for a user who may not see them."""
    ids = sorted(set(case_ids))
    if not ids or not access.allowed(session, actor, Action.CASE_FACTS):
        return {}
    rows = session.execute(
        select(*CASE_FACT_COLUMNS, Country.name_nl)
        .outerjoin(Country, Country.iso2 == Case.country)
        .where(Case.id.in_(ids))
    )
    return {r[0]: LinkedCase(r[0], r[1], r[2], r[3], r[4], r[5]) for r in rows}


def _detail(session: Session, actor: Actor, m: Mediation) -> MediationDetail:
    case = (
        _linked_cases(session, actor, [m.case_id]).get(m.case_id) if m.case_id is not None else None
    )
    return MediationDetail(
        id=m.id,
        ref=m.ref,
        kind=m.kind,
        requested=m.requested,
        referred_by=m.referred_by,
        status=m.status,
        started=m.started,
        not_started_reason=m.not_started_reason,
        special_curator=m.special_curator,
        intake=m.intake,
        outcome=m.outcome,
        ended=m.ended,
        failure_reasons=tuple(FailureReason(r) for r in m.failure_reasons),
        parents=tuple(
            ParentView(p.relation, p.first_name, p.last_name, p.birth_date, p.country)
            for p in m.parents
        ),
        children=tuple(
            ChildView(c.first_name, c.last_name, c.birth_date, _child_age(c, m.requested))
            for c in m.children
        ),
        mediators=tuple(
            MediatorRef(md.id, md.name, md.cbfm, tuple(md.languages), md.active)
            for md in m.mediators
        ),
        interviews=tuple(InterviewView(iv.id, iv.date, iv.children) for iv in m.child_interviews),
        case=case,
        curator_due=_curator_due(m.status, m.special_curator, _oldest_age(m.children, m.requested)),
        steps=_steps(m),
        court_hearing=m.court_hearing,
        hearing=hearing_view(
            m.referred_by,
            m.court_hearing,
            m.status,
            [m.started, m.ended, *(iv.date for iv in m.child_interviews)],
            date.today(),
        ),
    )


def _reloaded(session: Session, actor: Actor, m: Mediation) -> MediationDetail:
    session.flush()
    return _detail(session, actor, _load(session, m.id))


def _case_id(session: Session, actor: Actor, case_ref: str | None) -> int | None:
    if case_ref is None or not case_ref.strip():
        return None
    access.require(session, actor, Action.CASE_FACTS)
    case_id = session.scalar(select(Case.id).where(Case.ref == case_ref.strip()))
    if case_id is None:
        raise _refuse("case", R.NO_SUCH_CASE, ref=case_ref.strip())
    return case_id
