"""Four eyes: a second administrator's approval of a dangerous action (issue #18).

One row per approval: which action, by whom, when, and (once the action has
used it) who used it and when. On the office server only the SECURITY DEFINER
functions `ikodesk_approve` / `ikodesk_consume_approval` write it
(sql/approvals.sql); in a standalone file the approval and its use are one
transaction and the row is written used.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from ikodesk.models.base import Base


class Approval(Base):
    __tablename__ = "approvals"
    __table_args__ = (Index("ix_approvals_action", "action", "consumed_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    action: Mapped[str] = mapped_column(String(40))  # services.approvals.ACTIONS
    detail: Mapped[str | None] = mapped_column(String(300), default=None)
    approver: Mapped[str] = mapped_column(String(64))  # a username (the login on the server)
    # The login the approval is for (None: any other administrator).
    for_user: Mapped[str | None] = mapped_column(String(64), default=None)
    approved_at: Mapped[datetime] = mapped_column(DateTime)  # UTC
    consumed_at: Mapped[datetime | None] = mapped_column(DateTime, default=None)
    consumed_by: Mapped[str | None] = mapped_column(String(64), default=None)
