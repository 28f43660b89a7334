"""The audit log: who did what to which object, when, from where, allowed or refused.

Entries hold references (a case reference, a username), never names or
dossier contents. The policy point (`services.access`) writes them, so no
path can forget; a bulk import writes one summary entry.

Entries survive the caller's rollback. `log` keeps an entry in the session
until the transaction ends: a commit writes it in the same transaction (so
the change and its entry land together); a rollback, or a read-only session
that is closed, writes it afterwards in a transaction of its own. A refused
access raises an error that rolls the caller back, and is still recorded.
Idempotent facts that must survive the same way (who has opened a dossier)
go through `remember`.

The log is append-only (database triggers refuse UPDATE and DELETE) and
hash-chained: each entry's SHA-256 covers the previous entry's hash and its
own canonical fields, and `meta.audit_head` holds the last sequence number
and hash. `verify_chain` recomputes the chain and names the first entry that
was changed, removed or moved. Someone holding the database key can still
rewrite the whole chain: the chain detects tampering by everyone else and
accidents; see the closing note of the walls branch for the stronger options.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine, TextClause, event, select, text
from sqlalchemy.orm import Session, SessionTransaction

from ikodesk.models import AuditEntry
from ikodesk.services.actors import Actor
from ikodesk.services.backend import on_server

ALLOWED = "allowed"
REFUSED = "refused"
GENESIS = "0" * 64
HEAD_KEY = "audit_head"

_PENDING = "ikodesk.audit.pending"
_REPLAY = "ikodesk.audit.replay"


@dataclass(frozen=True, slots=True)
class Event:
    at: str
    user_id: int | None
    username: str
    workstation: str
    action: str
    object_type: str
    object_ref: str | None
    result: str
    detail: str | None


def now_text() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def log(
    session: Session,
    actor: Actor,
    action: str,
    object_type: str,
    object_ref: str | None = None,
    *,
    result: str = ALLOWED,
    detail: str | None = None,
) -> None:
    """Record an entry; it is written when the session's transaction ends."""
    session.info.setdefault(_PENDING, []).append(
        Event(
            at=now_text(),
            user_id=actor.user_id,
            username=actor.username,
            workstation=actor.workstation[:200],
            action=action,
            object_type=object_type,
            object_ref=object_ref,
            result=result,
            detail=detail[:300] if detail else None,
        )
    )
    session.connection()  # a transaction must exist for its end to be seen


def remember(session: Session, statement: TextClause, params: dict[str, Any]) -> Any:
    """Run an idempotent statement now, and again after a rollback of this session.

    Returns the first column of its first row (for statements that return one).
    """
    result = session.execute(statement, params)
    session.info.setdefault(_REPLAY, []).append((statement, params))
    return result.scalar() if getattr(result, "returns_rows", False) else None


# --- writing ----------------------------------------------------------------------

Execute = Callable[..., Any]


def canonical(seq: int, ev: Event) -> bytes:
    """The fields an entry's hash covers, in one fixed serialisation."""
    return json.dumps(
        [
            seq,
            ev.at,
            ev.user_id,
            ev.username,
            ev.workstation,
            ev.action,
            ev.object_type,
            ev.object_ref,
            ev.result,
            ev.detail,
        ],
        ensure_ascii=False,
        separators=(",", ":"),
    ).encode("utf-8")


def chain_hash(prev: str, seq: int, ev: Event) -> str:
    return hashlib.sha256(prev.encode("ascii") + b"\n" + canonical(seq, ev)).hexdigest()


def _head(execute: Execute) -> tuple[int, str]:
    value = execute(
        text("SELECT value FROM meta WHERE key = :k"), {"k": HEAD_KEY}
    ).scalar_one_or_none()
    if value:
        seq, _, digest = str(value).partition(" ")
        return int(seq), digest
    # No head yet (or it was removed): continue after the last entry there is.
    last = execute(text("SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1")).first()
    return (int(last[0]), str(last[1])) if last else (0, GENESIS)


_SERVER_INSERT = text(
    "INSERT INTO audit_log (workstation, action, object_type, object_ref, result, detail) "
    "VALUES (:workstation, :action, :object_type, :object_ref, :result, :detail)"
)


def _write(execute: Execute, events: Sequence[Event], *, server: bool = False) -> None:
    if not events:
        return
    if server:
        # The office server writes who (its session's login), when, the sequence
        # number and the hash itself (trigger ikodesk_audit_chain): the client
        # only describes the event and cannot forge the chain.
        execute(
            _SERVER_INSERT,
            [
                {
                    "workstation": ev.workstation,
                    "action": ev.action,
                    "object_type": ev.object_type,
                    "object_ref": ev.object_ref,
                    "result": ev.result,
                    "detail": ev.detail,
                }
                for ev in events
            ],
        )
        return
    # Take the write lock before reading the head, so that two writers cannot fork the chain.
    execute(text("UPDATE meta SET value = value WHERE key = :k"), {"k": HEAD_KEY})
    seq, prev = _head(execute)
    rows = []
    for ev in events:
        seq += 1
        prev = chain_hash(prev, seq, ev)
        rows.append(
            {
                "id": seq,
                "at": ev.at,
                "user_id": ev.user_id,
                "username": ev.username,
                "workstation": ev.workstation,
                "action": ev.action,
                "object_type": ev.object_type,
                "object_ref": ev.object_ref,
                "result": ev.result,
                "detail": ev.detail,
                "hash": prev,
            }
        )
    execute(
        text(
            "INSERT INTO audit_log (id, at, user_id, username, workstation, action, "
            "object_type, object_ref, result, detail, hash) VALUES (:id, :at, :user_id, "
            ":username, :workstation, :action, :object_type, :object_ref, :result, :detail, "
            ":hash)"
        ),
        rows,
    )
    execute(
        text(
            "INSERT INTO meta (key, value) VALUES (:k, :v) "
            "ON CONFLICT(key) DO UPDATE SET value = excluded.value"
        ),
        {"k": HEAD_KEY, "v": f"{seq} {prev}"},
    )


@event.listens_for(Session, "before_commit")
def _write_with_commit(session: Session) -> None:
    events = session.info.get(_PENDING)
    if events:
        _write(session.execute, events, server=on_server(session))


@event.listens_for(Session, "after_commit")
def _written(session: Session) -> None:
    session.info.pop(_PENDING, None)
    session.info.pop(_REPLAY, None)


@event.listens_for(Session, "after_transaction_end")
def _write_after_rollback(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is not None or transaction.nested:
        return
    events = session.info.pop(_PENDING, None)
    replay = session.info.pop(_REPLAY, None)
    if not events and not replay:
        return
    bind = session.get_bind()
    engine = bind if isinstance(bind, Engine) else bind.engine
    with engine.begin() as conn:
        for statement, params in replay or ():
            conn.execute(statement, params)
        _write(conn.execute, events or (), server=on_server(conn))


# --- reading and verifying ----------------------------------------------------------


@dataclass(frozen=True)
class ChainCheck:
    ok: bool
    entries: int
    first_bad: int | None = None
    problem: str | None = None  # Dutch


def _event_of(row: Any) -> Event:
    return Event(
        at=row.at,
        user_id=row.user_id,
        username=row.username,
        workstation=row.workstation,
        action=row.action,
        object_type=row.object_type,
        object_ref=row.object_ref,
        result=row.result,
        detail=row.detail,
    )


def verify_chain(session: Session) -> ChainCheck:
    """Recompute the hash chain; the first entry that does not fit is named."""
    table = AuditEntry.__table__
    prev = GENESIS
    expected = 1
    count = 0
    result = session.execute(select(table).order_by(table.c.id)).yield_per(5000)
    for row in result:
        if row.id != expected:
            return ChainCheck(
                False,
                count,
                expected,
                f"vermelding {expected} ontbreekt: verwijderd of verplaatst",
            )
        if chain_hash(prev, row.id, _event_of(row)) != row.hash:
            return ChainCheck(
                False,
                count,
                row.id,
                f"vermelding {row.id} klopt niet: deze of de vorige vermelding is gewijzigd "
                "of verplaatst",
            )
        prev = row.hash
        expected += 1
        count += 1
    head = session.execute(
        text("SELECT value FROM meta WHERE key = :k"), {"k": HEAD_KEY}
    ).scalar_one_or_none()
    if head is None:
        if count:
            return ChainCheck(
                False, count, count, "het kenmerk van de laatste vermelding ontbreekt"
            )
        return ChainCheck(True, 0)
    seq_text, _, digest = str(head).partition(" ")
    seq = int(seq_text)
    if seq > count:
        return ChainCheck(
            False, count, count + 1, f"vermelding {count + 1} en later ontbreken: verwijderd"
        )
    if seq != count or digest != prev:
        return ChainCheck(False, count, count, "het kenmerk van de laatste vermelding klopt niet")
    return ChainCheck(True, count)


def head_hash(session: Session) -> str | None:
    """The hash of the last entry (to note down elsewhere as an external anchor)."""
    value = session.execute(
        text("SELECT value FROM meta WHERE key = :k"), {"k": HEAD_KEY}
    ).scalar_one_or_none()
    return str(value).partition(" ")[2] if value else None


def entries(
    session: Session,
    *,
    object_type: str | None = None,
    object_ref: str | None = None,
    username: str | None = None,
    limit: int = 200,
) -> list[AuditEntry]:
    """Entries newest first, filtered (no policy here: see services.audit_views)."""
    stmt = select(AuditEntry)
    if object_type is not None:
        stmt = stmt.where(AuditEntry.object_type == object_type)
    if object_ref is not None:
        stmt = stmt.where(AuditEntry.object_ref == object_ref)
    if username is not None:
        stmt = stmt.where(AuditEntry.username == username)
    return list(session.scalars(stmt.order_by(AuditEntry.id.desc()).limit(limit)))
