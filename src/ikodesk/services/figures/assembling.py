"""Assembling the figures: one year, a comparison, everything a report prints.

Every year shown (the year asked, the comparison year, the trend) is what
that year *is* (`published.year_figures`): its published figures first,
records for the other keys from the year the records are complete.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import exists, or_, select
from sqlalchemy.orm import Session

from ikodesk.services import access
from ikodesk.services.access import Action
from ikodesk.services.actors import Actor
from ikodesk.services.figure_keys import (
    ALL_KEYS,
    LIST_KEYS,
    SCALAR_KEYS,
)
from ikodesk.services.figures.counting import (
    _CASES,
    _CONTACTS,
    _COUNTRIES,
    _MEDIATIONS,
    _abduction_timing,
    _activities,
    _ages,
    _case_totals,
    _children,
    _conflicts,
    _contact_totals,
    _in_year,
    _line2,
    _mediation,
    _Year,
    failure_reasons,
)
from ikodesk.services.figures.published import (
    Published,
    published,
    source_of,
    year_figures_from,
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
    _conflicts(session, period, flat)
    flat["activities"] = _activities(session, period)
    return {"year": year, **_nest(flat, ALL_KEYS)}


def compare_figures(session: Session, actor: Actor, year: int, compare_year: int) -> Figures:
    """`year`'s figures beside those of `compare_year`, with the change per figure.

    Returns `{"year", "compare", "current", "previous", "change_pct",
    "difference"}`. `current` and `previous` are each what that year is
    (`published.year_figures`): its published figures (imported from an
    earlier report or frozen) for every key they hold, records for the other
    keys from the year the records are complete, else null (the lists too).
    `change_pct` holds every one-number key (not the lists and age
    distributions, not `year`): the change in whole percent, null where either
    side is null or previous is 0. `difference` holds the absolute change
    (`current - previous`; percentage points for the success rates).
    """
    from ikodesk.services import app_settings

    return _compare(
        session,
        actor,
        year,
        compare_year,
        _Sources(session, app_settings.records_complete_from(session)),
    )


class _Sources:
    """What the years shown come from, each read once: the year records count from,
    each year's published figures, each year's figures."""

    def __init__(self, session: Session, records_from: int | None) -> None:
        self.session = session
        self.records_from = records_from
        self._published: dict[int, Published] = {}
        self._figures: dict[int, Figures] = {}

    def published(self, year: int) -> Published:
        if year not in self._published:
            self._published[year] = published(self.session, year)
        return self._published[year]

    def figures(self, actor: Actor, year: int) -> Figures:
        if year not in self._figures:
            self._figures[year] = year_figures_from(
                self.session, actor, self.published(year), self.records_from
            )
        return self._figures[year]

    def source(self, year: int) -> dict[str, Any]:
        return source_of(self.published(year), self.records_from)


def _compare(
    session: Session, actor: Actor, year: int, compare_year: int, sources: _Sources
) -> Figures:
    current = sources.figures(actor, year)
    previous = sources.figures(actor, compare_year)
    changes = {
        key: change_pct(figure_value(current, key), figure_value(previous, key))
        for key in SCALAR_KEYS
    }
    differences = {
        key: difference(figure_value(current, key), figure_value(previous, key))
        for key in SCALAR_KEYS
    }
    return {
        "year": year,
        "compare": compare_year,
        "current": current,
        "previous": previous,
        "change_pct": _nest(changes, SCALAR_KEYS),
        "difference": _nest(differences, SCALAR_KEYS),
    }


def difference(current: float | None, previous: float | None) -> int | float | None:
    """`current - previous` (None when either is unknown); whole numbers stay whole."""
    if current is None or previous is None:
        return None
    return _as_number(round(current - previous, 1))


def report_figures(
    session: Session,
    actor: Actor,
    year: int,
    compare_year: int | None = None,
    *,
    erratum: bool = False,
) -> Figures:
    """Everything the annual and mediation reports print, computed once.

    The `compare_figures` result (`year`, `compare`, `current`, `previous`,
    `change_pct`, `difference`) plus:

    - `trend`: `{"years": [y-3, ..., y], "values": {key: [v, v, v, v]}}` for
      every one-number key, each year as `year_figures` gives it. Charts leave
      out a year whose values are all null rather than drawing it as zero.
    - `sources`: per year shown (trend years and the comparison year), where
      its figures come from (`published.year_source`).
    - `country_names`: `{iso2: Dutch name}` for the countries in the lists.
    - `failure_reasons`: see `failure_reasons()`.
    - `erratum` (only when asked, for a frozen year): `freezing.figures_diff`.
    """
    from ikodesk.services import app_settings
    from ikodesk.services.figures.freezing import figures_diff

    compare_year = year - 1 if compare_year is None else compare_year
    sources = _Sources(session, app_settings.records_complete_from(session))
    comparison = _compare(session, actor, year, compare_year, sources)
    years = list(range(year - TREND_YEARS + 1, year + 1))
    by_year = {y: sources.figures(actor, y) for y in years}
    values = {key: [figure_value(by_year[y], key) for y in years] for key in SCALAR_KEYS}
    data: Figures = {
        **comparison,
        "trend": {"years": years, "values": values},
        "sources": [sources.source(y) for y in sorted({*years, compare_year})],
        "country_names": _country_names(session, comparison),
        "failure_reasons": failure_reasons(session, actor, year),
    }
    if erratum:
        data["erratum"] = figures_diff(session, actor, year)
    return data


def _country_names(session: Session, comparison: Mapping[str, Any]) -> dict[str, str]:
    codes: set[str] = set()
    for part in ("current", "previous"):
        for key in LIST_KEYS:
            value = figure_value(comparison[part], key)
            if key != "activities" and isinstance(value, list):
                codes.update(iso for iso, _ in value)
    if not codes:
        return {}
    k = _COUNTRIES.c  # Core: no ORM statement (and no mapper configuration) for the figures
    rows = session.execute(select(k.iso2, k.name_nl).where(k.iso2.in_(sorted(codes))))
    return {iso: name for iso, name in sorted(rows)}


def has_detailed_records(session: Session, year: int) -> bool:
    """True when the database holds cases, contacts or mediations of `year`."""
    period = _Year(year)
    c, ct, m = _CASES.c, _CONTACTS.c, _MEDIATIONS.c
    return bool(
        session.scalar(
            select(
                or_(
                    exists().where(_in_year(c.opened, period)),
                    exists().where(ct.at >= period.start_at, ct.at < period.end_at),
                    exists().where(_in_year(m.requested, period)),
                )
            )
        )
    )
