"""The office server: one PostgreSQL database for the whole office (issue #13).

Each ikodesk user is a PostgreSQL login; row-level security, column privileges
and SECURITY DEFINER functions (sql/) decide what each login may read, so the
walls hold against `psql` as much as against ikodesk. See docs/server.md.
"""

from ikodesk.storage.server.address import (
    ServerAddress,
    default_sslmode,
    is_server_url,
    make_server_url,
    parse_server_url,
)
from ikodesk.storage.server.connection import (
    ServerDatabase,
    change_own_password,
    scram_verifier,
)

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
