"""Activities of the centre (trainings, visits, ...) and historical aggregate figures."""

from __future__ import annotations

from datetime import date as date_type
from typing import Any

from sqlalchemy import Date, Float, Index, Integer, String
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
    """An aggregate figure of a year the system holds no detailed records for."""

    __tablename__ = "historical_figures"

    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(120), primary_key=True)
    # Counts are whole numbers; old success rates were reported with decimals (37.5%).
    value: Mapped[float] = mapped_column(Float)
