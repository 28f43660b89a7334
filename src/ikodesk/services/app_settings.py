"""Database-wide settings an administrator changes (kept in the `meta` table)."""

from __future__ import annotations

import base64
from dataclasses import dataclass
from datetime import date
from typing import cast

from sqlalchemy import Table, and_, exists, func, select
from sqlalchemy.orm import Session

from ikodesk.errors import QT_TRANSLATE_NOOP, InputError
from ikodesk.models import Case, MetaEntry
from ikodesk.models.enums import CaseCode
from ikodesk.services import access
from ikodesk.services.access import Action
from ikodesk.services.actors import Actor

IDLE_LOCK_KEY = "idle_lock_minutes"
DEFAULT_IDLE_LOCK_MINUTES = 15
MIN_IDLE_LOCK_MINUTES = 1
MAX_IDLE_LOCK_MINUTES = 240


def idle_lock_minutes(session: Session) -> int:
    """Minutes without input after which the desktop client locks itself."""
    entry = session.get(MetaEntry, IDLE_LOCK_KEY)
    if entry is None:
        return DEFAULT_IDLE_LOCK_MINUTES
    try:
        value = int(entry.value)
    except ValueError:
        return DEFAULT_IDLE_LOCK_MINUTES
    return min(max(value, MIN_IDLE_LOCK_MINUTES), MAX_IDLE_LOCK_MINUTES)


def set_idle_lock_minutes(session: Session, actor: Actor, minutes: int) -> None:
    """Change the idle lock for every workstation (administrators only)."""
    access.require(session, actor, Action.USER_MANAGE)
    if not MIN_IDLE_LOCK_MINUTES <= minutes <= MAX_IDLE_LOCK_MINUTES:
        raise InputError(
            QT_TRANSLATE_NOOP(
                "services", "De vergrendeltijd moet tussen {low} en {high} minuten liggen."
            ),
            low=MIN_IDLE_LOCK_MINUTES,
            high=MAX_IDLE_LOCK_MINUTES,
        )
    entry = session.get(MetaEntry, IDLE_LOCK_KEY)
    if entry is None:
        session.add(MetaEntry(key=IDLE_LOCK_KEY, value=str(minutes)))
    else:
        entry.value = str(minutes)
    session.flush()


# --- "registratie volledig vanaf": from which year the records are complete ----------

RECORDS_COMPLETE_KEY = "records_complete_from"
MIN_YEAR, MAX_YEAR = 1990, 2100
# Core tables: the figures read these before anything else may have needed the ORM,
# and an ORM statement first configures every mapper (tens of milliseconds).
_CASES = cast(Table, Case.__table__)
_META = cast(Table, MetaEntry.__table__)


@dataclass(frozen=True)
class RecordsComplete:
    """From which year the detailed records are complete, and whether that was set."""

    year: int | None  # None: no year is complete (no Line 1 registrations in January)
    explicit: bool  # set by an administrator (else derived from the records)
    derived: int | None  # what the records say (the default)


def _first_year_with_january_line1(session: Session) -> int | None:
    """The first year whose records include Line 1 registrations opened in January.

    Carried-over Line 2 cases alone never make a year complete. A few EXISTS
    queries on the opening date (indexed), portable to every backend: the years
    tried run from the first to the last opening of any case (each bound one index
    seek; the bounds of Line 1 cases alone made SQLite read all of them), and each
    EXISTS names every code so that SQLite seeks ix_cases_line_code_opened by line,
    code and date (the codes are a closed set: CHECK constraint casecode).
    """
    c = _CASES.c
    first = session.scalar(select(func.min(c.opened)))
    last = session.scalar(select(func.max(c.opened)))
    if first is None or last is None:
        return None
    any_code = c.code.in_([code.value for code in CaseCode])
    for year in range(first.year, last.year + 1):
        january = and_(
            c.line == 1, any_code, c.opened >= date(year, 1, 1), c.opened < date(year, 2, 1)
        )
        if session.scalar(select(exists().where(january))):
            return year
    return None


def records_complete(session: Session) -> RecordsComplete:
    """From which year records count for the figures (published figures first)."""
    derived = _first_year_with_january_line1(session)
    m = _META.c
    value = session.scalar(select(m.value).where(m.key == RECORDS_COMPLETE_KEY))
    if value is not None:
        try:
            return RecordsComplete(int(value), True, derived)
        except ValueError:
            pass
    return RecordsComplete(derived, False, derived)


def records_complete_from(session: Session) -> int | None:
    return records_complete(session).year


def set_records_complete_from(session: Session, actor: Actor, year: int | None) -> None:
    """Set "registratie volledig vanaf" (administrators; audited); None: back to the default."""
    access.require(
        session,
        actor,
        Action.SETTINGS_MANAGE,
        object_ref=RECORDS_COMPLETE_KEY,
        detail=f"registratie volledig vanaf {year if year is not None else 'automatisch'}",
    )
    if year is not None and not MIN_YEAR <= year <= MAX_YEAR:
        raise InputError(
            QT_TRANSLATE_NOOP("services", "Het jaar moet tussen {low} en {high} liggen."),
            low=MIN_YEAR,
            high=MAX_YEAR,
        )
    _put(session, RECORDS_COMPLETE_KEY, None if year is None else str(year))


def _put(session: Session, key: str, value: str | None) -> None:
    entry = session.get(MetaEntry, key)
    if value is None:
        if entry is not None:
            session.delete(entry)
    elif entry is None:
        session.add(MetaEntry(key=key, value=value))
    else:
        entry.value = value
    session.flush()


# --- the centre's logo on the report's cover ---------------------------------------------

LOGO_KEY = "report_logo"
LOGO_TYPE_KEY = "report_logo_type"
MAX_LOGO_BYTES = 512 * 1024
_IMAGE_TYPES = {b"\x89PNG\r\n\x1a\n": "png", b"\xff\xd8\xff": "jpeg"}


def report_logo(session: Session) -> bytes | None:
    """The logo on the annual report's cover (PNG or JPEG), or None."""
    entry = session.get(MetaEntry, LOGO_KEY)
    if entry is None:
        return None
    try:
        return base64.b64decode(entry.value, validate=True)
    except ValueError:
        return None


def set_report_logo(session: Session, actor: Actor, image: bytes | None) -> None:
    """Set (or with None remove) the cover logo: PNG or JPEG, at most 512 KB (audited)."""
    access.require(
        session,
        actor,
        Action.SETTINGS_MANAGE,
        object_ref=LOGO_KEY,
        detail="logo verwijderd" if image is None else f"logo ({len(image)} bytes)",
    )
    if image is None:
        _put(session, LOGO_KEY, None)
        _put(session, LOGO_TYPE_KEY, None)
        return
    kind = next((k for magic, k in _IMAGE_TYPES.items() if image.startswith(magic)), None)
    if kind is None:
        raise InputError(
            QT_TRANSLATE_NOOP("services", "Het logo moet een PNG- of JPEG-bestand zijn.")
        )
    if len(image) > MAX_LOGO_BYTES:
        raise InputError(
            QT_TRANSLATE_NOOP("services", "Het logo is te groot (hoogstens {kb} kB)."),
            kb=MAX_LOGO_BYTES // 1024,
        )
    _put(session, LOGO_KEY, base64.b64encode(image).decode("ascii"))
    _put(session, LOGO_TYPE_KEY, kind)
