"""Issue #12: maintenance use cases in services, the key source decided once per opening.

File-only: key sources, key files, rekey and backups belong to the SQLCipher file; a server
is backed up with pg_dump (docs/server.md).
"""

from __future__ import annotations

import argparse
import pathlib
from pathlib import Path

import pytest
from sqlalchemy import select

from ikodesk.errors import AccessDenied
from ikodesk.models import AuditEntry
from ikodesk.models.enums import Role
from ikodesk.services import maintenance, users
from ikodesk.services.actors import Actor
from ikodesk.services.application import Application, KeyMode, plan_opening
from ikodesk.storage import Database
from tests.conftest import TEST_PASSPHRASE
from tests.support.test_keyring import MemoryKeyring

PASSWORD = "Groene-Tafel-Zingt-4821"


def count_key_info_reads(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """Every read of a key-info file (`<db>.keyinfo.json`), in this process."""
    reads: list[Path] = []
    real = pathlib.Path.read_text

    def counting(self: Path, *args: object, **kwargs: object) -> str:
        if self.name.endswith(".keyinfo.json"):
            reads.append(self)
        return real(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(pathlib.Path, "read_text", counting)
    return reads


def _args(path: Path, **kw: object) -> argparse.Namespace:
    return argparse.Namespace(db=str(path), demo=False, recovery_key=False, user=None, **kw)


def test_cli_opening_reads_the_key_info_file_once(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ikodesk.cli.common import open_application

    path = db.path
    db.close()
    monkeypatch.setenv("IKODESK_PASSPHRASE", TEST_PASSPHRASE)
    reads = count_key_info_reads(monkeypatch)
    app = open_application(_args(path))
    try:
        assert app.key_mode is KeyMode.PASSPHRASE
    finally:
        app.close()
    assert len(reads) == 1, reads


def test_keyring_opening_through_a_plan_reads_the_key_info_file_once(
    tmp_path: Path, memory_keyring: MemoryKeyring, monkeypatch: pytest.MonkeyPatch
) -> None:
    app, recovery = Application.create(tmp_path / "k.db")
    app.close()
    assert recovery is not None
    reads = count_key_info_reads(monkeypatch)
    plan = plan_opening(tmp_path / "k.db")
    assert plan.keyring_expected and not plan.supplied and not plan.passphrase_expected
    Application.open(plan).close()
    assert len(reads) == 1, reads


def test_a_missing_key_info_file_is_written_once_from_the_plan(db: Database) -> None:
    path = db.path
    db.close()
    sidecar = path.with_name(path.name + ".keyinfo.json")
    sidecar.unlink()
    plan = plan_opening(path, passphrase=TEST_PASSPHRASE)
    assert plan.info is None and plan.key_mode is None
    app = Application.open(plan)
    app.close()
    assert '"passphrase"' in sidecar.read_text(encoding="utf-8")


def _audit(db: Database, action: str) -> list[tuple[str, str, str | None]]:
    with db.session() as s:
        rows = s.scalars(select(AuditEntry).where(AuditEntry.action == action))
        return [(r.username, r.result, r.detail) for r in rows]


@pytest.fixture
def people(db: Database) -> dict[str, Actor]:
    found = {}
    with db.transaction() as s:
        for name, role in (("beheer", Role.ADMIN), ("jdevries", Role.JURIST)):
            u = users.create_user(s, Actor.key_holder(), name, role, password=PASSWORD)
            found[name] = Actor(u.id, u.username, u.role)
    return found


def test_backup_is_for_administrators_and_audited(
    db: Database, people: dict[str, Actor], tmp_path: Path
) -> None:
    app = Application(db)
    with pytest.raises(AccessDenied):
        app.backup(people["jdevries"], tmp_path / "nee.db")
    assert not (tmp_path / "nee.db").exists()
    result = app.backup(people["beheer"], tmp_path / "ja.db")
    assert isinstance(result, maintenance.BackupResult)
    assert result.path == tmp_path / "ja.db" and result.path.is_file()
    assert [(u, r) for u, r, _ in _audit(db, "backup")] == [
        ("jdevries", "refused"),
        ("beheer", "allowed"),
    ]


def test_rekey_asks_for_the_new_passphrase_only_when_allowed(
    db: Database, people: dict[str, Actor]
) -> None:
    asked: list[str] = []

    def ask() -> str:
        asked.append("asked")
        return "een-nieuwe-lange-wachtwoordzin"

    app = Application(db)
    with pytest.raises(AccessDenied):
        app.rekey(people["jdevries"], passphrase=ask)
    assert asked == []
    result = app.rekey(people["beheer"], passphrase=ask)
    assert asked == ["asked"]
    assert result.recovery_key is None and result.key_mode is KeyMode.PASSPHRASE
    assert result.pre_rekey_copy.is_file()


def test_info_is_plain_data_and_the_key_holder_is_not_audited(
    db: Database, people: dict[str, Actor]
) -> None:
    app = Application(db)
    info = app.info(Actor.key_holder())
    assert isinstance(info, maintenance.DatabaseInfo)
    assert info.check.ok and info.key_mode is KeyMode.PASSPHRASE
    assert dict(info.counts) == {"zaken": 0, "contactmomenten": 0, "mediations": 0, "gebruikers": 2}
    assert info.size_bytes == db.path.stat().st_size > 0
    assert info.schema_revision == db.schema_revision()
    assert _audit(db, "backup") == []
    with pytest.raises(AccessDenied):
        app.info(people["jdevries"])
    app.info(people["beheer"])
    assert [(u, r) for u, r, _ in _audit(db, "backup")] == [
        ("jdevries", "refused"),
        ("beheer", "allowed"),
    ]


def test_check_for_a_user_is_audited_as_check(db: Database, people: dict[str, Actor]) -> None:
    app = Application(db)
    assert app.check(Actor.key_holder()).ok
    assert _audit(db, "backup") == []
    with pytest.raises(AccessDenied):
        app.check(people["jdevries"])
    assert app.check(people["beheer"]).complete
    assert _audit(db, "backup") == [
        ("jdevries", "refused", "rol; check"),
        ("beheer", "allowed", "check"),
    ]
