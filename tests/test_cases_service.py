"""The case service: register, change, close, contact moments, references."""

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
from ikodesk.services import cases, users
from ikodesk.services.actors import Actor
from ikodesk.services.validation import CaseData, ChildData, PersonData
from ikodesk.storage import Database

KH = Actor.key_holder()


@pytest.fixture
def people(db: Database) -> dict[str, Actor]:
    out = {}
    with db.transaction() as s:
        for name, role in (
            ("jdevries", Role.JURIST),
            ("tmeijer", Role.STUDENT),
            ("directie", Role.MANAGER),
        ):
            u = users.create_user(s, KH, name, role, password="Groene-Tafel-Zingt-4821")
            out[name] = Actor(u.id, u.username, u.role)
    return out


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


def test_create_generates_the_next_reference(db: Database, people: dict[str, Actor]) -> None:
    with db.transaction() as s:
        a = cases.create_case(s, people["jdevries"], _abduction())
        b = cases.create_case(s, people["jdevries"], _abduction())
        assert (a.ref, b.ref) == ("2024-L2-00001", "2024-L2-00002")
        assert [c.age_on(a.opened) for c in a.children] == [6, 4]
        assert a.requester.display_name == "Anna Kowalska"


def test_create_reports_every_problem_by_field(db: Database, people: dict[str, Actor]) -> None:
    bad = _abduction(country="NL", taker=None, children=[ChildData()])
    with db.transaction() as s, pytest.raises(ValidationError) as info:
        cases.create_case(s, people["jdevries"], bad)
    assert set(info.value.errors) == {"country", "taker", "children[0].birth_date"}


def test_update_close_reopen(db: Database, people: dict[str, Actor]) -> None:
    jurist = people["jdevries"]
    with db.transaction() as s:
        case = cases.create_case(s, jurist, _abduction())
        cases.update_case(s, jurist, case.id, _abduction(children=[ChildData(age=9)]))
        assert [c.age for c in case.children] == [9]
        with pytest.raises(ValidationError, match="vóór de openingsdatum"):
            cases.close_case(s, jurist, case.id, date(2024, 1, 1), CloseReason.RESOLVED)
        cases.close_case(s, jurist, case.id, date(2024, 4, 1), CloseReason.INFORMED)
        assert case.closed == date(2024, 4, 1)
        cases.reopen_case(s, jurist, case.id)
        assert case.closed is None and case.close_reason is None


def test_contact_moments(db: Database, people: dict[str, Actor]) -> None:
    jurist = people["jdevries"]
    with db.transaction() as s:
        case = cases.create_case(s, jurist, _abduction())
        c = cases.add_contact(
            s,
            jurist,
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
                jurist,
                case.id,
                at=datetime(2024, 3, 4, 9, 0),
                channel=Channel.EMAIL,
                party=Party.PARENT,
            )


def test_students_open_intakes_but_not_taken_over_dossiers(
    db: Database, people: dict[str, Actor]
) -> None:
    student, jurist = people["tmeijer"], people["jdevries"]
    with db.transaction() as s:
        intake = cases.create_case(s, student, _abduction(handler="tmeijer"))
        assert cases.get_case(s, student, intake.id).ref == intake.ref
        cases.update_case(s, jurist, intake.id, _abduction(handler="jdevries"))
    with db.session() as s, pytest.raises(AccessDenied):
        cases.get_case(s, student, intake.id)


def test_managers_read_no_dossiers(db: Database, people: dict[str, Actor]) -> None:
    with db.transaction() as s:
        case = cases.create_case(s, people["jdevries"], _abduction())
    with db.session() as s, pytest.raises(AccessDenied):
        cases.get_case(s, people["directie"], case.id)
