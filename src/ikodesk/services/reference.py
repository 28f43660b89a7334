"""Reference data: countries and their Hague 1980 status, read and corrected.

The reference file (resources/countries) seeds the table; an administrator
corrects a country's facts (party to the 1980 Convention, date in force, EU
membership) with a note saying where the new fact comes from. Every change is
audited with what changed and the note (`reference.manage`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from ikodesk.errors import QT_TRANSLATE_NOOP, NotFoundError, ValidationError
from ikodesk.models import Country
from ikodesk.services import access, input_rules
from ikodesk.services.access import Action
from ikodesk.services.actors import Actor

# The 1980 Convention entered into force on 1 December 1983: no earlier date in force.
CONVENTION_IN_FORCE = date(1983, 12, 1)
NOTE_MAX = 500

NOTE_MISSING = QT_TRANSLATE_NOOP(
    "services", "verplicht: waar komt dit vandaan (verdragsstatus HCCH, Tractatenblad, …)?"
)
DATE_TOO_EARLY = QT_TRANSLATE_NOOP(
    "services", "het verdrag is pas op 01-12-1983 in werking getreden"
)
DATE_WITHOUT_PARTY = QT_TRANSLATE_NOOP(
    "services", "alleen een verdragsland heeft een datum van inwerkingtreding"
)


def countries(session: Session) -> list[Country]:
    """All countries, by Dutch name (the order of every country chooser)."""
    return list(session.scalars(select(Country).order_by(Country.name_nl)))


def country_codes(session: Session) -> set[str]:
    return set(session.scalars(select(Country.iso2)))


def hague_party_on(session: Session, iso2: str, day: date) -> bool:
    country = session.get(Country, iso2)
    return country is not None and country.hague_party_on(day)


@dataclass(frozen=True)
class CountryFacts:
    """The facts of a country an administrator may correct."""

    hague_party: bool
    hague_since: date | None  # None with hague_party: a party, date unknown
    eu_member: bool


def _yes(value: bool) -> str:
    return "ja" if value else "nee"


def _describe(facts: CountryFacts) -> str:
    since = facts.hague_since.strftime("%d-%m-%Y") if facts.hague_since else "datum onbekend"
    hague = f"ja, sinds {since}" if facts.hague_party else "nee"
    return f"HKOV: {hague}; EU: {_yes(facts.eu_member)}"


def update_country(
    session: Session, actor: Actor, iso2: str, facts: CountryFacts, source_note: str
) -> CountryFacts:
    """Correct a country's facts, with where they come from; audited (REFERENCE_MANAGE).

    The note is required: a fact in this table decides the legal route shown
    in every case and a core figure of the annual report.
    """
    note = source_note.strip()
    problems: dict[str, str] = {}
    if not note:
        problems["source_note"] = NOTE_MISSING
    elif len(note) > NOTE_MAX:
        problems["source_note"] = f"te lang (maximaal {NOTE_MAX} tekens)"
    else:
        text_problem = input_rules.text_problem(note, multiline=False)
        if text_problem:
            problems["source_note"] = str(text_problem)
    if facts.hague_since is not None:
        if not facts.hague_party:
            problems["hague_since"] = DATE_WITHOUT_PARTY
        elif facts.hague_since < CONVENTION_IN_FORCE:
            problems["hague_since"] = DATE_TOO_EARLY
    if problems:
        # Checked before the policy's entry, so that the log never holds a change that
        # was not made (nothing of a dossier is involved).
        raise ValidationError(problems)
    country = session.get(Country, iso2)
    if country is None:
        raise NotFoundError(QT_TRANSLATE_NOOP("services", 'Land "{iso2}" bestaat niet.'), iso2=iso2)
    access.require(
        session,
        actor,
        Action.REFERENCE_MANAGE,
        object_ref=iso2,
        detail=f"{_describe(facts)}; bron: {' '.join(note.split())[:120]}",
    )
    country.hague_party = facts.hague_party
    country.hague_entry_into_force = facts.hague_since if facts.hague_party else None
    country.eu_member = facts.eu_member
    country.source_note = note
    session.flush()
    return CountryFacts(country.hague_party, country.hague_entry_into_force, country.eu_member)
