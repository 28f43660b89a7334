"""Database maintenance, one use case per function, for both front-ends: backup,
rekey, info and the damage check. Each returns a plain data object; the policy is
decided here: administrators only (Action.BACKUP, audited). Without a login (the
key holder, `Actor.key_holder()`) info and check show no personal data and need no
permission; backup and rekey are audited as the key holder.

Checking a database for damage: the full check (`ikodesk check`, Beheer) and the quick
part that `ikodesk info` runs. Shows no personal data: only page numbers, counts and
the audit chain's verdict.

Full check:
- the file size is a whole number of pages (a cut-off file is found at once);
- SQLCipher's ``PRAGMA cipher_integrity_check``: the HMAC of every page, so a page
  that was altered, cut off or written with another key is named;
- SQLite's ``PRAGMA integrity_check``: the structure of every table and index;
- the audit chain (services.audit.verify_chain).

Quick part (``info``): the file size, ``PRAGMA quick_check`` (structure without
the index cross-checks) and, for files up to QUICK_CIPHER_LIMIT bytes, the
cipher_integrity_check (it reads and authenticates every page: about a second
per few hundred megabytes).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from ikodesk import __version__
from ikodesk.services.actors import Actor
from ikodesk.services.backend import is_server_database
from ikodesk.storage import damage
from ikodesk.storage.damage import damage_error
from ikodesk.storage.driver import busy_error
from ikodesk.storage.keys import KeyMode

# `info`, `check`, `backup` and `rekey` on a file load no model, no policy and no
# server driver (issue #16): those come with a logged-in user or a server address.
# The key holder's `info` on a file loads no SQLAlchemy either (`file_info`).
if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from ikodesk.storage import Database
    from ikodesk.storage.opening import KeyPlan
    from ikodesk.storage.server.connection import ServerDatabase

__all__ = [
    "BackupResult",
    "CheckReport",
    "DatabaseInfo",
    "RekeyResult",
    "backup",
    "busy_error",
    "check",
    "damage_error",
    "database_info",
    "file_info",
    "full_check",
    "full_check_as",
    "quick_check",
    "rekey",
]

QUICK_CIPHER_LIMIT = 256 * 1024 * 1024
MAX_SHOWN = 5


@dataclass(frozen=True)
class Finding:
    label: str  # Dutch, what was checked
    ok: bool
    detail: str  # Dutch


@dataclass(frozen=True)
class CheckReport:
    findings: tuple[Finding, ...]
    complete: bool  # False for the quick part

    @property
    def ok(self) -> bool:
        return all(f.ok for f in self.findings)

    @property
    def verdict(self) -> str:
        if self.ok and self.complete:
            return "De database is in orde: alle controles zijn geslaagd."
        if self.ok:
            return "Snelle controle: geen schade gevonden ('ikodesk check' controleert alles)."
        if self.complete:
            return (
                "De database is BESCHADIGD (zie de fouten hierboven). Werk er niet mee verder "
                "en zet een back-up terug: " + damage.BACKUPS_HINT
            )
        return damage.DAMAGED_MESSAGE

    def lines(self) -> list[str]:
        return [f"{f.label}: {'in orde' if f.ok else 'FOUT'}. {f.detail}" for f in self.findings]


class _File(Protocol):
    """An unlocked file: a `Database`, or a `storage.reading.FileReading` (info only)."""

    @property
    def path(self) -> Path: ...
    @property
    def database_id(self) -> str: ...
    @property
    def key_mode(self) -> KeyMode: ...
    def schema_revision(self) -> str | None: ...
    def driver_connection(self) -> AbstractContextManager[Any]: ...


def _pragma(db: _File, label: str, pragma: str, clean: set[str]) -> Finding:
    with db.driver_connection() as conn:
        rows = damage.pragma_rows(conn, pragma)
    # integrity_check may put many problems in one row, one per line, under a header.
    problems = [
        line.strip()
        for row in rows
        for line in row.splitlines()
        if line.strip() and line.strip() not in clean and not line.startswith("*** in database")
    ]
    if not problems:
        return Finding(label, True, "Geen fouten gevonden.")
    shown = "; ".join(problems[:MAX_SHOWN])
    more = f" (en {len(problems) - MAX_SHOWN} meer)" if len(problems) > MAX_SHOWN else ""
    count = "1 fout" if len(problems) == 1 else f"{len(problems)} fouten"
    return Finding(label, False, f"{count}: {shown}{more}.")


def _file_size(db: _File) -> Finding:
    label = "Bestandsgrootte"
    with db.driver_connection() as conn:
        page_size = damage.page_size(conn)
    problem = damage.file_size_problem(db.path, page_size)
    if problem is None:
        return Finding(label, True, "Een geheel aantal pagina's.")
    return Finding(label, False, problem[:1].upper() + problem[1:] + ".")


def _cipher(db: _File) -> Finding:
    return _pragma(
        db, "Versleuteling (HMAC van elke pagina)", "PRAGMA cipher_integrity_check", set()
    )


def _audit_chain(db: Database) -> Finding:
    from ikodesk.services import audit

    label = "Auditlog (hashketen)"
    try:
        with db.session() as session:
            chain = audit.verify_chain(session)
    except Exception as exc:
        if not damage.is_damage(exc):
            raise
        return Finding(label, False, "Het auditlog kan niet worden gelezen: beschadigd.")
    if chain.ok:
        return Finding(label, True, f"{chain.entries} vermeldingen, de keten is intact.")
    return Finding(label, False, f"De keten is verbroken: {chain.problem}.")


def _require_admin(db: Database, actor: Actor, detail: str | None = None) -> None:
    """Administrators only (Action.BACKUP), the decision audited."""
    from ikodesk.services import access

    with db.session() as session:
        access.require(session, actor, access.Action.BACKUP, detail=detail)


def full_check_as(db: Database, actor: Actor) -> CheckReport:
    """`full_check` for a logged-in user: administrators only (audited as maintenance)."""
    _require_admin(db, actor, "check")
    return full_check(db)


def check(db: Database, actor: Actor) -> CheckReport:
    """The full check: a logged-in user must be an administrator; the key holder may."""
    if actor.is_key_holder:
        return full_check(db)
    return full_check_as(db, actor)


def full_check(db: Database) -> CheckReport:
    """Every check; takes time in proportion to the size of the database."""
    findings = [
        _file_size(db),
        _cipher(db),
        _pragma(db, "Structuur (integrity_check)", "PRAGMA integrity_check", {"ok"}),
        _audit_chain(db),
    ]
    return CheckReport(tuple(findings), complete=True)


def quick_check(db: _File) -> CheckReport:
    """The fast part, for `info`."""
    findings = [
        _file_size(db),
        _pragma(db, "Structuur (quick_check)", "PRAGMA quick_check", {"ok"}),
    ]
    if os.stat(db.path).st_size <= QUICK_CIPHER_LIMIT:
        findings.append(_cipher(db))
    return CheckReport(tuple(findings), complete=False)


# --- info, backup, rekey ----------------------------------------------------------


@dataclass(frozen=True)
class DatabaseInfo:
    """What `ikodesk info` shows: no personal data, only facts and counts."""

    path: Path | None  # the file; None on the office server (see `location`)
    database_id: str
    key_mode: KeyMode
    schema_revision: str | None
    version: str  # of ikodesk
    size_bytes: int
    check: CheckReport  # the quick part
    # (Dutch name, number), in display order; empty when the quick check found damage.
    counts: tuple[tuple[str, int], ...]
    location: str = ""  # the file's path, or the server's host:port/database

    @property
    def key_text(self) -> str:
        if self.path is None:
            return "geen: iedere gebruiker logt in op de kantoorserver"
        return "sleutelbos (keyring)" if self.key_mode is KeyMode.KEYRING else "wachtwoordzin"


# (Dutch name, table): the tables of models Case, Contact, Mediation and User, named
# so `info` loads no model (tests/test_cli_lazy.py checks the names).
_COUNTED = (
    ("zaken", "cases"),
    ("contactmomenten", "contacts"),
    ("mediations", "mediations"),
    ("gebruikers", "users"),
)


def _count(session: Session, name: str) -> int:
    from sqlalchemy import func, select, table

    return session.scalar(select(func.count()).select_from(table(name))) or 0


def _file_counts(db: _File) -> tuple[tuple[str, int], ...]:
    with db.driver_connection() as conn:
        return tuple(
            (name, int(conn.execute(_FILE_COUNT_SQL[table]).fetchone()[0]))
            for name, table in _COUNTED
        )


# Whole statements, one per counted table (no SQL put together from names).
_FILE_COUNT_SQL = {
    "cases": 'SELECT count(*) FROM "cases"',
    "contacts": 'SELECT count(*) FROM "contacts"',
    "mediations": 'SELECT count(*) FROM "mediations"',
    "users": 'SELECT count(*) FROM "users"',
}


def file_info(plan: KeyPlan) -> DatabaseInfo:
    """`ikodesk info` on the file of `plan` for the key holder (no login).

    Read through the driver alone when opening changes nothing (storage.reading:
    no SQLAlchemy, issue #16); otherwise opened as always (a migration, a key
    promoted), and the same `database_info` answers either way.
    """
    from ikodesk.storage import reading

    reader = reading.open_for_reading(plan)
    if reader is None:
        from ikodesk.storage.opening import open_planned

        with open_planned(plan) as db:
            return database_info(db, Actor.key_holder())
    with reader:
        return _file_info(reader)


def database_info(db: Database | ServerDatabase, actor: Actor) -> DatabaseInfo:
    """Facts, the quick check and counts; a logged-in user must be an administrator."""
    if is_server_database(db):
        return _server_info(db, actor)
    if not actor.is_key_holder:
        _require_admin(db, actor)
    return _file_info(db)


def _file_info(db: _File) -> DatabaseInfo:
    report = quick_check(db)
    counts = _file_counts(db) if report.ok else ()
    return DatabaseInfo(
        path=db.path,
        database_id=db.database_id,
        key_mode=db.key_mode,
        schema_revision=db.schema_revision(),
        version=__version__,
        size_bytes=os.stat(db.path).st_size,
        check=report,
        counts=counts,
        location=str(db.path),
    )


def _server_info(db: ServerDatabase, actor: Actor) -> DatabaseInfo:
    """On the office server: what the server itself enforces, checked, and counts.

    An administrator's login counts cases and contact moments (statistical
    columns); mediation dossiers are the Mediation Bureau's and are not counted here.
    """
    from ikodesk.services import access
    from ikodesk.storage.server import health as server_health

    with db.session() as session:
        access.require(session, actor, access.Action.BACKUP, detail="info")
    report = CheckReport(
        tuple(Finding(*f) for f in server_health.findings(db.engine, db.address)), complete=False
    )
    with db.session() as session:
        counts = tuple(
            (name, _count(session, table_name))
            for name, table_name in _COUNTED
            if table_name != "mediations"
        )
    return DatabaseInfo(
        path=None,
        database_id=db.database_id,
        key_mode=KeyMode.PASSPHRASE,
        schema_revision=db.schema_revision(),
        version=__version__,
        size_bytes=server_health.size_bytes(db.engine),
        check=report,
        counts=counts,
        location=db.location,
    )


@dataclass(frozen=True)
class BackupResult:
    path: Path  # the encrypted copy (same key), its key-info file beside it


def backup(db: Database, actor: Actor, dest: Path) -> BackupResult:
    """An encrypted copy with the same key; administrators (or the key holder), audited."""
    _require_admin(db, actor)
    return BackupResult(db.backup(dest))


@dataclass(frozen=True)
class RekeyResult:
    recovery_key: str | None  # the new one (keyring mode); None with a passphrase
    pre_rekey_copy: Path  # a copy under the old key
    key_mode: KeyMode


def rekey(
    db: Database,
    actor: Actor,
    *,
    passphrase: str | Callable[[], str] | None = None,
    show_recovery_key: Callable[[str], None] | None = None,
) -> RekeyResult:
    """Re-encrypt with a new key (crash-safe: storage.rekey); administrators, audited.

    `passphrase`: a new passphrase, or a function that asks for it (called only once
    the actor is allowed); None for a new key in the keyring. `show_recovery_key` is
    called with the new recovery key before the switch, while the old one still
    opens the database.
    """
    _require_admin(db, actor)
    if callable(passphrase):
        passphrase = passphrase()
    recovery, copy = db.rekey(passphrase=passphrase, show_recovery_key=show_recovery_key)
    return RekeyResult(recovery, copy, db.key_mode)
