"""The SQLCipher driver connection, without SQLAlchemy: keying, checking, preparing.

The one place that says how a connection to an ikodesk file is keyed, authenticated
and set up, and how its failures read. SQLAlchemy's engine (storage.database) runs
`prepare` on each connection it makes; `ikodesk info` (storage.reading) connects
with `connect` alone, so it imports no SQLAlchemy (issue #16: half a second).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlcipher3

from ikodesk.errors import (
    DatabaseBusy,
    IkodeskError,
    InputError,
    NotADatabaseError,
    StorageError,
    WrongKeyError,
)
from ikodesk.letters import plain_letters
from ikodesk.storage import damage, files
from ikodesk.storage.keys import DatabaseKey, KeyMode
from ikodesk.storage.paths import sidecar_path

SIDECAR_FORMAT = "ikodesk-database"
# How long a connection waits for another process's lock before giving up.
BUSY_TIMEOUT_MS = 10_000


def _null(value: None) -> None:
    return value


# sqlcipher3 (an older pysqlite) sends every value that is not an exact int, float or
# str through its adapter look-up, which for None fails twice (`__adapt__`,
# `__conform__`, each an AttributeError raised and cleared) before it binds NULL:
# about 2 µs a NULL, most of a bulk insert's time (measured: 55k rows/s for rows of
# seven NULLs, 265k with this). An adapter of NoneType's own ends the look-up at the
# first step and hands the very None back, so it is still bound as NULL. Here, with
# every connection's recipe, so each path to a file (with or without SQLAlchemy) has it.
sqlcipher3.register_adapter(type(None), _null)

WRONG_KEY_MESSAGE = (
    "De database kan niet worden geopend: de sleutel is onjuist of het bestand "
    "is geen ikodesk-database."
)


# --- the key-info file beside a database ------------------------------------------------


@dataclass(frozen=True)
class KeyInfo:
    """What the sidecar file says about a database: no key, no personal data."""

    database_id: str
    key_mode: KeyMode
    # Set while a rekey to another key mode is under way (see storage.rekey).
    pending_mode: KeyMode | None = None

    def to_json(self) -> str:
        data = {
            "format": SIDECAR_FORMAT,
            "database_id": self.database_id,
            "key_mode": self.key_mode.value,
        }
        if self.pending_mode is not None:
            data["pending_key_mode"] = self.pending_mode.value
        return json.dumps(data, indent=2)

    def modes(self) -> set[KeyMode]:
        return {self.key_mode} | ({self.pending_mode} if self.pending_mode else set())


def read_key_info(db_path: Path) -> KeyInfo | None:
    try:
        data = json.loads(sidecar_path(db_path).read_text(encoding="utf-8"))
        if not isinstance(data, dict) or data.get("format") != SIDECAR_FORMAT:
            return None
        pending = data.get("pending_key_mode")
        return KeyInfo(
            str(data["database_id"]),
            KeyMode(data["key_mode"]),
            KeyMode(pending) if pending is not None else None,
        )
    except (OSError, ValueError, KeyError, TypeError):
        return None


def write_key_info(db_path: Path, info: KeyInfo) -> None:
    files.write_private_text(sidecar_path(db_path), info.to_json())


# --- the file and its connection --------------------------------------------------------


def existing_file(path: Path) -> Path:
    """`path` resolved, when it is a file that may be a database; else a Dutch refusal."""
    path = Path(path).expanduser().resolve()
    if not path.is_file():
        raise InputError(f"Database niet gevonden: {path}")
    if path.stat().st_size == 0:
        raise NotADatabaseError(f"Het bestand {path} is leeg: dit is geen ikodesk-database.")
    return path


def restrict_to_owner(path: Path) -> None:
    """The database, its -wal and -shm, and its key-info file: owner-only."""
    for own in (path, *(path.with_name(path.name + s) for s in ("-wal", "-shm"))):
        files.restrict_to_owner(own)
    files.restrict_to_owner(sidecar_path(path))


def quote(value: str) -> str:
    """A key for PRAGMA key/rekey (they take no bound parameter): quoted as SQLite
    quotes identifiers, as SQLAlchemy's pysqlcipher dialect does."""
    return '"' + value.replace('"', '""') + '"'


def connect_args() -> dict[str, Any]:
    # The driver's own busy timeout (sqlite3_busy_timeout), in seconds.
    return {"check_same_thread": False, "timeout": BUSY_TIMEOUT_MS / 1000}


def prepare(dbapi_conn: Any, *, new: bool = False) -> None:
    """Authenticate a keyed connection and set it up (every connection, either way)."""
    # Transactions are begun explicitly (storage.database's "begin" event).
    dbapi_conn.isolation_level = None
    cur = dbapi_conn.cursor()
    try:
        # SQLCipher logs decryption failures to stderr; we report them ourselves.
        cur.execute("PRAGMA cipher_log_level = NONE")
        # The first read decrypts page 1: a wrong key fails here.
        cur.execute("SELECT count(*) FROM sqlite_master")
        if not new:
            # Authenticate with reads only: nothing below may write to a file
            # that is not an ikodesk database opened with its own key.
            require_ikodesk_meta(cur)
        cur.execute("PRAGMA journal_mode = WAL")
        cur.execute("PRAGMA foreign_keys = ON")
        cur.execute("PRAGMA synchronous = FULL")
        cur.execute("PRAGMA temp_store = MEMORY")
    finally:
        cur.close()
    # The search index folds these letters as SQLite's remove_diacritics cannot (Ł, Ø…).
    dbapi_conn.create_function("ikodesk_letters", 1, plain_letters, deterministic=True)


def require_ikodesk_meta(cur: Any) -> None:
    try:
        row = cur.execute("SELECT value FROM meta WHERE key = 'database_id'").fetchone()
    except sqlcipher3.OperationalError:  # no meta table: some other SQLite file
        row = None
    if row is None:
        raise sqlcipher3.DatabaseError("file is not a database (no ikodesk meta)")


def open_error(exc: BaseException, orig: BaseException | None) -> IkodeskError:
    """What a database error while connecting means to the user (`orig`: the
    driver's own error, when `exc` wraps it)."""
    if "not a database" in str(exc) or "encrypted" in str(exc):
        return WrongKeyError(WRONG_KEY_MESSAGE)
    damaged = damage.damage_error(exc)
    if damaged is not None:  # page 1 decrypted, a later page did not
        return damaged
    return StorageError(f"De database kan niet worden geopend: {orig}")


def connect(path: Path, key: DatabaseKey) -> Any:
    """A prepared driver connection to an existing database with `key`; WrongKeyError
    when the key does not open it (see `open_error`)."""
    conn = sqlcipher3.connect(str(path), **connect_args())
    try:
        conn.execute("PRAGMA key = " + quote(key.pragma_value))
        prepare(conn)
        conn.execute("SELECT 1").fetchall()
    except sqlcipher3.DatabaseError as exc:
        conn.close()
        raise open_error(exc, exc) from None
    except BaseException:
        conn.close()
        raise
    return conn


def busy_error(exc: BaseException | None) -> DatabaseBusy | None:
    """DatabaseBusy when `exc` is SQLite's "database is locked"/"busy", else None."""
    if isinstance(exc, sqlcipher3.OperationalError):
        text_ = str(exc).lower()
        if "database is locked" in text_ or "busy" in text_:
            return DatabaseBusy()
    return None


def revision(conn: Any) -> tuple[str, ...]:
    """The rows of Alembic's version table (empty before the first migration)."""
    has = conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'alembic_version'"
    ).fetchone()
    if not has:
        return ()
    return tuple(str(r[0]) for r in conn.execute("SELECT version_num FROM alembic_version"))


def read_meta(conn: Any) -> dict[str, str]:
    has_meta = conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'meta'"
    ).fetchone()
    if not has_meta:
        return {}
    return {str(k): str(v) for k, v in conn.execute("SELECT key, value FROM meta")}
