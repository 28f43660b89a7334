"""Importing an exchange file: streamed in one pass or two, all or nothing.

Import is all or nothing: every record is parsed and checked (types, rules,
references across the whole file and the database) and the writes happen in
the caller's single transaction, so the first problem (reported with its line
number, field and expectation) leaves nothing written: the caller rolls back.
A record identical to the stored one is counted as unchanged (`unchanged`).

Memory does not grow with the file (issue #16, point 2). The first pass reads
every line as JSON and keeps only what the cross-references need: the keys each
record declares (usernames, mediator names, case and mediation references) and
refers to. Ids for the new records are then given out in file order. The second
pass reads the file again, checks each record in full and hands it to
`writing.ImportWriter`, which writes batches with Core executemany inside the
transaction; the search index and the conflict detection run once, in bulk, at
the end. A file that changes between the passes is refused.

A file of new records that refers back only (an export, the demo) needs no first
pass: every id is known when its record is met. Such a file is read, checked and
written in one pass (`Importer.check_in_one_pass`); at anything else it hands
over to the two passes, which start again from a savepoint (a reference forward,
a stored record, a problem: the two passes report problems in their order).

On the office server an import adds new dossiers only: its administrator can
neither read a stored case or mediation nor compare it with the file, so a
case or mediation whose reference is already there, and a contact moment of
such a case, are refused with a message that says why (`server_writing`).
"""

from __future__ import annotations

import gc
import hashlib
import json
import os
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import orjson
from sqlalchemy import select, tuple_
from sqlalchemy.orm import Session

from ikodesk.errors import QT_TRANSLATE_NOOP, InputError, ValidationError
from ikodesk.models import (
    Case,
    Child,
    Contact,
    Country,
    HistoricalFigure,
    Mediation,
    Mediator,
    Person,
    User,
)
from ikodesk.services import access, audit
from ikodesk.services.access import Action
from ikodesk.services.actors import Actor
from ikodesk.services.backend import on_server
from ikodesk.services.bulk_insert import larger_page_cache
from ikodesk.services.exchange.reading import (
    Line,
    clean_text,
    decoded_lines,
    open_input,
    record_line,
)
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
from ikodesk.services.validation.quick import quick_case, quick_contact, quick_contact_values

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


# The field that holds the reference a record of these types declares.
KEY_FIELDS = {"user": "username", "mediator": "name", "case": "ref", "mediation": "ref"}


def _problem(line: int, problem: FieldProblem) -> ValidationError:
    return ValidationError([problem], line=line)


Source = Callable[[], Iterable[str]]
"""The lines of an exchange file, from the start each time it is called (two passes)."""

CHANGED_BETWEEN_PASSES = (
    "Het bestand is tijdens het inlezen veranderd; er is niets ingelezen. Probeer het "
    "opnieuw als het bestand klaar is."
)


def import_lines(
    session: Session,
    actor: Actor,
    lines: Iterable[str] | Source,
    *,
    update: bool = False,
    progress: Progress | None = None,
    size: int = 0,
) -> ImportResult:
    """Check and write the records of an exchange file in the session's transaction.

    `lines`: a function giving the lines from the start (read up to twice, memory
    stays flat: `import_file`), or the lines themselves (then kept as text for a
    second pass: the demo, small inputs). `size`: about how many characters the
    function's lines hold (0: not known), for what is worth doing in bulk.

    Raises ValidationError/InputError for the first invalid line; the caller rolls
    back the transaction, and then nothing has been written.
    """
    access.require(session, actor, Action.IMPORT)
    if callable(lines):
        source: Source = lines
    else:
        kept = list(lines)
        size = sum(map(len, kept))

        def source() -> Iterable[str]:
            return kept

    with _without_cyclic_gc():
        result = _run(session, update, progress, source, size)
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


ONE_PASS = True
"""Whether a file may be imported in one pass (`Importer.check_in_one_pass`); the
tests turn it off to hold the one pass against the two."""


class _TwoPasses(Exception):
    """The one pass met what needs the two: they start again from before it."""


def _run(
    session: Session, update: bool, progress: Progress | None, source: Source, size: int
) -> ImportResult:
    if ONE_PASS and not on_server(session):
        importer = Importer(session, update, progress)
        with larger_page_cache(session):
            try:
                # (a savepoint: what the one pass wrote goes if it hands over)
                with session.begin_nested():
                    importer.check_in_one_pass(source(), size)
            except _TwoPasses:
                pass
            else:
                importer.flush()
                return importer.finish()
    return Importer(session, update, progress).run(source)


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

        def source() -> Iterator[str]:
            fh.seek(0)
            return decoded_lines(fh)

        size = os.fstat(fh.fileno()).st_size  # (bytes: about the characters)
        return import_lines(session, actor, source, update=update, progress=progress, size=size)


def _known_line(number: int, raw: str) -> Line | None:
    """A line of the second pass: the first pass checked these very bytes (the digest
    says so at the end), so plain JSON will do; anything odd means they changed."""
    stripped = raw.strip()
    if not stripped or stripped.startswith("#"):
        return None
    try:
        try:
            data = orjson.loads(stripped)
        except orjson.JSONDecodeError:
            # What orjson refuses and json.loads takes (NaN, a huge number), checked in the
            # first pass, comes back as json.loads gave it then.
            data = json.loads(stripped)
        kind = data["type"]
        # (whether the texts are clean matters to the case rules only)
        return Line(number, kind, data, kind == "case" and clean_text(stripped))
    except (ValueError, TypeError, KeyError, RecursionError):
        raise InputError(CHANGED_BETWEEN_PASSES) from None


class Importer(ImportWriter):
    """Checks the records of a file (then `write`, inherited, writes them)."""

    declared: dict[str, dict[Any, int]]  # type -> key -> line (the first pass)
    kinds: dict[str, int]  # type -> records
    contact_cases: list[int]  # stored cases the file's contact moments belong to

    def __init__(self, session: Session, update: bool, progress: Progress | None) -> None:
        super().__init__(session, progress)
        self.update = update
        self.server = on_server(session)
        self.one_pass = False

    # -- one pass, when the file allows -----------------------------------------------
    def check_in_one_pass(self, lines: Iterable[str], size: int) -> None:
        """Read, check and write (`flush`) a file of new records in one pass.

        Possible when every record refers back only, to a record earlier in the file
        or stored, and declares a new one, as an export and the demo write them:
        then each id is known when its record is met and nothing stored must be
        read before the writes, so the first pass (`_declare`, `_prepare`) would
        add nothing but the time of reading every line twice (issue #16).

        Anything else raises `_TwoPasses`, and the caller rolls back to before the
        one pass and runs the two: a reference forward, a record of a reference
        that is stored (its update or comparison), a contact moment or figure
        that may be stored already, or any problem with a record (the two passes
        report the first in their order). A line that is no exchange record
        (broken JSON, an unknown type) is raised as it is: every line before it
        passed every check, so it is also what the two passes report first.
        `size`: about the characters of the file (0: not known), from which the
        records to come are estimated (`_drop_for_estimate`).
        """
        s = self.s
        self.one_pass = True
        self.result.passes = 1
        self.db_users = dict(s.execute(select(User.username, User.id)).all())
        self.db_mediators = dict(s.execute(select(Mediator.name, Mediator.id)).all())
        self.db_cases = dict(s.execute(select(Case.ref, Case.id)).all())
        self.db_mediations = dict(s.execute(select(Mediation.ref, Mediation.id)).all())
        self.countries = set(s.scalars(select(Country.iso2)))
        self.db_historical = set(
            s.execute(select(HistoricalFigure.year, HistoricalFigure.key)).all()
        )
        self.stored = Stored(s)
        self.stored.preload_pool("activity", ())  # (before anything is written)
        self.contact_cases = []
        self.declared = {}
        next_id = self.stored_ids()
        known = {
            "user": set(self.db_users),
            "mediator": set(self.db_mediators),
            "case": set(self.db_cases),
        }
        kinds: dict[str, int] = dict.fromkeys(RECORD_TYPES, 0)
        seen_hist: dict[tuple[int, str], int] = {}
        records = read = 0
        dropped = False
        for line_no, raw in enumerate(lines, start=1):
            read += len(raw)
            ln = record_line(line_no, raw, RECORD_TYPES)
            if ln is None:
                continue
            records += 1
            kind = ln.type
            kinds[kind] += 1
            kf = KEY_FIELDS.get(kind)
            if kf is not None:
                value = ln.data.get(kf)
                if isinstance(value, str):
                    value = value.strip()
                    ids = self.ids[kind]
                    if value in ids:
                        raise _TwoPasses  # stored, or twice in the file
                    ids[value] = next_id[kind]
                    next_id[kind] += 1
                    if kind in known:
                        known[kind].add(value)
            try:
                self._check_one(ln, known["user"], known["case"], known["mediator"], seen_hist)
            except (FieldProblem, InputError, ValidationError):
                raise _TwoPasses from None
            if records % 500 == 0:
                if self.pending() >= self.BATCH:
                    if not dropped:
                        # (before the first write: as `_prepare` does)
                        self._drop_for_estimate(kinds, size / read if size > read else 1.0)
                        dropped = True
                    self.flush()
                if self.progress and records % 10_000 == 0:
                    estimate = int(records * size / read) if size > read else 0
                    self.progress("controleren", records, estimate)
        self.result.lines = records
        self.kinds = kinds
        if not dropped:
            self._drop_for_estimate(kinds, 1.0)

    def _drop_for_estimate(self, kinds: dict[str, int], factor: float) -> None:
        """`_drop_for` the new records met so far times `factor` (the file's share
        not read yet: an estimate, which only decides what is faster)."""
        self._drop_for(int(kinds["case"] * factor), int(kinds["contact"] * factor))

    def _drop_for(self, cases: int, contacts: int) -> None:
        """`drop_indexes` of the tables this many new cases and contact moments fill."""
        self.drop_indexes(
            {
                table_of(Case): cases,
                table_of(Person): cases,
                table_of(Child): cases,
                table_of(Contact): contacts,
            }
        )

    def _meets_stored(self) -> None:
        """A record may be the same as a stored one: the two passes read those first."""
        if self.one_pass:
            raise _TwoPasses

    # -- the two passes ---------------------------------------------------------------
    def run(self, source: Source) -> ImportResult:
        digest = self._declare(source())
        self._prepare()
        if self.server:
            self._check_all(source(), digest)
            return self.write()  # (the office server's own way: server_writing)
        with larger_page_cache(self.s):
            self._check_all(source(), digest)
            self.flush()
            return self.finish()

    def _declare(self, lines: Iterable[str]) -> bytes:
        """First pass: every line parsed (errors by line), the keys it declares and uses."""
        declared: dict[str, dict[Any, int]] = {t: {} for t in RECORD_TYPES}
        case_refs: set[str] = set()
        contact_refs: set[str] = set()
        user_names: set[str] = set()
        mediator_names: set[str] = set()
        hist_keys: set[tuple[Any, Any]] = set()
        duplicate: ValidationError | None = None
        kinds: dict[str, int] = dict.fromkeys(RECORD_TYPES, 0)
        digest = hashlib.blake2b(digest_size=16)
        records = 0
        for line_no, raw in enumerate(lines, start=1):
            digest.update(raw.encode("utf-8", "surrogatepass"))
            ln = record_line(line_no, raw, RECORD_TYPES)
            if ln is None:
                continue
            records += 1
            data, kind = ln.data, ln.type
            kinds[kind] += 1
            kf = KEY_FIELDS.get(kind)
            if kf is not None:
                value = data.get(kf)
                if isinstance(value, str):
                    value = value.strip()
                    if value in declared[kind]:
                        # Reported after the whole file parsed (a broken line comes first).
                        duplicate = duplicate or ValidationError(
                            {kf: f'"{value}" komt al voor op regel {declared[kind][value]}'},
                            line=line_no,
                        )
                    else:
                        declared[kind][value] = line_no
            if kind in ("contact", "mediation", "case_opening"):
                ref = data.get("case")
                if isinstance(ref, str):
                    case_refs.add(ref.strip())
                    if kind == "contact":
                        contact_refs.add(ref)
            elif kind in ("conflict", "wall") and isinstance(data.get("cases"), list):
                case_refs.update(r.strip() for r in data["cases"] if isinstance(r, str))
            elif kind == "historical_figure":
                hist_keys.add((data.get("year"), data.get("key")))
            for name_field in ("handler", "user", "decided_by"):
                h = data.get(name_field)
                if isinstance(h, str):
                    user_names.add(h.strip())
            if kind == "mediation":
                for name in data.get("mediators") or ():
                    if isinstance(name, str):
                        mediator_names.add(name.strip())
            if self.progress and line_no % 10_000 == 0:
                self.progress("lezen", line_no, 0)
        if duplicate is not None:
            raise duplicate
        self.result.lines = records
        self.kinds = kinds
        self.declared = declared
        self._refs = (
            case_refs | set(declared["case"]),
            user_names | set(declared["user"]),
            mediator_names | set(declared["mediator"]),
            hist_keys,
            contact_refs,
        )
        return digest.digest()

    def _prepare(self) -> None:
        """What the database holds of the keys met, and the ids of the new records."""
        s = self.s
        declared = self.declared
        case_refs, user_names, mediator_names, hist_keys, contact_refs = self._refs
        del self._refs
        self.db_users = existing_ids(s, table_of(User).c.username, user_names)
        self.db_mediators = existing_ids(s, table_of(Mediator).c.name, mediator_names)
        self.db_cases = existing_ids(s, table_of(Case).c.ref, case_refs)
        self.db_mediations = existing_ids(s, table_of(Mediation).c.ref, declared["mediation"])
        self.countries = set(s.scalars(select(Country.iso2)))
        self.db_historical = set()
        keys = sorted(hist_keys, key=repr)
        for i in range(0, len(keys), CHUNK):
            chunk = keys[i : i + CHUNK]
            self.db_historical.update(
                (y, k)
                for y, k in s.execute(
                    select(HistoricalFigure.year, HistoricalFigure.key).where(
                        tuple_(HistoricalFigure.year, HistoricalFigure.key).in_(chunk)
                    )
                )
            )
        # Records identical to stored ones are counted as unchanged (`unchanged`).
        self.stored = Stored(s)
        self.contact_cases = sorted({self.db_cases[r] for r in contact_refs if r in self.db_cases})
        self.known_users = set(declared["user"]) | set(self.db_users)
        self.known_cases = set(declared["case"]) | set(self.db_cases)
        self.known_mediators = set(declared["mediator"]) | set(self.db_mediators)
        if self.server:
            return  # ids come from the server's sequences (server_writing)
        self.assign_ids(
            {
                kind: [k for k in declared[kind]]
                for kind in ("user", "mediator", "case", "mediation")
            }
        )
        # Read what is stored before anything is written (see Stored.preload).
        for kind, db_keys in (
            ("user", self.db_users),
            ("mediator", self.db_mediators),
            ("case", self.db_cases),
            ("mediation", self.db_mediations),
        ):
            met = [k for k in declared[kind] if k in db_keys]
            if met:
                self.stored.preload(kind, met)
        if self.db_historical:
            self.stored.preload("historical_figure", list(self.db_historical))
        if self.contact_cases:
            self.stored.preload_pool("contact", self.contact_cases)
        self.stored.preload_pool("activity", ())
        # Everything stored the check needs is read: a bulk import may drop indexes now.
        new_cases = sum(1 for k in declared["case"] if k not in self.db_cases)
        self._drop_for(new_cases, self.kinds["contact"])

    def _check_all(self, lines: Iterable[str], digest: bytes) -> None:
        """Second pass: every record checked in full and handed to the writer."""
        seen_hist: dict[tuple[int, str], int] = {}
        again = hashlib.blake2b(digest_size=16)
        total = self.result.lines
        done = 0
        for line_no, raw in enumerate(lines, start=1):
            again.update(raw.encode("utf-8", "surrogatepass"))
            ln = _known_line(line_no, raw)
            if ln is None:
                continue
            try:
                self._check_one(
                    ln, self.known_users, self.known_cases, self.known_mediators, seen_hist
                )
            except FieldProblem as problem:
                raise _problem(ln.number, problem) from None
            done += 1
            if done % 500 == 0:
                if not self.server and self.pending() >= self.BATCH:
                    self.flush()
                if self.progress and done % 10_000 == 0:
                    self.progress("controleren", done, total)
        if again.digest() != digest:
            raise InputError(CHANGED_BETWEEN_PASSES)

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
            c = quick_case(ln.data) or parse_case(ln.data)
            problems = case_rules(c, self.countries, texts_clean=ln.clean)
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
            if not self.server:
                # The bulk of a large file: a valid contact moment of a new case goes
                # straight to its row (any doubt: the careful way below decides).
                values = quick_contact_values(ln.data)
                if values is not None and values[0] not in self.db_cases:
                    case_id = self.ids["case"].get(values[0])
                    handler_id = self.ids["user"].get(values[4])
                    if case_id is not None and handler_id is not None:
                        self.contact_rows.append((case_id, *values[1:4], handler_id, *values[5:]))
                        return
            ct = quick_contact(ln.data) or parse_contact(ln.data)
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
            elif ct.case in self.db_cases:
                # (only a stored case has stored contact moments to be the same as)
                self._meets_stored()
                if self.stored.take("contact", ct, self.contact_cases):
                    self.result.skipped["contact"] += 1
                    return
            if self.server:
                self.contacts.append((ln.number, ct))
            else:
                self.add_contact(ct)
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
            if key in self.db_historical:
                self._meets_stored()
            if self._unchanged("historical_figure", key, h, dict.fromkeys(self.db_historical)):
                return
            if key in self.db_historical and not self.update:
                raise FieldProblem(
                    "key",
                    f"cijfer {h.key} voor {h.year} bestaat al in de database "
                    "(gebruik --update om bij te werken)",
                )
            self.historical.append((ln.number, h))
