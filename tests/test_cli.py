"""The `ikodesk` command line on a file: init, keys, rekey, the demo, exit codes, messages.

File-only: making a file, its key (keyring, passphrase, recovery key), rekey and the demo
are the file's own; the command line's users, import and export run on both backends
in tests/test_cli_users_exchange.py.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import ADMIN_PASSWORD, TEST_PASSPHRASE, run_ikodesk

ENV = {"IKODESK_PASSPHRASE": TEST_PASSPHRASE}
# Import and export are an administrator's: "beheer" is the one `init` makes.
ADMIN = {**ENV, "IKODESK_PASSWORD": ADMIN_PASSWORD}


def _init(cli, db: Path) -> None:
    res = cli(
        ["--db", db, "init", "--admin", "beheer"], env={**ENV, "IKODESK_PASSWORD": ADMIN_PASSWORD}
    )
    assert res.code == 0, res.err
    assert "Database aangemaakt" in res.out


def test_init_in_passphrase_mode_and_info(cli, tmp_path: Path) -> None:
    db = tmp_path / "a.db"
    _init(cli, db)
    res = cli(["--db", db, "info"], env=ENV)
    assert res.code == 0
    assert "wachtwoordzin" in res.out and "Schemaversie" in res.out


def test_init_in_keyring_mode_shows_the_recovery_key_once(cli, tmp_path: Path) -> None:
    db = tmp_path / "k.db"
    res = cli(["--db", db, "init", "--admin", "beheer"], env={"IKODESK_PASSWORD": ADMIN_PASSWORD})
    assert res.code == 0, res.err
    assert "HERSTELSLEUTEL" in res.out
    key_line = next(ln.strip() for ln in res.out.splitlines() if ln.count("-") == 16)
    assert len(key_line) == 17 * 4 + 16
    assert cli(["--db", db, "info"]).code == 0  # the key came from the keyring


@pytest.mark.slow
def test_wrong_key_gives_one_dutch_sentence_and_exit_2(cli, tmp_path: Path) -> None:
    db = tmp_path / "a.db"
    _init(cli, db)
    res = run_ikodesk(["--db", db, "info"], env={"IKODESK_PASSPHRASE": "fout"})
    assert res.code == 2
    assert res.err.startswith(
        "Fout: De database kan niet worden geopend: de sleutel is onjuist of het bestand is "
        "geen ikodesk-database."
    )
    # And it says what will work (issue #11 point 10), on one line.
    assert "wachtwoordzin (IKODESK_PASSPHRASE)" in res.err and res.err.count("\n") == 1
    assert "Traceback" not in res.err and "ERROR CORE" not in res.err


def test_missing_database_is_exit_2(cli, tmp_path: Path) -> None:
    res = cli(["--db", tmp_path / "nope.db", "info"], env=ENV)
    assert res.code == 2 and "ikodesk init" in res.err


def test_usage_error_is_exit_1(cli) -> None:
    assert cli(["import"]).code == 1
    assert cli(["bestaatniet"]).code == 1


@pytest.mark.slow
def test_demo_database(cli, tmp_path: Path) -> None:
    db = tmp_path / "demo.db"
    res = cli(["--db", db, "demo", "--years", "2024", "--scale", "0.05"], env=ENV)
    assert res.code == 0, res.err
    assert "zaken" in res.out
    res = cli(
        ["--db", db, "--user", "beheer", "user", "list"],
        env={**ENV, "IKODESK_PASSWORD": "ikodesk-demo"},
    )
    assert res.code == 0 and "jdevries" in res.out


def test_version(cli) -> None:
    res = cli(["--version"])
    assert res.code == 0 and res.out.startswith("ikodesk ")


@pytest.mark.slow
def test_no_usable_keyring_and_no_passphrase_is_a_clear_error(tmp_path: Path) -> None:
    res = run_ikodesk(
        ["--db", tmp_path / "a.db", "init", "--admin", "beheer"],
        env={
            "PYTHON_KEYRING_BACKEND": "keyring.backends.null.Keyring",
            "IKODESK_PASSWORD": ADMIN_PASSWORD,
        },
    )
    assert res.code == 2
    assert "geen bruikbare sleutelbos" in res.err and "IKODESK_PASSPHRASE" in res.err
    assert not (tmp_path / "a.db").exists()


@pytest.mark.slow
def test_keyring_mode_across_processes_and_recovery_on_another_workstation(
    tmp_path: Path,
) -> None:
    db = tmp_path / "k.db"
    res = run_ikodesk(
        ["--db", db, "init", "--admin", "beheer"], env={"IKODESK_PASSWORD": ADMIN_PASSWORD}
    )
    assert res.code == 0, res.err
    recovery = next(ln.strip() for ln in res.out.splitlines() if ln.count("-") == 16)
    assert run_ikodesk(["--db", db, "info"]).code == 0
    # Another workstation: an empty keyring.
    other = {"IKODESK_TEST_KEYRING_FILE": str(tmp_path / "other-keyring.json")}
    res = run_ikodesk(["--db", db, "info"], env=other)
    assert res.code == 2 and "herstelsleutel" in res.err
    res = run_ikodesk(["--db", db, "info"], env={**other, "IKODESK_RECOVERY_KEY": recovery})
    assert res.code == 0, res.err
    assert run_ikodesk(["--db", db, "info"], env=other).code == 0  # remembered there now
    assert recovery.replace("-", "")[:64].lower() in (tmp_path / "other-keyring.json").read_text()


@pytest.mark.slow
def test_rekey_from_the_command_line(cli, tmp_path: Path) -> None:
    db = tmp_path / "a.db"
    _init(cli, db)
    res = cli(
        ["--db", db, "rekey", "--passphrase"],
        env={**ENV, "IKODESK_NEW_PASSPHRASE": "nieuwe-wachtwoordzin"},
    )
    assert res.code == 0, res.err
    assert "opnieuw versleuteld" in res.out
    assert cli(["--db", db, "info"], env=ENV).code == 2
    assert cli(["--db", db, "info"], env={"IKODESK_PASSPHRASE": "nieuwe-wachtwoordzin"}).code == 0
