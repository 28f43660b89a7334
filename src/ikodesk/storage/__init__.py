"""Encrypted storage: SQLCipher databases, keys, migrations and backups."""

from ikodesk.storage.database import Database, KeyInfo, read_key_info
from ikodesk.storage.keys import DatabaseKey, KeyMode

__all__ = ["Database", "DatabaseKey", "KeyInfo", "KeyMode", "read_key_info"]
