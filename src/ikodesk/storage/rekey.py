"""Re-encrypting a database with a new key, safe against a crash at every step.

What the user has is the keyring of this workstation plus the recovery key (the
raw key written out) in keyring mode, or the passphrase in passphrase mode.
The steps are ordered so that a kill between any two of them leaves a database
that opens with what the user has, its data intact:

1. ``pending_key``: the new raw key is stored in the keyring as a *pending*
   entry beside the current one and read back (keyring mode). A passphrase is
   known to the user, who just typed it.
2. ``key_info_pending``: the key-info file notes the pending key mode, so that
   a passphrase is asked for when the new key is one.
3. ``recovery_shown``: the new recovery key is handed to the caller to show.
   Until step 5 the database still uses the old key, so the old recovery key
   stays valid; from step 5 the new one is, and the old one opens the copy of
   step 4.
4. ``copy``: an encrypted copy under the old key (``<name>.pre-rekey-<time>.db``).
5. ``reencrypt``: SQLCipher's ``PRAGMA rekey``: one SQLite transaction, so the
   file is all under the old key or all under the new one.
6. ``keyring``: the new key becomes the current keyring entry.
7. ``key_info``: the key-info file names the new key mode only.
8. ``pending_cleared``: the pending entry is removed.

Opening (storage.database) tries the current and the pending keyring entry and
promotes the pending one when it is the one that works, so after a crash
between 5 and 8 the next start completes the rekey.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from ikodesk.errors import KeyUnavailableError
from ikodesk.storage import keys
from ikodesk.storage.keys import DatabaseKey
from ikodesk.storage.unlock import pending_entry

if TYPE_CHECKING:
    from ikodesk.storage.database import Database

log = logging.getLogger(__name__)

STEPS = (
    "pending_key",
    "key_info_pending",
    "recovery_shown",
    "copy",
    "reencrypt",
    "keyring",
    "key_info",
    "pending_cleared",
)


def checkpoint(step: str) -> None:
    """Called after each step; the tests inject faults and kills here."""


def rekey(
    db: Database,
    *,
    passphrase: str | None = None,
    show_recovery_key: Callable[[str], None] | None = None,
) -> tuple[str | None, Path]:
    """Re-encrypt `db` with a new key; returns (new recovery key or None, pre-rekey copy)."""
    from ikodesk.storage.database import KeyInfo, write_key_info

    database_id = db.database_id
    old_info = KeyInfo(database_id, db.key_mode)
    if passphrase is not None:
        new_key = DatabaseKey.from_passphrase(passphrase)
    else:
        if not keys.keyring_usable():
            raise KeyUnavailableError(
                "Er is geen bruikbare sleutelbos (keyring) op deze computer; kies een "
                "wachtwoordzin."
            )
        new_key = DatabaseKey.from_raw(keys.new_raw_key())
    raw = new_key.raw
    reencrypted = False
    try:
        if raw is not None and not keys.store_in_keyring(pending_entry(database_id), raw):
            raise KeyUnavailableError(
                "De sleutelbos (keyring) bewaart de nieuwe sleutel niet; de database is "
                "niet gewijzigd."
            )
        checkpoint("pending_key")
        write_key_info(db.path, KeyInfo(database_id, old_info.key_mode, new_key.mode))
        checkpoint("key_info_pending")
        recovery = keys.format_recovery_key(raw) if raw is not None else None
        if recovery is not None and show_recovery_key is not None:
            show_recovery_key(recovery)
        checkpoint("recovery_shown")
        copy = db.backup(db._backup_path("pre-rekey"))
        checkpoint("copy")
        db._switch_key(new_key)
        reencrypted = True
        checkpoint("reencrypt")
    except Exception:
        # An ordinary failure before the switch: undo the preparations (a kill
        # leaves them, which is harmless: the current key is tried first).
        if not reencrypted:
            if raw is not None:
                keys.forget_in_keyring(pending_entry(database_id))
            write_key_info(db.path, old_info)
        raise
    stored = raw is None or keys.store_in_keyring(database_id, raw)
    if not stored:
        # The pending entry still opens the database and is promoted on the next start.
        log.warning("rekey: the keyring did not keep the new key; pending entry kept")
    checkpoint("keyring")
    db.key_info = KeyInfo(database_id, new_key.mode)
    write_key_info(db.path, db.key_info)
    checkpoint("key_info")
    if raw is not None and stored:
        keys.forget_in_keyring(pending_entry(database_id))
    checkpoint("pending_cleared")
    return recovery, copy
