"""The mediation workflow's steps: register and edit a request, decide, run, end.

Every step builds the state it leads to and checks it with
`validation.mediation_rules` (see the package docstring), after its own
precondition with a Dutch message that says what to do instead.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import date

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from ikodesk.errors import QT_TRANSLATE_NOOP, NotFoundError, ValidationError
from ikodesk.models import (
    ChildInterview,
    Mediation,
    MediationChild,
    MediationParent,
    Mediator,
    mediation_mediators,
)
from ikodesk.models.enums import (
    FailureReason,
    Intake,
    MediationStatus,
    Outcome,
)
from ikodesk.services import access
from ikodesk.services.access import Action
from ikodesk.services.actors import Actor
from ikodesk.services.backend import on_server
from ikodesk.services.cases import LAST_REF_ON_SERVER
from ikodesk.services.exchange.rows import child_values, mediation_parent_values
from ikodesk.services.mediation import refusals as R
from ikodesk.services.mediation.queries import mediator_warnings
from ikodesk.services.mediation.views import (
    Assignment,
    InterviewView,
    MediationDetail,
    RequestData,
    _case_id,
    _detail,
    _load,
    _refuse,
    _reloaded,
)
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

_REF_SEQ = re.compile(r"^M(\d{4})-(\d+)$")


# --- helpers --------------------------------------------------------------------


def _raise(problems: Iterable[FieldProblem], rename: dict[str, str] | None = None) -> None:
    # One problem per field (the first found), named as the step's form names it.
    first: dict[str, FieldProblem] = {}
    for p in problems:
        field = (rename or {}).get(p.field, p.field)
        first.setdefault(field, p if field == p.field else p.at(field))
    if first:
        raise ValidationError(list(first.values()))


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
        court_hearing=m.court_hearing,
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


def _next_ref(session: Session, year: int) -> str:
    """The next free reference of a year: M2024-007 (three digits, more when needed)."""
    prefix = f"M{year}-"
    if on_server(session):
        # Taken under the server's lock: unique under concurrent registration.
        session.execute(LAST_REF_ON_SERVER, {"kind": "mediation", "prefix": prefix})
    refs = session.scalars(
        select(Mediation.ref).where(Mediation.ref >= prefix, Mediation.ref < prefix + "~")
    )
    seq = 0
    for ref in refs:
        match = _REF_SEQ.match(ref)
        if match:
            seq = max(seq, int(match.group(2)))
    return f"{prefix}{seq + 1:03d}"


def _request_problems(data: RequestData) -> list[FieldProblem]:
    """What a request form must hold beyond the exchange rules."""
    problems: list[FieldProblem] = []
    if not data.children:
        problems.append(FieldProblem("children", R.CHILD_NEEDED))
    return problems


def _set_request_fields(m: Mediation, data: RequestData, case_id: int | None) -> None:
    m.kind = data.kind
    m.requested = data.requested
    m.referred_by = data.referred_by
    m.court_hearing = data.court_hearing
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
        court_hearing=data.court_hearing,
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
    snap.court_hearing = data.court_hearing
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
        raise _refuse("status", R.START_NOT_CONTINUED)
    if m.status is not MediationStatus.REQUESTED:
        assert m.started is not None
        raise _refuse("status", R.ALREADY_STARTED_ON, started=m.started)
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
        raise _refuse("status", R.ALREADY_NOT_CONTINUED)
    if m.status is not MediationStatus.REQUESTED:
        raise _refuse("status", R.STARTED_CANNOT_STOP)
    text = (reason or "").strip()
    if not text:
        raise _refuse("not_started_reason", R.REASON_NEEDED)
    if len(text) > TEXT_MAX:
        raise _refuse("not_started_reason", R.TOO_LONG, max=TEXT_MAX)
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
        raise _refuse("status", R.ONLY_NOT_CONTINUED_REOPENS)
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
        raise _refuse("special_curator", R.CURATOR_WHEN_NOT_STARTED)
    snap = _snapshot(m)
    snap.special_curator = day
    _check(session, snap)
    _store_state(m, snap)
    return _reloaded(session, actor, m)


# --- running: intake, mediators, child interviews, outcome ---------------------------


def _require_running(m: Mediation, field_name: str) -> None:
    if m.status is MediationStatus.REQUESTED:
        raise _refuse(field_name, R.NOT_YET_STARTED[field_name])
    if m.status is MediationStatus.NOT_STARTED:
        raise _refuse(field_name, R.NOT_CONTINUED[field_name])


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
    _require_running(m, "intake")
    if m.status is MediationStatus.ENDED:
        raise _refuse("intake", R.ALREADY_ENDED)
    snap = _snapshot(m)
    snap.intake = intake
    if intake is Intake.SUITABLE:
        if ended is not None:
            raise _refuse("ended", R.SUITABLE_RUNS_ON)
    else:
        if ended is None:
            raise _refuse("ended", R.END_DATE_NEEDED)
        late = _interview_after(m, ended)
        if late is not None:
            raise _refuse("ended", R.INTERVIEW_AFTER_END, day=late.date)
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
    _require_running(m, "outcome")
    if m.intake is Intake.NOT_SUITABLE:
        raise _refuse("outcome", R.NOT_SUITABLE_NO_OUTCOME)
    if m.intake is None:
        raise _refuse("intake", R.INTAKE_FIRST)
    reasons = list(dict.fromkeys(failure_reasons))
    if reasons and outcome is not Outcome.NO_AGREEMENT:
        raise _refuse("failure_reasons", R.REASONS_ONLY_WITHOUT_AGREEMENT)
    late = _interview_after(m, ended)
    if late is not None:
        raise _refuse("ended", R.INTERVIEW_AFTER_END, day=late.date)
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
    _require_running(m, "child_interviews")
    if children < 1:
        raise _refuse("children", R.ONE_CHILD_HEARD)
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
        raise NotFoundError(QT_TRANSLATE_NOOP("services", "Dit kindgesprek bestaat niet (meer)."))
    mediation_id = interview.mediation_id
    session.delete(interview)
    session.flush()
    return _detail(session, actor, _load(session, mediation_id))


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
        raise _refuse("mediators", R.NO_MEDIATORS_NOT_CONTINUED)
    if m.status is MediationStatus.ENDED:
        raise _refuse("mediators", R.MEDIATORS_FIXED)
    ids = list(mediator_ids)
    pool = {md.id: md for md in session.scalars(select(Mediator).where(Mediator.id.in_(ids)))}
    current = {md.id for md in m.mediators}
    for mediator_id in ids:
        md = pool.get(mediator_id)
        if md is None:
            raise _refuse("mediators", R.NO_SUCH_MEDIATOR)
        if not md.active and mediator_id not in current:
            raise _refuse("mediators", R.MEDIATOR_INACTIVE, name=md.name)
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
