"""The command line's user management, import and export on both backends.

`--db` a file or the office server's address, `--user` each user's own login
(tests/support/cli_on.py). On the server `user add` makes a PostgreSQL login, an
import runs through the server's own functions and an export through the server's
approved export (four eyes, checked by the server).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from tests.support import records as R
from tests.support.backends import Backend, log_in
from tests.support.cli_on import BackendCli, cli_on
from tests.support.office import ADMIN, PASSWORD

NEW_PASSWORD = "Blauwe-Fiets-Rijdt-7315"
OTHER_PASSWORD = "Zilveren-Maan-Schijnt-1357"


@pytest.fixture
def run(backend: Backend, cli: Any) -> BackendCli:
    return cli_on(backend, cli)


def _approver(backend: Backend) -> dict[str, str]:
    second = backend.second_admin()
    return {"IKODESK_APPROVER": second.username, "IKODESK_APPROVER_PASSWORD": second.password}


def test_user_management_needs_an_admin(backend: Backend, run: BackendCli) -> None:
    added = run.as_(
        ADMIN, "user", "add", "jdevries", "--role", "jurist", "--password-stdin",
        stdin=NEW_PASSWORD + "\n",
    )  # fmt: skip
    assert added.code == 0, added.err
    assert log_in(backend, "jdevries", NEW_PASSWORD).username == "jdevries"
    # A jurist may not add users: access refused, exit 3, in the policy's words.
    refused = run.cli(
        ["--db", run.where, "--user", "jdevries", "user", "add", "x2", "--role", "admin",
         "--no-password"],
        env=run.env(NEW_PASSWORD),
    )  # fmt: skip
    assert refused.code == 3 and "Geen toegang" in refused.err, refused.err
    # Wrong password: exit 2, no hint which part was wrong.
    wrong = run.cli(
        ["--db", run.where, "--user", ADMIN, "user", "list"], env=run.env("verkeerd-wachtwoord")
    )
    assert wrong.code == 2 and "Onbekende gebruikersnaam of onjuist wachtwoord" in wrong.err
    changed = run.as_(
        ADMIN, "user", "set-password", "jdevries", "--password-stdin", stdin=OTHER_PASSWORD + "\n"
    )
    assert changed.code == 0, changed.err
    assert log_in(backend, "jdevries", OTHER_PASSWORD).username == "jdevries"
    listed = run.as_(ADMIN, "user", "list")
    assert "jdevries" in listed.out and "jurist" in listed.out


def test_import_then_export_on_the_command_line(
    backend: Backend, run: BackendCli, tmp_path: Path
) -> None:
    src = tmp_path / "in.jsonl"
    src.write_text("\n".join(R.lines(*R.USERS, R.ABDUCTION_CASE, R.CONTACT)) + "\n", "utf-8")
    imported = run.as_(ADMIN, "import", src)
    assert imported.code == 0, imported.err
    assert "1 zaak nieuw" in imported.out
    out = tmp_path / "out.jsonl"
    approver = _approver(backend)
    assert run.as_(ADMIN, "export", out).code == 3
    assert not out.exists()  # four eyes: nothing without the second administrator
    exported = run.as_(ADMIN, "export", out, env=approver)
    assert exported.code == 0, exported.err
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    cases = [r for r in records if r["type"] == "case"]
    assert cases == [{k: v for k, v in R.ABDUCTION_CASE.items() if v is not None}]
    assert [r["summary"] for r in records if r["type"] == "contact"] == [R.CONTACT["summary"]]
    assert out.stat().st_mode & 0o077 == 0  # owner-only: it holds personal data
    # To standard output: the same records, with a warning that they are not encrypted.
    again = run.as_(ADMIN, "export", "-", env=_approver(backend))
    assert again.code == 0, again.err
    assert [json.loads(line) for line in again.out.splitlines()] == records
    assert "niet versleuteld" in again.err


def test_a_bad_import_is_exit_2_with_line_and_field(
    backend: Backend, run: BackendCli, tmp_path: Path
) -> None:
    src = tmp_path / "in.jsonl"
    src.write_text("\n".join(R.lines(*R.USERS, R.case(opened="2024-13-01"))), encoding="utf-8")
    res = run.as_(ADMIN, "import", src)
    assert res.code == 2
    assert 'regel 4, veld "opened": ongeldige datum "2024-13-01" (verwacht JJJJ-MM-DD)' in res.err
    with backend.inspect() as s:
        assert s.scalar(text("SELECT count(*) FROM cases")) == 0


def test_the_password_of_a_new_user_follows_the_policy(backend: Backend, run: BackendCli) -> None:
    weak = run.as_(
        ADMIN, "user", "add", "zwak", "--role", "student", "--password-stdin",
        stdin=PASSWORD[:6] + "\n",
    )  # fmt: skip
    assert weak.code == 2, weak.out
    listed = run.as_(ADMIN, "user", "list")
    assert "zwak" not in listed.out
