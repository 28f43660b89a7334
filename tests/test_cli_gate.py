"""The command line's gate (issue #11, point 1): no personal data without a login.

The key holder (the database key without --user) used to read every dossier
through the command line. Every command that shows, prints, searches or
writes out personal data now needs --user and is decided by the access
policy; a refusal is exit 3 with one Dutch message and an audit entry.

File-only: the key holder (the database key without --user) exists only for a file; on the
server every connection is a login of its own (tests/pg/test_server_walls.py).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pytest
from sqlalchemy import select

from ikodesk.cli import build_parser, commands
from ikodesk.cli.common import is_maintenance
from ikodesk.models import AuditEntry
from ikodesk.services import exchange, users
from ikodesk.services.actors import Actor, workstation_name
from ikodesk.storage import Database
from tests.conftest import TEST_PASSPHRASE
from tests.support import family as F
from tests.support import records as R
from tests.support.approver import SECOND_PASSWORD, add_second_admin

ENV = {"IKODESK_PASSPHRASE": TEST_PASSPHRASE}
GATE_MESSAGE = "Dit commando toont persoonsgegevens en vereist --user NAAM"

# Maintenance that shows no personal data: the only commands that run on the key alone.
# ("check" and "audit anchor" come from other parts of issue #11 and may be marked too.)
MAINTENANCE = {
    "init",
    "demo",
    "info",
    "backup",
    "rekey",
    "audit verify",
    "check",
    "audit anchor",
    # The office server's setup runs with a PostgreSQL role in its address; it reads and
    # shows no dossier, and nothing on the server opens without a login (docs/server.md).
    "server init",
    "server upgrade",
}


@pytest.fixture
def dbfile(tmp_path: Path) -> Path:
    """The family in conflict (mother: jdevries, father: kvisser), staff with passwords."""
    path = tmp_path / "gate.db"
    db, _ = Database.create(path, passphrase=TEST_PASSPHRASE)
    lines = R.lines(
        *F.STAFF, R.ABDUCTION_CASE, R.CONTACT, F.FATHER_CASE, F.FATHER_CONTACT, R.MEDIATOR
    )
    with db.transaction() as s:
        exchange.import_lines(s, Actor.key_holder(), lines)
    F.with_passwords(db)
    db.close()
    return path


def as_user(cli, dbfile: Path, user: str | None, *args: object):
    prefix = ["--user", user] if user else []
    return cli(["--db", dbfile, *prefix, *args], env={**ENV, "IKODESK_PASSWORD": F.PASSWORD})


def refusals(dbfile: Path) -> list[AuditEntry]:
    db = Database.open(dbfile, passphrase=TEST_PASSPHRASE)
    try:
        with db.session() as s:
            return list(
                s.scalars(
                    select(AuditEntry)
                    .where(AuditEntry.action == "command", AuditEntry.result == "refused")
                    .order_by(AuditEntry.id)
                )
            )
    finally:
        db.close()


def _dummy(action: argparse.Action, tmp: Path) -> str:
    if action.choices:
        return str(next(iter(action.choices)))
    if action.type is int:
        return "1"
    if getattr(action.type, "__name__", "") == "_year":
        return "2024"
    if getattr(action.type, "__name__", "") == "_day":
        return "2035-01-01"
    if action.type is Path:
        return str(tmp / "uit.pdf")
    return F.MOTHER_REF


def _argv_for(parser: argparse.ArgumentParser, tmp: Path) -> list[str]:
    """The smallest valid arguments for a command: every required one, with a value."""
    argv: list[str] = []
    for action in parser._actions:
        if isinstance(action, (argparse._SubParsersAction, argparse._HelpAction)):
            continue
        if action.option_strings:
            if action.required:
                argv += [action.option_strings[0], _dummy(action, tmp)]
        else:
            argv.append(_dummy(action, tmp))
    return argv


@pytest.mark.slow
def test_every_command_is_gated_unless_it_is_maintenance(cli, dbfile: Path, tmp_path) -> None:
    """Walks every registered command: a new one that forgets the gate fails here."""
    walked = list(commands(build_parser()))
    assert len(walked) > 20
    gated: list[str] = []
    for name, parser, handler in walked:
        if is_maintenance(handler):
            assert name in MAINTENANCE, f"{name} runs without --user but is not maintenance"
            continue
        gated.append(name)
        res = cli(["--db", dbfile, *name.split(), *_argv_for(parser, tmp_path)], env=ENV)
        assert res.code == 3, (name, res.code, res.err)
        assert res.err.startswith(f"Fout: {GATE_MESSAGE}"), (name, res.err)
        assert res.out == "", name
        assert not list(tmp_path.glob("uit.pdf*")), name
    assert {"case show", "search", "export", "import", "figures", "audit"} <= set(gated)
    # Every refusal is in the audit log: the key holder, the command, the workstation.
    entries = refusals(dbfile)
    assert [e.object_ref for e in entries] == gated
    for e in entries:
        assert e.user_id is None and e.username == "(sleutelhouder)"
        assert e.workstation == workstation_name()


ATTACKS = [
    ("case show", F.FATHER_REF),
    ("case show", F.FATHER_REF, "--json"),
    ("case print", F.FATHER_REF, "-o", "vader.pdf"),
    ("search", "Kowalsk"),
    ("search", "2024", "--json"),
    ("export", "-"),
    ("export", "alles.jsonl"),
    ("figures", "--year", "2024"),
    ("report annual", "--year", "2024", "-o", "jaar.pdf"),
    ("report mediation", "--year", "2024", "-o", "med.pdf"),
    ("mediation list",),
    ("mediation show", "M2024-001"),
    ("mediator list",),
    ("conflicts",),
    ("conflicts review",),
    ("audit",),
    ("audit", "--case", F.FATHER_REF),
    ("user list",),
]


@pytest.mark.parametrize("attack", ATTACKS, ids=lambda a: " ".join(a))
def test_the_key_holder_reads_nothing_without_a_login(
    cli, dbfile: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, attack: tuple[str, ...]
) -> None:
    monkeypatch.chdir(tmp_path)
    command, *rest = attack
    res = cli(["--db", dbfile, *command.split(), *rest], env=ENV)
    assert res.code == 3, res.err
    assert GATE_MESSAGE in res.err and "vastgelegd in het auditlog" in res.err
    assert res.out == ""
    for secret in (*F.FATHER_SECRETS, "Kowalsk", "Piotr", "Anna"):
        assert secret not in res.out + res.err
    for pattern in ("*.pdf", "*.jsonl", "*.partial"):
        assert not list(tmp_path.glob(pattern))
    (entry,) = refusals(dbfile)
    assert entry.object_ref == command
    assert entry.workstation == workstation_name()


@pytest.mark.slow
def test_the_gate_holds_across_processes_too(dbfile: Path) -> None:
    from tests.conftest import run_ikodesk

    res = run_ikodesk(["--db", dbfile, "case", "show", F.FATHER_REF], env=ENV)
    assert res.code == 3 and GATE_MESSAGE in res.err
    assert "Kowalski" not in res.out + res.err


@pytest.mark.slow
def test_with_a_login_the_policy_decides(cli, dbfile: Path) -> None:
    # The mother's jurist has opened her side: the father's dossier is behind the wall.
    assert as_user(cli, dbfile, "jdevries", "case", "show", F.MOTHER_REF).code == 0
    res = as_user(cli, dbfile, "jdevries", "case", "show", F.FATHER_REF)
    assert res.code == 3 and "afgeschermd" in res.err and res.out == ""
    for secret in F.FATHER_SECRETS:
        assert secret not in res.err
    res = as_user(cli, dbfile, "kvisser", "case", "show", F.FATHER_REF)
    assert res.code == 0 and F.FATHER_SECRETS[0] in res.out
    # Figures are for management: a jurist is refused, the manager is not.
    assert as_user(cli, dbfile, "jdevries", "figures", "--year", "2024").code == 3
    assert as_user(cli, dbfile, "directie", "figures", "--year", "2024").code == 0


@pytest.mark.slow
def test_export_and_import_need_an_administrator(
    cli, dbfile: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    dump = tmp_path / "dump.jsonl"
    for user in ("jdevries", "kvisser", "tmeijer", "directie", "mediation"):
        res = as_user(cli, dbfile, user, "export", dump)
        assert res.code == 3 and "Geen toegang" in res.err, user
        assert not dump.exists()
        res = as_user(cli, dbfile, user, "export", "-")
        assert res.code == 3 and res.out == "", user
    extra = tmp_path / "extra.jsonl"
    extra.write_text("\n".join(R.lines(F.UNRELATED_CASE)), encoding="utf-8")
    res = as_user(cli, dbfile, "jdevries", "import", extra)
    assert res.code == 3 and "Geen toegang" in res.err

    # The administrator may, with a second one's approval (four eyes): the whole
    # database crosses every wall, and is audited.
    res = as_user(cli, dbfile, "beheer", "export", dump)
    assert res.code == 3 and "tweede beheerder" in res.err and not dump.exists()
    add_second_admin(dbfile)
    monkeypatch.setenv("IKODESK_APPROVER_PASSWORD", SECOND_PASSWORD)
    res = as_user(cli, dbfile, "beheer", "--approver", "tweede", "export", dump)
    assert res.code == 0, res.err
    written = [json.loads(x) for x in dump.read_text(encoding="utf-8").splitlines()]
    assert {F.MOTHER_REF, F.FATHER_REF} <= {r.get("ref") for r in written}
    res = as_user(cli, dbfile, "beheer", "import", extra)
    assert res.code == 0, res.err
    db = Database.open(dbfile, passphrase=TEST_PASSPHRASE)
    with db.session() as s:
        log = [
            (e.username, e.action, e.result, e.detail or "")
            for e in s.scalars(select(AuditEntry).order_by(AuditEntry.id))
        ]
    db.close()
    refused = {(u, a) for u, a, r, _ in log if r == "refused"}
    assert ("jdevries", "export.all") in refused and ("jdevries", "import") in refused
    exported = [d for u, a, r, d in log if (u, a, r) == ("beheer", "export.all", "allowed")]
    assert any(f"volledige export: {len(written)} records naar {dump}" in d for d in exported)
    assert any(u == "beheer" and a == "import" and r == "allowed" for u, a, r, _ in log)
    # Asked for nobody else's approval: the policy refused the others before.
    approvals = [(u, r) for u, a, r, _ in log if a == "approval"]
    assert approvals == [("beheer", "refused"), ("tweede", "allowed")]


def test_maintenance_still_runs_on_the_key_alone(cli, dbfile: Path, tmp_path: Path) -> None:
    assert cli(["--db", dbfile, "info"], env=ENV).code == 0
    assert cli(["--db", dbfile, "audit", "verify"], env=ENV).code == 0
    assert cli(["--db", dbfile, "backup", tmp_path / "kopie.db"], env=ENV).code == 0
    assert refusals(dbfile) == []


def test_the_key_holder_stays_a_system_actor_at_the_service_level(dbfile: Path) -> None:
    db = Database.open(dbfile, passphrase=TEST_PASSPHRASE)
    with db.session() as s:
        assert [u.username for u in users.list_users(s, Actor.key_holder())]
    db.close()
