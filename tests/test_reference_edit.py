"""Issue #15, point 9: an administrator corrects a country's reference data, with a source."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from ikodesk.errors import AccessDenied, ValidationError
from ikodesk.models import AuditEntry, Country
from ikodesk.services import reference
from ikodesk.services.reference import CountryFacts
from ikodesk.storage import Database
from tests.support import family as F


@pytest.fixture
def staff(db: Database) -> Database:
    F.load(db, *F.STAFF)
    return db


def _country(db: Database, iso2: str) -> tuple[bool, date | None, bool, str | None]:
    with db.session() as s:
        c = s.get(Country, iso2)
        assert c is not None
        return c.hague_party, c.hague_entry_into_force, c.eu_member, c.source_note


def _log(db: Database) -> list[tuple[str, str, str | None, str | None]]:
    with db.session() as s:
        rows = s.execute(
            select(AuditEntry.username, AuditEntry.result, AuditEntry.object_ref, AuditEntry.detail)
            .where(AuditEntry.action == "reference.manage")
            .order_by(AuditEntry.id)
        )
        return [tuple(r) for r in rows]  # type: ignore[misc]


def test_every_country_starts_with_the_source_of_the_reference_file(staff: Database) -> None:
    assert (_country(staff, "PL")[3] or "").startswith("party: pildb.org list")
    assert (_country(staff, "AW")[3] or "").startswith("unverified: territory of NL")


def test_a_correction_with_its_source_is_stored_and_audited(staff: Database) -> None:
    admin = F.actor(staff, "beheer")
    facts = CountryFacts(True, date(1994, 8, 1), False)
    with staff.transaction() as s:
        assert reference.update_country(s, admin, "AW", facts, "  HCCH-statustabel  ") == facts
    assert _country(staff, "AW") == (True, date(1994, 8, 1), False, "HCCH-statustabel")
    assert _log(staff) == [
        ("beheer", "allowed", "AW", "HKOV: ja, sinds 01-08-1994; EU: nee; bron: HCCH-statustabel")
    ]
    # A party whose date is not known: stored without a date.
    with staff.transaction() as s:
        reference.update_country(s, admin, "AW", CountryFacts(True, None, False), "Tractatenblad")
    assert _country(staff, "AW")[:2] == (True, None)


@pytest.mark.parametrize(
    ("facts", "note", "field"),
    [
        (CountryFacts(True, date(1994, 8, 1), False), "   ", "source_note"),
        (CountryFacts(True, date(1983, 11, 30), False), "bron", "hague_since"),
        (CountryFacts(False, date(1994, 8, 1), False), "bron", "hague_since"),
        (CountryFacts(True, None, False), "bron\u202e", "source_note"),
    ],
)
def test_a_correction_without_a_source_or_with_an_impossible_date_is_refused(
    staff: Database, facts: CountryFacts, note: str, field: str
) -> None:
    before = _country(staff, "AW")
    with pytest.raises(ValidationError) as refused, staff.transaction() as s:
        reference.update_country(s, F.actor(staff, "beheer"), "AW", facts, note)
    assert list(refused.value.errors) == [field]
    assert _country(staff, "AW") == before
    assert _log(staff) == []  # no entry for a change that was not made


def test_only_an_administrator_corrects_reference_data(staff: Database) -> None:
    with pytest.raises(AccessDenied), staff.transaction() as s:
        reference.update_country(
            s, F.actor(staff, "jdevries"), "AW", CountryFacts(True, None, False), "bron"
        )
    assert [(u, r) for u, r, _ref, _d in _log(staff)] == [("jdevries", "refused")]
    assert _country(staff, "AW")[0] is False
