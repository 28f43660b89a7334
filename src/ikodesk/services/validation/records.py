"""The typed records of the domain, as the exchange format and the forms describe them.

One dataclass per record type of exchange format v1 (and the parts they are
made of), plus `FieldProblem` (defined in ikodesk.errors), the one error every
check raises or returns: a field's path in exchange-format terms
("requester.side", "children[2].birth_date") and a Dutch message template with
its parameters. The records hold no rules:
`parsing` builds them from JSON objects, `rules` checks them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

# The one error every check raises or returns (a template with parameters: ikodesk.errors).
from ikodesk.errors import FieldProblem as FieldProblem
from ikodesk.models.enums import (
    ActivityKind,
    CaseCode,
    Channel,
    CloseReason,
    Direction,
    FailureReason,
    Intake,
    MediationKind,
    MediationStatus,
    OrganisationType,
    Outcome,
    ParentRelation,
    ParentSide,
    Party,
    ReferredBy,
    RequesterKind,
    Role,
    Taker,
)

MAX_CHILD_AGE = 17
# The case dates of exchange format 1.1, in the order they happen.
CLOCK_DATE_FIELDS = (
    "removal_date",
    "proceedings_started",
    "decision_first_instance",
    "appeal_ready",
)
NAME_MAX = 100
TEXT_MAX = 20_000


# --- typed records -----------------------------------------------------------


@dataclass(slots=True)
class PersonData:
    kind: RequesterKind = RequesterKind.PARENT
    relation: str | None = None
    side: ParentSide | None = None
    organisation_type: OrganisationType | None = None
    organisation: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    birth_date: date | None = None
    phone: str | None = None
    email: str | None = None


@dataclass(slots=True)
class ChildData:
    first_name: str | None = None
    last_name: str | None = None
    birth_date: date | None = None
    age: int | None = None


@dataclass(slots=True)
class CaseData:
    ref: str | None
    line: int
    code: CaseCode
    opened: date
    handler: str
    requester: PersonData
    closed: date | None = None
    close_reason: CloseReason | None = None
    other_parent: PersonData | None = None
    children: list[ChildData] = field(default_factory=list)
    country: str | None = None
    direction: Direction | None = None
    taker: Taker | None = None
    mover: ParentRelation | None = None
    summary: str | None = None
    x: dict[str, Any] | None = None
    # Exchange format 1.1: the dates that start the clocks (abduction codes only).
    removal_date: date | None = None
    proceedings_started: date | None = None
    decision_first_instance: date | None = None
    appeal_ready: date | None = None


@dataclass(slots=True)
class ContactData:
    case: str
    at: datetime
    channel: Channel
    party: Party
    handler: str
    minutes: int | None = None
    summary: str | None = None
    x: dict[str, Any] | None = None


@dataclass(slots=True)
class UserData:
    username: str
    role: Role
    name: str = ""
    x: dict[str, Any] | None = None


@dataclass(slots=True)
class MediatorData:
    name: str
    cbfm: bool = False
    languages: list[str] = field(default_factory=list)
    active: bool = True
    x: dict[str, Any] | None = None


@dataclass(slots=True)
class InterviewData:
    date: date
    children: int


@dataclass(slots=True)
class MediationParentData:
    """A parent in a mediation request (not in exchange format v1: carried in `x.parents`)."""

    relation: ParentRelation
    first_name: str | None = None
    last_name: str | None = None
    birth_date: date | None = None
    country: str | None = None


@dataclass(slots=True)
class MediationData:
    ref: str
    kind: MediationKind
    requested: date
    status: MediationStatus
    case: str | None = None
    referred_by: ReferredBy | None = None
    children: list[ChildData] = field(default_factory=list)
    started: date | None = None
    not_started_reason: str | None = None
    special_curator: date | None = None
    intake: Intake | None = None
    outcome: Outcome | None = None
    ended: date | None = None
    failure_reasons: list[FailureReason] = field(default_factory=list)
    mediators: list[str] = field(default_factory=list)
    child_interviews: list[InterviewData] = field(default_factory=list)
    x: dict[str, Any] | None = None
    parents: list[MediationParentData] = field(default_factory=list)
    # Exchange format 1.1: the court hearing a court-referred mediation runs alongside.
    court_hearing: date | None = None


@dataclass(slots=True)
class ActivityData:
    date: date
    kind: ActivityKind
    title: str
    organisation: str | None = None
    x: dict[str, Any] | None = None


@dataclass(slots=True)
class HistoricalFigureData:
    year: int
    key: str
    value: float
    # A figure stored by freezing the year: when and by whom (exchange format, issue #14).
    frozen_at: datetime | None = None
    frozen_by: str | None = None
