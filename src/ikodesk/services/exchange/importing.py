"""Importing an exchange file: every record read and checked before anything is written.

Import is all or nothing: every line is parsed and checked (types, rules,
references across the whole file and the database) before anything is
written, and the writes happen in the caller's single transaction. The first
problem is reported with its line number, field and expectation. A record
identical to the stored one is counted as unchanged (`unchanged`), and the
writing is `writing.ImportWriter`'s.

On the office server an import adds new dossiers only: its administrator can
neither read a stored case or mediation nor compare it with the file, so a
case or mediation whose reference is already there, and a contact moment of
such a case, are refused with a message that says why (`server_writing`).
"""

from __future__ import annotations

import gc
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import select, tuple_
from sqlalchemy.orm import Session

from ikodesk.errors import QT_TRANSLATE_NOOP, ValidationError
from ikodesk.models import Case, Country, HistoricalFigure, Mediation, Mediator, User
from ikodesk.services import access, audit
from ikodesk.services.access import Action
from ikodesk.services.actors import Actor
from ikodesk.services.backend import on_server
from ikodesk.services.exchange.reading import Line, decoded_lines, open_input, read_lines
from ikodesk.services.exchange.rows import CHUNK, existing_ids, table_of
from ikodesk.services.exchange.unchanged import Stored
from ikodesk.services.exchange.walls import ON_SERVER as WALLS_ON_SERVER
from ikodesk.services.exchange.walls import RECORD_TYPES as WALL_TYPES
from ikodesk.services.exchange.walls import parse as parse_wall_record
from ikodesk.services.exchange.writing import ImportResult, ImportWriter, Progress
from ikodesk.services.figure_keys import SCALAR_KEY_SET
from ikodesk.services.nlformat import counted, number
from ikodesk.services.validation import (
    FieldProblem,
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

# New dossiers only on the office server (its administrator reads none).
CASE_ON_SERVER = QT_TRANSLATE_NOOP(
    "services",
    'zaak "{ref}" staat al op de kantoorserver. Een import voegt daar alleen nieuwe zaken '
    "toe: de server kan de zaak niet met het bestand vergelijken zonder haar te lezen, en "
    "een beheerder leest geen dossiers. Haal de zaak uit het bestand.",
)
MEDIATION_ON_SERVER = QT_TRANSLATE_NOOP(
    "services",
    'mediation "{ref}" staat al op de kantoorserver. Een import voegt daar alleen nieuwe '
    "mediations toe: de server kan het dossier niet met het bestand vergelijken zonder het "
    "te lezen, en een beheerder leest geen dossiers. Haal de mediation uit het bestand.",
)
CONTACT_ON_SERVER = QT_TRANSLATE_NOOP(
    "services",
    'zaak "{ref}" staat al op de kantoorserver. Een import voegt daar alleen nieuwe zaken '
    "toe, met hun contactmomenten: de server kan niet nagaan of dit contactmoment er al "
    "is zonder het dossier te lezen, en een beheerder leest geen dossiers. Leg het vast "
    "in de zaak zelf.",
)

RECORD_TYPES = (
    "user",
    "mediator",
    "case",
    "contact",
    "mediation",
    "activity",
    "historical_figure",
    *WALL_TYPES,
)


def _problem(line: int, problem: FieldProblem) -> ValidationError:
    return ValidationError([problem], line=line)


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
        importer = Importer(session, update, progress)
        importer.check(parsed)
        result = importer.write()
    audit.log(
        session,
        actor,
        Action.IMPORT.value,
        "database",
        None,
        detail=(
            f"{counted(result.records, 'record', 'records')}, "
            f"{counted(result.created['case'], 'zaak', 'zaken')} nieuw, "
            f"{number(result.updated['case'])} bijgewerkt; "
            f"{counted(result.conflicts, 'conflict', 'conflicten')}, "
            f"{number(result.reviews)} ter beoordeling"
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


class Importer(ImportWriter):
    """Checks the records of a file (then `write`, inherited, writes them)."""

    def __init__(self, session: Session, update: bool, progress: Progress | None) -> None:
        super().__init__(session, progress)
        self.update = update
        self.server = on_server(session)

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
            if ln.type in ("contact", "mediation", "case_opening") and isinstance(
                ln.data.get("case"), str
            ):
                case_refs.add(ln.data["case"].strip())
            elif ln.type in ("conflict", "wall") and isinstance(ln.data.get("cases"), list):
                case_refs.update(r.strip() for r in ln.data["cases"] if isinstance(r, str))
        user_names = set(declared["user"])
        for ln in lines:
            for name_field in ("handler", "user", "decided_by"):
                h = ln.data.get(name_field)
                if isinstance(h, str):
                    user_names.add(h.strip())
        mediator_names = set(declared["mediator"])
        for ln in lines:
            for name in ln.data.get("mediators") or () if ln.type == "mediation" else ():
                if isinstance(name, str):
                    mediator_names.add(name.strip())

        self.db_users = existing_ids(s, table_of(User).c.username, user_names)
        self.db_mediators = existing_ids(s, table_of(Mediator).c.name, mediator_names)
        self.db_cases = existing_ids(s, table_of(Case).c.ref, case_refs)
        self.db_mediations = existing_ids(s, table_of(Mediation).c.ref, declared["mediation"])
        self.countries = set(s.scalars(select(Country.iso2)))
        hist_keys = [
            (ln.data.get("year"), ln.data.get("key"))
            for ln in lines
            if ln.type == "historical_figure"
        ]
        self.db_historical: set[tuple[Any, Any]] = set()
        for i in range(0, len(hist_keys), CHUNK):
            chunk = hist_keys[i : i + CHUNK]
            self.db_historical.update(
                (y, k)
                for y, k in s.execute(
                    select(HistoricalFigure.year, HistoricalFigure.key).where(
                        tuple_(HistoricalFigure.year, HistoricalFigure.key).in_(chunk)
                    )
                )
            )
        seen_hist: dict[tuple[int, str], int] = {}
        # Records identical to stored ones are counted as unchanged (`unchanged`).
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
        if t in WALL_TYPES:
            if self.server:
                raise FieldProblem("type", WALLS_ON_SERVER, type=t)
            self.wall_records.check(
                ln.number, parse_wall_record(t, ln.data), known_cases, known_users
            )
        elif t == "case":
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
            if self.server and c.ref in self.db_cases:
                raise FieldProblem("ref", CASE_ON_SERVER, ref=c.ref)
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
            if self.server:
                # New cases only: no stored contact moment can be the same.
                if ct.case in self.db_cases:
                    raise FieldProblem("case", CONTACT_ON_SERVER, ref=ct.case)
            elif self.stored.take("contact", ct, self.contact_cases):
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
            if self.server and m.ref in self.db_mediations:
                raise FieldProblem("ref", MEDIATION_ON_SERVER, ref=m.ref)
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
