"""The annual figures (spec/annual-figures.md): computed once, from SQL aggregates.

Every figure the annual report, the mediation report, `ikodesk figures` and the
desktop client's reports screen show comes from here, so they cannot disagree.
All results are plain JSON-serialisable dicts and lists.

Public API (each call checks `Action.FIGURES_VIEW` through the access policy):

- `compute_figures(session, actor, year)`: the figures of one year, nested
  exactly as the spec's keys (see `figure_keys.ALL_KEYS` for the order).
- `compare_figures(session, actor, year, compare_year)`:
  `{"year", "compare", "current", "previous", "change_pct"}`.
- `report_figures(session, actor, year, compare_year=None)`: everything the
  reports print: the comparison, four-year series for the charts, Dutch
  country names and the mediation failure reasons.

Helpers for presenting them: `figure_value(figures, "cases.total")`,
`flatten(figures)`, `percent(part, whole)`, `change_pct(current, previous)`.

Counting rules (the spec's, made precise):

- A case counts in the year of `opened`, a contact in the year of `at`, a
  mediation request in the year of `requested`, an outcome in the year of
  `ended`, a special curator in the year it was appointed, a child interview
  in the year it was held. Years are compared as half-open ranges
  (`opened >= 1 Jan AND opened < 1 Jan next year`) so the indexes are used.
- parent vs third_party: the requester's kind (`professional` and `family`
  are third parties).
- Children count per case; an age is in whole years at the case's opening
  date (from the birth date, or the `age` registered for that date).
- Hague status: the country's entry into force on or before the opening date.
- Percentages are rounded half away from zero; a change against 0 is null.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from fractions import Fraction
from typing import Any

from sqlalchemy import Table, and_, case, exists, func, or_, select
from sqlalchemy.orm import Session

from ikodesk.models import (
    Activity,
    Case,
    Child,
    ChildInterview,
    Contact,
    Country,
    HistoricalFigure,
    Mediation,
    Person,
    age_in_years,
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
from ikodesk.services.exchange import table_of
from ikodesk.services.figure_keys import (
    ALL_KEYS,
    FAILURE_REASONS,
    LIST_KEYS,
    MEDIATION_PREFIX,
    SCALAR_KEYS,
)

Figures = dict[str, Any]
"""Nested figures of one year, as `ikodesk figures --json` prints them."""

TREND_YEARS = 4  # the seed's bar charts show four years

_CASES: Table = table_of(Case)
_PERSONS: Table = table_of(Person)
_CHILDREN: Table = table_of(Child)
_CONTACTS: Table = table_of(Contact)
_COUNTRIES: Table = table_of(Country)
_MEDIATIONS: Table = table_of(Mediation)
_INTERVIEWS: Table = table_of(ChildInterview)
_ACTIVITIES: Table = table_of(Activity)

_COUNTRY_KEYS = tuple(k for k in LIST_KEYS if "countries" in k.split("."))
_POTENTIAL_SIDES = ("potential_left_behind", "potential_taking")
_ABDUCTION_SIDES = ("left_behind", "taking")
_PARENTS = ("mother", "father")


# --- percentages ----------------------------------------------------------------------


def _exact(value: float) -> Fraction:
    # Through the decimal text, so 0.1 is one tenth and not its binary neighbour.
    return Fraction(value) if isinstance(value, int) else Fraction(Decimal(repr(value)))


def round_half_away(value: Fraction) -> int:
    """Round to a whole number, halves away from zero: 0.5 -> 1, 2.5 -> 3, -2.5 -> -3.

    (Python's round() rounds halves to even: round(2.5) == 2.)
    """
    magnitude = int(abs(value) + Fraction(1, 2))
    return magnitude if value >= 0 else -magnitude


def percent(part: float | None, whole: float | None) -> int | None:
    """`part` as a whole percentage of `whole`; None when either is unknown or whole is 0."""
    if part is None or whole is None or whole == 0:
        return None
    return round_half_away(_exact(part) * 100 / _exact(whole))


def change_pct(current: float | None, previous: float | None) -> int | None:
    """The change from `previous` to `current` in whole percent; None against 0 or unknown."""
    if current is None or previous is None or previous == 0:
        return None
    return round_half_away((_exact(current) - _exact(previous)) * 100 / _exact(previous))


# --- nested <-> dotted ------------------------------------------------------------------


def _nest(flat: Mapping[str, Any], keys: Iterable[str]) -> dict[str, Any]:
    """Nest dotted keys into dicts, in the order of `keys` (the JSON's key order)."""
    out: dict[str, Any] = {}
    for key in keys:
        *path, last = key.split(".")
        node = out
        for part in path:
            node = node.setdefault(part, {})
        node[last] = flat.get(key)
    return out


def figure_value(figures: Mapping[str, Any] | None, key: str) -> Any:
    """The value of dotted `key` in nested figures (None where absent)."""
    node: Any = figures
    for part in key.split("."):
        if not isinstance(node, Mapping) or part not in node:
            return None
        node = node[part]
    return node


def flatten(figures: Mapping[str, Any], keys: Iterable[str] = SCALAR_KEYS) -> dict[str, Any]:
    """{dotted key: value} for `keys` (by default every one-number figure)."""
    return {k: figure_value(figures, k) for k in keys}


def _as_number(value: float) -> int | float:
    return int(value) if float(value).is_integer() else value


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


def compute_figures(session: Session, actor: Actor, year: int) -> Figures:
    """The figures of `year` from the detailed records, nested as the spec's keys.

    Every key of `figure_keys.ALL_KEYS` is present (all twelve Line 2 codes
    too); counts without records are 0, rates without a denominator null.
    """
    access.require(session, actor, Action.FIGURES_VIEW, object_ref=str(year))
    period = _Year(year)
    flat: dict[str, Any] = {k: 0 for k in SCALAR_KEYS}
    _case_totals(session, period, flat)
    _contact_totals(session, period, flat)
    _line2(session, period, flat)
    _children(session, period, flat)
    _ages(session, period, flat)
    _mediation(session, period, flat)
    flat["activities"] = _activities(session, period)
    return {"year": year, **_nest(flat, ALL_KEYS)}


def _case_totals(session: Session, period: _Year, flat: dict[str, Any]) -> None:
    c = _CASES.c
    closed_in_year = case((and_(c.closed.is_not(None), c.closed < period.end), 1), else_=0)
    stmt = (
        select(c.line, closed_in_year.label("closed"), func.count().label("n"))
        .where(_in_year(c.opened, period))
        .group_by(c.line, closed_in_year)
    )
    for line, closed, n in session.execute(stmt):
        flat[f"cases.line{line}"] += n
        flat["cases.total"] += n
        if line == 2:
            flat["cases.line2_closed_in_year" if closed else "cases.line2_carried_over"] += n


def _contact_totals(session: Session, period: _Year, flat: dict[str, Any]) -> None:
    ct, c = _CONTACTS.c, _CASES.c
    stmt = (
        select(ct.channel, ct.party, c.line, func.count())
        .select_from(_CONTACTS.join(_CASES, c.id == ct.case_id))
        .where(ct.at >= period.start_at, ct.at < period.end_at)
        .group_by(ct.channel, ct.party, c.line)
    )
    for channel, party, line, n in session.execute(stmt):
        flat["contacts.total"] += n
        flat[f"contacts.by_channel.{channel}"] += n
        flat[f"contacts.by_line.line{line}"] += n
        flat[f"contacts.by_channel_party.{channel}.{party}"] += n


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
        .where(c.line == 2, _in_year(c.opened, period))
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

    Grouped by (opening date, birth date, age) in SQL; the age itself is worked
    out here with the model's own rule, so it is the same on every database.
    """
    c, p, ch = _CASES.c, _PERSONS.c, _CHILDREN.c
    stmt = (
        select(c.direction, c.opened, ch.birth_date, ch.age, func.count())
        .select_from(_requester_join().join(_CHILDREN, ch.case_id == c.id))
        .where(
            c.line == 2,
            c.code == CaseCode.INTERNATIONAL_ABDUCTION.value,
            p.kind == RequesterKind.PARENT.value,
            c.direction.in_(("outgoing", "incoming")),
            _in_year(c.opened, period),
        )
        .group_by(c.direction, c.opened, ch.birth_date, ch.age)
    )
    ages: dict[str, Counter[int]] = defaultdict(Counter)
    for direction, opened, born, age, n in session.execute(stmt):
        years = age_in_years(born, opened) if born is not None else age
        if years is not None:
            ages[str(direction)][years] += n
    for direction in ("outgoing", "incoming"):
        counted = ages[direction]
        flat[f"abduction.ages.{direction}"] = {str(a): counted[a] for a in sorted(counted)}


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


# --- years without detailed records: historical figures ------------------------------------


@dataclass(frozen=True)
class _Sources:
    """Which kinds of detailed records the database holds for a year."""

    cases: bool  # cases opened or contact moments in the year
    mediations: bool  # mediation requests or endings in the year

    @property
    def any(self) -> bool:
        return self.cases or self.mediations

    def detailed(self, key: str) -> bool:
        return self.mediations if key.startswith(MEDIATION_PREFIX) else self.cases


def _sources(session: Session, year: int) -> _Sources:
    period = _Year(year)
    c, ct, m = _CASES.c, _CONTACTS.c, _MEDIATIONS.c
    has_cases = session.scalar(
        select(
            or_(
                exists().where(_in_year(c.opened, period)),
                exists().where(ct.at >= period.start_at, ct.at < period.end_at),
            )
        )
    )
    has_mediations = session.scalar(
        select(
            or_(
                exists().where(_in_year(m.requested, period)),
                exists().where(_in_year(m.ended, period)),
            )
        )
    )
    return _Sources(bool(has_cases), bool(has_mediations))


def _historical(session: Session, year: int) -> dict[str, int | float]:
    rows = session.execute(
        select(HistoricalFigure.key, HistoricalFigure.value).where(HistoricalFigure.year == year)
    )
    return {key: _as_number(value) for key, value in rows}


def _year_figures(
    session: Session, actor: Actor, year: int, computed: Figures | None = None
) -> Figures:
    """The figures of a year as best known: detailed records where the database holds
    them (cases and mediations judged apart), else historical figures, else null."""
    sources = _sources(session, year)
    detailed: Figures | None = None
    if sources.any:
        detailed = computed if computed is not None else compute_figures(session, actor, year)
        if sources.cases and sources.mediations:
            return detailed
    historical = _historical(session, year)
    flat: dict[str, Any] = {}
    for key in SCALAR_KEYS:
        if detailed is not None and sources.detailed(key):
            flat[key] = figure_value(detailed, key)
        else:
            flat[key] = historical.get(key)
    for key in LIST_KEYS:
        flat[key] = figure_value(detailed, key) if sources.cases else None
    return {"year": year, **_nest(flat, ALL_KEYS)}


def compare_figures(session: Session, actor: Actor, year: int, compare_year: int) -> Figures:
    """`year`'s figures beside those of `compare_year`, with the change per figure.

    Returns `{"year", "compare", "current", "previous", "change_pct"}`.
    `current` is `compute_figures(year)`. `previous` has the same keys: from
    the detailed records where the database holds any for `compare_year`
    (cases/contacts and mediations judged apart), otherwise from the imported
    historical figures; a key with neither is null, and so are the lists of a
    year known only from historical figures. `change_pct` holds every
    one-number key (not the lists and age distributions, not `year`): the
    change in whole percent, null where either side is null or previous is 0.
    """
    current = compute_figures(session, actor, year)
    previous = _year_figures(session, actor, compare_year)
    changes = {
        key: change_pct(figure_value(current, key), figure_value(previous, key))
        for key in SCALAR_KEYS
    }
    return {
        "year": year,
        "compare": compare_year,
        "current": current,
        "previous": previous,
        "change_pct": _nest(changes, SCALAR_KEYS),
    }


def report_figures(
    session: Session, actor: Actor, year: int, compare_year: int | None = None
) -> Figures:
    """Everything the annual and mediation reports print, computed once.

    The `compare_figures` result (`year`, `compare`, `current`, `previous`,
    `change_pct`) plus:

    - `trend`: `{"years": [y-3, ..., y], "values": {key: [v, v, v, v]}}` for
      every one-number key, each year as `previous` is sourced (records, else
      historical figures, else null). Charts leave out a year whose values
      are all null rather than drawing it as zero.
    - `country_names`: `{iso2: Dutch name}` for the countries in the lists.
    - `failure_reasons`: see `failure_reasons()`.
    """
    compare_year = year - 1 if compare_year is None else compare_year
    comparison = compare_figures(session, actor, year, compare_year)
    years = list(range(year - TREND_YEARS + 1, year + 1))
    by_year: dict[int, Figures] = {year: comparison["current"]}
    if compare_year in years:
        by_year[compare_year] = comparison["previous"]
    for y in years:
        if y not in by_year:
            by_year[y] = _year_figures(session, actor, y)
    values = {key: [figure_value(by_year[y], key) for y in years] for key in SCALAR_KEYS}
    return {
        **comparison,
        "trend": {"years": years, "values": values},
        "country_names": _country_names(session, comparison),
        "failure_reasons": failure_reasons(session, actor, year),
    }


def _country_names(session: Session, comparison: Mapping[str, Any]) -> dict[str, str]:
    codes: set[str] = set()
    for part in ("current", "previous"):
        for key in LIST_KEYS:
            value = figure_value(comparison[part], key)
            if key != "activities" and isinstance(value, list):
                codes.update(iso for iso, _ in value)
    if not codes:
        return {}
    rows = session.execute(
        select(Country.iso2, Country.name_nl).where(Country.iso2.in_(sorted(codes)))
    )
    return {iso: name for iso, name in sorted(rows)}


def has_detailed_records(session: Session, year: int) -> bool:
    """True when the database holds cases, contacts or mediations of `year`."""
    return _sources(session, year).any


__all__ = [
    "TREND_YEARS",
    "Figures",
    "change_pct",
    "compare_figures",
    "compute_figures",
    "failure_reasons",
    "figure_value",
    "flatten",
    "has_detailed_records",
    "percent",
    "report_figures",
    "round_half_away",
]
