"""What a form asks more than the import: the rules for what someone types today.

The exchange import keeps its own rules (`rules`, `input_rules`): older
records may lack a parent's side or a caller's name, and the previous system
allowed what these rules refuse. A form registers something that happens now,
so it must be complete and plausible:

- an opening, closing or contact date does not lie in the future, and no
  birth date does (the import allows a day's grace for time zones);
- a parent who asks about an abduction says on which side they stand (the
  conflict check and the annual figures need it);
- a Line 1 call says who calls and at least one of a name, a destination or
  a note (an empty registration would count in the annual total).

The services behind the forms apply them (`cases.check_case(form=True)`,
`registrations.register_line1`, `case_contacts.add_contact`); messages are
templates for the desktop client's translation (context "services").
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from ikodesk.errors import QT_TRANSLATE_NOOP
from ikodesk.models.enums import CaseCode, RequesterKind
from ikodesk.services.validation.records import CaseData, FieldProblem, PersonData

# Codes whose requesting parent must say on which side they stand.
SIDE_REQUIRED = frozenset({CaseCode.INTERNATIONAL_ABDUCTION, CaseCode.FAMILY_ABDUCTION})
# A contact moment typed a little ahead of the clock of this computer is not "future".
CONTACT_GRACE = timedelta(minutes=5)

OPENED_FUTURE = QT_TRANSLATE_NOOP("services", "de openingsdatum ligt in de toekomst")
CLOSED_FUTURE = QT_TRANSLATE_NOOP("services", "de sluitdatum ligt in de toekomst")
BIRTH_FUTURE = QT_TRANSLATE_NOOP("services", "de geboortedatum ligt in de toekomst")
SIDE_MISSING = QT_TRANSLATE_NOOP(
    "services", "verplicht bij een ontvoeringszaak: kies aan welke kant deze ouder staat"
)
CALLER_MISSING = QT_TRANSLATE_NOOP("services", "kies wie er belt")
CALL_EMPTY = QT_TRANSLATE_NOOP(
    "services", "vul een naam, een reisbestemming of een notitie in: een lege registratie telt mee"
)
CONTACT_FUTURE = QT_TRANSLATE_NOOP("services", "het contactmoment ligt in de toekomst")


def case_form_rules(case: CaseData, today: date | None = None) -> list[FieldProblem]:
    """The form's rules for a case, in the order of the form's fields. Empty when valid."""
    today = today or date.today()
    problems: list[FieldProblem] = []
    if case.opened > today:
        problems.append(FieldProblem("opened", OPENED_FUTURE))
    if case.closed is not None and case.closed > today:
        problems.append(FieldProblem("closed", CLOSED_FUTURE))
    req = case.requester
    if req.kind is RequesterKind.PARENT and case.code in SIDE_REQUIRED and req.side is None:
        problems.append(FieldProblem("requester.side", SIDE_MISSING))
    people = [("requester", req), ("other_parent", case.other_parent)]
    for path, person in people:
        if person is not None and person.birth_date is not None and person.birth_date > today:
            problems.append(FieldProblem(f"{path}.birth_date", BIRTH_FUTURE))
    for i, child in enumerate(case.children):
        if child.birth_date is not None and child.birth_date > today:
            problems.append(FieldProblem(f"children[{i}].birth_date", BIRTH_FUTURE))
    return problems


def has_caller(caller: PersonData) -> bool:
    """Whether "who calls" is chosen: a parent or family member with their relation, or a
    professional with their kind of organisation."""
    if caller.kind is RequesterKind.PROFESSIONAL:
        return caller.organisation_type is not None
    return bool(caller.relation)


def line1_rules(caller: PersonData, country: str | None, note: str | None) -> list[FieldProblem]:
    """A Line 1 call: who calls, and a name, a destination or a note. Empty when valid."""
    problems: list[FieldProblem] = []
    if not has_caller(caller):
        problems.append(FieldProblem("requester", CALLER_MISSING))
    name = caller.organisation if caller.kind is RequesterKind.PROFESSIONAL else caller.last_name
    if not ((name or "").strip() or country or (note or "").strip()):
        problems.append(FieldProblem("note", CALL_EMPTY))
    return problems


def contact_rules(at: datetime, now: datetime | None = None) -> list[FieldProblem]:
    """A contact moment typed in a form has happened: not later than now."""
    now = now or datetime.now()
    if at > now + CONTACT_GRACE:
        return [FieldProblem("at", CONTACT_FUTURE)]
    return []
