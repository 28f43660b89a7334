"""Access requests' clocks on the office server (issue #18 point 5): read, never written.

The server's own functions start and stop the clocks (sql/subject_access.sql,
tests/pg/test_server_subject_access.py): an administrator's Termijnen page reads
the table, marking an unknown request answered is refused in plain Dutch, and
no login may write the table or, except an administrator, read it.
"""

from __future__ import annotations

from datetime import date

import psycopg
import pytest

from ikodesk.errors import InputError
from ikodesk.models.enums import Role
from tests.support.office import ADMIN, ADMIN_PASSWORD, Office


def test_administrators_read_the_clocks_and_nobody_writes_them(office: Office) -> None:
    office.add_user("jdevries", Role.JURIST)
    admin = office.admin()
    actor = office.actor(admin)
    assert admin.admin.open_access_requests(actor, date(2026, 2, 1)) == []
    with pytest.raises(InputError, match="geen inzageverzoek 1"):
        admin.admin.access_request_answered(actor, 1)
    with office.psql(ADMIN, ADMIN_PASSWORD) as conn:
        assert conn.execute("SELECT count(*) FROM access_requests").fetchone() == (0,)
    insert = (
        "INSERT INTO access_requests (received, due, made_at, made_by, dossiers) "
        "VALUES ('2026-01-01', '2026-02-01', now(), 'x', 1)"
    )
    for login, password in ((ADMIN, ADMIN_PASSWORD), ("jdevries", None)):
        args = (login,) if password is None else (login, password)
        with office.psql(*args) as conn, pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute(insert)
    with office.psql("jdevries") as conn, pytest.raises(psycopg.errors.InsufficientPrivilege):
        conn.execute("SELECT * FROM access_requests")
