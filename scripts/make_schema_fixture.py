"""Create a small encrypted database at an old schema revision, for migration tests.

    .venv/bin/python scripts/make_schema_fixture.py 0001

Writes tests/fixtures/schema_<rev>.db (passphrase: tests.conftest.TEST_PASSPHRASE)
with a few records inserted in plain SQL that the schema of that revision
accepts. Make one for every released schema and keep it: the migration test
opens each with the current code.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from alembic import command
from sqlalchemy import text

from ikodesk.storage import migrate
from ikodesk.storage.database import _make_engine
from ikodesk.storage.keys import DatabaseKey

PASSPHRASE = "test-wachtwoordzin"
ROOT = Path(__file__).resolve().parent.parent

ROWS = """
INSERT INTO meta (key, value) VALUES ('database_id', 'fixture{rev}'), ('key_mode', 'passphrase');
INSERT INTO users (id, username, name, role, active)
  VALUES (1, 'jdevries', 'J. de Vries', 'jurist', 1);
INSERT INTO cases (id, ref, line, code, opened, handler_id, country, direction, taker)
  VALUES (1, '2024-L2-00001', 2, 'international_abduction', '2024-03-05', 1, 'PL',
          'outgoing', 'father');
INSERT INTO persons (case_id, role, kind, relation, side, first_name, last_name)
  VALUES (1, 'requester', 'parent', 'mother', 'left_behind', 'Łucja', 'Wiśniewska');
INSERT INTO children (case_id, position, first_name, birth_date) VALUES (1, 0, 'Zoë', '2017-09-01');
INSERT INTO contacts (case_id, at, channel, party, handler_id)
  VALUES (1, '2024-03-05 10:12:00.000000', 'phone', 'parent', 1);
"""


def main() -> None:
    rev = sys.argv[1]
    dest = ROOT / "tests" / "fixtures" / f"schema_{rev}.db"
    if dest.exists():
        raise SystemExit(f"{dest} exists")
    engine = _make_engine(dest, DatabaseKey.from_passphrase(PASSPHRASE))
    with engine.begin() as conn:
        command.upgrade(migrate.alembic_config(conn), rev)
    with engine.begin() as conn:
        for statement in ROWS.format(rev=rev).strip().split(";\n"):
            if statement.strip():
                conn.execute(text(statement))
    engine.dispose()
    info = {"format": "ikodesk-database", "database_id": f"fixture{rev}", "key_mode": "passphrase"}
    dest.with_name(dest.name + ".keyinfo.json").write_text(json.dumps(info))
    print(dest)


if __name__ == "__main__":
    main()
