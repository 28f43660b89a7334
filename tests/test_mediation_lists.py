"""The status list, the special-curator reminders, the mediator pool and the family warning.

Every test runs on both backends (`backend`: an encrypted file, the office
server), as the mediation bureau's own login.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from sqlalchemy.orm import Session

from ikodesk.errors import ValidationError
from ikodesk.models.enums import (
    Intake,
    MediationKind,
    MediationStatus,
    Outcome,
    ParentRelation,
    ReferredBy,
    Role,
)
from ikodesk.services import mediation as med
from ikodesk.services import mediators
from ikodesk.services.actors import Actor
from ikodesk.services.mediation import RequestData
from ikodesk.services.validation import ChildData, MediationParentData
from tests.support import records as R
from tests.support.backends import As, Backend

D = date.fromisoformat


@pytest.fixture
def bureau(backend: Backend) -> As:
    """The mediation bureau's login."""
    backend.add_users(("wbureau", Role.MEDIATION))
    return backend.as_("wbureau")


@pytest.fixture
def staff(bureau: As) -> Actor:
    return bureau.actor


@pytest.fixture
def session(bureau: As) -> Iterator[Session]:
    """One transaction of the bureau's login (it begins at its first statement)."""
    with bureau.transaction() as s:
        yield s


@pytest.fixture
def pool(bureau: As) -> dict[str, int]:
    """The mediator pool, committed before the test's own work."""
    with bureau.transaction() as s:
        return {
            name: mediators.add_mediator(s, bureau.actor, name, langs, cbfm=cbfm, active=active).id
            for name, langs, cbfm, active in [
                ("M. Jansen", ["nl", "pl"], True, True),
                ("K. Nowak", ["pl"], False, True),
                ("A. Yıldız", ["nl", "tr"], True, True),
                ("E. Oud", ["nl", "pl"], True, False),
            ]
        }


def request(
    requested: str,
    kind: MediationKind = MediationKind.IKO,
    children: list[ChildData] | None = None,
    parents: list[MediationParentData] | None = None,
    case_ref: str | None = None,
) -> RequestData:
    return RequestData(
        kind=kind,
        requested=D(requested),
        referred_by=ReferredBy.LAWYER,
        children=children if children is not None else [ChildData(age=8)],
        parents=parents or [],
        case_ref=case_ref,
    )


# --- status list ---------------------------------------------------------------------------


def test_the_status_list_filters_on_year_kind_status_and_mediator(
    backend: Backend, bureau: As, staff: Actor, pool: dict[str, int]
) -> None:
    backend.load(*R.USERS, R.ABDUCTION_CASE)
    with bureau.transaction() as session:
        _status_list(session, staff, pool)


def _status_list(session: Session, staff: Actor, pool: dict[str, int]) -> None:
    a = med.register_request(
        session,
        staff,
        request(
            "2024-03-01", children=[ChildData(age=5), ChildData(age=9)], case_ref="2024-L2-00017"
        ),
    )
    med.start_mediation(session, staff, a.id, D("2024-03-10"))
    med.assign_mediators(session, staff, a.id, [pool["M. Jansen"], pool["K. Nowak"]])
    med.record_intake(session, staff, a.id, Intake.SUITABLE)
    med.add_child_interview(session, staff, a.id, D("2024-03-20"), 2)
    b = med.register_request(session, staff, request("2024-06-01", MediationKind.NIKO))
    c = med.register_request(session, staff, request("2023-05-01"))
    med.start_mediation(session, staff, c.id, D("2023-05-10"))
    med.assign_mediators(session, staff, c.id, [pool["A. Yıldız"], pool["M. Jansen"]])
    med.record_intake(session, staff, c.id, Intake.SUITABLE)
    med.record_outcome(session, staff, c.id, Outcome.FULL_AGREEMENT, D("2023-07-01"))
    d = med.register_request(session, staff, request("2025-01-05", MediationKind.NIKO))
    med.not_continue(session, staff, d.id, "Ouder trekt verzoek in.")

    def refs(**filters: object) -> list[str]:
        return [r.ref for r in med.list_mediations(session, staff, **filters)]  # type: ignore[arg-type]

    assert refs() == ["M2025-001", "M2024-002", "M2024-001", "M2023-001"]
    assert refs(year=2024) == ["M2024-002", "M2024-001"]
    assert refs(kind=MediationKind.NIKO) == ["M2025-001", "M2024-002"]
    assert refs(status=MediationStatus.ENDED) == ["M2023-001"]
    assert refs(mediator_id=pool["M. Jansen"]) == ["M2024-001", "M2023-001"]
    assert refs(year=2024, mediator_id=pool["M. Jansen"], kind=MediationKind.IKO) == ["M2024-001"]
    assert refs(year=2024, status=MediationStatus.NOT_STARTED) == []

    row = next(r for r in med.list_mediations(session, staff) if r.id == a.id)
    assert (row.kind, row.status, row.requested, row.started, row.intake) == (
        MediationKind.IKO,
        MediationStatus.RUNNING,
        D("2024-03-01"),
        D("2024-03-10"),
        Intake.SUITABLE,
    )
    assert row.mediators == ("M. Jansen", "K. Nowak")
    assert (row.children, row.interviews, row.case_ref) == (2, 1, "2024-L2-00017")
    assert not row.curator_due
    ended = next(r for r in med.list_mediations(session, staff) if r.id == c.id)
    assert ended.mediators == ("A. Yıldız", "M. Jansen")  # the assigned order
    assert (ended.outcome, ended.ended) == (Outcome.FULL_AGREEMENT, D("2023-07-01"))
    assert b.id in {
        r.id for r in med.list_mediations(session, staff, status=MediationStatus.REQUESTED)
    }


def test_request_years_run_from_the_first_request_to_the_last(
    session: Session, staff: Actor
) -> None:
    assert med.request_years(session, staff) == []
    med.register_request(session, staff, request("2022-11-01"))
    med.register_request(session, staff, request("2024-02-01"))
    assert med.request_years(session, staff) == [2024, 2023, 2022]


def test_a_case_to_link_shows_its_basic_facts_or_a_dutch_refusal(
    backend: Backend, bureau: As, staff: Actor
) -> None:
    backend.load(*R.USERS, R.ABDUCTION_CASE)
    with bureau.session() as session:
        _case_to_link(session, staff)


def _case_to_link(session: Session, staff: Actor) -> None:
    facts = med.find_linked_case(session, staff, " 2024-L2-00017 ")
    assert (facts.ref, facts.code.value, facts.opened, facts.country_name) == (
        "2024-L2-00017",
        "international_abduction",
        D("2024-03-05"),
        "Polen",
    )
    with pytest.raises(ValidationError) as missing:
        med.find_linked_case(session, staff, "2024-L2-99999")
    assert missing.value.errors == {"case": 'Zaak "2024-L2-99999" bestaat niet.'}
    with pytest.raises(ValidationError) as empty:
        med.find_linked_case(session, staff, "  ")
    assert empty.value.errors == {"case": "Geef de referentie van de zaak."}


# --- reminders ---------------------------------------------------------------------------


def test_reminders_list_requests_not_continued_with_a_child_of_three_or_older(
    session: Session, staff: Actor
) -> None:
    def not_started(requested: str, *children: ChildData) -> int:
        d = med.register_request(session, staff, request(requested, children=list(children)))
        return med.not_continue(session, staff, d.id, "niet voortgezet").id

    three_today = not_started("2024-02-01", ChildData(birth_date=D("2021-02-01")))
    not_started("2024-02-01", ChildData(birth_date=D("2021-02-02")))  # a day short of three
    by_age = not_started("2024-01-10", ChildData(age=2), ChildData(age=7))
    not_started("2024-01-11", ChildData(age=2))
    appointed = not_started("2024-01-12", ChildData(age=5))
    med.appoint_special_curator(session, staff, appointed, D("2024-02-01"))
    started = med.register_request(session, staff, request("2024-01-13"))
    med.start_mediation(session, staff, started.id, D("2024-01-20"))
    med.register_request(session, staff, request("2024-01-14"))  # not decided yet

    reminders = med.curator_reminders(session, staff)
    assert [(r.id, r.oldest_child_age) for r in reminders] == [(by_age, 7), (three_today, 3)]
    assert {r.id for r in med.list_mediations(session, staff) if r.curator_due} == {
        by_age,
        three_today,
    }
    assert med.get_mediation(session, staff, three_today).curator_due


# --- the pool ----------------------------------------------------------------------------


def test_mediators_are_added_with_clean_names_and_languages(session: Session, staff: Actor) -> None:
    row = mediators.add_mediator(session, staff, "  R.  de  Wit ", ["NL", " pl", "nl"], cbfm=True)
    assert (row.name, row.languages, row.cbfm, row.active, row.caseload) == (
        "R. de Wit",
        ("nl", "pl"),
        True,
        True,
        0,
    )
    with pytest.raises(ValidationError) as info:
        mediators.add_mediator(session, staff, "r. DE wit", ["nl"])
    assert info.value.errors == {"name": 'Er is al een mediator met de naam "r. DE wit".'}
    with pytest.raises(ValidationError) as info:
        mediators.add_mediator(session, staff, "S. Berg", ["nederlands"])
    assert info.value.field == "languages"
    assert info.value.field_message == 'ongeldige taalcode "nederlands" (verwacht bijv. "nl")'
    with pytest.raises(ValidationError, match=r"Geef de naam van de mediator\."):
        mediators.add_mediator(session, staff, "   ", ["nl"])


def test_mediators_are_edited_and_deactivated(
    session: Session, staff: Actor, pool: dict[str, int]
) -> None:
    row = mediators.update_mediator(
        session, staff, pool["K. Nowak"], name="K. Nowak-Jansen", languages=["pl", "de"], cbfm=True
    )
    assert (row.name, row.languages, row.cbfm, row.active) == (
        "K. Nowak-Jansen",
        ("pl", "de"),
        True,
        True,
    )
    assert not mediators.update_mediator(session, staff, pool["K. Nowak"], active=False).active
    with pytest.raises(ValidationError, match="Er is al een mediator met de naam"):
        mediators.update_mediator(session, staff, pool["K. Nowak"], name="m. jansen")


def test_the_pool_is_filtered_on_language_certification_and_activity(
    session: Session, staff: Actor, pool: dict[str, int]
) -> None:
    def names(**filters: object) -> list[str]:
        return [r.name for r in mediators.find_mediators(session, staff, **filters)]  # type: ignore[arg-type]

    assert names() == ["A. Yıldız", "K. Nowak", "M. Jansen"]
    assert names(language="PL") == ["K. Nowak", "M. Jansen"]
    assert names(language="pl", cbfm=True) == ["M. Jansen"]
    assert names(language="pl", cbfm=False) == ["K. Nowak"]
    assert names(language="pl", active_only=False) == ["E. Oud", "K. Nowak", "M. Jansen"]
    assert names(language="tr", cbfm=True) == ["A. Yıldız"]
    assert names(language="ar") == []
    # The least busy first: give Jansen and Nowak a mediation.
    d = med.register_request(session, staff, request("2024-02-01"))
    med.assign_mediators(session, staff, d.id, [pool["M. Jansen"], pool["K. Nowak"]])
    assert names(language="nl") == ["A. Yıldız", "M. Jansen"]
    assert names(language="nl", year=2023) == ["A. Yıldız", "M. Jansen"]


def test_caseload_counts_mediations_requested_or_running_in_the_year(
    session: Session, staff: Actor, pool: dict[str, int]
) -> None:
    jansen, nowak = pool["M. Jansen"], pool["K. Nowak"]

    def assigned(requested: str, *ids: int) -> int:
        d = med.register_request(session, staff, request(requested))
        med.assign_mediators(session, staff, d.id, list(ids))
        return d.id

    # Requested in December, running into February: both years.
    a = assigned("2023-12-10", jansen)
    med.start_mediation(session, staff, a, D("2023-12-20"))
    med.record_intake(session, staff, a, Intake.NOT_SUITABLE, ended=D("2024-02-01"))
    # Not continued: only the year of the request.
    b = assigned("2024-03-01", jansen, nowak)
    med.not_continue(session, staff, b, "geen reactie")
    # Still running: every year from its start on.
    c = assigned("2024-11-01", jansen)
    med.start_mediation(session, staff, c, D("2024-11-10"))
    # Long over.
    d = assigned("2022-01-01", jansen)
    med.start_mediation(session, staff, d, D("2022-02-01"))
    med.record_intake(session, staff, d, Intake.SUITABLE)
    med.record_outcome(session, staff, d, Outcome.NO_AGREEMENT, D("2022-03-01"))

    def loads(year: int | None) -> dict[str, int]:
        return {r.name: r.caseload for r in mediators.list_mediators(session, staff, year=year)}

    assert loads(2022) == {"A. Yıldız": 0, "E. Oud": 0, "K. Nowak": 0, "M. Jansen": 1}
    assert loads(2023)["M. Jansen"] == 1
    assert loads(2024) == {"A. Yıldız": 0, "E. Oud": 0, "K. Nowak": 1, "M. Jansen": 3}
    assert loads(2025)["M. Jansen"] == 1
    assert loads(None)["M. Jansen"] == 4
    active = [r.name for r in mediators.list_mediators(session, staff, include_inactive=False)]
    assert active == ["A. Yıldız", "K. Nowak", "M. Jansen"]


# --- family warning ------------------------------------------------------------------------

OTHER_PARENTS_CASE = R.case(
    ref="2024-L2-00018",
    requester={
        "kind": "parent",
        "relation": "father",
        "side": "taking",
        "first_name": "Piotr",
        "last_name": "Kowalski",
        "birth_date": "1985-07-30",
    },
    other_parent=...,
    children=[{"first_name": "ola", "birth_date": "2017-09-01"}],
)


def test_a_mediator_on_another_mediation_of_the_same_family_gives_a_warning(
    backend: Backend, bureau: As, staff: Actor, pool: dict[str, int]
) -> None:
    backend.load(*R.USERS, R.ABDUCTION_CASE, OTHER_PARENTS_CASE)
    # Each step of the bureau is a transaction of its own, as in the mediation window. On
    # the office server a case's people meet a mediation's own people only once both are
    # saved (ikodesk_mediation_same_family: no probing in a transaction rolled back).
    with bureau.transaction() as session:
        registered = _register_families(session, staff, pool)
    with bureau.transaction() as session:
        _same_family(session, staff, pool, registered)


def _register_families(session: Session, staff: Actor, pool: dict[str, int]) -> dict[str, int]:
    jansen, nowak, yildiz = pool["M. Jansen"], pool["K. Nowak"], pool["A. Yıldız"]

    def register(**kw: object) -> int:
        return med.register_request(session, staff, request("2024-04-01", **kw)).id  # type: ignore[arg-type]

    # The mother's case and the father's case: the same child (name spelled differently).
    mother = register(case_ref="2024-L2-00017")
    father = register(case_ref="2024-L2-00018")
    med.assign_mediators(session, staff, father, [jansen])
    # A request without a case, for the same child ("Olá", other case and spaces).
    same_child = register(children=[ChildData(first_name=" OLÁ ", birth_date=D("2017-09-01"))])
    # The father again, as a parent of a request without a case.
    same_parent = register(
        parents=[MediationParentData(ParentRelation.FATHER, "piotr", "KOWALSKI", D("1985-07-30"))]
    )
    med.assign_mediators(session, staff, same_parent, [yildiz])
    # Another family: another birth date, another mother.
    other = register(
        children=[ChildData(first_name="Ola", birth_date=D("2018-01-01"))],
        parents=[MediationParentData(ParentRelation.MOTHER, "Anna", "Kowalska", D("1990-01-01"))],
    )
    med.assign_mediators(session, staff, other, [nowak])
    return {
        "mother": mother,
        "father": father,
        "same_child": same_child,
        "same_parent": same_parent,
        "other": other,
    }


def _same_family(
    session: Session, staff: Actor, pool: dict[str, int], registered: dict[str, int]
) -> None:
    jansen, nowak, yildiz = pool["M. Jansen"], pool["K. Nowak"], pool["A. Yıldız"]
    mother, father, same_child, same_parent, other = (
        registered[k] for k in ("mother", "father", "same_child", "same_parent", "other")
    )

    result = med.assign_mediators(session, staff, mother, [jansen, nowak, yildiz])
    refs = {i: med.get_mediation(session, staff, i).ref for i in (father, same_parent)}
    assert result.warnings == (
        f"Let op: M. Jansen is ook mediator bij {refs[father]} van hetzelfde gezin "
        "(zelfde kind, ouder of zaak).",
        f"Let op: A. Yıldız is ook mediator bij {refs[same_parent]} van hetzelfde gezin "
        "(zelfde kind, ouder of zaak).",
    )
    assert [m.name for m in result.detail.mediators] == ["M. Jansen", "K. Nowak", "A. Yıldız"]

    # A preview before saving; Jansen is now on both the mother's and the father's.
    mother_ref = result.detail.ref
    assert med.mediator_warnings(session, staff, same_child, [jansen]) == [
        f"Let op: M. Jansen is ook mediator bij {', '.join(sorted([refs[father], mother_ref]))} "
        "van hetzelfde gezin (zelfde kind, ouder of zaak)."
    ]
    assert med.mediator_warnings(session, staff, other, [nowak, yildiz]) == []
    # Saving the same assignment again warns about the others, never about itself.
    again = med.assign_mediators(session, staff, other, [nowak])
    assert again.warnings == ()


def test_two_mediations_on_the_same_case_are_one_family(
    backend: Backend, bureau: As, staff: Actor, pool: dict[str, int]
) -> None:
    backend.load(*R.USERS, R.ABDUCTION_CASE)
    with bureau.transaction() as session:
        _same_case(session, staff, pool)


def _same_case(session: Session, staff: Actor, pool: dict[str, int]) -> None:
    first = med.register_request(
        session, staff, request("2023-03-01", children=[ChildData(age=5)], case_ref="2024-L2-00017")
    )
    second = med.register_request(
        session, staff, request("2024-09-01", children=[ChildData(age=6)], case_ref="2024-L2-00017")
    )
    med.assign_mediators(session, staff, first.id, [pool["K. Nowak"]])
    warnings = med.mediator_warnings(session, staff, second.id, [pool["K. Nowak"]])
    assert warnings == [
        f"Let op: K. Nowak is ook mediator bij {first.ref} van hetzelfde gezin "
        "(zelfde kind, ouder of zaak)."
    ]
