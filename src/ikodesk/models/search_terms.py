"""What was searched for, kept beside the audit chain so that retention can erase it.

The audit entry of a search (object type "search") carries only `ref`, a
keyed hash (HMAC-SHA256 with the database's search-terms secret in `meta`)
of a random nonce and the terms. Deleting a row erases the terms and its
nonce, and leaves the hash chain intact: the entry no longer leads anywhere,
and without the nonce its hash cannot be tested against guessed terms.
"""

from __future__ import annotations

from sqlalchemy import Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ikodesk.models.base import Base


class SearchTerms(Base):
    __tablename__ = "audit_search_terms"
    __table_args__ = (Index("ix_audit_search_terms_ref", "ref", unique=True),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ref: Mapped[str] = mapped_column(String(64))  # the hash the audit entry holds
    nonce: Mapped[str] = mapped_column(String(32))
    terms: Mapped[str] = mapped_column(Text)
    created: Mapped[str] = mapped_column(String(32))  # UTC, ISO 8601, as in the audit log
