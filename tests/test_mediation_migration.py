"""The migration that added the parents of mediation requests.

File-only: an existing file upgraded in place; a server database is built at the head
revision by `server init` and upgraded by `server upgrade` (tests/pg/test_server_setup.py).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import func, select, text

from ikodesk.models import MediationParent
from ikodesk.storage import migrate
from ikodesk.storage.database import _make_engine
from ikodesk.storage.keys import DatabaseKey
from tests.conftest import TEST_PASSPHRASE


def test_migration_adds_mediation_parents_and_keeps_existing_mediations(tmp_path: Path) -> None:
    """A database at the baseline schema with a mediation upgrades to the head."""
    engine = _make_engine(
        tmp_path / "old.db", DatabaseKey.from_passphrase(TEST_PASSPHRASE), new=True
    )
    try:
        with engine.begin() as conn:
            command.upgrade(migrate.alembic_config(conn), "0001")
        with engine.begin() as conn:
            assert "mediation_parents" not in {
                r[0] for r in conn.execute(text("SELECT name FROM sqlite_master"))
            }
            conn.execute(
                text(
                    "INSERT INTO mediations (id, ref, kind, requested, status, failure_reasons) "
                    "VALUES (1, 'M2023-001', 'iko', '2023-05-01', 'requested', '[]')"
                )
            )
        migrate.upgrade(engine)
        assert migrate.current_revision(engine) == migrate.head_revision()
        with engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO mediation_parents (mediation_id, position, relation) "
                    "VALUES (1, 0, 'mother')"
                )
            )
            assert conn.execute(text("SELECT ref FROM mediations")).scalar_one() == "M2023-001"
            count = conn.execute(select(func.count()).select_from(MediationParent)).scalar_one()
            assert count == 1
            with pytest.raises(Exception, match="CHECK constraint failed"):
                conn.execute(
                    text(
                        "INSERT INTO mediation_parents (mediation_id, position, relation) "
                        "VALUES (1, 1, 'aunt')"
                    )
                )
    finally:
        engine.dispose()
