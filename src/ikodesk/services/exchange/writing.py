"""The write phase of an import: the checked records into the database, in bulk.

Bulk writes go through SQLAlchemy Core with ids assigned up front (and
straight through the driver for the large tables), so that a year of data
(tens of thousands of records) imports in seconds. The rows are built by
`rows`; the check phase (`importing.Importer`) fills the lists this class
writes. Afterwards the family matching runs over every case written.

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
from ikodesk.services import conflicts, search_index
from ikodesk.services.backend import on_server
from ikodesk.services.exchange.rows import (
    CHUNK,
    case_row,
    child_row,
    child_values,
    contact_row,
    mediation_parent_values,
    mediation_row,
    person_row,
    table_of,
)
from ikodesk.services.exchange.server_writing import write_on_server
from ikodesk.services.exchange.walls import LineProblem, WallRecords
from ikodesk.services.validation import (
    ActivityData,
    CaseData,
    ContactData,
    HistoricalFigureData,
    MediationData,
    MediatorData,
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

    @property
    def records(self) -> int:
        return sum(self.created.values()) + sum(self.updated.values()) + sum(self.skipped.values())


class ImportWriter:
    """Writes the records the check accepted; keeps the counts in `result`."""

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
        self.mediations: list[tuple[int, MediationData]] = []
        self.activities: list[tuple[int, ActivityData]] = []
        self.historical: list[tuple[int, HistoricalFigureData]] = []
        self.wall_records = WallRecords()  # conflict, wall and case_opening records
        self.result = ImportResult()
        self.written: list[tuple[int, CaseData]] = []  # (case id, record) of written cases
        self.replaced: list[int] = []  # ids of existing cases this import overwrote

    def _next_id(self, table: Any) -> int:
        return int(self.s.scalar(select(func.coalesce(func.max(table.c.id), 0))) or 0) + 1

    def write(self) -> ImportResult:
        s = self.s
        if on_server(s):
            return write_on_server(self)
        # Take the write lock before reading the id counters below.
        s.execute(text("UPDATE meta SET value = value WHERE key = 'database_id'"))
        self._write_users()
        self._write_mediators()
        self._write_cases()
        self._write_contacts()
        self._write_mediations()
        self._write_activities()
        self.write_historical()
        s.flush()
        if self.wall_records:
            # Before the matching: an imported decision stands (exchange.walls).
            try:
                self.wall_records.write(s, self.db_cases, self.db_users, self.result.created)
            except LineProblem as e:
                raise ValidationError([e.problem], line=e.line) from None
            for kind, n in self.wall_records.skipped.items():
                self.result.skipped[kind] += n
        if self.result.case_ids:
            # Handlers of overwritten cases already in a conflict stand on their case's
            # side (new cases are in no pair yet); then the family matching over
            # everything this import wrote.
            conflicts.claim_for_handlers(s, self.replaced)
            profiles = {cid: conflicts.profile_from_data(cid, c) for cid, c in self.written}
            found = conflicts.detect(s, self.result.case_ids, profiles)
            self.result.conflicts = len(found.conflicts)
            self.result.reviews = len(found.reviews)
        return self.result

    def _progress(self, done: int, total: int) -> None:
        if self.progress:
            self.progress("schrijven", done, total)

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
            table = table_of(User)
            next_id = self._next_id(table)
            for row in new:
                row["id"] = next_id
                self.db_users[row["username"]] = next_id
                next_id += 1
            self.s.execute(table.insert(), new)
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
            table = table_of(Mediator)
            next_id = self._next_id(table)
            for row in new:
                row["id"] = next_id
                self.db_mediators[row["name"]] = next_id
                next_id += 1
            self.s.execute(table.insert(), new)
            self.result.created["mediator"] += len(new)

    def _write_cases(self) -> None:
        if not self.cases:
            return
        s = self.s
        case_t, person_t, child_t = table_of(Case), table_of(Person), table_of(Child)
        next_case = self._next_id(case_t)
        rows: list[dict[str, Any]] = []
        updates: list[dict[str, Any]] = []
        persons: list[dict[str, Any]] = []
        children: list[dict[str, Any]] = []
        notes: list[dict[str, Any]] = []
        replaced: list[int] = []
        for _, c in self.cases:
            assert c.ref is not None
            values = case_row(c, self.db_users[c.handler])
            # The free text goes to its own table (models.CaseNotes).
            note = {"summary": values.pop("summary"), "extra": values.pop("extra")}
            existing = self.db_cases.get(c.ref)
            if existing is not None:
                values["id"] = existing
                updates.append(values)
                replaced.append(existing)
                case_id = existing
            else:
                values["id"] = case_id = next_case
                next_case += 1
                rows.append(values)
                self.db_cases[c.ref] = case_id
            self.result.case_ids.append(case_id)
            self.written.append((case_id, c))
            if note["summary"] is not None or note["extra"] is not None:
                notes.append({"case_id": case_id, **note})
            persons.append(person_row(c.requester, case_id, PersonRole.REQUESTER))
            if c.other_parent is not None:
                persons.append(person_row(c.other_parent, case_id, PersonRole.OTHER_PARENT))
            children.extend(child_row(ch, case_id, i) for i, ch in enumerate(c.children))
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
        _insert_many(s, case_t, rows, self._progress)
        self.result.created["case"] += len(rows)
        _insert_many(s, person_t, persons, None)
        _insert_many(s, child_t, children, None)
        _insert_many(s, table_of(CaseNotes), notes, None)
        if rows:
            search_index.index_new_cases(s, rows[0]["id"])
        if replaced:
            search_index.reindex_cases(s, replaced)
        self.replaced = replaced

    def _write_contacts(self) -> None:
        if not self.contacts:
            return
        rows = [
            contact_row(ct, self.db_cases[ct.case], self.db_users[ct.handler])
            for _, ct in self.contacts
        ]
        _insert_many(self.s, table_of(Contact), rows, self._progress)
        self.result.created["contact"] += len(rows)

    def _write_mediations(self) -> None:
        if not self.mediations:
            return
        s = self.s
        med_t = table_of(Mediation)
        next_id = self._next_id(med_t)
        new: list[dict[str, Any]] = []
        children: list[dict[str, Any]] = []
        parents: list[dict[str, Any]] = []
        links: list[dict[str, Any]] = []
        interviews: list[dict[str, Any]] = []
        for _, m in self.mediations:
            values = mediation_row(m, self.db_cases.get(m.case) if m.case else None)
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
                mid = next_id
                next_id += 1
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
                {"mediation_id": mid, "mediator_id": self.db_mediators[name], "position": i}
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
    conn = session.connection()
    compiled = table.insert().compile(dialect=conn.dialect, column_keys=list(rows[0]))
    sql = str(compiled)
    names = list(compiled.positiontup or ())
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
        conn.exec_driver_sql(sql, chunk)
        if progress:
            progress(min(i + batch, len(rows)), len(rows))


def _datetime_text(value: datetime) -> str:
    # SQLAlchemy's SQLite DateTime format ("%Y-%m-%d %H:%M:%S.%f"), without strftime's cost.
    return value.isoformat(" ", "microseconds")


def _converter(type_: Any) -> Callable[[Any], Any] | None:
    from sqlalchemy import JSON, Boolean, Date, DateTime, Enum

    if isinstance(type_, Enum):
        return None  # a StrEnum is a str holding its value: it binds as the value itself
    if isinstance(type_, DateTime):
        return _datetime_text
    if isinstance(type_, Date):
        return date.isoformat
    if isinstance(type_, JSON):
        return lambda v: json.dumps(v, ensure_ascii=False)
    if isinstance(type_, Boolean):
        return int
    return None
