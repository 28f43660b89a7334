"""Encrypted storage on real SQLCipher files: encryption, keys, migrations, backups."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import keyring
import pytest
from keyring.backends import fail, null
from sqlalchemy import text

from ikodesk.errors import KeyUnavailableError, SchemaTooNewError, WrongKeyError
from ikodesk.storage import Database, KeyMode, keys, migrate, read_key_info
from tests.conftest import TEST_PASSPHRASE
from tests.support.test_keyring import MemoryKeyring

MARKER_NAME = "Zzyzx-Öztürk-Kowalska"


def _insert_marker(db: Database) -> None:
    with db.engine.begin() as conn:
        conn.execute(
            text("INSERT INTO meta (key, value) VALUES ('probe', :v)"), {"v": MARKER_NAME * 50}
        )


def _all_bytes(path: Path) -> bytes:
    data = b""
    for candidate in path.parent.iterdir():
        if candidate.name.startswith(path.name):
            data += candidate.read_bytes()
    return data


def test_database_file_is_not_plain_sqlite_and_holds_no_plaintext(db: Database) -> None:
    _insert_marker(db)
    # Before closing: the WAL holds the newest pages; it must be encrypted too.
    wal = db.path.with_name(db.path.name + "-wal")
    assert wal.exists() and wal.stat().st_size > 0
    during = _all_bytes(db.path)
    db.close()
    after = _all_bytes(db.path)
    for blob in (during, after):
        assert MARKER_NAME.encode() not in blob
        assert MARKER_NAME.encode("utf-16-le") not in blob
    assert not db.path.read_bytes().startswith(b"SQLite format 3")
    with pytest.raises(sqlite3.DatabaseError):
        sqlite3.connect(db.path).execute("SELECT * FROM sqlite_master").fetchall()


def test_wrong_passphrase_is_refused_with_a_clear_message(db: Database) -> None:
    db.close()
    with pytest.raises(WrongKeyError, match="sleutel is onjuist"):
        Database.open(db.path, passphrase="niet-de-goede")


def test_plain_sqlite_file_is_not_an_ikodesk_database(tmp_path: Path) -> None:
    plain = tmp_path / "plain.db"
    sqlite3.connect(plain).execute("CREATE TABLE t (x)").connection.commit()
    with pytest.raises(WrongKeyError):
        Database.open(plain, passphrase="wat dan ook")


def test_keyring_mode_stores_a_raw_key_and_reopens_without_asking(
    tmp_path: Path, memory_keyring: MemoryKeyring
) -> None:
    path = tmp_path / "k.db"
    db, recovery = Database.create(path)
    assert db.key_mode is KeyMode.KEYRING
    assert recovery is not None and len(recovery.split("-")) == 17
    db.close()
    info = read_key_info(path)
    assert info is not None and info.key_mode is KeyMode.KEYRING
    stored = memory_keyring.entries[("ikodesk", info.database_id)]
    assert len(bytes.fromhex(stored)) == 32
    # The sidecar names the database, never its key.
    assert stored not in path.with_name(path.name + ".keyinfo.json").read_text()
    Database.open(path).close()


def test_recovery_key_opens_the_database_and_is_remembered(
    tmp_path: Path, memory_keyring: MemoryKeyring
) -> None:
    path = tmp_path / "k.db"
    db, recovery = Database.create(path)
    db.close()
    assert recovery is not None
    memory_keyring.entries.clear()  # another workstation, or the entry is lost
    with pytest.raises(KeyUnavailableError, match="herstelsleutel"):
        Database.open(path)
    Database.open(path, recovery_key=recovery.lower().replace("-", " ")).close()
    Database.open(path).close()  # now from this user's keyring


def test_recovery_key_with_a_typo_is_recognised(tmp_path: Path) -> None:
    db, recovery = Database.create(tmp_path / "k.db")
    db.close()
    assert recovery is not None
    typo = ("0" if recovery[0] != "0" else "1") + recovery[1:]
    with pytest.raises(Exception, match="typefout"):
        Database.open(db.path, recovery_key=typo)


@pytest.mark.parametrize("backend", [fail.Keyring, null.Keyring])
def test_without_a_usable_keyring_a_passphrase_is_required(tmp_path: Path, backend: type) -> None:
    keyring.set_keyring(backend())
    assert not keys.keyring_usable()
    with pytest.raises(KeyUnavailableError, match="wachtwoordzin"):
        Database.create(tmp_path / "a.db")
    assert not (tmp_path / "a.db").exists()
    db, recovery = Database.create(tmp_path / "a.db", passphrase=TEST_PASSPHRASE)
    assert recovery is None and db.key_mode is KeyMode.PASSPHRASE
    db.close()


def test_a_keyring_that_does_not_keep_the_key_falls_back(tmp_path: Path) -> None:
    class Forgetful(MemoryKeyring):
        def get_password(self, service: str, username: str) -> str | None:
            return None

    keyring.set_keyring(Forgetful())
    with pytest.raises(KeyUnavailableError):
        Database.create(tmp_path / "a.db")


def test_locked_keyring_falls_back(tmp_path: Path) -> None:
    from keyring.errors import KeyringLocked

    class Locked(MemoryKeyring):
        def set_password(self, service: str, username: str, password: str) -> None:
            raise KeyringLocked("locked")

    keyring.set_keyring(Locked())
    assert keys.store_in_keyring("x", b"\0" * 32) is False


def test_refuses_to_overwrite_an_existing_file(db: Database) -> None:
    with pytest.raises(Exception, match="bestaat al"):
        Database.create(db.path, passphrase=TEST_PASSPHRASE)


def test_backup_is_encrypted_and_opens_with_the_same_key(db: Database, tmp_path: Path) -> None:
    _insert_marker(db)
    dest = db.backup(tmp_path / "copy" / "backup.db")
    assert MARKER_NAME.encode() not in _all_bytes(dest)
    copy = Database.open(dest, passphrase=TEST_PASSPHRASE)
    with copy.engine.connect() as conn:
        assert conn.execute(text("SELECT value FROM meta WHERE key='probe'")).scalar() == (
            MARKER_NAME * 50
        )
    copy.close()


def test_a_database_newer_than_the_code_is_refused(db: Database) -> None:
    with db.engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = 'f00dfeed9999'"))
    db.close()
    with pytest.raises(SchemaTooNewError, match="nieuwere versie"):
        Database.open(db.path, passphrase=TEST_PASSPHRASE)


def test_migrations_match_the_models(db: Database) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    from ikodesk.models import Base

    with db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"include_name": migrate.include_name})
        diff = compare_metadata(context, Base.metadata)
    assert diff == []
    assert db.schema_revision() == migrate.head_revision()


def test_migrating_an_older_database_backs_it_up_first(
    db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A fake second revision on top of the real ones: opening upgrades after a backup."""
    import shutil

    scripts = tmp_path / "migrations"
    shutil.copytree(migrate.MIGRATIONS_DIR, scripts)
    head = migrate.head_revision()
    (scripts / "versions" / "9999_probe.py").write_text(
        f'revision = "9999"\ndown_revision = "{head}"\nbranch_labels = None\n'
        "depends_on = None\n\nfrom alembic import op\nimport sqlalchemy as sa\n\n\n"
        "def upgrade():\n"
        "    op.create_table('probe', sa.Column('id', sa.Integer, primary_key=True))\n"
    )
    _insert_marker(db)
    db.close()
    monkeypatch.setattr(migrate, "MIGRATIONS_DIR", scripts)
    reopened = Database.open(db.path, passphrase=TEST_PASSPHRASE)
    assert reopened.schema_revision() == "9999"
    backup = reopened.last_migration_backup
    assert backup is not None and backup.exists()
    assert MARKER_NAME.encode() not in _all_bytes(backup)
    old = Database.open(backup, passphrase=TEST_PASSPHRASE, migrate_schema=False)
    assert old.schema_revision() == head
    old.close()
    reopened.close()


FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.mark.slow
@pytest.mark.parametrize("fixture", sorted(FIXTURES.glob("schema_*.db")), ids=lambda p: p.stem)
def test_every_released_schema_migrates_to_head(fixture: Path, tmp_path: Path) -> None:
    """Databases of every released schema open with this code, data intact."""
    import shutil

    from ikodesk.services import case_queries
    from ikodesk.services.actors import Actor

    for f in fixture.parent.glob(fixture.name + "*"):
        shutil.copy(f, tmp_path / f.name)
    db = Database.open(tmp_path / fixture.name, passphrase=TEST_PASSPHRASE)
    try:
        assert db.schema_revision() == migrate.head_revision()
        assert db.last_migration_backup is not None and db.last_migration_backup.exists()
        with db.session() as s:
            found = case_queries.search(s, Actor.key_holder(), "wisniewska").rows
            assert [r.ref for r in found] == ["2024-L2-00001"]
            assert found[0].requester == "Łucja Wiśniewska"
    finally:
        db.close()


def test_rekey_to_the_keyring_and_back_to_a_passphrase(
    db: Database, memory_keyring: MemoryKeyring
) -> None:
    _insert_marker(db)
    recovery, backup = db.rekey()
    assert recovery is not None and db.key_mode is KeyMode.KEYRING
    with db.engine.connect() as conn:  # still usable after the rotation
        assert conn.execute(text("SELECT count(*) FROM meta WHERE key='probe'")).scalar() == 1
    db.close()
    memory_keyring.entries.clear()
    with pytest.raises(WrongKeyError):  # the old passphrase no longer opens it
        Database.open(db.path, passphrase=TEST_PASSPHRASE)
    Database.open(db.path, recovery_key=recovery).close()
    old = Database.open(backup, passphrase=TEST_PASSPHRASE, migrate_schema=False)
    old.close()
    again = Database.open(db.path)
    again.rekey(passphrase="een nieuwe wachtwoordzin")
    again.close()
    with pytest.raises(WrongKeyError):
        Database.open(db.path, passphrase=TEST_PASSPHRASE)
    Database.open(db.path, passphrase="een nieuwe wachtwoordzin").close()
