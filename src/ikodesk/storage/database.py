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
import logging
import os
import uuid
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import sqlcipher3
from sqlalchemy import URL, Engine, create_engine, event, text
from sqlalchemy.exc import DatabaseError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import StaticPool

from ikodesk.errors import InputError, KeyUnavailableError
from ikodesk.storage import damage, driver, files, keys, migrate, unlock
from ikodesk.storage.driver import (
    BUSY_TIMEOUT_MS,
    SIDECAR_FORMAT,
    WRONG_KEY_MESSAGE,
    KeyInfo,
    busy_error,
    read_key_info,
    write_key_info,
)
from ikodesk.storage.keys import DatabaseKey, KeyMode
from ikodesk.storage.opened import OpenedDatabase
from ikodesk.storage.paths import sidecar_path

log = logging.getLogger(__name__)

# Execution option of the engine `transaction()` uses: begin with this statement.
_BEGIN_OPTION = "ikodesk_begin"

__all__ = [
    "BUSY_TIMEOUT_MS",
    "SIDECAR_FORMAT",
    "WRONG_KEY_MESSAGE",
    "Database",
    "KeyInfo",
    "busy_error",
    "read_key_info",
    "write_key_info",
]


def _make_engine(path: Path, key: DatabaseKey, *, new: bool = False) -> Engine:
    url = URL.create("sqlite+pysqlcipher", password=key.pragma_value, database=str(path))
    engine = create_engine(
        url,
        module=sqlcipher3,
        poolclass=StaticPool,
        connect_args=driver.connect_args(),
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        # The same keyed connection as `ikodesk info`'s (storage.driver).
        driver.prepare(dbapi_conn, new=new)

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


def _connect_checked(engine: Engine) -> None:
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except DatabaseError as exc:  # OperationalError included
        engine.dispose()
        raise driver.open_error(exc, exc.orig) from None


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
        path = driver.existing_file(path)
        info = read_key_info(path) if isinstance(key_info, _Unread) else key_info

        def connect(key: DatabaseKey) -> Engine:
            engine = _make_engine(path, key)
            _connect_checked(engine)
            return engine

        candidate, engine = unlock.unlock(path, info, passphrase, recovery_key, connect)
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
        driver.restrict_to_owner(path)
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
        pooled = engine.raw_connection()
        try:
            return driver.read_meta(pooled.driver_connection)
        finally:
            pooled.close()

    @contextlib.contextmanager
    def driver_connection(self) -> Iterator[Any]:
        """The engine's one driver connection (no transaction of SQLAlchemy's open)."""
        pooled = self.engine.raw_connection()
        try:
            yield pooled.driver_connection
        finally:
            pooled.close()

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
            # PRAGMA takes no bound parameters (storage.driver quotes).
            raw.execute("PRAGMA rekey = " + driver.quote(new_key.pragma_value))
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
