"""The migration that put the shipped country notes into Dutch (0015).

File-only: an existing file upgraded in place; a server database is built at the head
revision by `server init` and upgraded by `server upgrade` (tests/pg/test_server_setup.py).
"""

from __future__ import annotations

import csv
from pathlib import Path

from alembic import command
from sqlalchemy import text

from ikodesk.resources import resource_path
from ikodesk.storage import migrate
from ikodesk.storage.database import _make_engine
from ikodesk.storage.keys import DatabaseKey
from tests.conftest import TEST_PASSPHRASE


def _shipped() -> dict[str, dict[str, str]]:
    with resource_path("countries", "hague1980_parties.csv").open(encoding="utf-8") as fh:
        return {r["iso_alpha2"]: r for r in csv.DictReader(fh)}


def test_every_shipped_note_is_dutch_with_its_original_beside_it() -> None:
    rows = _shipped()
    assert len(rows) == 249
    for code, r in rows.items():
        nl, en = r["source_note"], r["source_note_en"]
        assert nl and en and nl != en, code
        for english in ("party", "confirmed", "unverified", "territory", "derived", "EIF"):
            assert english not in nl.replace("verdragspartij", ""), (code, english, nl)
    assert rows["PL"]["source_note"].startswith("verdragsstaat: lijst van pildb.org (nederlegging")
    assert "Brussel IIb" in rows["DK"]["source_note"]


def test_old_english_notes_become_dutch_and_an_administrators_note_stays(tmp_path: Path) -> None:
    shipped = _shipped()
    engine = _make_engine(
        tmp_path / "old.db", DatabaseKey.from_passphrase(TEST_PASSPHRASE), new=True
    )
    try:
        with engine.begin() as conn:
            command.upgrade(migrate.alembic_config(conn), "0014")
            # A database made before 0015 holds the English notes of the old file …
            for code in ("PL", "DK", "AW"):
                conn.execute(
                    text("UPDATE countries SET source_note = :en WHERE iso2 = :code"),
                    {"en": shipped[code]["source_note_en"], "code": code},
                )
            # … and one an administrator wrote after correcting a fact.
            conn.execute(
                text(
                    "UPDATE countries SET source_note = 'Tractatenblad 2025, 12' WHERE iso2 = 'PE'"
                )
            )
        migrate.upgrade(engine)
        with engine.begin() as conn:
            notes = dict(conn.execute(text("SELECT iso2, source_note FROM countries")).all())
        for code in ("PL", "DK", "AW"):
            assert notes[code] == shipped[code]["source_note"]
        assert notes["PE"] == "Tractatenblad 2025, 12"
    finally:
        engine.dispose()
