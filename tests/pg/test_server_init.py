"""`ikodesk server init`: the first administrator, recorded in the audit log.

Server-only: `server init` sets up an office server (a file's `ikodesk init` and its
record are in tests/test_audit.py, which checks the first record on both).
The offices of the tests are copies of a database that `server init` set up once
per run (tests/support/office.py), so a fresh office is exactly what init left.
"""

from __future__ import annotations

from typing import Any

import psycopg

from ikodesk.services import audit, office_server
from ikodesk.services.actors import workstation_name
from tests.support.office import ADMIN, ADMIN_PASSWORD, Office

INIT_DETAIL = "login aangemaakt; rol admin; actief; eerste beheerder (server init)"


def _log(office: Office) -> list[tuple[Any, ...]]:
    with psycopg.connect(office.superuser_url) as conn:
        return conn.execute(
            "SELECT id, username, user_id, workstation, action, object_type, object_ref, "
            "result, detail FROM audit_log ORDER BY id"
        ).fetchall()


def test_init_records_the_first_administrator_and_the_chain_verifies(
    office: Office, cli: Any
) -> None:
    # By the role that ran init (the cluster's superuser here; no ikodesk user, so no
    # user id), as a file records its first administrator by the key holder.
    assert _log(office) == [
        (
            1,
            "postgres",
            None,
            workstation_name(),
            "user.manage",
            "user",
            ADMIN,
            "allowed",
            INIT_DETAIL,
        )
    ]
    admin = office.admin()
    with admin.db.session() as s:
        assert audit.verify_chain(s) == audit.ChainCheck(True, 1)
    verified = cli(
        ["--db", office.url, "--user", ADMIN, "audit", "verify"],
        {"IKODESK_PASSWORD": ADMIN_PASSWORD},
    )
    assert verified.code == 0, verified.err
    assert "Auditlog intact: 1 vermeldingen" in verified.out
    # The server's chain goes on from init's entry.
    with office.psql(ADMIN, ADMIN_PASSWORD) as conn:
        conn.execute(
            "INSERT INTO audit_log (workstation, action, object_type, result) "
            "VALUES ('hier', 'backup', 'database', 'allowed')"
        )
    with admin.db.session() as s:
        check = audit.verify_chain(s)
    assert check.ok and check.entries == len(_log(office)) > 2


def test_init_again_changes_nothing_and_upgrade_keeps_the_chain(office: Office) -> None:
    before = _log(office)
    again = office_server.init(office.superuser_url, "tweede", ADMIN_PASSWORD)
    assert not again.created and "al ingericht" in again.message
    assert _log(office) == before
    # `server upgrade` lays the SQL down again (the chain's trigger included): the log
    # is untouched and the server goes on chaining as before.
    office_server.upgrade(office.superuser_url)
    assert _log(office) == before
    admin = office.admin()
    with admin.db.transaction() as s:
        audit.log(s, office.actor(admin), "backup", "database", detail="na upgrade")
    with admin.db.session() as s:
        assert audit.verify_chain(s) == audit.ChainCheck(True, 2)
