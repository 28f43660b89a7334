"""Moving an office from its file onto the office server: everything, equal figures."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import psycopg
import pytest
from sqlalchemy import text

from ikodesk.errors import CaseWalled
from ikodesk.models.enums import Channel, Party
from ikodesk.services import audit, case_contacts, case_queries, cases, retention
from ikodesk.storage import Database
from tests.conftest import TEST_PASSPHRASE
from tests.support import family as F
from tests.support import records as R
from tests.support.office import ADMIN, ADMIN_PASSWORD, Office


def _office_in_a_file(db: Database) -> None:
    F.load(db, *F.STAFF, R.ABDUCTION_CASE, F.FATHER_CASE, F.FATHER_CONTACT, F.UNRELATED_CASE)
    F.with_passwords(db)
    with db.transaction() as s:  # some work in the file: reads, a search, a contact
        jurist = F.actor(db, "jdevries")
        cases.get_case_by_ref(s, jurist, F.MOTHER_REF)
        case_queries.search(s, jurist, "Kowalska")
        case_contacts.add_contact(
            s,
            jurist,
            cases.case_id_of(s, F.MOTHER_REF),
            at=datetime(2024, 3, 20, 9, 30),
            channel=Channel.EMAIL,
            party=Party.PARENT,
            summary="Moeder mailt over de Poolse rechtbank",
        )


def test_an_office_moves_onto_the_server(db: Database, office: Office, cli: Any) -> None:
    _office_in_a_file(db)
    with db.transaction() as s:  # the mover is an administrator of the file too
        from ikodesk.services import users

        users.set_password(s, F.KH, ADMIN, ADMIN_PASSWORD)
        # An administrator's correction of the reference data moves with the office.
        s.execute(
            text(
                "UPDATE countries SET hague_acceded = 1, hague_nl_acceptance = '1993-03-15', "
                "source_note = 'testgegeven, geen echte neerlegging' WHERE iso2 = 'PE'"
            )
        )
    # The AVG's records move too: a changed period and a legal hold.
    admin_actor = F.actor(db, ADMIN)
    with db.transaction() as s:
        retention.set_period(s, admin_actor, "mediation", 9)
        retention.set_hold(s, admin_actor, F.MOTHER_REF, "Procedure in Polen loopt")
    with db.session() as s:  # the file's log as the move finds it
        in_file = [tuple(r) for r in s.execute(text("SELECT id, hash FROM audit_log ORDER BY id"))]
    env = {"IKODESK_PASSPHRASE": TEST_PASSPHRASE, "IKODESK_PASSWORD": ADMIN_PASSWORD}
    moved = cli(["--user", ADMIN, "server", "migrate", db.path, office.url], env)
    assert moved.code == 0, moved.err
    assert "alle cijfers van 1 jaar gelijk" in moved.out
    assert "cases.total" in moved.out

    with psycopg.connect(office.superuser_url) as conn:
        counts = {
            t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
            for t in (
                "cases",
                "persons",
                "contacts",
                "conflict_pairs",
                "wall_claims",
                "case_openings",
                "match_profiles",
                "audit_search_terms",
            )
        }
    assert counts["cases"] == 3 and counts["contacts"] == 2
    assert counts["conflict_pairs"] == 1 and counts["wall_claims"] >= 2
    assert counts["match_profiles"] == 3 and counts["audit_search_terms"] == 1
    with psycopg.connect(office.superuser_url) as conn:
        peru = conn.execute(
            "SELECT hague_acceded, hague_nl_acceptance::text, source_note FROM countries "
            "WHERE iso2 = 'PE'"
        ).fetchone()
    assert peru == (True, "1993-03-15", "testgegeven, geen echte neerlegging")
    with psycopg.connect(office.superuser_url) as conn:
        held = conn.execute(
            "SELECT c.ref, h.reason FROM legal_holds h JOIN cases c ON c.id = h.case_id"
        ).fetchall()
        period = conn.execute(
            "SELECT years FROM retention_periods WHERE scope = 'mediation'"
        ).fetchone()
    assert held == [(F.MOTHER_REF, "Procedure in Polen loopt")] and period == (9,)
    # The move leaves the planner its statistics (ikodesk_analyze), not when
    # autovacuum comes by: the figures it compares, and the first ones after it.
    with psycopg.connect(office.superuser_url) as conn:
        unanalysed = conn.execute(
            "SELECT relname FROM pg_stat_user_tables WHERE last_analyze IS NULL "
            "AND relname IN ('cases', 'persons', 'children', 'contacts', 'audit_log')"
        ).fetchall()
    assert unanalysed == []

    # The old chain, continued by the server, verifies; the walls hold there.
    admin = office.admin()
    with admin.db.session() as s:
        check = audit.verify_chain(s)
        assert check.ok, check.problem
        assert check.entries > 5
    # The file's entries keep their numbers from 1; `server init`'s record of the
    # first administrator follows them, as it was but for its number.
    with psycopg.connect(office.superuser_url) as conn:
        on_server = conn.execute("SELECT id, hash FROM audit_log ORDER BY id").fetchall()
        setup = conn.execute(
            "SELECT id, username, user_id, object_ref, detail FROM audit_log "
            "WHERE username = 'postgres'"
        ).fetchall()
    ((setup_id, username, user_id, ref, detail),) = setup
    assert (username, user_id, ref) == ("postgres", None, ADMIN)
    assert detail.endswith("eerste beheerder (server init)")
    assert on_server[: len(in_file)] == in_file and setup_id > len(in_file) > 5
    office.add_password("jdevries")
    jurist = office.app("jdevries")
    with jurist.db.session() as s, pytest.raises(CaseWalled):
        cases.get_case_by_ref(s, office.actor(jurist), F.FATHER_REF)
    with jurist.db.session() as s:
        mine = cases.get_case_by_ref(s, office.actor(jurist), F.MOTHER_REF)
        assert mine.summary == R.ABDUCTION_CASE.get("summary")
        assert len(mine.contacts) == 1

    # Only once, only onto a fresh server.
    again = cli(["--user", ADMIN, "server", "migrate", db.path, office.url], env)
    assert again.code == 2 and "al zaken of een auditlog" in again.err


@pytest.mark.slow
def test_the_2024_volumes_move_with_equal_figures(office: Office, tmp_path: Any) -> None:
    """The seed's year (10,829 cases) moves; the server reproduces the seed's figures."""
    from ikodesk.models.enums import Role
    from ikodesk.services import exchange, users
    from ikodesk.services.actors import Actor
    from ikodesk.services.application import Application, plan_opening
    from ikodesk.services.figures.values import flatten
    from tests.support import reference_2024 as ref
    from tests.support.records import lines

    data = ref.build()
    path = tmp_path / "kantoor.db"
    db, _ = Database.create(path, passphrase=TEST_PASSPHRASE)
    with db.transaction() as s:
        exchange.import_lines(s, Actor.key_holder(), lines(*data.records))
        users.create_user(s, Actor.key_holder(), ADMIN, Role.ADMIN, password=ADMIN_PASSWORD)
    db.close()
    source = Application.open(plan_opening(path, passphrase=TEST_PASSPHRASE))
    server = office.admin()
    try:
        report = source.move_to_server(
            source.log_in(ADMIN, ADMIN_PASSWORD).actor,
            server,
            server.log_in(ADMIN, ADMIN_PASSWORD).actor,
        )
    finally:
        source.close()
    assert not report.differences
    assert report.copied["cases"] >= 10_829
    manager_app = office.admin()
    with manager_app.db.session() as s:
        from ikodesk.services.figures.assembling import compute_figures

        figures = compute_figures(s, office.actor(manager_app), 2024)
        check = audit.verify_chain(s)
    assert flatten(figures, ref.EXPECTED_2024) == ref.EXPECTED_2024
    assert check.ok, check.problem
