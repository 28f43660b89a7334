"""Database keys: raw keys kept in the OS keyring, passphrases, recovery keys.

A database is encrypted either with a random 256-bit raw key (keyring mode:
no KDF cost, the key lives in the OS keyring under service ``ikodesk`` and the
database id) or with a passphrase that SQLCipher stretches with its own KDF
(passphrase mode). Keys are never written to disk by ikodesk.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import secrets
from dataclasses import dataclass, field
from enum import StrEnum
from types import ModuleType

from ikodesk.errors import InputError

KEYRING_SERVICE = "ikodesk"
ENV_PASSPHRASE = "IKODESK_PASSPHRASE"
ENV_RECOVERY_KEY = "IKODESK_RECOVERY_KEY"
RAW_KEY_BYTES = 32


class KeyMode(StrEnum):
    KEYRING = "keyring"
    PASSPHRASE = "passphrase"


@dataclass(frozen=True)
class DatabaseKey:
    """The secret that opens one database, as SQLCipher's PRAGMA key expects it."""

    mode: KeyMode
    # "x'<64 hex>'" for a raw key, the passphrase itself otherwise.
    pragma_value: str = field(repr=False)
    raw: bytes | None = field(default=None, repr=False)

    @classmethod
    def from_raw(cls, raw: bytes) -> DatabaseKey:
        if len(raw) != RAW_KEY_BYTES:
            raise ValueError("a raw key has 32 bytes")
        return cls(KeyMode.KEYRING, f"x'{raw.hex()}'", raw)

    @classmethod
    def from_passphrase(cls, passphrase: str) -> DatabaseKey:
        if not passphrase:
            raise InputError("Een lege wachtwoordzin is niet toegestaan.")
        return cls(KeyMode.PASSPHRASE, passphrase)


def new_raw_key() -> bytes:
    return secrets.token_bytes(RAW_KEY_BYTES)


# --- recovery keys ---------------------------------------------------------
# The recovery key is the raw key itself in 17 groups of 4 hex digits, the last
# group a checksum so that a mistyped key is recognised before it is tried.

_HEX = re.compile(r"[0-9A-F]+")


def _checksum(raw: bytes) -> str:
    return hashlib.sha256(b"ikodesk-recovery" + raw).hexdigest()[:4].upper()


def format_recovery_key(raw: bytes) -> str:
    digits = raw.hex().upper() + _checksum(raw)
    return "-".join(digits[i : i + 4] for i in range(0, len(digits), 4))


def parse_recovery_key(text: str) -> bytes:
    """The raw key in a recovery key as typed by a person (spaces, dashes, case ignored)."""
    digits = re.sub(r"[\s\-]", "", text).upper()
    if len(digits) != RAW_KEY_BYTES * 2 + 4 or not _HEX.fullmatch(digits):
        raise InputError(
            "Dit is geen geldige herstelsleutel: verwacht 17 groepen van 4 tekens (0-9, A-F)."
        )
    raw = bytes.fromhex(digits[:-4])
    if _checksum(raw) != digits[-4:]:
        raise InputError("Deze herstelsleutel bevat een typefout: controleer de tekens.")
    return raw


# --- the OS keyring --------------------------------------------------------

_UNUSABLE_BACKENDS = ("keyring.backends.fail", "keyring.backends.null")


def _keyring() -> ModuleType:
    """The keyring package, loaded when a key is first looked for there (issue #16: a
    database with a passphrase, and `ikodesk --version`, never need it)."""
    import keyring
    import keyring.errors

    return keyring


def keyring_usable() -> bool:
    """True when a real keyring backend is configured (not the fail/null backends)."""
    keyring = _keyring()
    try:
        backend = keyring.get_keyring()
    except Exception:
        return False
    if type(backend).__module__ in _UNUSABLE_BACKENDS:
        return False
    inner = getattr(backend, "backends", None)  # the chainer
    if inner is not None:
        return any(type(b).__module__ not in _UNUSABLE_BACKENDS for b in inner)
    return True


def store_in_keyring(database_id: str, raw: bytes) -> bool:
    """Store a raw key and check that it reads back; False when the keyring won't keep it."""
    if not keyring_usable():
        return False
    keyring = _keyring()
    try:
        keyring.set_password(KEYRING_SERVICE, database_id, raw.hex())
        return bool(keyring.get_password(KEYRING_SERVICE, database_id) == raw.hex())
    except keyring.errors.KeyringError:
        return False


def load_from_keyring(database_id: str) -> bytes | None:
    if not keyring_usable():
        return None
    keyring = _keyring()
    try:
        stored = keyring.get_password(KEYRING_SERVICE, database_id)
    except keyring.errors.KeyringError:
        return None
    if not stored:
        return None
    try:
        raw = bytes.fromhex(stored)
    except ValueError:
        return None
    return raw if len(raw) == RAW_KEY_BYTES else None


def forget_in_keyring(database_id: str) -> None:
    keyring = _keyring()
    with contextlib.suppress(keyring.errors.KeyringError):
        keyring.delete_password(KEYRING_SERVICE, database_id)


def passphrase_from_env() -> str | None:
    return os.environ.get(ENV_PASSPHRASE) or None


def recovery_key_from_env() -> str | None:
    return os.environ.get(ENV_RECOVERY_KEY) or None
