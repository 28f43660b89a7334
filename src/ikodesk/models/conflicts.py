"""Conflict pairs between cases of one family, and the walls they put up per user.

A conflict pair links two cases of the same family whose requesters stand on
opposite sides. Every user who handles or has opened one side holds a
`WallClaim` on that side of the pair and is walled from the other side.
`CaseOpening` remembers who has ever opened which case, so that a conflict
found later still walls off the side a user did not see first.
`MatchKey` is the name index the family matching uses for records without
birth dates (see services.family_match).
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from ikodesk.models.base import Base, enum_column_type


class ConflictStatus(StrEnum):
    CONFLICT = "conflict"  # a wall stands between the two cases
    REVIEW = "review"  # a weak match: an admin confirms or dismisses it
    DISMISSED = "dismissed"  # an admin decided the two cases are not one family


class ConflictPair(Base):
    __tablename__ = "conflict_pairs"
    __table_args__ = (
        UniqueConstraint("case_a_id", "case_b_id"),
        CheckConstraint("case_a_id < case_b_id", name="ordered"),
        Index("ix_conflict_pairs_case_b_id", "case_b_id"),
        Index("ix_conflict_pairs_status", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_a_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"))
    case_b_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"))
    status: Mapped[ConflictStatus] = mapped_column(enum_column_type(ConflictStatus))
    score: Mapped[int] = mapped_column(Integer)
    # Dutch, what matched; never names, dates or other personal data.
    reason: Mapped[str] = mapped_column(Text)
    detected: Mapped[datetime] = mapped_column(DateTime)
    decided: Mapped[datetime | None] = mapped_column(DateTime, default=None)
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)

    def other(self, case_id: int) -> int:
        return self.case_b_id if case_id == self.case_a_id else self.case_a_id


class WallClaim(Base):
    """The side of a conflict pair one user is on (permanent once recorded)."""

    __tablename__ = "wall_claims"
    __table_args__ = (Index("ix_wall_claims_user_id", "user_id"),)

    pair_id: Mapped[int] = mapped_column(
        ForeignKey("conflict_pairs.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"))
    # handler | opened | first_opened | older_case | assigned | created
    basis: Mapped[str] = mapped_column(String(20))
    # The user was attached to both sides when the conflict was found.
    both_sides: Mapped[bool] = mapped_column(Boolean, default=False)
    at: Mapped[datetime] = mapped_column(DateTime)


class CaseOpening(Base):
    """A user has seen this dossier's contents (first time recorded)."""

    __tablename__ = "case_openings"
    __table_args__ = (Index("ix_case_openings_case_id", "case_id"),)

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    case_id: Mapped[int] = mapped_column(
        ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True
    )
    first_at: Mapped[datetime] = mapped_column(DateTime)


class MatchKey(Base):
    """A normalised name key of a parent or child of a case, for blocking."""

    __tablename__ = "match_keys"
    __table_args__ = (Index("ix_match_keys_key_undated", "key", "undated"),)

    case_id: Mapped[int] = mapped_column(
        ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True
    )
    # Which person of the case: 0 requester, 1 other parent, 2... the children.
    entity: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(80), primary_key=True)
    # The person or child behind the key has no birth date (the name path is for these).
    undated: Mapped[bool] = mapped_column(Boolean)
