"""The application object: one open database and the use cases a front-end calls on it.

The front-ends hold an `Application` (as Anki's `aqt` holds its collection) and
receive plain data objects from it; they never see the database, a session or an
ORM object. Opening goes through `plan_opening` + `Application.open`: the key-info
file is read once, the key source decided in one place (storage.opening).

`db` is still public for the pages that pass a session to service functions
through the desktop worker (`DbWorker.session`); they move to methods here, one by
one, so that a later storage change does not touch the front-ends.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from ikodesk.models import User
from ikodesk.models.enums import Action, Role
from ikodesk.services import access, app_settings, maintenance, reference, users
from ikodesk.services.actors import Actor
from ikodesk.storage import Database, KeyMode, keys
from ikodesk.storage.opening import KeyPlan, open_planned, plan_key
from ikodesk.storage.paths import default_database_path, demo_database_path

__all__ = [
    "Application",
    "CountryInfo",
    # The type of `Application.db`, named here so that a front-end still handing the
    # open database to service functions can annotate it without importing storage.
    "Database",
    "DatabaseFacts",
    "KeyMode",
    "KeyPlan",
    "LoggedIn",
    "default_database_path",
    "demo_database_path",
    "keyring_available",
    "load_database_facts",
    "passphrase_from_env",
    "plan_opening",
    "recovery_key_from_env",
    "role_may",
]


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
    source_note: str | None = None  # where the facts come from (Beheer shows it)

    def hague_party_on(self, day: date) -> bool:
        # The same rule as models.Country.hague_party_on, on the cached copy.
        if not self.hague_party:
            return False
        return self.hague_since is None or self.hague_since <= day


@dataclass(frozen=True)
class DatabaseFacts:
    """What the desktop client keeps in memory after unlocking."""

    path: Path
    key_mode: KeyMode
    database_id: str
    schema_revision: str | None
    idle_lock_minutes: int
    # The foreign countries: where a child was taken, where a parent wants to move.
    countries: tuple[CountryInfo, ...]
    # Where a parent lives may also be home (a mediation's parents).
    netherlands: CountryInfo | None = None

    @property
    def residence_countries(self) -> tuple[CountryInfo, ...]:
        return ((self.netherlands,) if self.netherlands else ()) + self.countries


@dataclass(frozen=True)
class LoggedIn:
    actor: Actor
    name: str  # the user's full name, else the username


def load_database_facts(db: Database) -> DatabaseFacts:
    with db.session() as s:
        every = [
            CountryInfo(
                c.iso2,
                c.name_nl,
                c.name_en,
                c.hague_party,
                c.hague_entry_into_force,
                c.eu_member,
                c.source_note,
            )
            for c in reference.countries(s)
        ]
        minutes = app_settings.idle_lock_minutes(s)
    return DatabaseFacts(
        path=db.path,
        key_mode=db.key_mode,
        database_id=db.database_id,
        schema_revision=db.schema_revision(),
        idle_lock_minutes=minutes,
        countries=tuple(c for c in every if c.iso2 != "NL"),
        netherlands=next((c for c in every if c.iso2 == "NL"), None),
    )


class Application:
    """An open ikodesk database with its use cases (one thread at a time: storage)."""

    def __init__(self, db: Database) -> None:
        self.db = db

    # -- opening and creating -----------------------------------------------------
    @classmethod
    def open(cls, plan: KeyPlan) -> Application:
        """Open with the keys of `plan` (see `plan_opening`)."""
        return cls(open_planned(plan))

    @classmethod
    def create(cls, path: Path, *, passphrase: str | None = None) -> tuple[Application, str | None]:
        """A new database (keyring mode without a passphrase); returns it and the recovery key."""
        db, recovery = Database.create(path, passphrase=passphrase)
        return cls(db), recovery

    def close(self) -> None:
        self.db.close()

    # -- facts -------------------------------------------------------------------------
    @property
    def path(self) -> Path:
        return self.db.path

    @property
    def key_mode(self) -> KeyMode:
        return self.db.key_mode

    def facts(self) -> DatabaseFacts:
        """The facts the desktop client keeps in memory after unlocking."""
        return load_database_facts(self.db)

    # -- users -------------------------------------------------------------------------
    def create_admin(self, username: str, name: str, password: str) -> None:
        """The first administrator of a new database (created by the key holder)."""
        with self.db.transaction() as s:
            users.create_user(
                s, Actor.key_holder(), username, Role.ADMIN, name=name, password=password
            )

    def log_in(self, username: str, password: str) -> LoggedIn:
        """Check the password (failures audited, lockout applied: services.logins)."""
        with self.db.session() as s:
            actor = users.authenticate(s, username, password)
            return LoggedIn(actor, display_name(s, actor))

    # -- maintenance (services.maintenance decides the policy) --------------------------
    def info(self, actor: Actor) -> maintenance.DatabaseInfo:
        return maintenance.database_info(self.db, actor)

    def check(self, actor: Actor) -> maintenance.CheckReport:
        return maintenance.check(self.db, actor)

    def backup(self, actor: Actor, dest: Path) -> maintenance.BackupResult:
        return maintenance.backup(self.db, actor, dest)

    def rekey(
        self,
        actor: Actor,
        *,
        passphrase: str | Callable[[], str] | None = None,
        show_recovery_key: Callable[[str], None] | None = None,
    ) -> maintenance.RekeyResult:
        return maintenance.rekey(
            self.db, actor, passphrase=passphrase, show_recovery_key=show_recovery_key
        )


def display_name(session: Session, actor: Actor) -> str:
    """The user's full name, else the username."""
    if actor.user_id is None:
        return actor.username
    name = session.scalar(select(User.name).where(User.id == actor.user_id))
    return name or actor.username
