"""The audit log as the admin sees it: per case, per user, search terms, the chain check."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from ikodesk.errors import QT_TRANSLATE_NOOP, AccessDenied, NotFoundError
from ikodesk.models import AuditEntry, Case, User
from ikodesk.services import access, audit, audit_anchor, search_audit
from ikodesk.services.access import Action
from ikodesk.services.actors import Actor


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
