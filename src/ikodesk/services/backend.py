"""Which database a session talks to: an embedded SQLCipher file or the office server.

The services are the same on both; where the office server does a thing
itself (the audit chain, walls recorded by its functions, search inside a
SECURITY DEFINER function; storage/server/sql), a service asks here.
"""

from __future__ import annotations

from sqlalchemy import Connection
from sqlalchemy.orm import Session


def on_server(session: Session | Connection) -> bool:
    """True when `session` is connected to the office server (PostgreSQL)."""
    bind = session.get_bind() if isinstance(session, Session) else session
    return bind.dialect.name == "postgresql"
