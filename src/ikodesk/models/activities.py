"""Activities of the centre (trainings, visits, ...), published figures and report texts."""

from __future__ import annotations

from datetime import date as date_type
from datetime import datetime
from typing import Any

from sqlalchemy import Date, DateTime, Float, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ikodesk.models.base import Base, enum_column_type
from ikodesk.models.enums import ActivityKind


class Activity(Base):
    __tablename__ = "activities"
    __table_args__ = (Index("ix_activities_date", "date"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    date: Mapped[date_type] = mapped_column(Date)
    kind: Mapped[ActivityKind] = mapped_column(enum_column_type(ActivityKind))
    organisation: Mapped[str | None] = mapped_column(String(200), default=None)
    title: Mapped[str] = mapped_column(String(500))
    extra: Mapped[dict[str, Any] | None] = mapped_column(default=None)


class HistoricalFigure(Base):
    """A published figure of a year: what that year *is* for its key.

    Imported from an earlier annual report (`frozen_at` NULL), or stored by
    freezing the year (`services.figures.freezing`: who and when). Records
    count for a year only for the keys it has no published figure for.
    """

    __tablename__ = "historical_figures"

    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(120), primary_key=True)
    # Counts are whole numbers; old success rates were reported with decimals (37.5%).
    value: Mapped[float] = mapped_column(Float)
    frozen_at: Mapped[datetime | None] = mapped_column(DateTime, default=None)
    frozen_by: Mapped[str | None] = mapped_column(String(64), default=None)


class HistoricalFigureVersion(Base):
    """A published figure replaced by a later freeze (`figures freeze --replace`): kept."""

    __tablename__ = "historical_figure_versions"
    __table_args__ = (Index("ix_historical_figure_versions_year", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(Integer)
    key: Mapped[str] = mapped_column(String(120))
    value: Mapped[float] = mapped_column(Float)
    frozen_at: Mapped[datetime | None] = mapped_column(DateTime, default=None)
    frozen_by: Mapped[str | None] = mapped_column(String(64), default=None)
    replaced_at: Mapped[datetime] = mapped_column(DateTime)
    replaced_by: Mapped[str] = mapped_column(String(64))


class ReportText(Base):
    """A narrative text of the annual report for one year and chapter (Voorwoord, ...)."""

    __tablename__ = "report_texts"

    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    chapter: Mapped[str] = mapped_column(String(40), primary_key=True)
    text: Mapped[str] = mapped_column(Text)
    changed_at: Mapped[datetime] = mapped_column(DateTime)
    changed_by: Mapped[str] = mapped_column(String(64))
