"""The audit log: what is recorded, that refusals survive rollbacks, and the hash chain."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import DatabaseError

from ikodesk.errors import AccessDenied, CaseWalled
from ikodesk.models import AuditEntry
from ikodesk.services import audit, audit_views, cases, exchange
from ikodesk.services import case_queries as q
from ikodesk.storage import Database
from tests.support import family as F
from tests.support import records as R


@pytest.fixture
def walled(db: Database) -> Database:
    F.load(db, *F.STAFF, R.ABDUCTION_CASE, R.CONTACT, F.FATHER_CASE, F.FATHER_CONTACT)
    return db


def _entries(db: Database) -> list[AuditEntry]:
    with db.session() as s:
        return list(s.scalars(select(AuditEntry).order_by(AuditEntry.id)))


def _verify(db: Database) -> audit.ChainCheck:
    with db.session() as s:
        return audit.verify_chain(s)


def test_an_import_is_one_summary_entry(walled: Database) -> None:
    (entry,) = _entries(walled)
    assert (entry.action, entry.object_type, entry.result) == ("import", "database", "allowed")
    assert entry.user_id is None and entry.username == "(sleutelhouder)"
    assert "2 zaken nieuw" in (entry.detail or "") and "1 conflict," in (entry.detail or "")


def test_reads_refusals_and_searches_are_recorded_without_contents(walled: Database) -> None:
    user = F.actor(walled, "jdevries")
    father = F.case_id(walled, F.FATHER_REF)
    with walled.session() as s:
        cases.get_case_by_ref(s, user, F.MOTHER_REF)
        q.search(s, user, "Kowalski")
    with pytest.raises(CaseWalled), walled.transaction() as s:  # rolled back...
        cases.get_case(s, user, father)
    entries = _entries(walled)[1:]
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


def test_role_refusals_are_recorded(walled: Database) -> None:
    manager = F.actor(walled, "directie")
    with walled.session() as s, pytest.raises(AccessDenied):
        q.page_ids(s, manager, q.CaseFilter())
    last = _entries(walled)[-1]
    assert (last.username, last.action, last.result, last.detail) == (
        "directie",
        "case.list",
        "refused",
        "rol",
    )


def test_changes_exports_and_prints_are_recorded(walled: Database) -> None:
    from ikodesk.reports import dossier

    user = F.actor(walled, "jdevries")
    mother = F.case_id(walled, F.MOTHER_REF)
    with walled.transaction() as s:
        cases.reopen_case(s, user, mother)
        list(exchange.export_records(s, user, case_ids=[mother]))
        dossier.dossier_pdf(s, user, mother)
    actions = [e.action for e in _entries(walled)[1:]]
    assert actions == ["case.read", "case.update", "case.export", "case.print"]


def test_audit_views_are_for_admins(walled: Database) -> None:
    user = F.actor(walled, "jdevries")
    with walled.session() as s:
        cases.get_case_by_ref(s, user, F.MOTHER_REF)
    admin = F.actor(walled, "beheer")
    others = [F.actor(walled, who) for who in ("jdevries", "directie", "tmeijer")]
    with walled.session() as s:
        per_case = audit_views.for_case(s, admin, F.MOTHER_REF)
        per_user = audit_views.for_user(s, admin, "jdevries")
        assert [e.action for e in per_case] == ["case.read"]
        assert [e.object_ref for e in per_user] == [F.MOTHER_REF]
        for other in others:
            with pytest.raises(AccessDenied):
                audit_views.for_case(s, other, F.MOTHER_REF)


def test_the_log_refuses_update_and_delete(walled: Database) -> None:
    for sql in ("UPDATE audit_log SET detail = 'x'", "DELETE FROM audit_log"):
        with pytest.raises(DatabaseError, match="append-only"), walled.transaction() as s:
            s.execute(text(sql))
    assert _verify(walled).ok


def _tamper(db: Database, *statements: str) -> None:
    """What someone holding the database key could do: drop the guards, then edit."""
    with db.transaction() as s:
        s.execute(text("DROP TRIGGER audit_log_no_update"))
        s.execute(text("DROP TRIGGER audit_log_no_delete"))
        for sql in statements:
            s.execute(text(sql))


@pytest.fixture
def five(walled: Database) -> Database:
    user = F.actor(walled, "jdevries")
    with walled.session() as s:
        for _ in range(4):
            cases.get_case_by_ref(s, user, F.MOTHER_REF)
    assert _verify(walled) == audit.ChainCheck(True, 5)
    return walled


@pytest.mark.parametrize(
    ("statements", "first_bad"),
    [
        (["UPDATE audit_log SET object_ref = '2024-L2-00099' WHERE id = 3"], 3),
        (["UPDATE audit_log SET username = 'kvisser' WHERE id = 2"], 2),
        (["DELETE FROM audit_log WHERE id = 3"], 3),
        (["DELETE FROM audit_log WHERE id = 5"], 5),  # the newest: the head notices
        (  # swap two entries' contents (hashes travel along): order is covered
            [
                "UPDATE audit_log SET id = 100 WHERE id = 2",
                "UPDATE audit_log SET id = 2 WHERE id = 4",
                "UPDATE audit_log SET id = 4 WHERE id = 100",
            ],
            2,
        ),
    ],
)
def test_tampering_is_detected_and_named(
    five: Database, statements: list[str], first_bad: int
) -> None:
    _tamper(five, *statements)
    check = _verify(five)
    assert not check.ok
    assert check.first_bad == first_bad
    assert str(first_bad) in (check.problem or "")


def test_a_rehashed_entry_is_caught_at_the_next_one(five: Database) -> None:
    with five.session() as s:
        row = s.get(AuditEntry, 3)
        assert row is not None
        prev = s.scalar(select(AuditEntry.hash).where(AuditEntry.id == 2))
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
        new_hash = audit.chain_hash(str(prev), 3, forged)
    _tamper(five)
    with five.transaction() as s:
        s.execute(
            text("UPDATE audit_log SET object_ref = :ref, hash = :hash WHERE id = 3"),
            {"ref": "2024-L2-00099", "hash": new_hash},
        )
    check = _verify(five)
    assert not check.ok and check.first_bad == 4


def test_entries_keep_counting_after_a_deletion(five: Database) -> None:
    _tamper(five, "DELETE FROM audit_log WHERE id = 5")
    with five.session() as s:
        cases.get_case_by_ref(s, F.actor(five, "kvisser"), F.FATHER_REF)
    with five.session() as s:
        assert s.scalar(select(func.max(AuditEntry.id))) == 6
    check = _verify(five)
    assert not check.ok and check.first_bad == 5
