"""A year's published figures, and what a year *is*: published figures first.

A year's published figures (`historical_figures`: imported from an earlier
annual report, or stored by freezing the year) are what that year is for
every key they hold. Records count for a year only for the keys it has no
published figure for, and only from the year the records are complete
("registratie volledig vanaf", `services.app_settings.records_complete`). A
key with neither is None ("–" in a report).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, select
from sqlalchemy.orm import Session

from ikodesk.models import HistoricalFigure
from ikodesk.services import access, app_settings
from ikodesk.services.access import Action
from ikodesk.services.actors import Actor
from ikodesk.services.figure_keys import ALL_KEYS, LIST_KEYS, SCALAR_KEY_SET, SCALAR_KEYS
from ikodesk.services.figures.values import Figures, _as_number, _nest, figure_value


@dataclass(frozen=True)
class Published:
    """The published figures of one year."""

    year: int
    values: dict[str, int | float]
    imported: int  # keys imported from an earlier report (no freeze)
    frozen_at: datetime | None  # when the year was frozen (None: never)
    frozen_by: str | None  # the username who froze it

    @property
    def frozen(self) -> bool:
        return self.frozen_at is not None


_FIGURES: Table = cast(Table, HistoricalFigure.__table__)


def published(session: Session, year: int) -> Published:
    """The published figures of `year` (no access check: callers check FIGURES_VIEW)."""
    h = _FIGURES.c  # Core: no ORM statement (and no mapper configuration) for the figures
    rows = session.execute(
        select(h.key, h.value, h.frozen_at, h.frozen_by).where(h.year == year)
    ).all()
    values = {key: _as_number(value) for key, value, _, _ in rows if key in SCALAR_KEY_SET}
    frozen = [(at, by) for _, _, at, by in rows if at is not None]
    at, by = max(frozen, key=lambda f: f[0]) if frozen else (None, None)
    return Published(year, values, sum(1 for r in rows if r[2] is None), at, by)


def records_complete(session: Session, actor: Actor) -> app_settings.RecordsComplete:
    """From which year records count ("registratie volledig vanaf"), for those who see figures."""
    access.require(session, actor, Action.FIGURES_VIEW, detail="registratie volledig vanaf")
    return app_settings.records_complete(session)


def _records_count(records_from: int | None, year: int) -> bool:
    return records_from is not None and year >= records_from


def year_figures(session: Session, actor: Actor, year: int) -> Figures:
    """What `year` is: its published figures, records for the other keys (from the
    year the records are complete), else None. Lists come from records only."""
    return year_figures_from(
        session, actor, published(session, year), app_settings.records_complete_from(session)
    )


def year_figures_from(
    session: Session, actor: Actor, pub: Published, records_from: int | None
) -> Figures:
    """`year_figures` of `pub.year` given its published figures and the year records
    count from (a report reads both once for all the years it shows)."""
    from ikodesk.services.figures.assembling import compute_figures

    year = pub.year
    records: Figures | None = None
    if _records_count(records_from, year):
        records = compute_figures(session, actor, year)
    else:
        access.require(session, actor, Action.FIGURES_VIEW, object_ref=str(year))
    flat: dict[str, Any] = {}
    for key in SCALAR_KEYS:
        if key in pub.values:
            flat[key] = pub.values[key]
        else:
            flat[key] = figure_value(records, key) if records is not None else None
    for key in LIST_KEYS:
        flat[key] = figure_value(records, key) if records is not None else None
    return {"year": year, **_nest(flat, ALL_KEYS)}


def year_source(session: Session, year: int) -> dict[str, Any]:
    """Where `year`'s figures come from, for the report's note on sources.

    `{"year", "published": n keys, "imported": n, "frozen_at": iso or None,
    "frozen_by": username or None, "records": bool}`; `records` is True when
    records count for the keys without a published figure.
    """
    return source_of(published(session, year), app_settings.records_complete_from(session))


def source_of(pub: Published, records_from: int | None) -> dict[str, Any]:
    """`year_source` of `pub.year` given its published figures and the year records count from."""
    return {
        "year": pub.year,
        "published": len(pub.values),
        "imported": pub.imported,
        "frozen_at": pub.frozen_at.isoformat(timespec="seconds") if pub.frozen_at else None,
        "frozen_by": pub.frozen_by,
        "records": _records_count(records_from, pub.year) and len(pub.values) < len(SCALAR_KEYS),
    }
