"""Exchange format v1 (JSON Lines): import and export.

Import is all or nothing: every line is parsed and checked (types, rules,
references across the whole file and the database) before anything is
written, and the writes happen in the caller's single transaction. The first
problem is reported with its line number, field and expectation.

Bulk writes go through SQLAlchemy Core with ids assigned up front, so that
a year of data (tens of thousands of records) imports in seconds.
"""

from __future__ import annotations

import gc
import io
import json
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from operator import itemgetter
from pathlib import Path
from typing import Any, TextIO, cast

from sqlalchemy import Table, bindparam, delete, func, select, text, tuple_, update
from sqlalchemy.orm import Session, selectinload

from ikodesk.errors import ValidationError
from ikodesk.models import (
    Activity,
    Case,
    Child,
    ChildInterview,
    Contact,
    Country,
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
from ikodesk.services import access, audit, conflicts, search_index
from ikodesk.services.access import Action, CaseFacts
from ikodesk.services.actors import Actor
from ikodesk.services.exchange_read import Line, decoded_lines, open_input, read_lines
from ikodesk.services.figure_keys import SCALAR_KEY_SET
from ikodesk.services.validation import (
    ActivityData,
    CaseData,
    ChildData,
    ContactData,
    FieldProblem,
    HistoricalFigureData,
    MediationData,
    MediationParentData,
    MediatorData,
    PersonData,
    UserData,
    case_rules,
    mediation_rules,
    parse_activity,
    parse_case,
    parse_contact,
    parse_historical_figure,
    parse_mediation,
    parse_mediator,
    parse_user,
    take_x_parents,
)
from ikodesk.storage import files

RECORD_TYPES = (
    "user",
    "mediator",
    "case",
    "contact",
    "mediation",
    "activity",
    "historical_figure",
)
_CHUNK = 500

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


def _problem(line: int, problem: FieldProblem) -> ValidationError:
    return ValidationError({problem.field: problem.message}, line=line)


def _existing(session: Session, column: Any, values: Iterable[Any]) -> dict[Any, int]:
    """Map each given value of a unique column to its row id, for the values that exist."""
    found: dict[Any, int] = {}
    values = list(values)
    id_col = column.table.c.id
    for i in range(0, len(values), _CHUNK):
        chunk = values[i : i + _CHUNK]
        for value, row_id in session.execute(select(column, id_col).where(column.in_(chunk))):
            found[value] = row_id
    return found


def import_lines(
    session: Session,
    actor: Actor,
    lines: Iterable[str],
    *,
    update: bool = False,
    progress: Progress | None = None,
) -> ImportResult:
    """Check and write the records of an exchange file in the session's transaction.

    Raises ValidationError/InputError for the first invalid line; then nothing
    has been written (the caller rolls back the transaction).
    """
    access.require(session, actor, Action.IMPORT)
    with _without_cyclic_gc():
        parsed = read_lines(lines, RECORD_TYPES, progress)
        importer = _Importer(session, update, progress)
        importer.check(parsed)
        result = importer.write()
    audit.log(
        session,
        actor,
        Action.IMPORT.value,
        "database",
        None,
        detail=(
            f"{result.records} records, {result.created['case']} zaken nieuw, "
            f"{result.updated['case']} bijgewerkt; {result.conflicts} conflicten, "
            f"{result.reviews} ter beoordeling"
        ),
    )
    return result


@contextmanager
def _without_cyclic_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector during a bulk import.

    An import keeps hundreds of thousands of parsed records alive; every full
    collection walks all of them and finds nothing (records hold no reference
    cycles, reference counting frees them). Pausing it saves about a quarter
    of a large import's time.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def import_file(
    session: Session,
    actor: Actor,
    path: Path,
    *,
    update: bool = False,
    progress: Progress | None = None,
) -> ImportResult:
    with open_input(Path(path)) as fh:
        return import_lines(session, actor, decoded_lines(fh), update=update, progress=progress)


class _Importer:
    def __init__(self, session: Session, update: bool, progress: Progress | None) -> None:
        self.s = session
        self.update = update
        self.progress = progress
        self.users: list[tuple[int, UserData]] = []
        self.mediators: list[tuple[int, MediatorData]] = []
        self.cases: list[tuple[int, CaseData]] = []
        self.contacts: list[tuple[int, ContactData]] = []
        self.mediations: list[tuple[int, MediationData]] = []
        self.activities: list[tuple[int, ActivityData]] = []
        self.historical: list[tuple[int, HistoricalFigureData]] = []
        self.result = ImportResult()
        self.written: list[tuple[int, CaseData]] = []  # (case id, record) of written cases
        self.replaced: list[int] = []  # ids of existing cases this import overwrote

    # -- checking -----------------------------------------------------------------
    def check(self, lines: list[Line]) -> None:
        s = self.s
        self.result.lines = len(lines)
        # Identities declared in the file, for references and duplicates.
        declared: dict[str, dict[Any, int]] = {t: {} for t in RECORD_TYPES}
        key_field = {"user": "username", "mediator": "name", "case": "ref", "mediation": "ref"}
        for ln in lines:
            kf = key_field.get(ln.type)
            if kf is None:
                continue
            value = ln.data.get(kf)
            if isinstance(value, str):
                value = value.strip()
                if value in declared[ln.type]:
                    raise ValidationError(
                        {kf: f'"{value}" komt al voor op regel {declared[ln.type][value]}'},
                        line=ln.number,
                    )
                declared[ln.type][value] = ln.number

        case_refs = set(declared["case"])
        for ln in lines:
            if ln.type in ("contact", "mediation") and isinstance(ln.data.get("case"), str):
                case_refs.add(ln.data["case"])
        user_names = set(declared["user"])
        for ln in lines:
            h = ln.data.get("handler")
            if isinstance(h, str):
                user_names.add(h.strip())
        mediator_names = set(declared["mediator"])
        for ln in lines:
            for name in ln.data.get("mediators") or () if ln.type == "mediation" else ():
                if isinstance(name, str):
                    mediator_names.add(name.strip())

        self.db_users = _existing(s, table_of(User).c.username, user_names)
        self.db_mediators = _existing(s, table_of(Mediator).c.name, mediator_names)
        self.db_cases = _existing(s, table_of(Case).c.ref, case_refs)
        self.db_mediations = _existing(s, table_of(Mediation).c.ref, declared["mediation"])
        self.countries = set(s.scalars(select(Country.iso2)))
        hist_keys = [
            (ln.data.get("year"), ln.data.get("key"))
            for ln in lines
            if ln.type == "historical_figure"
        ]
        self.db_historical: set[tuple[Any, Any]] = set()
        for i in range(0, len(hist_keys), _CHUNK):
            chunk = hist_keys[i : i + _CHUNK]
            self.db_historical.update(
                (y, k)
                for y, k in s.execute(
                    select(HistoricalFigure.year, HistoricalFigure.key).where(
                        tuple_(HistoricalFigure.year, HistoricalFigure.key).in_(chunk)
                    )
                )
            )
        seen_hist: dict[tuple[int, str], int] = {}
        # Records identical to stored ones are counted as unchanged (exchange_same.py).
        from ikodesk.services.exchange_same import Stored

        self.stored = Stored(s)
        self.declared = declared
        self.contact_cases = sorted(
            {
                self.db_cases[ln.data["case"]]
                for ln in lines
                if ln.type == "contact" and ln.data.get("case") in self.db_cases
            }
        )

        known_users = set(declared["user"]) | set(self.db_users)
        known_cases = set(declared["case"]) | set(self.db_cases)
        known_mediators = set(declared["mediator"]) | set(self.db_mediators)
        total = len(lines)
        for i, ln in enumerate(lines):
            try:
                self._check_one(ln, known_users, known_cases, known_mediators, seen_hist)
            except FieldProblem as problem:
                raise _problem(ln.number, problem) from None
            if self.progress and i % 10_000 == 0:
                self.progress("controleren", i, total)

    def _unchanged(self, kind: str, key: Any, record: Any, db_keys: dict[Any, Any]) -> bool:
        """Whether a record of a stored reference is identical to it (then it is skipped)."""
        if key not in db_keys:
            return False

        def keys() -> list[Any]:
            # Asked once per record type (the stored records are read together).
            if kind == "historical_figure":
                return list(db_keys)
            return [k for k in self.declared.get(kind, db_keys) if k in db_keys]

        if self.stored.same(kind, key, record, keys):
            self.result.skipped[kind] += 1
            return True
        return False

    def _exists_error(self, what: str, name: str, field_name: str) -> FieldProblem:
        return FieldProblem(
            field_name,
            f'{what} "{name}" bestaat al in de database (gebruik --update om bij te werken)',
        )

    def _check_one(
        self,
        ln: Line,
        known_users: set[str],
        known_cases: set[str],
        known_mediators: set[str],
        seen_hist: dict[tuple[int, str], int],
    ) -> None:
        t = ln.type
        if t == "case":
            c = parse_case(ln.data)
            problems = case_rules(c, self.countries)
            if problems:
                raise problems[0]
            if c.handler not in known_users:
                raise FieldProblem(
                    "handler",
                    f'onbekende gebruiker "{c.handler}" (niet in het bestand of de database)',
                )
            assert c.ref is not None
            if self._unchanged("case", c.ref, c, self.db_cases):
                return
            if c.ref in self.db_cases and not self.update:
                raise self._exists_error("zaak", c.ref, "ref")
            self.cases.append((ln.number, c))
        elif t == "contact":
            ct = parse_contact(ln.data)
            if ct.case not in known_cases:
                raise FieldProblem(
                    "case", f'onbekende zaak "{ct.case}" (niet in het bestand of de database)'
                )
            if ct.handler not in known_users:
                raise FieldProblem(
                    "handler",
                    f'onbekende gebruiker "{ct.handler}" (niet in het bestand of de database)',
                )
            if self.stored.take("contact", ct, self.contact_cases):
                self.result.skipped["contact"] += 1
                return
            self.contacts.append((ln.number, ct))
        elif t == "user":
            u = parse_user(ln.data)
            if self._unchanged("user", u.username, u, self.db_users):
                return
            if u.username in self.db_users and not self.update:
                raise self._exists_error("gebruiker", u.username, "username")
            self.users.append((ln.number, u))
        elif t == "mediator":
            md = parse_mediator(ln.data)
            if self._unchanged("mediator", md.name, md, self.db_mediators):
                return
            if md.name in self.db_mediators and not self.update:
                raise self._exists_error("mediator", md.name, "name")
            self.mediators.append((ln.number, md))
        elif t == "mediation":
            m = parse_mediation(ln.data)
            take_x_parents(m, self.countries)
            problems = mediation_rules(m, self.countries)
            if problems:
                raise problems[0]
            if m.case is not None and m.case not in known_cases:
                raise FieldProblem(
                    "case", f'onbekende zaak "{m.case}" (niet in het bestand of de database)'
                )
            for i, name in enumerate(m.mediators):
                if name not in known_mediators:
                    raise FieldProblem(
                        f"mediators[{i}]",
                        f'onbekende mediator "{name}" (niet in het bestand of de database)',
                    )
            if self._unchanged("mediation", m.ref, m, self.db_mediations):
                return
            if m.ref in self.db_mediations and not self.update:
                raise self._exists_error("mediation", m.ref, "ref")
            self.mediations.append((ln.number, m))
        elif t == "activity":
            a = parse_activity(ln.data)
            if self.stored.take("activity", a, ()):
                self.result.skipped["activity"] += 1
                return
            self.activities.append((ln.number, a))
        else:
            h = parse_historical_figure(ln.data, SCALAR_KEY_SET)
            key = (h.year, h.key)
            if key in seen_hist:
                raise FieldProblem(
                    "key", f"{h.year} {h.key} komt al voor op regel {seen_hist[key]}"
                )
            seen_hist[key] = ln.number
            if self._unchanged("historical_figure", key, h, dict.fromkeys(self.db_historical)):
                return
            if key in self.db_historical and not self.update:
                raise FieldProblem(
                    "key",
                    f"cijfer {h.key} voor {h.year} bestaat al in de database "
                    "(gebruik --update om bij te werken)",
                )
            self.historical.append((ln.number, h))

    # -- writing -------------------------------------------------------------------
    def _next_id(self, table: Any) -> int:
        return int(self.s.scalar(select(func.coalesce(func.max(table.c.id), 0))) or 0) + 1

    def write(self) -> ImportResult:
        s = self.s
        # Take the write lock before reading the id counters below.
        s.execute(text("UPDATE meta SET value = value WHERE key = 'database_id'"))
        self._write_users()
        self._write_mediators()
        self._write_cases()
        self._write_contacts()
        self._write_mediations()
        self._write_activities()
        self._write_historical()
        s.flush()
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
        replaced: list[int] = []
        for _, c in self.cases:
            assert c.ref is not None
            values = case_row(c, self.db_users[c.handler])
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
            persons.append(person_row(c.requester, case_id, PersonRole.REQUESTER))
            if c.other_parent is not None:
                persons.append(person_row(c.other_parent, case_id, PersonRole.OTHER_PARENT))
            children.extend(child_row(ch, case_id, i) for i, ch in enumerate(c.children))
        for i in range(0, len(replaced), _CHUNK):
            chunk = replaced[i : i + _CHUNK]
            s.execute(delete(Person).where(Person.case_id.in_(chunk)))
            s.execute(delete(Child).where(Child.case_id.in_(chunk)))
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

    def _write_historical(self) -> None:
        for _, h in self.historical:
            if (h.year, h.key) in self.db_historical:
                self.s.execute(
                    update(HistoricalFigure)
                    .where(HistoricalFigure.year == h.year, HistoricalFigure.key == h.key)
                    .values(value=h.value)
                )
                self.result.updated["historical_figure"] += 1
            else:
                self.s.execute(
                    table_of(HistoricalFigure).insert(),
                    {"year": h.year, "key": h.key, "value": h.value},
                )
                self.result.created["historical_figure"] += 1


def table_of(model: type[Any]) -> Table:
    """The Core table of a mapped class (for bulk statements)."""
    return cast(Table, model.__table__)


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


# --- rows from typed records (shared with the case service) ---------------------


def case_row(c: CaseData, handler_id: int) -> dict[str, Any]:
    return {
        "ref": c.ref,
        "line": c.line,
        "code": c.code,
        "opened": c.opened,
        "closed": c.closed,
        "close_reason": c.close_reason,
        "handler_id": handler_id,
        "country": c.country,
        "direction": c.direction,
        "taker": c.taker,
        "mover": c.mover,
        "summary": c.summary,
        "extra": c.x,
    }


def person_row(p: PersonData, case_id: int, role: PersonRole) -> dict[str, Any]:
    return {
        "case_id": case_id,
        "role": role,
        "kind": p.kind,
        "relation": p.relation,
        "side": p.side,
        "organisation_type": p.organisation_type,
        "organisation": p.organisation,
        "first_name": p.first_name,
        "last_name": p.last_name,
        "birth_date": p.birth_date,
        "phone": p.phone,
        "email": p.email,
    }


def child_row(ch: ChildData, case_id: int, position: int) -> dict[str, Any]:
    return {"case_id": case_id, **child_values(ch, position)}


def child_values(ch: ChildData, position: int) -> dict[str, Any]:
    return {
        "position": position,
        "first_name": ch.first_name,
        "last_name": ch.last_name,
        "birth_date": ch.birth_date,
        "age": ch.age,
    }


def mediation_parent_values(p: MediationParentData, position: int) -> dict[str, Any]:
    return {
        "position": position,
        "relation": p.relation,
        "first_name": p.first_name,
        "last_name": p.last_name,
        "birth_date": p.birth_date,
        "country": p.country,
    }


def contact_row(ct: ContactData, case_id: int, handler_id: int) -> dict[str, Any]:
    return {
        "case_id": case_id,
        "at": ct.at,
        "channel": ct.channel,
        "party": ct.party,
        "handler_id": handler_id,
        "minutes": ct.minutes,
        "summary": ct.summary,
        "extra": ct.x,
    }


def mediation_row(m: MediationData, case_id: int | None) -> dict[str, Any]:
    return {
        "ref": m.ref,
        "kind": m.kind,
        "requested": m.requested,
        "case_id": case_id,
        "referred_by": m.referred_by,
        "status": m.status,
        "started": m.started,
        "not_started_reason": m.not_started_reason,
        "special_curator": m.special_curator,
        "intake": m.intake,
        "outcome": m.outcome,
        "ended": m.ended,
        "failure_reasons": [r.value for r in m.failure_reasons],
        "extra": m.x,
    }


# --- export ---------------------------------------------------------------------


def _d(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _t(value: datetime) -> str:
    return value.strftime("%Y-%m-%dT%H:%M" if value.second == 0 else "%Y-%m-%dT%H:%M:%S")


def _compact(obj: dict[str, Any]) -> dict[str, Any]:
    """Drop absent optional fields (null) so that exports stay small and readable."""
    return {k: v for k, v in obj.items() if v is not None}


def _person_json(row: Any, with_side: bool) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if with_side:
        out["kind"] = row.kind
    if row.kind == "professional":
        out["organisation_type"] = row.organisation_type
        out["organisation"] = row.organisation
    else:
        out["relation"] = row.relation
        if with_side and row.kind == "parent":
            out["side"] = row.side
    out.update(
        first_name=row.first_name,
        last_name=row.last_name,
        birth_date=_d(row.birth_date),
        phone=row.phone,
        email=row.email,
    )
    return _compact(out)


def _child_json(row: Any) -> dict[str, Any]:
    return _compact(
        {
            "first_name": row.first_name,
            "last_name": row.last_name,
            "birth_date": _d(row.birth_date),
            "age": row.age if row.birth_date is None else None,
        }
    )


def export_records(
    session: Session, actor: Actor, case_ids: Sequence[int] | None = None
) -> Iterator[dict[str, Any]]:
    """All records (or the given cases with their contacts) as exchange-format objects.

    The whole database needs EXPORT_ALL (the key holder); given cases pass the
    policy one by one (CASE_EXPORT): a walled case is refused, not skipped.
    """
    if case_ids is None:
        access.require(session, actor, Action.EXPORT_ALL)
    else:
        case_ids = list(case_ids)
        case_t = table_of(Case)
        facts = {
            r.id: CaseFacts(r.id, r.line, r.handler_id, r.ref)
            for r in session.execute(
                select(case_t.c.id, case_t.c.line, case_t.c.handler_id, case_t.c.ref).where(
                    case_t.c.id.in_(case_ids)
                )
            )
        }
        for cid in case_ids:
            if cid in facts:
                access.require(session, actor, Action.CASE_EXPORT, facts[cid])
    user_names = {uid: name for uid, name in session.execute(select(User.id, User.username))}
    if case_ids is None:
        for u in session.scalars(select(User).order_by(User.username)):
            yield user_json(u)
        for m in session.scalars(select(Mediator).order_by(Mediator.name)):
            yield mediator_json(m)
    yield from _export_cases(session, user_names, case_ids)
    if case_ids is not None:
        return
    yield from _export_mediations(session)
    for a in session.scalars(select(Activity).order_by(Activity.date, Activity.id)):
        yield activity_json(a)
    for h in session.scalars(
        select(HistoricalFigure).order_by(HistoricalFigure.year, HistoricalFigure.key)
    ):
        yield historical_json(h)


# One function per record type turns a stored row (or the row an import would
# write) into its exchange-format object: the export writes these, and the
# import compares them to recognise an unchanged record (exchange_same.py).


def user_json(u: Any) -> dict[str, Any]:
    return _compact(
        {
            "type": "user",
            "username": u.username,
            "name": u.name or None,
            "role": u.role.value,
            "x": u.extra,
        }
    )


def mediator_json(m: Any) -> dict[str, Any]:
    return _compact(
        {
            "type": "mediator",
            "name": m.name,
            "cbfm": m.cbfm,
            "languages": list(m.languages),
            "active": m.active,
            "x": m.extra,
        }
    )


def activity_json(a: Any) -> dict[str, Any]:
    return _compact(
        {
            "type": "activity",
            "date": a.date.isoformat(),
            "kind": a.kind.value,
            "organisation": a.organisation,
            "title": a.title,
            "x": a.extra,
        }
    )


def historical_json(h: Any) -> dict[str, Any]:
    value: float | int = int(h.value) if float(h.value).is_integer() else h.value
    return {"type": "historical_figure", "year": h.year, "key": h.key, "value": value}


def _export_cases(
    session: Session, user_names: dict[int, str], case_ids: Sequence[int] | None
) -> Iterator[dict[str, Any]]:
    case_t, person_t, child_t, contact_t = (
        table_of(Case),
        table_of(Person),
        table_of(Child),
        table_of(Contact),
    )
    ids = (
        list(case_ids)
        if case_ids is not None
        else list(session.scalars(select(case_t.c.id).order_by(case_t.c.ref)))
    )
    batch = 2000
    for i in range(0, len(ids), batch):
        chunk = ids[i : i + batch]
        cases = {r.id: r for r in session.execute(select(case_t).where(case_t.c.id.in_(chunk)))}
        persons: dict[int, dict[str, Any]] = defaultdict(dict)
        for r in session.execute(select(person_t).where(person_t.c.case_id.in_(chunk))):
            persons[r.case_id][r.role] = r
        kids: dict[int, list[Any]] = defaultdict(list)
        for r in session.execute(
            select(child_t).where(child_t.c.case_id.in_(chunk)).order_by(child_t.c.position)
        ):
            kids[r.case_id].append(r)
        contacts: dict[int, list[Any]] = defaultdict(list)
        for r in session.execute(
            select(contact_t)
            .where(contact_t.c.case_id.in_(chunk))
            .order_by(contact_t.c.at, contact_t.c.id)
        ):
            contacts[r.case_id].append(r)
        for cid in chunk:
            c = cases.get(cid)
            if c is None:
                continue
            yield case_json(c, persons[cid], kids[cid], user_names[c.handler_id])
            for ct in contacts[cid]:
                yield contact_json(ct, c.ref, user_names[ct.handler_id])


def case_json(c: Any, persons: dict[Any, Any], kids: Sequence[Any], handler: str) -> dict[str, Any]:
    """A case (a row or a Case) with its people and children as an exchange-format object."""
    return _compact(
        {
            "type": "case",
            "ref": c.ref,
            "line": c.line,
            "code": c.code,
            "opened": _d(c.opened),
            "closed": _d(c.closed),
            "close_reason": c.close_reason,
            "handler": handler,
            "requester": _person_json(persons["requester"], True),
            "other_parent": (
                _person_json(persons["other_parent"], False) if "other_parent" in persons else None
            ),
            "children": [_child_json(k) for k in kids] or None,
            "country": c.country,
            "direction": c.direction,
            "taker": c.taker,
            "mover": c.mover,
            "summary": c.summary,
            "x": c.extra,
        }
    )


def contact_json(ct: Any, case_ref: str, handler: str) -> dict[str, Any]:
    return _compact(
        {
            "type": "contact",
            "case": case_ref,
            "at": _t(ct.at),
            "channel": ct.channel,
            "party": ct.party,
            "handler": handler,
            "minutes": ct.minutes,
            "summary": ct.summary,
            "x": ct.extra,
        }
    )


def dossier_records(case: Case) -> list[dict[str, Any]]:
    """A case already read through the policy (cases.get_case), with its contact moments."""
    persons = {p.role.value: p for p in case.persons}
    records = [case_json(case, persons, case.children, case.handler.username)]
    records += [contact_json(ct, case.ref, ct.handler.username) for ct in case.contacts]
    return records


def _export_mediations(
    session: Session, refs: Sequence[str] | None = None
) -> Iterator[dict[str, Any]]:
    """All mediations, or those with the given references."""
    case_refs = {
        cid: ref
        for cid, ref in session.execute(
            select(Case.id, Case.ref).where(
                Case.id.in_(select(Mediation.case_id).where(Mediation.case_id.is_not(None)))
            )
        )
    }
    loads = (
        selectinload(Mediation.children),
        selectinload(Mediation.parents),
        selectinload(Mediation.mediators),
        selectinload(Mediation.child_interviews),
    )
    query = select(Mediation).options(*loads).order_by(Mediation.ref)
    chunks = [None] if refs is None else [refs[i : i + _CHUNK] for i in range(0, len(refs), _CHUNK)]
    for chunk in chunks:
        q = query if chunk is None else query.where(Mediation.ref.in_(chunk))
        for m in session.scalars(q):
            yield mediation_json(m, case_refs.get(m.case_id) if m.case_id else None)


def mediation_json(m: Any, case_ref: str | None) -> dict[str, Any]:
    """A mediation (with its children, parents, mediators, interviews) as an object."""
    return _compact(
        {
            "type": "mediation",
            "ref": m.ref,
            "kind": m.kind.value,
            "requested": _d(m.requested),
            "case": case_ref,
            "referred_by": m.referred_by.value if m.referred_by else None,
            "children": [_child_json(k) for k in m.children] or None,
            "status": m.status.value,
            "started": _d(m.started),
            "not_started_reason": m.not_started_reason,
            "special_curator": _d(m.special_curator),
            "intake": m.intake.value if m.intake else None,
            "outcome": m.outcome.value if m.outcome else None,
            "ended": _d(m.ended),
            "failure_reasons": list(m.failure_reasons) or None,
            "mediators": [md.name for md in m.mediators] or None,
            "child_interviews": [
                {"date": iv.date.isoformat(), "children": iv.children} for iv in m.child_interviews
            ]
            or None,
            "x": _mediation_x(m),
        }
    )


def _mediation_x(m: Any) -> dict[str, Any] | None:
    """The mediation's free data, with its parents under `x.parents`.

    Exchange format v1 has no field for the parents of a mediation; carrying
    them here keeps them through an export and re-import (the importer adopts
    a valid `x.parents`, see validation.take_x_parents). Proposed as the
    top-level field `parents` of format v1.1.
    """
    if not m.parents:
        return cast(dict[str, Any] | None, m.extra)
    return {
        **(m.extra or {}),
        "parents": [
            _compact(
                {
                    "relation": p.relation.value,
                    "first_name": p.first_name,
                    "last_name": p.last_name,
                    "birth_date": _d(p.birth_date),
                    "country": p.country,
                }
            )
            for p in m.parents
        ],
    }


def json_line(record: dict[str, Any]) -> str:
    """One record as a line of the exchange format (UTF-8 text, no trailing newline)."""
    return json.dumps(record, ensure_ascii=False, separators=(",", ":"))


def write_records(records: Iterable[dict[str, Any]], stream: TextIO) -> int:
    """Write records as JSON lines to an open text stream; returns the count."""
    count = 0
    for rec in records:
        stream.write(json_line(rec))
        stream.write("\n")
        count += 1
    return count


def write_jsonl(records: Iterable[dict[str, Any]], path: Path) -> int:
    """Write records to the file `path` atomically (owner-only); returns the count.

    A half-written export never appears under the final name (see
    storage.files.safe_output). A pipe or terminal named directly is written to
    directly.
    """
    path = Path(path)
    if files.is_stream(path):
        with path.open("w", encoding="utf-8", newline="\n") as fh:
            return write_records(records, fh)
    with files.safe_output(path) as raw:
        fh = io.TextIOWrapper(raw, encoding="utf-8", newline="\n")
        try:
            count = write_records(records, fh)
        finally:
            fh.detach()  # flushes; the binary file is closed by safe_output
    return count


def export_file(session: Session, actor: Actor, path: Path) -> int:
    """Export the whole database to `path`; returns the number of records."""
    return write_jsonl(export_records(session, actor), path)
