"""Issue #15, points 1, 2 and 4: what the forms ask more than the import, in the services.

No future opening, closing, contact or birth dates from a form; the side of a
parent in an abduction case; no empty Line 1 call. The import keeps its own
rules: an old record without a side still imports.

The tests that write run on both backends (`backend`: an encrypted file, the office
server); the rules themselves are pure functions.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from ikodesk.errors import ValidationError
from ikodesk.models import Case
from ikodesk.models.enums import (
    CaseCode,
    Channel,
    CloseReason,
    Direction,
    OrganisationType,
    ParentRelation,
    ParentSide,
    Party,
    RequesterKind,
    Role,
    Taker,
)
from ikodesk.services import case_contacts, cases, registrations
from ikodesk.services.validation import (
    CaseData,
    ChildData,
    PersonData,
    case_form_rules,
    contact_rules,
    line1_rules,
)
from tests.support import records as R
from tests.support.backends import As, Backend

TODAY = date.today()


@pytest.fixture
def people(backend: Backend) -> dict[str, As]:
    backend.add_users(("jdevries", Role.JURIST), ("tmeijer", Role.STUDENT))
    return {name: backend.as_(name) for name in ("jdevries", "tmeijer")}


def _abduction(**changes: object) -> CaseData:
    data = CaseData(
        ref=None,
        line=2,
        code=CaseCode.INTERNATIONAL_ABDUCTION,
        opened=date(2024, 3, 5),
        handler="jdevries",
        requester=PersonData(
            relation=ParentRelation.MOTHER.value,
            side=ParentSide.LEFT_BEHIND,
            first_name="Anna",
            last_name="Kowalska",
        ),
        children=[ChildData(first_name="Ola", birth_date=date(2017, 9, 1))],
        country="PL",
        direction=Direction.OUTGOING,
        taker=Taker.FATHER,
    )
    return replace(data, **changes)  # type: ignore[arg-type]


def test_the_form_rules_in_field_order() -> None:
    tomorrow = TODAY + timedelta(days=1)
    assert case_form_rules(_abduction()) == []
    bad = _abduction(
        opened=tomorrow,
        requester=PersonData(relation="mother", birth_date=tomorrow),
        children=[ChildData(birth_date=tomorrow)],
    )
    assert [(p.field, p.message) for p in case_form_rules(bad)] == [
        ("opened", "de openingsdatum ligt in de toekomst"),
        (
            "requester.side",
            "verplicht bij een ontvoeringszaak: kies aan welke kant deze ouder staat",
        ),
        ("requester.birth_date", "de geboortedatum ligt in de toekomst"),
        ("children[0].birth_date", "de geboortedatum ligt in de toekomst"),
    ]
    # The side is asked of a parent in an abduction only.
    prevention = _abduction(code=CaseCode.PREVENTION, requester=PersonData(relation="mother"))
    assert case_form_rules(prevention) == []
    family = _abduction(code=CaseCode.FAMILY_ABDUCTION, requester=PersonData(relation="father"))
    assert [p.field for p in case_form_rules(family)] == ["requester.side"]
    professional = _abduction(requester=PersonData(kind=RequesterKind.PROFESSIONAL))
    assert case_form_rules(professional) == []


def test_a_form_refuses_what_the_import_accepts(backend: Backend, people: dict[str, As]) -> None:
    """Kant is required for an abduction typed in a form; an imported old record without
    it is accepted as before."""
    jurist = people["jdevries"]
    no_side = _abduction(requester=PersonData(relation="mother", last_name="Kowalska"))
    with jurist.transaction() as s:
        problems = cases.check_case(s, no_side, form=True)
        assert [p.field for p in problems] == ["requester.side"]
        assert cases.check_case(s, no_side) == []
        with pytest.raises(ValidationError) as refused:
            cases.create_case(s, jurist.actor, no_side, form=True)
        assert refused.value.errors == {
            "requester.side": "verplicht bij een ontvoeringszaak: kies aan welke kant deze "
            "ouder staat"
        }
    record = R.case(requester={"kind": "parent", "relation": "mother", "last_name": "Nowak"})
    backend.load(record)  # raises on the first invalid record
    with backend.inspect() as s:
        assert s.scalar(select(func.count()).select_from(Case)) == 1


def test_a_future_closing_or_contact_from_a_form_is_refused(people: dict[str, As]) -> None:
    jurist = people["jdevries"]
    with jurist.transaction() as s:
        case = cases.create_case(s, jurist.actor, _abduction(), form=True)
        case_id = case.id
    with jurist.transaction() as s:
        with pytest.raises(ValidationError) as refused:
            cases.close_case(
                s, jurist.actor, case_id, TODAY + timedelta(days=2), CloseReason.RESOLVED, form=True
            )
        assert refused.value.errors == {"closed": "de sluitdatum ligt in de toekomst"}
    later = datetime.now() + timedelta(days=1)
    with jurist.transaction() as s:
        with pytest.raises(ValidationError) as refused:
            case_contacts.add_contact(
                s, jurist.actor, case_id, at=later, channel=Channel.PHONE, party=Party.PARENT
            )
        assert refused.value.errors == {"at": "het contactmoment ligt in de toekomst"}
    assert contact_rules(datetime.now()) == []
    assert contact_rules(datetime.now() + timedelta(minutes=2)) == []  # the clock's grace


@pytest.mark.parametrize(
    ("caller", "country", "note", "fields"),
    [
        (PersonData(), None, None, ["requester", "note"]),
        (PersonData(relation="mother"), None, None, ["note"]),
        (PersonData(relation="mother"), None, "   ", ["note"]),
        (PersonData(), None, "Reis naar Turkije", ["requester"]),
        (PersonData(kind=RequesterKind.PROFESSIONAL), "TR", None, ["requester"]),
        (PersonData(relation="mother", last_name="Jansen"), None, None, []),
        (PersonData(relation="father"), "TR", None, []),
        (PersonData(relation="father"), None, "Paspoort", []),
        (
            PersonData(
                kind=RequesterKind.PROFESSIONAL,
                organisation_type=OrganisationType.POLICE,
                organisation="Politie Utrecht",
            ),
            None,
            None,
            [],
        ),
    ],
)
def test_a_line1_call_needs_who_calls_and_a_name_destination_or_note(
    caller: PersonData, country: str | None, note: str | None, fields: list[str]
) -> None:
    assert [p.field for p in line1_rules(caller, country, note)] == fields


def test_an_empty_line1_call_is_not_registered_and_not_counted(
    backend: Backend, people: dict[str, As]
) -> None:
    student = people["tmeijer"]
    now = datetime.now().replace(second=0, microsecond=0)
    with student.transaction() as s:
        with pytest.raises(ValidationError) as refused:
            registrations.register_line1(
                s,
                student.actor,
                caller=PersonData(relation="mother"),
                channel=Channel.PHONE,
                at=now,
            )
        assert list(refused.value.errors) == ["note"]
    with student.transaction() as s:
        case = registrations.register_line1(
            s,
            student.actor,
            caller=PersonData(relation="mother"),
            channel=Channel.PHONE,
            at=now,
            country="TR",
        )
        assert case.ref.endswith("-L1-00001")
    with backend.inspect() as s:
        assert s.scalar(select(func.count()).select_from(Case)) == 1
