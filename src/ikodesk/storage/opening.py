"""Deciding how to open a database, once: the key-info file read, what the user gave.

Both front-ends open a database the same way: `plan_key` reads the key-info file
beside the database (once per opening) and combines it with what the user supplied
(a passphrase, a recovery key, or the environment); the front-end asks for what is
missing (a prompt, the unlock dialog) and `open_planned` opens with the plan,
without reading the key-info file again.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ikodesk.storage import keys
from ikodesk.storage.driver import KeyInfo, read_key_info
from ikodesk.storage.keys import KeyMode

# Planning loads no SQLAlchemy (issue #16): `ikodesk info` reads through the driver.
if TYPE_CHECKING:
    from ikodesk.storage.database import Database


@dataclass(frozen=True)
class KeyPlan:
    """Which keys an opening will try: the key-info file's hint plus what was supplied."""

    path: Path
    info: KeyInfo | None  # the key-info file as read for this opening (None: missing)
    passphrase: str | None = field(default=None, repr=False)
    recovery_key: str | None = field(default=None, repr=False)

    @property
    def key_mode(self) -> KeyMode | None:
        """The key mode the key-info file names (a hint: see storage.unlock)."""
        return self.info.key_mode if self.info is not None else None

    @property
    def supplied(self) -> bool:
        """Whether the user (or the environment) gave a passphrase or recovery key."""
        return self.passphrase is not None or self.recovery_key is not None

    @property
    def keyring_expected(self) -> bool:
        """The key-info file says the key is in this user's keyring."""
        return self.key_mode is KeyMode.KEYRING

    @property
    def passphrase_expected(self) -> bool:
        """The key-info file says a passphrase opens it (now or after a pending rekey)."""
        return self.info is not None and KeyMode.PASSPHRASE in self.info.modes()

    def with_passphrase(self, passphrase: str | None) -> KeyPlan:
        return dataclasses.replace(self, passphrase=passphrase)

    def with_recovery_key(self, recovery_key: str | None) -> KeyPlan:
        return dataclasses.replace(self, recovery_key=recovery_key)


def plan_key(
    path: Path,
    *,
    passphrase: str | None = None,
    recovery_key: str | None = None,
    from_env: bool = False,
) -> KeyPlan:
    """Read the key-info file of `path` and note what the user supplied.

    With `from_env`, a passphrase or recovery key not supplied is taken from
    IKODESK_PASSPHRASE / IKODESK_RECOVERY_KEY.
    """
    path = Path(path).expanduser()
    if from_env:
        passphrase = passphrase if passphrase is not None else keys.passphrase_from_env()
        recovery_key = recovery_key if recovery_key is not None else keys.recovery_key_from_env()
    return KeyPlan(path, read_key_info(path), passphrase, recovery_key)


def open_planned(plan: KeyPlan, *, migrate_schema: bool = True) -> Database:
    """Open the database of `plan` with its keys (the key-info file is not read again)."""
    from ikodesk.storage.database import Database

    return Database.open(
        plan.path,
        passphrase=plan.passphrase,
        recovery_key=plan.recovery_key,
        migrate_schema=migrate_schema,
        key_info=plan.info,
    )
