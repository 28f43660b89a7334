"""Setting up and upgrading an office server database (`ikodesk server init|upgrade`).

Run with a PostgreSQL role that may create roles (the postgres superuser, or a
CREATEROLE role that owns the database): it makes the roles (sql/roles.sql),
the login trigger (sql/logins.sql, as ikodesk_roles), the tables (Alembic, as
ikodesk_owner), the grants, policies and functions (sql/*.sql, as the owner),
and the first ikodesk administrator. ikodesk itself never connects as this
role or as the owner afterwards: users log in with their own logins.
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from importlib import resources
from typing import Any

from psycopg import sql
from sqlalchemy import Connection, Engine, create_engine, text
from sqlalchemy.exc import DBAPIError

from ikodesk.errors import QT_TRANSLATE_NOOP, InputError, ServerUnavailable
from ikodesk.storage import migrate
from ikodesk.storage.server.address import ServerAddress
from ikodesk.storage.server.connection import check_connection, connect_error, scram_verifier

GROUPS = (
    "ikodesk_student",
    "ikodesk_jurist",
    "ikodesk_mediation",
    "ikodesk_manager",
    "ikodesk_admin",
)
OWNER = "ikodesk_owner"
ROLE_MAKER = "ikodesk_roles"
# Security SQL run as the owner after every migration, in this order.
OWNER_SQL = (
    "security.sql",
    "family_match.sql",
    "functions.sql",
    "approvals.sql",
    "export.sql",
    "retention.sql",
    "subject_access.sql",
)

NEEDS_CREDENTIALS = QT_TRANSLATE_NOOP(
    "services",
    "Geef in het adres een PostgreSQL-rol die rollen mag maken, met wachtwoord: "
    "postgresql://postgres:WACHTWOORD@HOST:POORT/DATABASE.",
)
NOT_EMPTY = QT_TRANSLATE_NOOP(
    "services",
    "De database {server} bevat al tabellen die niet van ikodesk zijn. Kies een lege database.",
)
NOT_INITIALISED = QT_TRANSLATE_NOOP(
    "services",
    "De database {server} is nog niet ingericht: gebruik eerst 'ikodesk server init'.",
)


@dataclass(frozen=True)
class SetupResult:
    created: bool  # False: the database was already set up; nothing was changed
    database_created: bool
    revision: str | None
    message: str


def sql_text(name: str) -> str:
    return resources.files("ikodesk.storage.server").joinpath("sql", name).read_text("utf-8")


def _engine(
    address: ServerAddress, database: str | None = None, *, autocommit: bool = True
) -> Engine:
    engine = create_engine(
        address.sqlalchemy_url(database),
        isolation_level="AUTOCOMMIT" if autocommit else "READ COMMITTED",
    )
    check_connection(engine, address)
    return engine


def _ensure_database(address: ServerAddress) -> bool:
    """Create the database when it does not exist (and the role may); True when created."""
    try:
        _engine(address).dispose()
        return False
    except ServerUnavailable as exc:
        if "bestaat de database niet" not in exc.message:
            raise
    admin = _engine(address, "postgres")
    try:
        with admin.connect() as conn:
            raw: Any = conn.connection.driver_connection
            raw.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(address.database)))
    except DBAPIError as exc:
        raise connect_error(exc, address) from None
    finally:
        admin.dispose()
    return True


def _is_initialised(conn: Connection) -> bool:
    has_meta = conn.execute(text("SELECT to_regclass('public.meta') IS NOT NULL")).scalar_one()
    if not has_meta:
        return False
    return bool(conn.execute(text("SELECT 1 FROM meta WHERE key = 'database_id'")).first())


def _foreign_tables(conn: Connection) -> list[str]:
    rows = conn.execute(
        text("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1")
    ).scalars()
    return [r for r in rows if r != "alembic_version"]


def _run_sql(conn: Connection, name: str) -> None:
    # Straight to the driver without parameters: the text is sent as it is
    # (its format('%I', ...) calls are PostgreSQL's, not placeholders).
    raw: Any = conn.connection.driver_connection
    raw.execute(sql_text(name))


def _prepare_database(conn: Connection) -> None:
    """Roles, who may connect, who may create objects in the schema (sql/roles.sql)."""
    _run_sql(conn, "roles.sql")


def _build(conn: Connection) -> str | None:
    """Login trigger, tables, security: run in one transaction on `conn`."""
    conn.exec_driver_sql("SET ROLE ikodesk_roles")
    _run_sql(conn, "logins.sql")
    conn.exec_driver_sql("SET ROLE ikodesk_owner")
    migrate.upgrade_connection(conn)
    for name in OWNER_SQL:
        _run_sql(conn, name)
    conn.exec_driver_sql("RESET ROLE")
    return migrate.revision_of(conn)


@contextlib.contextmanager
def _transaction(address: ServerAddress) -> Iterator[Connection]:
    engine = _engine(address, autocommit=False)
    try:
        with engine.begin() as conn:
            yield conn
    finally:
        engine.dispose()


# The record of the first administrator (services.users.create_user writes the same
# action on a file, there by the key holder). Written through the audit chain's
# trigger like every entry: who is the role running init (`session_user`; no
# ikodesk user, so no user id), when and the hash are the server's.
FIRST_ADMIN_AUDIT = text(
    "INSERT INTO audit_log (workstation, action, object_type, object_ref, result, detail) "
    "VALUES (:workstation, 'user.manage', 'user', :username, 'allowed', "
    "'login aangemaakt; rol admin; actief; eerste beheerder (server init)')"
)


def _first_data(
    conn: Connection, username: str, name: str, password: str, workstation: str
) -> None:
    """The database's identity and its first administrator, audited.

    The audit entry is the log's first: an office moved onto this server later
    (`server migrate`) keeps its own chain from 1, and the server's move functions
    record this entry again after it (sql/functions.sql, ikodesk_migrate_begin).
    """
    conn.execute(
        text("INSERT INTO meta (key, value) VALUES (:k, :v)"),
        [
            {"k": "database_id", "v": uuid.uuid4().hex},
            {"k": "key_mode", "v": "server"},
            {"k": "created", "v": datetime.now().isoformat(timespec="seconds")},
        ],
    )
    conn.execute(
        text(
            "INSERT INTO users (username, name, role, active, password_hash) "
            "VALUES (:u, :n, 'admin', true, :p)"
        ),
        {"u": username, "n": name, "p": scram_verifier(conn, username, password)},
    )
    conn.execute(FIRST_ADMIN_AUDIT, {"workstation": workstation[:200], "username": username})


def init(
    address: ServerAddress,
    admin_username: str,
    admin_name: str,
    admin_password: str,
    *,
    workstation: str = "server",
) -> SetupResult:
    """Set up the database of `address`; idempotent (an initialised one is left alone).

    `workstation` is where init ran, as the audit log names workstations.
    """
    if address.user is None:
        raise InputError(NEEDS_CREDENTIALS)
    created_db = _ensure_database(address)
    engine = _engine(address)
    try:
        with engine.connect() as conn:
            if _is_initialised(conn):
                return SetupResult(
                    False,
                    False,
                    migrate.revision_of(conn),
                    f"De database {address.label} is al ingericht voor ikodesk; er is niets "
                    "veranderd. Gebruik 'ikodesk server upgrade' voor een nieuwe versie.",
                )
            if _foreign_tables(conn):
                raise InputError(NOT_EMPTY, server=address.label)
            _prepare_database(conn)
        # Everything else in one transaction: a failure leaves no half-built database.
        with _transaction(address) as conn:
            revision = _build(conn)
            conn.exec_driver_sql("SET ROLE ikodesk_owner")
            _first_data(conn, admin_username, admin_name, admin_password, workstation)
            conn.exec_driver_sql("RESET ROLE")
    finally:
        engine.dispose()
    return SetupResult(
        True,
        created_db,
        revision,
        f"De database {address.label} is ingericht voor ikodesk, met beheerder {admin_username}.",
    )


def upgrade(address: ServerAddress) -> SetupResult:
    """Bring an initialised server database to this version's schema and security."""
    if address.user is None:
        raise InputError(NEEDS_CREDENTIALS)
    engine = _engine(address)
    try:
        with engine.connect() as conn:
            if not _is_initialised(conn):
                raise InputError(NOT_INITIALISED, server=address.label)
            before = migrate.revision_of(conn)
            migrate.check_known(before)
            _prepare_database(conn)
        with _transaction(address) as conn:
            after = _build(conn)
    finally:
        engine.dispose()
    changed = before != after
    return SetupResult(
        changed,
        False,
        after,
        (
            f"De database {address.label} is bijgewerkt van schemaversie {before} naar {after}."
            if changed
            else f"De database {address.label} had al schemaversie {after}; rechten en "
            "functies zijn opnieuw vastgelegd."
        ),
    )
