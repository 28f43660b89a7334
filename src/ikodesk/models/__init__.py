"""Typed SQLAlchemy 2 models of ikodesk's domain."""

from ikodesk.models.activities import (
    Activity,
    HistoricalFigure,
    HistoricalFigureVersion,
    ReportText,
)
from ikodesk.models.approvals import Approval
from ikodesk.models.audit import AuditEntry
from ikodesk.models.base import Base
from ikodesk.models.cases import Case, CaseNotes, Child, Contact, Person, age_in_years
from ikodesk.models.conflicts import (
    CaseOpening,
    ConflictPair,
    ConflictStatus,
    MatchKey,
    WallClaim,
)
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
from ikodesk.models.retention import (
    AccessRequest,
    AnonymisedCase,
    AnonymisedMediation,
    DestructionRun,
    LegalHold,
    RetentionPeriod,
)
from ikodesk.models.search_terms import SearchTerms
from ikodesk.models.users import User

__all__ = [
    "AccessRequest",
    "Activity",
    "AnonymisedCase",
    "AnonymisedMediation",
    "Approval",
    "AuditEntry",
    "Base",
    "Case",
    "CaseNotes",
    "CaseOpening",
    "Child",
    "ChildInterview",
    "ConflictPair",
    "ConflictStatus",
    "Contact",
    "Country",
    "DestructionRun",
    "HistoricalFigure",
    "HistoricalFigureVersion",
    "LegalHold",
    "MatchKey",
    "Mediation",
    "MediationChild",
    "MediationParent",
    "Mediator",
    "MetaEntry",
    "Person",
    "ReportText",
    "RetentionPeriod",
    "SearchTerms",
    "User",
    "WallClaim",
    "age_in_years",
    "mediation_mediators",
]
