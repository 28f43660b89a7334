"""The retention run: anonymise every case and mediation whose period has passed.

Anonymisation, not deletion of facts. A case due for removal (closed, its
closing date plus its code's period on or before the run's date, no legal
hold, not anonymised before) loses every piece of personal data: the people's
names, birth dates, phone numbers, e-mail addresses and organisation names,
the case's summary and unknown exchange fields (case_notes, where addresses
arrive), the free text of its contact moments, its search-index names and its
family-matching keys. Its code, dates, country, sides, the requester's kind,
the children (with their age at opening, computed from the birth date before
it goes), the contact moments' dates, channels, parties and minutes stay, and
so does every conflict wall it is in: the figures of every year come out the
same. A mediation request (closed: ended, or never started: its request date)
loses its parties' names and birth dates, its children's names and birth dates
(age at the request kept), its "not started" reason and unknown fields; a
mediation is held with the case it belongs to. Search terms beside the audit
chain older than the shortest period are deleted (the chain only covers
their keyed hashes: `audit verify` stays intact).

The run needs a second administrator's approval (services.approvals, action
"retention_run"), records itself in the destruction register
(`DestructionRun`: counts per scope and a hash of the references, no personal
data), and confirms the periods it applied. Making the removal irreversible in
the file (secure delete, VACUUM, WAL truncation) is storage's part: see the
use case (services.usecases.retention) and storage.scrub.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import Table, bindparam, delete, select, text, update
from sqlalchemy.orm import Session

from ikodesk.errors import QT_TRANSLATE_NOOP, UsageError
from ikodesk.models import (
    AnonymisedCase,
    AnonymisedMediation,
    Case,
    CaseNotes,
    Child,
    Contact,
    DestructionRun,
    LegalHold,
    MatchKey,
    Mediation,
    MediationChild,
    MediationParent,
    Person,
    SearchTerms,
    age_in_years,
)
from ikodesk.models.enums import Action, MediationStatus
from ikodesk.services import access, approvals, audit, retention, search_index
from ikodesk.services.actors import Actor
from ikodesk.services.approvals import ApproverCredentials
from ikodesk.services.backend import on_server
from ikodesk.services.deadlines.clocks import add_years

APPROVAL_ACTION = approvals.RETENTION_RUN
_CHUNK = 500

SERVER_DIFFERS = QT_TRANSLATE_NOOP(
    "services",
    "De kantoorserver telt andere dossiers als te verwijderen dan het voorbeeld (er is "
    "intussen iets gewijzigd). Er is niets verwijderd; bekijk het voorbeeld opnieuw.",
)


@dataclass(frozen=True)
class DueItem:
    """One case or mediation due for removal (references and dates: no personal data)."""

    kind: str  # "case" | "mediation"
    object_id: int
    ref: str
    scope: str
    closed: date
    due_from: date  # closing date + period


@dataclass(frozen=True)
class Preview:
    as_of: date
    periods: dict[str, int]
    items: list[DueItem]
    held: int  # cases (and their mediations) past their period but held
    search_terms: int  # search-term rows older than the shortest period
    search_terms_before: date
    unconfirmed: list[str]

    @property
    def counts(self) -> dict[str, int]:
        return dict(sorted(Counter(i.scope for i in self.items).items()))

    @property
    def cases(self) -> int:
        return sum(1 for i in self.items if i.kind == "case")

    @property
    def mediations(self) -> int:
        return sum(1 for i in self.items if i.kind == "mediation")


@dataclass(frozen=True)
class RunResult:
    run_id: int
    preview: Preview
    approver: str
    refs_hash: str
    confirmed: list[str] = field(default_factory=list)


def _due(closed: date, years: int) -> date:
    return add_years(closed, years)


def _terms_cutoff(as_of: date, years: int) -> date:
    return add_years(as_of, -years)


def preview_due(session: Session, as_of: date) -> Preview:
    """What a run on `as_of` would anonymise (no policy here: callers check it)."""
    years = retention.periods(session)
    held_ids = set(session.scalars(select(LegalHold.case_id)))
    done_cases = set(session.scalars(select(AnonymisedCase.case_id)))
    done_meds = set(session.scalars(select(AnonymisedMediation.mediation_id)))
    items: list[DueItem] = []
    held = 0
    rows = session.execute(
        select(Case.id, Case.ref, Case.code, Case.closed)
        .where(Case.closed.is_not(None), Case.closed <= as_of)
        .order_by(Case.closed, Case.ref)
    )
    for case_id, ref, code, closed in rows:
        if case_id in done_cases or closed is None:
            continue
        scope = str(code.value if hasattr(code, "value") else code)
        due_from = _due(closed, years[scope])
        if due_from > as_of:
            continue
        if case_id in held_ids:
            held += 1
            continue
        items.append(DueItem("case", case_id, ref, scope, closed, due_from))
    meds = session.execute(
        select(
            Mediation.id,
            Mediation.ref,
            Mediation.status,
            Mediation.ended,
            Mediation.requested,
            Mediation.case_id,
        )
        .where(Mediation.status.in_((MediationStatus.ENDED, MediationStatus.NOT_STARTED)))
        .order_by(Mediation.ref)
    )
    for med_id, ref, status, ended, requested, linked in meds:
        if med_id in done_meds:
            continue
        closed = ended if status == MediationStatus.ENDED and ended is not None else requested
        due_from = _due(closed, years[retention.MEDIATION])
        if due_from > as_of:
            continue
        if linked is not None and linked in held_ids:
            held += 1
            continue
        items.append(DueItem("mediation", med_id, ref, retention.MEDIATION, closed, due_from))
    cutoff = _terms_cutoff(as_of, retention.search_terms_years(years))
    terms = int(
        session.scalar(
            select(text("count(*)"))
            .select_from(SearchTerms)
            .where(SearchTerms.created < cutoff.isoformat())
        )
        or 0
    )
    items.sort(key=lambda i: (i.kind, i.closed, i.ref))
    return Preview(as_of, years, items, held, terms, cutoff, retention.unconfirmed(session))


def preview(session: Session, actor: Actor, as_of: date) -> Preview:
    """The preview list of a run on `as_of` (administrators; audited)."""
    result = preview_due(session, as_of)
    access.require(
        session,
        actor,
        Action.RETENTION_MANAGE,
        detail=f"voorbeeld per {as_of.isoformat()}: {result.cases} zaken, "
        f"{result.mediations} mediations",
    )
    return result


def refs_hash(refs: list[str]) -> str:
    """SHA-256 over the sorted references, one per line (the register's proof)."""
    return hashlib.sha256("\n".join(sorted(refs)).encode("utf-8")).hexdigest()


def run(
    session: Session,
    actor: Actor,
    as_of: date,
    credentials: ApproverCredentials | None,
) -> RunResult:
    """Anonymise everything due on `as_of`, with a second administrator's approval.

    On the office server the server's own function does it (`_run_on_server`).
    On a file the caller makes the removal irreversible once this transaction has
    committed (storage.scrub).
    """
    access.require(session, actor, Action.RETENTION_RUN, detail=f"per {as_of.isoformat()}")
    if on_server(session):
        return _run_on_server(session, actor, as_of, credentials)
    found = preview_due(session, as_of)
    approver = approvals.approve(
        session,
        actor,
        credentials,
        action=APPROVAL_ACTION,
        detail=f"per {as_of.isoformat()}: {found.cases} zaken, {found.mediations} mediations",
    )
    digest = refs_hash([i.ref for i in found.items])
    record = DestructionRun(
        run_at=datetime.now(),
        as_of=as_of,
        run_by=actor.username,
        approved_by=approver,
        counts=found.counts,
        cases=found.cases,
        mediations=found.mediations,
        search_terms=found.search_terms,
        refs_hash=digest,
        periods=found.periods,
    )
    session.add(record)
    session.flush()
    case_ids = [i.object_id for i in found.items if i.kind == "case"]
    med_ids = [i.object_id for i in found.items if i.kind == "mediation"]
    for start in range(0, len(case_ids), _CHUNK):
        _anonymise_cases(session, case_ids[start : start + _CHUNK], record.id)
    for start in range(0, len(med_ids), _CHUNK):
        _anonymise_mediations(session, med_ids[start : start + _CHUNK], record.id)
    session.execute(
        delete(SearchTerms).where(SearchTerms.created < found.search_terms_before.isoformat())
    )
    if case_ids:
        _rebuild_search_index(session)
    confirmed = retention.confirm(session, actor, by=f"{actor.username} + {approver}")
    audit.log(
        session,
        actor,
        Action.RETENTION_RUN.value,
        "retention",
        f"run {record.id}",
        detail=(
            f"per {as_of.isoformat()}; goedgekeurd door {approver}; {found.cases} zaken, "
            f"{found.mediations} mediations, {found.search_terms} zoektermen; "
            f"kenmerken-hash {digest[:16]}"
            + (f"; termijnen bevestigd: {len(confirmed)}" if confirmed else "")
        ),
    )
    return RunResult(record.id, found, approver, digest, confirmed)


_APPLY_ON_SERVER = text("SELECT ikodesk_retention_apply(:as_of, :run_by)")


def _run_on_server(
    session: Session, actor: Actor, as_of: date, credentials: ApproverCredentials | None
) -> RunResult:
    """On the office server: the server's own function decides what is due and anonymises.

    The approver logs in to the server (services.approvals), the periods in force
    are confirmed and stored first (the server reads only stored periods), and
    ikodesk_retention_apply takes the approval, records the run in the register
    and anonymises (storage/server/sql/retention.sql). Its answer must be what
    the preview counted, or nothing is kept.
    """
    found = preview_due(session, as_of)
    approver = approvals.approve(
        session,
        actor,
        credentials,
        action=APPROVAL_ACTION,
        detail=f"per {as_of.isoformat()}: {found.cases} zaken, {found.mediations} mediations",
    )
    confirmed = retention.confirm(session, actor, by=f"{actor.username} + {approver}")
    done = session.scalar(_APPLY_ON_SERVER, {"as_of": as_of, "run_by": actor.username})
    digest = refs_hash([i.ref for i in found.items])
    if (done["cases"], done["mediations"], done["refs_hash"]) != (
        found.cases,
        found.mediations,
        digest,
    ):
        raise UsageError(SERVER_DIFFERS)
    return RunResult(int(done["run_id"]), found, str(done["approver"]), digest, confirmed)


def _table(model: type[Any]) -> Table:
    table = model.__table__
    assert isinstance(table, Table)
    return table


def _keep_ages(session: Session, model: type[Any], rows: Any) -> None:
    """Write each child's age on the reference date (id, birth date, date) before the
    birth date goes: the figures count ages."""
    ages = [
        {"cid": child_id, "age": age_in_years(born, on)}
        for child_id, born, on in session.execute(rows)
        if born is not None
    ]
    if ages:
        table = _table(model)
        session.execute(
            update(table).where(table.c.id == bindparam("cid")).values(age=bindparam("age")), ages
        )


def _anonymise_cases(session: Session, ids: list[int], run_id: int) -> None:
    # Children: the age at opening first (the figures count it), then the birth date goes.
    _keep_ages(
        session,
        Child,
        select(Child.id, Child.birth_date, Case.opened)
        .join(Case, Case.id == Child.case_id)
        .where(Child.case_id.in_(ids), Child.birth_date.is_not(None)),
    )
    session.execute(
        update(Child)
        .where(Child.case_id.in_(ids))
        .values(first_name=None, last_name=None, birth_date=None)
        .execution_options(synchronize_session=False)
    )
    session.execute(
        update(Person)
        .where(Person.case_id.in_(ids))
        .values(
            first_name=None,
            last_name=None,
            birth_date=None,
            phone=None,
            email=None,
            organisation=None,
        )
        .execution_options(synchronize_session=False)
    )
    session.execute(
        update(Contact)
        .where(Contact.case_id.in_(ids))
        .values(summary=None, extra=None)
        .execution_options(synchronize_session=False)
    )
    session.execute(delete(CaseNotes).where(CaseNotes.case_id.in_(ids)))
    session.execute(delete(MatchKey).where(MatchKey.case_id.in_(ids)))
    # Whoever has one of these cases open saves against a newer version (and is told).
    session.execute(
        update(Case)
        .where(Case.id.in_(ids))
        .values(version=Case.version + 1)
        .execution_options(synchronize_session=False)
    )
    session.execute(
        _table(AnonymisedCase).insert(), [{"case_id": i, "run_id": run_id} for i in ids]
    )


def _anonymise_mediations(session: Session, ids: list[int], run_id: int) -> None:
    _keep_ages(
        session,
        MediationChild,
        select(MediationChild.id, MediationChild.birth_date, Mediation.requested)
        .join(Mediation, Mediation.id == MediationChild.mediation_id)
        .where(MediationChild.mediation_id.in_(ids), MediationChild.birth_date.is_not(None)),
    )
    session.execute(
        update(MediationChild)
        .where(MediationChild.mediation_id.in_(ids))
        .values(first_name=None, last_name=None, birth_date=None)
        .execution_options(synchronize_session=False)
    )
    session.execute(
        update(MediationParent)
        .where(MediationParent.mediation_id.in_(ids))
        .values(first_name=None, last_name=None, birth_date=None)
        .execution_options(synchronize_session=False)
    )
    session.execute(
        update(Mediation)
        .where(Mediation.id.in_(ids))
        .values(not_started_reason=None, extra=None)
        .execution_options(synchronize_session=False)
    )
    session.execute(
        _table(AnonymisedMediation).insert(),
        [{"mediation_id": i, "run_id": run_id} for i in ids],
    )


def _rebuild_search_index(session: Session) -> None:
    """Rebuild the whole FTS5 index from the tables as they now are.

    Deleting a row from a contentless FTS5 table only marks it deleted: its
    trigrams stay in the index's segments until they are merged. "delete-all"
    drops every segment (freed pages, overwritten under secure delete), the
    re-insert writes the index afresh (an anonymised case keeps its reference
    only), and "optimize" merges it into one segment.
    """
    session.execute(text("INSERT INTO case_search (case_search) VALUES ('delete-all')"))
    search_index.index_all(session)
    session.execute(text("INSERT INTO case_search (case_search) VALUES ('optimize')"))
