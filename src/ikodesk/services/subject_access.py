"""Access requests (AVG art. 15): everything held on one person, everyone else redacted.

An administrator looks a person up by name (and birth date): `candidates`
lists every case and mediation in which someone of that name appears, with
the family matcher's verdict (services.family_match: the same name and birth
date, or the same full name where a birth date is missing). The administrator
confirms which of them are this person; `make_pack` then gathers, for those
dossiers only, the person's own data, the case facts, the dates, channels and
length of the contact moments, and writes them as a JSON file and a PDF. The
other parent, third parties and (unless the requester is their parent with
authority, which the administrator ticks) the children appear only as
"[afgeschermd]"; free text (summaries, notes, contact summaries) is left out,
because it speaks of others too and must be read and redacted by hand.

The request is audited without the name (a person's name does not belong in
the audit log): the date received, the one-month deadline (art. 12(3)), the
number of dossiers. Making the pack also starts the request's clock
(`record_request`, models.AccessRequest: dates and a count, no name): the
Termijnen page lists the open ones to administrators (`open_requests`) until one
of them marks the request answered (`mark_answered`).

On the office server administrators read no personal rows at all
(sql/security.sql), so the server does the looking: `ikodesk_subject_candidates`
compares the typed person (a family-match PERSON, folded here) with every person
and mediation parent and returns references, roles and reasons only, never a
name; `ikodesk_subject_pack` re-checks that the person is in every confirmed
dossier, returns the same contents as `gather` reads from a file (others only by
their role, the children only when ticked), records the request's clock itself
and audits (storage/server/sql/subject_access.sql). The pack is then built and
written here by the same code, so both backends make the same files.
"""

from __future__ import annotations

import calendar
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, selectinload

from ikodesk.errors import QT_TRANSLATE_NOOP, InputError
from ikodesk.models import AccessRequest, Case, Mediation, MediationParent, Person
from ikodesk.models.enums import (
    Action,
    CaseCode,
    Channel,
    MediationStatus,
    Outcome,
    ParentRelation,
    ParentSide,
    Party,
    PersonRole,
    RequesterKind,
)
from ikodesk.models.labels import label
from ikodesk.services import access, audit
from ikodesk.services.actors import Actor
from ikodesk.services.backend import on_server
from ikodesk.services.family_match import Name
from ikodesk.services.family_match.profile_json import person_to_json
from ikodesk.services.family_match.profiles import PersonProfile
from ikodesk.services.family_match.scoring import PersonMatch, compare_persons
from ikodesk.storage import files

REDACTED = "[afgeschermd]"
FOUND = (PersonMatch.STRONG, PersonMatch.NAME)

NO_NAME = QT_TRANSLATE_NOOP(
    "services", "Geef de voornaam en de achternaam van de persoon die om inzage vraagt."
)
NOT_A_CANDIDATE = QT_TRANSLATE_NOOP(
    "services",
    "{ref} hoort niet bij de gevonden dossiers van deze persoon. Kies uit de lijst.",
)
NOTHING_CONFIRMED = QT_TRANSLATE_NOOP(
    "services", "Bevestig ten minste één dossier waarin deze persoon voorkomt."
)
NO_SUCH_REQUEST = QT_TRANSLATE_NOOP("services", "Er is geen inzageverzoek {number}.")
ALREADY_ANSWERED = QT_TRANSLATE_NOOP(
    "services", "Inzageverzoek {number} is al op {day} als beantwoord gemarkeerd door {who}."
)

# What the pack calls the subject's place in a dossier.
ROLE_WORDS = {
    "requester": "verzoeker",
    "other_parent": "andere ouder",
    "mediation_parent": "ouder (mediation)",
}


@dataclass(frozen=True)
class Candidate:
    """One person in one dossier whose name fits the request (for the admin to confirm)."""

    ref: str
    kind: str  # "case" | "mediation"
    role: str  # ROLE_WORDS key
    # As stored; None on the office server, which names nobody (the match is the
    # name typed, and `birth_date` then the date typed when it matched too).
    name: str | None
    birth_date: date | None
    match: str  # Dutch: why the matcher thinks so


@dataclass(frozen=True)
class PackMade:
    json_path: Path
    pdf_path: Path
    dossiers: int
    received: date
    due: date
    request: int | None = None  # the request's number on the Termijnen page


# Draws the pack as a PDF at the path (reports.subject_access.render_pack).
PackRenderer = Callable[[dict[str, Any], Path], None]


def add_one_month(day: date) -> date:
    """The same day a month later (the last day of a shorter month)."""
    year, month = (day.year + 1, 1) if day.month == 12 else (day.year, day.month + 1)
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _split(name: str) -> Name:
    words = name.split()
    if len(words) < 2:
        raise InputError(NO_NAME)
    return Name.of(words[0], " ".join(words[1:]))


def _check(session: Session, actor: Actor, detail: str) -> None:
    """May `actor` handle access requests? In a file: decided and audited here. On the
    office server only a refusal is audited here: the server's functions audit what
    they do themselves (and refuse any other login, whatever the client decides)."""
    if on_server(session) and access.allowed(session, actor, Action.SUBJECT_ACCESS):
        return
    access.require(session, actor, Action.SUBJECT_ACCESS, detail=detail)


def _fits(
    wanted: PersonProfile, first: str | None, last: str | None, born: date | None
) -> PersonMatch:
    return compare_persons(wanted, PersonProfile(Name.of(first, last), born, None))


def _find(session: Session, name: str, birth_date: date | None) -> list[Candidate]:
    wanted = PersonProfile(_split(name), birth_date, None)
    found: list[Candidate] = []
    for p, ref in session.execute(
        select(Person, Case.ref)
        .join(Case, Case.id == Person.case_id)
        .where(Person.last_name.is_not(None))
        .order_by(Case.ref)
    ):
        verdict = _fits(wanted, p.first_name, p.last_name, p.birth_date)
        if verdict in FOUND:
            found.append(
                Candidate(
                    ref,
                    "case",
                    p.role.value,
                    _full(p.first_name, p.last_name),
                    p.birth_date,
                    _why(verdict),
                )
            )
    for mp, ref in session.execute(
        select(MediationParent, Mediation.ref)
        .join(Mediation, Mediation.id == MediationParent.mediation_id)
        .where(MediationParent.last_name.is_not(None))
        .order_by(Mediation.ref)
    ):
        verdict = _fits(wanted, mp.first_name, mp.last_name, mp.birth_date)
        if verdict in FOUND:
            found.append(
                Candidate(
                    ref,
                    "mediation",
                    "mediation_parent",
                    _full(mp.first_name, mp.last_name),
                    mp.birth_date,
                    _why(verdict),
                )
            )
    return found


def _full(first: str | None, last: str | None) -> str:
    return " ".join(x for x in (first, last) if x)


def _why(verdict: PersonMatch) -> str:
    if verdict is PersonMatch.STRONG:
        return "zelfde naam en geboortedatum"
    return "zelfde naam (geen geboortedatum om te vergelijken)"


# -- on the office server (storage/server/sql/subject_access.sql) ------------------------

_CANDIDATES_ON_SERVER = text(
    "SELECT ref, kind, role, match FROM ikodesk_subject_candidates(CAST(:person AS jsonb))"
)
_PACK_ON_SERVER = text(
    "SELECT ikodesk_subject_pack(CAST(:person AS jsonb), CAST(:refs AS text[]), :children, "
    ":received)"
)
_ANSWERED_ON_SERVER = text("SELECT ikodesk_subject_answered(:id)")
# The server's answer for a reference the person is not in (subject_access.sql).
SQLSTATE_NOT_THEIRS = "IK005"


def _person_json(name: str, birth_date: date | None) -> str:
    """The typed person as the server's matcher takes it (folded here, as for typing)."""
    return json.dumps(person_to_json(PersonProfile(_split(name), birth_date, None)))


def _find_on_server(session: Session, name: str, birth_date: date | None) -> list[Candidate]:
    rows = session.execute(_CANDIDATES_ON_SERVER, {"person": _person_json(name, birth_date)})
    return [
        Candidate(
            ref,
            kind,
            role,
            None,
            birth_date if match == PersonMatch.STRONG.value else None,
            _why(PersonMatch(match)),
        )
        for ref, kind, role, match in rows
    ]


def _refused_by_server(exc: DBAPIError) -> str | None:
    """The reference the server said the person is not in, or None for another error."""
    orig = getattr(exc, "orig", None)
    if getattr(orig, "sqlstate", None) != SQLSTATE_NOT_THEIRS:
        return None
    diag = getattr(orig, "diag", None)
    return str(getattr(diag, "message_detail", None) or "")


def candidates(
    session: Session, actor: Actor, name: str, birth_date: date | None
) -> list[Candidate]:
    """The people in cases and mediations whose name (and birth date) fit (admins)."""
    _check(session, actor, "dossiers gezocht")
    if on_server(session):
        return _find_on_server(session, name, birth_date)
    return _find(session, name, birth_date)


# -- the pack ----------------------------------------------------------------------------
# One builder per part, fed by the file's rows (`_case_part`, `_mediation_part`) or
# by the server's answer (`_server_parts`): both backends write the same pack.


def _day(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _iso(value: Any) -> date | None:
    return date.fromisoformat(str(value)) if value else None


def _person_dict(
    role: PersonRole,
    kind: RequesterKind,
    relation: str | None,
    side: ParentSide | None,
    first: str | None,
    last: str | None,
    born: date | None,
    phone: str | None,
    email: str | None,
) -> dict[str, Any]:
    return {
        "rol": ROLE_WORDS[role.value],
        "soort": label(kind),
        "relatie": relation,
        "kant": label(side) if side else None,
        "voornaam": first,
        "achternaam": last,
        "geboortedatum": _day(born),
        "telefoon": phone,
        "e-mail": email,
    }


def _person(p: Person) -> dict[str, Any]:
    return _person_dict(
        p.role,
        p.kind,
        p.relation,
        p.side,
        p.first_name,
        p.last_name,
        p.birth_date,
        p.phone,
        p.email,
    )


def _other(role: PersonRole, kind: RequesterKind) -> dict[str, Any]:
    """Someone else in a case: their place, never their data."""
    if role is PersonRole.OTHER_PARENT:
        return {"rol": ROLE_WORDS[role.value], "gegevens": REDACTED}
    word = "derde" if kind is not RequesterKind.PARENT else ROLE_WORDS[role.value]
    return {"rol": word, "gegevens": REDACTED}


def _children(
    rows: Sequence[tuple[str | None, str | None, date | None]] | None,
    count: int,
    with_children: bool,
) -> list[dict[str, Any]]:
    """The children (first name, surname, birth date), or only how many there are."""
    if not with_children or rows is None:
        return [{"kind": REDACTED} for _ in range(count)]
    return [
        {"voornaam": first, "achternaam": last, "geboortedatum": _day(born)}
        for first, last, born in rows
    ]


def _contact(day: date, channel: Channel, party: Party, minutes: int | None) -> dict[str, Any]:
    return {
        "datum": day.isoformat(),
        "kanaal": label(channel),
        "met": label(party),
        "minuten": minutes,
    }


def _case_dict(
    *,
    ref: str,
    line: int,
    code: CaseCode,
    opened: date | None,
    closed: date | None,
    country: str | None,
    own: list[dict[str, Any]],
    others: list[dict[str, Any]],
    children: list[dict[str, Any]],
    contacts: list[dict[str, Any]],
) -> dict[str, Any]:
    return {
        "soort": "zaak",
        "referentie": ref,
        "lijn": line,
        "code": code.value,
        "code_omschrijving": label(code),
        "geopend": _day(opened),
        "gesloten": _day(closed),
        "land": country,
        "uw_gegevens": own,
        "andere_personen": others,
        "kinderen": children,
        "contactmomenten": contacts,
    }


def _parent_dict(
    relation: ParentRelation,
    first: str | None,
    last: str | None,
    born: date | None,
    country: str | None,
) -> dict[str, Any]:
    return {
        "rol": ROLE_WORDS["mediation_parent"],
        "relatie": label(relation),
        "voornaam": first,
        "achternaam": last,
        "geboortedatum": _day(born),
        "land": country,
    }


def _mediation_dict(
    *,
    ref: str,
    requested: date | None,
    status: MediationStatus,
    started: date | None,
    ended: date | None,
    outcome: Outcome | None,
    own: list[dict[str, Any]],
    others: int,
    children: list[dict[str, Any]],
) -> dict[str, Any]:
    return {
        "soort": "mediation",
        "referentie": ref,
        "aangevraagd": _day(requested),
        "status": label(status),
        "gestart": _day(started),
        "beëindigd": _day(ended),
        "uitkomst": label(outcome) if outcome else None,
        "uw_gegevens": own,
        "andere_personen": [{"rol": "andere ouder", "gegevens": REDACTED} for _ in range(others)],
        "kinderen": children,
    }


def _case_part(case: Case, wanted: PersonProfile, with_children: bool) -> dict[str, Any]:
    own = [
        p
        for p in case.persons
        if p.last_name and _fits(wanted, p.first_name, p.last_name, p.birth_date) in FOUND
    ]
    return _case_dict(
        ref=case.ref,
        line=case.line,
        code=case.code,
        opened=case.opened,
        closed=case.closed,
        country=case.country,
        own=[_person(p) for p in own],
        others=[_other(p.role, p.kind) for p in case.persons if p not in own],
        children=_children(
            [(c.first_name, c.last_name, c.birth_date) for c in case.children],
            len(case.children),
            with_children,
        ),
        contacts=[
            _contact(c.at.date(), c.channel, c.party, c.minutes)
            for c in sorted(case.contacts, key=lambda c: c.at)
        ],
    )


def _mediation_part(m: Mediation, wanted: PersonProfile, with_children: bool) -> dict[str, Any]:
    own = [
        p
        for p in m.parents
        if p.last_name and _fits(wanted, p.first_name, p.last_name, p.birth_date) in FOUND
    ]
    return _mediation_dict(
        ref=m.ref,
        requested=m.requested,
        status=m.status,
        started=m.started,
        ended=m.ended,
        outcome=m.outcome,
        own=[
            _parent_dict(p.relation, p.first_name, p.last_name, p.birth_date, p.country)
            for p in own
        ],
        others=sum(1 for p in m.parents if p not in own),
        children=_children(
            [(c.first_name, c.last_name, c.birth_date) for c in m.children],
            len(m.children),
            with_children,
        ),
    )


def _server_children(raw: dict[str, Any], with_children: bool) -> list[dict[str, Any]]:
    rows = raw.get("children")
    return _children(
        None
        if rows is None
        else [(c["first_name"], c["last_name"], _iso(c["birth_date"])) for c in rows],
        int(raw["children_count"]),
        with_children,
    )


def _server_part(raw: dict[str, Any], with_children: bool) -> dict[str, Any]:
    """One dossier of the server's answer (ikodesk_subject_pack) as `gather` makes it."""
    if raw["kind"] == "case":
        return _case_dict(
            ref=raw["ref"],
            line=int(raw["line"]),
            code=CaseCode(raw["code"]),
            opened=_iso(raw["opened"]),
            closed=_iso(raw["closed"]),
            country=raw["country"],
            own=[
                _person_dict(
                    PersonRole(p["role"]),
                    RequesterKind(p["kind"]),
                    p["relation"],
                    ParentSide(p["side"]) if p["side"] else None,
                    p["first_name"],
                    p["last_name"],
                    _iso(p["birth_date"]),
                    p["phone"],
                    p["email"],
                )
                for p in raw["own"]
            ],
            others=[_other(PersonRole(o["role"]), RequesterKind(o["kind"])) for o in raw["others"]],
            children=_server_children(raw, with_children),
            contacts=[
                _contact(
                    date.fromisoformat(c["date"]),
                    Channel(c["channel"]),
                    Party(c["party"]),
                    c["minutes"],
                )
                for c in raw["contacts"]
            ],
        )
    return _mediation_dict(
        ref=raw["ref"],
        requested=_iso(raw["requested"]),
        status=MediationStatus(raw["status"]),
        started=_iso(raw["started"]),
        ended=_iso(raw["ended"]),
        outcome=Outcome(raw["outcome"]) if raw["outcome"] else None,
        own=[
            _parent_dict(
                ParentRelation(p["relation"]),
                p["first_name"],
                p["last_name"],
                _iso(p["birth_date"]),
                p["country"],
            )
            for p in raw["own"]
        ],
        others=int(raw["others"]),
        children=_server_children(raw, with_children),
    )


def _server_parts(
    session: Session,
    actor: Actor,
    name: str,
    birth_date: date | None,
    refs: list[str],
    *,
    with_children: bool,
    received: date,
) -> tuple[list[dict[str, Any]], int]:
    """The server re-checks every reference, answers, records the clock and audits."""
    try:
        answer = session.execute(
            _PACK_ON_SERVER,
            {
                "person": _person_json(name, birth_date),
                "refs": refs,
                "children": with_children,
                "received": received,
            },
        ).scalar_one()
    except DBAPIError as exc:
        ref = _refused_by_server(exc)
        if ref is None:
            raise
        # The server's own entries go with the rollback: this one is kept (audit.log).
        audit.log(
            session,
            actor,
            Action.SUBJECT_ACCESS.value,
            "subject_access",
            ref,
            result=audit.REFUSED,
            detail="niet een dossier van deze persoon (kantoorserver)",
        )
        raise InputError(NOT_A_CANDIDATE, ref=ref) from None
    parts = [_server_part(raw, with_children) for raw in answer["dossiers"]]
    return parts, int(answer["request"])


def _gather(
    session: Session,
    actor: Actor,
    name: str,
    birth_date: date | None,
    confirmed: Sequence[str],
    *,
    with_children: bool,
    received: date,
) -> tuple[dict[str, Any], int | None]:
    """The pack, and on the office server the number of the clock it started."""
    if not confirmed:
        raise InputError(NOTHING_CONFIRMED)
    due = add_one_month(received)
    wanted_refs = list(dict.fromkeys(r.strip() for r in confirmed if r.strip()))
    _check(
        session,
        actor,
        f"ontvangen {received.isoformat()}, termijn tot {due.isoformat()}; "
        f"{len(wanted_refs)} dossier(s); kinderen {'wel' if with_children else 'niet'} "
        "getoond",
    )
    number: int | None = None
    parts: list[dict[str, Any]] = []
    if on_server(session):
        parts, number = _server_parts(
            session,
            actor,
            name,
            birth_date,
            wanted_refs,
            with_children=with_children,
            received=received,
        )
    else:
        found = {c.ref for c in _find(session, name, birth_date)}
        for ref in wanted_refs:
            if ref not in found:
                raise InputError(NOT_A_CANDIDATE, ref=ref)
        wanted = PersonProfile(_split(name), birth_date, None)
        for c in session.scalars(
            select(Case)
            .where(Case.ref.in_(wanted_refs))
            .options(
                selectinload(Case.persons),
                selectinload(Case.children),
                selectinload(Case.contacts),
            )
            .order_by(Case.ref)
        ):
            parts.append(_case_part(c, wanted, with_children))
        for m in session.scalars(
            select(Mediation)
            .where(Mediation.ref.in_(wanted_refs))
            .options(selectinload(Mediation.parents), selectinload(Mediation.children))
            .order_by(Mediation.ref)
        ):
            parts.append(_mediation_part(m, wanted, with_children))
    pack = {
        "verzoek": {
            "naam": " ".join(name.split()),
            "geboortedatum": _day(birth_date),
            "ontvangen": received.isoformat(),
            "uiterlijk_beantwoorden": due.isoformat(),
            "behandeld_door": actor.username,
            "kinderen_getoond": with_children,
        },
        "toelichting": (
            "Dit overzicht bevat de gegevens die het Centrum over u heeft vastgelegd in de "
            "genoemde dossiers. Gegevens van anderen (de andere ouder, derden"
            + ("" if with_children else ", de kinderen")
            + f") zijn vervangen door {REDACTED}. Vrije tekst (samenvattingen, notities) is "
            "niet opgenomen omdat die ook over anderen gaat; u kunt daar apart om vragen."
        ),
        "dossiers": parts,
    }
    return pack, number


def gather(
    session: Session,
    actor: Actor,
    name: str,
    birth_date: date | None,
    confirmed: Sequence[str],
    *,
    with_children: bool,
    received: date,
) -> dict[str, Any]:
    """The pack's contents for the confirmed dossiers (audited, without the name).

    On the office server the server starts the request's clock as it answers
    (`make_pack` reports its number); in a file `record_request` does.
    """
    pack, _ = _gather(
        session,
        actor,
        name,
        birth_date,
        confirmed,
        with_children=with_children,
        received=received,
    )
    return pack


def make_pack(
    session: Session,
    actor: Actor,
    name: str,
    birth_date: date | None,
    confirmed: Sequence[str],
    out_dir: Path,
    *,
    with_children: bool,
    received: date,
    render: PackRenderer,
) -> PackMade:
    """Gather, write the JSON file and the PDF, and start the one-month clock, in one
    unit of work: no pack, no clock (and no clock without a pack)."""
    pack, number = _gather(
        session,
        actor,
        name,
        birth_date,
        confirmed,
        with_children=with_children,
        received=received,
    )
    dossiers = len(pack["dossiers"])
    try:
        json_path, pdf_path = write_pack(pack, out_dir, render)
    except Exception:
        if number is not None:
            # The server's entry goes with the rollback; what was read stays on record.
            audit.log(
                session,
                actor,
                Action.SUBJECT_ACCESS.value,
                "subject_access",
                None,
                result=audit.REFUSED,
                detail=f"inzagepakket niet geschreven ({dossiers} dossier(s) gelezen)",
            )
        raise
    if number is None:
        number = record_request(session, actor, received, dossiers)
    return PackMade(json_path, pdf_path, dossiers, received, add_one_month(received), number)


def write_pack(pack: dict[str, Any], out_dir: Path, render: PackRenderer) -> tuple[Path, Path]:
    """The JSON file and the PDF of `pack` in `out_dir` (owner-only, atomic)."""
    stamp = pack["verzoek"]["ontvangen"]
    json_path = Path(out_dir) / f"inzageverzoek-{stamp}.json"
    pdf_path = Path(out_dir) / f"inzageverzoek-{stamp}.pdf"
    with files.safe_output(json_path) as fh:
        fh.write(json.dumps(pack, ensure_ascii=False, indent=2).encode("utf-8"))
    render(pack, pdf_path)
    return json_path, pdf_path


# -- the one-month clock -----------------------------------------------------------------


@dataclass(frozen=True)
class OpenRequest:
    """An access request whose pack was made and that is not yet marked answered."""

    id: int
    received: date
    due: date
    days_left: int
    made_by: str
    made_at: datetime
    dossiers: int


def record_request(session: Session, actor: Actor, received: date, dossiers: int) -> int:
    """Start the clock of a request whose pack was just made (after `gather` allowed it)."""
    row = AccessRequest(
        received=received,
        due=add_one_month(received),
        made_at=datetime.now(),
        made_by=actor.username,
        dossiers=dossiers,
    )
    session.add(row)
    session.flush()
    return row.id


def open_requests(session: Session, actor: Actor, *, as_of: date) -> list[OpenRequest]:
    """The requests not yet answered, the first due first (administrators).

    Dates and counts only, like the case clocks' count on the login line: not
    audited when allowed (a refusal is).
    """
    if not access.allowed(session, actor, Action.SUBJECT_ACCESS):
        access.require(session, actor, Action.SUBJECT_ACCESS, detail="openstaande verzoeken")
    rows = session.scalars(
        select(AccessRequest)
        .where(AccessRequest.answered_at.is_(None))
        .order_by(AccessRequest.due, AccessRequest.id)
    )
    return [
        OpenRequest(r.id, r.received, r.due, (r.due - as_of).days, r.made_by, r.made_at, r.dossiers)
        for r in rows
    ]


def mark_answered(session: Session, actor: Actor, request_id: int) -> None:
    """Stop a request's clock: the pack went to the requester (audited).

    On the office server no login writes the table: `ikodesk_subject_answered`
    stops the clock with the session's login and the server's time, and audits.
    """
    server = on_server(session)
    # In a file: decided and audited here. On the server: only a refusal (the
    # server's function audits the rest, and refuses any other login itself).
    if not (server and access.allowed(session, actor, Action.SUBJECT_ACCESS)):
        access.require(
            session,
            actor,
            Action.SUBJECT_ACCESS,
            object_ref=str(request_id),
            detail="verzoek als beantwoord gemarkeerd",
        )
    row = session.get(AccessRequest, request_id)
    if row is None:
        raise InputError(NO_SUCH_REQUEST, number=request_id)
    if row.answered_at is not None:
        raise InputError(
            ALREADY_ANSWERED,
            number=request_id,
            day=row.answered_at.strftime("%d-%m-%Y"),
            who=row.answered_by or "",
        )
    if server:
        session.execute(_ANSWERED_ON_SERVER, {"id": request_id})
        session.expire(row)
        return
    row.answered_at = datetime.now()
    row.answered_by = actor.username
