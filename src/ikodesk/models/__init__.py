"""Typed SQLAlchemy 2 models of ikodesk's domain.

The names load on first use (PEP 562), so the domain's vocabulary
(`ikodesk.models.enums`, `ikodesk.models.labels`) comes without SQLAlchemy and
the ORM (issue #16: `ikodesk info` and the desktop's first window need no model).
The first model asked for loads every model module, so the mappers find each
relationship's target (models.base does the same for a direct submodule import).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
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

# Every model module, in the order the package used to import them.
MODEL_MODULES: tuple[str, ...] = (
    "ikodesk.models.activities",
    "ikodesk.models.approvals",
    "ikodesk.models.audit",
    "ikodesk.models.base",
    "ikodesk.models.cases",
    "ikodesk.models.conflicts",
    "ikodesk.models.mediation",
    "ikodesk.models.meta",
    "ikodesk.models.reference",
    "ikodesk.models.retention",
    "ikodesk.models.search_terms",
    "ikodesk.models.users",
)

_WHERE: dict[str, str] = {
    "Activity": "ikodesk.models.activities",
    "HistoricalFigure": "ikodesk.models.activities",
    "HistoricalFigureVersion": "ikodesk.models.activities",
    "ReportText": "ikodesk.models.activities",
    "Approval": "ikodesk.models.approvals",
    "AuditEntry": "ikodesk.models.audit",
    "Base": "ikodesk.models.base",
    "Case": "ikodesk.models.cases",
    "CaseNotes": "ikodesk.models.cases",
    "Child": "ikodesk.models.cases",
    "Contact": "ikodesk.models.cases",
    "Person": "ikodesk.models.cases",
    "age_in_years": "ikodesk.models.cases",
    "CaseOpening": "ikodesk.models.conflicts",
    "ConflictPair": "ikodesk.models.conflicts",
    "ConflictStatus": "ikodesk.models.conflicts",
    "MatchKey": "ikodesk.models.conflicts",
    "WallClaim": "ikodesk.models.conflicts",
    "ChildInterview": "ikodesk.models.mediation",
    "Mediation": "ikodesk.models.mediation",
    "MediationChild": "ikodesk.models.mediation",
    "MediationParent": "ikodesk.models.mediation",
    "Mediator": "ikodesk.models.mediation",
    "mediation_mediators": "ikodesk.models.mediation",
    "MetaEntry": "ikodesk.models.meta",
    "Country": "ikodesk.models.reference",
    "AccessRequest": "ikodesk.models.retention",
    "AnonymisedCase": "ikodesk.models.retention",
    "AnonymisedMediation": "ikodesk.models.retention",
    "DestructionRun": "ikodesk.models.retention",
    "LegalHold": "ikodesk.models.retention",
    "RetentionPeriod": "ikodesk.models.retention",
    "SearchTerms": "ikodesk.models.search_terms",
    "User": "ikodesk.models.users",
}


def load_all() -> None:
    """Import every model module: the metadata complete, every mapper declared."""
    for module in MODEL_MODULES:
        importlib.import_module(module)


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    load_all()
    value = getattr(importlib.import_module(_WHERE[name]), name)
    globals()[name] = value
    return value


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
