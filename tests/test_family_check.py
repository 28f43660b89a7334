"""Issue #15, point 5: a conflict caught while typing, and nothing revealed to a prober.

`conflicts.check_family` answers the form as it is typed, by the rules of the
automatic detection, once the typed record could match at all. These tests
play both the jurist who types the other parent's dossier and the attacker who
types names to find a colleague's families. Every test runs on both backends
(`backend`; on the server the check is the server's ikodesk_family_check).
"""

from __future__ import annotations

import dataclasses

import pytest
from sqlalchemy import select

from ikodesk.errors import AccessDenied
from ikodesk.models import AuditEntry
from ikodesk.services import cases, conflicts
from ikodesk.services.conflicts import FamilyMatch, FamilyNotice, check_family
from ikodesk.services.validation import CaseData, parse_case
from tests.support import family as F
from tests.support import records as R
from tests.support.backends import Backend

MOTHER = F.MOTHER_REF  # Anna Kowalska, left behind; jdevries handles it
FATHER_NAMELESS = {"kind": "parent", "relation": "father"}


@pytest.fixture
def staff(backend: Backend) -> Backend:
    backend.load(*F.STAFF)
    return backend


@pytest.fixture
def db_family(staff: Backend) -> Backend:
    """The mother's case (Anna Kowalska, left behind), handled by jdevries."""
    staff.load(R.ABDUCTION_CASE)
    return staff


def _father(**changes: object) -> CaseData:
    """The father's dossier as a jurist types it (no reference yet)."""
    record = F.father_case(ref=..., **{"handler": "sbakker", **changes})
    data = parse_case({**record, "ref": "2024-L2-09999"})
    data.ref = None
    return data


def _check(b: Backend, username: str, data: CaseData, case_id: int | None = None) -> FamilyNotice:
    me = b.as_(username)
    with me.transaction() as s:
        return check_family(s, me.actor, data, case_id)


def _family_checks(b: Backend) -> list[tuple[str, str | None, str | None]]:
    with b.inspect() as s:
        rows = s.execute(
            select(AuditEntry.username, AuditEntry.object_ref, AuditEntry.detail)
            .where(AuditEntry.action == "case.family_check")
            .order_by(AuditEntry.id)
        )
        return [tuple(r) for r in rows]  # type: ignore[misc]


def test_the_other_parent_is_recognised_while_typed_and_its_handler_excluded(
    db_family: Backend,
) -> None:
    notice = _check(db_family, "sbakker", _father())
    assert notice.match is FamilyMatch.OTHER_SIDE
    assert notice.excluded_handlers == {"jdevries"}  # who handles the mother's case
    assert not notice.typist_excluded
    assert notice.case_id is None and notice.ref is None  # nothing of the other case
    assert notice.message.startswith("Mogelijk dezelfde familie als een zaak van een collega")
    assert _family_checks(db_family) == [
        ("sbakker", MOTHER, "tijdens het typen: mogelijk dezelfde familie")
    ]
    # Saving with a handler that is not excluded works, and walls as the notice said.
    sbakker = db_family.as_("sbakker")
    with sbakker.transaction() as s:
        case = cases.create_case(s, sbakker.actor, _father(), form=True)
    with sbakker.session() as s:
        assert conflicts.conflict_case_ids(s, [case.id]) == {case.id}


def test_the_same_jurist_typing_the_other_side_is_told_at_once(db_family: Backend) -> None:
    """The issue's jurist: handles the mother, types the father, learns it only on saving."""
    notice = _check(db_family, "jdevries", _father())
    assert notice.match is FamilyMatch.OTHER_SIDE and notice.typist_excluded
    assert "jdevries" in notice.excluded_handlers
    assert "die u behandelt of heeft ingezien" in notice.message


def test_whoever_has_opened_the_other_side_is_excluded_too(db_family: Backend) -> None:
    mjanssen, mother = db_family.as_("mjanssen"), db_family.case_id(MOTHER)
    with mjanssen.transaction() as s:
        cases.get_case(s, mjanssen.actor, mother)
    notice = _check(db_family, "sbakker", _father())
    assert notice.excluded_handlers == {"jdevries", "mjanssen"}


def test_the_same_father_again_is_a_second_case_of_the_same_person(staff: Backend) -> None:
    staff.load(F.FATHER_CASE)  # the father's case (kvisser), no mother's case here
    father = staff.case_id(F.FATHER_REF)
    again = _father(handler="mjanssen")
    notice = _check(staff, "mjanssen", again)  # a jurist on no side may open it: offered
    assert notice.match is FamilyMatch.SAME_PERSON
    assert (notice.case_id, notice.ref) == (father, F.FATHER_REF)
    assert notice.excluded_handlers == frozenset()
    assert notice.message == "Deze persoon heeft al een zaak: openen?"
    assert _family_checks(staff) == [
        ("mjanssen", F.FATHER_REF, "tijdens het typen: zelfde persoon heeft al een zaak")
    ]
    # Full name and a child's first name and birth date, without his own birth date.
    no_birth = dataclasses.replace(
        again, requester=dataclasses.replace(again.requester, birth_date=None)
    )
    assert _check(staff, "mjanssen", no_birth).match is FamilyMatch.SAME_PERSON
    # A student may not open a jurist's Line 2 case: told that it exists, not which.
    student = _check(staff, "tmeijer", again)
    assert student.match is FamilyMatch.SAME_PERSON
    assert student.case_id is None and student.ref is None
    assert student.message == "Deze persoon heeft al een zaak, die u niet kunt openen."
    # Editing the father's own case finds nothing new about himself.
    assert _check(staff, "kvisser", again, father).match is FamilyMatch.NONE


@pytest.mark.parametrize(
    "changes",
    [
        # A surname and the children's dates, no first name.
        {"requester": {"kind": "parent", "relation": "father", "last_name": "Kowalski"}},
        # A full name, but children without birth dates and no own birth date.
        {
            "requester": {
                "kind": "parent",
                "relation": "father",
                "first_name": "Piotr",
                "last_name": "Kowalski",
            },
            "children": [{"first_name": "Ola", "age": 6}],
        },
        # A few letters of each.
        {
            "requester": {
                "kind": "parent",
                "relation": "father",
                "first_name": "P",
                "last_name": "K",
            },
            "children": [{"first_name": "O", "birth_date": "2017-09-01"}],
        },
    ],
)
def test_fragments_are_never_answered_nor_audited(db_family: Backend, changes: dict) -> None:  # type: ignore[type-arg]
    typed = _father(other_parent=..., **changes)
    assert not conflicts.complete_enough(typed)
    assert _check(db_family, "sbakker", typed) == FamilyNotice()
    assert _family_checks(db_family) == []


def test_an_attacker_typing_guesses_learns_nothing_and_every_guess_is_audited(
    db_family: Backend,
) -> None:
    """Whole names with made-up children: no answer, but each complete guess is recorded."""
    guesses = [("Anna", "Kowalski", "2017-09-02"), ("Piotr", "Nowak", "2017-09-01")]
    for first, last, born in guesses:
        typed = _father(
            requester={
                "kind": "parent",
                "relation": "father",
                "first_name": first,
                "last_name": last,
            },
            other_parent=...,
            children=[{"first_name": "Kuba", "birth_date": born}],
        )
        assert _check(db_family, "sbakker", typed).match is FamilyMatch.NONE
    assert _family_checks(db_family) == [
        ("sbakker", None, "tijdens het typen: geen overeenkomst"),
        ("sbakker", None, "tijdens het typen: geen overeenkomst"),
    ]


def test_the_answer_carries_no_personal_data() -> None:
    fields = {f.name for f in dataclasses.fields(FamilyNotice)}
    assert fields == {"match", "excluded_handlers", "typist_excluded", "case_id", "ref"}


def test_roles_that_register_nothing_may_not_ask(db_family: Backend) -> None:
    for username in ("directie", "mediation", "beheer"):
        me = db_family.as_(username)
        with pytest.raises(AccessDenied), me.transaction() as s:
            check_family(s, me.actor, _father())
