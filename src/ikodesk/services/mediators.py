"""The Mediation Bureau's pool of mediators: languages, CBFM certification, caseload.

Caseload of a mediator in a year: the number of mediations the mediator is
assigned to that were requested in that year, or were running at some time
in it (started on or before 31 December and not ended before 1 January). A
mediation requested in December and running into the next year therefore
counts in both years; a request that never started counts in its request
year only.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import ColumnElement, and_, func, or_, select
from sqlalchemy.orm import Session

from ikodesk.errors import QT_TRANSLATE_NOOP, NotFoundError, ValidationError
from ikodesk.models import Mediation, Mediator, mediation_mediators
from ikodesk.services import access, input_rules
from ikodesk.services.access import Action
from ikodesk.services.actors import Actor
from ikodesk.services.validation import FieldProblem, check_language

NAME_MAX = 200


@dataclass(frozen=True, slots=True)
class MediatorRow:
    """A mediator of the pool, with the caseload of the year asked (else of all years)."""

    id: int
    name: str
    cbfm: bool
    languages: tuple[str, ...]
    active: bool
    caseload: int


def _clean_name(name: str) -> str:
    input_rules.check_text("name", name)
    cleaned = " ".join((name or "").split())
    if not cleaned:
        raise ValidationError(
            [FieldProblem("name", QT_TRANSLATE_NOOP("services", "Geef de naam van de mediator."))]
        )
    if len(cleaned) > NAME_MAX:
        raise ValidationError(
            [
                FieldProblem(
                    "name",
                    QT_TRANSLATE_NOOP("services", "Te lang (maximaal {max} tekens)."),
                    max=NAME_MAX,
                )
            ]
        )
    return cleaned


def _name_taken_error(name: str) -> ValidationError:
    return ValidationError(
        [
            FieldProblem(
                "name",
                QT_TRANSLATE_NOOP("services", 'Er is al een mediator met de naam "{name}".'),
                name=name,
            )
        ]
    )


def clean_languages(languages: Iterable[str]) -> list[str]:
    """Language codes as the pool stores them: lower case, no doubles, in the given order."""
    out: list[str] = []
    for i, raw in enumerate(languages):
        code = raw.strip().lower() if isinstance(raw, str) else raw
        try:
            check_language(code, f"languages[{i}]")
        except FieldProblem as problem:
            raise ValidationError([problem.at("languages")]) from None
        if code not in out:
            out.append(code)
    return out


def _name_taken(session: Session, name: str, except_id: int | None = None) -> bool:
    query = select(Mediator.id).where(func.lower(Mediator.name) == name.lower())
    if except_id is not None:
        query = query.where(Mediator.id != except_id)
    return session.scalar(query) is not None


def active_in_year(year: int) -> ColumnElement[bool]:
    """The caseload rule (see the module docstring) as a WHERE clause on Mediation."""
    first, last = date(year, 1, 1), date(year, 12, 31)
    return or_(
        and_(Mediation.requested >= first, Mediation.requested <= last),
        and_(
            Mediation.started.is_not(None),
            Mediation.started <= last,
            or_(Mediation.ended.is_(None), Mediation.ended >= first),
        ),
    )


def _caseloads(session: Session, year: int | None) -> dict[int, int]:
    query = select(mediation_mediators.c.mediator_id, func.count(func.distinct(Mediation.id))).join(
        Mediation, Mediation.id == mediation_mediators.c.mediation_id
    )
    if year is not None:
        query = query.where(active_in_year(year))
    query = query.group_by(mediation_mediators.c.mediator_id)
    return {mediator_id: int(n) for mediator_id, n in session.execute(query)}


def _row(md: Mediator, caseload: int) -> MediatorRow:
    return MediatorRow(md.id, md.name, md.cbfm, tuple(md.languages), md.active, caseload)


def add_mediator(
    session: Session,
    actor: Actor,
    name: str,
    languages: Sequence[str] = (),
    *,
    cbfm: bool = False,
    active: bool = True,
) -> MediatorRow:
    """Add a mediator to the pool."""
    access.require(session, actor, Action.MEDIATION_WRITE)
    cleaned = _clean_name(name)
    if _name_taken(session, cleaned):
        raise _name_taken_error(cleaned)
    md = Mediator(name=cleaned, cbfm=cbfm, languages=clean_languages(languages), active=active)
    session.add(md)
    session.flush()
    return _row(md, 0)


def update_mediator(
    session: Session,
    actor: Actor,
    mediator_id: int,
    *,
    name: str | None = None,
    languages: Sequence[str] | None = None,
    cbfm: bool | None = None,
    active: bool | None = None,
) -> MediatorRow:
    """Change a mediator's name, languages, certification or activity (None: unchanged).

    A mediator who leaves the pool is made inactive, not deleted: past
    mediations keep their mediators.
    """
    access.require(session, actor, Action.MEDIATION_WRITE)
    md = session.get(Mediator, mediator_id)
    if md is None:
        raise NotFoundError(QT_TRANSLATE_NOOP("services", "Deze mediator bestaat niet (meer)."))
    if name is not None:
        cleaned = _clean_name(name)
        if _name_taken(session, cleaned, except_id=md.id):
            raise _name_taken_error(cleaned)
        md.name = cleaned
    if languages is not None:
        md.languages = clean_languages(languages)
    if cbfm is not None:
        md.cbfm = cbfm
    if active is not None:
        md.active = active
    session.flush()
    return _row(md, _caseloads(session, None).get(md.id, 0))


def list_mediators(
    session: Session, actor: Actor, *, year: int | None = None, include_inactive: bool = True
) -> list[MediatorRow]:
    """The pool by name, with each mediator's caseload in `year` (all years when None).

    Aggregate data: management may see it too.
    """
    access.require(session, actor, Action.MEDIATION_AGGREGATE)
    query = select(Mediator).order_by(Mediator.name)
    if not include_inactive:
        query = query.where(Mediator.active.is_(True))
    loads = _caseloads(session, year)
    return [_row(md, loads.get(md.id, 0)) for md in session.scalars(query)]


def find_mediators(
    session: Session,
    actor: Actor,
    *,
    language: str | None = None,
    cbfm: bool | None = None,
    active_only: bool = True,
    year: int | None = None,
) -> list[MediatorRow]:
    """The pool filtered for an assignment: speaks `language`, CBFM certified (when True),
    active. Least busy first (caseload in `year`, default all years), then by name.
    """
    access.require(session, actor, Action.MEDIATION_READ)
    wanted = clean_languages([language])[0] if language else None
    query = select(Mediator)
    if active_only:
        query = query.where(Mediator.active.is_(True))
    if cbfm is not None:
        query = query.where(Mediator.cbfm.is_(cbfm))
    loads = _caseloads(session, year)
    rows = [
        _row(md, loads.get(md.id, 0))
        for md in session.scalars(query)
        if wanted is None or wanted in md.languages
    ]
    return sorted(rows, key=lambda r: (r.caseload, r.name.casefold()))


def mediator_id_by_name(session: Session, actor: Actor, name: str) -> int:
    """The id of the mediator called `name` (any case, active or not): a list's filter."""
    wanted = name.strip().casefold()
    for row in find_mediators(session, actor, active_only=False):
        if row.name.casefold() == wanted:
            return row.id
    raise NotFoundError(QT_TRANSLATE_NOOP("services", 'Onbekende mediator "{name}".'), name=name)
