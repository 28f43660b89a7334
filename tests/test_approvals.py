"""Four eyes (issue #18, point 4): a second administrator approves at the moment of the action.

Real SQLCipher files and the office server (`backend`), every administrator their
own login; on a file the clock is injected, nothing sleeps. On the server the
approver's own login records the approval and the acting login's server function
takes it (storage/server/sql/approvals.sql): where that differs by design from the
file (one row used at once), each backend's behaviour is asserted.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from ikodesk.errors import AccessDenied, ApprovalRefused, AuthenticationError
from ikodesk.models import Approval, AuditEntry
from ikodesk.models.enums import Role
from ikodesk.services import approvals, users
from ikodesk.services.actors import Actor
from ikodesk.services.approvals import ApproverCredentials
from ikodesk.storage import Database
from tests.conftest import TEST_PASSPHRASE
from tests.support.backends import As, Backend, log_in
from tests.support.office import ADMIN, PASSWORD

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
def admins(backend: Backend) -> As:
    """As `anna`; two administrators (anna, bert), a jurist (jan), a deactivated admin (kees)."""
    backend.add_users(
        ("anna", Role.ADMIN), ("bert", Role.ADMIN), ("jan", Role.JURIST), ("kees", Role.ADMIN)
    )
    beheer = backend.as_(ADMIN)
    with beheer.transaction() as s:
        users.set_active(s, beheer.actor, "kees", False)
    return backend.as_("anna")


def _approve_as(anna: As, creds: ApproverCredentials | None, clock: Clock | None = None) -> str:
    with anna.transaction() as s:
        return approvals.approve(
            s,
            anna.actor,
            creds,
            action=approvals.BULK_EXPORT,
            detail="export naar /tmp/x.json",
            clock=clock or Clock(),
        )


def _entries_of(backend: Backend, action: str = "approval") -> list[AuditEntry]:
    with backend.inspect() as s:
        found = list(
            s.scalars(select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id))
        )
        s.expunge_all()
        return found


def _rows_of(backend: Backend) -> list[Approval]:
    with backend.inspect() as s:
        rows = list(s.scalars(select(Approval)))
        s.expunge_all()
        return rows


def test_a_second_administrator_approves_and_both_are_audited(backend: Backend, admins: As) -> None:
    assert _approve_as(admins, ApproverCredentials(" Bert ", PASSWORD)) == "bert"
    entries = _entries_of(backend)
    assert [(e.username, e.result, e.object_ref) for e in entries if e.username == "bert"] == [
        ("bert", "allowed", "bulk_export")
    ]
    [row] = _rows_of(backend)
    assert (row.action, row.approver, row.for_user) == ("bulk_export", "bert", "anna")
    if backend.is_server:
        # bert's login records the approval itself (its own entry, the server's chain);
        # anna's session notes whose approval it asked for. The row waits for anna's
        # export function to take it (ikodesk_consume_approval), at most 5 minutes.
        bert, anna = entries
        assert bert.detail == "voor anna: export naar /tmp/x.json"
        assert (anna.username, anna.detail) == (
            "anna",
            "goedgekeurd door bert: export naar /tmp/x.json",
        )
        assert row.consumed_by is None
    else:
        [entry] = entries
        assert entry.detail == "voor anna: export naar /tmp/x.json"
        assert row.consumed_by == "anna" and row.consumed_at is not None


@pytest.mark.parametrize(
    ("creds", "words", "why"),
    [
        (None, "tweede beheerder nodig", "geen tweede beheerder opgegeven"),
        (ApproverCredentials("", "x"), "tweede beheerder nodig", "geen tweede beheerder"),
        (ApproverCredentials("ANNA", PASSWORD), "eigen handeling", "eigen handeling"),
        (ApproverCredentials("jan", PASSWORD), "geen actieve beheerder", "jan: geen beheerder"),
        (ApproverCredentials("bert", "fout-wachtwoord"), "onjuist wachtwoord", "bert: inloggen"),
        (ApproverCredentials("kees", PASSWORD), "onjuist wachtwoord", "kees: inloggen"),
        (ApproverCredentials("niemand", "x"), "onjuist wachtwoord", "niemand: inloggen"),
    ],
)
def test_refused_approvals_change_nothing_and_are_audited(
    backend: Backend, admins: As, creds: ApproverCredentials | None, words: str, why: str
) -> None:
    with pytest.raises(ApprovalRefused, match=words) as refused:
        _approve_as(admins, creds)
    assert refused.value.exit_code == 3
    assert _rows_of(backend) == []
    [entry] = _entries_of(backend)
    assert (entry.username, entry.result, entry.object_ref) == ("anna", "refused", "bulk_export")
    assert entry.detail is not None and entry.detail.startswith(why)


def test_the_approval_rolls_back_with_the_action(backend: Backend, admins: As) -> None:
    """Approved, but the action then fails: no used approval is left (the audit log,
    which survives every rollback, still says that it was given)."""

    class Boom(Exception):
        pass

    with pytest.raises(Boom), admins.transaction() as s:
        approvals.approve(
            s,
            admins.actor,
            ApproverCredentials("bert", PASSWORD),
            action=approvals.WALL_LIFT,
            detail="x",
        )
        raise Boom
    rows = _rows_of(backend)
    if backend.is_server:
        # bert's login committed its approval; nothing used it, and it lapses unused
        # after 5 minutes (ikodesk_consume_approval takes only a fresh one).
        assert [(r.approver, r.for_user, r.consumed_by) for r in rows] == [("bert", "anna", None)]
    else:
        assert rows == []
    assert [(e.username, e.object_ref) for e in _entries_of(backend) if e.username == "bert"] == [
        ("bert", "wall_lift")
    ]


def test_an_unknown_action_is_a_bug(admins: As) -> None:
    with pytest.raises(ValueError), admins.transaction() as s:
        approvals.approve(
            s, admins.actor, ApproverCredentials("bert", PASSWORD), action="x", detail=""
        )


# -- on the file only ------------------------------------------------------------------------


@pytest.fixture
def anna(db: Database) -> Actor:
    """On a file: two administrators (anna, bert), a jurist (jan), a deactivated admin (kees)."""
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


def test_a_wrong_approver_password_counts_as_a_failed_login(db: Database, anna: Actor) -> None:
    """The approver's check IS a login: the same delay and lock apply.

    File only: the application's throttle with an injected clock; on the server the
    server itself delays failed logins (auth_delay), outside the application.
    """
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


# -- where four eyes apply -----------------------------------------------------------------


def test_lifting_a_wall_needs_a_second_administrator(backend: Backend) -> None:
    from ikodesk.models import ConflictPair, ConflictStatus
    from ikodesk.services import conflicts
    from tests.support import family as F
    from tests.test_walls_weak import WEAK_FATHER, WEAK_MOTHER

    backend.load(*F.STAFF, WEAK_MOTHER, WEAK_FATHER)
    backend.add_users((F.SECOND_ADMIN, Role.ADMIN))
    beheer = backend.as_(ADMIN)
    admin = beheer.actor
    with beheer.session() as s:
        (pending,) = conflicts.review_list(s, admin)

    def status() -> ConflictStatus | None:
        with backend.inspect() as s:
            return s.scalar(select(ConflictPair.status))

    for creds in (None, ApproverCredentials("beheer", F.PASSWORD)):
        with pytest.raises(ApprovalRefused), beheer.transaction() as s:
            conflicts.dismiss(s, admin, pending.id, creds)
        assert status() is ConflictStatus.REVIEW
    with beheer.transaction() as s:
        conflicts.dismiss(s, admin, pending.id, ApproverCredentials(F.SECOND_ADMIN, PASSWORD))
    assert status() is ConflictStatus.DISMISSED
    approved = [
        e for e in _entries_of(backend) if e.result == "allowed" and e.username == F.SECOND_ADMIN
    ]
    assert [(e.username, e.object_ref) for e in approved] == [(F.SECOND_ADMIN, "wall_lift")]
    assert approved[0].detail is not None and "afgewezen" in approved[0].detail
    if not backend.is_server:  # on the server the approver's entry says only what it approved
        assert len([e for e in _entries_of(backend) if e.result == "allowed"]) == 1


def test_only_an_unused_account_is_deleted_with_a_second_administrator(
    backend: Backend, admins: As
) -> None:
    from ikodesk.errors import InputError

    anna = admins.actor
    bert = ApproverCredentials("bert", PASSWORD)
    with admins.transaction() as s:
        users.create_user(s, anna, "nieuw", Role.STUDENT, password=PASSWORD)
    with pytest.raises(ApprovalRefused), admins.transaction() as s:
        users.delete_user(s, anna, "nieuw", None)
    with pytest.raises(ApprovalRefused), admins.transaction() as s:
        users.delete_user(s, anna, "nieuw", ApproverCredentials("anna", PASSWORD))
    # jan has tried something once: the audit log names him, so he is deactivated instead.
    jan = backend.as_("jan")
    with pytest.raises(AccessDenied), jan.transaction() as s:
        users.list_users(s, jan.actor)
    with pytest.raises(InputError, match="Deactiveer"), admins.transaction() as s:
        users.delete_user(s, anna, "jan", bert)
    with pytest.raises(InputError, match="eigen account"), admins.transaction() as s:
        users.delete_user(s, anna, "anna", bert)
    with admins.transaction() as s:
        users.delete_user(s, anna, "nieuw", bert)
    with admins.session() as s:
        names = [u.username for u in users.list_users(s, anna)]
    assert names == ["anna", "beheer", "bert", "jan", "kees"]
    with backend.inspect() as s:
        assert audit_ok(s)
    approved = [e for e in _entries_of(backend) if e.result == "allowed" and e.username == "bert"]
    assert [(e.username, e.object_ref) for e in approved] == [("bert", "user_delete")]
    assert approved[0].detail == "voor anna: gebruiker nieuw (student) verwijderd"
    if backend.is_server:  # the login went with the row
        with pytest.raises(AuthenticationError):
            log_in(backend, "nieuw", PASSWORD)


def audit_ok(s: object) -> bool:
    from ikodesk.services import audit

    return audit.verify_chain(s).ok  # type: ignore[arg-type]


def test_the_command_line_takes_the_approver_from_the_option_or_the_environment(
    cli, backend: Backend, admins: As, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    env = {"IKODESK_PASSWORD": PASSWORD}
    if backend.office is not None:
        where: object = backend.office.url
    else:
        assert backend.db is not None
        where = backend.db.path
        backend.db.close()
        env["IKODESK_PASSPHRASE"] = TEST_PASSPHRASE
    dump = tmp_path / "alles.jsonl"
    base = ["--db", where, "--user", "anna"]
    res = cli([*base, "export", dump], env=env)
    assert res.code == 3 and "tweede beheerder" in res.err and not dump.exists()
    res = cli(
        [*base, "--approver", "anna", "export", dump],
        env={**env, "IKODESK_APPROVER_PASSWORD": PASSWORD},
    )
    assert res.code == 3 and "eigen handeling" in res.err
    res = cli(
        [*base, "--approver", "jan", "export", dump],
        env={**env, "IKODESK_APPROVER_PASSWORD": PASSWORD},
    )
    assert res.code == 3 and "geen actieve beheerder" in res.err
    res = cli(
        [*base, "--approver", "bert", "export", dump],
        env={**env, "IKODESK_APPROVER_PASSWORD": "fout"},
    )
    assert res.code == 3 and "onjuist wachtwoord" in res.err and not dump.exists()
    ok = {**env, "IKODESK_APPROVER": "bert", "IKODESK_APPROVER_PASSWORD": PASSWORD}
    res = cli([*base, "export", dump], env=ok)
    assert res.code == 0, res.err
    assert dump.exists()
    # Where no approval is needed, the approver is ignored (not even asked for).
    res = cli([*base, "--approver", "bert", "user", "list"], env=env)
    assert res.code == 0 and "bert" in res.out
    # Deleting a user on the command line.
    res = cli([*base, "user", "add", "weg", "--role", "student", "--no-password"], env=env)
    assert res.code == 0, res.err
    res = cli([*base, "user", "delete", "weg"], env=env)
    assert res.code == 3
    res = cli([*base, "user", "delete", "weg"], env=ok)
    assert res.code == 0 and "verwijderd" in res.out
