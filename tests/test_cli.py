"""The `ikodesk` command line: init, users, import/export, exit codes, messages."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import ADMIN_PASSWORD, TEST_PASSPHRASE, run_ikodesk
from tests.support import records as R
from tests.support.approver import add_second_admin

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
def test_user_management_needs_an_admin(cli, tmp_path: Path) -> None:
    db = tmp_path / "a.db"
    _init(cli, db)
    admin = {**ENV, "IKODESK_PASSWORD": ADMIN_PASSWORD}
    res = cli(
        [
            "--db",
            db,
            "--user",
            "beheer",
            "user",
            "add",
            "jdevries",
            "--role",
            "jurist",
            "--password-stdin",
        ],
        env=admin,
        stdin="Blauwe-Fiets-Rijdt-7315\n",
    )
    assert res.code == 0, res.err
    # A jurist may not add users: access refused, exit 3.
    res = cli(
        ["--db", db, "--user", "jdevries", "user", "add", "x2", "--role", "admin", "--no-password"],
        env={**ENV, "IKODESK_PASSWORD": "Blauwe-Fiets-Rijdt-7315"},
    )
    assert res.code == 3 and "Geen toegang" in res.err
    # Without --user: refused by the gate (the key alone is no account).
    res = cli(["--db", db, "user", "add", "x3", "--role", "jurist", "--no-password"], env=ENV)
    assert res.code == 3 and "vereist --user NAAM" in res.err
    # Wrong password: exit 2, no hint which part was wrong.
    res = cli(
        ["--db", db, "--user", "beheer", "user", "list"],
        env={**ENV, "IKODESK_PASSWORD": "verkeerd-wachtwoord"},
    )
    assert res.code == 2 and "Onbekende gebruikersnaam of onjuist wachtwoord" in res.err
    res = cli(
        ["--db", db, "--user", "beheer", "user", "set-password", "jdevries", "--password-stdin"],
        env=admin,
        stdin="Zilveren-Maan-Schijnt-1357\n",
    )
    assert res.code == 0
    res = cli(["--db", db, "--user", "beheer", "user", "list"], env=admin)
    assert "jdevries" in res.out and "jurist" in res.out


def test_import_export_round_trip_on_the_command_line(cli, tmp_path: Path) -> None:
    src = tmp_path / "in.jsonl"
    src.write_text("\n".join(R.lines(*R.full_file())) + "\n", encoding="utf-8")
    db = tmp_path / "a.db"
    _init(cli, db)
    res = cli(["--db", db, "--user", "beheer", "import", src], env=ADMIN)
    assert res.code == 0, res.err
    assert "1 case nieuw" in res.out
    out = tmp_path / "out.jsonl"
    approver = add_second_admin(db)
    assert cli(["--db", db, "--user", "beheer", "export", out], env=ADMIN).code == 3
    assert not out.exists()  # four eyes: nothing without the second administrator
    assert cli(["--db", db, "--user", "beheer", "export", out], env={**ADMIN, **approver}).code == 0
    exported = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    cases = [r for r in exported if r["type"] == "case"]
    assert cases == [{k: v for k, v in R.ABDUCTION_CASE.items() if v is not None}]
    assert out.stat().st_mode & 0o077 == 0  # owner-only: it holds personal data


def test_bad_import_is_exit_2_with_line_and_field(cli, tmp_path: Path) -> None:
    src = tmp_path / "in.jsonl"
    src.write_text("\n".join(R.lines(*R.USERS, R.case(opened="2024-13-01"))), encoding="utf-8")
    db = tmp_path / "a.db"
    _init(cli, db)
    res = cli(["--db", db, "--user", "beheer", "import", src], env=ADMIN)
    assert res.code == 2
    assert 'regel 4, veld "opened": ongeldige datum "2024-13-01" (verwacht JJJJ-MM-DD)' in res.err


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


def test_export_to_standard_output(cli, tmp_path: Path) -> None:
    db = tmp_path / "a.db"
    _init(cli, db)
    approver = add_second_admin(db)
    res = cli(["--db", db, "--user", "beheer", "export", "-"], env={**ADMIN, **approver})
    assert res.code == 0
    assert json.loads(res.out.splitlines()[0])["username"] == "beheer"
    assert "niet versleuteld" in res.err
