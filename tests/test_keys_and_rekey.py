"""Issue #11 points 7, 8 and 10: opening never writes to a file it cannot authenticate,
rekey survives a crash at every step, and a missing or edited key-info file gets a
message that names what will work.

File-only: the SQLCipher key, its key-info file and rekey are the file's own; a server
has no key on the workstation.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import text

import ikodesk
from ikodesk.errors import KeyUnavailableError, NotADatabaseError, WrongKeyError
from ikodesk.storage import Database, KeyMode, keys, read_key_info, rekey
from ikodesk.storage.paths import sidecar_path
from ikodesk.storage.unlock import pending_entry
from tests.conftest import TEST_PASSPHRASE
from tests.support.test_keyring import MemoryKeyring

MARKER = "gegevens-die-moeten-blijven"
NEW_PASSPHRASE = "een-nieuwe-lange-wachtwoordzin"


def _snapshot(folder: Path) -> dict[str, tuple[bytes, int]]:
    return {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in sorted(folder.iterdir())}


# --- point 7 -------------------------------------------------------------------------------


@pytest.fixture(params=["empty", "random", "plain-sqlite-header"])
def foreign_file(request: pytest.FixtureRequest, tmp_path: Path) -> Path:
    folder = tmp_path / "vreemd"
    folder.mkdir()
    path = folder / "ikodesk.db"
    content = {
        "empty": b"",
        "random": os.urandom(16384),
        "plain-sqlite-header": b"SQLite format 3\x00" + os.urandom(4080),
    }[request.param]
    path.write_bytes(content)
    os.utime(path, ns=(1_000_000_000_000_000_000, 1_000_000_000_000_000_000))
    return path


def test_service_open_never_writes_to_a_file_it_cannot_authenticate(
    foreign_file: Path, memory_keyring: MemoryKeyring
) -> None:
    before = _snapshot(foreign_file.parent)
    for kwargs in (
        {"passphrase": TEST_PASSPHRASE},
        {"recovery_key": keys.format_recovery_key(keys.new_raw_key())},
    ):
        with pytest.raises(WrongKeyError):
            Database.open(foreign_file, **kwargs)  # type: ignore[arg-type]
        assert _snapshot(foreign_file.parent) == before


def test_cli_never_writes_to_a_file_it_cannot_authenticate(
    foreign_file: Path, cli: Callable[..., object]
) -> None:
    before = _snapshot(foreign_file.parent)
    for command in (["info"], ["check"], ["backup", foreign_file.parent / "b.db"]):
        result = cli(["--db", foreign_file, *command], env={"IKODESK_PASSPHRASE": TEST_PASSPHRASE})
        assert result.code == 2, result  # type: ignore[attr-defined]
        assert "geen ikodesk-database" in result.err  # type: ignore[attr-defined]
        assert _snapshot(foreign_file.parent) == before


def test_an_empty_file_is_not_an_ikodesk_database(tmp_path: Path) -> None:
    path = tmp_path / "leeg.db"
    path.write_bytes(b"")
    with pytest.raises(NotADatabaseError, match="leeg: dit is geen ikodesk-database"):
        Database.open(path, passphrase=TEST_PASSPHRASE)
    assert path.read_bytes() == b""


def test_a_wrong_key_on_a_real_database_writes_nothing(db: Database) -> None:
    db.close()
    before = _snapshot(db.path.parent)
    with pytest.raises(WrongKeyError):
        Database.open(db.path, passphrase="niet-de-goede")
    assert _snapshot(db.path.parent) == before


# --- point 8 -------------------------------------------------------------------------------


class Killed(BaseException):
    """Stands for the process dying: no except-Exception handler sees it."""


def _make_keyring_db(path: Path) -> tuple[str, str]:
    db, recovery = Database.create(path)
    assert recovery is not None
    with db.engine.begin() as conn:
        conn.execute(text("INSERT INTO meta (key, value) VALUES ('probe', :v)"), {"v": MARKER})
    database_id = db.database_id
    db.close()
    return database_id, recovery


def _marker(db: Database) -> str:
    with db.engine.connect() as conn:
        return str(conn.execute(text("SELECT value FROM meta WHERE key='probe'")).scalar_one())


def _opens_with_what_the_user_has(
    path: Path, keyring_backend: MemoryKeyring, recovery_keys: list[str]
) -> None:
    """With the keyring alone, and with an empty keyring and a recovery key shown."""
    saved = dict(keyring_backend.entries)
    with Database.open(path) as db:
        assert _marker(db) == MARKER
    keyring_backend.entries.clear()
    opened = []
    for recovery in recovery_keys:
        try:
            with Database.open(path, recovery_key=recovery) as db:
                assert _marker(db) == MARKER
                opened.append(recovery)
        except WrongKeyError:
            pass
    keyring_backend.entries.clear()
    keyring_backend.entries.update(saved)
    assert opened, "no recovery key the user was shown opens the database"


@pytest.mark.parametrize("step", rekey.STEPS)
@pytest.mark.parametrize("fault", [Killed, OSError])
def test_rekey_interrupted_at_every_step_keeps_the_database_open(
    tmp_path: Path,
    memory_keyring: MemoryKeyring,
    monkeypatch: pytest.MonkeyPatch,
    step: str,
    fault: type[BaseException],
) -> None:
    path = tmp_path / "k.db"
    _, old_recovery = _make_keyring_db(path)
    shown: list[str] = [old_recovery]

    def fail_at(done: str) -> None:
        if done == step:
            raise fault("stopped at " + done)

    monkeypatch.setattr(rekey, "checkpoint", fail_at)
    db = Database.open(path)
    with pytest.raises(fault):
        db.rekey(show_recovery_key=shown.append)
    db.close()
    _opens_with_what_the_user_has(path, memory_keyring, shown)
    # Once opened, nothing is left pending after a completed re-encryption.
    info = read_key_info(path)
    assert info is not None and info.key_mode is KeyMode.KEYRING


@pytest.mark.parametrize(
    "broken",
    ["store_pending", "backup", "switch", "store_current"],
)
def test_rekey_with_a_step_that_raises_keeps_the_database_open(
    tmp_path: Path, memory_keyring: MemoryKeyring, monkeypatch: pytest.MonkeyPatch, broken: str
) -> None:
    path = tmp_path / "k.db"
    database_id, old_recovery = _make_keyring_db(path)
    shown = [old_recovery]
    db = Database.open(path)
    real_store = keys.store_in_keyring

    def store(entry: str, raw: bytes) -> bool:
        pending = entry == pending_entry(database_id)
        if (broken == "store_pending" and pending) or (broken == "store_current" and not pending):
            raise Killed("keyring gone")
        return real_store(entry, raw)

    monkeypatch.setattr(keys, "store_in_keyring", store)
    if broken == "backup":
        monkeypatch.setattr(Database, "backup", lambda self, dest: (_ for _ in ()).throw(Killed()))
    if broken == "switch":

        def switch(self: Database, key: object) -> None:
            raise Killed("died during PRAGMA rekey")

        monkeypatch.setattr(Database, "_switch_key", switch)
    with pytest.raises(Killed):
        db.rekey(show_recovery_key=shown.append)
    db.close()
    monkeypatch.setattr(keys, "store_in_keyring", real_store)
    _opens_with_what_the_user_has(path, memory_keyring, shown)


def test_a_pending_key_that_works_is_promoted_on_open(
    tmp_path: Path, memory_keyring: MemoryKeyring, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "k.db"
    database_id, _ = _make_keyring_db(path)

    def die_after(done: str) -> None:
        if done == "reencrypt":
            raise Killed

    monkeypatch.setattr(rekey, "checkpoint", die_after)
    shown: list[str] = []
    db = Database.open(path)
    with pytest.raises(Killed):
        db.rekey(show_recovery_key=shown.append)
    db.close()
    new_raw = keys.parse_recovery_key(shown[0])
    assert memory_keyring.entries[("ikodesk", database_id)] != new_raw.hex()
    Database.open(path).close()
    assert memory_keyring.entries[("ikodesk", database_id)] == new_raw.hex()
    assert ("ikodesk", pending_entry(database_id)) not in memory_keyring.entries


def test_an_old_recovery_key_after_rekey_names_the_copy_it_opens(
    tmp_path: Path, memory_keyring: MemoryKeyring
) -> None:
    path = tmp_path / "k.db"
    _, old_recovery = _make_keyring_db(path)
    db = Database.open(path)
    new_recovery, copy = db.rekey()
    db.close()
    memory_keyring.entries.clear()
    with pytest.raises(WrongKeyError) as caught:
        Database.open(path, recovery_key=old_recovery)
    assert str(copy) in caught.value.message
    with Database.open(copy, recovery_key=old_recovery) as old_copy:
        assert _marker(old_copy) == MARKER
    assert new_recovery is not None
    with Database.open(path, recovery_key=new_recovery) as fresh:
        assert _marker(fresh) == MARKER


@pytest.mark.parametrize("step", ["copy", "reencrypt", "keyring", "key_info"])
def test_rekey_from_keyring_to_passphrase_interrupted(
    tmp_path: Path, memory_keyring: MemoryKeyring, monkeypatch: pytest.MonkeyPatch, step: str
) -> None:
    path = tmp_path / "k.db"
    _make_keyring_db(path)

    def fail_at(done: str) -> None:
        if done == step:
            raise Killed

    monkeypatch.setattr(rekey, "checkpoint", fail_at)
    db = Database.open(path)
    with pytest.raises(Killed):
        db.rekey(passphrase=NEW_PASSPHRASE)
    db.close()
    info = read_key_info(path)
    assert info is not None and KeyMode.PASSPHRASE in info.modes()  # the CLI asks for it
    # What the user has: this workstation's keyring and the passphrase just typed.
    with Database.open(path, passphrase=NEW_PASSPHRASE) as reopened:
        assert _marker(reopened) == MARKER


KILL_SCRIPT = textwrap.dedent(
    """
    import os, signal, sys
    from ikodesk.storage import Database, rekey

    def die(step):
        if step == sys.argv[2]:
            os.kill(os.getpid(), signal.SIGKILL)

    rekey.checkpoint = die
    db = Database.open(sys.argv[1])
    db.rekey(show_recovery_key=lambda key: print(key, flush=True))
    """
)


@pytest.mark.slow
@pytest.mark.parametrize("step", ["recovery_shown", "reencrypt", "keyring"])
def test_rekey_killed_with_sigkill(tmp_path: Path, step: str) -> None:
    """A real kill -9 in a separate process, with the file keyring of the tests."""
    from tests.support.test_keyring import FileKeyring

    path = tmp_path / "k.db"
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(
            [str(Path(ikodesk.__file__).parent.parent), str(Path(__file__).parent.parent)]
        ),
        "PYTHON_KEYRING_BACKEND": "tests.support.test_keyring.FileKeyring",
    }
    import keyring

    keyring.set_keyring(FileKeyring())
    _, old_recovery = _make_keyring_db(path)
    proc = subprocess.run(
        [sys.executable, "-c", KILL_SCRIPT, str(path), step],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == -signal.SIGKILL, proc.stderr
    shown = [old_recovery, *proc.stdout.split()]
    with Database.open(path) as db:
        assert _marker(db) == MARKER
    keyring.set_keyring(MemoryKeyring())
    assert any(_opens_with_recovery(path, r) for r in shown)


def _opens_with_recovery(path: Path, recovery: str) -> bool:
    try:
        with Database.open(path, recovery_key=recovery) as db:
            return _marker(db) == MARKER
    except WrongKeyError:
        return False


# --- point 10 ------------------------------------------------------------------------------


def test_keyring_database_without_its_key_info_file_says_the_recovery_key_works(
    tmp_path: Path, memory_keyring: MemoryKeyring, cli: Callable[..., object]
) -> None:
    path = tmp_path / "k.db"
    _, recovery = _make_keyring_db(path)
    sidecar_path(path).unlink()
    with pytest.raises(KeyUnavailableError) as caught:
        Database.open(path)
    message = caught.value.message
    assert "herstelsleutel (--recovery-key of IKODESK_RECOVERY_KEY)" in message
    assert "ontbreekt of is onleesbaar" in message
    assert "Deze database is beveiligd met een wachtwoordzin" not in message
    result = cli(["--db", path, "info"])
    assert result.code == 2 and "herstelsleutel" in result.err  # type: ignore[attr-defined]
    result = cli(["--db", path, "info"], env={"IKODESK_RECOVERY_KEY": recovery})
    assert result.code == 0, result.err  # type: ignore[attr-defined]
    info = read_key_info(path)
    assert info is not None and info.key_mode is KeyMode.KEYRING  # written back


def test_key_info_edited_to_say_passphrase(
    tmp_path: Path, memory_keyring: MemoryKeyring, cli: Callable[..., object]
) -> None:
    path = tmp_path / "k.db"
    database_id, recovery = _make_keyring_db(path)
    sidecar = sidecar_path(path)
    sidecar.write_text(sidecar.read_text().replace('"keyring"', '"passphrase"'))
    # On this workstation the keyring still has the key: it opens, the file is repaired;
    # a passphrase given is tried first (the file said so) and its failure is no refusal.
    result = cli(["--db", path, "info"], env={"IKODESK_PASSPHRASE": "geraden-wachtwoordzin"})
    assert result.code == 0, result.err  # type: ignore[attr-defined]
    info = read_key_info(path)
    assert info is not None and info.key_mode is KeyMode.KEYRING
    # On another workstation (no keyring entry) the message names the recovery key too.
    sidecar.write_text(sidecar.read_text().replace('"keyring"', '"passphrase"'))
    memory_keyring.entries.clear()
    result = cli(["--db", path, "info"])
    assert result.code == 2
    assert "herstelsleutel (--recovery-key of IKODESK_RECOVERY_KEY)" in result.err  # type: ignore[attr-defined]
    result = cli(["--db", path, "info"], env={"IKODESK_PASSPHRASE": "geraden-wachtwoordzin"})
    assert result.code == 2
    assert "herstelsleutel (--recovery-key of IKODESK_RECOVERY_KEY)" in result.err  # type: ignore[attr-defined]
    result = cli(["--db", path, "info"], env={"IKODESK_RECOVERY_KEY": recovery})
    assert result.code == 0, result.err  # type: ignore[attr-defined]
    assert database_id in result.out  # type: ignore[attr-defined]


def test_a_passphrase_database_opened_without_one_is_told_once(
    db: Database, cli: Callable[..., object]
) -> None:
    db.close()
    result = cli(["--db", db.path, "info"])
    assert result.code == 2
    err = result.err  # type: ignore[attr-defined]
    assert "wachtwoordzin (IKODESK_PASSPHRASE)" in err
    assert err.count("beveiligd met een wachtwoordzin") == 1, err


def test_passphrase_database_without_key_info_names_the_passphrase_too(
    db: Database, cli: Callable[..., object]
) -> None:
    db.close()
    sidecar_path(db.path).unlink()
    result = cli(["--db", db.path, "info"])
    assert result.code == 2
    assert "wachtwoordzin (IKODESK_PASSPHRASE)" in result.err  # type: ignore[attr-defined]
    result = cli(["--db", db.path, "info"], env={"IKODESK_PASSPHRASE": TEST_PASSPHRASE})
    assert result.code == 0, result.err  # type: ignore[attr-defined]
