"""Autogenerate a new Alembic migration from the models (developer tool).

    .venv/bin/python scripts/make_migration.py "add audit log"

Creates a throw-away encrypted database at the current head, compares it with
the models and writes the new revision into src/ikodesk/storage/migrations/.
Read and adjust the generated file before committing it.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from alembic import command

from ikodesk.models import Base
from ikodesk.storage import migrate
from ikodesk.storage.database import _make_engine
from ikodesk.storage.keys import DatabaseKey


def main() -> None:
    message = sys.argv[1] if len(sys.argv) > 1 else "migration"
    with tempfile.TemporaryDirectory() as tmp:
        engine = _make_engine(Path(tmp) / "scratch.db", DatabaseKey.from_passphrase("scratch"))
        if migrate.script_directory().get_current_head() is not None:
            migrate.upgrade(engine)
        with engine.begin() as conn:
            cfg = migrate.alembic_config(conn)
            cfg.attributes["target_metadata"] = Base.metadata
            command.revision(cfg, message=message, autogenerate=True)
        engine.dispose()


if __name__ == "__main__":
    main()
