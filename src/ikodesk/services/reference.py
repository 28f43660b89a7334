"""Reference data queries: countries and their Hague 1980 status."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from ikodesk.models import Country


def countries(session: Session) -> list[Country]:
    """All countries, by Dutch name (the order of every country chooser)."""
    return list(session.scalars(select(Country).order_by(Country.name_nl)))


def country_codes(session: Session) -> set[str]:
    return set(session.scalars(select(Country.iso2)))


def hague_party_on(session: Session, iso2: str, day: date) -> bool:
    country = session.get(Country, iso2)
    return country is not None and country.hague_party_on(day)
