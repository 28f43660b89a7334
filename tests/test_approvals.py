"""Four eyes (issue #18, point 4): a second administrator approves at the moment of the action.

Real SQLCipher files; the clock is injected, nothing sleeps.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from ikodesk.errors import ApprovalRefused
from ikodesk.models import Approval, AuditEntry
from ikodesk.models.enums import Role
from ikodesk.services import approvals, users
from ikodesk.services.actors import Actor
from ikodesk.services.approvals import ApproverCredentials
from ikodesk.storage import Database

KH = Actor.key_holder()
ANNA_PW = "Paarse-Olifant-Danst-1987"
BERT_PW = "Groene-Kikker-Springt-4411"
JAN_PW = "Oranje-Boot-Vaart-8642"


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 12, 1, 9, 0, 0)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


@pytest.fixture
def anna(db: Database) -> Actor:
    """Two administrators (anna, bert), a jurist (jan), a deactivated admin (kees)."""
    with db.transaction() as s:
        admin = users.create_user(s, KH, "anna", Role.ADMIN, password=ANNA_PW)
        users.create_user(s, KH, "bert", Role.ADMIN, password=BERT_PW)
        users.create_user(s, KH, "jan", Role.JURIST, password=JAN_PW)
        users.create_user(s, KH, "kees", Role.ADMIN, password=JAN_PW)
        users.set_active(s, KH, "kees", False)
        return Actor(admin.id, admin.username, admin.role)


def _approve(
    db: Database, actor: Actor, creds: ApproverCredentials | None, clock: Clock | None = None
) -> str:
    with db.transaction() as s:
        return approvals.approve(
            s,
            actor,
            creds,
            action=approvals.BULK_EXPORT,
            detail="export naar /tmp/x.json",
            clock=clock or Clock(),
        )


def _entries(db: Database, action: str = "approval") -> list[AuditEntry]:
    with db.session() as s:
        return list(
            s.scalars(select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id))
        )


def _approval_rows(db: Database) -> list[Approval]:
    with db.session() as s:
        rows = list(s.scalars(select(Approval)))
        s.expunge_all()
        return rows


def test_a_second_administrator_approves_and_both_are_audited(db: Database, anna: Actor) -> None:
    assert _approve(db, anna, ApproverCredentials(" Bert ", BERT_PW)) == "bert"
    [entry] = _entries(db)
    assert (entry.username, entry.result, entry.object_ref) == ("bert", "allowed", "bulk_export")
    assert entry.detail == "voor anna: export naar /tmp/x.json"
    [row] = _approval_rows(db)
    assert (row.action, row.approver, row.for_user, row.consumed_by) == (
        "bulk_export",
        "bert",
        "anna",
        "anna",
    )
    assert row.consumed_at is not None


@pytest.mark.parametrize(
    ("creds", "words", "why"),
    [
        (None, "tweede beheerder nodig", "geen tweede beheerder opgegeven"),
        (ApproverCredentials("", "x"), "tweede beheerder nodig", "geen tweede beheerder"),
        (ApproverCredentials("ANNA", ANNA_PW), "eigen handeling", "eigen handeling"),
        (ApproverCredentials("jan", JAN_PW), "geen actieve beheerder", "jan: geen beheerder"),
        (ApproverCredentials("bert", "fout-wachtwoord"), "onjuist wachtwoord", "bert: inloggen"),
        (ApproverCredentials("kees", JAN_PW), "onjuist wachtwoord", "kees: inloggen"),
        (ApproverCredentials("niemand", "x"), "onjuist wachtwoord", "niemand: inloggen"),
    ],
)
def test_refused_approvals_change_nothing_and_are_audited(
    db: Database, anna: Actor, creds: ApproverCredentials | None, words: str, why: str
) -> None:
    with pytest.raises(ApprovalRefused, match=words) as refused:
        _approve(db, anna, creds)
    assert refused.value.exit_code == 3
    assert _approval_rows(db) == []
    [entry] = _entries(db)
    assert (entry.username, entry.result, entry.object_ref) == ("anna", "refused", "bulk_export")
    assert entry.detail is not None and entry.detail.startswith(why)


def test_a_wrong_approver_password_counts_as_a_failed_login(db: Database, anna: Actor) -> None:
    """The approver's check IS a login: the same delay and lock apply."""
    clock = Clock()
    with pytest.raises(ApprovalRefused):
        _approve(db, anna, ApproverCredentials("bert", "fout-1"), clock)
    with pytest.raises(ApprovalRefused):
        _approve(db, anna, ApproverCredentials("bert", "fout-2"), clock)
    # Second failure: the next attempt waits a second, even with the right password.
    with pytest.raises(ApprovalRefused):
        _approve(db, anna, ApproverCredentials("bert", BERT_PW), clock)
    logins = _entries(db, "login")
    assert [e.detail for e in logins] == [
        "onjuist wachtwoord",
        "onjuist wachtwoord",
        "te snel na een mislukte poging",
    ]
    with db.session() as s:
        assert users.get_user(s, "bert").failed_logins == 2
    clock.advance(1.5)
    assert _approve(db, anna, ApproverCredentials("bert", BERT_PW), clock) == "bert"
    with db.session() as s:
        assert users.get_user(s, "bert").failed_logins == 0


def test_the_approval_rolls_back_with_the_action(db: Database, anna: Actor) -> None:
    """Approved, but the action then fails: no used approval is left (the audit log,
    which survives every rollback, still says that it was given)."""

    class Boom(Exception):
        pass

    with pytest.raises(Boom), db.transaction() as s:
        approvals.approve(
            s,
            anna,
            ApproverCredentials("bert", BERT_PW),
            action=approvals.WALL_LIFT,
            detail="x",
        )
        raise Boom
    assert _approval_rows(db) == []
    [entry] = _entries(db)
    assert (entry.username, entry.object_ref) == ("bert", "wall_lift")


def test_an_unknown_action_is_a_bug(db: Database, anna: Actor) -> None:
    with pytest.raises(ValueError), db.transaction() as s:
        approvals.approve(s, anna, ApproverCredentials("bert", BERT_PW), action="x", detail="")
