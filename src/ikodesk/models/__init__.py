"""Typed SQLAlchemy 2 models of ikodesk's domain."""

from ikodesk.models.activities import Activity, HistoricalFigure
from ikodesk.models.base import Base
from ikodesk.models.cases import Case, Child, Contact, Person, age_in_years
from ikodesk.models.mediation import (
    ChildInterview,
    Mediation,
    MediationChild,
    MediationParent,
    Mediator,
    mediation_mediators,
)
from ikodesk.models.meta import MetaEntry
from ikodesk.models.reference import Country
from ikodesk.models.users import User

__all__ = [
    "Activity",
    "Base",
    "Case",
    "Child",
    "ChildInterview",
    "Contact",
    "Country",
    "HistoricalFigure",
    "Mediation",
    "MediationChild",
    "MediationParent",
    "Mediator",
    "MetaEntry",
    "Person",
    "User",
    "age_in_years",
    "mediation_mediators",
]
