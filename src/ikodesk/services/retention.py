"""Retention policy (AVG): how long each kind of case keeps its personal data, and legal holds.

A period is kept per *scope*: a case code (Line 1 has one code, `travel_consent`;
each Line 2 code has its own) or `mediation` for mediation requests. It counts
from the closing date (a case's `closed`; a mediation's `ended`, or its request
date when it never started). ikodesk makes no legal claim about the right
periods: the built-in defaults (Line 1: 2 years; Line 2 and mediation: 7 years)
are shown as unconfirmed until an administrator confirms them in Beheer, or an
approved retention run does (services.retention_run). Every change is audited.

The search terms kept beside the audit chain (services.search_audit) are kept
as long as the *shortest* period: they are often a name, of any case.

A legal hold on a case (reason, who, when) stops its removal; a mediation is
held with the case it belongs to. Who may set or lift one: services.access.require_hold.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from ikodesk.errors import QT_TRANSLATE_NOOP, InputError, NotFoundError
from ikodesk.models import Case, LegalHold, RetentionPeriod
from ikodesk.models.enums import LINE1_CODES, Action, CaseCode, line_of
from ikodesk.services import access, cases
from ikodesk.services.access import CaseFacts
from ikodesk.services.actors import Actor

MEDIATION = "mediation"
SCOPES: tuple[str, ...] = (*(c.value for c in CaseCode), MEDIATION)
DEFAULT_YEARS: dict[str, int] = {
    **{c.value: (2 if c in LINE1_CODES else 7) for c in CaseCode},
    MEDIATION: 7,
}
MIN_YEARS, MAX_YEARS = 1, 100
MAX_REASON = 500

UNKNOWN_SCOPE = QT_TRANSLATE_NOOP(
    "services", "Onbekende soort voor een bewaartermijn: {scope}. Kies een zaakcode of mediation."
)
BAD_YEARS = QT_TRANSLATE_NOOP(
    "services", "Een bewaartermijn is een heel aantal jaren van {low} tot en met {high}."
)
NO_REASON = QT_TRANSLATE_NOOP(
    "services", "Geef een reden voor de bewaarplicht (bijvoorbeeld een lopende procedure)."
)
NO_CASE = QT_TRANSLATE_NOOP("services", "Er is geen zaak met kenmerk {ref}.")
NO_HOLD = QT_TRANSLATE_NOOP("services", "Op zaak {ref} ligt geen bewaarplicht.")
HAS_HOLD = QT_TRANSLATE_NOOP(
    "services", "Op zaak {ref} ligt al een bewaarplicht (sinds {since}, door {by})."
)


@dataclass(frozen=True)
class PeriodRow:
    """One scope's period as Beheer and `ikodesk retention policy` show it."""

    scope: str
    line: int | None  # 1 or 2 for a case code; None for mediation
    years: int
    default_years: int
    confirmed: bool
    confirmed_by: str | None
    confirmed_at: datetime | None
    changed_by: str | None  # None: never set (the default)
    changed_at: datetime | None


@dataclass(frozen=True)
class HoldRow:
    ref: str
    code: CaseCode
    closed: date | None
    reason: str
    set_by: str
    set_at: datetime


def _scope_line(scope: str) -> int | None:
    return None if scope == MEDIATION else line_of(CaseCode(scope))


def periods(session: Session) -> dict[str, int]:
    """scope -> years in force (stored, else the default). No policy: the run's input."""
    stored = dict(session.execute(select(RetentionPeriod.scope, RetentionPeriod.years)).all())
    return {s: int(stored.get(s, DEFAULT_YEARS[s])) for s in SCOPES}


def search_terms_years(years: dict[str, int]) -> int:
    """How long search terms are kept: the shortest period (they may name anyone)."""
    return min(years.values())


def _require_manage(session: Session, actor: Actor) -> None:
    if not access.allowed(session, actor, Action.RETENTION_MANAGE):
        access.require(session, actor, Action.RETENTION_MANAGE)  # audits the refusal, raises


def policy(session: Session, actor: Actor) -> list[PeriodRow]:
    """Every scope's period, stored or default, and whether it is confirmed."""
    _require_manage(session, actor)
    stored = {p.scope: p for p in session.scalars(select(RetentionPeriod))}
    rows = []
    for scope in SCOPES:
        p = stored.get(scope)
        rows.append(
            PeriodRow(
                scope=scope,
                line=_scope_line(scope),
                years=p.years if p else DEFAULT_YEARS[scope],
                default_years=DEFAULT_YEARS[scope],
                confirmed=p is not None and p.confirmed_at is not None,
                confirmed_by=p.confirmed_by if p else None,
                confirmed_at=p.confirmed_at if p else None,
                changed_by=p.changed_by if p else None,
                changed_at=p.changed_at if p else None,
            )
        )
    return rows


def unconfirmed(session: Session) -> list[str]:
    """The scopes whose period nobody has confirmed yet (no policy: a question of facts)."""
    confirmed = set(
        session.scalars(
            select(RetentionPeriod.scope).where(RetentionPeriod.confirmed_at.is_not(None))
        )
    )
    return [s for s in SCOPES if s not in confirmed]


def set_period(session: Session, actor: Actor, scope: str, years: int) -> None:
    """An administrator sets a scope's period: it counts as confirmed by them (audited)."""
    if scope not in SCOPES:
        raise InputError(UNKNOWN_SCOPE, scope=scope)
    if not MIN_YEARS <= years <= MAX_YEARS:
        raise InputError(BAD_YEARS, low=MIN_YEARS, high=MAX_YEARS)
    before = periods(session)[scope]
    access.require(
        session,
        actor,
        Action.RETENTION_MANAGE,
        object_ref=scope,
        detail=f"termijn {before} -> {years} jaar",
    )
    _store(session, actor, scope, years, changed=True)


def confirm(session: Session, actor: Actor, *, by: str | None = None) -> list[str]:
    """Confirm every unconfirmed period as it stands (its default); returns the scopes.

    `by`: who confirmed (an approved run records "actor + approver"); audited by the caller
    when `by` is given, here otherwise.
    """
    scopes = unconfirmed(session)
    if by is None:
        access.require(
            session,
            actor,
            Action.RETENTION_MANAGE,
            detail=f"standaardtermijnen bevestigd: {len(scopes)}",
        )
    years = periods(session)
    for scope in scopes:
        _store(session, actor, scope, years[scope], changed=False, by=by)
    return scopes


def _store(
    session: Session, actor: Actor, scope: str, years: int, *, changed: bool, by: str | None = None
) -> None:
    now = datetime.now()
    row = session.get(RetentionPeriod, scope)
    if row is None:
        row = RetentionPeriod(scope=scope, years=years, changed_at=now, changed_by=actor.username)
        session.add(row)
    elif changed:
        row.years, row.changed_at, row.changed_by = years, now, actor.username
    row.confirmed_at, row.confirmed_by = now, (by or actor.username)[:64]
    session.flush()


# --- legal holds ---------------------------------------------------------------------------


def _case(session: Session, actor: Actor, ref: str, *, lifting: bool) -> Case:
    case = session.scalar(select(Case).where(Case.ref == ref.strip()))
    if case is None:
        unseen = cases.out_of_sight(session, ref=ref.strip())
        if unseen is not None:
            # The server's row security hid it (a student, another jurist's dossier):
            # refuse as the file does, audited, not "there is no such case".
            access.require_hold(
                session, actor, unseen, lifting=lifting, detail=_HOLD_DETAIL[lifting]
            )
        raise NotFoundError(NO_CASE, ref=ref.strip())
    return case


_HOLD_DETAIL = {False: "opgelegd", True: "opgeheven"}


def set_hold(session: Session, actor: Actor, ref: str, reason: str) -> None:
    """Put a legal hold on a case: its personal data stays past its period (audited)."""
    reason = " ".join(reason.split())
    if not reason:
        raise InputError(NO_REASON)
    case = _case(session, actor, ref, lifting=False)
    existing = session.get(LegalHold, case.id)
    access.require_hold(
        session, actor, CaseFacts.of(case), lifting=False, detail=_HOLD_DETAIL[False]
    )
    if existing is not None:
        raise InputError(
            HAS_HOLD, ref=case.ref, since=existing.set_at.strftime("%d-%m-%Y"), by=existing.set_by
        )
    session.add(
        LegalHold(
            case_id=case.id,
            reason=reason[:MAX_REASON],
            set_by=actor.username,
            set_at=datetime.now(),
        )
    )
    session.flush()


def lift_hold(session: Session, actor: Actor, ref: str) -> None:
    """Lift a case's legal hold: it is removed by the next run once due (audited)."""
    case = _case(session, actor, ref, lifting=True)
    access.require_hold(session, actor, CaseFacts.of(case), lifting=True, detail=_HOLD_DETAIL[True])
    if session.get(LegalHold, case.id) is None:
        raise NotFoundError(NO_HOLD, ref=case.ref)
    session.execute(delete(LegalHold).where(LegalHold.case_id == case.id))


def holds(session: Session, actor: Actor) -> list[HoldRow]:
    """Every legal hold: reference, code, closing date, reason, who, when (administrators)."""
    _require_manage(session, actor)
    stmt = (
        select(
            Case.ref, Case.code, Case.closed, LegalHold.reason, LegalHold.set_by, LegalHold.set_at
        )
        .join(LegalHold, LegalHold.case_id == Case.id)
        .order_by(Case.ref)
    )
    return [HoldRow(*row) for row in session.execute(stmt)]


__all__ = [
    "DEFAULT_YEARS",
    "MEDIATION",
    "SCOPES",
    "HoldRow",
    "PeriodRow",
    "confirm",
    "holds",
    "lift_hold",
    "periods",
    "policy",
    "search_terms_years",
    "set_hold",
    "set_period",
    "unconfirmed",
]
