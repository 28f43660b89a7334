"""The audit log: what is recorded, that refusals survive rollbacks, and the hash chain.

Every test runs on both backends (`backend`: an encrypted file, the office
server), each user as their own login; the log is read back by the test's own
unrestricted look (`inspect`), the chain checked as the administrator checks it.
"""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import DatabaseError

from ikodesk.errors import AccessDenied, CaseWalled
from ikodesk.models import AuditEntry
from ikodesk.services import audit, audit_views, cases, exchange
from ikodesk.services import case_queries as q
from tests.support import family as F
from tests.support import records as R
from tests.support.backends import Backend


@pytest.fixture
def walled(backend: Backend) -> Backend:
    backend.load(*F.STAFF, R.ABDUCTION_CASE, R.CONTACT, F.FATHER_CASE, F.FATHER_CONTACT)
    return backend


def _last_id(db: Backend) -> int:
    with db.inspect() as s:
        return int(s.scalar(select(func.max(AuditEntry.id))) or 0)


def _entries(db: Backend, after: int = 0) -> list[AuditEntry]:
    with db.inspect() as s:
        return list(
            s.scalars(select(AuditEntry).where(AuditEntry.id > after).order_by(AuditEntry.id))
        )


def _verify(db: Backend) -> audit.ChainCheck:
    admin = db.as_("beheer")
    with admin.session() as s:
        return audit.verify_chain(s)


def test_a_new_database_starts_with_its_first_administrators_record(backend: Backend) -> None:
    """`ikodesk init` on a file, `ikodesk server init` on the server: the first entry."""
    (first,) = _entries(backend)
    assert (first.id, first.action, first.object_type, first.result) == (
        1,
        "user.manage",
        "user",
        "allowed",
    )
    # Made before anyone could log in: by the file's key holder, or by the role that
    # set the server up (no ikodesk user: no user id), who the server names itself.
    assert first.user_id is None
    assert first.username == ("postgres" if backend.is_server else "(sleutelhouder)")
    if backend.is_server:
        assert (first.object_ref, first.detail) == (
            "beheer",
            "login aangemaakt; rol admin; actief; eerste beheerder (server init)",
        )
    assert _verify(backend) == audit.ChainCheck(True, 1)


def test_an_import_is_one_summary_entry(walled: Backend) -> None:
    (entry,) = [e for e in _entries(walled) if e.action == "import"]
    assert (entry.action, entry.object_type, entry.result) == ("import", "database", "allowed")
    if walled.is_server:  # imported by the administrator's login, who the server names
        admin = walled.as_("beheer").actor
        assert (entry.username, entry.user_id) == ("beheer", admin.user_id)
    else:  # imported with the file's key
        assert entry.user_id is None and entry.username == "(sleutelhouder)"
    assert "2 zaken nieuw" in (entry.detail or "") and "1 conflict," in (entry.detail or "")


def test_reads_refusals_and_searches_are_recorded_without_contents(walled: Backend) -> None:
    mark = _last_id(walled)
    jurist = walled.as_("jdevries")
    user = jurist.actor
    father = walled.case_id(F.FATHER_REF)
    with jurist.session() as s:
        cases.get_case_by_ref(s, user, F.MOTHER_REF)
        q.search(s, user, "Kowalski")
    with pytest.raises(CaseWalled), jurist.transaction() as s:  # rolled back...
        cases.get_case(s, user, father)
    entries = _entries(walled, mark)
    assert [(e.action, e.object_ref, e.result) for e in entries] == [
        ("case.read", F.MOTHER_REF, "allowed"),
        ("case.search", entries[1].object_ref, "allowed"),
        ("case.read", F.FATHER_REF, "refused"),  # ...and still recorded
    ]
    # A search holds a keyed hash of its terms (kept beside the chain), not the terms.
    assert re.fullmatch(r"[0-9a-f]{64}", entries[1].object_ref or "")
    assert all(e.user_id == user.user_id and e.username == "jdevries" for e in entries)
    assert entries[1].detail == "1 getoond; iets achter een conflictmuur"
    assert entries[2].detail == "conflictmuur"
    assert all("/" in e.workstation for e in entries)
    everything = " ".join(
        f"{e.action} {e.object_type} {e.object_ref} {e.detail} {e.workstation}" for e in entries
    )
    for name in ("Anna", "Kowalsk", "Piotr", "Ola", *F.FATHER_SECRETS):
        assert name not in everything
    assert _verify(walled).ok


def test_role_refusals_are_recorded(walled: Backend) -> None:
    manager = walled.as_("directie")
    with manager.session() as s, pytest.raises(AccessDenied):
        q.page_ids(s, manager.actor, q.CaseFilter())
    last = _entries(walled)[-1]
    assert (last.username, last.action, last.result, last.detail) == (
        "directie",
        "case.list",
        "refused",
        "rol",
    )


def test_changes_exports_and_prints_are_recorded(walled: Backend) -> None:
    from ikodesk.reports import dossier

    jurist = walled.as_("jdevries")
    user = jurist.actor
    mother = walled.case_id(F.MOTHER_REF)
    mark = _last_id(walled)
    with jurist.transaction() as s:
        cases.reopen_case(s, user, mother)
        list(exchange.export_records(s, user, case_ids=[mother]))
        dossier.dossier_pdf(s, user, mother)
    actions = [e.action for e in _entries(walled, mark)]
    assert actions == ["case.read", "case.update", "case.export", "case.print"]


def test_audit_views_are_for_admins(walled: Backend) -> None:
    jurist = walled.as_("jdevries")
    with jurist.session() as s:
        cases.get_case_by_ref(s, jurist.actor, F.MOTHER_REF)
    admin = walled.as_("beheer")
    with admin.session() as s:
        per_case = audit_views.for_case(s, admin.actor, F.MOTHER_REF)
        per_user = audit_views.for_user(s, admin.actor, "jdevries")
        assert [e.action for e in per_case] == ["case.read"]
        assert [e.object_ref for e in per_user] == [F.MOTHER_REF]
    for name in ("jdevries", "directie", "tmeijer"):
        other = walled.as_(name)
        with other.session() as s, pytest.raises(AccessDenied):
            audit_views.for_case(s, other.actor, F.MOTHER_REF)


def test_the_log_refuses_update_and_delete(walled: Backend) -> None:
    statements = ("UPDATE audit_log SET detail = 'x'", "DELETE FROM audit_log")
    if walled.is_server:
        # Logins may only append (no UPDATE/DELETE grant): the server refuses them...
        for name in ("jdevries", "beheer"):
            for sql in statements:
                with pytest.raises(AccessDenied), walled.as_(name).transaction() as s:
                    s.execute(text(sql))
    # ...and the triggers refuse even whoever owns the tables (the file's key holder,
    # the server's superuser).
    for sql in statements:
        with pytest.raises(DatabaseError, match="append-only"), walled.alter() as s:
            s.execute(text(sql))
    assert _verify(walled).ok


def _tamper(db: Backend, *statements: str) -> None:
    """What someone holding the database key (the server's superuser) could do: drop
    the guards, then edit."""
    on = " ON audit_log" if db.is_server else ""
    with db.alter() as s:
        s.execute(text(f"DROP TRIGGER audit_log_no_update{on}"))
        s.execute(text(f"DROP TRIGGER audit_log_no_delete{on}"))
        for sql in statements:
            s.execute(text(sql))


@pytest.fixture
def five(walled: Backend) -> tuple[Backend, int]:
    """Four reads after the import: on a file entries 2-5 (the import is 1); on the
    server the same four after what `server init` and the import wrote. Returns the
    backend and the offset to add to the file's numbers."""
    offset = _last_id(walled) - 1
    jurist = walled.as_("jdevries")
    with jurist.session() as s:
        for _ in range(4):
            cases.get_case_by_ref(s, jurist.actor, F.MOTHER_REF)
    assert _verify(walled) == audit.ChainCheck(True, offset + 5)
    return walled, offset


@pytest.mark.parametrize(
    ("statements", "first_bad"),
    [
        (["UPDATE audit_log SET object_ref = '2024-L2-00099' WHERE id = {3}"], 3),
        (["UPDATE audit_log SET username = 'kvisser' WHERE id = {2}"], 2),
        (["DELETE FROM audit_log WHERE id = {3}"], 3),
        (["DELETE FROM audit_log WHERE id = {5}"], 5),  # the newest: the head notices
        (  # swap two entries' contents (hashes travel along): order is covered
            [
                "UPDATE audit_log SET id = 100000 WHERE id = {2}",
                "UPDATE audit_log SET id = {2} WHERE id = {4}",
                "UPDATE audit_log SET id = {4} WHERE id = 100000",
            ],
            2,
        ),
    ],
)
def test_tampering_is_detected_and_named(
    five: tuple[Backend, int], statements: list[str], first_bad: int
) -> None:
    db, offset = five
    ids = [n + offset for n in range(10)]
    _tamper(db, *(sql.format(*ids) for sql in statements))
    check = _verify(db)
    assert not check.ok
    assert check.first_bad == first_bad + offset
    assert str(first_bad + offset) in (check.problem or "")


def test_a_rehashed_entry_is_caught_at_the_next_one(five: tuple[Backend, int]) -> None:
    db, offset = five
    with db.inspect() as s:
        row = s.get(AuditEntry, 3 + offset)
        assert row is not None
        prev = s.scalar(select(AuditEntry.hash).where(AuditEntry.id == 2 + offset))
        forged = audit.Event(
            row.at,
            row.user_id,
            row.username,
            row.workstation,
            row.action,
            row.object_type,
            "2024-L2-00099",
            row.result,
            row.detail,
        )
        new_hash = audit.chain_hash(str(prev), 3 + offset, forged)
    _tamper(db)
    with db.alter() as s:
        s.execute(
            text("UPDATE audit_log SET object_ref = :ref, hash = :hash WHERE id = :id"),
            {"ref": "2024-L2-00099", "hash": new_hash, "id": 3 + offset},
        )
    check = _verify(db)
    assert not check.ok and check.first_bad == 4 + offset


def test_entries_keep_counting_after_a_deletion(five: tuple[Backend, int]) -> None:
    db, offset = five
    _tamper(db, f"DELETE FROM audit_log WHERE id = {5 + offset}")
    father = db.as_("kvisser")
    with father.session() as s:
        cases.get_case_by_ref(s, father.actor, F.FATHER_REF)
    assert _last_id(db) == 6 + offset
    check = _verify(db)
    assert not check.ok and check.first_bad == 5 + offset
