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
of them marks the request answered (`mark_answered`). On the office server
administrators read no personal rows at all (sql/security.sql): access requests
are not supported there yet.
"""

from __future__ import annotations

import calendar
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from ikodesk.errors import QT_TRANSLATE_NOOP, InputError
from ikodesk.models import AccessRequest, Case, Mediation, MediationParent, Person
from ikodesk.models.enums import Action, PersonRole, RequesterKind
from ikodesk.models.labels import label
from ikodesk.services import access
from ikodesk.services.actors import Actor
from ikodesk.services.backend import on_server
from ikodesk.services.family_match import Name
from ikodesk.services.family_match.profiles import PersonProfile
from ikodesk.services.family_match.scoring import PersonMatch, compare_persons
from ikodesk.storage import files

REDACTED = "[afgeschermd]"
FOUND = (PersonMatch.STRONG, PersonMatch.NAME)

NOT_ON_SERVER = QT_TRANSLATE_NOOP(
    "services",
    "Inzageverzoeken kunnen op de kantoorserver nog niet worden afgehandeld: beheerders "
    "lezen daar geen persoonsgegevens. Gebruik hiervoor (nog) een losse database.",
)
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
    name: str
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
    if on_server(session):
        raise InputError(NOT_ON_SERVER)
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


def candidates(
    session: Session, actor: Actor, name: str, birth_date: date | None
) -> list[Candidate]:
    """The people in cases and mediations whose name (and birth date) fit (admins)."""
    _check(session, actor, "dossiers gezocht")
    return _find(session, name, birth_date)


# -- the pack ----------------------------------------------------------------------------


def _day(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _person(p: Person) -> dict[str, Any]:
    return {
        "rol": ROLE_WORDS[p.role.value],
        "soort": label(p.kind),
        "relatie": p.relation,
        "kant": label(p.side) if p.side else None,
        "voornaam": p.first_name,
        "achternaam": p.last_name,
        "geboortedatum": _day(p.birth_date),
        "telefoon": p.phone,
        "e-mail": p.email,
    }


def _children(rows: Sequence[Any], with_children: bool) -> list[dict[str, Any]]:
    if not with_children:
        return [{"kind": REDACTED} for _ in rows]
    return [
        {
            "voornaam": c.first_name,
            "achternaam": c.last_name,
            "geboortedatum": _day(c.birth_date),
        }
        for c in rows
    ]


def _case_part(case: Case, wanted: PersonProfile, with_children: bool) -> dict[str, Any]:
    own = [
        p
        for p in case.persons
        if p.last_name and _fits(wanted, p.first_name, p.last_name, p.birth_date) in FOUND
    ]
    others: list[dict[str, Any]] = []
    for p in case.persons:
        if p in own:
            continue
        if p.role is PersonRole.OTHER_PARENT:
            others.append({"rol": ROLE_WORDS[p.role.value], "gegevens": REDACTED})
        else:
            kind = "derde" if p.kind is not RequesterKind.PARENT else ROLE_WORDS[p.role.value]
            others.append({"rol": kind, "gegevens": REDACTED})
    return {
        "soort": "zaak",
        "referentie": case.ref,
        "lijn": case.line,
        "code": case.code.value,
        "code_omschrijving": label(case.code),
        "geopend": _day(case.opened),
        "gesloten": _day(case.closed),
        "land": case.country,
        "uw_gegevens": [_person(p) for p in own],
        "andere_personen": others,
        "kinderen": _children(case.children, with_children),
        "contactmomenten": [
            {
                "datum": c.at.date().isoformat(),
                "kanaal": label(c.channel),
                "met": label(c.party),
                "minuten": c.minutes,
            }
            for c in sorted(case.contacts, key=lambda c: c.at)
        ],
    }


def _mediation_part(m: Mediation, wanted: PersonProfile, with_children: bool) -> dict[str, Any]:
    own = [
        p
        for p in m.parents
        if p.last_name and _fits(wanted, p.first_name, p.last_name, p.birth_date) in FOUND
    ]
    return {
        "soort": "mediation",
        "referentie": m.ref,
        "aangevraagd": _day(m.requested),
        "status": label(m.status),
        "gestart": _day(m.started),
        "beëindigd": _day(m.ended),
        "uitkomst": label(m.outcome) if m.outcome else None,
        "uw_gegevens": [
            {
                "rol": ROLE_WORDS["mediation_parent"],
                "relatie": label(p.relation),
                "voornaam": p.first_name,
                "achternaam": p.last_name,
                "geboortedatum": _day(p.birth_date),
                "land": p.country,
            }
            for p in own
        ],
        "andere_personen": [
            {"rol": "andere ouder", "gegevens": REDACTED} for p in m.parents if p not in own
        ],
        "kinderen": _children(m.children, with_children),
    }


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
    """The pack's contents for the confirmed dossiers (audited, without the name)."""
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
    found = {c.ref for c in _find(session, name, birth_date)}
    for ref in wanted_refs:
        if ref not in found:
            raise InputError(NOT_A_CANDIDATE, ref=ref)
    wanted = PersonProfile(_split(name), birth_date, None)
    parts: list[dict[str, Any]] = []
    for c in session.scalars(
        select(Case)
        .where(Case.ref.in_(wanted_refs))
        .options(
            selectinload(Case.persons), selectinload(Case.children), selectinload(Case.contacts)
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
    return {
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
    """Stop a request's clock: the pack went to the requester (audited)."""
    if on_server(session):
        raise InputError(NOT_ON_SERVER)
    row = session.get(AccessRequest, request_id)
    access.require(
        session,
        actor,
        Action.SUBJECT_ACCESS,
        object_ref=str(request_id),
        detail="verzoek als beantwoord gemarkeerd",
    )
    if row is None:
        raise InputError(NO_SUCH_REQUEST, number=request_id)
    if row.answered_at is not None:
        raise InputError(
            ALREADY_ANSWERED,
            number=request_id,
            day=row.answered_at.strftime("%d-%m-%Y"),
            who=row.answered_by or "",
        )
    row.answered_at = datetime.now()
    row.answered_by = actor.username
