"""The case service: register, change, close, contact moments, references.

Every test runs on both backends (`backend`: an encrypted file, the office server).
"""

from __future__ import annotations

from datetime import date, datetime

import pytest

from ikodesk.errors import AccessDenied, ValidationError
from ikodesk.models.enums import (
    CaseCode,
    Channel,
    CloseReason,
    Direction,
    ParentRelation,
    ParentSide,
    Party,
    Role,
    Taker,
)
from ikodesk.services import cases
from ikodesk.services.validation import CaseData, ChildData, PersonData
from tests.support.backends import As, Backend


@pytest.fixture
def people(backend: Backend) -> dict[str, As]:
    backend.add_users(
        ("jdevries", Role.JURIST), ("tmeijer", Role.STUDENT), ("directie", Role.MANAGER)
    )
    return {name: backend.as_(name) for name in ("jdevries", "tmeijer", "directie")}


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
        children=[ChildData(first_name="Ola", birth_date=date(2017, 9, 1)), ChildData(age=4)],
        country="PL",
        direction=Direction.OUTGOING,
        taker=Taker.FATHER,
    )
    for k, v in changes.items():
        setattr(data, k, v)
    return data


def test_create_generates_the_next_reference(people: dict[str, As]) -> None:
    jurist = people["jdevries"]
    with jurist.transaction() as s:
        a = cases.create_case(s, jurist.actor, _abduction())
        b = cases.create_case(s, jurist.actor, _abduction())
        assert (a.ref, b.ref) == ("2024-L2-00001", "2024-L2-00002")
        assert [c.age_on(a.opened) for c in a.children] == [6, 4]
        assert a.requester.display_name == "Anna Kowalska"


def test_create_reports_every_problem_by_field(people: dict[str, As]) -> None:
    jurist = people["jdevries"]
    bad = _abduction(country="NL", taker=None, children=[ChildData()])
    with jurist.transaction() as s, pytest.raises(ValidationError) as info:
        cases.create_case(s, jurist.actor, bad)
    assert set(info.value.errors) == {"country", "taker", "children[0].birth_date"}


def test_update_close_reopen(people: dict[str, As]) -> None:
    jurist = people["jdevries"]
    with jurist.transaction() as s:
        case = cases.create_case(s, jurist.actor, _abduction())
        cases.update_case(s, jurist.actor, case.id, _abduction(children=[ChildData(age=9)]))
        assert [c.age for c in case.children] == [9]
        with pytest.raises(ValidationError, match="vóór de openingsdatum"):
            cases.close_case(s, jurist.actor, case.id, date(2024, 1, 1), CloseReason.RESOLVED)
        cases.close_case(s, jurist.actor, case.id, date(2024, 4, 1), CloseReason.INFORMED)
        assert case.closed == date(2024, 4, 1)
        cases.reopen_case(s, jurist.actor, case.id)
        assert case.closed is None and case.close_reason is None
    with jurist.session() as s:
        again = cases.get_case(s, jurist.actor, case.id)
        assert again.closed is None and [c.age for c in again.children] == [9]


def test_contact_moments(people: dict[str, As]) -> None:
    jurist = people["jdevries"]
    with jurist.transaction() as s:
        case = cases.create_case(s, jurist.actor, _abduction())
        c = cases.add_contact(
            s,
            jurist.actor,
            case.id,
            at=datetime(2024, 3, 5, 10, 12, 33, 5),
            channel=Channel.PHONE,
            party=Party.PARENT,
            minutes=15,
            summary="  Eerste gesprek. ",
        )
        assert c.handler.username == "jdevries" and c.summary == "Eerste gesprek."
        assert c.at == datetime(2024, 3, 5, 10, 12, 33)
        with pytest.raises(ValidationError, match="vóór de openingsdatum"):
            cases.add_contact(
                s,
                jurist.actor,
                case.id,
                at=datetime(2024, 3, 4, 9, 0),
                channel=Channel.EMAIL,
                party=Party.PARENT,
            )


def test_students_open_intakes_but_not_taken_over_dossiers(people: dict[str, As]) -> None:
    student, jurist = people["tmeijer"], people["jdevries"]
    with student.transaction() as s:
        intake = cases.create_case(s, student.actor, _abduction(handler="tmeijer"))
        assert cases.get_case(s, student.actor, intake.id).ref == intake.ref
    with jurist.transaction() as s:
        cases.update_case(s, jurist.actor, intake.id, _abduction(handler="jdevries"))
    with student.session() as s, pytest.raises(AccessDenied):
        cases.get_case(s, student.actor, intake.id)


def test_managers_read_no_dossiers(people: dict[str, As]) -> None:
    jurist, manager = people["jdevries"], people["directie"]
    with jurist.transaction() as s:
        case = cases.create_case(s, jurist.actor, _abduction())
    with manager.session() as s, pytest.raises(AccessDenied):
        cases.get_case(s, manager.actor, case.id)
