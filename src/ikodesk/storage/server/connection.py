"""A connection to the office server as one ikodesk user's own PostgreSQL login.

The workstation holds no key and no master password: it connects with the
user's name and password, and the server decides per login what it may read
(sql/security.sql). Everything a front-end shows about the connection is in
Dutch and names the server (host, port, database) and what to check.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator
from typing import Any

import psycopg
from psycopg import sql as psql
from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from ikodesk.errors import (
    APPROVAL_NEEDED,
    HANDLER_WALLED_MESSAGE,
    QT_TRANSLATE_NOOP,
    WALL_MESSAGE,
    AccessDenied,
    ApprovalRefused,
    AuthenticationError,
    CaseWalled,
    HandlerWalled,
    IkodeskError,
    ServerUnavailable,
)
from ikodesk.storage import migrate
from ikodesk.storage.opened import OpenedDatabase
from ikodesk.storage.server.address import ServerAddress

log = logging.getLogger(__name__)

# SQLSTATEs the server's own functions raise (sql/security.sql).
SQLSTATE_WALLED = "IK001"
SQLSTATE_HANDLER_WALLED = "IK002"
SQLSTATE_REFUSED = "IK003"
SQLSTATE_NO_APPROVAL = "IK004"  # four eyes: no second administrator's approval (approvals.sql)
_PRIVILEGE = {"42501"}  # insufficient_privilege: a grant or a row-level policy said no

UNREACHABLE = QT_TRANSLATE_NOOP(
    "services",
    "De kantoorserver {server} is niet bereikbaar ({reason}). Controleer de "
    "netwerkverbinding, of de server aanstaat en of het adres en de poort kloppen, en "
    "probeer het opnieuw. ikodesk werkt niet verder met een lokaal bestand.",
)
# The causes libpq names (in English), each said in Dutch with what to check.
REFUSED = QT_TRANSLATE_NOOP(
    "services",
    "De kantoorserver {server} is niet bereikbaar: op dat adres en die poort neemt niets de "
    "verbinding aan. Controleer of de server aanstaat en of het adres en de poort kloppen, "
    "en probeer het opnieuw. ikodesk werkt niet verder met een lokaal bestand.",
)
NO_ANSWER = QT_TRANSLATE_NOOP(
    "services",
    "De kantoorserver {server} is niet bereikbaar: er kwam geen antwoord. Controleer de "
    "netwerkverbinding (kabel, wifi of VPN) en of de server aanstaat, en probeer het "
    "opnieuw. ikodesk werkt niet verder met een lokaal bestand.",
)
UNKNOWN_HOST = QT_TRANSLATE_NOOP(
    "services",
    "De kantoorserver {server} is niet bereikbaar: de naam {host} is op dit netwerk "
    "onbekend. Controleer het adres en de netwerkverbinding, en probeer het opnieuw. "
    "ikodesk werkt niet verder met een lokaal bestand.",
)
RESTARTING = QT_TRANSLATE_NOOP(
    "services",
    "De kantoorserver {server} wordt op dit moment gestart of gestopt. Probeer het over een "
    "ogenblik opnieuw; lukt het dan nog niet, vraag het de beheerder van de server. "
    "ikodesk werkt niet verder met een lokaal bestand.",
)
# (Front-ends add what became of the input: the command line has no window.)
LOST = QT_TRANSLATE_NOOP(
    "services",
    "De verbinding met de kantoorserver {server} is tijdens het werk verbroken; de laatste "
    "handeling is niet opgeslagen. Controleer de netwerkverbinding en of de server aanstaat, "
    "en probeer het opnieuw. ikodesk werkt niet verder met een lokaal bestand.",
)
TLS_FAILED = QT_TRANSLATE_NOOP(
    "services",
    "De beveiligde verbinding (TLS) met de kantoorserver {server} kon niet worden "
    "opgezet ({reason}). Controleer het certificaat van de server (sslrootcert) of "
    "vraag het de beheerder van de server.",
)
NO_DATABASE = QT_TRANSLATE_NOOP(
    "services",
    "Op de kantoorserver {server} bestaat de database niet. Controleer de naam, of "
    "laat de beheerder 'ikodesk server init' uitvoeren.",
)
LOGIN_FAILED = QT_TRANSLATE_NOOP(
    "services",
    "Onbekende gebruikersnaam of onjuist wachtwoord (kantoorserver {server}). Na "
    "mislukte pogingen laat de server u even wachten.",
)
NOT_INITIALISED = QT_TRANSLATE_NOOP(
    "services",
    "De database {server} is geen ikodesk-database (nog niet ingericht met 'ikodesk server init').",
)
SERVER_REFUSED = QT_TRANSLATE_NOOP(
    "services",
    "Geen toegang: de kantoorserver staat dit niet toe voor uw account.",
)


# What the server answers while it starts, stops or recovers (PostgreSQL's own words).
_RESTARTING = (
    "the database system is shutting down",
    "the database system is starting up",
    "the database system is not yet accepting connections",
    "the database system is in recovery mode",
)


def _reason(exc: BaseException) -> str:
    """The driver's own words, first line, without the connection string."""
    first = str(getattr(exc, "orig", exc) or exc).strip().splitlines()
    return first[0][:200] if first else type(exc).__name__


def connect_error(exc: BaseException, address: ServerAddress) -> IkodeskError:
    """What a failed connection means for the user, in Dutch."""
    words = _reason(exc)
    low = str(getattr(exc, "orig", exc)).lower()
    server = address.label
    if "password authentication failed" in low or "not permitted to log in" in low:
        return AuthenticationError(LOGIN_FAILED, server=server)
    if "does not exist" in low and "database" in low:
        return ServerUnavailable(NO_DATABASE, server=server)
    if "connection refused" in low:
        return ServerUnavailable(REFUSED, server=server)
    if "failed to resolve host" in low or "could not translate host name" in low:
        return ServerUnavailable(UNKNOWN_HOST, server=server, host=address.host)
    if "timeout expired" in low or "timed out" in low or "no route to host" in low:
        return ServerUnavailable(NO_ANSWER, server=server)
    if "network is unreachable" in low:
        return ServerUnavailable(NO_ANSWER, server=server)
    if any(state in low for state in _RESTARTING):
        return ServerUnavailable(RESTARTING, server=server)
    if "ssl" in low or "certificate" in low or "tls" in low:
        return ServerUnavailable(TLS_FAILED, server=server, reason=words)
    if "no password supplied" in low or ("role" in low and "does not exist" in low):
        return AuthenticationError(LOGIN_FAILED, server=server)
    return ServerUnavailable(UNREACHABLE, server=server, reason=words)


def server_error(exc: BaseException | None, address: ServerAddress) -> IkodeskError | None:
    """The Dutch error for a failure during work, or None to let it through."""
    sqlstate = getattr(exc, "sqlstate", None)
    if sqlstate == SQLSTATE_WALLED:
        return CaseWalled(WALL_MESSAGE)
    if sqlstate == SQLSTATE_HANDLER_WALLED:
        return HandlerWalled(HANDLER_WALLED_MESSAGE)
    if sqlstate == SQLSTATE_NO_APPROVAL:
        return ApprovalRefused(APPROVAL_NEEDED)
    if sqlstate == SQLSTATE_REFUSED or sqlstate in _PRIVILEGE:
        log.warning("server refused: %s", _reason(exc) if exc else "")
        return AccessDenied(SERVER_REFUSED)
    if isinstance(exc, psycopg.OperationalError):
        return ServerUnavailable(LOST, server=address.label)
    return None


def scram_verifier(conn: Connection, username: str, password: str) -> str:
    """The SCRAM-SHA-256 verifier of a password, computed here (libpq), not on the server."""
    raw: Any = conn.connection.driver_connection
    verifier = raw.pgconn.encrypt_password(
        password.encode("utf-8"), username.encode("utf-8"), b"scram-sha-256"
    )
    return bytes(verifier).decode("ascii")


def change_own_password(conn: Connection, username: str, password: str) -> None:
    """A login changes its own password (any PostgreSQL role may); only the verifier travels."""
    raw: Any = conn.connection.driver_connection
    verifier = scram_verifier(conn, username, password)
    raw.execute(psql.SQL("ALTER ROLE CURRENT_USER PASSWORD {}").format(psql.Literal(verifier)))


def make_engine(address: ServerAddress, *, database: str | None = None) -> Engine:
    """An engine for `address` (its user and password); errors become Dutch messages."""
    engine = create_engine(
        address.sqlalchemy_url(database),
        pool_size=2,
        max_overflow=2,
        pool_pre_ping=True,
    )

    @event.listens_for(engine, "handle_error")
    def _on_error(context: Any) -> BaseException | None:
        if context.is_pre_ping:
            # A pooled connection the server dropped meanwhile (restarted, an idle
            # timeout, a terminated backend): nothing of the work has run yet, so the
            # pool connects afresh; only when that fails is the user told (below).
            return None
        if context.connection is None:  # failed while connecting
            return connect_error(context.original_exception, address)
        return server_error(context.original_exception, address)

    return engine


def check_connection(engine: Engine, address: ServerAddress) -> None:
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except (OperationalError, DBAPIError) as exc:
        engine.dispose()
        raise connect_error(exc, address) from None
    except IkodeskError:
        engine.dispose()
        raise


class ServerDatabase(OpenedDatabase):
    """An open connection to the office server as one user's login."""

    is_server = True
    path = None  # no file: see `location`

    def __init__(self, address: ServerAddress, engine: Engine) -> None:
        self.address = address
        self.engine = engine
        self.session_factory = sessionmaker(engine, expire_on_commit=False)
        self.last_migration_backup = None
        self._meta: dict[str, str] | None = None

    @classmethod
    def connect(cls, address: ServerAddress, username: str, password: str) -> ServerDatabase:
        """Log in as `username` (the server checks the password: SCRAM)."""
        login = address.with_login(username, password)
        engine = make_engine(login)
        check_connection(engine, address)
        db = cls(login, engine)
        try:
            db._require_initialised()
        except BaseException:
            engine.dispose()
            raise
        return db

    def _require_initialised(self) -> None:
        with self.engine.connect() as conn:
            try:
                rows = conn.execute(text("SELECT key, value FROM meta")).all()
            except DBAPIError:
                raise ServerUnavailable(NOT_INITIALISED, server=self.address.label) from None
        self._meta = {str(k): str(v) for k, v in rows}
        if "database_id" not in self._meta:
            raise ServerUnavailable(NOT_INITIALISED, server=self.address.label)
        migrate.check_known(migrate.current_revision(self.engine))

    @property
    def location(self) -> str:
        return self.address.label

    @property
    def database_id(self) -> str:
        assert self._meta is not None
        return self._meta["database_id"]

    @property
    def username(self) -> str:
        assert self.address.user is not None
        return self.address.user

    @contextlib.contextmanager
    def transaction(self) -> Iterator[Session]:
        """A session committed on success and rolled back on error (READ COMMITTED)."""
        with Session(self.engine, expire_on_commit=False) as session, session.begin():
            yield session
