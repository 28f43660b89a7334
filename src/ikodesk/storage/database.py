"""Opening, creating and backing up encrypted ikodesk databases (SQLCipher 4).

One long-lived connection per process (StaticPool): opening a passphrase
database runs SQLCipher's KDF, which is deliberately slow. Callers must use
the engine from one thread at a time (the desktop client has one serial
database worker).

Several processes may use one database (WAL): readers never wait, writers
queue. A connection waits up to BUSY_TIMEOUT_MS for a lock; `transaction()`
begins with BEGIN IMMEDIATE, so a unit of work that will write takes the
write lock first and waits for it, instead of failing when it upgrades a read.
A lock that outlasts the wait becomes `DatabaseBusy` (one place: the engine's
error hook): a Dutch message saying the database is busy and nothing was written.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import sqlcipher3
from sqlalchemy import URL, Engine, create_engine, event, text
from sqlalchemy.exc import DatabaseError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import StaticPool

from ikodesk.errors import (
    DatabaseBusy,
    InputError,
    KeyUnavailableError,
    NotADatabaseError,
    StorageError,
    WrongKeyError,
)
from ikodesk.storage import damage, files, keys, migrate, unlock
from ikodesk.storage.keys import DatabaseKey, KeyMode
from ikodesk.storage.opened import OpenedDatabase
from ikodesk.storage.paths import sidecar_path

log = logging.getLogger(__name__)

SIDECAR_FORMAT = "ikodesk-database"
# How long a connection waits for another process's lock before giving up.
BUSY_TIMEOUT_MS = 10_000
# Execution option of the engine `transaction()` uses: begin with this statement.
_BEGIN_OPTION = "ikodesk_begin"


def _null(value: None) -> None:
    return value


# sqlcipher3 (an older pysqlite) sends every value that is not an exact int, float or
# str through its adapter look-up, which for None fails twice (`__adapt__`,
# `__conform__`, each an AttributeError raised and cleared) before it binds NULL:
# about 2 µs a NULL, most of a bulk insert's time (measured: 55k rows/s for rows of
# seven NULLs, 265k with this). An adapter of NoneType's own ends the look-up at the
# first step and hands the very None back, so it is still bound as NULL.
sqlcipher3.register_adapter(type(None), _null)

WRONG_KEY_MESSAGE = (
    "De database kan niet worden geopend: de sleutel is onjuist of het bestand "
    "is geen ikodesk-database."
)


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


def _make_engine(path: Path, key: DatabaseKey, *, new: bool = False) -> Engine:
    url = URL.create("sqlite+pysqlcipher", password=key.pragma_value, database=str(path))
    engine = create_engine(
        url,
        module=sqlcipher3,
        poolclass=StaticPool,
        # The driver's own busy timeout (sqlite3_busy_timeout), in seconds.
        connect_args={"check_same_thread": False, "timeout": BUSY_TIMEOUT_MS / 1000},
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        # Let SQLAlchemy's "begin" event below own the transactions (see there).
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
                _require_ikodesk_meta(cur)
            cur.execute("PRAGMA journal_mode = WAL")
            cur.execute("PRAGMA foreign_keys = ON")
            cur.execute("PRAGMA synchronous = FULL")
            cur.execute("PRAGMA temp_store = MEMORY")
        finally:
            cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        # pysqlite's implicit transactions are deferred and skip DDL; begin explicitly
        # so that every unit of work, DDL included, is atomic. Units of work that will
        # write (`Database.transaction`) begin IMMEDIATE: see the module docstring.
        conn.exec_driver_sql(conn.get_execution_options().get(_BEGIN_OPTION, "BEGIN"))

    @event.listens_for(engine, "handle_error")
    def _on_error(context: Any) -> BaseException | None:
        return busy_error(context.original_exception)

    return engine


def _require_ikodesk_meta(cur: Any) -> None:
    try:
        row = cur.execute("SELECT value FROM meta WHERE key = 'database_id'").fetchone()
    except sqlcipher3.OperationalError:  # no meta table: some other SQLite file
        row = None
    if row is None:
        raise sqlcipher3.DatabaseError("file is not a database (no ikodesk meta)")


def busy_error(exc: BaseException | None) -> DatabaseBusy | None:
    """DatabaseBusy when `exc` is SQLite's "database is locked"/"busy", else None."""
    if isinstance(exc, sqlcipher3.OperationalError):
        text_ = str(exc).lower()
        if "database is locked" in text_ or "busy" in text_:
            return DatabaseBusy()
    return None


def _connect_checked(engine: Engine) -> None:
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except DatabaseError as exc:  # OperationalError included
        engine.dispose()
        if "not a database" in str(exc) or "encrypted" in str(exc):
            raise WrongKeyError(WRONG_KEY_MESSAGE) from None
        damaged = damage.damage_error(exc)
        if damaged is not None:  # page 1 decrypted, a later page did not
            raise damaged from None
        raise StorageError(f"De database kan niet worden geopend: {exc.orig}") from None


class _Unread:
    """The key-info file has not been read yet (`Database.open` reads it)."""


_UNREAD = _Unread()


class Database(OpenedDatabase):
    """An open, unlocked ikodesk database."""

    def __init__(self, path: Path, engine: Engine, key: DatabaseKey, info: KeyInfo) -> None:
        self.path = path
        self.engine = engine
        self.key_info = info
        self._key = key
        self.session_factory = sessionmaker(engine, expire_on_commit=False)
        self.last_migration_backup: Path | None = None

    # -- lifecycle --------------------------------------------------------
    @classmethod
    def create(cls, path: Path, *, passphrase: str | None = None) -> tuple[Database, str | None]:
        """Create a new encrypted database; returns it and the recovery key (keyring mode).

        With a passphrase the database is in passphrase mode. Without one a raw
        key goes into the OS keyring; when no usable keyring exists,
        KeyUnavailableError asks the caller for a passphrase. The file is created
        exclusively and owner-only (0600); SQLite gives -wal and -shm the same mode.
        """
        path = Path(path).expanduser().resolve()
        if os.path.lexists(path) or os.path.lexists(sidecar_path(path)):
            raise InputError(f"Er bestaat al een bestand op {path}; kies een andere locatie.")
        files.private_dirs(path.parent)
        database_id = uuid.uuid4().hex
        recovery: str | None = None
        if passphrase is not None:
            key = DatabaseKey.from_passphrase(passphrase)
        else:
            raw = keys.new_raw_key()
            if not keys.store_in_keyring(database_id, raw):
                raise KeyUnavailableError(
                    "Er is geen bruikbare sleutelbos (keyring) op deze computer. "
                    "Beveilig de database met een wachtwoordzin "
                    f"(bijvoorbeeld via {keys.ENV_PASSPHRASE})."
                )
            key = DatabaseKey.from_raw(raw)
            recovery = keys.format_recovery_key(raw)
        info = KeyInfo(database_id, key.mode)
        try:
            files.create_private_file(path)
        except FileExistsError:
            if key.mode is KeyMode.KEYRING:
                keys.forget_in_keyring(database_id)
            raise InputError(
                f"Er bestaat al een bestand op {path}; kies een andere locatie."
            ) from None
        engine = _make_engine(path, key, new=True)
        try:
            _connect_checked(engine)
            migrate.upgrade(engine)
            with engine.begin() as conn:
                conn.execute(
                    text("INSERT INTO meta (key, value) VALUES (:k, :v)"),
                    [
                        {"k": "database_id", "v": database_id},
                        {"k": "key_mode", "v": key.mode.value},
                        {"k": "created", "v": datetime.now().isoformat(timespec="seconds")},
                    ],
                )
            write_key_info(path, info)
        except BaseException:
            engine.dispose()
            for leftover in (path, *(path.with_name(path.name + s) for s in ("-wal", "-shm"))):
                with contextlib.suppress(OSError):
                    leftover.unlink()
            if key.mode is KeyMode.KEYRING:
                keys.forget_in_keyring(database_id)
            raise
        return cls(path, engine, key, info), recovery

    @classmethod
    def open(
        cls,
        path: Path,
        *,
        passphrase: str | None = None,
        recovery_key: str | None = None,
        migrate_schema: bool = True,
        key_info: KeyInfo | _Unread | None = _UNREAD,
    ) -> Database:
        """Unlock and open a database with the first key that authenticates.

        Tried in order: a recovery key given, the keyring entry, a pending keyring
        entry left by an interrupted rekey, a passphrase given. Nothing is written
        before a key has been proven by reading the database (an empty or foreign
        file stays byte-for-byte as it was). A recovery key or pending key that
        opens the database becomes this user's keyring entry. `key_info`: the
        key-info file as the caller read it (storage.opening), so it is read once.
        """
        path = Path(path).expanduser().resolve()
        if not path.is_file():
            raise InputError(f"Database niet gevonden: {path}")
        if path.stat().st_size == 0:
            raise NotADatabaseError(f"Het bestand {path} is leeg: dit is geen ikodesk-database.")
        info = read_key_info(path) if isinstance(key_info, _Unread) else key_info
        tried = unlock.candidates(info, passphrase, recovery_key)
        if not tried:
            raise KeyUnavailableError(unlock.no_key_message(info, path))
        for candidate in tried:
            engine = _make_engine(path, candidate.key)
            try:
                _connect_checked(engine)
            except WrongKeyError:
                continue
            break
        else:
            raise WrongKeyError(unlock.wrong_key_message(info, path, [c.source for c in tried]))
        try:
            return cls._opened(path, engine, candidate, migrate_schema, info)
        except DatabaseError as exc:
            engine.dispose()
            damaged = damage.damage_error(exc)
            if damaged is None:
                raise
            raise damaged from None

    @classmethod
    def _opened(
        cls,
        path: Path,
        engine: Engine,
        candidate: unlock.Candidate,
        migrate_schema: bool,
        info: KeyInfo | None,
    ) -> Database:
        """The authenticated database: keyring, modes and key info brought up to date."""
        key = candidate.key
        stored = cls._read_meta(engine)
        opened = KeyInfo(stored["database_id"], key.mode)
        if candidate.source in (unlock.KeySource.RECOVERY, unlock.KeySource.PENDING):
            assert key.raw is not None
            promoted = keys.store_in_keyring(opened.database_id, key.raw)
            if promoted and candidate.source is unlock.KeySource.PENDING:
                log.warning("an interrupted rekey was completed: pending key promoted")
                keys.forget_in_keyring(unlock.pending_entry(opened.database_id))
        for own in (path, *(path.with_name(path.name + s) for s in ("-wal", "-shm"))):
            files.restrict_to_owner(own)
        files.restrict_to_owner(sidecar_path(path))
        if stored.get("key_mode") != key.mode.value:
            # The key that works is the truth (a rekey may have stopped before this).
            with engine.begin() as conn:
                conn.execute(
                    text("UPDATE meta SET value = :v WHERE key = 'key_mode'"), {"v": key.mode}
                )
        if info != opened:
            write_key_info(path, opened)
        db = cls(path, engine, key, opened)
        if migrate_schema:
            db.last_migration_backup = migrate.upgrade(engine, backup=db._backup_before_migration)
        else:
            migrate.check_known(migrate.current_revision(engine))
        return db

    @staticmethod
    def _read_meta(engine: Engine) -> dict[str, str]:
        with engine.connect() as conn:
            has_meta = conn.execute(
                text("SELECT 1 FROM sqlite_master WHERE type='table' AND name='meta'")
            ).first()
            if not has_meta:
                return {}
            return {k: v for k, v in conn.execute(text("SELECT key, value FROM meta"))}

    # -- sessions -----------------------------------------------------------
    @contextlib.contextmanager
    def transaction(self) -> Iterator[Session]:
        """A session whose work is committed on success and rolled back on error.

        It begins IMMEDIATE: the write lock is taken (waited for) before the
        first read, so a concurrent writer cannot make it fail halfway.
        """
        with Session(self._writer(), expire_on_commit=False) as session, session.begin():
            yield session

    def _writer(self) -> Engine:
        """The engine with BEGIN IMMEDIATE (follows `self.engine` when rekey replaces it)."""
        cached = getattr(self, "_writer_engine", None)
        if cached is None or cached[0] is not self.engine:
            cached = (
                self.engine,
                self.engine.execution_options(**{_BEGIN_OPTION: "BEGIN IMMEDIATE"}),
            )
            self._writer_engine = cached
        return cached[1]

    # -- facts ----------------------------------------------------------------
    @property
    def key_mode(self) -> KeyMode:
        return self.key_info.key_mode

    @property
    def database_id(self) -> str:
        return self.key_info.database_id

    # -- key rotation -----------------------------------------------------------
    def rekey(
        self,
        *,
        passphrase: str | None = None,
        show_recovery_key: Callable[[str], None] | None = None,
    ) -> tuple[str | None, Path]:
        """Re-encrypt the database with a new key; returns (recovery key, pre-rekey copy).

        Crash-safe at every step: see storage.rekey.
        """
        from ikodesk.storage import rekey

        return rekey.rekey(self, passphrase=passphrase, show_recovery_key=show_recovery_key)

    def _switch_key(self, new_key: DatabaseKey) -> None:
        """Re-encrypt the file with `new_key` (one SQLite transaction) and use it from now on."""
        pooled = self.engine.raw_connection()
        try:
            raw = pooled.driver_connection
            assert raw is not None
            # PRAGMA takes no bound parameters; quote as SQLite quotes identifiers.
            quoted = '"' + new_key.pragma_value.replace('"', '""') + '"'
            raw.execute("PRAGMA rekey = " + quoted)
        finally:
            pooled.close()
        # Later connections of this engine must use the new key.
        self.engine.dispose()
        self.engine = _make_engine(self.path, new_key)
        self.session_factory = sessionmaker(self.engine, expire_on_commit=False)
        self._key = new_key
        with self.engine.begin() as conn:
            conn.execute(
                text("UPDATE meta SET value = :v WHERE key = 'key_mode'"), {"v": new_key.mode}
            )

    # -- backups --------------------------------------------------------------
    def backup(self, dest: Path) -> Path:
        """Write an encrypted copy (same key) to `dest`, with its key info beside it.

        The copy is made in an owner-only temporary file created exclusively beside
        `dest` and linked to `dest` only when complete; an existing `dest` (file or
        link) is refused, never overwritten or followed.
        """
        dest = Path(dest).expanduser().absolute()
        if os.path.lexists(dest):
            raise InputError(f"Er bestaat al een bestand op {dest}.")
        files.private_dirs(dest.parent)
        tmp = files.temporary_sibling(dest)
        try:
            # ATTACH is refused inside a transaction: use the driver connection in
            # autocommit mode (no SQLAlchemy transaction is open between units of work).
            pooled = self.engine.raw_connection()
            try:
                raw = pooled.driver_connection
                assert raw is not None
                raw.execute("ATTACH DATABASE ? AS backup KEY ?", (str(tmp), self._key.pragma_value))
                try:
                    raw.execute("SELECT sqlcipher_export('backup')")
                finally:
                    raw.execute("DETACH DATABASE backup")
            finally:
                pooled.close()
            files.publish(tmp, dest, replace=False)
        except FileExistsError:
            with contextlib.suppress(OSError):
                tmp.unlink()
            raise InputError(f"Er bestaat al een bestand op {dest}.") from None
        except BaseException:
            with contextlib.suppress(OSError):
                tmp.unlink()
            raise
        write_key_info(dest, KeyInfo(self.key_info.database_id, self._key.mode))
        return dest

    def _backup_before_migration(self, revision: str) -> Path:
        return self.backup(self._backup_path(f"pre-{revision}"))

    def _backup_path(self, label: str) -> Path:
        """A new file name beside the database: <stem>.<label>-<timestamp>[-n].db."""
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        candidate = self.path.with_name(f"{self.path.stem}.{label}-{stamp}.db")
        n = 1
        while candidate.exists():
            n += 1
            candidate = self.path.with_name(f"{self.path.stem}.{label}-{stamp}-{n}.db")
        return candidate
