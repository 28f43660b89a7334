"""Issue #11 points 5 and 6: every file ikodesk writes is owner-only, exclusive, never via a link.

Attacks the way the attacker did: a planted `.partial` symlink pointing at a file
outside, a planted world-writable `.partial`, a umask of 000, a link at the target.

What is written from the database (the approved export, a dossier print, the command
line's print) is written on both backends: the office server's rows land in a file on
the workstation all the same (the two families are loaded once per module and
backend; the writers only add audit entries). The backup, the database's own files
and the log are the embedded file's by nature: those tests say so where they stand.
"""

from __future__ import annotations

import logging
import os
import stat
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from reportlab.platypus import Paragraph

from ikodesk.errors import InputError
from ikodesk.logging_setup import setup_logging
from ikodesk.reports import dossier
from ikodesk.reports.document import ReportInfo, write_pdf
from ikodesk.services import exchange
from ikodesk.services.approvals import ApproverCredentials
from ikodesk.storage import Database, files
from tests.conftest import TEST_PASSPHRASE
from tests.support import family as F
from tests.support import records as R
from tests.support.backends import SECOND_ADMIN, Backend
from tests.support.cli_on import cli_on, with_passwords
from tests.support.made_once import Made, make, on_made
from tests.support.office import ADMIN, PASSWORD

OUTSIDE = b"a file of someone else, it must stay as it is\n"

Writer = Callable[[Backend, Path], object]


def _export(db: Backend, target: Path) -> object:
    # As the administrator does it, approved by a second one (on the server the server's
    # own export functions fill a private copy first: services.exchange.server_export).
    admin = db.as_(ADMIN)
    approver = ApproverCredentials(SECOND_ADMIN, PASSWORD)
    return admin.app.exchange.export_to_file(admin.actor, target, approver=approver)


def _dossier(db: Backend, target: Path) -> object:
    jurist = db.as_("jdevries")
    with jurist.transaction() as s:
        return dossier.write_dossier_pdf(s, jurist.actor, db.case_id(F.MOTHER_REF), target)


def _report(db: Backend, target: Path) -> object:
    from reportlab.lib.styles import getSampleStyleSheet

    story = [Paragraph("Jaarcijfers", getSampleStyleSheet()["Normal"])]
    return write_pdf(target, ReportInfo("Jaarcijfers 2024", "test", cover=False), story)


def _backup(db: Backend, target: Path) -> object:
    assert db.db is not None
    return db.db.backup(target)


WRITERS: dict[str, tuple[Writer, str]] = {
    "export": (_export, "export.jsonl"),
    "dossier": (_dossier, "dossier.pdf"),
    "report": (_report, "jaarcijfers-2024.pdf"),
    "backup": (_backup, "kopie.db"),
}
# Each writer on the backends it writes from: the report's PDF is made from figures
# already computed (no database), the backup copies the SQLCipher file (on the server
# that is pg_dump's job, docs/server.md).
ON = {"export": ("file", "server"), "dossier": ("file", "server"), "report": ("file",)}
ON_BACKUP = {**ON, "backup": ("file",)}


def _cases(names: dict[str, tuple[str, ...]]) -> list[Any]:
    return [
        pytest.param(name, where, id=f"{name}-{where}")
        for name, backends in names.items()
        for where in backends
    ]


def _fill(db: Backend) -> None:
    db.load(*F.STAFF, R.ABDUCTION_CASE, R.CONTACT, F.FATHER_CASE, F.FATHER_CONTACT)
    db.second_admin()
    with_passwords(db)  # for the command line's print


@pytest.fixture(scope="module")
def _families() -> dict[str, Made]:
    """The families, loaded once per module on each backend on first use."""
    return {}


@pytest.fixture(params=["file", "server"])
def where(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def filled(
    request: pytest.FixtureRequest, where: str, _families: dict[str, Made]
) -> Iterator[Backend]:
    if where not in _families:
        _families[where] = make(request, _fill, where)
    with on_made(_families[where]) as db:
        yield db


@pytest.fixture
def umask_000() -> Iterator[None]:
    old = os.umask(0)
    try:
        yield
    finally:
        os.umask(old)


def _mode(path: Path) -> int:
    return stat.S_IMODE(os.lstat(path).st_mode)


def _check_output(name: str, target: Path) -> None:
    st = os.lstat(target)
    assert stat.S_ISREG(st.st_mode), "the target must be a regular file, not a link"
    assert _mode(target) == 0o600
    head = target.read_bytes()[:16]
    if name in ("dossier", "report"):
        assert head.startswith(b"%PDF")
    elif name == "export":
        assert head.startswith(b"{")
    else:
        Database.open(target, passphrase=TEST_PASSPHRASE).close()


def _planted_names(target: Path) -> list[Path]:
    """The temporary names the old code used (and a few an attacker might guess)."""
    return [
        target.with_name(target.name + ".partial"),
        target.with_name(f".{target.name}.partial"),
        target.with_name(target.name + ".tmp"),
    ]


@pytest.mark.parametrize(("name", "where"), _cases(ON_BACKUP))
def test_a_planted_partial_symlink_receives_nothing(
    filled: Backend, tmp_path: Path, name: str
) -> None:
    writer, filename = WRITERS[name]
    out_dir = tmp_path / "uit"
    out_dir.mkdir()
    target = out_dir / filename
    victims = []
    for i, planted in enumerate(_planted_names(target)):
        victim = tmp_path / f"buiten-{i}.txt"
        victim.write_bytes(OUTSIDE)
        planted.symlink_to(victim)
        victims.append(victim)
    writer(filled, target)
    for victim in victims:
        assert victim.read_bytes() == OUTSIDE
    _check_output(name, target)


@pytest.mark.parametrize(("name", "where"), _cases(ON_BACKUP))
def test_a_planted_world_writable_partial_does_not_make_the_output_0666(
    filled: Backend, tmp_path: Path, name: str, umask_000: None
) -> None:
    writer, filename = WRITERS[name]
    target = tmp_path / filename
    for planted in _planted_names(target):
        planted.write_bytes(b"")
        os.chmod(planted, 0o666)
    writer(filled, target)
    _check_output(name, target)


@pytest.mark.parametrize(("name", "where"), _cases(ON_BACKUP))
def test_umask_000_still_gives_an_owner_only_file(
    filled: Backend, tmp_path: Path, name: str, umask_000: None
) -> None:
    writer, filename = WRITERS[name]
    target = tmp_path / "nieuw" / filename
    writer(filled, target)
    _check_output(name, target)
    assert _mode(target.parent) == 0o700
    leftovers = [p.name for p in target.parent.iterdir() if p.name.endswith(".partial")]
    assert leftovers == []


@pytest.mark.parametrize(("name", "where"), _cases(ON))
def test_a_link_at_the_target_is_replaced_not_followed(
    filled: Backend, tmp_path: Path, name: str
) -> None:
    writer, filename = WRITERS[name]
    victim = tmp_path / "buiten.txt"
    victim.write_bytes(OUTSIDE)
    target = tmp_path / filename
    target.symlink_to(victim)
    writer(filled, target)
    assert victim.read_bytes() == OUTSIDE
    _check_output(name, target)


# File-only by nature: a backup copies the SQLCipher file (the server's is pg_dump's).
@pytest.mark.parametrize("where", ["file"])
def test_a_backup_never_writes_over_or_through_an_existing_name(
    filled: Backend, tmp_path: Path
) -> None:
    assert filled.db is not None
    victim = tmp_path / "buiten.txt"
    victim.write_bytes(OUTSIDE)
    target = tmp_path / "kopie.db"
    target.symlink_to(victim)
    with pytest.raises(InputError, match="bestaat al"):
        filled.db.backup(target)
    assert victim.read_bytes() == OUTSIDE and target.is_symlink()
    dangling = tmp_path / "los.db"
    dangling.symlink_to(tmp_path / "bestaat-niet.db")
    with pytest.raises(InputError, match="bestaat al"):
        filled.db.backup(dangling)
    assert not (tmp_path / "bestaat-niet.db").exists()


def test_a_failed_write_leaves_no_temporary_file_and_no_target(tmp_path: Path) -> None:
    """No database: the records come from a generator that fails half way."""

    def records() -> Iterator[dict[str, object]]:
        yield {"type": "case"}
        raise RuntimeError("disk gone")

    target = tmp_path / "export.jsonl"
    with pytest.raises(RuntimeError):
        exchange.write_jsonl(records(), target)
    assert list(tmp_path.iterdir()) == []  # no target, no temporary file


def test_cli_dossier_print_through_a_planted_partial_link(
    filled: Backend, tmp_path: Path, cli: Any
) -> None:
    victim = tmp_path / "buiten.txt"
    victim.write_bytes(OUTSIDE)
    target = tmp_path / "dossier.pdf"
    target.with_name(target.name + ".partial").symlink_to(victim)
    result = cli_on(filled, cli).as_("jdevries", "case", "print", F.MOTHER_REF, "-o", target)
    assert result.code == 0, result.err
    assert victim.read_bytes() == OUTSIDE
    _check_output("dossier", target)


# --- point 6: the database, its companions, backups and the log ---------------------------


# File-only by nature: the SQLCipher file, its companions, its backup and rekey copies.
def test_database_files_and_folders_are_owner_only(tmp_path: Path, umask_000: None) -> None:
    path = tmp_path / "nieuwe-map" / "sub" / "ikodesk.db"
    db, _ = Database.create(path, passphrase=TEST_PASSPHRASE)
    try:
        from sqlalchemy import text

        with db.engine.begin() as conn:
            conn.execute(text("INSERT INTO meta (key, value) VALUES ('x', 'y')"))
        companions = [path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")]
        companions.append(path.with_name(path.name + ".keyinfo.json"))
        for p in companions:
            assert p.exists() and _mode(p) == 0o600, p
        assert _mode(path.parent) == 0o700 and _mode(path.parent.parent) == 0o700
        backup = db.backup(tmp_path / "backups" / "b.db")
        assert _mode(backup) == 0o600
        assert _mode(backup.with_name(backup.name + ".keyinfo.json")) == 0o600
        _recovery, copy = db.rekey(passphrase="een-andere-wachtwoordzin")
        assert _mode(copy) == 0o600
        assert _mode(copy.with_name(copy.name + ".keyinfo.json")) == 0o600
    finally:
        db.close()


# File-only by nature: the modes of the SQLCipher file and its key-info file.
def test_an_existing_database_made_0644_is_tightened_when_opened(db: Database) -> None:
    db.close()
    os.chmod(db.path, 0o644)
    sidecar = db.path.with_name(db.path.name + ".keyinfo.json")
    os.chmod(sidecar, 0o644)
    Database.open(db.path, passphrase=TEST_PASSPHRASE).close()
    assert _mode(db.path) == 0o600 and _mode(sidecar) == 0o600


# No database: the workstation's log file.
def test_the_log_file_and_folder_are_owner_only(
    monkeypatch: pytest.MonkeyPatch, umask_000: None
) -> None:
    root = logging.getLogger("ikodesk")
    monkeypatch.setattr(root, "handlers", [])
    path = setup_logging()
    assert path is not None
    try:
        root.info("test")
        assert _mode(path) == 0o600 and _mode(path.parent) == 0o700
        handler = root.handlers[0]
        assert isinstance(handler, logging.handlers.RotatingFileHandler)
        handler.doRollover()
        root.info("na rotatie")
        assert _mode(path) == 0o600
        assert _mode(path.with_name(path.name + ".1")) == 0o600
    finally:
        for h in root.handlers:
            h.close()


# No database: the writing helper itself.
def test_safe_output_removes_its_temporary_file_on_error(tmp_path: Path) -> None:
    target = tmp_path / "x.bin"
    with pytest.raises(KeyboardInterrupt), files.safe_output(target) as fh:
        fh.write(b"half")
        raise KeyboardInterrupt
    assert list(tmp_path.iterdir()) == []
