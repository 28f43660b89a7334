"""Searches in the audit log: the terms beside the hash chain, referenced by a keyed hash.

What a user typed into a search is often a name: personal data that
retention must be able to erase later. So the audit entry of a search
(action "case.search", object type "search") holds no terms. Its
`object_ref` is `HMAC-SHA256(secret, nonce + terms)`, where the secret is
random per database (meta "search_terms_key") and the nonce random per
search; the terms and the nonce are stored in `audit_search_terms` under that
reference. Deleting such a row erases the terms (and the nonce, without
which the reference cannot be tested against guessed terms, not even by
someone holding the secret), and leaves the hash chain intact: the chain
only ever covered the reference.

The admin's audit views show the terms while the row exists, and say when
a row no longer matches its reference (changed after the search).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from ikodesk.models import SearchTerms
from ikodesk.models.enums import Action
from ikodesk.services import audit
from ikodesk.services.actors import Actor
from ikodesk.services.backend import on_server

SECRET_KEY = "search_terms_key"
SEARCH_ACTION = Action.CASE_SEARCH.value
OBJECT_TYPE = "search"
MAX_TERMS = 1000  # characters kept of what was typed

_READ_SECRET = text("SELECT value FROM meta WHERE key = :k")
_ADD_SECRET = text("INSERT INTO meta (key, value) VALUES (:k, :v) ON CONFLICT DO NOTHING")
_ADD_TERMS = text(
    "INSERT INTO audit_search_terms (ref, nonce, terms, created) "
    "VALUES (:ref, :nonce, :terms, :created) ON CONFLICT DO NOTHING"
)


_ADD_TERMS_ON_SERVER = text("SELECT ikodesk_add_search_terms(:nonce, :terms)")


def _secret(session: Session) -> bytes:
    """The database's secret for search references (made on first use if missing)."""
    if on_server(session):  # administrators only (the audit view): the server decides
        value = session.scalar(text("SELECT ikodesk_search_secret()"))
        return bytes.fromhex(str(value or ""))
    value = session.execute(_READ_SECRET, {"k": SECRET_KEY}).scalar_one_or_none()
    if value is None:
        # Normally made by migration 0005; kept after a rollback like the entry itself.
        audit.remember(session, _ADD_SECRET, {"k": SECRET_KEY, "v": secrets.token_hex(32)})
        value = session.execute(_READ_SECRET, {"k": SECRET_KEY}).scalar_one()
    return bytes.fromhex(str(value))


def reference(secret: bytes, nonce: str, terms: str) -> str:
    """The keyed hash an audit entry holds for one search."""
    message = bytes.fromhex(nonce) + b"\n" + terms.encode("utf-8", "surrogatepass")
    return hmac.new(secret, message, hashlib.sha256).hexdigest()


def record(session: Session, actor: Actor, terms: str, *, shown: int, behind_wall: bool) -> str:
    """Audit one search: the entry holds the reference, the side table the terms.

    Both are written when the session's transaction ends, also after a
    rollback (services.audit). Returns the reference.
    """
    terms = terms.strip()[:MAX_TERMS]
    nonce = secrets.token_hex(16)
    if on_server(session):
        # No login reads the secret: the server keeps the terms and makes the reference.
        # Replayed after a rollback like the audit entry (same nonce: same reference).
        ref = str(audit.remember(session, _ADD_TERMS_ON_SERVER, {"nonce": nonce, "terms": terms}))
    else:
        ref = reference(_secret(session), nonce, terms)
        audit.remember(
            session,
            _ADD_TERMS,
            {"ref": ref, "nonce": nonce, "terms": terms, "created": audit.now_text()},
        )
    detail = f"{shown} getoond"
    if behind_wall:
        detail += "; iets achter een conflictmuur"
    audit.log(session, actor, SEARCH_ACTION, OBJECT_TYPE, ref, detail=detail)
    return ref


@dataclass(frozen=True)
class StoredTerms:
    terms: str
    intact: bool  # False: the row was changed after the search (no longer fits its reference)


def stored_terms(session: Session, refs: Iterable[str | None]) -> dict[str, StoredTerms]:
    """reference -> the terms still stored for it (erased ones are absent).

    No policy here: the audit views (admin) call it for the entries they show.
    """
    wanted = sorted({r for r in refs if r})
    if not wanted:
        return {}
    secret = _secret(session)
    out: dict[str, StoredTerms] = {}
    for i in range(0, len(wanted), 500):
        rows = session.execute(
            select(SearchTerms.ref, SearchTerms.nonce, SearchTerms.terms).where(
                SearchTerms.ref.in_(wanted[i : i + 500])
            )
        )
        for ref, nonce, terms in rows:
            try:
                intact = hmac.compare_digest(reference(secret, nonce, terms), ref)
            except ValueError:  # a nonce that is no longer hex
                intact = False
            out[ref] = StoredTerms(terms, intact)
    return out
