"""Issue #11 points 5 and 6: every file ikodesk writes is owner-only, exclusive, never via a link.

Attacks the way the attacker did: a planted `.partial` symlink pointing at a file
outside, a planted world-writable `.partial`, a umask of 000, a link at the target.
"""

from __future__ import annotations

import logging
import os
import stat
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from reportlab.platypus import Paragraph

from ikodesk.errors import InputError
from ikodesk.logging_setup import setup_logging
from ikodesk.reports import dossier
from ikodesk.reports.document import ReportInfo, write_pdf
from ikodesk.services import exchange
from ikodesk.services.actors import Actor
from ikodesk.storage import Database, files
from tests.conftest import TEST_PASSPHRASE
from tests.support import family as F
from tests.support import records as R

OUTSIDE = b"a file of someone else, it must stay as it is\n"

Writer = Callable[[Database, Path], object]


def _export(db: Database, target: Path) -> object:
    # The key holder: who may export is another point of the issue, not this one.
    with db.session() as s:
        return exchange.write_jsonl(exchange.export_records(s, Actor.key_holder()), target)


def _dossier(db: Database, target: Path) -> object:
    user = F.actor(db, "jdevries")
    with db.transaction() as s:
        return dossier.write_dossier_pdf(s, user, F.case_id(db, F.MOTHER_REF), target)


def _report(db: Database, target: Path) -> object:
    from reportlab.lib.styles import getSampleStyleSheet

    story = [Paragraph("Jaarcijfers", getSampleStyleSheet()["Normal"])]
    return write_pdf(target, ReportInfo("Jaarcijfers 2024", "test", cover=False), story)


def _backup(db: Database, target: Path) -> object:
    return db.backup(target)


WRITERS: dict[str, tuple[Writer, str]] = {
    "export": (_export, "export.jsonl"),
    "dossier": (_dossier, "dossier.pdf"),
    "report": (_report, "jaarcijfers-2024.pdf"),
    "backup": (_backup, "kopie.db"),
}


@pytest.fixture
def filled(db: Database) -> Database:
    F.load(db, *F.STAFF, R.ABDUCTION_CASE, R.CONTACT, F.FATHER_CASE, F.FATHER_CONTACT)
    return db


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


@pytest.mark.parametrize("name", list(WRITERS))
def test_a_planted_partial_symlink_receives_nothing(
    filled: Database, tmp_path: Path, name: str
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


@pytest.mark.parametrize("name", list(WRITERS))
def test_a_planted_world_writable_partial_does_not_make_the_output_0666(
    filled: Database, tmp_path: Path, name: str, umask_000: None
) -> None:
    writer, filename = WRITERS[name]
    target = tmp_path / filename
    for planted in _planted_names(target):
        planted.write_bytes(b"")
        os.chmod(planted, 0o666)
    writer(filled, target)
    _check_output(name, target)


@pytest.mark.parametrize("name", list(WRITERS))
def test_umask_000_still_gives_an_owner_only_file(
    filled: Database, tmp_path: Path, name: str, umask_000: None
) -> None:
    writer, filename = WRITERS[name]
    target = tmp_path / "nieuw" / filename
    writer(filled, target)
    _check_output(name, target)
    assert _mode(target.parent) == 0o700
    leftovers = [p.name for p in target.parent.iterdir() if p.name.endswith(".partial")]
    assert leftovers == []


@pytest.mark.parametrize("name", ["export", "dossier", "report"])
def test_a_link_at_the_target_is_replaced_not_followed(
    filled: Database, tmp_path: Path, name: str
) -> None:
    writer, filename = WRITERS[name]
    victim = tmp_path / "buiten.txt"
    victim.write_bytes(OUTSIDE)
    target = tmp_path / filename
    target.symlink_to(victim)
    writer(filled, target)
    assert victim.read_bytes() == OUTSIDE
    _check_output(name, target)


def test_a_backup_never_writes_over_or_through_an_existing_name(
    filled: Database, tmp_path: Path
) -> None:
    victim = tmp_path / "buiten.txt"
    victim.write_bytes(OUTSIDE)
    target = tmp_path / "kopie.db"
    target.symlink_to(victim)
    with pytest.raises(InputError, match="bestaat al"):
        filled.backup(target)
    assert victim.read_bytes() == OUTSIDE and target.is_symlink()
    dangling = tmp_path / "los.db"
    dangling.symlink_to(tmp_path / "bestaat-niet.db")
    with pytest.raises(InputError, match="bestaat al"):
        filled.backup(dangling)
    assert not (tmp_path / "bestaat-niet.db").exists()


def test_a_failed_write_leaves_no_temporary_file_and_no_target(
    filled: Database, tmp_path: Path
) -> None:
    def records() -> Iterator[dict[str, object]]:
        yield {"type": "case"}
        raise RuntimeError("disk gone")

    target = tmp_path / "export.jsonl"
    with pytest.raises(RuntimeError):
        exchange.write_jsonl(records(), target)
    assert list(tmp_path.iterdir()) == [filled.path.parent / p.name for p in tmp_path.iterdir()]
    assert not target.exists()
    assert not [p for p in tmp_path.iterdir() if "partial" in p.name]


def test_cli_dossier_print_through_a_planted_partial_link(
    filled: Database, tmp_path: Path, cli: Callable[..., object]
) -> None:
    F.with_passwords(filled)
    filled.close()
    victim = tmp_path / "buiten.txt"
    victim.write_bytes(OUTSIDE)
    target = tmp_path / "dossier.pdf"
    target.with_name(target.name + ".partial").symlink_to(victim)
    result = cli(
        ["--db", filled.path, "--user", "jdevries", "case", "print", F.MOTHER_REF, "-o", target],
        env={"IKODESK_PASSPHRASE": TEST_PASSPHRASE, "IKODESK_PASSWORD": F.PASSWORD},
    )
    assert result.code == 0, result.err  # type: ignore[attr-defined]
    assert victim.read_bytes() == OUTSIDE
    _check_output("dossier", target)


# --- point 6: the database, its companions, backups and the log ---------------------------


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


def test_an_existing_database_made_0644_is_tightened_when_opened(db: Database) -> None:
    db.close()
    os.chmod(db.path, 0o644)
    sidecar = db.path.with_name(db.path.name + ".keyinfo.json")
    os.chmod(sidecar, 0o644)
    Database.open(db.path, passphrase=TEST_PASSPHRASE).close()
    assert _mode(db.path) == 0o600 and _mode(sidecar) == 0o600


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


def test_safe_output_removes_its_temporary_file_on_error(tmp_path: Path) -> None:
    target = tmp_path / "x.bin"
    with pytest.raises(KeyboardInterrupt), files.safe_output(target) as fh:
        fh.write(b"half")
        raise KeyboardInterrupt
    assert list(tmp_path.iterdir()) == []
