"""A bulk export from the office server: the office read into a throwaway file, exported there.

No login reads every dossier on the server, administrators included. A bulk
export therefore asks the server for the rows through its own functions
(storage/server/sql/export.sql), which give them out only in a transaction
that took a second administrator's approval (four eyes; the server checks it
and writes the audit entry itself). The rows go into a new encrypted file in
a private temporary folder, under a random passphrase that is never stored,
and the ordinary export (`export.export_records`, the same code and the same
format as on a file) reads them from there; the folder is removed afterwards.

Not carried: password hashes (the server keeps none for logins), the audit
log and search terms (an export is not a move: `ikodesk server migrate` and
`pg_dump` are), match keys and the search index (rebuilt by an import).
"""

from __future__ import annotations

import json
import secrets
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import JSON, Boolean, Date, DateTime, Table, text
from sqlalchemy.orm import Session

from ikodesk.models import Base

# In the order the foreign keys need (and everything export_records reads).
TABLES = (
    "users",
    "mediators",
    "cases",
    "case_notes",
    "persons",
    "children",
    "contacts",
    "mediations",
    "mediation_parents",
    "mediation_children",
    "child_interviews",
    "mediation_mediators",
    "activities",
    "historical_figures",
    "conflict_pairs",
    "wall_claims",
    "case_openings",
)
BATCH = 5000

_BEGIN = text("SELECT ikodesk_export_begin(:destination)")
_ROWS = text("SELECT ikodesk_export_rows(:t, :skip, :lim)")


@contextmanager
def office_copy(session: Session, destination: str) -> Iterator[Session]:
    """A session on a private, encrypted copy of the office, for one export.

    The caller has had a second administrator approve the export on the server
    (services.approvals); the server takes that approval here and refuses
    without it. Everything happens in `session`'s transaction.
    """
    from ikodesk.storage import Database  # the embedded engine, only for this copy

    approver = session.scalar(_BEGIN, {"destination": destination})
    assert approver
    with tempfile.TemporaryDirectory(prefix="ikodesk-export-") as folder:
        copy, _ = Database.create(Path(folder) / "kantoor.db", passphrase=_passphrase())
        try:
            with copy.transaction() as target:
                for name in TABLES:
                    _copy(session, target, Base.metadata.tables[name])
            with copy.session() as reading:
                yield reading
        finally:
            copy.close()


def _passphrase() -> str:
    return secrets.token_urlsafe(32)


def _copy(source: Session, target: Session, table: Table) -> None:
    convert = {c.name: f for c in table.columns if (f := _converter(c.type)) is not None}
    skip = 0
    while True:
        rows: list[dict[str, Any]] = (
            source.scalar(_ROWS, {"t": table.name, "skip": skip, "lim": BATCH}) or []
        )
        if isinstance(rows, str):
            rows = json.loads(rows)
        if not rows:
            return
        values = [
            {
                c.name: (
                    convert[c.name](row[c.name])
                    if c.name in convert and row.get(c.name) is not None
                    else row.get(c.name)
                )
                for c in table.columns
                if c.name in row
            }
            for row in rows
        ]
        target.execute(table.insert(), values)
        skip += len(rows)


def _converter(type_: Any) -> Any:
    if isinstance(type_, DateTime):
        return lambda v: datetime.fromisoformat(v).replace(tzinfo=None)
    if isinstance(type_, Date):
        return date.fromisoformat
    if isinstance(type_, Boolean):
        return bool
    if isinstance(type_, JSON):
        return None
    return None
