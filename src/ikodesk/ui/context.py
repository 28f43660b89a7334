"""What the windows of one logged-in session share: worker, user, reference data."""

from __future__ import annotations

from dataclasses import dataclass, field

from ikodesk.models.enums import Action, Role
from ikodesk.services.actors import Actor
from ikodesk.services.application import (
    CountryInfo,
    DatabaseFacts,
    load_database_facts,
    role_may,
)
from ikodesk.ui.common.worker import DbWorker

__all__ = ["AppContext", "CountryInfo", "DatabaseFacts", "load_database_facts"]


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
        return role_may(self.actor, action)

    @property
    def role(self) -> Role | None:
        return self.actor.role
