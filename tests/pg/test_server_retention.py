"""Retention on the office server (issue #18): the policy and holds work, the run is refused.

PostgreSQL cannot overwrite freed space from SQL (only VACUUM FULL by the table
owner rewrites a table), so the anonymising run stays with the database file for
now: on the server it is refused in plain Dutch, and nothing is changed. The
server enforces who may set a hold, also for a login that bypasses ikodesk.
"""

from __future__ import annotations

from datetime import date

import psycopg
import pytest

from ikodesk.errors import UsageError
from ikodesk.models.enums import Role
from ikodesk.services import cases
from ikodesk.services.approvals import ApproverCredentials
from ikodesk.services.validation.parsing import parse_case
from tests.support import records as R
from tests.support.office import PASSWORD, Office


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


def test_policy_holds_and_preview_work_and_the_run_is_refused(staffed: Office) -> None:
    admin = staffed.admin()
    actor = staffed.actor(admin)
    rows = admin.retention.policy(actor)
    assert not any(r.confirmed for r in rows)
    admin.retention.set_period(actor, "travel_consent", 3)
    assert admin.retention.confirm_defaults(actor)
    assert all(r.confirmed for r in admin.retention.policy(actor))
    ref = admin.retention.preview(actor, date(2035, 1, 1)).items[0].ref
    admin.retention.set_hold(actor, ref, "Procedure")
    assert admin.retention.preview(actor, date(2035, 1, 1)).held == 1
    admin.retention.lift_hold(actor, ref)
    with pytest.raises(UsageError, match="kantoorserver"):
        admin.retention.run(actor, date(2035, 1, 1), ApproverCredentials("tweede", PASSWORD))
    assert admin.retention.register(actor) == []


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
