"""The audit log: append-only, hash-chained entries (references only, never contents)."""

from __future__ import annotations

from sqlalchemy import Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from ikodesk.models.base import Base


class AuditEntry(Base):
    __tablename__ = "audit_log"
    __table_args__ = (
        Index("ix_audit_log_object", "object_type", "object_ref"),
        Index("ix_audit_log_user_id", "user_id"),
    )

    # Assigned by the writer (1, 2, 3, ...): a gap means a deleted entry.
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    at: Mapped[str] = mapped_column(String(32))  # UTC, ISO 8601, as hashed
    user_id: Mapped[int | None] = mapped_column(Integer, default=None)  # None: key holder
    username: Mapped[str] = mapped_column(String(64))
    workstation: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(40))
    object_type: Mapped[str] = mapped_column(String(20))
    object_ref: Mapped[str | None] = mapped_column(String(80), default=None)
    result: Mapped[str] = mapped_column(String(10))  # allowed | refused
    detail: Mapped[str | None] = mapped_column(String(300), default=None)
    hash: Mapped[str] = mapped_column(String(64))
