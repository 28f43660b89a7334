"""Family matching without a database: names, keys, and verdicts on pairs of cases.

No database: pure functions (the server's own matching is tests/pg/test_family_match_sql.py).
"""

from __future__ import annotations

from datetime import date

import pytest

from ikodesk.models.enums import ParentSide
from ikodesk.services import family_match as fm
from ikodesk.services.family_match import (
    CaseProfile,
    ChildProfile,
    Name,
    PersonMatch,
    PersonProfile,
    Status,
)

OPENED = date(2024, 3, 1)


def person(
    first: str | None,
    last: str | None,
    born: str | None = None,
    relation: str | None = None,
    side: ParentSide | None = None,
) -> PersonProfile:
    return PersonProfile(
        Name.of(first, last), date.fromisoformat(born) if born else None, relation, side
    )


def child(
    first: str | None, last: str | None, born: str | None = None, age: int | None = None
) -> ChildProfile:
    return ChildProfile.of(first, last, date.fromisoformat(born) if born else None, age, OPENED)


def case(
    case_id: int,
    requester: PersonProfile,
    other: PersonProfile | None,
    *children: ChildProfile,
) -> CaseProfile:
    return CaseProfile(case_id, requester, other, tuple(children))


MOTHER = person("Anna", "Kowalska", "1988-02-11", "mother", ParentSide.LEFT_BEHIND)
FATHER = person("Piotr", "Kowalski", "1985-07-30", "father", ParentSide.TAKING)


def mother_case(*children: ChildProfile, other: PersonProfile | None = None) -> CaseProfile:
    return case(1, MOTHER, other or person("Piotr", "Kowalski", "1985-07-30", "father"), *children)


def father_case(*children: ChildProfile, other: PersonProfile | None = None) -> CaseProfile:
    return case(2, FATHER, other or person("Anna", "Kowalska", "1988-02-11", "mother"), *children)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Öztürk", "Ozturk"),
        ("ÖZTÜRK", "öztürk"),
        ("Çağan", "Cagan"),
        ("Łucja", "Lucja"),
        ("Yılmaz", "Yilmaz"),
        ("van den  Berg", "Van den berg"),
        ("El-Amrani", "el amrani"),
    ],
)
def test_fold_removes_case_diacritics_and_spacing(a: str, b: str) -> None:
    assert fm.fold(a) == fm.fold(b)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (("Anna", "Kowalska"), ("anna", "kowalska")),
        (("Anna", "Kowalska"), ("Anna", "Kowalska-Nowak")),  # double surname
        (("Anna", "Kowalska"), ("Anna", "Kowalski")),  # Polish female/male form
        (("Mehmet", "Öztürk"), ("Mehmet", "Ozturk")),
        (("Mohamed", "El Amrani"), ("Mohammed", "El Amrani")),
        (("Mohamed", "Benali"), ("Mohamed", "Ben Ali")),
        (("Anna Maria", "de Vries"), ("Maria Anna", "de Vries")),  # reordered first names
        (("Anna", "de Vries"), ("de Vries", "Anna")),  # first and last swapped
        (("Jan", "van den Berg"), ("Jan", "vandenberg")),
    ],
)
def test_names_that_are_the_same_person(a: tuple[str, str], b: tuple[str, str]) -> None:
    sim = fm.name_similarity(Name.of(*a), Name.of(*b))
    assert sim is not None and sim >= fm.NAME_ONLY_MATCH


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (("Anna", "de Vries"), ("Jan", "de Vries")),
        (("Anna", "de Vries"), ("Anna", "de Boer")),
        (("Piotr", "Kowalski"), ("Paweł", "Nowak")),
        (("Sanne", "Bakker"), ("Sophie", "Visser")),
    ],
)
def test_names_of_different_people(a: tuple[str, str], b: tuple[str, str]) -> None:
    sim = fm.name_similarity(Name.of(*a), Name.of(*b))
    assert sim is not None and sim < fm.NAME_ONLY_MATCH


def test_a_name_without_first_or_last_name_says_nothing() -> None:
    assert fm.name_similarity(Name.of(None, "Kowalska"), Name.of("Anna", "Kowalska")) is None


@pytest.mark.parametrize(
    ("a", "b"),
    [("mohamed", "mohammed"), ("kowalska", "kowalski"), ("anna", "ana"), ("youssef", "yusuf")],
)
def test_spelling_variants_share_a_sound_key(a: str, b: str) -> None:
    assert fm.skeleton(a) == fm.skeleton(b)


def test_persons_with_the_same_birth_date_and_name_are_one_person() -> None:
    a = person("anna", "KOWALSKA", "1988-02-11", "mother")
    assert fm.compare_persons(MOTHER, a) is PersonMatch.STRONG
    assert fm.compare_persons(MOTHER, person("Anna", "Kowalska", None)) is PersonMatch.NAME
    assert fm.compare_persons(MOTHER, person("Anna", "Kowalska", "1988-02-12")) is (
        PersonMatch.DIFFERENT
    )
    assert fm.compare_persons(MOTHER, person("Anna", "Kowalska", None, "father")) is (
        PersonMatch.DIFFERENT
    )


def test_mirrored_cases_with_spelling_drift_are_a_conflict() -> None:
    a = mother_case(child("Ola", "Kowalska", "2017-09-01"), child(None, None, age=4))
    b = father_case(
        child("ola", "kowalska", "2017-09-01"),
        child(None, None, age=4),
        other=person("anna", "Kowalska-Nowak", "1988-02-11", "mother"),
    )
    verdict = fm.compare(a, b)
    assert verdict is not None and verdict.status is Status.CONFLICT
    assert "zelfde kinderen (1 van 2, geboortedatum en voornaam)" in verdict.reason
    assert "beide ouders over en weer genoemd (naam en geboortedatum)" in verdict.reason
    assert "tegengestelde kanten (achterblijvend en meenemend)" in verdict.reason
    assert fm.compare(b, a) is not None  # symmetric


def test_children_alone_with_opposite_sides_are_a_conflict() -> None:
    kids = (child("Zeynep", "Öztürk", "2016-04-04"), child("Emre", "Öztürk", "2019-10-10"))
    a = case(1, person("Elif", "Öztürk", None, "mother", ParentSide.LEFT_BEHIND), None, *kids)
    b = case(
        2,
        person("Mehmet", "Ozturk", None, "father", ParentSide.TAKING),
        None,
        child("zeynep", "OZTURK", "2016-04-04"),
        child("Emre", None, "2019-10-10"),
    )
    verdict = fm.compare(a, b)
    assert verdict is not None and verdict.status is Status.CONFLICT
    assert "zelfde kinderen (2 van 2, geboortedatum en voornaam)" in verdict.reason


def test_a_birth_date_missing_on_one_side_still_matches_by_name() -> None:
    a = mother_case(child("Ola", "Kowalska", "2017-09-01"))
    b = father_case(
        child("Ola", "Kowalska", None, age=6),
        other=person("Anna", "Kowalska", None, "mother"),
    )
    verdict = fm.compare(a, b)
    assert verdict is not None and verdict.status is Status.CONFLICT
    assert "naam; geboortedatum ontbreekt" in verdict.reason


def test_reordered_and_swapped_names_match() -> None:
    a = case(
        1,
        person("Anna Maria", "de Vries", "1990-01-01", "mother", ParentSide.POTENTIAL_LEFT_BEHIND),
        person("Jan", "Bakker", "1989-05-05", "father"),
        child("Lotte", "Bakker", "2020-02-02"),
    )
    b = case(
        2,
        person("Bakker", "Jan", "1989-05-05", "father", ParentSide.POTENTIAL_TAKING),
        person("Maria Anna", "de Vries", "1990-01-01", "mother"),
        child("Lotte", "Bakker", "2020-02-02"),
    )
    verdict = fm.compare(a, b)
    assert verdict is not None and verdict.status is Status.CONFLICT


def test_two_de_vries_families_are_not_one() -> None:
    a = case(
        1,
        person("Anna", "de Vries", "1985-03-03", "mother", ParentSide.LEFT_BEHIND),
        person("Jan", "de Vries", "1984-04-04", "father"),
        child("Sanne", "de Vries", "2015-05-05"),
        child("Daan", "de Vries", "2018-06-06"),
    )
    b = case(
        2,
        person("Pieter", "de Vries", "1979-07-07", "father", ParentSide.TAKING),
        person("Eva", "de Vries", "1981-08-08", "mother"),
        child("Noor", "de Vries", "2012-09-09"),
    )
    assert fm.compare(a, b) is None
    # Even a shared first name, without dates to compare, is not enough.
    c = case(
        3,
        person("Jan", "de Vries", None, "father", ParentSide.TAKING),
        person("Eva", "de Vries", None, "mother"),
        child("Sanne", "de Vries", None, age=2),
    )
    assert fm.compare(a, c) is None


def test_the_same_parent_asking_twice_is_not_a_conflict() -> None:
    again = case(3, person("anna", "kowalska", "1988-02-11", "mother", ParentSide.TAKING), None)
    assert fm.compare(mother_case(child("Ola", "Kowalska", "2017-09-01")), again) is None


def test_weak_evidence_goes_to_review() -> None:
    a = case(
        1,
        person("Anna", "Kowalska", None, "mother", ParentSide.LEFT_BEHIND),
        None,
        child("Ola", "Kowalska", None, age=6),
    )
    b = case(
        2,
        person("Piotr", "Kowalski", None, "father", ParentSide.TAKING),
        person("Anna", "Kowalska", None, "mother"),
        child("Ola", "Kowalska", None, age=6),
    )
    verdict = fm.compare(a, b)
    assert verdict is not None and verdict.status is Status.REVIEW
    assert verdict.reason.startswith("zwakke overeenkomst")


def test_parents_on_the_same_side_go_to_review_not_a_wall() -> None:
    b = case(
        2,
        person("Piotr", "Kowalski", "1985-07-30", "father", ParentSide.LEFT_BEHIND),
        person("Anna", "Kowalska", "1988-02-11", "mother"),
        child("Ola", "Kowalska", "2017-09-01"),
    )
    verdict = fm.compare(mother_case(child("Ola", "Kowalska", "2017-09-01")), b)
    assert verdict is not None and verdict.status is Status.REVIEW
    assert "dezelfde kant" in verdict.reason


def test_without_sides_both_parents_need_stronger_evidence() -> None:
    mother = person("Anna", "Kowalska", "1988-02-11", "mother")
    father = person("Piotr", "Kowalski", "1985-07-30", "father")
    kid = child("Ola", "Kowalska", "2017-09-01")
    strong = fm.compare(
        case(1, mother, person("Piotr", "Kowalski", "1985-07-30", "father"), kid),
        case(2, father, person("Anna", "Kowalska", "1988-02-11", "mother"), kid),
    )
    assert strong is not None and strong.status is Status.CONFLICT
    assert "beide ouders vragen advies" in strong.reason
    weak = fm.compare(
        case(1, mother, None, kid), case(2, father, person("Anna", "Kowalska", None, "mother"), kid)
    )
    assert weak is not None and weak.status is Status.REVIEW


def test_children_whose_ages_cannot_fit_rule_a_family_out() -> None:
    a = mother_case(child(None, None, age=2))
    b = father_case(child(None, None, age=12))
    verdict = fm.compare(a, b)
    # Both parents match by name and birth date, so an admin should look, but no wall.
    assert verdict is not None and verdict.status is Status.REVIEW
    assert "kinderen komen niet overeen" in verdict.reason
    only_children = fm.compare(
        case(1, MOTHER, None, *a.children), case(2, FATHER, None, *b.children)
    )
    assert only_children is None


def test_keys_block_on_date_and_sound_and_on_name_pairs() -> None:
    profile = case(
        1,
        person("Mohamed", "El Amrani", None, "father", ParentSide.TAKING),
        person("Fatima", "Benali", "1990-01-01", "mother"),
        child("Youssef", "El Amrani", "2018-03-03"),
    )
    keys = fm.match_keys(profile)
    assert (2, "dc:2018-03-03|ysf", False) in keys
    assert (1, "dp:1990-01-01|bnl", False) in keys
    assert (0, "np:amrn|mhmd", True) in keys
    assert (0, "np:elmrn|mhmd", True) in keys
    variant = case(
        2,
        person("Mohammed", "el-Amrani", None, "father"),
        None,
        child("Yusuf", "Amrani", "2018-03-03"),
    )
    shared = {k for _, k, _ in keys} & {k for _, k, _ in fm.match_keys(variant)}
    assert "dc:2018-03-03|ysf" in shared and "np:amrn|mhmd" in shared


def test_a_lone_name_gives_no_name_keys() -> None:
    lone = case(1, person("Anna", "de Vries", None, "mother"), None)
    assert fm.match_keys(lone) == set()


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("06-41393185", "0641393185"),
        ("+31 6 41393185", "06 4139 3185"),
        ("0031641393185", "06-41393185"),
    ],
)
def test_phone_numbers_are_normalised(a: str, b: str) -> None:
    assert fm.contact_keys(a, None) == fm.contact_keys(b, None) == {"t:0641393185"}


def test_a_shared_phone_number_identifies_a_parent_without_birth_date() -> None:
    """A lone name with an age only, but the same phone number: the demo's hardest pair."""
    said = PersonProfile(
        Name.of("Said", "El Amrani"),
        None,
        "father",
        ParentSide.LEFT_BEHIND,
        fm.contact_keys("06-41393185", None),
    )
    a = case(1, said, None, child(None, None, age=10))
    b = case(
        2,
        person("Sophie", "van Dijk", "1983-11-10", "mother", ParentSide.TAKING),
        PersonProfile(
            Name.of("Said", "El Amrani"), None, "father", None, fm.contact_keys("0641393185", None)
        ),
        child(None, None, age=10),
    )
    verdict = fm.compare(a, b)
    assert verdict is not None and verdict.status is Status.CONFLICT
    assert "aanvrager is de andere ouder in de andere zaak (telefoon of e-mail)" in verdict.reason
    assert {k for _, k, _ in fm.match_keys(a)} & {k for _, k, _ in fm.match_keys(b)} == {
        "dt:t:0641393185"
    }
    # Without the phone number only the name is left: an admin has a look.
    plain = fm.compare(
        case(
            1,
            person("Said", "El Amrani", None, "father", ParentSide.LEFT_BEHIND),
            None,
            child(None, None, age=10),
        ),
        case(
            2, b.requester, person("Said", "El Amrani", None, "father"), child(None, None, age=10)
        ),
    )
    assert plain is not None and plain.status is Status.REVIEW
