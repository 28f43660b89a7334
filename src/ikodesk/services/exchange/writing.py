"""The write phase of an import: the checked records into the database, in bulk.

Bulk writes go through SQLAlchemy Core with ids assigned up front, from the
import's first pass (and straight through the driver for the large tables).
The rows are built by `rows`; the check (`importing.Importer`) fills the lists
this class writes, and on a database file they are written in batches while
the check goes on (`flush`), so memory stays flat however long the file: all in
the caller's one transaction, with the foreign keys checked at its commit (a
record may refer to one further down the file). At the end (`finish`) the
search index and the family matching run once over every case written.

On the office server the writes go another way (`server_writing`): ids from
the sequences, the dossiers through the server's import function.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from operator import itemgetter
from typing import Any

from sqlalchemy import Table, bindparam, delete, func, select, text, update
from sqlalchemy.orm import Session

from ikodesk.errors import ValidationError
from ikodesk.models import (
    Activity,
    Case,
    CaseNotes,
    Child,
    ChildInterview,
    Contact,
    HistoricalFigure,
    Mediation,
    MediationChild,
    MediationParent,
    Mediator,
    Person,
    User,
    mediation_mediators,
)
from ikodesk.models.enums import PersonRole
from ikodesk.services import bulk_indexes, conflicts, search_index
from ikodesk.services.backend import on_server
from ikodesk.services.bulk_insert import insert_rows
from ikodesk.services.exchange.rows import (
    CHUNK,
    case_row,
    child_values,
    contact_row,
    mediation_parent_values,
    mediation_row,
    table_of,
)
from ikodesk.services.exchange.server_writing import write_on_server
from ikodesk.services.exchange.walls import LineProblem, WallRecords
from ikodesk.services.family_match import match_keys
from ikodesk.services.validation import (
    ActivityData,
    CaseData,
    ContactData,
    HistoricalFigureData,
    MediationData,
    MediatorData,
    PersonData,
    UserData,
)

Progress = Callable[[str, int, int], None]
"""progress(stage, done, total): stage is "lezen", "controleren" or "schrijven"."""


@dataclass
class ImportResult:
    created: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    updated: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    skipped: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    lines: int = 0
    case_ids: list[int] = field(default_factory=list)
    conflicts: int = 0  # conflict pairs this import revealed
    reviews: int = 0  # weak matches it put on the admin's review list
    passes: int = 2  # read in one pass or in two (importing.Importer.check_in_one_pass)

    @property
    def records(self) -> int:
        return sum(self.created.values()) + sum(self.updated.values()) + sum(self.skipped.values())


class ImportWriter:
    """Writes the records the check accepted; keeps the counts in `result`."""

    BATCH = 5_000  # records held before they are written (a database file)

    # Stored references: value -> row id (filled by the check, extended by the writes).
    db_users: dict[Any, int]
    db_mediators: dict[Any, int]
    db_cases: dict[Any, int]
    db_mediations: dict[Any, int]
    db_historical: set[tuple[Any, Any]]

    def __init__(self, session: Session, progress: Progress | None) -> None:
        self.s = session
        self.progress = progress
        self.users: list[tuple[int, UserData]] = []
        self.mediators: list[tuple[int, MediatorData]] = []
        self.cases: list[tuple[int, CaseData]] = []
        self.contacts: list[tuple[int, ContactData]] = []
        # Contact moments as the rows of the contacts table (`CONTACT_COLUMNS`), in file
        # order: a database file's import (the office server's takes `contacts`).
        self.contact_rows: list[tuple[Any, ...]] = []
        self.mediations: list[tuple[int, MediationData]] = []
        self.activities: list[tuple[int, ActivityData]] = []
        self.historical: list[tuple[int, HistoricalFigureData]] = []
        self.wall_records = WallRecords()  # conflict, wall and case_opening records
        self.result = ImportResult()
        # (case id, record) of written cases: the office server's writing only.
        self.written: list[tuple[int, CaseData]] = []
        self.replaced: list[int] = []  # ids of existing cases this import overwrote
        # The family-matching keys of every case written that can match (not the
        # record, not even its profile: those of the candidate pairs are read back).
        self.match_keys: dict[int, tuple[tuple[int, str, bool], ...]] = {}
        self.first_new_case: int | None = None
        # Key -> id of every record the import writes or refers to (`assign_ids`).
        self.ids: dict[str, dict[Any, int]] = {}
        # The CREATE INDEX statements of the indexes dropped for the import (`drop_indexes`).
        self.dropped_indexes: list[str] = []

    def _next_id(self, table: Any) -> int:
        return int(self.s.scalar(select(func.coalesce(func.max(table.c.id), 0))) or 0) + 1

    def stored_ids(self) -> dict[str, int]:
        """Take the write lock; then `ids` holds the stored records' ids, and the result
        is the first free id of each kind (user, mediator, case, mediation).

        With the lock taken the counters cannot move under us.
        """
        s = self.s
        s.execute(text("UPDATE meta SET value = value WHERE key = 'database_id'"))
        # A record may refer to one written by a later batch: foreign keys are checked
        # at the commit (SQLite; the pragma ends with the transaction).
        s.execute(text("PRAGMA defer_foreign_keys = ON"))
        first: dict[str, int] = {}
        for kind, model, stored in (
            ("user", User, self.db_users),
            ("mediator", Mediator, self.db_mediators),
            ("case", Case, self.db_cases),
            ("mediation", Mediation, self.db_mediations),
        ):
            self.ids[kind] = dict(stored)
            first[kind] = self._next_id(table_of(model))
        return first

    def assign_ids(self, declared: dict[str, list[Any]]) -> None:
        """Ids for the new users, mediators, cases and mediations, in file order.

        Stored ones keep theirs; so any batch can be written as soon as it is
        checked, whatever it refers to.
        """
        first = self.stored_ids()
        for kind, next_id in first.items():
            ids = self.ids[kind]
            for key in declared[kind]:
                if key not in ids:
                    ids[key] = next_id
                    next_id += 1

    def drop_indexes(self, incoming: dict[Table, int]) -> None:
        """Drop the plain indexes of the tables this import (at least) doubles.

        `incoming`: table -> about how many rows the import adds to it. They come
        back in `restore_indexes`, after the last batch (`bulk_indexes`).
        """
        for table, n in incoming.items():
            if bulk_indexes.worth_dropping(self.s, table, n):
                self.dropped_indexes += bulk_indexes.drop_plain_indexes(self.s, table)

    def restore_indexes(self) -> None:
        """Build the indexes `drop_indexes` dropped again (after the last batch)."""
        bulk_indexes.create_indexes(self.s, self.dropped_indexes)

    def pending(self) -> int:
        """Records checked and not yet written."""
        return (
            len(self.users)
            + len(self.mediators)
            + len(self.cases)
            + len(self.contacts)
            + len(self.contact_rows)
            + len(self.mediations)
            + len(self.activities)
        )

    def flush(self) -> None:
        """Write the records checked so far (a database file) and let them go."""
        self._write_users()
        self._write_mediators()
        self._write_cases()
        self._write_contacts()
        self._write_mediations()
        self._write_activities()
        for pending in (
            self.users,
            self.mediators,
            self.cases,
            self.contacts,
            self.contact_rows,
            self.mediations,
            self.activities,
        ):
            pending.clear()

    def write(self) -> ImportResult:
        """Write everything checked at once (the office server; small imports)."""
        if on_server(self.s):
            return write_on_server(self)
        self.flush()
        return self.finish()

    def finish(self) -> ImportResult:
        """After the last batch: figures, walls, the search index, the family matching."""
        s = self.s
        self.restore_indexes()  # (the reads below use them)
        self.write_historical()
        s.flush()
        if self.wall_records:
            # Before the matching: an imported decision stands (exchange.walls).
            try:
                self.wall_records.write(s, self.ids["case"], self.ids["user"], self.result.created)
            except LineProblem as e:
                raise ValidationError([e.problem], line=e.line) from None
            for kind, n in self.wall_records.skipped.items():
                self.result.skipped[kind] += n
        if self.first_new_case is not None:
            self._stage(1)
            search_index.index_new_cases(s, self.first_new_case)
        if self.replaced:
            search_index.reindex_cases(s, self.replaced)
        if self.result.case_ids:
            # Handlers of overwritten cases already in a conflict stand on their case's
            # side (new cases are in no pair yet); then the family matching over
            # everything this import wrote.
            self._stage(2)
            conflicts.claim_for_handlers(s, self.replaced)
            found = conflicts.detect(s, self.result.case_ids, keys=self.match_keys)
            self.result.conflicts = len(found.conflicts)
            self.result.reviews = len(found.reviews)
        self._stage(3)
        return self.result

    def _stage(self, step: int) -> None:
        if self.progress:
            self.progress("schrijven", step, 3)

    def _write_users(self) -> None:
        new: list[dict[str, Any]] = []
        for _, u in self.users:
            values = {"username": u.username, "name": u.name, "role": u.role, "extra": u.x}
            existing = self.db_users.get(u.username)
            if existing is not None:
                self.s.execute(update(User).where(User.id == existing).values(**values))
                self.result.updated["user"] += 1
            else:
                new.append({**values, "active": True, "password_hash": None})
        if new:
            for row in new:
                row["id"] = self.ids["user"][row["username"]]
            self.s.execute(table_of(User).insert(), new)
            self.result.created["user"] += len(new)

    def _write_mediators(self) -> None:
        new: list[dict[str, Any]] = []
        for _, m in self.mediators:
            values = {
                "name": m.name,
                "cbfm": m.cbfm,
                "languages": m.languages,
                "active": m.active,
                "extra": m.x,
            }
            existing = self.db_mediators.get(m.name)
            if existing is not None:
                self.s.execute(update(Mediator).where(Mediator.id == existing).values(**values))
                self.result.updated["mediator"] += 1
            else:
                new.append(values)
        if new:
            for row in new:
                row["id"] = self.ids["mediator"][row["name"]]
            self.s.execute(table_of(Mediator).insert(), new)
            self.result.created["mediator"] += len(new)

    def _write_cases(self) -> None:
        if not self.cases:
            return
        s = self.s
        case_t, person_t, child_t = table_of(Case), table_of(Person), table_of(Child)
        user_ids, case_ids = self.ids["user"], self.ids["case"]
        rows: list[tuple[Any, ...]] = []  # (CASE_COLUMNS)
        updates: list[dict[str, Any]] = []
        persons: list[tuple[Any, ...]] = []  # (PERSON_COLUMNS)
        children: list[tuple[Any, ...]] = []  # (CHILD_COLUMNS)
        notes: list[dict[str, Any]] = []
        replaced: list[int] = []
        requester, other_parent = PersonRole.REQUESTER.value, PersonRole.OTHER_PARENT.value
        for _, c in self.cases:
            assert c.ref is not None
            handler_id = user_ids[c.handler]
            existing = self.db_cases.get(c.ref)
            if existing is not None:
                values = case_row(c, handler_id)
                del values["summary"], values["extra"]  # (to case_notes)
                values["id"] = existing
                updates.append(values)
                replaced.append(existing)
                case_id = existing
            else:
                case_id = case_ids[c.ref]
                rows.append(_case_values(c, case_id, handler_id))
                if self.first_new_case is None or case_id < self.first_new_case:
                    self.first_new_case = case_id
            self.result.case_ids.append(case_id)
            profile = conflicts.profile_from_data(case_id, c)
            if profile is not None:
                self.match_keys[case_id] = tuple(match_keys(profile))  # (a set weighs more)
            # The free text goes to its own table (models.CaseNotes).
            if c.summary is not None or c.x is not None:
                notes.append({"case_id": case_id, "summary": c.summary, "extra": c.x})
            persons.append(_person_values(c.requester, case_id, requester))
            if c.other_parent is not None:
                persons.append(_person_values(c.other_parent, case_id, other_parent))
            for i, ch in enumerate(c.children):
                children.append(
                    (case_id, i, ch.first_name, ch.last_name, _day(ch.birth_date), ch.age)
                )
        for i in range(0, len(replaced), CHUNK):
            chunk = replaced[i : i + CHUNK]
            s.execute(delete(Person).where(Person.case_id.in_(chunk)))
            s.execute(delete(Child).where(Child.case_id.in_(chunk)))
            s.execute(delete(CaseNotes).where(CaseNotes.case_id.in_(chunk)))
        if updates:
            conn = s.connection()
            cols = [k for k in updates[0] if k != "id"]
            stmt = (
                case_t.update()
                .where(case_t.c.id == bindparam("b_id"))
                .values({k: bindparam(f"b_{k}") for k in cols})
            )
            conn.execute(stmt, [{f"b_{k}": v for k, v in row.items()} for row in updates])
            self.result.updated["case"] += len(updates)
        insert_rows(s, case_t, CASE_COLUMNS, rows)
        self.result.created["case"] += len(rows)
        insert_rows(s, person_t, PERSON_COLUMNS, persons)
        insert_rows(s, child_t, CHILD_COLUMNS, children)
        _insert_many(s, table_of(CaseNotes), notes, None)
        self.replaced.extend(replaced)

    def add_contact(self, ct: ContactData) -> None:
        """A checked contact moment of a new case, to be written (a database file)."""
        row = contact_row(ct, self.ids["case"][ct.case], self.ids["user"][ct.handler])
        self.contact_rows.append(_values(table_of(Contact), CONTACT_COLUMNS, row))

    def _write_contacts(self) -> None:
        if self.contacts:
            for _, ct in self.contacts:
                self.add_contact(ct)
            self.contacts.clear()
        if self.contact_rows:
            insert_rows(self.s, table_of(Contact), CONTACT_COLUMNS, self.contact_rows)
            self.result.created["contact"] += len(self.contact_rows)

    def _write_mediations(self) -> None:
        if not self.mediations:
            return
        s = self.s
        med_t = table_of(Mediation)
        case_ids, mediator_ids = self.ids["case"], self.ids["mediator"]
        new: list[dict[str, Any]] = []
        children: list[dict[str, Any]] = []
        parents: list[dict[str, Any]] = []
        links: list[dict[str, Any]] = []
        interviews: list[dict[str, Any]] = []
        for _, m in self.mediations:
            values = mediation_row(m, case_ids[m.case] if m.case else None)
            existing = self.db_mediations.get(m.ref)
            if existing is not None:
                s.execute(update(Mediation).where(Mediation.id == existing).values(**values))
                for model in (MediationChild, MediationParent, ChildInterview):
                    s.execute(delete(model).where(model.mediation_id == existing))
                s.execute(
                    delete(mediation_mediators).where(
                        mediation_mediators.c.mediation_id == existing
                    )
                )
                mid = existing
                self.result.updated["mediation"] += 1
            else:
                mid = self.ids["mediation"][m.ref]
                new.append({**values, "id": mid})
                self.result.created["mediation"] += 1
            children.extend(
                {**child_values(ch, i), "mediation_id": mid} for i, ch in enumerate(m.children)
            )
            parents.extend(
                {**mediation_parent_values(p, i), "mediation_id": mid}
                for i, p in enumerate(m.parents)
            )
            links.extend(
                {"mediation_id": mid, "mediator_id": mediator_ids[name], "position": i}
                for i, name in enumerate(m.mediators)
            )
            interviews.extend(
                {"mediation_id": mid, "date": iv.date, "children": iv.children}
                for iv in m.child_interviews
            )
        _insert_many(s, med_t, new, None)
        _insert_many(s, table_of(MediationChild), children, None)
        _insert_many(s, table_of(MediationParent), parents, None)
        _insert_many(s, mediation_mediators, links, None)
        _insert_many(s, table_of(ChildInterview), interviews, None)

    def _write_activities(self) -> None:
        rows = [
            {
                "date": a.date,
                "kind": a.kind,
                "organisation": a.organisation,
                "title": a.title,
                "extra": a.x,
            }
            for _, a in self.activities
        ]
        _insert_many(self.s, table_of(Activity), rows, None)
        self.result.created["activity"] += len(rows)

    def write_historical(self) -> None:
        for _, h in self.historical:
            if (h.year, h.key) in self.db_historical:
                self.s.execute(
                    update(HistoricalFigure)
                    .where(HistoricalFigure.year == h.year, HistoricalFigure.key == h.key)
                    .values(value=h.value, frozen_at=h.frozen_at, frozen_by=h.frozen_by)
                )
                self.result.updated["historical_figure"] += 1
            else:
                self.s.execute(
                    table_of(HistoricalFigure).insert(),
                    {
                        "year": h.year,
                        "key": h.key,
                        "value": h.value,
                        "frozen_at": h.frozen_at,
                        "frozen_by": h.frozen_by,
                    },
                )
                self.result.created["historical_figure"] += 1


# The rows of new cases, their people and children as stored: `rows.case_row`,
# `person_row` and `child_row` with the conversions of `_converter` (dates as ISO
# text, choices as their values), built straight from the records (issue #16).
CASE_COLUMNS = (
    "id",
    "ref",
    "line",
    "code",
    "opened",
    "closed",
    "close_reason",
    "handler_id",
    "country",
    "direction",
    "taker",
    "mover",
    "removal_date",
    "proceedings_started",
    "decision_first_instance",
    "appeal_ready",
)
PERSON_COLUMNS = (
    "case_id",
    "role",
    "kind",
    "relation",
    "side",
    "organisation_type",
    "organisation",
    "first_name",
    "last_name",
    "birth_date",
    "phone",
    "email",
)
CHILD_COLUMNS = ("case_id", "position", "first_name", "last_name", "birth_date", "age")


def _day(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


def _choice(value: Any) -> str | None:
    # (a StrEnum's plain str: see `_converter`)
    return None if value is None else str.__str__(value)


def _case_values(c: CaseData, case_id: int, handler_id: int) -> tuple[Any, ...]:
    return (
        case_id,
        c.ref,
        c.line,
        _choice(c.code),
        _day(c.opened),
        _day(c.closed),
        _choice(c.close_reason),
        handler_id,
        c.country,
        _choice(c.direction),
        _choice(c.taker),
        _choice(c.mover),
        _day(c.removal_date),
        _day(c.proceedings_started),
        _day(c.decision_first_instance),
        _day(c.appeal_ready),
    )


def _person_values(p: PersonData, case_id: int, role: str) -> tuple[Any, ...]:
    return (
        case_id,
        role,
        _choice(p.kind),
        _choice(p.relation),
        _choice(p.side),
        _choice(p.organisation_type),
        p.organisation,
        p.first_name,
        p.last_name,
        _day(p.birth_date),
        p.phone,
        p.email,
    )


CONTACT_COLUMNS = (
    "case_id",
    "at",
    "channel",
    "party",
    "handler_id",
    "minutes",
    "summary",
    "extra",
)
"""The columns of `ImportWriter.contact_rows`, in order (`rows.contact_row`'s)."""


def _values(table: Table, names: Sequence[str], row: dict[str, Any]) -> tuple[Any, ...]:
    """A row's values in the order of `names`, converted as the column types do."""
    return tuple(
        v if v is None or (f := _converter(table.c[name].type)) is None else f(v)
        for name, v in ((name, row[name]) for name in names)
    )


def _insert_many(
    session: Session,
    table: Table,
    rows: Sequence[dict[str, Any]],
    progress: Callable[[int, int], None] | None,
    batch: int = 20_000,
) -> None:
    """Bulk INSERT straight through the driver, values converted as the column types do.

    SQLAlchemy's per-parameter processing costs more than SQLite's insert for
    hundreds of thousands of rows; the conversions here store exactly what the
    column types store (same text formats), so the ORM reads them back alike.
    """
    if not rows:
        return
    names = tuple(rows[0])
    # Only the columns that need a conversion are touched per row (this loop runs
    # for every value of a whole import: kept free of per-value generator calls).
    convert = [
        (i, f) for i, name in enumerate(names) if (f := _converter(table.c[name].type)) is not None
    ]
    getter = itemgetter(*names) if len(names) > 1 else (lambda row: (row[names[0]],))
    for i in range(0, len(rows), batch):
        chunk: list[tuple[Any, ...]] = []
        for row in rows[i : i + batch]:
            values = list(getter(row))
            for j, f in convert:
                v = values[j]
                if v is not None:
                    values[j] = f(v)
            chunk.append(tuple(values))
        insert_rows(session, table, names, chunk)
        if progress:
            progress(min(i + batch, len(rows)), len(rows))


def _datetime_text(value: datetime) -> str:
    # SQLAlchemy's SQLite DateTime format ("%Y-%m-%d %H:%M:%S.%f"), without strftime's cost.
    return value.isoformat(" ", "microseconds")


def _converter(type_: Any) -> Callable[[Any], Any] | None:
    from sqlalchemy import JSON, Boolean, Date, DateTime, Enum

    if isinstance(type_, Enum):
        # A StrEnum is a str holding its value, and would bind as the value itself, but
        # the driver binds at once only an exact str: any other type goes through its
        # adapter look-up first (two failed attribute look-ups, about 2 µs a value).
        # str.__str__ gives the plain str of the value (a plain str stays as it is).
        return str.__str__
    if isinstance(type_, DateTime):
        return _datetime_text
    if isinstance(type_, Date):
        return date.isoformat
    if isinstance(type_, JSON):
        return lambda v: json.dumps(v, ensure_ascii=False)
    if isinstance(type_, Boolean):
        return int
    return None
