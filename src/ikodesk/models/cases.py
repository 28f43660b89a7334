"""Cases (zaken), the people in them, their children and contact moments."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ikodesk.models.base import Base, enum_column_type
from ikodesk.models.enums import (
    CaseCode,
    Channel,
    CloseReason,
    Direction,
    OrganisationType,
    ParentRelation,
    ParentSide,
    Party,
    PersonRole,
    RequesterKind,
    Taker,
)
from ikodesk.models.reference import Country
from ikodesk.models.users import User


class Case(Base):
    __tablename__ = "cases"
    __table_args__ = (
        CheckConstraint("line IN (1, 2)", name="line"),
        CheckConstraint("closed IS NULL OR closed >= opened", name="closed_after_opened"),
        CheckConstraint(
            "(closed IS NULL) = (close_reason IS NULL)", name="close_reason_iff_closed"
        ),
        # The figures and the case list filter on these.
        Index("ix_cases_opened", "opened"),
        Index("ix_cases_line_code_opened", "line", "code", "opened"),
        # The office server also has partial indexes of the Line 2 cases and of the
        # requesters for its figures (migration 0017); a file needs none.
        Index("ix_cases_handler_opened", "handler_id", "opened"),
        Index("ix_cases_closed", "closed"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    ref: Mapped[str] = mapped_column(String(40), unique=True)
    line: Mapped[int] = mapped_column(Integer)
    code: Mapped[CaseCode] = mapped_column(enum_column_type(CaseCode))
    opened: Mapped[date] = mapped_column(Date)
    closed: Mapped[date | None] = mapped_column(Date, default=None)
    close_reason: Mapped[CloseReason | None] = mapped_column(
        enum_column_type(CloseReason), default=None
    )
    handler_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    country: Mapped[str | None] = mapped_column(
        String(2), ForeignKey("countries.iso2"), default=None
    )
    direction: Mapped[Direction | None] = mapped_column(enum_column_type(Direction), default=None)
    taker: Mapped[Taker | None] = mapped_column(enum_column_type(Taker), default=None)
    mover: Mapped[ParentRelation | None] = mapped_column(
        enum_column_type(ParentRelation), default=None
    )
    # The dates that start the Hague 1980 and Brussels IIb clocks (exchange format 1.1;
    # abduction codes only, enums.CLOCK_CODES): the wrongful removal or the first day of
    # the wrongful retention, the filing of return proceedings, the first-instance
    # decision, and the day the appeal court can examine the appeal.
    removal_date: Mapped[date | None] = mapped_column(Date, default=None)
    proceedings_started: Mapped[date | None] = mapped_column(Date, default=None)
    decision_first_instance: Mapped[date | None] = mapped_column(Date, default=None)
    appeal_ready: Mapped[date | None] = mapped_column(Date, default=None)
    created_at: Mapped[datetime] = mapped_column(DateTime, server_default=func.current_timestamp())
    updated_at: Mapped[datetime] = mapped_column(
        DateTime, server_default=func.current_timestamp(), onupdate=func.current_timestamp()
    )
    # Optimistic locking: every UPDATE checks and raises the version (SQLAlchemy's
    # version counter), so a save over someone else's newer save fails instead of
    # overwriting it; `updated_by` says who saved last.
    version: Mapped[int] = mapped_column(Integer, server_default="1")
    updated_by: Mapped[int | None] = mapped_column(Integer, default=None)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012

    handler: Mapped[User] = relationship(lazy="joined")
    country_ref: Mapped[Country | None] = relationship(lazy="joined")
    persons: Mapped[list[Person]] = relationship(
        back_populates="case", cascade="all, delete-orphan", order_by="Person.role"
    )
    children: Mapped[list[Child]] = relationship(
        back_populates="case", cascade="all, delete-orphan", order_by="Child.position"
    )
    contacts: Mapped[list[Contact]] = relationship(
        back_populates="case", cascade="all, delete-orphan", order_by="Contact.at"
    )
    # The case's free text lives apart from its facts (see CaseNotes).
    notes: Mapped[CaseNotes | None] = relationship(
        back_populates="case", cascade="all, delete-orphan", uselist=False
    )

    @property
    def summary(self) -> str | None:
        return self.notes.summary if self.notes is not None else None

    @summary.setter
    def summary(self, value: str | None) -> None:
        self._notes().summary = value

    @property
    def extra(self) -> dict[str, Any] | None:
        return self.notes.extra if self.notes is not None else None

    @extra.setter
    def extra(self, value: dict[str, Any] | None) -> None:
        self._notes().extra = value

    def _notes(self) -> CaseNotes:
        if self.notes is None:
            self.notes = CaseNotes()
        return self.notes

    def person(self, role: PersonRole) -> Person | None:
        return next((p for p in self.persons if p.role == role), None)

    @property
    def requester(self) -> Person:
        p = self.person(PersonRole.REQUESTER)
        if p is None:  # every case is created with one; the schema keeps it
            raise LookupError(f"case {self.ref} has no requester")
        return p

    @property
    def other_parent(self) -> Person | None:
        return self.person(PersonRole.OTHER_PARENT)

    def __repr__(self) -> str:
        return f"Case({self.ref!r}, {self.code.value})"


class CaseNotes(Base):
    """A case's summary and unknown exchange fields: personal data, kept apart from the facts.

    The facts of a case (code, dates, country, sides) serve lists and figures; its
    free text is personal data. On the office server the two tables have different
    row-level security (see storage/server/sql): a manager counts cases without
    being able to read what is written about them.
    """

    __tablename__ = "case_notes"

    case_id: Mapped[int] = mapped_column(
        ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True
    )
    summary: Mapped[str | None] = mapped_column(Text, default=None)
    extra: Mapped[dict[str, Any] | None] = mapped_column(default=None)

    case: Mapped[Case] = relationship(back_populates="notes")


class Person(Base):
    """The requester (hoofdbetrokkene) or the other parent of a case."""

    __tablename__ = "persons"
    __table_args__ = (
        UniqueConstraint("case_id", "role"),
        # A file's only: the office server drops both (migration 0018), as an index
        # on a name or birth date lets EXPLAIN ANALYZE count rows a policy hides.
        Index("ix_persons_last_name", "last_name"),
        Index("ix_persons_birth_date", "birth_date"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"))
    role: Mapped[PersonRole] = mapped_column(enum_column_type(PersonRole))
    kind: Mapped[RequesterKind] = mapped_column(enum_column_type(RequesterKind))
    # mother/father for parents; family/step_partner/grandparent/acquaintance for family.
    relation: Mapped[str | None] = mapped_column(String(20), default=None)
    side: Mapped[ParentSide | None] = mapped_column(enum_column_type(ParentSide), default=None)
    organisation_type: Mapped[OrganisationType | None] = mapped_column(
        enum_column_type(OrganisationType), default=None
    )
    organisation: Mapped[str | None] = mapped_column(String(200), default=None)
    first_name: Mapped[str | None] = mapped_column(String(100), default=None)
    last_name: Mapped[str | None] = mapped_column(String(100), default=None)
    birth_date: Mapped[date | None] = mapped_column(Date, default=None)
    phone: Mapped[str | None] = mapped_column(String(50), default=None)
    email: Mapped[str | None] = mapped_column(String(200), default=None)

    case: Mapped[Case] = relationship(back_populates="persons")

    @property
    def display_name(self) -> str:
        return " ".join(p for p in (self.first_name, self.last_name) if p)


class ChildFields:
    """What a case's child and a mediation's child share: name, birth date or age, position.

    A mixin of columns only (each model keeps its own table, parent key and indexes); the
    constraint `birth_date_or_age` is built by `child_check()` so both tables name it alike.
    """

    position: Mapped[int] = mapped_column(Integer, default=0)
    first_name: Mapped[str | None] = mapped_column(String(100), default=None)
    last_name: Mapped[str | None] = mapped_column(String(100), default=None)
    birth_date: Mapped[date | None] = mapped_column(Date, default=None)
    # Whole years at the opening date (of the case or mediation), when the birth date is unknown.
    age: Mapped[int | None] = mapped_column(Integer, default=None)

    def age_on(self, day: date) -> int | None:
        if self.birth_date is None:
            return self.age
        return age_in_years(self.birth_date, day)


def child_check() -> CheckConstraint:
    """The rule every child row keeps: a birth date or an age."""
    return CheckConstraint("birth_date IS NOT NULL OR age IS NOT NULL", name="birth_date_or_age")


class Child(ChildFields, Base):
    __tablename__ = "children"
    __table_args__ = (
        child_check(),
        Index("ix_children_case_id", "case_id"),
        Index("ix_children_birth_date", "birth_date"),  # (a file's only: migration 0018)
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"))

    case: Mapped[Case] = relationship(back_populates="children")


def age_in_years(born: date, on: date) -> int:
    """Whole years between `born` and `on` (a birthday on 29 Feb counts on 1 Mar)."""
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


class Contact(Base):
    """A contact moment (contactmoment): a call, an e-mail or a web form."""

    __tablename__ = "contacts"
    __table_args__ = (
        CheckConstraint("minutes IS NULL OR minutes >= 0", name="minutes_non_negative"),
        Index("ix_contacts_case_id_at", "case_id", "at"),
        # Covers the year's count by channel, party and case (figures; migration 0011).
        Index("ix_contacts_at_cover", "at", "channel", "party", "case_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"))
    at: Mapped[datetime] = mapped_column(DateTime)
    channel: Mapped[Channel] = mapped_column(enum_column_type(Channel))
    party: Mapped[Party] = mapped_column(enum_column_type(Party))
    handler_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    minutes: Mapped[int | None] = mapped_column(Integer, default=None)
    summary: Mapped[str | None] = mapped_column(Text, default=None)
    extra: Mapped[dict[str, Any] | None] = mapped_column(default=None)

    case: Mapped[Case] = relationship(back_populates="contacts")
    handler: Mapped[User] = relationship(lazy="joined")
