"""Storage: encrypted SQLCipher files (embedded) or the office server (PostgreSQL)."""

from ikodesk.storage.database import Database, KeyInfo, read_key_info
from ikodesk.storage.keys import DatabaseKey, KeyMode
from ikodesk.storage.server import ServerDatabase

# An open database: an encrypted file, or one user's login on the office server.
OpenDatabase = Database | ServerDatabase

__all__ = [
    "Database",
    "DatabaseKey",
    "KeyInfo",
    "KeyMode",
    "OpenDatabase",
    "ServerDatabase",
    "read_key_info",
]
