"""Reference data: countries with Dutch names, Hague 1980 status and EU membership."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Boolean, Date, String, false
from sqlalchemy.orm import Mapped, mapped_column

from ikodesk.models.base import Base


class Country(Base):
    __tablename__ = "countries"

    iso2: Mapped[str] = mapped_column(String(2), primary_key=True)
    name_en: Mapped[str] = mapped_column(String(100))
    name_nl: Mapped[str] = mapped_column(String(100))
    hague_party: Mapped[bool] = mapped_column(Boolean)
    # Entry into force for that state; NULL with hague_party means "party, date unknown".
    hague_entry_into_force: Mapped[date | None] = mapped_column(Date, default=None)
    eu_member: Mapped[bool] = mapped_column(Boolean)
    # Whether the state acceded to the 1980 Convention (Art. 38) rather than ratified it:
    # then it applies between that state and the Netherlands only from the first day of
    # the third calendar month after the Netherlands deposited its declaration accepting
    # the accession (`hague_nl_acceptance`; NULL: not known to ikodesk).
    hague_acceded: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    hague_nl_acceptance: Mapped[date | None] = mapped_column(Date, default=None)
    # Where the facts come from: the reference file's note, then the administrator's note
    # with each change (issue #15, point 9; every change is also in the audit log).
    source_note: Mapped[str | None] = mapped_column(String(500), default=None)

    def hague_party_on(self, day: date) -> bool:
        """Party to the 1980 Convention on `day` (entry into force on or before it).

        A party whose entry-into-force date is unknown counts as a party.
        """
        if not self.hague_party:
            return False
        return self.hague_entry_into_force is None or self.hague_entry_into_force <= day
