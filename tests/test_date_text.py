"""Issue #15, point 1: a typed date is read exactly, in every accepted form, or refused.

`ui.common.date_text` is what every date field of the client reads with (it is
Qt-free, so these tests need no window). The property tests type every valid
date in each accepted form and read it back; and whatever text the reader
accepts must be one of those forms of the date it returned: it never guesses.

No database: a pure function of the typed text.
"""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ikodesk.ui.common.date_text import TODAY_WORDS, DayRange, read_day, read_in_range

TODAY = date(2026, 12, 2)
DATES = st.dates(min_value=date(1000, 1, 1), max_value=date(9999, 12, 31))


def forms(d: date) -> list[str]:
    """Every way the field accepts `d`: d-m-jjjj and dd-mm-jjjj with - / ., ddmmjjjj, ISO."""
    out = []
    for sep in "-/.":
        out.append(f"{d.day}{sep}{d.month}{sep}{d.year:04d}")
        out.append(f"{d.day:02d}{sep}{d.month:02d}{sep}{d.year:04d}")
        out.append(f"{d.day}{sep}{d.month:02d}{sep}{d.year:04d}")
        out.append(f"{d.day:02d}{sep}{d.month}{sep}{d.year:04d}")
    out.append(f"{d.day:02d}{d.month:02d}{d.year:04d}")
    out.append(d.isoformat())
    return out


@given(DATES, st.sampled_from(range(len(forms(date(2024, 3, 5))))), st.booleans())
def test_every_valid_date_in_every_form_reads_back_as_itself(
    day: date, form: int, padded: bool
) -> None:
    text = forms(day)[form]
    if padded:
        text = f"  {text} "  # spaces around it, as pasted
    reading = read_day(text, TODAY)
    assert reading.problem is None, text
    assert reading.day == day, text


@given(st.text(alphabet="0123456789-/. vVtaodgy", max_size=12))
def test_what_is_read_is_exactly_one_of_the_accepted_forms(text: str) -> None:
    """No guessing: a text that yields a date is a today word or a form of that date."""
    reading = read_day(text, TODAY)
    if reading.day is None:
        return
    typed = text.strip()
    assert typed.casefold() in TODAY_WORDS or typed in forms(reading.day), text


@given(st.text(max_size=20))
def test_any_text_gives_a_date_a_problem_or_nothing(text: str) -> None:
    reading = read_day(text, TODAY)
    assert (reading.day is None) or (reading.problem is None)
    assert reading.empty == (not text.strip())


@pytest.mark.parametrize("text", ["v", "V", " v ", "vandaag", "t", "today"])
def test_v_is_today(text: str) -> None:
    assert read_day(text, TODAY).day == TODAY


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("5-3-24", "vier cijfers"),  # 1924 or 2024: refused, never guessed
        ("05-03-24", "vier cijfers"),
        ("050324", "vier cijfers"),
        ("5-3-202", "vier cijfers"),
        ("5032024", "twee cijfers voor dag en maand"),
        ("31-02-2024", "dag 31 bestaat niet: deze maand heeft 29 dagen"),
        ("29-02-2023", "dag 29 bestaat niet: deze maand heeft 28 dagen"),
        ("05-13-2024", "maand 13 bestaat niet"),
        ("00-03-2024", "dag 0 bestaat niet"),
        ("5-3.2024", "geen datum"),  # two kinds of separator
        ("3/5/2024 12:00", "geen datum"),
        ("2024/03/05", "geen datum"),
        ("morgen", "geen datum"),
        ("05-03-20244", "geen datum"),
    ],
)
def test_what_cannot_be_read_exactly_is_refused_with_the_reason(text: str, problem: str) -> None:
    reading = read_day(text, TODAY)
    assert reading.day is None
    assert reading.problem is not None and problem in reading.problem


def test_the_bug_of_the_issue_is_gone() -> None:
    """'5-3-2024' and '05-03-2024' are the 5th of March 2024, not 05-12-3202 or 2026."""
    for text in ("5-3-2024", "05-03-2024", "05032024", "5/3/2024", "5.3.2024"):
        assert read_day(text, TODAY).day == date(2024, 3, 5), text


def test_a_plausible_range_says_which_rule_a_date_breaks() -> None:
    opening = DayRange(date(1990, 1, 1), latest_today=True)
    assert read_in_range("5-3-2024", TODAY, opening).day == date(2024, 3, 5)
    future = read_in_range("3-12-2026", TODAY, opening)
    assert future.day is None and future.problem == "03-12-2026 ligt in de toekomst"
    old = read_in_range("31-12-1989", TODAY, opening)
    assert old.problem == "31-12-1989 ligt vóór 01-01-1990: dat kan niet kloppen"
    child = DayRange(date(1900, 1, 1), date(2024, 3, 5), True, latest_what="de openingsdatum")
    after = read_in_range("6-3-2024", TODAY, child)
    assert after.problem == "06-03-2024 ligt na de openingsdatum 05-03-2024"
    closing = DayRange(date(2024, 3, 5), latest_today=True, earliest_what="de openingsdatum")
    before = read_in_range("4-3-2024", TODAY, closing)
    assert before.problem == "04-03-2024 ligt vóór de openingsdatum 05-03-2024"
    assert read_in_range("v", TODAY, opening).day == TODAY
    assert read_in_range("", TODAY, opening).empty
