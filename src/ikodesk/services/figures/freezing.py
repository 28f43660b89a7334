"""Freezing a year: its computed figures become its published figures; what changed since.

- `freeze_year`: stores every one-number figure computed from the records as
  the year's published figure, with who and when (audited as
  `figures.freeze`). A year that already has published figures needs
  `replace=True`; the earlier figures are kept in `historical_figure_versions`.
- `figures_diff`: `{"year", "frozen_at", "changes": {key: {"frozen", "now"}}}`,
  every one-number key whose value the records give now differs from the
  frozen one (late registrations, corrections).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from ikodesk.errors import QT_TRANSLATE_NOOP, InputError
from ikodesk.models import HistoricalFigure, HistoricalFigureVersion
from ikodesk.services import access, app_settings
from ikodesk.services.access import Action
from ikodesk.services.actors import Actor
from ikodesk.services.figure_keys import SCALAR_KEYS
from ikodesk.services.figures.assembling import compute_figures
from ikodesk.services.figures.published import published
from ikodesk.services.figures.values import figure_value


@dataclass(frozen=True)
class Frozen:
    """What a freeze stored."""

    year: int
    frozen_at: datetime
    frozen_by: str
    figures: int  # number of one-number figures stored
    replaced: int  # published figures moved to the earlier versions


@dataclass(frozen=True)
class FreezeVersion:
    """An earlier version of a year's published figures (replaced by a later freeze)."""

    frozen_at: datetime | None  # None: imported from an earlier report
    frozen_by: str | None
    replaced_at: datetime
    replaced_by: str
    figures: int


def freeze_year(
    session: Session, actor: Actor, year: int, *, replace: bool = False, today: date | None = None
) -> Frozen:
    """Store `year`'s figures computed from the records as its published figures.

    Refused (InputError) for a year that has not ended, a year whose records
    are not complete, and, without `replace`, a year that already has
    published figures (imported or frozen).
    """
    access.require(
        session,
        actor,
        Action.FIGURES_FREEZE,
        object_ref=str(year),
        detail=f"{'opnieuw ' if replace else ''}vastgesteld {year}",
    )
    today = today or date.today()
    if year >= today.year:
        raise InputError(
            QT_TRANSLATE_NOOP(
                "services",
                "{year} is nog niet voorbij: alleen een afgesloten jaar kan worden vastgesteld.",
            ),
            year=year,
        )
    start = app_settings.records_complete_from(session)
    if start is None or year < start:
        raise InputError(
            QT_TRANSLATE_NOOP(
                "services",
                "De registratie van {year} is niet volledig (registratie volledig vanaf: "
                "{start}); de cijfers van dat jaar kunnen niet uit de registratie worden "
                "vastgesteld.",
            ),
            year=year,
            start=start if start is not None else "–",
        )
    earlier = session.scalars(select(HistoricalFigure).where(HistoricalFigure.year == year)).all()
    if earlier and not replace:
        pub = published(session, year)
        if pub.frozen_at is not None:
            raise InputError(
                QT_TRANSLATE_NOOP(
                    "services",
                    "{year} is al vastgesteld op {at} door {by}. Stel het jaar opnieuw vast "
                    "(--replace) om de cijfers te vervangen; de eerdere versie blijft bewaard.",
                ),
                year=year,
                at=pub.frozen_at.strftime("%d-%m-%Y %H:%M"),
                by=pub.frozen_by or "?",
            )
        raise InputError(
            QT_TRANSLATE_NOOP(
                "services",
                "{year} heeft al gepubliceerde cijfers (geïmporteerd). Stel het jaar opnieuw "
                "vast (--replace) om ze te vervangen; de eerdere versie blijft bewaard.",
            ),
            year=year,
        )
    now = datetime.now().replace(microsecond=0)
    if earlier:
        session.execute(
            insert(HistoricalFigureVersion),
            [
                {
                    "year": h.year,
                    "key": h.key,
                    "value": h.value,
                    "frozen_at": h.frozen_at,
                    "frozen_by": h.frozen_by,
                    "replaced_at": now,
                    "replaced_by": actor.username,
                }
                for h in earlier
            ],
        )
        session.execute(delete(HistoricalFigure).where(HistoricalFigure.year == year))
    computed = compute_figures(session, actor, year)
    rows = [
        {
            "year": year,
            "key": key,
            "value": float(value),
            "frozen_at": now,
            "frozen_by": actor.username,
        }
        for key in SCALAR_KEYS
        if (value := figure_value(computed, key)) is not None
    ]
    session.execute(insert(HistoricalFigure), rows)
    session.flush()
    return Frozen(year, now, actor.username, len(rows), len(earlier))


def freeze_versions(session: Session, actor: Actor, year: int) -> list[FreezeVersion]:
    """The earlier versions of `year`'s published figures, newest first."""
    access.require(session, actor, Action.FIGURES_VIEW, object_ref=str(year), detail="versies")
    v = HistoricalFigureVersion
    rows = session.execute(
        select(v.frozen_at, v.frozen_by, v.replaced_at, v.replaced_by, v.id).where(v.year == year)
    ).all()
    grouped: dict[tuple[Any, ...], int] = {}
    for at, by, replaced_at, replaced_by, _ in rows:
        key = (at, by, replaced_at, replaced_by)
        grouped[key] = grouped.get(key, 0) + 1
    out = [FreezeVersion(at, by, r_at, r_by, n) for (at, by, r_at, r_by), n in grouped.items()]
    return sorted(out, key=lambda f: f.replaced_at, reverse=True)


def figures_diff(session: Session, actor: Actor, year: int) -> dict[str, Any]:
    """What changed in a frozen year since it was frozen.

    `{"year": Y, "frozen_at": "YYYY-MM-DDTHH:MM:SS", "changes": {"cases.total":
    {"frozen": N, "now": M}, ...}}` with every one-number key whose value now
    differs from the frozen one, in the order of `figure_keys.SCALAR_KEYS`.
    """
    now = compute_figures(session, actor, year)
    pub = published(session, year)
    if pub.frozen_at is None:
        raise InputError(
            QT_TRANSLATE_NOOP(
                "services", "{year} is niet vastgesteld: er is niets om mee te vergelijken."
            ),
            year=year,
        )
    changes: dict[str, dict[str, Any]] = {}
    for key in SCALAR_KEYS:
        frozen, current = pub.values.get(key), figure_value(now, key)
        if frozen != current:
            changes[key] = {"frozen": frozen, "now": current}
    return {
        "year": year,
        "frozen_at": pub.frozen_at.isoformat(timespec="seconds"),
        "changes": changes,
    }
