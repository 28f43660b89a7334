"""Registering and changing cases and their contact moments (through the policy)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from ikodesk.errors import (
    QT_TRANSLATE_NOOP,
    ConcurrentChange,
    InputError,
    NotFoundError,
    ValidationError,
)
from ikodesk.models import Case, Child, Contact, Person, User
from ikodesk.models.enums import CaseCode, Channel, CloseReason, Party, PersonRole
from ikodesk.services import access, conflicts, input_rules, search_index
from ikodesk.services.access import Action, CaseFacts
from ikodesk.services.actors import Actor
from ikodesk.services.backend import on_server
from ikodesk.services.exchange.rows import case_row, child_row, person_row
from ikodesk.services.reference import country_codes
from ikodesk.services.validation import (
    CaseData,
    FieldProblem,
    case_form_rules,
    case_rules,
    contact_rules,
)
from ikodesk.services.validation.form_rules import CLOSED_FUTURE

_REF_SEQ = re.compile(r"(\d+)$")
LAST_REF_ON_SERVER = text("SELECT ikodesk_last_ref(:kind, :prefix)")


def next_ref(session: Session, line: int, year: int) -> str:
    """The next free reference of a line and year: 2024-L2-00018."""
    prefix = f"{year}-L{line}-"
    if on_server(session):
        # Over every case (also those this login cannot see), under the server's lock.
        last = session.scalar(LAST_REF_ON_SERVER, {"kind": "case", "prefix": prefix})
    else:
        last = session.scalar(
            select(func.max(Case.ref)).where(Case.ref >= prefix, Case.ref < prefix + "~")
        )
    seq = 0
    if last:
        m = _REF_SEQ.search(last)
        seq = int(m.group(1)) if m else 0
    return f"{prefix}{seq + 1:05d}"


def check_case(session: Session, data: CaseData, *, form: bool = False) -> list[FieldProblem]:
    """All problems of a case as a form would show them next to the fields.

    `form`: typed in a form, so the form's rules apply too (`validation.form_rules`).
    """
    problems = case_rules(data, country_codes(session))
    if form:
        seen = {p.field for p in problems}
        problems += [p for p in case_form_rules(data) if p.field not in seen]
    handler = session.scalar(select(User).where(User.username == data.handler))
    if handler is None:
        problems.append(_unknown_user(data.handler))
    elif not handler.active:
        problems.append(
            FieldProblem(
                "handler",
                QT_TRANSLATE_NOOP("services", 'gebruiker "{username}" is gedeactiveerd'),
                username=data.handler,
            )
        )
    return problems


def _unknown_user(username: str) -> FieldProblem:
    return FieldProblem(
        "handler",
        QT_TRANSLATE_NOOP("services", 'onbekende gebruiker "{username}"'),
        username=username,
    )


def _raise_problems(problems: list[FieldProblem]) -> None:
    if problems:
        # One problem per field: the last one found.
        raise ValidationError(list({p.field: p for p in problems}.values()))


def _handler_id(session: Session, username: str) -> int:
    uid = session.scalar(select(User.id).where(User.username == username))
    if uid is None:
        raise ValidationError([_unknown_user(username)])
    return uid


def create_case(session: Session, actor: Actor, data: CaseData, *, form: bool = False) -> Case:
    """Register a new case with its people and children; returns it (flushed).

    Conflicts with existing cases are detected and marked at once. When the new
    case turns out to be the other side of a conflict its chosen handler works
    on, CaseWalled is raised (the caller rolls back): choose another handler.
    `form`: typed in a form (the form's rules apply, `validation.form_rules`).
    """
    _raise_problems(check_case(session, data, form=form))
    handler_id = _handler_id(session, data.handler)
    access.require(session, actor, Action.CASE_CREATE, CaseFacts(None, data.line, handler_id))
    if data.ref is None:
        data.ref = next_ref(session, data.line, data.opened.year)
    elif session.scalar(select(func.count()).where(Case.ref == data.ref)):
        raise ValidationError(
            [
                FieldProblem(
                    "ref", QT_TRANSLATE_NOOP("services", 'zaak "{ref}" bestaat al'), ref=data.ref
                )
            ]
        )
    case = Case(**case_row(data, handler_id))
    session.add(case)
    session.flush()
    _replace_people(session, case, data)
    access.record_created(session, actor, case)
    conflicts.detect(session, [case.id])
    conflicts.check_handler(session, case.id, actor=actor, action=Action.CASE_CREATE)
    return case


def _replace_people(session: Session, case: Case, data: CaseData) -> None:
    for p in list(case.persons):
        session.delete(p)
    for child in list(case.children):
        session.delete(child)
    session.flush()
    session.add(Person(**person_row(data.requester, case.id, PersonRole.REQUESTER)))
    if data.other_parent is not None:
        session.add(Person(**person_row(data.other_parent, case.id, PersonRole.OTHER_PARENT)))
    for i, ch in enumerate(data.children):
        session.add(Child(**child_row(ch, case.id, i)))
    session.flush()
    search_index.reindex_cases(session, [case.id])
    session.refresh(case)


def get_case(
    session: Session, actor: Actor, case_id: int, action: Action = Action.CASE_READ
) -> Case:
    """A case for reading (or printing: `action`); the policy decides.

    Everything of a dossier (people, children, contact moments, notes) is
    reached through the Case this returns, so the wall holds for all of it.
    """
    if not access.role_allows(actor, action):
        # A role that may never do this is refused before the row is read: on the
        # server its login may not read the row's columns at all (the bureau reads
        # a case's basic facts only), and the refusal must be the policy's, in the
        # same words and audited, as on a file. (On a file every row is there.)
        facts = out_of_sight(session, case_id=case_id)
        if facts is not None:
            access.require(session, actor, action, facts)
    case = session.get(Case, case_id)
    if case is None:
        unseen = out_of_sight(session, case_id=case_id)
        if unseen is not None:
            # The server's row security hid it: refuse as the file does (audited).
            access.require(session, actor, action, unseen)
        raise NotFoundError(QT_TRANSLATE_NOOP("services", "Deze zaak bestaat niet (meer)."))
    access.require(session, actor, action, CaseFacts.of(case))
    return case


_POLICY_FACTS_SQL = text(
    "SELECT id, ref, line, handler_id FROM ikodesk_case_policy_facts(:case_id, :ref)"
)


def out_of_sight(
    session: Session, *, case_id: int | None = None, ref: str | None = None
) -> CaseFacts | None:
    """On the server: the policy's facts of a case this login's rows do not show.

    A student does not see a taken-over dossier's row at all, so without this a
    refusal would read "bestaat niet"; on a file every row is there to decide on.
    """
    if not on_server(session):
        return None
    row = session.execute(_POLICY_FACTS_SQL, {"case_id": case_id, "ref": ref}).first()
    if row is None:
        return None
    return CaseFacts(int(row.id), int(row.line), row.handler_id, str(row.ref))


def walled_for(session: Session, actor: Actor, case_id: int) -> bool:
    """Whether this case is behind a conflict wall for `actor` (a question, not audited).

    A window showing the case asks it when walls may have moved, and closes.
    """
    if actor.user_id is None:
        return False
    return access.is_walled(session, actor.user_id, case_id)


def case_id_of(session: Session, ref: str) -> int:
    """The id of the case with this reference (references are not secret)."""
    case_id = session.scalar(select(Case.id).where(Case.ref == ref.strip()))
    if case_id is None:
        unseen = out_of_sight(session, ref=ref.strip())
        if unseen is not None and unseen.case_id is not None:
            return unseen.case_id  # references are not secret; get_case refuses it
        raise NotFoundError(QT_TRANSLATE_NOOP("services", 'Zaak "{ref}" bestaat niet.'), ref=ref)
    return case_id


def get_case_by_ref(
    session: Session, actor: Actor, ref: str, action: Action = Action.CASE_READ
) -> Case:
    return get_case(session, actor, case_id_of(session, ref), action)


@dataclass(frozen=True)
class CaseBasics:
    """The basic facts of a case: what the Mediation Bureau may see of a linked case."""

    ref: str
    line: int
    code: CaseCode
    opened: date
    closed: date | None
    country: str | None
    in_conflict: bool


def get_case_basics(session: Session, actor: Actor, case_id: int) -> CaseBasics:
    """Reference, code, dates and country of a case: no people, no notes (no walls)."""
    row = session.execute(
        select(
            Case.id, Case.ref, Case.line, Case.code, Case.opened, Case.closed, Case.country
        ).where(Case.id == case_id)
    ).first()
    if row is None:
        raise NotFoundError(QT_TRANSLATE_NOOP("services", "Deze zaak bestaat niet (meer)."))
    access.require(session, actor, Action.CASE_FACTS, object_ref=row.ref, detail="basisgegevens")
    return CaseBasics(
        ref=row.ref,
        line=row.line,
        code=row.code,
        opened=row.opened,
        closed=row.closed,
        country=row.country,
        in_conflict=_in_conflict(session, row.id),
    )


def _in_conflict(session: Session, case_id: int) -> bool:
    if on_server(session):
        # The bureau's login reads no conflict pairs: the server answers for this case only.
        return bool(session.scalar(_IN_CONFLICT_SQL, {"case_id": case_id}))
    return bool(conflicts.conflict_case_ids(session, [case_id]))


_IN_CONFLICT_SQL = text("SELECT ikodesk_case_in_conflict(:case_id)")


CHANGED_MEANWHILE = QT_TRANSLATE_NOOP(
    "services",
    "Deze zaak is intussen gewijzigd door {who} om {time}. Er is niets opgeslagen: laad de "
    "zaak opnieuw (uw invoer blijft staan om te vergelijken).",
)


def require_version(session: Session, case: Case, expected: int | None) -> None:
    """Optimistic locking: refuse a save made on an older version of the case.

    `expected` is the version the form was loaded with (None: not checked). Who
    saved last and when are told, so that nothing is silently overwritten.
    """
    if expected is None or case.version == expected:
        return
    who = session.scalar(select(User.username).where(User.id == case.updated_by)) or "?"
    when = case.updated_at.strftime("%H:%M") if case.updated_at else "?"
    raise ConcurrentChange(CHANGED_MEANWHILE, who=who, time=when)


def _touch(case: Case, actor: Actor) -> None:
    """Every save raises the version (also when only people or children changed)."""
    case.updated_by = actor.user_id
    case.updated_at = func.current_timestamp()


def update_case(
    session: Session,
    actor: Actor,
    case_id: int,
    data: CaseData,
    *,
    expected_version: int | None = None,
    form: bool = False,
) -> Case:
    """Replace a case's fields, people and children with `data` (its ref stays).

    With `expected_version` (the version the form loaded) a save over someone
    else's later save is refused (ConcurrentChange) instead of overwriting it.
    """
    case = get_case(session, actor, case_id)
    access.require(session, actor, Action.CASE_UPDATE, CaseFacts.of(case))
    require_version(session, case, expected_version)
    data.ref = case.ref
    _raise_problems(check_case(session, data, form=form))
    handler_id = _handler_id(session, data.handler)
    if handler_id != case.handler_id:
        # Before the new handler's update check: a refused assignment is then one
        # refusal in the audit log, not also an "allowed" entry for what it refuses.
        access.require_assignable(session, handler_id, case.id, actor=actor)
        # Assignment is an update of the new handler's access too.
        access.require(
            session, actor, Action.CASE_UPDATE, CaseFacts(case.id, data.line, handler_id, case.ref)
        )
    for key, value in case_row(data, handler_id).items():
        setattr(case, key, value)
    _touch(case, actor)
    try:
        _replace_people(session, case, data)
    except StaleDataError:  # saved by someone else between our read and our write
        raise ConcurrentChange(CHANGED_MEANWHILE, who="een collega", time="zojuist") from None
    conflicts.claim_for_handlers(session, [case.id])
    conflicts.detect(session, [case.id])
    conflicts.check_handler(session, case.id, actor=actor)
    return case


def close_case(
    session: Session,
    actor: Actor,
    case_id: int,
    closed: date,
    reason: CloseReason,
    *,
    form: bool = False,
) -> Case:
    case = get_case(session, actor, case_id)
    access.require(session, actor, Action.CASE_UPDATE, CaseFacts.of(case))
    if form and closed > date.today():
        raise ValidationError({"closed": CLOSED_FUTURE})
    if closed < case.opened:
        raise ValidationError(
            [
                FieldProblem(
                    "closed",
                    QT_TRANSLATE_NOOP(
                        "services", "sluitdatum {closed} ligt vóór de openingsdatum {opened}"
                    ),
                    closed=closed,
                    opened=case.opened,
                )
            ]
        )
    case.closed = closed
    case.close_reason = reason
    session.flush()
    return case


def reopen_case(session: Session, actor: Actor, case_id: int) -> Case:
    case = get_case(session, actor, case_id)
    access.require(session, actor, Action.CASE_UPDATE, CaseFacts.of(case))
    case.closed = None
    case.close_reason = None
    session.flush()
    return case


def add_contact(
    session: Session,
    actor: Actor,
    case_id: int,
    *,
    at: datetime,
    channel: Channel,
    party: Party,
    minutes: int | None = None,
    summary: str | None = None,
    handler: str | None = None,
    form: bool = False,
) -> Contact:
    """Add a contact moment to a case; the handler is the acting user by default.

    `form`: typed in a form, so it may not lie in the future (`validation.form_rules`).
    """
    case = get_case(session, actor, case_id)
    access.require(session, actor, Action.CONTACT_CREATE, CaseFacts.of(case))
    input_rules.check_text("summary", summary, multiline=True)
    if form:
        _raise_problems(contact_rules(at))
    if minutes is not None and not 0 <= minutes <= 24 * 60:
        raise ValidationError(
            [
                FieldProblem(
                    "minutes",
                    QT_TRANSLATE_NOOP("services", "verwacht een aantal minuten tussen 0 en 1440"),
                )
            ]
        )
    if at.date() < case.opened:
        raise ValidationError(
            [
                FieldProblem(
                    "at",
                    QT_TRANSLATE_NOOP(
                        "services", "het contactmoment ligt vóór de openingsdatum {opened}"
                    ),
                    opened=case.opened,
                )
            ]
        )
    handler_name = handler or actor.username
    handler_id = session.scalar(select(User.id).where(User.username == handler_name))
    if handler_id is None:
        raise InputError(
            QT_TRANSLATE_NOOP("services", 'Onbekende behandelaar "{name}".'), name=handler_name
        )
    access.require_assignable(
        session, handler_id, case.id, actor=actor, action=Action.CONTACT_CREATE
    )
    contact = Contact(
        case_id=case.id,
        at=at.replace(microsecond=0),
        channel=channel,
        party=party,
        handler_id=handler_id,
        minutes=minutes,
        summary=(summary or "").strip() or None,
    )
    session.add(contact)
    session.flush()
    return contact
