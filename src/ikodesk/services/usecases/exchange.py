"""The use cases of the exchange format: importing a file, exporting the whole database.

Thin on purpose: the reading, checking, writing and the policy are in
`services.exchange`; here each call is its unit of work.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy.orm import Session

from ikodesk.services import access, approvals, command_audit, exchange
from ikodesk.services.access import Action
from ikodesk.services.actors import Actor
from ikodesk.services.approvals import ApproverCredentials
from ikodesk.services.backend import on_server
from ikodesk.services.exchange import ImportResult, Progress, server_export
from ikodesk.services.exchange.export import TextSink
from ikodesk.services.usecases.base import UseCases


class ExchangeUseCases(UseCases):
    def import_file(
        self, actor: Actor, path: Path, *, update: bool = False, progress: Progress | None = None
    ) -> ImportResult:
        """Read, check and write the records of `path`: all of them or none."""
        return self._run(exchange.import_file, actor, path, update=update, progress=progress)

    def export_to_file(
        self, actor: Actor, path: Path, *, approver: ApproverCredentials | None = None
    ) -> int:
        """Every record to the file `path` (owner-only); returns the count. Recorded with
        the file's full path, beside the policy's own entry (EXPORT_ALL). A second
        administrator approves (four eyes)."""

        def run(s: Session) -> int:
            destination = str(Path(path).resolve())
            _approve_bulk_export(s, actor, approver, destination)
            with _readable(s, actor, destination) as (source, reader):
                count = exchange.write_jsonl(exchange.export_records(source, reader), path)
            command_audit.record_export(s, actor, count, destination)
            return count

        return self._run(run)

    def export_to_stream(
        self,
        actor: Actor,
        stream: TextSink,
        *,
        destination: str,
        approver: ApproverCredentials | None = None,
    ) -> int:
        """Every record as JSON lines to an open text stream; returns the count. Recorded
        with `destination`, what the stream is (the command line: "standaarduitvoer").
        A second administrator approves (four eyes)."""

        def run(s: Session) -> int:
            _approve_bulk_export(s, actor, approver, destination)
            with _readable(s, actor, destination) as (source, reader):
                count = exchange.write_records(exchange.export_records(source, reader), stream)
            command_audit.record_export(s, actor, count, destination)
            return count

        return self._run(run)


@contextmanager
def _readable(s: Session, actor: Actor, destination: str) -> Iterator[tuple[Session, Actor]]:
    """Where the export reads, and as whom: the database itself, or on the office
    server a private copy the server filled after taking the approval
    (exchange.server_export), read as its key holder (the server decided)."""
    if not on_server(s):
        yield s, actor
        return
    access.require(s, actor, Action.EXPORT_ALL, detail=f"naar {destination}")
    with server_export.office_copy(s, destination) as copy:
        yield copy, Actor.key_holder()


def _approve_bulk_export(
    s: Session, actor: Actor, approver: ApproverCredentials | None, destination: str
) -> None:
    """Four eyes on a bulk export, before anything is written.

    Only where the export can happen: whom the policy refuses is refused by it
    (audited there), without being asked for an approver. On the office server
    the approver logs in to the server, which records the approval and takes it
    itself when the export begins (storage/server/sql/export.sql).
    """
    if not access.allowed(s, actor, Action.EXPORT_ALL):
        return
    approvals.approve(
        s, actor, approver, action=approvals.BULK_EXPORT, detail=f"export naar {destination}"
    )
