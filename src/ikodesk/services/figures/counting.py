"""The counts of one year, part by part, each from SQL aggregates on the detailed records.

Each `_part(session, period, flat)` fills its keys of the flat figures; the
counting rules are in the package docstring. `assembling.compute_figures`
calls them all.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from fractions import Fraction
from typing import Any

from sqlalchemy import Table, and_, case, column, func, or_, select, table
from sqlalchemy.orm import Session

from ikodesk.models import (
    Activity,
    Case,
    Child,
    ChildInterview,
    ConflictPair,
    ConflictStatus,
    Contact,
    Country,
    Mediation,
    Person,
)
from ikodesk.models.enums import (
    CaseCode,
    MediationStatus,
    Outcome,
    PersonRole,
    RequesterKind,
)
from ikodesk.services import access
from ikodesk.services.access import Action
from ikodesk.services.actors import Actor
from ikodesk.services.deadlines.clocks import add_years
from ikodesk.services.exchange.rows import table_of
from ikodesk.services.figure_keys import (
    CHANNELS,
    FAILURE_REASONS,
    LIST_KEYS,
    PARTIES,
)
from ikodesk.services.figures.values import percent, round_half_away

_CASES: Table = table_of(Case)
_PERSONS: Table = table_of(Person)
_CHILDREN: Table = table_of(Child)
# Each case child's age at the case's opening (a view: storage migration 0007).
_CHILD_AGES = table("child_ages", column("child_id"), column("case_id"), column("age"))
_CONTACTS: Table = table_of(Contact)
_COUNTRIES: Table = table_of(Country)
_MEDIATIONS: Table = table_of(Mediation)
_INTERVIEWS: Table = table_of(ChildInterview)
_ACTIVITIES: Table = table_of(Activity)
_PAIRS: Table = table_of(ConflictPair)

_COUNTRY_KEYS = tuple(k for k in LIST_KEYS if "countries" in k.split("."))
_POTENTIAL_SIDES = ("potential_left_behind", "potential_taking")
_ABDUCTION_SIDES = ("left_behind", "taking")
_PARENTS = ("mother", "father")
# Every code (a closed set: CHECK constraint casecode). Filtering on it changes no
# count but lets SQLite seek ix_cases_line_code_opened by line, code and the year's
# dates; on `line` alone it read every Line 2 case of every year from the table.
_ANY_CODE = _CASES.c.code.in_([code.value for code in CaseCode])


# --- the computation ----------------------------------------------------------------------


@dataclass(frozen=True)
class _Year:
    year: int

    @property
    def start(self) -> date:
        return date(self.year, 1, 1)

    @property
    def end(self) -> date:
        return date(self.year + 1, 1, 1)

    @property
    def start_at(self) -> datetime:
        return datetime(self.year, 1, 1)

    @property
    def end_at(self) -> datetime:
        return datetime(self.year + 1, 1, 1)


def _in_year(column: Any, period: _Year) -> Any:
    return and_(column >= period.start, column < period.end)


def _countries(counter: Counter[str]) -> list[list[Any]]:
    """[[iso2, count], ...]: highest count first, ties by ISO code."""
    return [[iso, n] for iso, n in sorted(counter.items(), key=lambda kv: (-kv[1], kv[0])) if n]


def _requester_join() -> Any:
    return _CASES.join(
        _PERSONS,
        and_(
            _PERSONS.c.case_id == _CASES.c.id,
            _PERSONS.c.role == PersonRole.REQUESTER.value,
        ),
    )


def _is_parent() -> Any:
    return case((_PERSONS.c.kind == RequesterKind.PARENT.value, 1), else_=0)


def _count_if(*conditions: Any) -> Any:
    """count(*) FILTER (WHERE ...): one pass over the rows, no sorter for a GROUP BY.

    The counts below have a handful of fixed groups (lines, channels, parties, all
    closed sets by CHECK constraints); counting each group in one scan is several
    times cheaper than sorting the year's rows into groups (SQLite builds a temp
    B-tree for a GROUP BY that no index orders). PostgreSQL knows FILTER too.
    """
    return func.count().filter(and_(*conditions))


def _case_totals(session: Session, period: _Year, flat: dict[str, Any]) -> None:
    c = _CASES.c
    closed_in_year = and_(c.closed.is_not(None), c.closed < period.end)
    stmt = select(
        _count_if(c.line == 1),
        _count_if(c.line == 2),
        _count_if(c.line == 2, closed_in_year),
    ).where(_in_year(c.opened, period))
    line1, line2, closed = session.execute(stmt).one()
    flat["cases.line1"] = line1
    flat["cases.line2"] = line2
    flat["cases.total"] = line1 + line2  # a case's line is 1 or 2 (CHECK ck_cases_line)
    flat["cases.line2_closed_in_year"] = closed
    flat["cases.line2_carried_over"] = line2 - closed


def _contact_totals(session: Session, period: _Year, flat: dict[str, Any]) -> None:
    """Contact moments by channel and party (from the covering index on `at`) and by
    their case's line. Channel and party are closed sets (CHECK constraints)."""
    ct, c = _CONTACTS.c, _CASES.c
    pairs = [(channel, party) for channel in CHANNELS for party in PARTIES]
    stmt = (
        select(
            func.count(),
            _count_if(c.line == 2),
            *(_count_if(ct.channel == channel, ct.party == party) for channel, party in pairs),
        )
        .select_from(_CONTACTS.join(_CASES, c.id == ct.case_id))
        .where(ct.at >= period.start_at, ct.at < period.end_at)
    )
    total, line2, *counts = session.execute(stmt).one()
    flat["contacts.total"] = total
    flat["contacts.by_line.line1"] = total - line2  # a case's line is 1 or 2
    flat["contacts.by_line.line2"] = line2
    for (channel, party), n in zip(pairs, counts, strict=True):
        flat[f"contacts.by_channel_party.{channel}.{party}"] = n
        flat[f"contacts.by_channel.{channel}"] += n


def _line2(session: Session, period: _Year, flat: dict[str, Any]) -> None:
    """Line 2 cases by code and requester, with the details each section reports."""
    c, p, k = _CASES.c, _PERSONS.c, _COUNTRIES.c
    # Party to the 1980 Convention on the opening date. A party whose date of entry
    # into force is unknown (NULL) counts as a party: the reference data marks it as
    # one, and guessing "not yet" would move its cases to the non-Hague column.
    hague = case(
        (
            and_(
                k.hague_party.is_(True),
                or_(k.hague_entry_into_force.is_(None), k.hague_entry_into_force <= c.opened),
            ),
            1,
        ),
        else_=0,
    )
    group = (p.kind, p.relation, p.side, c.code, c.direction, c.taker, c.mover, c.country, hague)
    stmt = (
        select(*group, func.count())
        .select_from(_requester_join().outerjoin(_COUNTRIES, k.iso2 == c.country))
        .where(c.line == 2, _ANY_CODE, _in_year(c.opened, period))
        .group_by(*group)
    )
    countries: dict[str, Counter[str]] = defaultdict(Counter)
    for (
        kind,
        relation,
        side,
        code,
        direction,
        taker,
        mover,
        country,
        is_hague,
        n,
    ) in session.execute(stmt):
        parent = kind == RequesterKind.PARENT
        flat[f"line2.{code}.{'parent' if parent else 'third_party'}"] += n
        flat[f"line2.{code}.total"] += n
        if code == CaseCode.PREVENTION:
            if country:
                countries["prevention.countries"][country] += n
            if parent and relation in _PARENTS:
                flat[f"prevention.requester.{relation}"] += n
                if side in _POTENTIAL_SIDES:
                    flat[f"prevention.parents.{relation}.{side}"] += n
        elif code == CaseCode.FAMILY_ABDUCTION:
            flat["family_abduction.cases"] += n
        elif not parent:
            continue  # the other sections describe what parents asked
        elif code == CaseCode.RELOCATION_CONSENT:
            flat["relocation_consent.parent_cases"] += n
            if mover in _PARENTS:
                flat[f"relocation_consent.mover.{mover}"] += n
            if relation in _PARENTS and mover in _PARENTS:
                who = "self" if relation == mover else "other_parent"
                flat[f"relocation_consent.requester.{relation}.{who}"] += n
            if country and direction in ("outgoing", "incoming"):
                countries[f"relocation_consent.countries.{direction}"][country] += n
        elif code == CaseCode.INTERNATIONAL_ABDUCTION:
            flat["abduction.parent_cases"] += n
            if taker in _PARENTS:
                flat[f"abduction.taker.{taker}"] += n
            if side in _ABDUCTION_SIDES and relation in _PARENTS:
                flat[f"abduction.requester.{side}.{relation}"] += n
            if direction in ("outgoing", "incoming", "abroad"):
                flat[f"abduction.direction.{direction}.cases"] += n
            if direction in ("outgoing", "incoming"):
                # A case without a country (never valid for this code) is not "Hague".
                flat[f"abduction.direction.{direction}.{'hague' if is_hague else 'non_hague'}"] += n
                if country:
                    countries[f"abduction.countries.{direction}"][country] += n
        elif code == CaseCode.INTERNATIONAL_CONTACT:
            flat["international_contact.parent_cases"] += n
            if relation in _PARENTS:
                flat[f"international_contact.requester.{relation}"] += n
            if country and direction in ("child_abroad", "parent_abroad"):
                countries[f"international_contact.countries.{direction}"][country] += n
    for key in _COUNTRY_KEYS:
        flat[key] = _countries(countries[key])


def _children(session: Session, period: _Year, flat: dict[str, Any]) -> None:
    c, ch = _CASES.c, _CHILDREN.c
    is_parent = _is_parent()
    codes = (
        CaseCode.PREVENTION.value,
        CaseCode.RELOCATION_CONSENT.value,
        CaseCode.INTERNATIONAL_ABDUCTION.value,
        CaseCode.FAMILY_ABDUCTION.value,
    )
    stmt = (
        select(c.code, is_parent, c.direction, func.count())
        .select_from(_requester_join().join(_CHILDREN, ch.case_id == c.id))
        .where(c.line == 2, c.code.in_(codes), _in_year(c.opened, period))
        .group_by(c.code, is_parent, c.direction)
    )
    for code, parent, direction, n in session.execute(stmt):
        if code == CaseCode.FAMILY_ABDUCTION:
            flat["family_abduction.children"] += n
        elif not parent:
            continue
        elif code == CaseCode.PREVENTION:
            flat["prevention.children"] += n
        elif code == CaseCode.RELOCATION_CONSENT:
            flat["relocation_consent.children"] += n
        else:
            flat["abduction.children"] += n
            if direction in ("outgoing", "incoming", "abroad"):
                flat[f"abduction.direction.{direction}.children"] += n


def _ages(session: Session, period: _Year, flat: dict[str, Any]) -> None:
    """Children of parents' outgoing and incoming abduction cases by age at opening.

    From the `child_ages` view (migration 0007): the age at opening by the model's
    rule (models.age_in_years) in SQL, so that counting needs no birth date (on
    the office server a manager may count ages but not read birth dates).
    """
    c, p, ch = _CASES.c, _PERSONS.c, _CHILD_AGES.c
    stmt = (
        select(c.direction, ch.age, func.count())
        .select_from(_requester_join().join(_CHILD_AGES, ch.case_id == c.id))
        .where(
            c.line == 2,
            c.code == CaseCode.INTERNATIONAL_ABDUCTION.value,
            p.kind == RequesterKind.PARENT.value,
            c.direction.in_(("outgoing", "incoming")),
            _in_year(c.opened, period),
        )
        .group_by(c.direction, ch.age)
    )
    ages: dict[str, Counter[int]] = defaultdict(Counter)
    for direction, age, n in session.execute(stmt):
        if age is not None:
            ages[str(direction)][int(age)] += n
    for direction in ("outgoing", "incoming"):
        counted = ages[direction]
        flat[f"abduction.ages.{direction}"] = {str(a): counted[a] for a in sorted(counted)}


def _abduction_timing(session: Session, period: _Year, flat: dict[str, Any]) -> None:
    """How early parents reach the centre (exchange format 1.1's dates).

    Of the parent-requested abduction cases opened in the year: how many had return
    proceedings started at most one year after the removal (a year after 29 February
    is 28 February), and the median of the days from the removal to the opening,
    whole days, half away from zero; null without a case with a removal date.
    """
    c, p = _CASES.c, _PERSONS.c
    stmt = (
        select(c.opened, c.removal_date, c.proceedings_started)
        .select_from(_requester_join())
        .where(
            c.line == 2,
            c.code == CaseCode.INTERNATIONAL_ABDUCTION.value,
            p.kind == RequesterKind.PARENT.value,
            c.removal_date.is_not(None),
            _in_year(c.opened, period),
        )
    )
    days: list[int] = []
    within = 0
    for opened, removal, started in session.execute(stmt):
        days.append((opened - removal).days)
        within += started is not None and started <= add_years(removal, 1)
    flat["abduction.filed_within_one_year"] = within
    flat["abduction.median_days_removal_to_opening"] = median_days(days)


def median_days(days: list[int]) -> int | None:
    """The median, whole days rounded half away from zero; None for no values."""
    if not days:
        return None
    ordered = sorted(days)
    mid = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[mid]
    return round_half_away(Fraction(ordered[mid - 1] + ordered[mid], 2))


def _mediation(session: Session, period: _Year, flat: dict[str, Any]) -> None:
    m, iv = _MEDIATIONS.c, _INTERVIEWS.c
    requests = (
        select(m.kind, m.status, m.intake, func.count())
        .where(_in_year(m.requested, period))
        .group_by(m.kind, m.status, m.intake)
    )
    for kind, status, intake, n in session.execute(requests):
        flat["mediation.requests.total"] += n
        flat[f"mediation.requests.{kind}"] += n
        if status in (MediationStatus.RUNNING, MediationStatus.ENDED):
            flat[f"mediation.started.{kind}"] += n
        elif status == MediationStatus.NOT_STARTED:
            flat[f"mediation.not_started.{kind}"] += n
        if intake == "not_suitable":
            flat[f"mediation.not_suitable.{kind}"] += n

    outcomes = (
        select(m.kind, m.outcome, func.count())
        .where(_in_year(m.ended, period), m.outcome.is_not(None))
        .group_by(m.kind, m.outcome)
    )
    for kind, outcome, n in session.execute(outcomes):
        flat[f"mediation.outcomes.{kind}.{outcome}"] += n

    def rate(kinds: tuple[str, ...]) -> int | None:
        ok = sum(
            flat[f"mediation.outcomes.{k}.{o}"]
            for k in kinds
            for o in (Outcome.FULL_AGREEMENT.value, Outcome.MIRROR_AGREEMENT.value)
        )
        failed = sum(flat[f"mediation.outcomes.{k}.{Outcome.NO_AGREEMENT.value}"] for k in kinds)
        return percent(ok, ok + failed)

    flat["mediation.success_rate.all"] = rate(("iko", "niko"))
    flat["mediation.success_rate.iko"] = rate(("iko",))
    flat["mediation.success_rate.niko"] = rate(("niko",))

    flat["mediation.special_curator"] = int(
        session.scalar(
            select(func.count()).select_from(_MEDIATIONS).where(_in_year(m.special_curator, period))
        )
        or 0
    )
    interviews = (
        select(m.kind, func.count(), func.coalesce(func.sum(iv.children), 0))
        .select_from(_INTERVIEWS.join(_MEDIATIONS, m.id == iv.mediation_id))
        .where(_in_year(iv.date, period))
        .group_by(m.kind)
    )
    for kind, n, children in session.execute(interviews):
        flat["mediation.child_interviews.total"] += n
        flat[f"mediation.child_interviews.{kind}"] += n
        flat["mediation.child_interviews.children"] += int(children)


def _conflicts(session: Session, period: _Year, flat: dict[str, Any]) -> None:
    """Conflict pairs detected in the year, by how they stand now (no references, no names)."""
    cp = _PAIRS.c
    stmt = (
        select(cp.status, func.count())
        .where(cp.detected >= period.start_at, cp.detected < period.end_at)
        .group_by(cp.status)
    )
    part = {
        ConflictStatus.CONFLICT.value: "walled",
        ConflictStatus.REVIEW.value: "under_review",
        ConflictStatus.DISMISSED.value: "not_conflict",
    }
    for status, n in session.execute(stmt):
        flat["conflicts.detected"] += n
        flat[f"conflicts.{part[str(status)]}"] += n


def _activities(session: Session, period: _Year) -> list[dict[str, Any]]:
    a = _ACTIVITIES.c
    stmt = (
        select(a.date, a.kind, a.organisation, a.title)
        .where(_in_year(a.date, period))
        .order_by(a.date, a.id)
    )
    return [
        {
            "date": day.isoformat(),
            "kind": str(kind),
            "organisation": organisation,
            "title": title,
        }
        for day, kind, organisation, title in session.execute(stmt)
    ]


def failure_reasons(session: Session, actor: Actor, year: int) -> dict[str, dict[str, int]]:
    """Why mediations that ended in `year` without agreement failed.

    `{"all": {reason: n}, "iko": {...}, "niko": {...}}` with every reason of
    `figure_keys.FAILURE_REASONS`; a mediation with two reasons counts for both.
    """
    access.require(
        session, actor, Action.FIGURES_VIEW, object_ref=str(year), detail="redenen mislukking"
    )
    m = _MEDIATIONS.c
    # A few dozen rows a year; JSON lists cannot be grouped on every database.
    stmt = select(m.kind, m.failure_reasons).where(
        _in_year(m.ended, _Year(year)), m.outcome == Outcome.NO_AGREEMENT.value
    )
    out = {k: dict.fromkeys(FAILURE_REASONS, 0) for k in ("all", "iko", "niko")}
    for kind, reasons in session.execute(stmt):
        for reason in set(reasons or ()):
            if reason in out["all"]:
                out["all"][reason] += 1
                out[str(kind)][reason] += 1
    return out
