"""The migration that spells out Ł, Ø, ß… in the file's search index (0016).

File-only: the office server keeps its own search table, folded by unaccent
(tests/pg/test_server_walls.py: the server folds names as the file does).
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select, text

from ikodesk.models import User
from ikodesk.services import case_queries, exchange
from ikodesk.services.actors import Actor
from ikodesk.storage import Database, migrate
from tests.conftest import TEST_PASSPHRASE
from tests.support import records as R

# The index of a file made before 0016: the names as stored.
OLD_FILL = """
INSERT INTO case_search (rowid, ref, names)
SELECT c.id, c.ref,
  coalesce((SELECT group_concat(
      coalesce(p.first_name, '') || ' ' || coalesce(p.last_name, '') || ' ' ||
      coalesce(p.organisation, ''), ' ')
    FROM persons p WHERE p.case_id = c.id), '') || ' ' ||
  coalesce((SELECT group_concat(
      coalesce(ch.first_name, '') || ' ' || coalesce(ch.last_name, ''), ' ')
    FROM children ch WHERE ch.case_id = c.id), '')
FROM cases c
"""


def _found(db: Database, typed: str) -> list[str]:
    with db.transaction() as s:
        user = s.scalar(select(User).where(User.username == "jdevries"))
        assert user is not None
        jurist = Actor(user.id, user.username, user.role)
        return [r.ref for r in case_queries.search(s, jurist, typed).rows]


def test_an_old_index_is_rebuilt_with_the_letters_spelt_out(tmp_path: Path) -> None:
    path = tmp_path / "oud.db"
    db, _ = Database.create(path, passphrase=TEST_PASSPHRASE)
    case = R.case(other_parent={"relation": "father", "first_name": "Łukasz", "last_name": "Øberg"})
    with db.transaction() as s:
        exchange.import_lines(s, Actor.key_holder(), R.lines(*R.USERS, case))
    with db.engine.begin() as conn:
        conn.execute(text("INSERT INTO case_search (case_search) VALUES ('delete-all')"))
        conn.execute(text(OLD_FILL))
        conn.execute(text("UPDATE alembic_version SET version_num = '0015'"))
    # This version spells out what is typed: the old index no longer finds the name at all.
    assert _found(db, "lukasz oberg") == _found(db, "Łukasz") == []
    migrate.upgrade(db.engine)
    assert migrate.current_revision(db.engine) == migrate.head_revision()
    assert _found(db, "lukasz oberg") == [case["ref"]]
    assert _found(db, "Łukasz Øberg") == [case["ref"]]
    db.close()
