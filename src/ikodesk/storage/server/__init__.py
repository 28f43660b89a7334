"""The office server: one PostgreSQL database for the whole office (issue #13).

Each ikodesk user is a PostgreSQL login; row-level security, column privileges
and SECURITY DEFINER functions (sql/) decide what each login may read, so the
walls hold against `psql` as much as against ikodesk. See docs/server.md.

The connection's names load on first use (PEP 562): an address can be parsed and
shown without importing psycopg (issue #16: a database file never needs it).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from ikodesk.storage.server.address import (
    ServerAddress,
    default_sslmode,
    is_server_url,
    make_server_url,
    parse_server_url,
)

if TYPE_CHECKING:
    from ikodesk.storage.server.connection import (
        ServerDatabase,
        change_own_password,
        scram_verifier,
    )

_CONNECTION = ("ServerDatabase", "change_own_password", "scram_verifier")


def __getattr__(name: str) -> Any:
    if name not in _CONNECTION:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module("ikodesk.storage.server.connection"), name)
    globals()[name] = value
    return value


__all__ = [
    "ServerAddress",
    "ServerDatabase",
    "change_own_password",
    "default_sslmode",
    "is_server_url",
    "make_server_url",
    "parse_server_url",
    "scram_verifier",
]
