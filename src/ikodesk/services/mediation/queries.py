"""Reading mediations: one detail, the status list, the curator reminders, mediator warnings."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session

from ikodesk.errors import QT_TRANSLATE_NOOP, NotFoundError
from ikodesk.models import (
    ChildInterview,
    Mediation,
    MediationChild,
    Mediator,
    age_in_years,
    mediation_mediators,
)
from ikodesk.models.enums import (
    MediationKind,
    MediationStatus,
)
from ikodesk.services import access
from ikodesk.services.access import Action
from ikodesk.services.actors import Actor
from ikodesk.services.mediation import refusals as R
from ikodesk.services.mediation.views import (
    CURATOR_MIN_AGE,
    CuratorReminder,
    LinkedCase,
    MediationDetail,
    MediationRow,
    _case_id,
    _curator_due,
    _detail,
    _linked_cases,
    _load,
    _refuse,
)
from ikodesk.services.mediation_family import same_family


def _require_read(session: Session, actor: Actor, mediation_id: int) -> str | None:
    """Refuse unless `actor` may read mediations; the mediation's ref (None: no such one).

    The audit entry names the mediation by its ref. A role that may not read
    mediations is refused before anything is looked up (on the office server
    its login cannot read the table at all): its entry names the id asked for.
    """
    if not access.role_allows(actor, Action.MEDIATION_READ):
        access.require(session, actor, Action.MEDIATION_READ, detail=f"mediation id {mediation_id}")
    ref = session.scalar(select(Mediation.ref).where(Mediation.id == mediation_id))
    access.require(session, actor, Action.MEDIATION_READ, object_ref=ref)
    return ref


def mediator_warnings(
    session: Session, actor: Actor, mediation_id: int, mediator_ids: Sequence[int]
) -> list[str]:
    """Warnings for assigning these mediators: one already on a mediation of the same family.

    "Same family" is defined in services/mediation_family.py. A warning, not a
    refusal: the bureau decides.
    """
    ref = _require_read(session, actor, mediation_id)
    if ref is None:
        raise NotFoundError(QT_TRANSLATE_NOOP("services", "Deze mediation bestaat niet (meer)."))
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
    family = same_family(session, mediation_id, {m for ms in others.values() for m in ms})
    if not family:
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
        same = sorted(refs[m] for m in others.get(mediator_id, []) if m in family)
        if same:
            warnings.append(
                f"Let op: {names[mediator_id]} is ook mediator bij "
                f"{', '.join(same)} van hetzelfde gezin (zelfde kind, ouder of zaak)."
            )
    return warnings


def get_mediation(session: Session, actor: Actor, mediation_id: int) -> MediationDetail:
    """One mediation with its parents, children, mediators, interviews and linked case facts."""
    _require_read(session, actor, mediation_id)
    return _detail(session, actor, _load(session, mediation_id))


def get_mediation_by_ref(session: Session, actor: Actor, ref: str) -> MediationDetail:
    """One mediation by its reference (M2024-007)."""
    # The reference asked for, found or not: the audit log says which dossier was read.
    access.require(session, actor, Action.MEDIATION_READ, object_ref=ref.strip()[:80])
    mediation_id = session.scalar(select(Mediation.id).where(Mediation.ref == ref.strip()))
    if mediation_id is None:
        raise NotFoundError(
            QT_TRANSLATE_NOOP("services", 'Mediation "{ref}" bestaat niet.'), ref=ref.strip()
        )
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
        raise _refuse("case", R.CASE_REF_NEEDED)
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
