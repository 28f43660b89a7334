"""Retention on the office server (issue #18): policy, holds, and the run in the server's
own function (four eyes taken by the server, what is due decided there); the server
enforces who may set a hold, also for a login that bypasses ikodesk.
"""

from __future__ import annotations

from datetime import date

import psycopg
import pytest

from ikodesk.errors import ApprovalRefused
from ikodesk.models.enums import Role
from ikodesk.services import audit, cases
from ikodesk.services.approvals import ApproverCredentials
from ikodesk.services.validation.parsing import parse_case
from tests.support import family as F
from tests.support import records as R
from tests.support.office import ADMIN, ADMIN_PASSWORD, PASSWORD, Office


@pytest.fixture
def staffed(office: Office) -> Office:
    office.add_user("tweede", Role.ADMIN)
    office.add_user("jdevries", Role.JURIST)
    office.add_user("kvisser", Role.JURIST)
    jurist = office.app("jdevries")
    closed = R.ABDUCTION_CASE  # closed in 2024: due for removal in 2035
    with jurist.db.transaction() as s:
        cases.create_case(s, office.actor(jurist), parse_case(closed))
    return office


def test_policy_holds_preview_and_the_run_on_the_server(staffed: Office) -> None:
    """The server's own function anonymises what is due; holds, four eyes and figures hold."""
    staffed.add_user("directie", Role.MANAGER)
    father = staffed.app("kvisser")
    with father.db.transaction() as s:  # the other parent, closed too: a conflict pair
        cases.create_case(s, staffed.actor(father), parse_case(F.FATHER_CASE))
    admin = staffed.admin()
    actor = staffed.actor(admin)
    rows = admin.retention.policy(actor)
    assert not any(r.confirmed for r in rows)
    admin.retention.set_period(actor, "travel_consent", 3)
    preview = admin.retention.preview(actor, date(2035, 1, 1))
    refs = sorted(i.ref for i in preview.items)
    assert R.ABDUCTION_CASE["ref"] in refs
    held = F.FATHER_REF if F.FATHER_REF in refs else None
    if held:
        admin.retention.set_hold(actor, held, "Procedure")
        assert admin.retention.preview(actor, date(2035, 1, 1)).held == 1
    manager = staffed.app("directie")
    m_actor = staffed.actor(manager)
    before = manager.reports.figures(m_actor, 2024, None)["current"]

    with pytest.raises(ApprovalRefused):
        admin.retention.run(actor, date(2035, 1, 1), None)
    with staffed.psql(ADMIN, ADMIN_PASSWORD) as conn, pytest.raises(psycopg.Error) as refused:
        conn.execute("SELECT ikodesk_retention_apply('2035-01-01', 'x')")
    assert refused.value.sqlstate == "IK004"
    with staffed.psql("jdevries") as conn, pytest.raises(psycopg.errors.InsufficientPrivilege):
        conn.execute("SELECT ikodesk_retention_apply('2035-01-01', 'x')")

    outcome = admin.retention.run(actor, date(2035, 1, 1), ApproverCredentials("tweede", PASSWORD))
    assert outcome.scrubbed is None and outcome.result.approver == "tweede"
    assert outcome.result.preview.cases == len(refs) - (1 if held else 0)
    assert all(r.confirmed for r in admin.retention.policy(actor))
    (run,) = admin.retention.register(actor)
    assert (run.approved_by, run.cases) == ("tweede", outcome.result.preview.cases)

    with psycopg.connect(staffed.superuser_url) as conn:
        mother = conn.execute(
            "SELECT p.first_name, p.last_name, p.phone, p.birth_date FROM persons p "
            "JOIN cases c ON c.id = p.case_id WHERE c.ref = %s",
            (R.ABDUCTION_CASE["ref"],),
        ).fetchall()
        kids = conn.execute(
            "SELECT ch.first_name, ch.birth_date, ch.age FROM children ch "
            "JOIN cases c ON c.id = ch.case_id WHERE c.ref = %s",
            (R.ABDUCTION_CASE["ref"],),
        ).fetchall()
        names = conn.execute(
            "SELECT names FROM case_search cs JOIN cases c ON c.id = cs.rowid WHERE c.ref = %s",
            (R.ABDUCTION_CASE["ref"],),
        ).fetchone()
        profiles = conn.execute(
            "SELECT count(*) FROM match_profiles mp JOIN cases c ON c.id = mp.case_id "
            "WHERE c.ref = %s",
            (R.ABDUCTION_CASE["ref"],),
        ).fetchone()
        pairs = conn.execute("SELECT count(*) FROM conflict_pairs").fetchone()
    assert mother and all(v is None for row in mother for v in row)
    assert kids and all(k[0] is None and k[1] is None and k[2] is not None for k in kids)
    assert names == ("",) and profiles == (0,)
    assert pairs == (1,)  # the wall between them stays
    if held:
        with psycopg.connect(staffed.superuser_url) as conn:
            kept = conn.execute(
                "SELECT p.last_name FROM persons p JOIN cases c ON c.id = p.case_id "
                "WHERE c.ref = %s AND p.role = 'requester'",
                (held,),
            ).fetchone()
        assert kept is not None and kept[0] is not None
    # Every figure of the year is what it was.
    assert manager.reports.figures(m_actor, 2024, None)["current"] == before
    with admin.db.session() as s:
        assert audit.verify_chain(s).ok


def test_the_server_lets_a_jurist_hold_only_their_own_case(staffed: Office) -> None:
    admin = staffed.admin()
    ref = admin.retention.preview(staffed.actor(admin), date(2035, 1, 1)).items[0].ref
    other = staffed.app("kvisser")
    with staffed.psql("kvisser") as conn, pytest.raises(psycopg.errors.InsufficientPrivilege):
        conn.execute(
            "INSERT INTO legal_holds (case_id, reason, set_by, set_at) "
            "SELECT id, 'x', 'kvisser', now() FROM cases WHERE ref = %s",
            (ref,),
        )
    del other
    own = staffed.app("jdevries")
    own.retention.set_hold(staffed.actor(own), ref, "Hoger beroep")
    with staffed.psql("jdevries") as conn, pytest.raises(psycopg.errors.InsufficientPrivilege):
        conn.execute("DELETE FROM legal_holds")
    with staffed.psql("jdevries") as conn, pytest.raises(psycopg.errors.InsufficientPrivilege):
        conn.execute("SELECT * FROM destruction_runs")
