"""Assembling the figures: one year, a comparison, everything a report prints.

A year without detailed records is taken from the imported historical
figures, key by key (cases and mediations judged apart).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import exists, or_, select
from sqlalchemy.orm import Session

from ikodesk.models import (
    Country,
    HistoricalFigure,
)
from ikodesk.services import access
from ikodesk.services.access import Action
from ikodesk.services.actors import Actor
from ikodesk.services.figure_keys import (
    ALL_KEYS,
    LIST_KEYS,
    MEDIATION_PREFIX,
    SCALAR_KEYS,
)
from ikodesk.services.figures.counting import (
    _CASES,
    _CONTACTS,
    _MEDIATIONS,
    _abduction_timing,
    _activities,
    _ages,
    _case_totals,
    _children,
    _contact_totals,
    _in_year,
    _line2,
    _mediation,
    _Year,
    failure_reasons,
)
from ikodesk.services.figures.values import Figures, _as_number, _nest, change_pct, figure_value

TREND_YEARS = 4  # the seed's bar charts show four years


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
    _abduction_timing(session, period, flat)
    _mediation(session, period, flat)
    flat["activities"] = _activities(session, period)
    return {"year": year, **_nest(flat, ALL_KEYS)}


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
