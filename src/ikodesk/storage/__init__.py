"""Storage: encrypted SQLCipher files (embedded) or the office server (PostgreSQL).

The package's names load on first use (PEP 562): `ikodesk.storage.files` and
`ikodesk.storage.paths` serve the command line's start (logging, `--version`)
without importing SQLAlchemy or a database driver.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any, TypeAlias

if TYPE_CHECKING:
    from ikodesk.storage.database import Database
    from ikodesk.storage.driver import KeyInfo, read_key_info
    from ikodesk.storage.keys import DatabaseKey, KeyMode
    from ikodesk.storage.server import ServerDatabase

    # An open database: an encrypted file, or one user's login on the office server.
    OpenDatabase: TypeAlias = Database | ServerDatabase

_LAZY = {
    "Database": "ikodesk.storage.database",
    "KeyInfo": "ikodesk.storage.driver",
    "read_key_info": "ikodesk.storage.driver",
    "DatabaseKey": "ikodesk.storage.keys",
    "KeyMode": "ikodesk.storage.keys",
    "ServerDatabase": "ikodesk.storage.server",
}


def __getattr__(name: str) -> Any:
    if name == "OpenDatabase":
        value: Any = __getattr__("Database") | __getattr__("ServerDatabase")
    elif name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name]), name)
    else:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    globals()[name] = value
    return value


__all__ = [
    "Database",
    "DatabaseKey",
    "KeyInfo",
    "KeyMode",
    "OpenDatabase",
    "ServerDatabase",
    "read_key_info",
]
