"""Application users: who may log in, with which role."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, DateTime, Integer, String, func
from sqlalchemy.orm import Mapped, mapped_column

from ikodesk.models.base import Base, enum_column_type
from ikodesk.models.enums import Role


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    role: Mapped[Role] = mapped_column(enum_column_type(Role))
    # scrypt hash in a self-describing string; NULL: must set a password first.
    password_hash: Mapped[str | None] = mapped_column(String(300), default=None)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, server_default=func.current_timestamp())
    extra: Mapped[dict[str, Any] | None] = mapped_column(default=None)
    # Login throttling (services.logins): consecutive failures, the last one (UTC),
    # and the end of a temporary lock (UTC). A success or an admin resets them.
    failed_logins: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    last_failed_at: Mapped[datetime | None] = mapped_column(DateTime, default=None)
    locked_until: Mapped[datetime | None] = mapped_column(DateTime, default=None)

    @property
    def display_name(self) -> str:
        """How the product names a user everywhere it shows one: the full name, else
        the username."""
        return self.name or self.username

    def __repr__(self) -> str:
        return f"User({self.username!r}, {self.role.value})"
