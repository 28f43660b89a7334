"""The Mediation Bureau: mediators, mediation requests, their parents, children and interviews."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ikodesk.models.base import Base, enum_column_type
from ikodesk.models.cases import Case, ChildFields, child_check
from ikodesk.models.enums import (
    Intake,
    MediationKind,
    MediationStatus,
    Outcome,
    ParentRelation,
    ReferredBy,
)

mediation_mediators = Table(
    "mediation_mediators",
    Base.metadata,
    Column("mediation_id", ForeignKey("mediations.id", ondelete="CASCADE"), primary_key=True),
    Column("mediator_id", ForeignKey("mediators.id"), primary_key=True),
    Column("position", Integer, nullable=False, default=0),
)


class Mediator(Base):
    __tablename__ = "mediators"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    cbfm: Mapped[bool] = mapped_column(Boolean, default=False)
    languages: Mapped[list[str]] = mapped_column(JSON, default=list)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    extra: Mapped[dict[str, Any] | None] = mapped_column(default=None)


class Mediation(Base):
    __tablename__ = "mediations"
    __table_args__ = (
        CheckConstraint(
            "(started IS NOT NULL) = (status IN ('running', 'ended'))", name="started_iff_running"
        ),
        CheckConstraint("ended IS NULL OR status = 'ended'", name="ended_only_when_ended"),
        Index("ix_mediations_requested", "requested"),
        Index("ix_mediations_ended", "ended"),
        Index("ix_mediations_special_curator", "special_curator"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    ref: Mapped[str] = mapped_column(String(40), unique=True)
    kind: Mapped[MediationKind] = mapped_column(enum_column_type(MediationKind))
    requested: Mapped[date] = mapped_column(Date)
    case_id: Mapped[int | None] = mapped_column(
        ForeignKey("cases.id", ondelete="SET NULL"), default=None
    )
    referred_by: Mapped[ReferredBy | None] = mapped_column(
        enum_column_type(ReferredBy), default=None
    )
    status: Mapped[MediationStatus] = mapped_column(enum_column_type(MediationStatus))
    started: Mapped[date | None] = mapped_column(Date, default=None)
    not_started_reason: Mapped[str | None] = mapped_column(Text, default=None)
    special_curator: Mapped[date | None] = mapped_column(Date, default=None)
    intake: Mapped[Intake | None] = mapped_column(enum_column_type(Intake), default=None)
    outcome: Mapped[Outcome | None] = mapped_column(enum_column_type(Outcome), default=None)
    ended: Mapped[date | None] = mapped_column(Date, default=None)
    failure_reasons: Mapped[list[str]] = mapped_column(JSON, default=list)
    # The court hearing a court-referred mediation runs alongside (exchange format 1.1):
    # the mediation's sessions must lie before it.
    court_hearing: Mapped[date | None] = mapped_column(Date, default=None)
    extra: Mapped[dict[str, Any] | None] = mapped_column(default=None)
    created_at: Mapped[datetime] = mapped_column(DateTime, server_default=func.current_timestamp())

    case: Mapped[Case | None] = relationship()
    parents: Mapped[list[MediationParent]] = relationship(
        back_populates="mediation",
        cascade="all, delete-orphan",
        order_by="MediationParent.position",
    )
    children: Mapped[list[MediationChild]] = relationship(
        back_populates="mediation", cascade="all, delete-orphan", order_by="MediationChild.position"
    )
    mediators: Mapped[list[Mediator]] = relationship(
        secondary=mediation_mediators, order_by=mediation_mediators.c.position
    )
    child_interviews: Mapped[list[ChildInterview]] = relationship(
        back_populates="mediation", cascade="all, delete-orphan", order_by="ChildInterview.date"
    )


class MediationParent(Base):
    """A parent in a mediation request (the parties to the mediation).

    Exchange format v1 has no field for them; exports carry them in the
    record's `x.parents` (see services/exchange/).
    """

    __tablename__ = "mediation_parents"
    __table_args__ = (Index("ix_mediation_parents_mediation_id", "mediation_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    mediation_id: Mapped[int] = mapped_column(ForeignKey("mediations.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer, default=0)
    relation: Mapped[ParentRelation] = mapped_column(enum_column_type(ParentRelation))
    first_name: Mapped[str | None] = mapped_column(String(100), default=None)
    last_name: Mapped[str | None] = mapped_column(String(100), default=None)
    birth_date: Mapped[date | None] = mapped_column(Date, default=None)
    # Country of residence; unlike a case's country this may be NL.
    country: Mapped[str | None] = mapped_column(
        String(2), ForeignKey("countries.iso2"), default=None
    )

    mediation: Mapped[Mediation] = relationship(back_populates="parents")


class MediationChild(ChildFields, Base):
    __tablename__ = "mediation_children"
    __table_args__ = (
        child_check(),
        Index("ix_mediation_children_mediation_id", "mediation_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    mediation_id: Mapped[int] = mapped_column(ForeignKey("mediations.id", ondelete="CASCADE"))

    mediation: Mapped[Mediation] = relationship(back_populates="children")


class ChildInterview(Base):
    __tablename__ = "child_interviews"
    __table_args__ = (
        CheckConstraint("children >= 1", name="at_least_one_child"),
        Index("ix_child_interviews_date", "date"),
        Index("ix_child_interviews_mediation_id", "mediation_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    mediation_id: Mapped[int] = mapped_column(ForeignKey("mediations.id", ondelete="CASCADE"))
    date: Mapped[date] = mapped_column(Date)
    children: Mapped[int] = mapped_column(Integer)

    mediation: Mapped[Mediation] = relationship(back_populates="child_interviews")
