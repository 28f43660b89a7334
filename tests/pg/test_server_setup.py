"""`ikodesk server init` and `server upgrade` (issue #13, points 1 and 2), through the CLI.

init: makes the database when the role may, refuses a database holding someone
else's tables and an address without credentials, and a second run changes
nothing. upgrade: Alembic's migrations run on the server as on a file, and the
rights, policies and functions are laid down again.
"""

from __future__ import annotations

import csv
from typing import Any

import psycopg
from alembic import command
from sqlalchemy import create_engine, text

from ikodesk.models.enums import Role
from ikodesk.resources import resource_path
from ikodesk.services import audit, exchange
from ikodesk.services.application import Application
from ikodesk.storage import migrate
from tests.support import records as R
from tests.support.office import ADMIN_PASSWORD, PASSWORD, Office
from tests.support.pg_cluster import Cluster

FOUNDER = "oprichter"  # logins are the cluster's: a name no other test uses


def _state(cluster: Cluster, database: str) -> dict[str, Any]:
    """What a second `server init` must leave as it was."""
    with psycopg.connect(cluster.url(database)) as conn:

        def rows(sql: str) -> list[tuple[Any, ...]]:
            return conn.execute(sql).fetchall()

        return {
            "tables": rows("SELECT tablename, tableowner FROM pg_tables WHERE schemaname='public'"),
            "policies": rows("SELECT tablename, policyname, qual FROM pg_policies ORDER BY 1, 2"),
            "meta": rows("SELECT key, value FROM meta ORDER BY key"),
            "users": rows("SELECT id, username, role, active, password_hash FROM users"),
            "audit": rows("SELECT count(*) FROM audit_log"),
            "founder": rows(
                "SELECT rolsuper, rolcreaterole, rolbypassrls, rolcanlogin, rolpassword "
                f"FROM pg_authid WHERE rolname = '{FOUNDER}'"
            ),
            "revision": rows("SELECT version_num FROM alembic_version"),
        }


def _address(cluster: Cluster, database: str) -> str:
    return f"postgresql://{cluster.host}:{cluster.port}/{database}"


def test_init_makes_the_database_and_a_second_run_changes_nothing(
    pg_cluster: Cluster, cli: Any
) -> None:
    url = pg_cluster.url("setup_new")
    env = {"IKODESK_PASSWORD": ADMIN_PASSWORD}
    made = cli(["server", "init", url, "--admin", FOUNDER, "--name", "O. Richter"], env)
    assert made.code == 0, made.err
    assert "is ingericht voor ikodesk, met beheerder oprichter" in made.out
    before = _state(pg_cluster, "setup_new")
    assert before["founder"][0][:4] == (False, False, False, True)  # a plain login
    assert before["founder"][0][4].startswith("SCRAM-SHA-256$")
    assert before["revision"] == [(migrate.head_revision(),)]
    assert {owner for _, owner in before["tables"]} == {"ikodesk_owner"}

    # The first administrator logs in as their own login, with the password given.
    app = Application.connect(_address(pg_cluster, "setup_new"), FOUNDER, ADMIN_PASSWORD)
    try:
        assert app.log_in(FOUNDER, ADMIN_PASSWORD).actor.username == FOUNDER
        # The database's own planner setting (sql/roles.sql) reaches the logins' sessions.
        with app.db.session() as s:
            assert s.scalar(text("SHOW random_page_cost")) == "1.1"
    finally:
        app.close()

    again = cli(["server", "init", url, "--admin", "iemandanders"], env)
    assert again.code == 0, again.err
    assert "is al ingericht voor ikodesk; er is niets veranderd" in again.out
    after = _state(pg_cluster, "setup_new")
    assert after == before
    with psycopg.connect(pg_cluster.url()) as conn:
        assert (
            conn.execute("SELECT 1 FROM pg_roles WHERE rolname = 'iemandanders'").fetchone() is None
        )


def test_init_refuses_someone_elses_database_and_an_address_without_credentials(
    pg_cluster: Cluster, cli: Any
) -> None:
    with psycopg.connect(pg_cluster.url(), autocommit=True) as conn:
        conn.execute("CREATE DATABASE setup_foreign")
    with psycopg.connect(pg_cluster.url("setup_foreign"), autocommit=True) as conn:
        conn.execute("CREATE TABLE klanten (id int PRIMARY KEY, naam text)")
    env = {"IKODESK_PASSWORD": ADMIN_PASSWORD}
    refused = cli(["server", "init", pg_cluster.url("setup_foreign"), "--admin", FOUNDER], env)
    assert refused.code == 2
    assert "bevat al tabellen die niet van ikodesk zijn. Kies een lege database." in refused.err
    with psycopg.connect(pg_cluster.url("setup_foreign")) as conn:
        tables = conn.execute("SELECT tablename FROM pg_tables WHERE schemaname='public'")
        assert [t for (t,) in tables] == ["klanten"]

    bare = cli(["server", "init", _address(pg_cluster, "setup_none"), "--admin", FOUNDER], env)
    assert bare.code == 2
    assert "Geef in het adres een PostgreSQL-rol die rollen mag maken" in bare.err
    with psycopg.connect(pg_cluster.url()) as conn:
        found = conn.execute("SELECT 1 FROM pg_database WHERE datname = 'setup_none'").fetchone()
        assert found is None


# The office server's own indexes for the figures and the row policies (migration 0017).
SERVER_INDEXES = (
    "ix_cases_line2_id",
    "ix_cases_line2_opened_cover",
    "ix_persons_requester_cover",
    "ix_cases_handler_cover",
)


def _has_index(conn: psycopg.Connection[Any], name: str) -> bool:
    found = conn.execute("SELECT 1 FROM pg_indexes WHERE indexname = %s", (name,)).fetchone()
    return found is not None


def _shipped_note(code: str, column: str) -> str:
    with resource_path("countries", "hague1980_parties.csv").open(encoding="utf-8") as fh:
        return next(r[column] for r in csv.DictReader(fh) if r["iso_alpha2"] == code)


def test_upgrade_runs_the_migrations_and_keeps_data_logins_and_walls(
    office: Office, cli: Any
) -> None:
    """An office made by an older ikodesk (schema 0013) is brought to this version."""
    office.add_user("kvisser", Role.JURIST)
    office.add_user("jdevries", Role.JURIST)
    admin = office.admin()
    with admin.db.transaction() as s:
        exchange.import_lines(s, office.actor(admin), R.lines(R.ABDUCTION_CASE))
    office.close()

    # Back to 0013 as the owner would have left it (the downgrades of 0017 to 0014).
    engine = create_engine(office.cluster.url(office.database, driver="postgresql+psycopg"))
    try:
        with engine.begin() as conn:
            conn.exec_driver_sql("SET ROLE ikodesk_owner")
            command.downgrade(migrate.alembic_config(conn), "0013")
        with engine.connect() as conn:
            assert migrate.revision_of(conn) == "0013"
            note = conn.scalar(text("SELECT source_note FROM countries WHERE iso2 = 'PL'"))
            assert note == _shipped_note("PL", "source_note_en")
    finally:
        engine.dispose()
    with psycopg.connect(office.superuser_url, autocommit=True) as conn:
        for name in SERVER_INDEXES:  # 0017's, downgraded
            assert _has_index(conn, name) is False
        # The server's administrator chose their own planner cost for this database.
        conn.execute(f"ALTER DATABASE {office.database} SET random_page_cost = 2.5")

    upgraded = cli(["server", "upgrade", office.superuser_url])
    assert upgraded.code == 0, upgraded.err
    assert f"is bijgewerkt van schemaversie 0013 naar {migrate.head_revision()}" in upgraded.out
    with psycopg.connect(office.superuser_url) as conn:
        note = conn.execute("SELECT source_note FROM countries WHERE iso2 = 'PL'").fetchone()
        assert note == (_shipped_note("PL", "source_note"),)
        index = conn.execute(
            "SELECT tableowner FROM pg_indexes i JOIN pg_tables t USING (tablename) "
            "WHERE indexname = 'ix_contacts_at_cover'"
        ).fetchone()
        assert index == ("ikodesk_owner",)
        for name in SERVER_INDEXES:
            assert _has_index(conn, name) is True
    with psycopg.connect(office.superuser_url) as conn:  # a new session: the database's settings
        assert conn.execute("SHOW random_page_cost").fetchone() == ("2.5",)  # theirs, kept
        unprotected = conn.execute(
            "SELECT relname FROM pg_class WHERE relname IN ('persons', 'children', 'cases') "
            "AND NOT relrowsecurity"
        ).fetchall()
        assert unprotected == []

    # The case and its people are kept; its handler still reads them as their own login,
    # a jurist who does not handle it still reads none of them; the audit log verifies.
    with psycopg.connect(office.superuser_url) as conn:
        people = conn.execute("SELECT count(*) FROM persons").fetchone()
        assert people is not None and people[0] >= 1
    with office.psql("jdevries") as conn:
        assert conn.execute("SELECT count(*) FROM persons").fetchone() == people
    with office.psql("kvisser") as conn:
        assert conn.execute("SELECT count(*) FROM persons").fetchone() == (0,)
    admin = office.admin()
    with admin.db.session() as s:
        assert audit.verify_chain(s).ok

    again = cli(["server", "upgrade", office.superuser_url])
    assert again.code == 0, again.err
    assert f"had al schemaversie {migrate.head_revision()}" in again.out


def test_upgrade_refuses_a_database_that_was_never_set_up(pg_cluster: Cluster, cli: Any) -> None:
    with psycopg.connect(pg_cluster.url(), autocommit=True) as conn:
        conn.execute("CREATE DATABASE setup_empty")
    refused = cli(["server", "upgrade", pg_cluster.url("setup_empty")])
    assert refused.code == 2
    assert "is nog niet ingericht: gebruik eerst 'ikodesk server init'" in refused.err


def test_the_password_of_the_first_administrator_follows_the_policy(
    pg_cluster: Cluster, cli: Any
) -> None:
    weak = cli(
        ["server", "init", pg_cluster.url("setup_weak"), "--admin", FOUNDER],
        {"IKODESK_PASSWORD": PASSWORD[:6]},
    )
    assert weak.code == 2
    with psycopg.connect(pg_cluster.url()) as conn:
        found = conn.execute("SELECT 1 FROM pg_database WHERE datname = 'setup_weak'").fetchone()
        assert found is None
