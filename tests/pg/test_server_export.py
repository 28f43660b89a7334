"""A bulk export from the office server: four eyes checked by the server, then everything.

The administrator reads no dossier on the server; the export reads through the
server's functions after a second administrator approved it (issue #13 with
#18's four eyes), and the file it writes is the exchange format a file writes.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import psycopg
import pytest

from ikodesk.errors import ApprovalRefused
from ikodesk.models.enums import Role
from ikodesk.services import exchange
from ikodesk.services.approvals import ApproverCredentials
from ikodesk.storage import Database
from tests.pg.test_server_walls import _create, _staff
from tests.support import family as F
from tests.support import records as R
from tests.support.office import ADMIN, ADMIN_PASSWORD, PASSWORD, Office


@pytest.fixture
def family(office: Office) -> Office:
    _staff(office)
    office.add_user("bert", Role.ADMIN)
    _create(office.app("jdevries"), office, R.ABDUCTION_CASE)
    _create(office.app("kvisser"), office, F.FATHER_CASE)
    return office


def _lines(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_an_approved_export_carries_the_office_and_its_walls(
    family: Office, tmp_path: Path, db: Database
) -> None:
    admin = family.admin()
    actor = family.actor(admin)
    target = tmp_path / "kantoor.jsonl"
    count = admin.exchange.export_to_file(
        actor, target, approver=ApproverCredentials("bert", PASSWORD)
    )
    records = _lines(target)
    assert count == len(records)
    kinds = {r["type"] for r in records}
    assert {"user", "case", "conflict", "wall"} <= kinds
    cases = {r["ref"]: r for r in records if r["type"] == "case"}
    assert cases[F.MOTHER_REF]["requester"]["last_name"] == "Kowalska"
    assert not any("password" in json.dumps(r) for r in records if r["type"] == "user")
    (pair,) = [r for r in records if r["type"] == "conflict"]
    assert sorted(pair["cases"]) == sorted([F.MOTHER_REF, F.FATHER_REF])
    # The file imports into an embedded database as any export does.
    with db.transaction() as s:
        result = exchange.import_lines(s, F.KH, target.read_text(encoding="utf-8").splitlines())
    assert result.created["case"] == 2 and result.created["wall"] >= 2
    # The server wrote who read everything, and whose approval it took.
    with family.psql(ADMIN, ADMIN_PASSWORD) as conn:
        row = conn.execute(
            "SELECT username, detail FROM audit_log WHERE action = 'export.all' "
            "AND detail LIKE 'alle dossiers gelezen%' ORDER BY id DESC LIMIT 1"
        ).fetchone()
    assert row is not None and row[0] == ADMIN and "goedgekeurd door bert" in row[1]


def test_without_a_second_administrator_nothing_is_read(family: Office, tmp_path: Path) -> None:
    admin = family.admin()
    actor = family.actor(admin)
    target = tmp_path / "kantoor.jsonl"
    for approver in (None, ApproverCredentials(ADMIN, ADMIN_PASSWORD)):
        with pytest.raises(ApprovalRefused):
            admin.exchange.export_to_file(actor, target, approver=approver)
    assert not target.exists()


def test_the_export_functions_give_nothing_from_psql_without_an_approval(
    family: Office,
) -> None:
    with family.psql(ADMIN, ADMIN_PASSWORD) as conn:
        with pytest.raises(psycopg.Error) as refused:
            conn.execute("SELECT ikodesk_export_rows('persons', 0, 10)")
        assert refused.value.sqlstate == "IK004"
        with pytest.raises(psycopg.Error) as refused:
            conn.execute("SELECT ikodesk_export_begin('x')")
        assert refused.value.sqlstate == "IK004"
    # Approved in one transaction, the rows are not given out in a later one.
    with family.psql("bert") as bert:
        bert.execute("SELECT ikodesk_approve('bulk_export', 'test', %s)", (ADMIN,))
    with family.psql(ADMIN, ADMIN_PASSWORD) as conn:
        conn.execute("SELECT ikodesk_export_begin('x')")  # autocommit: its own transaction
        with pytest.raises(psycopg.Error) as refused:
            conn.execute("SELECT ikodesk_export_rows('persons', 0, 10)")
        assert refused.value.sqlstate == "IK004"
    for login in ("jdevries", "directie"):
        with family.psql(login) as conn, pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("SELECT ikodesk_export_rows('persons', 0, 10)")
