"""Retention (AVG): how long personal data is kept, legal holds, the destruction register.

A retention period is kept per *scope*: a case code (Line 1 is its one code,
`travel_consent`; each Line 2 code has its own) or `mediation` for mediation
requests. A scope without a row has the built-in default, unconfirmed
(services.retention). A legal hold keeps a case's personal data past its
period. The destruction register records each retention run: when, who, the
approver, counts per scope and a hash of the references, never personal data.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ikodesk.models.base import Base


class RetentionPeriod(Base):
    __tablename__ = "retention_periods"

    scope: Mapped[str] = mapped_column(String(40), primary_key=True)
    years: Mapped[int] = mapped_column(Integer)
    changed_at: Mapped[datetime] = mapped_column(DateTime)
    changed_by: Mapped[str] = mapped_column(String(64))
    # Set when an administrator confirmed the period (or an approved run did).
    confirmed_at: Mapped[datetime | None] = mapped_column(DateTime, default=None)
    confirmed_by: Mapped[str | None] = mapped_column(String(64), default=None)


class LegalHold(Base):
    """A case whose personal data must not be removed, whatever its retention period."""

    __tablename__ = "legal_holds"

    case_id: Mapped[int] = mapped_column(
        ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True
    )
    # Why (a procedure, a complaint): about the hold, not about the people.
    reason: Mapped[str] = mapped_column(Text)
    set_by: Mapped[str] = mapped_column(String(64))
    set_at: Mapped[datetime] = mapped_column(DateTime)


class DestructionRun(Base):
    """One retention run that removed personal data (the destruction register)."""

    __tablename__ = "destruction_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    run_at: Mapped[datetime] = mapped_column(DateTime)
    as_of: Mapped[date] = mapped_column(Date)
    run_by: Mapped[str] = mapped_column(String(64))
    approved_by: Mapped[str] = mapped_column(String(64))
    # {scope: number of cases or mediations anonymised}
    counts: Mapped[dict[str, Any]] = mapped_column(JSON)
    cases: Mapped[int] = mapped_column(Integer)
    mediations: Mapped[int] = mapped_column(Integer)
    search_terms: Mapped[int] = mapped_column(Integer)
    # SHA-256 over the sorted references anonymised (one per line): proves later which
    # references a run covered without naming them here.
    refs_hash: Mapped[str] = mapped_column(String(64))
    # The periods the run applied ({scope: years}).
    periods: Mapped[dict[str, Any]] = mapped_column(JSON)


class AnonymisedCase(Base):
    """A case whose personal data a retention run removed (its facts stay)."""

    __tablename__ = "anonymised_cases"

    case_id: Mapped[int] = mapped_column(
        ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True
    )
    run_id: Mapped[int] = mapped_column(ForeignKey("destruction_runs.id"))


class AnonymisedMediation(Base):
    """A mediation request whose personal data a retention run removed."""

    __tablename__ = "anonymised_mediations"

    mediation_id: Mapped[int] = mapped_column(
        ForeignKey("mediations.id", ondelete="CASCADE"), primary_key=True
    )
    run_id: Mapped[int] = mapped_column(ForeignKey("destruction_runs.id"))


class AccessRequest(Base):
    """An access request (AVG art. 15) whose pack was made: its one-month clock.

    No name and no reference: who asked stays out of the database beyond the
    dossiers themselves (the pack went to the requester). The clock runs until an
    administrator marks the request answered.
    """

    __tablename__ = "access_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    received: Mapped[date] = mapped_column(Date)
    due: Mapped[date] = mapped_column(Date)
    made_at: Mapped[datetime] = mapped_column(DateTime)
    made_by: Mapped[str] = mapped_column(String(64))
    dossiers: Mapped[int] = mapped_column(Integer)
    answered_at: Mapped[datetime | None] = mapped_column(DateTime, default=None)
    answered_by: Mapped[str | None] = mapped_column(String(64), default=None)
