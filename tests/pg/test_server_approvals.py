"""Four eyes on the office server: the server itself records and hands out approvals.

A second connection logs in AS the approver and calls ikodesk_approve; the acting
login's functions take the approval with ikodesk_consume_approval, which only
hands out an unused one, at most five minutes old, by another active administrator.
"""

from __future__ import annotations

import psycopg
import pytest

from ikodesk.errors import ApprovalRefused
from ikodesk.models.enums import Role
from ikodesk.services import approvals
from ikodesk.services.approvals import ApproverCredentials
from tests.support.office import ADMIN, ADMIN_PASSWORD, PASSWORD, Office


@pytest.fixture
def admins(office: Office) -> Office:
    office.add_user("bert", Role.ADMIN)
    office.add_user("jdevries", Role.JURIST)
    return office


def _approve(office: Office, creds: ApproverCredentials | None) -> str:
    app = office.admin()
    with app.db.transaction() as s:
        return approvals.approve(
            s, office.actor(app), creds, action=approvals.BULK_EXPORT, detail="export x"
        )


def _rows(office: Office) -> list[tuple[str, str, str | None, str | None]]:
    with psycopg.connect(office.superuser_url) as conn:
        return [
            (r[0], r[1], r[2], r[3])
            for r in conn.execute(
                "SELECT action, approver, for_user, consumed_by FROM approvals ORDER BY id"
            ).fetchall()
        ]


def _audit(office: Office) -> list[tuple[str, str, str | None, str]]:
    with psycopg.connect(office.superuser_url) as conn:
        return [
            (r[0], r[1], r[2], r[3])
            for r in conn.execute(
                "SELECT username, result, object_ref, detail FROM audit_log "
                "WHERE action = 'approval' ORDER BY id"
            ).fetchall()
        ]


def test_a_second_administrator_approves_and_the_acting_login_takes_it(admins: Office) -> None:
    assert _approve(admins, ApproverCredentials("bert", PASSWORD)) == "bert"
    assert _rows(admins) == [("bulk_export", "bert", ADMIN, None)]
    audited = _audit(admins)
    # The approver's entry written by the server under its login, and the actor's own.
    assert [(u, r, o) for u, r, o, _ in audited] == [
        ("bert", "allowed", "bulk_export"),
        (ADMIN, "allowed", "bulk_export"),
    ]
    assert audited[0][3] == f"voor {ADMIN}: export x"
    assert audited[1][3] == "goedgekeurd door bert: export x"
    with admins.psql(ADMIN, ADMIN_PASSWORD) as conn:
        taken = conn.execute("SELECT ikodesk_consume_approval('bulk_export')").fetchone()
        assert taken == ("bert",)
        # Used once: a second action needs a second approval.
        with pytest.raises(psycopg.Error) as none_left:
            conn.execute("SELECT ikodesk_consume_approval('bulk_export')")
        assert none_left.value.sqlstate == "IK004"
    assert _rows(admins) == [("bulk_export", "bert", ADMIN, ADMIN)]


def test_nobody_consumes_their_own_approval_with_psql(admins: Office) -> None:
    with admins.psql("bert") as conn:
        conn.execute("SELECT ikodesk_approve('wall_lift', 'zelf')")  # for any other admin
        with pytest.raises(psycopg.Error) as own:
            conn.execute("SELECT ikodesk_consume_approval('wall_lift')")
        assert own.value.sqlstate == "IK004"
        with pytest.raises(psycopg.Error) as self_approval:
            conn.execute("SELECT ikodesk_approve('wall_lift', 'zelf', 'bert')")
        assert self_approval.value.sqlstate == "IK003"
    # Another action's approval does not do either.
    with admins.psql(ADMIN, ADMIN_PASSWORD) as conn:
        with pytest.raises(psycopg.Error) as other:
            conn.execute("SELECT ikodesk_consume_approval('user_delete')")
        assert other.value.sqlstate == "IK004"
        assert conn.execute("SELECT ikodesk_consume_approval('wall_lift')").fetchone() == ("bert",)


def test_an_approval_for_someone_else_or_too_old_is_not_handed_out(admins: Office) -> None:
    admins.add_user("carla", Role.ADMIN)
    with admins.psql("bert") as conn:
        conn.execute("SELECT ikodesk_approve('user_delete', 'x', 'carla')")
        conn.execute("SELECT ikodesk_approve('retention_run', 'x')")
    with psycopg.connect(admins.superuser_url) as conn:
        conn.execute(
            "UPDATE approvals SET approved_at = approved_at - interval '6 minutes' "
            "WHERE action = 'retention_run'"
        )
    with admins.psql(ADMIN, ADMIN_PASSWORD) as conn:
        for action in ("user_delete", "retention_run"):
            with pytest.raises(psycopg.Error) as refused:
                conn.execute("SELECT ikodesk_consume_approval(%s)", (action,))
            assert refused.value.sqlstate == "IK004"
    with admins.psql("carla") as conn:
        assert conn.execute("SELECT ikodesk_consume_approval('user_delete')").fetchone() == (
            "bert",
        )


def test_an_approval_by_a_login_that_is_no_longer_an_admin_is_void(admins: Office) -> None:
    with admins.psql("bert") as conn:
        conn.execute("SELECT ikodesk_approve('bulk_export', 'x')")
    with psycopg.connect(admins.superuser_url) as conn:
        conn.execute("UPDATE users SET active = false WHERE username = 'bert'")
    with admins.psql(ADMIN, ADMIN_PASSWORD) as conn, pytest.raises(psycopg.Error) as refused:
        conn.execute("SELECT ikodesk_consume_approval('bulk_export')")
    assert refused.value.sqlstate == "IK004"


def test_no_login_writes_approvals_itself(admins: Office) -> None:
    with admins.psql(ADMIN, ADMIN_PASSWORD) as conn:
        for statement in (
            "INSERT INTO approvals (action, approver, approved_at) "
            "VALUES ('bulk_export', 'bert', now())",
            "UPDATE approvals SET consumed_at = NULL",
            "DELETE FROM approvals",
        ):
            with pytest.raises(psycopg.Error) as refused:
                conn.execute(statement)
            assert refused.value.sqlstate == "42501"
    with admins.psql("jdevries") as conn:
        for statement in (
            "SELECT ikodesk_approve('bulk_export', 'x')",
            "SELECT ikodesk_consume_approval('bulk_export')",
        ):
            with pytest.raises(psycopg.Error) as refused:
                conn.execute(statement)
            assert refused.value.sqlstate == "42501"


@pytest.mark.parametrize(
    ("creds", "words"),
    [
        (None, "tweede beheerder nodig"),
        (ApproverCredentials(ADMIN, ADMIN_PASSWORD), "eigen handeling"),
        (ApproverCredentials("jdevries", PASSWORD), "geen actieve beheerder"),
        (ApproverCredentials("bert", "fout-wachtwoord"), "onjuist wachtwoord"),
    ],
)
def test_refused_approvals_on_the_server(
    admins: Office, creds: ApproverCredentials | None, words: str
) -> None:
    with pytest.raises(ApprovalRefused, match=words):
        _approve(admins, creds)
    assert _rows(admins) == []
    assert [(u, r) for u, r, _, _ in _audit(admins)] == [(ADMIN, "refused")]


def test_the_server_takes_an_approval_for_lifting_a_wall_itself(admins: Office) -> None:
    """Whatever the client sends: a psql UPDATE that lifts a wall needs an approval."""
    from tests.pg.test_server_walls import _create
    from tests.support import family as F
    from tests.support import records as R

    admins.add_user("kvisser", Role.JURIST)
    _create(admins.app("jdevries"), admins, R.ABDUCTION_CASE)
    _create(admins.app("kvisser"), admins, F.FATHER_CASE)
    with admins.psql(ADMIN, ADMIN_PASSWORD) as conn:
        assert conn.execute("SELECT count(*) FROM wall_claims").fetchone() == (2,)
        with pytest.raises(psycopg.Error) as claims:
            conn.execute("DELETE FROM wall_claims")
        assert claims.value.sqlstate == "IK003"
        with pytest.raises(psycopg.Error) as lifted:
            conn.execute("UPDATE conflict_pairs SET status = 'dismissed'")
        assert lifted.value.sqlstate == "IK004"
    with admins.psql("bert") as conn:
        conn.execute("SELECT ikodesk_approve('wall_lift', 'psql', %s)", (ADMIN,))
    with admins.psql(ADMIN, ADMIN_PASSWORD) as conn:
        conn.execute("UPDATE conflict_pairs SET status = 'dismissed'")
        conn.execute("DELETE FROM wall_claims")
        assert conn.execute("SELECT count(*) FROM wall_claims").fetchone() == (0,)
    assert _rows(admins) == [("wall_lift", "bert", ADMIN, ADMIN)]


def test_a_never_used_account_is_deleted_with_its_login_and_four_eyes(admins: Office) -> None:
    """#18.4 on the server: the row and the PostgreSQL login go, the server takes the approval."""
    admins.add_user("nooitgebruikt", Role.STUDENT)
    app = admins.admin()
    actor = admins.actor(app)
    with pytest.raises(ApprovalRefused):
        app.admin.delete_user(actor, "nooitgebruikt", None)
    # From psql, without an approval, the server refuses the deletion itself.
    with admins.psql(ADMIN, ADMIN_PASSWORD) as conn, pytest.raises(psycopg.Error) as refused:
        conn.execute("DELETE FROM users WHERE username = 'nooitgebruikt'")
    assert refused.value.sqlstate == "IK004"
    app.admin.delete_user(actor, "nooitgebruikt", ApproverCredentials("bert", PASSWORD))
    with psycopg.connect(admins.superuser_url) as conn:
        assert conn.execute(
            "SELECT count(*) FROM pg_roles WHERE rolname = 'nooitgebruikt'"
        ).fetchone() == (0,)
        assert conn.execute(
            "SELECT count(*) FROM users WHERE username = 'nooitgebruikt'"
        ).fetchone() == (0,)
        dropped = conn.execute(
            "SELECT username, detail FROM audit_log WHERE object_ref = 'nooitgebruikt' "
            "AND detail = 'login verwijderd'"
        ).fetchall()
    assert dropped == [(ADMIN, "login verwijderd")]
