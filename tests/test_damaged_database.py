"""Issue #11 point 9: a damaged file is found by `check` and `info`, and a command that
reads a damaged page names the damage (rc 2) instead of failing with "interne fout".

File-only: damaged pages of an SQLCipher file; a server keeps its own pages.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import text

from ikodesk.errors import DatabaseDamagedError
from ikodesk.services import exchange, maintenance
from ikodesk.services.actors import Actor
from ikodesk.storage import Database, damage
from tests.conftest import TEST_PASSPHRASE
from tests.support import family as F
from tests.support import records as R

ENV = {"IKODESK_PASSPHRASE": TEST_PASSPHRASE}
PAGE = 4096


@pytest.fixture
def filled(db: Database) -> Path:
    """A closed database with cases and enough audit entries to span many pages."""
    F.load(db, *F.STAFF, R.ABDUCTION_CASE, R.CONTACT, F.FATHER_CASE, F.FATHER_CONTACT)
    with db.engine.begin() as conn:
        conn.execute(
            text("INSERT INTO meta (key, value) VALUES (:k, :v)"),
            [{"k": f"vulling-{i}", "v": "x" * 300} for i in range(600)],
        )
    path = db.path
    db.close()  # checkpoints the WAL into the file
    assert not path.with_name(path.name + "-wal").exists()
    return path


def _root_page(path: Path, table: str) -> int:
    with Database.open(path, passphrase=TEST_PASSPHRASE) as db, db.engine.connect() as conn:
        return int(
            conn.execute(
                text("SELECT rootpage FROM sqlite_master WHERE name = :t"), {"t": table}
            ).scalar_one()
        )


def _flip(path: Path, page: int) -> None:
    with path.open("r+b") as fh:
        fh.seek((page - 1) * PAGE + 100)
        data = fh.read(32)
        fh.seek((page - 1) * PAGE + 100)
        fh.write(bytes(b ^ 0xFF for b in data))


def _truncate(path: Path) -> None:
    os.truncate(path, path.stat().st_size - 100)


def test_a_sound_database_passes_every_check(filled: Path, cli: Callable[..., object]) -> None:
    result = cli(["--db", filled, "check"], env=ENV)
    assert result.code == 0, result  # type: ignore[attr-defined]
    assert "De database is in orde" in result.out  # type: ignore[attr-defined]
    result = cli(["--db", filled, "info"], env=ENV)
    assert result.code == 0 and "geen schade gevonden" in result.out  # type: ignore[attr-defined]


@pytest.mark.parametrize("harm", ["truncate", "flip-cases", "flip-last"])
def test_check_and_info_find_the_damage(
    filled: Path, cli: Callable[..., object], harm: str
) -> None:
    if harm == "truncate":
        _truncate(filled)
    elif harm == "flip-cases":
        _flip(filled, _root_page(filled, "cases"))
    else:
        _flip(filled, filled.stat().st_size // PAGE)
    result = cli(["--db", filled, "check"], env=ENV)
    assert result.code == 2, result  # type: ignore[attr-defined]
    assert "beschadigd" in (result.out + result.err).lower()  # type: ignore[attr-defined]
    assert "interne fout" not in result.err  # type: ignore[attr-defined]
    result = cli(["--db", filled, "info"], env=ENV)
    assert result.code == 2, result  # type: ignore[attr-defined]
    assert "De database is beschadigd" in result.err  # type: ignore[attr-defined]
    assert "ikodesk check" in result.err  # type: ignore[attr-defined]


def test_the_service_check_names_the_page(filled: Path) -> None:
    page = _root_page(filled, "cases")
    _flip(filled, page)
    with Database.open(filled, passphrase=TEST_PASSPHRASE) as db:
        report = maintenance.full_check(db)
        assert not report.ok
        cipher = next(f for f in report.findings if "HMAC" in f.label)
        assert not cipher.ok and f"page {page}" in cipher.detail
        assert not maintenance.quick_check(db).ok


def test_a_truncated_file_is_found_by_its_size(filled: Path) -> None:
    with Database.open(filled, passphrase=TEST_PASSPHRASE) as db:
        _truncate(filled)
        report = maintenance.quick_check(db)
    size = next(f for f in report.findings if f.label == "Bestandsgrootte")
    assert not size.ok and "afgekapt" in size.detail


def _export_as_key_holder(path: Path, target: Path) -> None:
    with Database.open(path, passphrase=TEST_PASSPHRASE) as db, db.session() as s:
        exchange.export_file(s, Actor.key_holder(), target)


@pytest.mark.slow
def test_export_of_a_damaged_page_names_the_damage(
    filled: Path, tmp_path: Path, cli: Callable[..., object]
) -> None:
    _flip(filled, _root_page(filled, "cases"))
    target = tmp_path / "export.jsonl"
    # Any error, as long as it maps to the damage message (the session's own clean-up
    # may fail on the damaged file too, after the export did).
    with pytest.raises(Exception) as caught:
        _export_as_key_holder(filled, target)
    error = damage.damage_error(caught.value)
    assert isinstance(error, DatabaseDamagedError)
    assert not target.exists() and not list(tmp_path.glob("*.partial"))
    # Through the command line: rc 2 with the message, never rc 70. Who may export is
    # decided elsewhere (issue point 1): use an administrator when the policy allows it.
    F_env = {**ENV, "IKODESK_PASSWORD": F.PASSWORD}
    with Database.open(filled, passphrase=TEST_PASSPHRASE) as db:
        F.with_passwords(db)
        approver = F.second_admin(db)
    F_env = {**F_env, "IKODESK_APPROVER": approver.username}
    F_env["IKODESK_APPROVER_PASSWORD"] = approver.password
    result = cli(["--db", filled, "--user", "beheer", "export", target], env=F_env)
    if result.code == 3:  # type: ignore[attr-defined]
        result = cli(["--db", filled, "export", target], env=ENV)
    assert result.code == 2, result  # type: ignore[attr-defined]
    assert "De database is beschadigd" in result.err  # type: ignore[attr-defined]
    assert "ikodesk check" in result.err and "back-up" in result.err  # type: ignore[attr-defined]
    assert not target.exists()


def test_backup_of_a_damaged_database_names_the_damage(
    filled: Path, tmp_path: Path, cli: Callable[..., object]
) -> None:
    _flip(filled, _root_page(filled, "cases"))
    target = tmp_path / "kopie.db"
    result = cli(["--db", filled, "backup", target], env=ENV)
    assert result.code == 2, result  # type: ignore[attr-defined]
    assert "De database is beschadigd" in result.err  # type: ignore[attr-defined]
    assert not target.exists() and not [p for p in tmp_path.iterdir() if "partial" in p.name]


def test_a_broken_audit_chain_fails_the_check(filled: Path, cli: Callable[..., object]) -> None:
    with Database.open(filled, passphrase=TEST_PASSPHRASE) as db, db.engine.begin() as conn:
        assert conn.execute(text("SELECT count(*) FROM audit_log")).scalar_one() > 0
        # The key holder rewrites the recorded head: the chain no longer fits.
        conn.execute(
            text("UPDATE meta SET value = '1 ' || hex(randomblob(32)) WHERE key = 'audit_head'")
        )
    result = cli(["--db", filled, "check"], env=ENV)
    assert result.code == 2
    assert "Auditlog (hashketen): FOUT" in result.out  # type: ignore[attr-defined]


def test_a_hundred_problems_read_as_a_count_and_the_first_few(
    filled: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """integrity_check puts its problems in one row under a header: a verdict, not 100 lines."""
    listing = "*** in database main ***\n" + "\n".join(
        f"Tree 51 page {n}: btreeInitPage() returns error code 11" for n in range(100)
    )
    monkeypatch.setattr(maintenance.damage, "pragma_rows", lambda _engine, _pragma: [listing])
    with Database.open(filled, passphrase=TEST_PASSPHRASE) as db:
        finding = next(f for f in maintenance.full_check(db).findings if "integrity" in f.label)
    assert not finding.ok
    assert finding.detail.startswith("100 fouten: Tree 51 page 0:")
    assert "(en 95 meer)" in finding.detail and "\n" not in finding.detail
