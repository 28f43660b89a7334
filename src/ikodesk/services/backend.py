"""Which database a session talks to: an embedded SQLCipher file or the office server.

The services are the same on both; where the office server does a thing
itself (the audit chain, walls recorded by its functions, search inside a
SECURITY DEFINER function; storage/server/sql), a service asks here.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

# Loads no SQLAlchemy itself: `is_server_database` is asked by `ikodesk info` on a file.
if TYPE_CHECKING:
    from sqlalchemy import Connection
    from sqlalchemy.orm import Session
    from typing_extensions import TypeIs

    from ikodesk.storage.server import ServerDatabase


def on_server(session: Session | Connection) -> bool:
    """True when `session` is connected to the office server (PostgreSQL)."""
    from sqlalchemy.orm import Session

    bind = session.get_bind() if isinstance(session, Session) else session
    return bind.dialect.name == "postgresql"


def is_server_database(db: object) -> TypeIs[ServerDatabase]:
    """Whether `db` is a login on the office server, not an encrypted file.

    Asked without importing the server's connection module (and psycopg, issue #16):
    until a server address is used that module is not loaded, and no database is one.
    """
    module = sys.modules.get("ikodesk.storage.server.connection")
    return module is not None and isinstance(db, module.ServerDatabase)
