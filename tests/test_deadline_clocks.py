"""Issue #17: the clocks' date arithmetic and the Art. 35 check, without a database.

No database: pure functions of facts given here (the clocks read from both backends
are tests/test_deadlines.py).
"""

from __future__ import annotations

from datetime import date

import pytest

from ikodesk.models.enums import CaseCode, ClockKind, Direction
from ikodesk.services.deadlines import (
    ClockFacts,
    InForce,
    Reason,
    TreatyFacts,
    Urgency,
    add_years,
    clocks_of,
    convention_check,
    third_month_start,
    urgency,
)

D = date
ABDUCTION = CaseCode.INTERNATIONAL_ABDUCTION
POLAND = TreatyFacts("PL", True, D(1992, 11, 1), True, acceded=True)
GERMANY = TreatyFacts("DE", True, D(1990, 12, 1), True)
DENMARK = TreatyFacts("DK", True, D(1991, 7, 1), True)
TURKEY = TreatyFacts("TR", True, D(2000, 8, 1), False)
NL_SINCE = D(1990, 9, 1)


def _facts(**kw: object) -> ClockFacts:
    base: dict[str, object] = {"code": ABDUCTION, "direction": Direction.OUTGOING}
    base.update(kw)
    return ClockFacts(**base)  # type: ignore[arg-type]


def _due(facts: ClockFacts, country: TreatyFacts | None = None) -> dict[str, date]:
    return {
        c.kind.value + ("" if c.child is None else f"[{c.child}]"): c.due
        for c in clocks_of(facts, country)
    }


# --- add_years: 29 February and year ends -----------------------------------------


@pytest.mark.parametrize(
    ("day", "years", "expected"),
    [
        (D(2024, 3, 10), 1, D(2025, 3, 10)),
        (D(2024, 2, 29), 1, D(2025, 2, 28)),  # a year after 29 Feb is 28 Feb
        (D(2024, 2, 29), 4, D(2028, 2, 29)),  # in a leap year it stays 29 Feb
        (D(2023, 2, 28), 1, D(2024, 2, 28)),  # 28 Feb stays 28 Feb in a leap year
        (D(2024, 12, 31), 1, D(2025, 12, 31)),  # year end
        (D(2008, 2, 29), 16, D(2024, 2, 29)),  # 16th birthday in a leap year
        (D(2012, 2, 29), 16, D(2028, 2, 29)),
        (D(2009, 2, 28), 16, D(2025, 2, 28)),
        (D(2084, 2, 29), 16, D(2100, 2, 28)),  # 2100 is a common year
    ],
)
def test_add_years(day: date, years: int, expected: date) -> None:
    assert add_years(day, years) == expected


def test_age16_clock_per_child_with_leap_day_birthdays() -> None:
    facts = _facts(
        removal_date=D(2021, 3, 10),
        birth_dates=(D(2009, 2, 28), D(2008, 2, 29), None, D(2004, 2, 29)),
    )
    got = _due(facts)
    assert got["art4_age16[0]"] == D(2025, 2, 28)
    assert got["art4_age16[1]"] == D(2024, 2, 29)  # 2024 is a leap year: 29 Feb itself
    assert "art4_age16[2]" not in got  # birth date unknown: no clock
    # 16 on 29-02-2020, before the removal: the Convention no longer applied to this child.
    assert "art4_age16[3]" not in got
    # A birthday on the removal date itself is not after it either.
    assert _due(_facts(removal_date=D(2024, 5, 1), birth_dates=(D(2008, 5, 1),))) == {
        "art12_one_year": D(2025, 5, 1)
    }


def test_a_16th_birthday_on_29_february_falls_on_28_february_in_a_common_year() -> None:
    # 16 is a multiple of 4, so 16 years after a leap year is a leap year again, except
    # across a century that is not one: born 29-02-2084, 16 in 2100 (a common year).
    assert add_years(D(2084, 2, 29), 16) == D(2100, 2, 28)  # 2100 is a common year
    facts = _facts(removal_date=D(2099, 6, 1), birth_dates=(D(2084, 2, 29),))
    assert _due(facts)["art4_age16[0]"] == D(2100, 2, 28)


# --- each clock ---------------------------------------------------------------------


def test_art12_one_year_runs_until_proceedings_start() -> None:
    assert _due(_facts(removal_date=D(2024, 3, 10))) == {"art12_one_year": D(2025, 3, 10)}
    assert _due(_facts(removal_date=D(2024, 2, 29))) == {"art12_one_year": D(2025, 2, 28)}
    assert _due(_facts(removal_date=D(2023, 12, 31))) == {"art12_one_year": D(2024, 12, 31)}
    started = _facts(removal_date=D(2024, 3, 10), proceedings_started=D(2024, 4, 2))
    assert "art12_one_year" not in _due(started)


def test_art11_six_weeks_runs_until_the_first_instance_decision() -> None:
    facts = _facts(removal_date=D(2024, 3, 10), proceedings_started=D(2024, 4, 2))
    assert _due(facts, TURKEY) == {"art11_six_weeks": D(2024, 5, 14)}
    # Across a year end and through February of a leap year.
    assert _due(_facts(proceedings_started=D(2024, 12, 1)))["art11_six_weeks"] == D(2025, 1, 12)
    assert _due(_facts(proceedings_started=D(2024, 1, 31)))["art11_six_weeks"] == D(2024, 3, 13)
    assert _due(_facts(proceedings_started=D(2023, 1, 31)))["art11_six_weeks"] == D(2023, 3, 14)
    decided = _facts(proceedings_started=D(2024, 4, 2), decision_first_instance=D(2024, 5, 1))
    assert _due(decided) == {}


def test_art11_names_brussels_iib_between_two_eu_states() -> None:
    facts = _facts(proceedings_started=D(2024, 4, 2))
    (eu,) = clocks_of(facts, GERMANY)
    (hague,) = clocks_of(facts, TURKEY)
    assert "Brussel IIb" in eu.basis and "Brussel IIb" not in hague.basis
    assert "art. 11" in hague.basis


def test_brussels_iib_appeal_clock_only_between_eu_states_other_than_denmark() -> None:
    facts = _facts(
        proceedings_started=D(2024, 4, 2),
        decision_first_instance=D(2024, 5, 10),
        appeal_ready=D(2024, 12, 20),
    )
    assert _due(facts, GERMANY) == {"b2b_appeal_six_weeks": D(2025, 1, 31)}
    assert _due(facts, DENMARK) == {}
    assert _due(facts, TURKEY) == {}
    assert _due(facts, None) == {}
    abroad = _facts(appeal_ready=D(2024, 12, 20), direction=Direction.ABROAD)
    assert _due(abroad, GERMANY) == {}


def test_no_clock_without_its_date_nor_on_a_closed_or_other_case() -> None:
    assert clocks_of(_facts()) == []
    assert clocks_of(_facts(birth_dates=(D(2015, 1, 1),))) == []  # no removal: no age clock
    assert clocks_of(_facts(removal_date=D(2024, 3, 10), closed=D(2024, 5, 1))) == []
    contact = ClockFacts(CaseCode.INTERNATIONAL_CONTACT, removal_date=D(2024, 3, 10))
    assert clocks_of(contact) == []
    family = ClockFacts(CaseCode.FAMILY_ABDUCTION, removal_date=D(2024, 3, 10))
    assert [c.kind for c in clocks_of(family)] == [ClockKind.ART12_ONE_YEAR]


def test_clocks_come_soonest_first_with_their_basis_and_explanation() -> None:
    facts = _facts(removal_date=D(2024, 3, 10), birth_dates=(D(2008, 5, 1), None, D(2008, 4, 1)))
    clocks = clocks_of(facts)
    assert [(c.kind, c.child) for c in clocks] == [
        (ClockKind.ART4_AGE16, 2),
        (ClockKind.ART4_AGE16, 0),
        (ClockKind.ART12_ONE_YEAR, None),
    ]
    for c in clocks:
        assert c.basis.startswith("art.") and len(c.explanation) > 40
    assert clocks[0].days_left(D(2024, 3, 31)) == 1
    assert clocks[0].days_left(D(2024, 4, 3)) == -2


def test_days_left_across_a_year_end_and_a_leap_day() -> None:
    """Days are counted by the calendar: 31 December to 1 January is one day, and
    February of a leap year has 29 of them."""
    (one_year,) = clocks_of(_facts(removal_date=D(2024, 1, 1)))  # due 01-01-2025
    assert one_year.days_left(D(2024, 12, 31)) == 1
    assert one_year.days_left(D(2025, 1, 2)) == -1
    assert one_year.days_left(D(2024, 2, 28)) == 308  # 29-02-2024 counted
    # The appeal's six weeks through a leap February, and across a year end.
    appeal = _facts(decision_first_instance=D(2024, 1, 10), appeal_ready=D(2024, 1, 31))
    assert _due(appeal, GERMANY) == {"b2b_appeal_six_weeks": D(2024, 3, 13)}
    appeal = _facts(decision_first_instance=D(2023, 11, 1), appeal_ready=D(2023, 12, 31))
    assert _due(appeal, GERMANY) == {"b2b_appeal_six_weeks": D(2024, 2, 11)}


@pytest.mark.parametrize(
    ("days", "expected"),
    [
        (-3, Urgency.URGENT),
        (0, Urgency.URGENT),
        (7, Urgency.URGENT),
        (8, Urgency.SOON),
        (30, Urgency.SOON),
        (31, Urgency.CALM),
    ],
)
def test_urgency_colours(days: int, expected: Urgency) -> None:
    assert urgency(days) is expected


# --- the Art. 35 check (Art. 38 acceptance) -----------------------------------------


@pytest.mark.parametrize(
    ("deposit", "start"),
    [
        (D(2011, 4, 6), D(2011, 7, 1)),
        (D(1992, 8, 10), D(1992, 11, 1)),
        (D(2019, 10, 31), D(2020, 1, 1)),  # across the year end
        (D(2019, 12, 1), D(2020, 3, 1)),
        (D(2020, 11, 30), D(2021, 2, 1)),
    ],
)
def test_first_day_of_the_third_calendar_month(deposit: date, start: date) -> None:
    assert third_month_start(deposit) == start


def test_an_acceding_state_before_and_after_the_dutch_acceptance() -> None:
    accepted = TreatyFacts("PL", True, D(1992, 11, 1), True, True, D(1993, 3, 15))
    # In force between the two from 1 June 1993 (first day of the third month after).
    before = convention_check(accepted, NL_SINCE, Direction.OUTGOING, D(1993, 5, 31))
    after = convention_check(accepted, NL_SINCE, Direction.OUTGOING, D(1993, 6, 1))
    assert before is not None and after is not None
    assert (before.in_force, before.reason, before.since) == (
        InForce.NO,
        Reason.BEFORE_ACCEPTANCE,
        D(1993, 6, 1),
    )
    assert (after.in_force, after.since) == (InForce.YES, D(1993, 6, 1))
    # Before the state's own entry into force it was not in force at all.
    own = convention_check(accepted, NL_SINCE, Direction.INCOMING, D(1992, 10, 1))
    assert own is not None and own.reason is Reason.BEFORE_STATE


def test_an_acceding_state_without_a_known_dutch_acceptance_is_unknown_not_guessed() -> None:
    check = convention_check(POLAND, NL_SINCE, Direction.OUTGOING, D(2024, 3, 10))
    assert check is not None
    assert (check.in_force, check.reason) == (InForce.UNKNOWN, Reason.ACCEPTANCE_UNKNOWN)


def test_a_ratifying_state_counts_from_the_later_entry_into_force() -> None:
    check = convention_check(GERMANY, NL_SINCE, Direction.OUTGOING, D(1990, 11, 30))
    assert check is not None and check.in_force is InForce.NO
    check = convention_check(GERMANY, NL_SINCE, Direction.OUTGOING, D(1990, 12, 1))
    assert check is not None and (check.in_force, check.since) == (InForce.YES, D(1990, 12, 1))
    early = convention_check(TURKEY, NL_SINCE, Direction.INCOMING, D(1990, 8, 31))
    assert early is not None and early.reason is Reason.BEFORE_NETHERLANDS


def test_not_a_party_unknown_date_and_not_applicable() -> None:
    emirates = TreatyFacts("AE", False, None, False)
    check = convention_check(emirates, NL_SINCE, Direction.OUTGOING, D(2024, 1, 1))
    assert check is not None and (check.in_force, check.reason) == (InForce.NO, Reason.NOT_PARTY)
    serbia = TreatyFacts("RS", True, None, False)
    check = convention_check(serbia, NL_SINCE, Direction.OUTGOING, D(2024, 1, 1))
    assert check is not None and check.in_force is InForce.UNKNOWN
    assert convention_check(GERMANY, NL_SINCE, Direction.ABROAD, D(2024, 1, 1)) is None
    assert convention_check(GERMANY, NL_SINCE, Direction.OUTGOING, None) is None
    assert convention_check(None, NL_SINCE, Direction.OUTGOING, D(2024, 1, 1)) is None
