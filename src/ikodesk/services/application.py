"""The application object: one open database and the use cases a front-end calls on it.

The front-ends hold an `Application` (as Anki's `aqt` holds its collection) and
receive plain data objects from it; they never see the database, a session or an
ORM object. Opening goes through `plan_opening` + `Application.open`: the key-info
file is read once, the key source decided in one place (storage.opening).

The use cases hang off the application by area (`app.cases`, `app.mediation`,
`app.admin`, `app.audit`, `app.conflicts`, `app.reports`, `app.exchange`:
services.usecases), so a storage change does not touch the front-ends. No
front-end opens a session (tests/test_layers.py): both the desktop client and the
command line call these methods.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from ikodesk.errors import QT_TRANSLATE_NOOP, UsageError
from ikodesk.models.enums import Action, Role
from ikodesk.services.actors import Actor
from ikodesk.services.backend import is_server_database as _on_server
from ikodesk.storage import keys
from ikodesk.storage.keys import KeyMode
from ikodesk.storage.opening import KeyPlan, open_planned, plan_key
from ikodesk.storage.paths import default_database_path, demo_database_path
from ikodesk.storage.server.address import (
    default_sslmode,
    is_server_url,
    make_server_url,
    parse_server_url,
)

# The use cases and the services behind them load when first used (issue #16): a
# maintenance command and the desktop's first window pay only for what they call,
# and psycopg only with an office server's address.
if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from ikodesk.services import deadlines, maintenance, server_move
    from ikodesk.services.statement_watch import Check
    from ikodesk.services.usecases.admin import AdminUseCases
    from ikodesk.services.usecases.audit import AuditUseCases
    from ikodesk.services.usecases.cases import CaseUseCases
    from ikodesk.services.usecases.conflicts import ConflictUseCases
    from ikodesk.services.usecases.exchange import ExchangeUseCases
    from ikodesk.services.usecases.mediation import MediationUseCases
    from ikodesk.services.usecases.reports import ReportUseCases
    from ikodesk.services.usecases.retention import RetentionUseCases
    from ikodesk.storage import Database, OpenDatabase

__all__ = [
    "Application",
    "CountryInfo",
    "DatabaseFacts",
    "KeyMode",
    "KeyPlan",
    "LoggedIn",
    "default_database_path",
    "default_sslmode",
    "demo_database_path",
    "is_server_url",
    "keyring_available",
    "load_database_facts",
    "make_server_url",
    "parse_server_url",
    "passphrase_from_env",
    "plan_opening",
    "recovery_key_from_env",
    "role_may",
]


FILE_ONLY = QT_TRANSLATE_NOOP(
    "services",
    "Dit kan alleen met een databasebestand. Op de kantoorserver regelt de beheerder van de "
    "server back-ups, sleutels en controles (pg_dump; zie docs/server.md).",
)


def plan_opening(
    path: Path,
    *,
    passphrase: str | None = None,
    recovery_key: str | None = None,
    from_env: bool = False,
) -> KeyPlan:
    """How `path` will be opened: the key-info file (read once) and the keys supplied.

    The front-end asks for what the plan lacks (`plan.passphrase_expected`,
    `plan.keyring_expected`, `plan.supplied`) and then calls `Application.open(plan)`.
    """
    return plan_key(path, passphrase=passphrase, recovery_key=recovery_key, from_env=from_env)


def role_may(actor: Actor, action: Action) -> bool:
    """Whether the actor's role allows `action` at all: for showing screens and buttons.

    A question about role facts only; every service call is decided again by the
    policy (services.access), with lines and walls.
    """
    from ikodesk.services import access

    return access.role_allows(actor, action)


def keyring_available() -> bool:
    """Whether this computer has a usable OS keyring for a new database's key."""
    return keys.keyring_usable()


def passphrase_from_env() -> str | None:
    return keys.passphrase_from_env()


def recovery_key_from_env() -> str | None:
    return keys.recovery_key_from_env()


@dataclass(frozen=True)
class CountryInfo:
    """A country as the screens show it (a copy: no database access when read)."""

    iso2: str
    name_nl: str
    name_en: str
    hague_party: bool
    hague_since: date | None
    eu_member: bool
    hague_acceded: bool = False  # acceded (Art. 38): the Dutch acceptance decides
    nl_acceptance: date | None = None  # the Netherlands' acceptance deposited
    source_note: str | None = None  # where the facts come from (Beheer shows it)

    def hague_party_on(self, day: date) -> bool:
        # The same rule as models.Country.hague_party_on, on the cached copy.
        if not self.hague_party:
            return False
        return self.hague_since is None or self.hague_since <= day

    @property
    def treaty(self) -> deadlines.TreatyFacts:
        """What the clocks and the Art. 35 check need of this country."""
        from ikodesk.services import deadlines

        return deadlines.TreatyFacts(
            self.iso2,
            self.hague_party,
            self.hague_since,
            self.eu_member,
            self.hague_acceded,
            self.nl_acceptance,
        )


@dataclass(frozen=True)
class DatabaseFacts:
    """What the desktop client keeps in memory after unlocking (or logging in to the server)."""

    path: Path | None  # the file; None on the office server
    key_mode: KeyMode | None  # None on the office server (no key on the workstation)
    database_id: str
    schema_revision: str | None
    idle_lock_minutes: int
    # The foreign countries: where a child was taken, where a parent wants to move.
    countries: tuple[CountryInfo, ...]
    # Where a parent lives may also be home (a mediation's parents).
    netherlands: CountryInfo | None = None
    # What the screens show as "Database": the file's path, or the server's host:port/name.
    location: str = ""
    server_url: str | None = None  # the office server's address (no user, no password)

    @property
    def on_server(self) -> bool:
        return self.server_url is not None

    @property
    def residence_countries(self) -> tuple[CountryInfo, ...]:
        return ((self.netherlands,) if self.netherlands else ()) + self.countries


@dataclass(frozen=True)
class LoggedIn:
    actor: Actor
    name: str  # the user's full name, else the username


def load_database_facts(db: OpenDatabase) -> DatabaseFacts:
    from ikodesk.services import app_settings, reference

    path: Path | None
    key_mode: KeyMode | None
    if _on_server(db):
        path, key_mode, location, server_url = None, None, db.location, db.address.public_url()
    else:
        path, key_mode, location, server_url = db.path, db.key_mode, str(db.path), None
    with db.session() as s:
        every = [
            CountryInfo(
                c.iso2,
                c.name_nl,
                c.name_en,
                c.hague_party,
                c.hague_entry_into_force,
                c.eu_member,
                c.hague_acceded,
                c.hague_nl_acceptance,
                c.source_note,
            )
            for c in reference.countries(s)
        ]
        minutes = app_settings.idle_lock_minutes(s)
    return DatabaseFacts(
        path=path,
        key_mode=key_mode,
        database_id=db.database_id,
        schema_revision=db.schema_revision(),
        idle_lock_minutes=minutes,
        countries=tuple(c for c in every if c.iso2 != "NL"),
        netherlands=next((c for c in every if c.iso2 == "NL"), None),
        location=location,
        server_url=server_url,
    )


class Application:
    """An open ikodesk database with its use cases (one thread at a time: storage)."""

    def __init__(self, db: OpenDatabase) -> None:
        self.db = db

    # -- opening and creating -----------------------------------------------------
    @classmethod
    def open(cls, plan: KeyPlan) -> Application:
        """Open with the keys of `plan` (see `plan_opening`)."""
        return cls(open_planned(plan))

    @staticmethod
    def unlocks(plan: KeyPlan) -> Path | None:
        """Whether a key of `plan` unlocks its file with nothing to bring up to date,
        proven through the driver alone (storage.reading: no SQLAlchemy, issue #16);
        the file's path when so, None when the opening itself has work to do (a
        migration, a key to promote): then `open` now. The same refusals as `open`.

        The desktop shows its login on this proof and opens the application behind it.
        """
        from ikodesk.storage import reading

        reader = reading.open_for_reading(plan)
        if reader is None:
            return None
        reader.close()
        return reader.path

    @classmethod
    def connect(cls, url: str, username: str, password: str) -> Application:
        """Log in to the office server at `url` as `username` (the server checks the password)."""
        from ikodesk.storage.server import ServerDatabase  # psycopg: only for a server

        return cls(
            ServerDatabase.connect(parse_server_url(url).without_login(), username, password)
        )

    @property
    def on_server(self) -> bool:
        return _on_server(self.db)

    @classmethod
    def create(cls, path: Path, *, passphrase: str | None = None) -> tuple[Application, str | None]:
        """A new database (keyring mode without a passphrase); returns it and the recovery key."""
        from ikodesk.storage.database import Database

        db, recovery = Database.create(path, passphrase=passphrase)
        return cls(db), recovery

    def close(self) -> None:
        self.db.close()

    # -- facts -------------------------------------------------------------------------
    @property
    def path(self) -> Path:
        return self.file_db().path

    @property
    def key_mode(self) -> KeyMode:
        return self.file_db().key_mode

    def file_db(self) -> Database:
        """The open database file; on the office server, a Dutch refusal (UsageError)."""
        if _on_server(self.db):
            raise UsageError(FILE_ONLY)
        return self.db

    @property
    def database_id(self) -> str:
        """The database's identity (the file's key info, or the office server's)."""
        return self.db.database_id

    def facts(self) -> DatabaseFacts:
        """The facts the desktop client keeps in memory after unlocking."""
        return load_database_facts(self.db)

    # -- users -------------------------------------------------------------------------
    def create_admin(self, username: str, name: str, password: str) -> None:
        """The first administrator of a new database (created by the key holder)."""
        from ikodesk.services import users

        with self.db.transaction() as s:
            users.create_user(
                s, Actor.key_holder(), username, Role.ADMIN, name=name, password=password
            )

    def log_in(self, username: str, password: str) -> LoggedIn:
        """Check the password (failures audited, lockout applied: services.logins).

        On the office server the server checks it: a fresh connection with this name
        and password must succeed (also when the idle lock asks again), and the
        user must be the one this connection logged in as.
        """
        from ikodesk.services import users

        if _on_server(self.db):
            type(self.db).connect(
                self.db.address.without_login(), username.strip().lower(), password
            ).close()
        with self.db.session() as s:
            actor = users.authenticate(s, username, password)
            return LoggedIn(actor, display_name(s, actor))

    def authenticate(self, username: str, password: str) -> Actor:
        """The user with this name and password, as `log_in` checks it but without a
        name to show (the command line, which logs in once per command).

        On the office server this connection was made with that login, so the server
        has checked the password already: the user must be the connection's own.
        """
        from ikodesk.services import users

        with self.db.session() as s:
            return users.authenticate(s, username, password)

    # -- moving onto the office server ---------------------------------------------------
    def move_to_server(
        self,
        actor: Actor,
        server: Application,
        server_actor: Actor,
        progress: server_move.Progress | None = None,
    ) -> server_move.MoveReport:
        """Copy this file's office onto a fresh office server; committed only when every
        year's figures are equal on both (else MoveFailed, nothing kept on the server)."""
        from ikodesk.services import server_move

        if not _on_server(server.db):
            raise UsageError(server_move.NOT_A_FILE)
        label = server.db.location
        with self.file_db().transaction() as source, server.db.transaction() as target:
            report = server_move.move(
                source, actor, target, server_actor, label=label, progress=progress
            )
            if report.differences:
                target.rollback()
                raise server_move.MoveFailed(report)
        return report

    # -- the Hague and Brussels IIb clocks (services.deadlines; the policy decides) -------
    def list_deadlines(
        self,
        actor: Actor,
        as_of: date,
        *,
        within: int | None = 60,  # deadlines.DEFAULT_WITHIN_DAYS (tests/test_cli_lazy.py)
        everything: bool = False,
    ) -> list[deadlines.DeadlineRow]:
        """The running clocks of the open cases `actor` may list, soonest first."""
        from ikodesk.services import deadlines

        with self.db.session() as s:
            return deadlines.list_deadlines(
                s, actor, as_of=as_of, within=within, everything=everything
            )

    def deadlines_due_soon(self, actor: Actor, as_of: date) -> int:
        """How many of them are due within 7 days or overdue (the login line)."""
        from ikodesk.services import deadlines

        with self.db.session() as s:
            return deadlines.count_due_soon(s, actor, as_of=as_of)

    def deadline_counts(self, actor: Actor, as_of: date) -> list[deadlines.DeadlineCount]:
        """Running clocks of all open cases, counted per clock (management)."""
        from ikodesk.services import deadlines

        with self.db.session() as s:
            return deadlines.count_deadlines(s, actor, as_of=as_of)

    # -- maintenance (services.maintenance decides the policy) --------------------------
    def info(self, actor: Actor) -> maintenance.DatabaseInfo:
        from ikodesk.services import maintenance

        return maintenance.database_info(self.db, actor)

    @staticmethod
    def file_info(plan: KeyPlan) -> maintenance.DatabaseInfo:
        """`info` on the file of `plan` for the key holder (no login), without keeping
        it open: read through the driver when opening changes nothing (issue #16)."""
        from ikodesk.services import maintenance

        return maintenance.file_info(plan)

    def check(self, actor: Actor) -> maintenance.CheckReport:
        from ikodesk.services import maintenance

        return maintenance.check(self.file_db(), actor)

    def backup(self, actor: Actor, dest: Path) -> maintenance.BackupResult:
        from ikodesk.services import maintenance

        return maintenance.backup(self.file_db(), actor, dest)

    def rekey(
        self,
        actor: Actor,
        *,
        passphrase: str | Callable[[], str] | None = None,
        show_recovery_key: Callable[[str], None] | None = None,
    ) -> maintenance.RekeyResult:
        from ikodesk.services import maintenance

        return maintenance.rekey(
            self.file_db(), actor, passphrase=passphrase, show_recovery_key=show_recovery_key
        )

    # -- the use cases, by area (services.usecases): one transaction per call ------------
    @cached_property
    def cases(self) -> CaseUseCases:
        """The case list, the case window, contact moments, Line 1."""
        from ikodesk.services.usecases.cases import CaseUseCases

        return CaseUseCases(self.db)

    @cached_property
    def conflicts(self) -> ConflictUseCases:
        from ikodesk.services.usecases.conflicts import ConflictUseCases

        return ConflictUseCases(self.db)

    @cached_property
    def mediation(self) -> MediationUseCases:
        """Mediation requests, their workflow, the mediator pool."""
        from ikodesk.services.usecases.mediation import MediationUseCases

        return MediationUseCases(self.db)

    @cached_property
    def admin(self) -> AdminUseCases:
        """Users, settings, the audit anchor."""
        from ikodesk.services.usecases.admin import AdminUseCases

        return AdminUseCases(self.db)

    @cached_property
    def audit(self) -> AuditUseCases:
        from ikodesk.services.usecases.audit import AuditUseCases

        return AuditUseCases(self.db)

    @cached_property
    def reports(self) -> ReportUseCases:
        from ikodesk.services.usecases.reports import ReportUseCases

        return ReportUseCases(self.db)

    @cached_property
    def retention(self) -> RetentionUseCases:
        """Retention periods, legal holds, the retention run and the destruction register."""
        from ikodesk.services.usecases.retention import RetentionUseCases

        return RetentionUseCases(self.db)

    @cached_property
    def exchange(self) -> ExchangeUseCases:
        """Import and export of the exchange format."""
        from ikodesk.services.usecases.exchange import ExchangeUseCases

        return ExchangeUseCases(self.db)

    def fill_with_demo_data(
        self, years: list[int] | None, progress: Callable[[str, int, int], None] | None = None
    ) -> None:
        """Fill a new, empty database with the demo (services.demo); `progress(stage, done,
        total)`."""
        from ikodesk.services import demo  # its generator is only needed here

        demo.populate(self.file_db(), years, progress=progress)

    def watch_statements(self, check: Check) -> None:
        """Run `check(first word)` before every SQL statement (the desktop's thread guard)."""
        from ikodesk.services.statement_watch import watch

        watch(self.db.engine, check)


def display_name(session: Session, actor: Actor) -> str:
    """The user's full name, else the username."""
    from ikodesk.services import users

    return users.display_name(session, actor)
