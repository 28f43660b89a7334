"""The Mediation Bureau's workflow: requests, decisions, intake, mediators, interviews, outcomes.

The status of a mediation (the exchange format's values) moves like this:

    requested --start--> running --intake "not suitable" (end date)--> ended, no outcome
        |                   |
        |                   +--outcome (after a suitable intake, end date)--> ended
        |
        +--not continued (reason)--> not_started --reopen--> requested
                                         |
                                         +--special curator appointed (date)

Every step builds the state it leads to and checks it with
`validation.mediation_rules`, the rules the exchange import applies to every
record: the workflow can never produce a mediation the import would refuse,
and the import accepts nothing the workflow could not have produced. Each
step first checks its own precondition, with a Dutch message that says what
to do instead. The workflow is stricter than the import only where a form is
(a request needs a child, a decision not to continue needs a reason).

What the annual figures count (spec/annual-figures.md, `mediation.*`) maps
onto the fields these steps set: a request counts in the year of
`requested`; "started" is status running or ended (so `started` is set,
not-suitable mediations included); "not started" is status not_started;
"not suitable" is intake not_suitable; a special curator counts in the year
of its date; an outcome in the year of `ended`; a child interview in the
year of its date, with the children heard.

Every function takes the session and the acting user and asks the access
policy first (MEDIATION_READ / MEDIATION_WRITE). Reads return plain frozen
rows and details, never ORM objects, so screens trigger no lazy loads.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from sqlalchemy import and_, delete, func, insert, select
from sqlalchemy.orm import Session, selectinload

from ikodesk.errors import NotFoundError, ValidationError
from ikodesk.models import (
    Case,
    ChildInterview,
    Country,
    Mediation,
    MediationChild,
    MediationParent,
    Mediator,
    age_in_years,
    mediation_mediators,
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
from ikodesk.services.exchange import child_values, mediation_parent_values
from ikodesk.services.mediation_family import family_keys
from ikodesk.services.reference import country_codes
from ikodesk.services.validation import (
    TEXT_MAX,
    ChildData,
    FieldProblem,
    InterviewData,
    MediationData,
    MediationParentData,
    mediation_rules,
)

# The bureau's agreement: when a mediation does not start, a special curator
# (bijzondere curator) is appointed for the children "older than three"
# ("ouder dan drie jaar", seed report). Read as three or older: the same
# threshold as the child interviews ("vanaf de leeftijd van 3 jaar") and the
# Dutch practice of having children from three heard by a special curator.
CURATOR_MIN_AGE = 3

_REF_SEQ = re.compile(r"^M(\d{4})-(\d+)$")


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


# --- helpers --------------------------------------------------------------------


def _raise(problems: Iterable[FieldProblem], rename: dict[str, str] | None = None) -> None:
    errors: dict[str, str] = {}
    for p in problems:
        errors.setdefault((rename or {}).get(p.field, p.field), p.message)
    if errors:
        raise ValidationError(errors)


def _refuse(field_name: str, message: str) -> ValidationError:
    return ValidationError({field_name: message})


def _check(session: Session, snap: MediationData, rename: dict[str, str] | None = None) -> None:
    """Refuse a state the exchange import would refuse (the one set of rules)."""
    _raise(mediation_rules(snap, country_codes(session)), rename)


def _snapshot(m: Mediation) -> MediationData:
    """The mediation as the typed record the rules check."""
    return MediationData(
        ref=m.ref,
        kind=m.kind,
        requested=m.requested,
        status=m.status,
        referred_by=m.referred_by,
        children=[ChildData(c.first_name, c.last_name, c.birth_date, c.age) for c in m.children],
        started=m.started,
        not_started_reason=m.not_started_reason,
        special_curator=m.special_curator,
        intake=m.intake,
        outcome=m.outcome,
        ended=m.ended,
        failure_reasons=[FailureReason(r) for r in m.failure_reasons],
        mediators=[md.name for md in m.mediators],
        child_interviews=[InterviewData(iv.date, iv.children) for iv in m.child_interviews],
        x=m.extra,
        parents=[
            MediationParentData(p.relation, p.first_name, p.last_name, p.birth_date, p.country)
            for p in m.parents
        ],
    )


def _store_state(m: Mediation, snap: MediationData) -> None:
    """Write the state fields of a checked snapshot to the mediation."""
    m.status = snap.status
    m.started = snap.started
    m.not_started_reason = snap.not_started_reason
    m.special_curator = snap.special_curator
    m.intake = snap.intake
    m.outcome = snap.outcome
    m.ended = snap.ended
    m.failure_reasons = [r.value for r in snap.failure_reasons]


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
        raise NotFoundError("Deze mediation bestaat niet (meer).")
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
    )


def _reloaded(session: Session, actor: Actor, m: Mediation) -> MediationDetail:
    session.flush()
    return _detail(session, actor, _load(session, m.id))


def _next_ref(session: Session, year: int) -> str:
    """The next free reference of a year: M2024-007 (three digits, more when needed)."""
    prefix = f"M{year}-"
    refs = session.scalars(
        select(Mediation.ref).where(Mediation.ref >= prefix, Mediation.ref < prefix + "~")
    )
    seq = 0
    for ref in refs:
        match = _REF_SEQ.match(ref)
        if match:
            seq = max(seq, int(match.group(2)))
    return f"{prefix}{seq + 1:03d}"


def _case_id(session: Session, actor: Actor, case_ref: str | None) -> int | None:
    if case_ref is None or not case_ref.strip():
        return None
    access.require(session, actor, Action.CASE_FACTS)
    case_id = session.scalar(select(Case.id).where(Case.ref == case_ref.strip()))
    if case_id is None:
        raise _refuse("case", f'Zaak "{case_ref.strip()}" bestaat niet.')
    return case_id


def _request_problems(data: RequestData) -> list[FieldProblem]:
    """What a request form must hold beyond the exchange rules."""
    problems: list[FieldProblem] = []
    if not data.children:
        problems.append(
            FieldProblem("children", "registreer minstens één kind (geboortedatum of leeftijd)")
        )
    return problems


def _set_request_fields(m: Mediation, data: RequestData, case_id: int | None) -> None:
    m.kind = data.kind
    m.requested = data.requested
    m.referred_by = data.referred_by
    m.case_id = case_id
    m.children = [MediationChild(**child_values(c, i)) for i, c in enumerate(data.children)]
    m.parents = [
        MediationParent(**mediation_parent_values(p, i)) for i, p in enumerate(data.parents)
    ]


# --- registering and editing a request ----------------------------------------------


def register_request(session: Session, actor: Actor, data: RequestData) -> MediationDetail:
    """Register a new mediation request (status "requested"); its ref is M{year}-{seq:03d}."""
    access.require(session, actor, Action.MEDIATION_WRITE)
    snap = MediationData(
        ref="M0000-000",
        kind=data.kind,
        requested=data.requested,
        status=MediationStatus.REQUESTED,
        referred_by=data.referred_by,
        children=list(data.children),
        parents=list(data.parents),
    )
    _raise([*_request_problems(data), *mediation_rules(snap, country_codes(session))])
    case_id = _case_id(session, actor, data.case_ref)
    m = Mediation(
        ref=_next_ref(session, data.requested.year),
        status=MediationStatus.REQUESTED,
        failure_reasons=[],
    )
    _set_request_fields(m, data, case_id)
    session.add(m)
    return _reloaded(session, actor, m)


def update_request(
    session: Session, actor: Actor, mediation_id: int, data: RequestData
) -> MediationDetail:
    """Change the registration of a request (kind, date, referral, parents, children, case).

    Allowed in every status, as long as the whole mediation stays valid (a
    later request date than the start is refused, for one). The ref stays.
    """
    access.require(session, actor, Action.MEDIATION_WRITE)
    m = _load(session, mediation_id)
    snap = _snapshot(m)
    snap.kind = data.kind
    snap.requested = data.requested
    snap.referred_by = data.referred_by
    snap.children = list(data.children)
    snap.parents = list(data.parents)
    _raise([*_request_problems(data), *mediation_rules(snap, country_codes(session))])
    case_id = _case_id(session, actor, data.case_ref)
    _set_request_fields(m, data, case_id)
    return _reloaded(session, actor, m)


# --- deciding: start, not continued, reopen, special curator ------------------------


def start_mediation(
    session: Session, actor: Actor, mediation_id: int, started: date
) -> MediationDetail:
    """The request is taken on: status "running" from `started`."""
    access.require(session, actor, Action.MEDIATION_WRITE)
    m = _load(session, mediation_id)
    if m.status is MediationStatus.NOT_STARTED:
        raise _refuse(
            "status",
            "De aanvraag is niet voortgezet. Heropen de aanvraag eerst als de mediation "
            "toch start.",
        )
    if m.status is not MediationStatus.REQUESTED:
        assert m.started is not None
        raise _refuse("status", f"De mediation is al gestart (op {m.started.isoformat()}).")
    snap = _snapshot(m)
    snap.status = MediationStatus.RUNNING
    snap.started = started
    _check(session, snap)
    _store_state(m, snap)
    return _reloaded(session, actor, m)


def not_continue(session: Session, actor: Actor, mediation_id: int, reason: str) -> MediationDetail:
    """The request is not continued (status "not_started"), with the reason why."""
    access.require(session, actor, Action.MEDIATION_WRITE)
    m = _load(session, mediation_id)
    if m.status is MediationStatus.NOT_STARTED:
        raise _refuse("status", "De aanvraag is al geregistreerd als niet voortgezet.")
    if m.status is not MediationStatus.REQUESTED:
        raise _refuse(
            "status",
            "De mediation is al gestart; een gestarte mediation eindigt met een intake "
            "of een uitkomst, niet als niet-voortgezette aanvraag.",
        )
    text = (reason or "").strip()
    if not text:
        raise _refuse(
            "not_started_reason", "Geef de reden waarom de aanvraag niet wordt voortgezet."
        )
    if len(text) > TEXT_MAX:
        raise _refuse("not_started_reason", f"Te lang (maximaal {TEXT_MAX} tekens).")
    snap = _snapshot(m)
    snap.status = MediationStatus.NOT_STARTED
    snap.not_started_reason = text
    _check(session, snap)
    _store_state(m, snap)
    return _reloaded(session, actor, m)


def reopen_request(session: Session, actor: Actor, mediation_id: int) -> MediationDetail:
    """Undo "not continued": the request is open again (status "requested").

    The reason is cleared; a special curator already appointed stays
    registered (the appointment happened, and counts in its year).
    """
    access.require(session, actor, Action.MEDIATION_WRITE)
    m = _load(session, mediation_id)
    if m.status is not MediationStatus.NOT_STARTED:
        raise _refuse("status", "Alleen een niet-voortgezette aanvraag kan worden heropend.")
    snap = _snapshot(m)
    snap.status = MediationStatus.REQUESTED
    snap.not_started_reason = None
    _check(session, snap)
    _store_state(m, snap)
    return _reloaded(session, actor, m)


def appoint_special_curator(
    session: Session, actor: Actor, mediation_id: int, day: date | None
) -> MediationDetail:
    """Register (or correct) the date a special curator was appointed; None withdraws it.

    An appointment belongs to a request that was not continued (the bureau's
    agreement for children of three and older); `curator_reminders` lists
    the requests still waiting for one.
    """
    access.require(session, actor, Action.MEDIATION_WRITE)
    m = _load(session, mediation_id)
    if day is not None and m.status is not MediationStatus.NOT_STARTED:
        raise _refuse(
            "special_curator",
            "Een bijzondere curator wordt benoemd wanneer de mediation niet start: "
            "registreer eerst dat de aanvraag niet wordt voortgezet.",
        )
    snap = _snapshot(m)
    snap.special_curator = day
    _check(session, snap)
    _store_state(m, snap)
    return _reloaded(session, actor, m)


# --- running: intake, mediators, child interviews, outcome ---------------------------


def _require_running(m: Mediation, field_name: str, what: str) -> None:
    if m.status is MediationStatus.REQUESTED:
        raise _refuse(
            field_name, f"De mediation is nog niet gestart; registreer eerst de start. ({what})"
        )
    if m.status is MediationStatus.NOT_STARTED:
        raise _refuse(field_name, f"De aanvraag is niet voortgezet. ({what})")


def _interview_after(m: Mediation, ended: date) -> InterviewView | None:
    late = [iv for iv in m.child_interviews if iv.date > ended]
    if not late:
        return None
    last = max(late, key=lambda iv: iv.date)
    return InterviewView(last.id, last.date, last.children)


def record_intake(
    session: Session,
    actor: Actor,
    mediation_id: int,
    intake: Intake,
    ended: date | None = None,
) -> MediationDetail:
    """Register the intake with the mediators.

    Suitable: the mediation runs on. Not suitable: it ends on `ended`
    (required) without an outcome.
    """
    access.require(session, actor, Action.MEDIATION_WRITE)
    m = _load(session, mediation_id)
    _require_running(m, "intake", "Een intake is er na de start.")
    if m.status is MediationStatus.ENDED:
        raise _refuse("intake", "De mediation is al beëindigd.")
    snap = _snapshot(m)
    snap.intake = intake
    if intake is Intake.SUITABLE:
        if ended is not None:
            raise _refuse(
                "ended",
                "Een geschikte mediation loopt door; de einddatum hoort bij de uitkomst.",
            )
    else:
        if ended is None:
            raise _refuse(
                "ended",
                "Geef de einddatum: een mediation die niet geschikt is, eindigt na de intake.",
            )
        late = _interview_after(m, ended)
        if late is not None:
            raise _refuse(
                "ended",
                f"Er is een kindgesprek op {late.date.isoformat()}, na deze einddatum.",
            )
        snap.status = MediationStatus.ENDED
        snap.ended = ended
        snap.outcome = None
        snap.failure_reasons = []
    _check(session, snap)
    _store_state(m, snap)
    return _reloaded(session, actor, m)


def record_outcome(
    session: Session,
    actor: Actor,
    mediation_id: int,
    outcome: Outcome,
    ended: date,
    failure_reasons: Sequence[FailureReason] = (),
) -> MediationDetail:
    """End a suitable mediation with its outcome; the reasons only with "no agreement".

    Recording an outcome again on an ended mediation corrects it.
    """
    access.require(session, actor, Action.MEDIATION_WRITE)
    m = _load(session, mediation_id)
    _require_running(m, "outcome", "Een uitkomst is er alleen na de start.")
    if m.intake is Intake.NOT_SUITABLE:
        raise _refuse(
            "outcome",
            "De mediation was niet geschikt na de intake en is zonder uitkomst beëindigd.",
        )
    if m.intake is None:
        raise _refuse(
            "intake",
            "Registreer eerst de intake: een uitkomst is er alleen na een geschikte intake.",
        )
    reasons = list(dict.fromkeys(failure_reasons))
    if reasons and outcome is not Outcome.NO_AGREEMENT:
        raise _refuse(
            "failure_reasons",
            'Redenen waarom de mediation niet slaagde horen alleen bij "geen overeenkomst".',
        )
    late = _interview_after(m, ended)
    if late is not None:
        raise _refuse(
            "ended", f"Er is een kindgesprek op {late.date.isoformat()}, na deze einddatum."
        )
    snap = _snapshot(m)
    snap.status = MediationStatus.ENDED
    snap.outcome = outcome
    snap.ended = ended
    snap.failure_reasons = reasons
    _check(session, snap)
    _store_state(m, snap)
    return _reloaded(session, actor, m)


def add_child_interview(
    session: Session, actor: Actor, mediation_id: int, day: date, children: int
) -> MediationDetail:
    """Register a child interview (kindgesprek): its date and the children heard (from 3)."""
    access.require(session, actor, Action.MEDIATION_WRITE)
    m = _load(session, mediation_id)
    _require_running(m, "child_interviews", "Kindgesprekken zijn er in een gestarte mediation.")
    if children < 1:
        raise _refuse("children", "In een kindgesprek wordt minstens één kind gehoord.")
    snap = _snapshot(m)
    snap.child_interviews.append(InterviewData(day, children))
    n = len(snap.child_interviews) - 1
    _check(
        session,
        snap,
        {f"child_interviews[{n}].date": "date", f"child_interviews[{n}].children": "children"},
    )
    m.child_interviews.append(ChildInterview(date=day, children=children))
    return _reloaded(session, actor, m)


def remove_child_interview(session: Session, actor: Actor, interview_id: int) -> MediationDetail:
    """Delete a child interview registered by mistake."""
    access.require(session, actor, Action.MEDIATION_WRITE)
    interview = session.get(ChildInterview, interview_id)
    if interview is None:
        raise NotFoundError("Dit kindgesprek bestaat niet (meer).")
    mediation_id = interview.mediation_id
    session.delete(interview)
    session.flush()
    return _detail(session, actor, _load(session, mediation_id))


def mediator_warnings(
    session: Session, actor: Actor, mediation_id: int, mediator_ids: Sequence[int]
) -> list[str]:
    """Warnings for assigning these mediators: one already on a mediation of the same family.

    "Same family" is defined in services/mediation_family.py. A warning, not a
    refusal: the bureau decides.
    """
    ref = session.scalar(select(Mediation.ref).where(Mediation.id == mediation_id))
    access.require(session, actor, Action.MEDIATION_READ, object_ref=ref)
    if ref is None:
        raise NotFoundError("Deze mediation bestaat niet (meer).")
    ids = list(dict.fromkeys(mediator_ids))
    if not ids:
        return []
    others: dict[int, list[int]] = defaultdict(list)
    for mid, mediator_id in session.execute(
        select(mediation_mediators.c.mediation_id, mediation_mediators.c.mediator_id).where(
            mediation_mediators.c.mediator_id.in_(ids),
            mediation_mediators.c.mediation_id != mediation_id,
        )
    ):
        others[mediator_id].append(mid)
    if not others:
        return []
    keys = family_keys(session, {mediation_id, *(m for ms in others.values() for m in ms)})
    own = keys[mediation_id]
    if not own:
        return []
    names = {
        i: name
        for i, name in session.execute(
            select(Mediator.id, Mediator.name).where(Mediator.id.in_(ids))
        )
    }
    refs = {
        i: ref
        for i, ref in session.execute(
            select(Mediation.id, Mediation.ref).where(
                Mediation.id.in_([m for ms in others.values() for m in ms])
            )
        )
    }
    warnings: list[str] = []
    for mediator_id in ids:
        same = sorted(refs[m] for m in others.get(mediator_id, []) if keys[m] & own)
        if same:
            warnings.append(
                f"Let op: {names[mediator_id]} is ook mediator bij "
                f"{', '.join(same)} van hetzelfde gezin (zelfde kind, ouder of zaak)."
            )
    return warnings


def assign_mediators(
    session: Session, actor: Actor, mediation_id: int, mediator_ids: Sequence[int]
) -> Assignment:
    """Assign mediators from the pool (usually two), in this order, replacing earlier ones.

    Refused for a request that was not continued or a mediation that ended,
    and for an inactive mediator not already assigned. Returns warnings (see
    `mediator_warnings`) that the screen shows; they do not stop the
    assignment.
    """
    access.require(session, actor, Action.MEDIATION_WRITE)
    m = _load(session, mediation_id)
    if m.status is MediationStatus.NOT_STARTED:
        raise _refuse(
            "mediators", "De aanvraag is niet voortgezet; er worden geen mediators toegewezen."
        )
    if m.status is MediationStatus.ENDED:
        raise _refuse("mediators", "De mediation is beëindigd; de mediators liggen vast.")
    ids = list(mediator_ids)
    pool = {md.id: md for md in session.scalars(select(Mediator).where(Mediator.id.in_(ids)))}
    current = {md.id for md in m.mediators}
    for mediator_id in ids:
        md = pool.get(mediator_id)
        if md is None:
            raise _refuse("mediators", "Deze mediator bestaat niet (meer).")
        if not md.active and mediator_id not in current:
            raise _refuse("mediators", f"{md.name} is niet actief in de mediatorpool.")
    snap = _snapshot(m)
    snap.mediators = [pool[i].name for i in ids]
    _check(session, snap)
    warnings = mediator_warnings(session, actor, mediation_id, ids)
    session.execute(delete(mediation_mediators).where(mediation_mediators.c.mediation_id == m.id))
    if ids:
        session.execute(
            insert(mediation_mediators),
            [
                {"mediation_id": m.id, "mediator_id": mediator_id, "position": i}
                for i, mediator_id in enumerate(ids)
            ],
        )
    session.expire(m, ["mediators"])
    return Assignment(_reloaded(session, actor, m), tuple(warnings))


# --- reading --------------------------------------------------------------------------


def get_mediation(session: Session, actor: Actor, mediation_id: int) -> MediationDetail:
    """One mediation with its parents, children, mediators, interviews and linked case facts."""
    ref = session.scalar(select(Mediation.ref).where(Mediation.id == mediation_id))
    access.require(session, actor, Action.MEDIATION_READ, object_ref=ref)
    return _detail(session, actor, _load(session, mediation_id))


def get_mediation_by_ref(session: Session, actor: Actor, ref: str) -> MediationDetail:
    """One mediation by its reference (M2024-007)."""
    # The reference asked for, found or not: the audit log says which dossier was read.
    access.require(session, actor, Action.MEDIATION_READ, object_ref=ref.strip()[:80])
    mediation_id = session.scalar(select(Mediation.id).where(Mediation.ref == ref.strip()))
    if mediation_id is None:
        raise NotFoundError(f'Mediation "{ref.strip()}" bestaat niet.')
    return _detail(session, actor, _load(session, mediation_id))


def request_years(session: Session, actor: Actor) -> list[int]:
    """The years from the first request to the last one, newest first (for a year filter)."""
    access.require(session, actor, Action.MEDIATION_READ)
    first = session.scalar(select(func.min(Mediation.requested)))
    last = session.scalar(select(func.max(Mediation.requested)))
    if first is None or last is None:
        return []
    return list(range(last.year, first.year - 1, -1))


def find_linked_case(session: Session, actor: Actor, case_ref: str) -> LinkedCase:
    """The basic facts of the centre case with this reference, to show before linking it.

    The same facts a linked mediation shows (no people, no notes); refused
    with a Dutch message on field "case" when no case has this reference.
    """
    access.require(session, actor, Action.MEDIATION_READ)
    case_id = _case_id(session, actor, case_ref)
    if case_id is None:
        raise _refuse("case", "Geef de referentie van de zaak.")
    return _linked_cases(session, actor, [case_id])[case_id]


def list_mediations(
    session: Session,
    actor: Actor,
    *,
    year: int | None = None,
    kind: MediationKind | None = None,
    status: MediationStatus | None = None,
    mediator_id: int | None = None,
) -> list[MediationRow]:
    """The status list, newest request first; `year` is the year of the request date."""
    access.require(session, actor, Action.MEDIATION_READ)
    query = select(
        Mediation.id,
        Mediation.ref,
        Mediation.kind,
        Mediation.requested,
        Mediation.status,
        Mediation.referred_by,
        Mediation.started,
        Mediation.ended,
        Mediation.intake,
        Mediation.outcome,
        Mediation.special_curator,
        Mediation.case_id,
    )
    if year is not None:
        query = query.where(
            Mediation.requested >= date(year, 1, 1), Mediation.requested <= date(year, 12, 31)
        )
    if kind is not None:
        query = query.where(Mediation.kind == kind)
    if status is not None:
        query = query.where(Mediation.status == status)
    if mediator_id is not None:
        query = query.where(
            Mediation.id.in_(
                select(mediation_mediators.c.mediation_id).where(
                    mediation_mediators.c.mediator_id == mediator_id
                )
            )
        )
    rows = list(session.execute(query.order_by(Mediation.requested.desc(), Mediation.ref.desc())))
    if not rows:
        return []
    ids = [r.id for r in rows]
    mediators: dict[int, list[str]] = defaultdict(list)
    children: dict[int, int] = defaultdict(int)
    interviews: dict[int, int] = defaultdict(int)
    oldest: dict[int, int] = {}
    requested = {r.id: r.requested for r in rows}
    for chunk in _chunks(ids):
        for mid, name in session.execute(
            select(mediation_mediators.c.mediation_id, Mediator.name)
            .join(Mediator, Mediator.id == mediation_mediators.c.mediator_id)
            .where(mediation_mediators.c.mediation_id.in_(chunk))
            .order_by(mediation_mediators.c.mediation_id, mediation_mediators.c.position)
        ):
            mediators[mid].append(name)
        for mid, born, age in session.execute(
            select(
                MediationChild.mediation_id, MediationChild.birth_date, MediationChild.age
            ).where(MediationChild.mediation_id.in_(chunk))
        ):
            children[mid] += 1
            years = age_in_years(born, requested[mid]) if born is not None else age
            if years is not None:
                oldest[mid] = max(oldest.get(mid, years), years)
        for mid, count in session.execute(
            select(ChildInterview.mediation_id, func.count())
            .where(ChildInterview.mediation_id.in_(chunk))
            .group_by(ChildInterview.mediation_id)
        ):
            interviews[mid] = int(count)
    cases = _linked_cases(session, actor, [r.case_id for r in rows if r.case_id is not None])
    return [
        MediationRow(
            id=r.id,
            ref=r.ref,
            kind=r.kind,
            requested=r.requested,
            status=r.status,
            referred_by=r.referred_by,
            started=r.started,
            ended=r.ended,
            intake=r.intake,
            outcome=r.outcome,
            special_curator=r.special_curator,
            case_ref=cases[r.case_id].ref if r.case_id in cases else None,
            mediators=tuple(mediators[r.id]),
            children=children[r.id],
            interviews=interviews[r.id],
            curator_due=_curator_due(r.status, r.special_curator, oldest.get(r.id)),
        )
        for r in rows
    ]


def _chunks(ids: list[int], size: int = 500) -> Iterable[list[int]]:
    for i in range(0, len(ids), size):
        yield ids[i : i + size]


def curator_reminders(session: Session, actor: Actor) -> list[CuratorReminder]:
    """Requests not continued, with a child of three or older at the request date, and no
    special curator yet: the bureau agreed to appoint one for them. Oldest request first.
    """
    access.require(session, actor, Action.MEDIATION_READ)
    rows = session.execute(
        select(
            Mediation.id,
            Mediation.ref,
            Mediation.kind,
            Mediation.requested,
            MediationChild.birth_date,
            MediationChild.age,
        )
        .join(MediationChild, MediationChild.mediation_id == Mediation.id)
        .where(
            and_(
                Mediation.status == MediationStatus.NOT_STARTED,
                Mediation.special_curator.is_(None),
            )
        )
        .order_by(Mediation.requested, Mediation.ref)
    )
    found: dict[int, CuratorReminder] = {}
    for mid, ref, kind, requested, born, age in rows:
        years = age_in_years(born, requested) if born is not None else age
        if years is None or years < CURATOR_MIN_AGE:
            continue
        prev = found.get(mid)
        if prev is None or years > prev.oldest_child_age:
            found[mid] = CuratorReminder(mid, ref, kind, requested, years)
    return sorted(found.values(), key=lambda r: (r.requested, r.ref))
