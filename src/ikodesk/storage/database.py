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
import os
import uuid
from collections.abc import Iterator
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
    StorageError,
    WrongKeyError,
)
from ikodesk.storage import keys, migrate
from ikodesk.storage.keys import DatabaseKey, KeyMode
from ikodesk.storage.paths import sidecar_path

SIDECAR_FORMAT = "ikodesk-database"
# How long a connection waits for another process's lock before giving up.
BUSY_TIMEOUT_MS = 10_000
# Execution option of the engine `transaction()` uses: begin with this statement.
_BEGIN_OPTION = "ikodesk_begin"

WRONG_KEY_MESSAGE = (
    "De database kan niet worden geopend: de sleutel is onjuist of het bestand "
    "is geen ikodesk-database."
)


@dataclass(frozen=True)
class KeyInfo:
    """What the sidecar file says about a database: no key, no personal data."""

    database_id: str
    key_mode: KeyMode

    def to_json(self) -> str:
        return json.dumps(
            {
                "format": SIDECAR_FORMAT,
                "database_id": self.database_id,
                "key_mode": self.key_mode.value,
            },
            indent=2,
        )


def read_key_info(db_path: Path) -> KeyInfo | None:
    try:
        data = json.loads(sidecar_path(db_path).read_text(encoding="utf-8"))
        if data.get("format") != SIDECAR_FORMAT:
            return None
        return KeyInfo(str(data["database_id"]), KeyMode(data["key_mode"]))
    except (OSError, ValueError, KeyError):
        return None


def _write_key_info(db_path: Path, info: KeyInfo) -> None:
    target = sidecar_path(db_path)
    tmp = target.with_name(target.name + ".tmp")
    tmp.write_text(info.to_json(), encoding="utf-8")
    os.replace(tmp, target)


def _make_engine(path: Path, key: DatabaseKey) -> Engine:
    url = URL.create("sqlite+pysqlcipher", password=key.pragma_value, database=str(path))
    engine = create_engine(
        url,
        module=sqlcipher3,
        poolclass=StaticPool,
        connect_args={"check_same_thread": False},
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
            cur.execute("PRAGMA journal_mode = WAL")
            cur.execute("PRAGMA foreign_keys = ON")
            cur.execute("PRAGMA synchronous = FULL")
            cur.execute("PRAGMA temp_store = MEMORY")
            cur.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
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
        raise StorageError(f"De database kan niet worden geopend: {exc.orig}") from None


class Database:
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
        KeyUnavailableError asks the caller for a passphrase.
        """
        path = Path(path).expanduser().resolve()
        if path.exists() or sidecar_path(path).exists():
            raise InputError(f"Er bestaat al een bestand op {path}; kies een andere locatie.")
        path.parent.mkdir(parents=True, exist_ok=True)
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
        engine = _make_engine(path, key)
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
            _write_key_info(path, info)
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
    ) -> Database:
        """Unlock and open a database: keyring first, else recovery key or passphrase.

        A recovery key that opens a keyring-mode database is remembered in this
        user's keyring, so the next start needs nothing.
        """
        path = Path(path).expanduser().resolve()
        if not path.is_file():
            raise InputError(f"Database niet gevonden: {path}")
        info = read_key_info(path)
        key: DatabaseKey | None = None
        if recovery_key is not None:
            key = DatabaseKey.from_raw(keys.parse_recovery_key(recovery_key))
        elif info is not None and info.key_mode is KeyMode.KEYRING:
            raw = keys.load_from_keyring(info.database_id)
            if raw is not None:
                key = DatabaseKey.from_raw(raw)
            elif passphrase is None:
                raise KeyUnavailableError(
                    "De sleutel van deze database staat niet in de sleutelbos van deze "
                    "gebruiker. Open de database met de herstelsleutel "
                    f"(--recovery-key of {keys.ENV_RECOVERY_KEY})."
                )
        if key is None:
            if passphrase is None:
                raise KeyUnavailableError(
                    "Deze database is beveiligd met een wachtwoordzin. Geef de wachtwoordzin "
                    f"op (of stel {keys.ENV_PASSPHRASE} in)."
                )
            key = DatabaseKey.from_passphrase(passphrase)
        engine = _make_engine(path, key)
        _connect_checked(engine)
        stored = cls._read_meta(engine)
        if "database_id" not in stored:
            engine.dispose()
            raise WrongKeyError(WRONG_KEY_MESSAGE)
        info = KeyInfo(stored["database_id"], KeyMode(stored.get("key_mode", key.mode.value)))
        if recovery_key is not None and key.raw is not None:
            keys.store_in_keyring(info.database_id, key.raw)
        if read_key_info(path) != info:
            _write_key_info(path, info)
        db = cls(path, engine, key, info)
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

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Database:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- sessions -----------------------------------------------------------
    def session(self) -> Session:
        return self.session_factory()

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

    def schema_revision(self) -> str | None:
        return migrate.current_revision(self.engine)

    # -- key rotation -----------------------------------------------------------
    def rekey(self, *, passphrase: str | None = None) -> tuple[str | None, Path]:
        """Re-encrypt the database with a new key; returns (recovery key, backup).

        With a passphrase the database moves to (or stays in) passphrase mode;
        without one it gets a new random key in the OS keyring and a new
        recovery key. An encrypted backup under the old key is made first: if
        anything goes wrong afterwards, that copy still opens with the old key.
        """
        if passphrase is not None:
            new_key = DatabaseKey.from_passphrase(passphrase)
        else:
            if not keys.keyring_usable():
                raise KeyUnavailableError(
                    "Er is geen bruikbare sleutelbos (keyring) op deze computer; kies een "
                    "wachtwoordzin."
                )
            new_key = DatabaseKey.from_raw(keys.new_raw_key())
        backup = self.backup(self._backup_path("pre-rekey"))
        pooled = self.engine.raw_connection()
        try:
            raw = pooled.driver_connection
            assert raw is not None
            # PRAGMA takes no bound parameters; quote as SQLite quotes identifiers.
            quoted = '"' + new_key.pragma_value.replace('"', '""') + '"'
            raw.execute("PRAGMA rekey = " + quoted)
            raw.execute("UPDATE meta SET value = ? WHERE key = 'key_mode'", (new_key.mode.value,))
        finally:
            pooled.close()
        # Later connections of this engine must use the new key.
        self.engine.dispose()
        self.engine = _make_engine(self.path, new_key)
        self.session_factory = sessionmaker(self.engine, expire_on_commit=False)
        self._key = new_key
        self.key_info = KeyInfo(self.key_info.database_id, new_key.mode)
        _write_key_info(self.path, self.key_info)
        recovery: str | None = None
        if new_key.raw is not None:
            keys.store_in_keyring(self.database_id, new_key.raw)
            recovery = keys.format_recovery_key(new_key.raw)
        return recovery, backup

    # -- backups --------------------------------------------------------------
    def backup(self, dest: Path) -> Path:
        """Write an encrypted copy (same key) to `dest`, with its key info beside it."""
        dest = Path(dest).expanduser().resolve()
        if dest.exists():
            raise InputError(f"Er bestaat al een bestand op {dest}.")
        dest.parent.mkdir(parents=True, exist_ok=True)
        tmp = dest.with_name(dest.name + ".partial")
        with contextlib.suppress(OSError):
            tmp.unlink()
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
            os.replace(tmp, dest)
        except BaseException:
            with contextlib.suppress(OSError):
                tmp.unlink()
            raise
        _write_key_info(dest, self.key_info)
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
