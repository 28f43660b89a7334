"""The running clocks of the open cases a user may list, and the counts per clock.

`list_deadlines` is what the Termijnen page, the login line and `ikodesk
deadlines` show: references and clocks, never a name. The policy decides
(`access.deadline_cases`): a jurist lists the cases they handle, an
administrator every case, and a case behind a conflict wall for the user is
never listed. Management sees counts per clock only (`count_deadlines`).
Every call is audited by the policy point.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, or_, select, text, true
from sqlalchemy.orm import Session

from ikodesk.errors import QT_TRANSLATE_NOOP, InputError
from ikodesk.models import Case, Child, Country
from ikodesk.models.enums import CLOCK_CODES, CaseCode, ClockKind, Direction, Role
from ikodesk.services import access
from ikodesk.services.access import Action
from ikodesk.services.actors import Actor
from ikodesk.services.backend import on_server
from ikodesk.services.deadlines.clocks import (
    CONVENTION_AGE_LIMIT,
    SOON_DAYS,
    URGENT_DAYS,
    Clock,
    ClockFacts,
    TreatyFacts,
    add_years,
    clocks_of,
)

DEFAULT_WITHIN_DAYS = 60  # `ikodesk deadlines` without --within or --all
_CHUNK = 500


@dataclass(frozen=True, slots=True)
class DeadlineRow:
    """One running clock of one case, as the list shows it (no personal data)."""

    case_id: int
    ref: str
    code: CaseCode
    country: str | None
    clock: ClockKind
    due: date
    days_left: int
    child: int | None  # per-child clocks: the child's 0-based position on the case
    basis: str  # the legal basis (Dutch template, context "services")
    explanation: str

    def as_json(self) -> dict[str, Any]:
        """The shape of `ikodesk deadlines --json` (`child` only on per-child clocks)."""
        out: dict[str, Any] = {
            "ref": self.ref,
            "clock": self.clock.value,
            "due": self.due.isoformat(),
            "days_left": self.days_left,
        }
        if self.child is not None:
            out["child"] = self.child
        return out


@dataclass(frozen=True, slots=True)
class DeadlineCount:
    """How many clocks of one kind run in the open cases: overdue, due within 7 days,
    due within 30 days (the 7 days included; overdue ones in neither), and in all."""

    clock: ClockKind
    overdue: int
    within_7: int
    within_30: int
    running: int


def treaty_facts(session: Session, iso2s: Iterable[str]) -> dict[str, TreatyFacts]:
    """The reference data the clocks need of these countries."""
    wanted = sorted(set(iso2s))
    out: dict[str, TreatyFacts] = {}
    for i in range(0, len(wanted), _CHUNK):
        for c in session.scalars(select(Country).where(Country.iso2.in_(wanted[i : i + _CHUNK]))):
            out[c.iso2] = TreatyFacts(
                c.iso2,
                c.hague_party,
                c.hague_entry_into_force,
                c.eu_member,
                c.hague_acceded,
                c.hague_nl_acceptance,
            )
    return out


def clock_facts(case: Any, birth_dates: Sequence[date | None]) -> ClockFacts:
    """The clocks' facts of a stored case (a `Case` or a row with its columns)."""
    return ClockFacts(
        code=CaseCode(case.code),
        closed=case.closed,
        country=case.country,
        direction=Direction(case.direction) if case.direction else None,
        removal_date=case.removal_date,
        proceedings_started=case.proceedings_started,
        decision_first_instance=case.decision_first_instance,
        appeal_ready=case.appeal_ready,
        birth_dates=tuple(birth_dates),
    )


def _birth_dates(
    session: Session, actor: Actor, ids: Sequence[int], as_of: date
) -> dict[int, dict[int, date | None]]:
    """The children's birth dates of these cases, by case and position.

    On the office server an administrator's or manager's login reads no birth
    date: the server gives the 16th birthdays of the running Art. 4 clocks
    (ikodesk_sixteenth_birthdays), and the birth date given to the clocks is
    the one that has that birthday (the due date is all the list and the counts use).
    A manager only counts: the server gives a date standing for the count the clock
    falls in on `as_of` (overdue, within 7 days, within 30, later), not the birthday.
    """
    births: dict[int, dict[int, date | None]] = defaultdict(dict)
    counted = on_server(session) and actor.role in (Role.ADMIN, Role.MANAGER)
    for i in range(0, len(ids), _CHUNK):
        chunk = list(ids[i : i + _CHUNK])
        if counted:
            found = session.execute(_SIXTEENTH, {"ids": chunk, "as_of": as_of})
            for case_id, position, birthday in found:
                births[case_id][position] = add_years(birthday, -CONVENTION_AGE_LIMIT)
            continue
        for case_id, position, born in session.execute(
            select(Child.case_id, Child.position, Child.birth_date).where(Child.case_id.in_(chunk))
        ):
            births[case_id][position] = born
    return births


_SIXTEENTH = text(
    "SELECT * FROM ikodesk_sixteenth_birthdays(CAST(:ids AS integer[]), CAST(:as_of AS date))"
)


def _running(
    session: Session, actor: Actor, scope: ColumnElement[bool], as_of: date
) -> list[tuple[Any, list[Clock]]]:
    """The open abduction cases in `scope` with a clock date, each with its clocks."""
    c = Case
    cases = list(
        session.execute(
            select(
                c.id,
                c.ref,
                c.code,
                c.closed,
                c.country,
                c.direction,
                c.removal_date,
                c.proceedings_started,
                c.decision_first_instance,
                c.appeal_ready,
            ).where(
                scope,
                c.closed.is_(None),
                c.code.in_(CLOCK_CODES),
                or_(
                    c.removal_date.is_not(None),
                    c.proceedings_started.is_not(None),
                    c.appeal_ready.is_not(None),
                ),
            )
        )
    )
    births = _birth_dates(session, actor, [row.id for row in cases], as_of)
    countries = treaty_facts(session, (row.country for row in cases if row.country))
    out: list[tuple[Any, list[Clock]]] = []
    for row in cases:
        kids = births[row.id]
        dates = [kids.get(p) for p in range(max(kids) + 1)] if kids else []
        clocks = clocks_of(clock_facts(row, dates), countries.get(row.country or ""))
        if clocks:
            out.append((row, clocks))
    return out


def list_deadlines(
    session: Session,
    actor: Actor,
    *,
    as_of: date,
    within: int | None = DEFAULT_WITHIN_DAYS,
    everything: bool = False,
) -> list[DeadlineRow]:
    """The running clocks of the open cases `actor` may list, soonest first (audited).

    Those due within `within` days of `as_of`, overdue ones included; with
    `everything`, every running clock whatever its due date.
    """
    scope = f"alle lopende termijnen op {as_of.isoformat()}"
    if not everything:
        scope = f"binnen {within} dagen van {as_of.isoformat()}"
    access.require(session, actor, Action.DEADLINES_VIEW, detail=scope)
    return _rows(session, actor, as_of, None if everything else within)


def _rows(session: Session, actor: Actor, as_of: date, within: int | None) -> list[DeadlineRow]:
    rows: list[DeadlineRow] = []
    for case, clocks in _running(session, actor, access.deadline_cases(actor), as_of):
        for clock in clocks:
            left = clock.days_left(as_of)
            if within is not None and left > within:
                continue
            rows.append(
                DeadlineRow(
                    case.id,
                    case.ref,
                    CaseCode(case.code),
                    case.country,
                    clock.kind,
                    clock.due,
                    left,
                    clock.child,
                    clock.basis,
                    clock.explanation,
                )
            )
    rows.sort(key=lambda r: (r.due, r.ref, list(ClockKind).index(r.clock), r.child or 0))
    return rows


def count_due_soon(session: Session, actor: Actor, *, as_of: date) -> int:
    """How many of the clocks `actor` may list are due within 7 days or overdue (the
    login line "3 termijnen binnen 7 dagen").

    A number of the user's own clocks, asked again after every change to cases: like
    the case list's pages, not audited when allowed (a refusal is).
    """
    if not access.allowed(session, actor, Action.DEADLINES_VIEW):
        access.require(session, actor, Action.DEADLINES_VIEW, detail="aantal binnen 7 dagen")
    return len(_rows(session, actor, as_of, URGENT_DAYS))


MANAGER_COUNTS_TODAY = QT_TRANSLATE_NOOP(
    "services",
    "Op de kantoorserver telt management de lopende termijnen van vandaag. Totalen op een "
    "andere datum zouden samen de geboortedata van kinderen verraden; de beheerder kan de "
    "termijnen op een andere datum opvragen.",
)


def count_deadlines(session: Session, actor: Actor, *, as_of: date) -> list[DeadlineCount]:
    """Running clocks of all open cases, counted per clock (no references: management)."""
    access.require(session, actor, Action.DEADLINES_COUNT, detail=f"totalen op {as_of.isoformat()}")
    if on_server(session) and actor.role is Role.MANAGER and abs((as_of - date.today()).days) > 1:
        # The server counts management's Art. 4 clocks on its own day only: counts on
        # days of one's choosing, asked again and again, spell out the 16th birthdays.
        raise InputError(MANAGER_COUNTS_TODAY)
    tally: dict[ClockKind, list[int]] = {k: [0, 0, 0, 0] for k in ClockKind}
    for _case, clocks in _running(session, actor, true(), as_of):
        for clock in clocks:
            left = clock.days_left(as_of)
            counts = tally[clock.kind]
            counts[0] += left < 0
            counts[1] += 0 <= left <= URGENT_DAYS
            counts[2] += 0 <= left <= SOON_DAYS
            counts[3] += 1
    return [DeadlineCount(kind, *tally[kind]) for kind in ClockKind]
