"""Issue #15, point 9: an administrator corrects a country's reference data, with a source.

Every test runs on both backends (`backend`: an encrypted file, the office server),
every user as their own login; what is stored and logged is read by the test's own look.
"""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from ikodesk.errors import AccessDenied, ValidationError
from ikodesk.models import AuditEntry, Country
from ikodesk.services import deadlines, reference
from ikodesk.services.reference import CountryFacts
from tests.support import family as F
from tests.support.backends import Backend


@pytest.fixture
def staff(backend: Backend) -> Backend:
    backend.load(*F.STAFF)
    return backend


def _country(db: Backend, iso2: str) -> tuple[bool, date | None, bool, str | None]:
    with db.inspect() as s:
        c = s.get(Country, iso2)
        assert c is not None
        return c.hague_party, c.hague_entry_into_force, c.eu_member, c.source_note


def _log(db: Backend) -> list[tuple[str, str, str | None, str | None]]:
    with db.inspect() as s:
        rows = s.execute(
            select(AuditEntry.username, AuditEntry.result, AuditEntry.object_ref, AuditEntry.detail)
            .where(AuditEntry.action == "reference.manage")
            .order_by(AuditEntry.id)
        )
        return [tuple(r) for r in rows]  # type: ignore[misc]


def test_every_country_starts_with_the_source_of_the_reference_file(staff: Backend) -> None:
    assert (_country(staff, "PL")[3] or "").startswith("verdragsstaat: lijst van pildb.org")
    assert (_country(staff, "AW")[3] or "").startswith(
        "niet geverifieerd: gebiedsdeel van Nederland"
    )


def test_a_correction_with_its_source_is_stored_and_audited(staff: Backend) -> None:
    admin = staff.as_("beheer").actor
    facts = CountryFacts(True, date(1994, 8, 1), False, False, None)
    with staff.as_("beheer").transaction() as s:
        assert reference.update_country(s, admin, "AW", facts, "  HCCH-statustabel  ") == facts
    assert _country(staff, "AW") == (True, date(1994, 8, 1), False, "HCCH-statustabel")
    assert _log(staff) == [
        ("beheer", "allowed", "AW", "HKOV: ja, sinds 01-08-1994; EU: nee; bron: HCCH-statustabel")
    ]
    # A party whose date is not known: stored without a date.
    with staff.as_("beheer").transaction() as s:
        reference.update_country(
            s, admin, "AW", CountryFacts(True, None, False, False, None), "Tractatenblad"
        )
    assert _country(staff, "AW")[:2] == (True, None)


@pytest.mark.parametrize(
    ("facts", "note", "field"),
    [
        (CountryFacts(True, date(1994, 8, 1), False, False, None), "   ", "source_note"),
        (CountryFacts(True, date(1983, 11, 30), False, False, None), "bron", "hague_since"),
        (CountryFacts(False, date(1994, 8, 1), False, False, None), "bron", "hague_since"),
        (CountryFacts(True, None, False, False, None), "bron\u202e", "source_note"),
    ],
)
def test_a_correction_without_a_source_or_with_an_impossible_date_is_refused(
    staff: Backend, facts: CountryFacts, note: str, field: str
) -> None:
    before = _country(staff, "AW")
    with pytest.raises(ValidationError) as refused, staff.as_("beheer").transaction() as s:
        reference.update_country(s, staff.as_("beheer").actor, "AW", facts, note)
    assert list(refused.value.errors) == [field]
    assert _country(staff, "AW") == before
    assert _log(staff) == []  # no entry for a change that was not made


def test_only_an_administrator_corrects_reference_data(staff: Backend) -> None:
    jdevries = staff.as_("jdevries")
    with pytest.raises(AccessDenied), jdevries.transaction() as s:
        reference.update_country(
            s,
            jdevries.actor,
            "AW",
            CountryFacts(True, None, False, False, None),
            "bron",
        )
    assert [(u, r) for u, r, _ref, _d in _log(staff)] == [("jdevries", "refused")]
    assert _country(staff, "AW")[0] is False


# -- the Netherlands' acceptance of an accession (Art. 38; issue #17) ----------------------
# The dates below are test data, not reference facts: the reference file leaves every
# Dutch acceptance empty, and only an administrator records one, with its source.
POLAND_IN_FORCE = date(1992, 11, 1)  # Poland acceded (deposit 1992-08-10)


def _poland(db: Backend) -> tuple[bool, date | None, str | None]:
    with db.inspect() as s:
        c = s.get(Country, "PL")
        assert c is not None
        return c.hague_acceded, c.hague_nl_acceptance, c.source_note


def _art35(db: Backend, removal: date) -> tuple[deadlines.InForce, deadlines.Reason, date | None]:
    with db.as_("jdevries").session() as s:
        facts = deadlines.listing.treaty_facts(s, ["PL", "NL"])
    check = deadlines.convention_check(facts["PL"], facts["NL"].entry_into_force, None, removal)
    assert check is not None
    return check.in_force, check.reason, check.since


def test_an_administrator_records_the_dutch_acceptance_and_the_art35_check_follows(
    staff: Backend,
) -> None:
    assert _poland(staff)[:2] == (True, None)
    assert _art35(staff, date(1993, 6, 1))[:2] == (
        deadlines.InForce.UNKNOWN,
        deadlines.Reason.ACCEPTANCE_UNKNOWN,
    )
    facts = CountryFacts(True, POLAND_IN_FORCE, True, True, date(1993, 3, 15))
    with staff.as_("beheer").transaction() as s:
        stored = reference.update_country(
            s, staff.as_("beheer").actor, "PL", facts, "Tractatenblad (test)", date(2026, 12, 3)
        )
    assert stored == facts
    assert _poland(staff) == (True, date(1993, 3, 15), "Tractatenblad (test)")
    assert _log(staff) == [
        (
            "beheer",
            "allowed",
            "PL",
            "HKOV: ja, sinds 01-11-1992, toegetreden, aanvaarding door Nederland neergelegd op "
            "15-03-1993; EU: ja; bron: Tractatenblad (test)",
        )
    ]
    # In force from the first day of the third calendar month after the deposit.
    assert _art35(staff, date(1993, 5, 31)) == (
        deadlines.InForce.NO,
        deadlines.Reason.BEFORE_ACCEPTANCE,
        date(1993, 6, 1),
    )
    assert _art35(staff, date(1993, 6, 1)) == (
        deadlines.InForce.YES,
        deadlines.Reason.IN_FORCE,
        date(1993, 6, 1),
    )
    # The annual figures' split keeps using Poland's own entry into force.
    with staff.as_("beheer").session() as s:
        assert reference.hague_party_on(s, "PL", date(1993, 1, 1))

    # Taken back (the source was wrong): unknown again, and the log says so.
    facts = CountryFacts(True, POLAND_IN_FORCE, True, True, None)
    with staff.as_("beheer").transaction() as s:
        reference.update_country(s, staff.as_("beheer").actor, "PL", facts, "eerdere bron onjuist")
    assert _poland(staff)[:2] == (True, None)
    assert "aanvaarding door Nederland onbekend" in (_log(staff)[-1][3] or "")
    assert _art35(staff, date(1993, 6, 1))[0] is deadlines.InForce.UNKNOWN


@pytest.mark.parametrize(
    ("iso2", "facts"),
    [
        # Germany ratified: no acceptance of an accession.
        ("DE", CountryFacts(True, date(1990, 12, 1), True, False, date(1993, 3, 15))),
        # Not a party at all.
        ("AW", CountryFacts(False, None, False, True, date(1993, 3, 15))),
        # Before the Convention existed in force.
        ("PL", CountryFacts(True, POLAND_IN_FORCE, True, True, date(1983, 11, 30))),
        # More than three months before the accession took effect: not yet deposited.
        ("PL", CountryFacts(True, POLAND_IN_FORCE, True, True, date(1992, 7, 31))),
        # Not yet deposited (today is 3 December 2026 here).
        ("PL", CountryFacts(True, POLAND_IN_FORCE, True, True, date(2026, 12, 4))),
    ],
)
def test_an_impossible_dutch_acceptance_is_refused(
    staff: Backend, iso2: str, facts: CountryFacts
) -> None:
    with pytest.raises(ValidationError) as refused, staff.as_("beheer").transaction() as s:
        reference.update_country(
            s, staff.as_("beheer").actor, iso2, facts, "bron", date(2026, 12, 3)
        )
    assert list(refused.value.errors) == ["nl_acceptance"]
    assert _log(staff) == []


def test_the_earliest_possible_acceptance_is_taken(staff: Backend) -> None:
    """Deposited in the month the accession was deposited (three months before it took effect)."""
    facts = CountryFacts(True, POLAND_IN_FORCE, True, True, date(1992, 8, 1))
    with staff.as_("beheer").transaction() as s:
        reference.update_country(s, staff.as_("beheer").actor, "PL", facts, "bron")
    assert _poland(staff)[1] == date(1992, 8, 1)
    assert _art35(staff, date(1992, 11, 1))[0] is deadlines.InForce.YES


def test_a_state_no_longer_acceded_loses_its_acceptance(staff: Backend) -> None:
    admin = staff.as_("beheer").actor
    with staff.as_("beheer").transaction() as s:
        reference.update_country(
            s, admin, "PL", CountryFacts(True, POLAND_IN_FORCE, True, True, date(1993, 3, 15)), "a"
        )
    with staff.as_("beheer").transaction() as s:
        reference.update_country(
            s, admin, "PL", CountryFacts(True, POLAND_IN_FORCE, True, False, None), "b"
        )
    assert _poland(staff)[:2] == (False, None)
    # Then it counts as a ratifying state: from the later entry into force.
    assert _art35(staff, date(1992, 11, 1))[0] is deadlines.InForce.YES
