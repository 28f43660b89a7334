"""Reading an ikodesk file through the driver alone: `ikodesk info` (issue #16).

`open_for_reading` is `Database.open` without SQLAlchemy (half a second of imports):
the same keys tried in the same order, the same keying, checks and errors
(storage.unlock, storage.driver). It changes nothing the opening would: when the
opening has something to bring up to date (a schema to migrate, a recovery or
pending key to promote into the keyring, the key mode in the file or the key-info
file), it returns None and the caller opens with `Database.open`, which does that.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Self

import sqlcipher3

from ikodesk.storage import damage, driver, migrate, unlock
from ikodesk.storage.driver import KeyInfo
from ikodesk.storage.keys import DatabaseKey, KeyMode

if TYPE_CHECKING:
    from pathlib import Path

    from ikodesk.storage.opening import KeyPlan

# The keys whose opening changes nothing (a recovery or pending key is promoted).
_SETTLED_SOURCES = (unlock.KeySource.KEYRING, unlock.KeySource.PASSPHRASE)


@dataclass
class FileReading:
    """An authenticated file at the current schema, read through its driver connection."""

    path: Path
    key_info: KeyInfo
    revision: str
    _conn: Any = field(repr=False)

    @property
    def key_mode(self) -> KeyMode:
        return self.key_info.key_mode

    @property
    def database_id(self) -> str:
        return self.key_info.database_id

    def schema_revision(self) -> str | None:
        return self.revision

    @contextlib.contextmanager
    def driver_connection(self) -> Iterator[Any]:
        yield self._conn

    def close(self) -> None:
        self._conn.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def open_for_reading(plan: KeyPlan) -> FileReading | None:
    """The file of `plan`, unlocked as `Database.open` would; None when that opening
    would change something (then open it with `Database.open`)."""
    path = driver.existing_file(plan.path)

    def connect(key: DatabaseKey) -> Any:
        return driver.connect(path, key)

    candidate, conn = unlock.unlock(path, plan.info, plan.passphrase, plan.recovery_key, connect)
    try:
        stored = driver.read_meta(conn)
        revisions = driver.revision(conn)
    except sqlcipher3.DatabaseError as exc:
        conn.close()
        damaged = damage.damage_error(exc)
        if damaged is None:
            raise
        raise damaged from None
    key = candidate.key
    opened = KeyInfo(stored["database_id"], key.mode)
    settled = (
        candidate.source in _SETTLED_SOURCES
        and stored.get("key_mode") == key.mode.value
        and plan.info == opened
        and revisions == (migrate.head_revision(),)
    )
    if not settled:
        conn.close()
        return None
    driver.restrict_to_owner(path)
    return FileReading(path, opened, revisions[0], conn)
