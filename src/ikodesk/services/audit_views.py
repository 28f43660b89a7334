"""The audit log as the admin sees it: per case, per user, search terms, the chain check."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from ikodesk.errors import QT_TRANSLATE_NOOP, AccessDenied, NotFoundError
from ikodesk.models import AuditEntry, Case, User
from ikodesk.services import access, audit, audit_anchor, search_audit
from ikodesk.services.access import Action
from ikodesk.services.actors import Actor
from ikodesk.services.search_audit import StoredTerms


def for_case(session: Session, actor: Actor, ref: str, *, limit: int = 500) -> list[AuditEntry]:
    """Everything done to one case (and every refused attempt), newest first."""
    ref = ref.strip()
    access.require(session, actor, Action.AUDIT_VIEW, object_ref=ref, detail="per zaak")
    if session.scalar(select(Case.id).where(Case.ref == ref)) is None:
        raise NotFoundError(QT_TRANSLATE_NOOP("services", 'Zaak "{ref}" bestaat niet.'), ref=ref)
    return audit.entries(session, object_type="case", object_ref=ref, limit=limit)


def for_user(
    session: Session, actor: Actor, username: str, *, limit: int = 500
) -> list[AuditEntry]:
    """Everything one user did (and was refused), newest first."""
    username = username.strip().lower()
    access.require(session, actor, Action.AUDIT_VIEW, object_ref=username, detail="per gebruiker")
    if session.scalar(select(User.id).where(User.username == username)) is None:
        raise NotFoundError(
            QT_TRANSLATE_NOOP("services", 'Gebruiker "{username}" bestaat niet.'), username=username
        )
    return audit.entries(session, username=username, limit=limit)


def recent(session: Session, actor: Actor, *, limit: int = 100) -> list[AuditEntry]:
    access.require(session, actor, Action.AUDIT_VIEW, detail="recent")
    return audit.entries(session, limit=limit)


def verify(session: Session, actor: Actor) -> audit.ChainCheck:
    """Check the hash chain of the whole log (admin or key holder)."""
    access.require(session, actor, Action.AUDIT_VIEW, detail="keten controleren")
    return audit.verify_chain(session)


def search_terms(
    session: Session, actor: Actor, entries: Sequence[AuditEntry]
) -> dict[str, search_audit.StoredTerms]:
    """The terms of the searches among these entries, while retention has kept them.

    Keyed by the entry's `object_ref`; an erased search is absent. For the
    entries an audit view (above) has just shown: not audited again.
    """
    if not access.allowed(session, actor, Action.AUDIT_VIEW):
        raise AccessDenied(
            QT_TRANSLATE_NOOP(
                "services", "Geen toegang: alleen de beheerder mag het auditlog inzien."
            )
        )
    return search_audit.stored_terms(
        session,
        (e.object_ref for e in entries if e.object_type == search_audit.OBJECT_TYPE),
    )


def verify_anchor(
    session: Session, actor: Actor, anchor: audit_anchor.Anchor
) -> tuple[audit.ChainCheck, audit_anchor.AnchorCheck]:
    """The whole chain, and the log up to an anchor against its code (admin or key holder)."""
    access.require(
        session, actor, Action.AUDIT_VIEW, object_ref=str(anchor.seq), detail="anker controleren"
    )
    return audit.verify_chain(session), audit_anchor.verify_anchor(session, anchor)


# --- the entries as plain rows (what the front-ends show) ------------------------------------


@dataclass(frozen=True)
class AuditRow:
    """One entry as the audit views show it: references only, and a search's terms."""

    id: int
    at: str  # UTC, as stored and hashed
    username: str
    user_id: int | None
    workstation: str
    action: str
    object_type: str
    object_ref: str | None
    result: str  # audit.ALLOWED or audit.REFUSED
    detail: str | None
    # A search (its reference is a keyed hash; the terms say more) ...
    search: bool = False
    # ... and its terms while retention keeps them (None: erased, or no search).
    terms: StoredTerms | None = None

    @property
    def refused(self) -> bool:
        return self.result == audit.REFUSED

    @property
    def key_holder(self) -> bool:
        # The key holder's entries have no user; a failed login has none either.
        return self.user_id is None and self.username == "(sleutelhouder)"


def rows_of(session: Session, actor: Actor, entries: Sequence[AuditEntry]) -> list[AuditRow]:
    """The entries as rows, with the terms of the searches among them (admin only)."""
    terms = search_terms(session, actor, entries)
    out = []
    for e in entries:
        search = e.object_type == search_audit.OBJECT_TYPE and bool(e.object_ref)
        out.append(
            AuditRow(
                e.id,
                e.at,
                e.username,
                e.user_id,
                e.workstation,
                e.action,
                e.object_type,
                e.object_ref,
                e.result,
                e.detail,
                search,
                terms.get(e.object_ref or "") if search else None,
            )
        )
    return out


def listing(
    session: Session,
    actor: Actor,
    *,
    case_ref: str | None = None,
    username: str | None = None,
    limit: int = 100,
) -> list[AuditRow]:
    """The entries about one case, or of one user, else the latest; newest first."""
    if case_ref is not None:
        entries = for_case(session, actor, case_ref, limit=limit)
    elif username is not None:
        entries = for_user(session, actor, username, limit=limit)
    else:
        entries = recent(session, actor, limit=limit)
    return rows_of(session, actor, entries)


@dataclass(frozen=True)
class ChainResult:
    check: audit.ChainCheck
    head: str | None  # the last entry's hash: noted down elsewhere, it exposes a rewrite


def verify_with_head(session: Session, actor: Actor) -> ChainResult:
    """The chain check (admin or key holder) and the hash of the last entry."""
    return ChainResult(verify(session, actor), audit.head_hash(session))
