"""A second administrator approves an action on the office server (four eyes).

The approver's password never passes through ikodesk's own checks: a short
second connection logs in AS the approver (the server checks the password,
SCRAM, and slows failed attempts down with auth_delay like any login) and
calls `ikodesk_approve`, which records the approval under that login
(session_user) and audits it. The acting session's own functions later take
it with `ikodesk_consume_approval` (sql/approvals.sql).
"""

from __future__ import annotations

from sqlalchemy import Engine, text
from sqlalchemy.engine import URL

from ikodesk.storage.server.address import DEFAULT_PORT, KEEPALIVE, ServerAddress
from ikodesk.storage.server.connection import check_connection, make_engine

_APPROVE = text("SELECT ikodesk_approve(:action, :detail, :for_login)")


def address_of(url: URL) -> ServerAddress:
    """The server address an engine of the acting session is connected to (no login)."""
    options = tuple(
        (str(k), str(v))
        for k, v in url.query.items()
        if isinstance(v, str) and k not in ("application_name", "connect_timeout", *KEEPALIVE)
    )
    return ServerAddress(
        host=url.host or "",
        database=url.database or "",
        port=url.port or DEFAULT_PORT,
        options=options,
    )


def approve_as(
    acting: Engine, username: str, password: str, *, action: str, detail: str, for_login: str
) -> None:
    """Log in as `username` and record its approval of `action` for `for_login`.

    Raises AuthenticationError (wrong name or password), ServerUnavailable, or
    AccessDenied (the server's IK003: the login is not an active administrator).
    """
    address = address_of(acting.url).with_login(username, password)
    engine = make_engine(address)
    try:
        check_connection(engine, address)
        with engine.begin() as conn:
            conn.execute(_APPROVE, {"action": action, "detail": detail, "for_login": for_login})
    finally:
        engine.dispose()
