"""What the windows of one logged-in session share: worker, user, reference data."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from ikodesk.models import User
from ikodesk.models.enums import Role
from ikodesk.services import access, app_settings, reference
from ikodesk.services.access import Action
from ikodesk.services.actors import Actor
from ikodesk.storage import Database, KeyMode
from ikodesk.ui.worker import DbWorker


@dataclass(frozen=True)
class CountryInfo:
    """A country as the screens show it (a copy: no database access when read)."""

    iso2: str
    name_nl: str
    name_en: str
    hague_party: bool
    hague_since: date | None
    eu_member: bool

    def hague_party_on(self, day: date) -> bool:
        # The same rule as models.Country.hague_party_on, on the cached copy.
        if not self.hague_party:
            return False
        return self.hague_since is None or self.hague_since <= day


@dataclass(frozen=True)
class DatabaseFacts:
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


def load_database_facts(db: Database) -> DatabaseFacts:
    """Read what the client keeps in memory after unlocking (runs on the worker)."""
    with db.session() as s:
        every = [
            CountryInfo(
                c.iso2,
                c.name_nl,
                c.name_en,
                c.hague_party,
                c.hague_entry_into_force,
                c.eu_member,
            )
            for c in reference.countries(s)
        ]
        minutes = app_settings.idle_lock_minutes(s)
    countries = tuple(c for c in every if c.iso2 != "NL")
    netherlands = next((c for c in every if c.iso2 == "NL"), None)
    return DatabaseFacts(
        path=db.path,
        key_mode=db.key_mode,
        database_id=db.database_id,
        schema_revision=db.schema_revision(),
        idle_lock_minutes=minutes,
        countries=countries,
        netherlands=netherlands,
    )


@dataclass
class AppContext:
    worker: DbWorker
    actor: Actor
    user_name: str
    facts: DatabaseFacts
    countries_by_iso: dict[str, CountryInfo] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.countries_by_iso = {c.iso2: c for c in self.facts.countries}

    def can(self, action: Action) -> bool:
        """Whether the user's role allows an action (for showing screens and buttons).

        Only role facts, no database: the services decide again on every call.
        """
        return access.role_allows(self.actor, action)

    @property
    def role(self) -> Role | None:
        return self.actor.role


def display_name(session: Session, actor: Actor) -> str:
    if actor.user_id is None:
        return actor.username
    name = session.scalar(select(User.name).where(User.id == actor.user_id))
    return name or actor.username
