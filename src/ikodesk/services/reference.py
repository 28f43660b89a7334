"""Reference data: countries and their Hague 1980 status, read and corrected.

The reference file (resources/countries) seeds the table; an administrator
corrects a country's facts (party to the 1980 Convention, date in force, EU
membership; for a state that acceded, the day the Netherlands deposited its
acceptance of the accession, Art. 38) with a note saying where the new fact
comes from. Every change is audited with what changed and the note
(`reference.manage`).

The reference file knows which states acceded but not when the Netherlands
accepted each accession (no copy of HCCH's acceptance table was at hand, and a
legal date is never guessed): until an administrator records it, the Art. 35
check answers "onbekend" for those states (services.deadlines.treaty).
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
ACCEPTANCE_WITHOUT_ACCESSION = QT_TRANSLATE_NOOP(
    "services", "alleen een verdragsland dat is toegetreden, heeft een aanvaarding door Nederland"
)
ACCEPTANCE_IN_FUTURE = QT_TRANSLATE_NOOP(
    "services", "een neerlegging die nog moet gebeuren, is geen aanvaarding"
)
ACCEPTANCE_BEFORE_ACCESSION = QT_TRANSLATE_NOOP(
    "services",
    "ligt meer dan drie maanden vóór de inwerkingtreding van de toetreding: "
    "Nederland kan een toetreding pas aanvaarden nadat die is neergelegd",
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
    # Acceded (Art. 38) rather than ratified: in force with the Netherlands only once
    # the Netherlands accepted the accession, deposited on `nl_acceptance` (None: not known).
    hague_acceded: bool
    nl_acceptance: date | None


def _yes(value: bool) -> str:
    return "ja" if value else "nee"


def _describe(facts: CountryFacts) -> str:
    since = facts.hague_since.strftime("%d-%m-%Y") if facts.hague_since else "datum onbekend"
    hague = f"ja, sinds {since}" if facts.hague_party else "nee"
    if facts.hague_party and facts.hague_acceded:
        accepted = facts.nl_acceptance.strftime("%d-%m-%Y") if facts.nl_acceptance else None
        hague += (
            f", toegetreden, aanvaarding door Nederland neergelegd op {accepted}"
            if accepted
            else ", toegetreden, aanvaarding door Nederland onbekend"
        )
    return f"HKOV: {hague}; EU: {_yes(facts.eu_member)}"


def _acceptance_problem(facts: CountryFacts, today: date) -> str | None:
    accepted = facts.nl_acceptance
    if accepted is None:
        return None
    if not (facts.hague_party and facts.hague_acceded):
        return ACCEPTANCE_WITHOUT_ACCESSION
    if accepted < CONVENTION_IN_FORCE:
        return DATE_TOO_EARLY
    if accepted > today:
        return ACCEPTANCE_IN_FUTURE
    # An accession takes effect on the first day of the third month after its deposit,
    # and the Netherlands accepts it only once deposited: never three months before.
    since = facts.hague_since
    if since is not None and since.month > 3:
        deposited_by = date(since.year, since.month - 3, 1)
    elif since is not None:
        deposited_by = date(since.year - 1, since.month + 9, 1)
    else:
        deposited_by = None
    if deposited_by is not None and accepted < deposited_by:
        return ACCEPTANCE_BEFORE_ACCESSION
    return None


def update_country(
    session: Session,
    actor: Actor,
    iso2: str,
    facts: CountryFacts,
    source_note: str,
    today: date | None = None,
) -> CountryFacts:
    """Correct a country's facts, with where they come from; audited (REFERENCE_MANAGE).

    The note is required: a fact in this table decides the legal route shown
    in every case and a core figure of the annual report.
    """
    today = today or date.today()
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
    acceptance = _acceptance_problem(facts, today)
    if acceptance:
        problems["nl_acceptance"] = acceptance
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
    country.hague_acceded = facts.hague_party and facts.hague_acceded
    country.hague_nl_acceptance = facts.nl_acceptance if country.hague_acceded else None
    country.source_note = note
    session.flush()
    return CountryFacts(
        country.hague_party,
        country.hague_entry_into_force,
        country.eu_member,
        country.hague_acceded,
        country.hague_nl_acceptance,
    )
