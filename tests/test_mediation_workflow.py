"""The mediation workflow: every step, every refusal.

Every test runs on both backends (`backend`: an encrypted file, the office
server), as the mediation bureau's own login.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.orm import Session

from ikodesk.errors import NotFoundError, ValidationError
from ikodesk.models.enums import (
    FailureReason,
    Intake,
    MediationKind,
    MediationStatus,
    Outcome,
    ParentRelation,
    ReferredBy,
    Role,
)
from ikodesk.services import exchange, mediators
from ikodesk.services import mediation as med
from ikodesk.services.actors import Actor
from ikodesk.services.mediation import RequestData, Step
from ikodesk.services.validation import ChildData, MediationParentData
from ikodesk.storage import Database
from tests.conftest import TEST_PASSPHRASE
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
    out = {}
    with bureau.transaction() as s:
        for name, langs, cbfm, active in [
            ("M. Jansen", ["nl", "pl"], True, True),
            ("K. Nowak", ["pl"], False, True),
            ("A. Yıldız", ["nl", "tr"], True, True),
            ("E. Oud", ["nl", "pl"], True, False),
        ]:
            made = mediators.add_mediator(s, bureau.actor, name, langs, cbfm=cbfm, active=active)
            out[name] = made.id
    return out


def request(
    requested: str = "2024-02-01",
    kind: MediationKind = MediationKind.IKO,
    children: list[ChildData] | None = None,
    parents: list[MediationParentData] | None = None,
    case_ref: str | None = None,
) -> RequestData:
    return RequestData(
        kind=kind,
        requested=D(requested),
        referred_by=ReferredBy.COURT,
        children=(
            children
            if children is not None
            else [ChildData(first_name="Ola", birth_date=D("2017-09-01"))]
        ),
        parents=parents or [],
        case_ref=case_ref,
    )


# --- the two journeys of the issue --------------------------------------------------


def test_a_request_from_registration_to_an_outcome(
    backend: Backend, bureau: As, staff: Actor, pool: dict[str, int], tmp_path: Path
) -> None:
    backend.load(*R.USERS, R.ABDUCTION_CASE)
    with bureau.transaction() as session:
        _registration_to_outcome(session, staff, pool)

    # What the workflow produced is a valid exchange record: it imports elsewhere.
    # (The test's own look exports it: on the server no login reads every row.)
    path = tmp_path / "export.jsonl"
    with backend.inspect() as s:
        exchange.export_file(s, Actor.key_holder(), path)
    other = Database.create(tmp_path / "other.db", passphrase=TEST_PASSPHRASE)[0]
    try:
        with other.transaction() as s:
            result = exchange.import_file(s, Actor.key_holder(), path)
        assert result.created["mediation"] == 1
    finally:
        other.close()


def _registration_to_outcome(session: Session, staff: Actor, pool: dict[str, int]) -> None:
    parents = [
        MediationParentData(ParentRelation.MOTHER, "Anna", "Kowalska", D("1988-02-11"), "NL"),
        MediationParentData(ParentRelation.FATHER, "Piotr", "Kowalski", None, "PL"),
    ]
    d = med.register_request(
        session,
        staff,
        request(
            children=[
                ChildData(first_name="Ola", birth_date=D("2017-09-01")),
                ChildData(age=4),
            ],
            parents=parents,
            case_ref="2024-L2-00017",
        ),
    )
    assert d.ref == "M2024-001"
    assert d.status is MediationStatus.REQUESTED
    assert [c.age_at_request for c in d.children] == [6, 4]
    assert [p.display_name for p in d.parents] == ["Anna Kowalska", "Piotr Kowalski"]
    assert d.case is not None and (d.case.ref, d.case.country_name) == ("2024-L2-00017", "Polen")
    assert d.steps == {Step.EDIT, Step.START, Step.NOT_CONTINUE, Step.ASSIGN_MEDIATORS}

    d = med.start_mediation(session, staff, d.id, D("2024-02-20"))
    assert (d.status, d.started) == (MediationStatus.RUNNING, D("2024-02-20"))
    assigned = med.assign_mediators(session, staff, d.id, [pool["M. Jansen"], pool["K. Nowak"]])
    assert assigned.warnings == ()
    assert [m.name for m in assigned.detail.mediators] == ["M. Jansen", "K. Nowak"]
    d = med.record_intake(session, staff, d.id, Intake.SUITABLE)
    assert Step.OUTCOME in d.steps and d.status is MediationStatus.RUNNING
    d = med.add_child_interview(session, staff, d.id, D("2024-03-01"), 2)
    assert d.children_heard == 2
    d = med.record_outcome(session, staff, d.id, Outcome.MIRROR_AGREEMENT, D("2024-04-02"))
    assert (d.status, d.outcome, d.ended) == (
        MediationStatus.ENDED,
        Outcome.MIRROR_AGREEMENT,
        D("2024-04-02"),
    )
    assert d.steps == {Step.EDIT, Step.ADD_INTERVIEW, Step.OUTCOME}


def test_a_request_not_continued_gets_a_special_curator(session: Session, staff: Actor) -> None:
    d = med.register_request(session, staff, request())
    d = med.not_continue(session, staff, d.id, "  Ouders willen na de regiezitting niet meer.  ")
    assert d.status is MediationStatus.NOT_STARTED
    assert d.not_started_reason == "Ouders willen na de regiezitting niet meer."
    assert d.curator_due and d.steps == {Step.EDIT, Step.REOPEN, Step.APPOINT_CURATOR}
    assert [r.ref for r in med.curator_reminders(session, staff)] == [d.ref]
    (row,) = med.list_mediations(session, staff)
    assert row.curator_due

    d = med.appoint_special_curator(session, staff, d.id, D("2024-02-15"))
    assert d.special_curator == D("2024-02-15") and not d.curator_due
    assert med.curator_reminders(session, staff) == []

    with pytest.raises(ValidationError, match="Heropen de aanvraag eerst"):
        med.start_mediation(session, staff, d.id, D("2024-03-01"))
    d = med.reopen_request(session, staff, d.id)
    assert d.status is MediationStatus.REQUESTED and d.not_started_reason is None
    assert d.special_curator == D("2024-02-15")  # the appointment happened
    d = med.start_mediation(session, staff, d.id, D("2024-03-01"))
    assert d.status is MediationStatus.RUNNING


# --- refusals ---------------------------------------------------------------------------

Build = Callable[[Session, Actor, dict[str, int]], int]


def _requested(s: Session, a: Actor, pool: dict[str, int]) -> int:
    return med.register_request(s, a, request()).id


def _not_started(s: Session, a: Actor, pool: dict[str, int]) -> int:
    return med.not_continue(s, a, _requested(s, a, pool), "geen reactie").id


def _running(s: Session, a: Actor, pool: dict[str, int]) -> int:
    return med.start_mediation(s, a, _requested(s, a, pool), D("2024-02-20")).id


def _suitable(s: Session, a: Actor, pool: dict[str, int]) -> int:
    return med.record_intake(s, a, _running(s, a, pool), Intake.SUITABLE).id


def _interviewed(s: Session, a: Actor, pool: dict[str, int]) -> int:
    return med.add_child_interview(s, a, _suitable(s, a, pool), D("2024-03-10"), 1).id


def _not_suitable(s: Session, a: Actor, pool: dict[str, int]) -> int:
    return med.record_intake(
        s, a, _running(s, a, pool), Intake.NOT_SUITABLE, ended=D("2024-03-01")
    ).id


def _ended(s: Session, a: Actor, pool: dict[str, int]) -> int:
    return med.record_outcome(
        s, a, _suitable(s, a, pool), Outcome.FULL_AGREEMENT, D("2024-04-01")
    ).id


Act = Callable[[Session, Actor, int, dict[str, int]], Any]

REFUSALS: list[tuple[str, Build, Act, str, str]] = [
    (
        "start after not continued",
        _not_started,
        lambda s, a, i, p: med.start_mediation(s, a, i, D("2024-03-01")),
        "status",
        "De aanvraag is niet voortgezet. Heropen de aanvraag eerst",
    ),
    (
        "start twice",
        _running,
        lambda s, a, i, p: med.start_mediation(s, a, i, D("2024-03-01")),
        "status",
        "De mediation is al gestart (op 2024-02-20).",
    ),
    (
        "start before the request",
        _requested,
        lambda s, a, i, p: med.start_mediation(s, a, i, D("2024-01-31")),
        "started",
        "2024-01-31 ligt vóór de aanvraagdatum 2024-02-01",
    ),
    (
        "not continued without a reason",
        _requested,
        lambda s, a, i, p: med.not_continue(s, a, i, "  "),
        "not_started_reason",
        "Geef de reden waarom de aanvraag niet wordt voortgezet.",
    ),
    (
        "not continued after the start",
        _running,
        lambda s, a, i, p: med.not_continue(s, a, i, "toch niet"),
        "status",
        "De mediation is al gestart",
    ),
    (
        "not continued twice",
        _not_started,
        lambda s, a, i, p: med.not_continue(s, a, i, "toch niet"),
        "status",
        "al geregistreerd als niet voortgezet",
    ),
    (
        "reopen an open request",
        _requested,
        lambda s, a, i, p: med.reopen_request(s, a, i),
        "status",
        "Alleen een niet-voortgezette aanvraag kan worden heropend.",
    ),
    (
        "curator while the request is open",
        _requested,
        lambda s, a, i, p: med.appoint_special_curator(s, a, i, D("2024-03-01")),
        "special_curator",
        "registreer eerst dat de aanvraag niet wordt voortgezet",
    ),
    (
        "curator before the request",
        _not_started,
        lambda s, a, i, p: med.appoint_special_curator(s, a, i, D("2024-01-01")),
        "special_curator",
        "2024-01-01 ligt vóór de aanvraagdatum 2024-02-01",
    ),
    (
        "intake before the start",
        _requested,
        lambda s, a, i, p: med.record_intake(s, a, i, Intake.SUITABLE),
        "intake",
        "De mediation is nog niet gestart; registreer eerst de start.",
    ),
    (
        "intake when not continued",
        _not_started,
        lambda s, a, i, p: med.record_intake(s, a, i, Intake.SUITABLE),
        "intake",
        "De aanvraag is niet voortgezet.",
    ),
    (
        "intake after the end",
        _ended,
        lambda s, a, i, p: med.record_intake(s, a, i, Intake.SUITABLE),
        "intake",
        "De mediation is al beëindigd.",
    ),
    (
        "not suitable without an end date",
        _running,
        lambda s, a, i, p: med.record_intake(s, a, i, Intake.NOT_SUITABLE),
        "ended",
        "Geef de einddatum",
    ),
    (
        "suitable with an end date",
        _running,
        lambda s, a, i, p: med.record_intake(s, a, i, Intake.SUITABLE, ended=D("2024-03-01")),
        "ended",
        "Een geschikte mediation loopt door",
    ),
    (
        "not suitable, ending before the start",
        _running,
        lambda s, a, i, p: med.record_intake(s, a, i, Intake.NOT_SUITABLE, ended=D("2024-02-19")),
        "ended",
        "einddatum 2024-02-19 ligt vóór de startdatum 2024-02-20",
    ),
    (
        "outcome without a start",
        _requested,
        lambda s, a, i, p: med.record_outcome(s, a, i, Outcome.NO_AGREEMENT, D("2024-04-01")),
        "outcome",
        "De mediation is nog niet gestart",
    ),
    (
        "outcome when not continued",
        _not_started,
        lambda s, a, i, p: med.record_outcome(s, a, i, Outcome.NO_AGREEMENT, D("2024-04-01")),
        "outcome",
        "De aanvraag is niet voortgezet.",
    ),
    (
        "outcome before the intake",
        _running,
        lambda s, a, i, p: med.record_outcome(s, a, i, Outcome.NO_AGREEMENT, D("2024-04-01")),
        "intake",
        "Registreer eerst de intake",
    ),
    (
        "outcome when not suitable",
        _not_suitable,
        lambda s, a, i, p: med.record_outcome(s, a, i, Outcome.FULL_AGREEMENT, D("2024-04-01")),
        "outcome",
        "niet geschikt na de intake en is zonder uitkomst beëindigd",
    ),
    (
        "outcome ending before the start",
        _suitable,
        lambda s, a, i, p: med.record_outcome(s, a, i, Outcome.NO_AGREEMENT, D("2024-02-01")),
        "ended",
        "einddatum 2024-02-01 ligt vóór de startdatum 2024-02-20",
    ),
    (
        "outcome ending before an interview",
        _interviewed,
        lambda s, a, i, p: med.record_outcome(s, a, i, Outcome.NO_AGREEMENT, D("2024-03-05")),
        "ended",
        "Er is een kindgesprek op 2024-03-10, na deze einddatum.",
    ),
    (
        "failure reasons with an agreement",
        _suitable,
        lambda s, a, i, p: med.record_outcome(
            s, a, i, Outcome.FULL_AGREEMENT, D("2024-04-01"), [FailureReason.EMOTIONS]
        ),
        "failure_reasons",
        'horen alleen bij "geen overeenkomst"',
    ),
    (
        "interview before the start",
        _requested,
        lambda s, a, i, p: med.add_child_interview(s, a, i, D("2024-03-01"), 1),
        "child_interviews",
        "Kindgesprekken zijn er in een gestarte mediation.",
    ),
    (
        "interview when not continued",
        _not_started,
        lambda s, a, i, p: med.add_child_interview(s, a, i, D("2024-03-01"), 1),
        "child_interviews",
        "De aanvraag is niet voortgezet.",
    ),
    (
        "interview without a child",
        _running,
        lambda s, a, i, p: med.add_child_interview(s, a, i, D("2024-03-01"), 0),
        "children",
        "In een kindgesprek wordt minstens één kind gehoord.",
    ),
    (
        "interview dated before the start",
        _running,
        lambda s, a, i, p: med.add_child_interview(s, a, i, D("2024-02-19"), 1),
        "date",
        "2024-02-19 ligt vóór de startdatum 2024-02-20",
    ),
    (
        "interview dated after the end",
        _ended,
        lambda s, a, i, p: med.add_child_interview(s, a, i, D("2024-04-02"), 1),
        "date",
        "2024-04-02 ligt na de einddatum 2024-04-01",
    ),
    (
        "more children heard than are three or older",
        _running,
        lambda s, a, i, p: med.add_child_interview(s, a, i, D("2024-03-01"), 2),
        "children",
        "2 kinderen gehoord, maar op 2024-03-01 is in deze mediation 1 kind 3 jaar of ouder",
    ),
    (
        "mediators when not continued",
        _not_started,
        lambda s, a, i, p: med.assign_mediators(s, a, i, [p["M. Jansen"]]),
        "mediators",
        "De aanvraag is niet voortgezet; er worden geen mediators toegewezen.",
    ),
    (
        "mediators after the end",
        _ended,
        lambda s, a, i, p: med.assign_mediators(s, a, i, [p["M. Jansen"]]),
        "mediators",
        "De mediation is beëindigd",
    ),
    (
        "an inactive mediator",
        _running,
        lambda s, a, i, p: med.assign_mediators(s, a, i, [p["E. Oud"]]),
        "mediators",
        "E. Oud is niet actief in de mediatorpool.",
    ),
    (
        "a mediator twice",
        _running,
        lambda s, a, i, p: med.assign_mediators(s, a, i, [p["K. Nowak"], p["K. Nowak"]]),
        "mediators",
        "bevat een mediator twee keer",
    ),
    (
        "a request date after the start",
        _running,
        lambda s, a, i, p: med.update_request(s, a, i, request("2024-03-01")),
        "started",
        "2024-02-20 ligt vóór de aanvraagdatum 2024-03-01",
    ),
    (
        "a request without children",
        _requested,
        lambda s, a, i, p: med.update_request(s, a, i, request(children=[])),
        "children",
        "registreer minstens één kind",
    ),
    (
        "removing the child that was heard",
        _interviewed,
        lambda s, a, i, p: med.update_request(
            s, a, i, request(children=[ChildData(birth_date=D("2023-01-01"))])
        ),
        "child_interviews[0].children",
        "1 kind gehoord, maar op 2024-03-10 is in deze mediation geen kind 3 jaar of ouder",
    ),
]


@pytest.mark.parametrize(
    ("name", "build", "act", "field", "message"), REFUSALS, ids=[r[0] for r in REFUSALS]
)
def test_the_state_machine_refuses(
    session: Session,
    staff: Actor,
    pool: dict[str, int],
    name: str,
    build: Build,
    act: Act,
    field: str,
    message: str,
) -> None:
    mediation_id = build(session, staff, pool)
    before = med.get_mediation(session, staff, mediation_id)
    with pytest.raises(ValidationError) as info:
        act(session, staff, mediation_id, pool)
    assert info.value.field == field, info.value.message
    assert message in info.value.field_message, info.value.message
    assert med.get_mediation(session, staff, mediation_id) == before  # nothing changed


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        (request(children=[]), "children", "registreer minstens één kind"),
        (
            request(children=[ChildData(birth_date=D("2024-03-01"))]),
            "children[0].birth_date",
            "geboortedatum ligt na de aanvraagdatum",
        ),
        (
            request(children=[ChildData(birth_date=D("2015-01-01"), age=9)]),
            "children[0].age",
            'geef "birth_date" óf "age", niet beide',
        ),
        (
            request(parents=[MediationParentData(ParentRelation.MOTHER, country="XX")]),
            "parents[0].country",
            'onbekende landcode "XX"',
        ),
        (
            request(parents=[MediationParentData(ParentRelation.MOTHER)] * 3),
            "parents",
            "hoogstens 2 ouders per mediation",
        ),
        (request(case_ref="2024-L2-99999"), "case", 'Zaak "2024-L2-99999" bestaat niet.'),
    ],
    ids=["no child", "child born later", "birth date and age", "country", "parents", "case"],
)
def test_a_registration_is_refused(
    session: Session, staff: Actor, data: RequestData, field: str, message: str
) -> None:
    with pytest.raises(ValidationError) as info:
        med.register_request(session, staff, data)
    assert info.value.field == field, info.value.message
    assert message in info.value.field_message, info.value.message
    assert med.list_mediations(session, staff) == []


# --- the other steps ---------------------------------------------------------------------


def test_not_suitable_ends_the_mediation_without_outcome(
    session: Session, staff: Actor, pool: dict[str, int]
) -> None:
    d = med.get_mediation(session, staff, _not_suitable(session, staff, pool))
    assert (d.status, d.intake, d.outcome, d.ended) == (
        MediationStatus.ENDED,
        Intake.NOT_SUITABLE,
        None,
        D("2024-03-01"),
    )
    assert d.started == D("2024-02-20")  # it did start: counted among the started ones
    assert d.steps == {Step.EDIT, Step.ADD_INTERVIEW}


def test_an_outcome_can_be_corrected_and_reasons_are_kept_once(
    session: Session, staff: Actor, pool: dict[str, int]
) -> None:
    mid = _ended(session, staff, pool)
    d = med.record_outcome(
        session,
        staff,
        mid,
        Outcome.NO_AGREEMENT,
        D("2024-04-03"),
        [FailureReason.EMOTIONS, FailureReason.THIRD_PARTY_INFLUENCE, FailureReason.EMOTIONS],
    )
    assert d.outcome is Outcome.NO_AGREEMENT and d.ended == D("2024-04-03")
    assert d.failure_reasons == (FailureReason.EMOTIONS, FailureReason.THIRD_PARTY_INFLUENCE)


def test_interviews_are_added_and_removed(
    session: Session, staff: Actor, pool: dict[str, int]
) -> None:
    mid = _suitable(session, staff, pool)
    med.add_child_interview(session, staff, mid, D("2024-03-10"), 1)
    d = med.add_child_interview(session, staff, mid, D("2024-03-01"), 1)
    assert [iv.date for iv in d.interviews] == [D("2024-03-01"), D("2024-03-10")]
    d = med.remove_child_interview(session, staff, d.interviews[0].id)
    assert [iv.date for iv in d.interviews] == [D("2024-03-10")]
    with pytest.raises(NotFoundError):
        med.remove_child_interview(session, staff, 9999)


def test_withdrawing_a_special_curator(
    session: Session, staff: Actor, pool: dict[str, int]
) -> None:
    mid = _not_started(session, staff, pool)
    med.appoint_special_curator(session, staff, mid, D("2024-03-01"))
    d = med.appoint_special_curator(session, staff, mid, None)
    assert d.special_curator is None and d.curator_due


def test_update_request_replaces_children_and_parents(session: Session, staff: Actor) -> None:
    d = med.register_request(
        session, staff, request(parents=[MediationParentData(ParentRelation.MOTHER, "Anna")])
    )
    d = med.update_request(
        session,
        staff,
        d.id,
        request(
            "2024-01-15",
            kind=MediationKind.NIKO,
            children=[ChildData(age=7), ChildData(age=9)],
            parents=[MediationParentData(ParentRelation.FATHER, "Jan", country="NL")],
        ),
    )
    assert (d.ref, d.kind, d.requested) == ("M2024-001", MediationKind.NIKO, D("2024-01-15"))
    assert [c.age_at_request for c in d.children] == [7, 9]
    assert [(p.relation, p.first_name, p.country) for p in d.parents] == [
        (ParentRelation.FATHER, "Jan", "NL")
    ]


def test_refs_count_per_request_year_and_follow_imported_ones(
    backend: Backend, bureau: As, staff: Actor
) -> None:
    with bureau.transaction() as session:
        refs = [
            med.register_request(session, staff, request(day)).ref
            for day in ("2024-02-01", "2024-05-01", "2025-01-03")
        ]
    assert refs == ["M2024-001", "M2024-002", "M2025-001"]
    backend.load(
        *R.USERS, R.MEDIATOR, R.MEDIATOR2, R.ABDUCTION_CASE, R.MEDIATION | {"ref": "M2024-999"}
    )
    with bureau.transaction() as session:
        assert med.register_request(session, staff, request()).ref == "M2024-1000"
        assert med.register_request(session, staff, request()).ref == "M2024-1001"


def test_a_missing_mediation_is_not_found(session: Session, staff: Actor) -> None:
    with pytest.raises(NotFoundError, match="bestaat niet"):
        med.get_mediation(session, staff, 42)
    with pytest.raises(NotFoundError, match=r'Mediation "M2024-404" bestaat niet\.'):
        med.get_mediation_by_ref(session, staff, "M2024-404")
    with pytest.raises(NotFoundError):
        med.start_mediation(session, staff, 42, D("2024-01-01"))
