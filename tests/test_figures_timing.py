"""Issue #17: how early parents reach the centre, in the figures, the JSON and the report.

On both backends (`backend`: an encrypted file, the office server), read by a manager.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from ikodesk.models.enums import Role
from ikodesk.reports.annual import build_annual_report
from ikodesk.services import app_settings
from ikodesk.services.figures import compute_figures, figure_value, report_figures
from ikodesk.services.figures.counting import median_days
from tests.support import records as R
from tests.support.backends import As, Backend
from tests.support.office import ADMIN

WITHIN = "abduction.filed_within_one_year"
MEDIAN = "abduction.median_days_removal_to_opening"


def _case(
    n: int, opened: str, removal: str | None, started: str | None, **kw: Any
) -> dict[str, Any]:
    rec = R.case(ref=f"2024-L2-{n:05d}", opened=opened, closed=..., close_reason=..., **kw)
    if removal:
        rec["removal_date"] = removal
    if started:
        rec["proceedings_started"] = started
    return rec


@pytest.fixture
def timed(backend: Backend) -> As:
    """The backend with the cases below, as the manager who reads the figures."""
    third_party = {"kind": "professional", "organisation_type": "lawyer"}
    records = [
        *R.USERS,
        # Opened 10 days after the removal, filed on the last day of the year (29 Feb -> 28 Feb).
        _case(1, "2024-03-10", "2024-02-29", "2025-02-28"),
        # One day too late: 1 March 2025 is more than a year after 29 February 2024.
        _case(2, "2024-03-10", "2024-02-29", "2025-03-01"),
        # Opened 30 days after the removal, not filed.
        _case(3, "2024-04-30", "2024-03-31", None),
        # Opened 41 days after the removal, filed within the year.
        _case(4, "2024-05-11", "2024-03-31", "2024-06-01"),
        # No removal date: counts for neither.
        _case(5, "2024-06-01", None, None),
        # Not parent-requested, another code, another year: left out.
        _case(6, "2024-06-01", "2024-01-01", "2024-02-01", requester=third_party, taker="father"),
        _case(
            7,
            "2024-06-01",
            "2024-01-01",
            "2024-02-01",
            code="family_abduction",
            taker="family_member",
        ),
        _case(8, "2023-06-01", "2023-01-01", "2023-02-01"),
    ]
    backend.load(*records)
    backend.add_users(("directie", Role.MANAGER))
    admin = backend.as_(ADMIN)
    with admin.transaction() as s:
        # No Line 1 calls in January here: the records count as complete only when said so
        # (issue #14's "registratie volledig vanaf").
        app_settings.set_records_complete_from(s, admin.actor, 2023)
    return backend.as_("directie")


def test_the_two_figures_count_parents_abduction_cases_of_the_year(timed: As) -> None:
    with timed.session() as s:
        figures = compute_figures(s, timed.actor, 2024)
    assert figure_value(figures, WITHIN) == 2
    # Days from removal to opening: 10, 10, 30, 41 -> median (10 + 30) / 2 = 20.
    assert figure_value(figures, MEDIAN) == 20
    assert json.loads(json.dumps(figures))["abduction"]["median_days_removal_to_opening"] == 20
    with timed.session() as s:
        older = compute_figures(s, timed.actor, 2023)
        empty = compute_figures(s, timed.actor, 2022)
    assert (figure_value(older, WITHIN), figure_value(older, MEDIAN)) == (1, 151)
    assert (figure_value(empty, WITHIN), figure_value(empty, MEDIAN)) == (0, None)


@pytest.mark.parametrize(
    ("days", "expected"),
    [([], None), ([5], 5), ([1, 2], 2), ([1, 4], 3), ([3, 1, 2], 2), ([0, 1, 2, 5], 2)],
)
def test_median_whole_days_half_away_from_zero(days: list[int], expected: int | None) -> None:
    assert median_days(days) == expected


@pytest.mark.slow
def test_the_annual_report_prints_them(timed: As, tmp_path: Path) -> None:
    with timed.session() as s:
        data = report_figures(s, timed.actor, 2024)
    result = build_annual_report(data, tmp_path / "jaar.pdf", generated_on=date(2025, 1, 10))
    text = " ".join(
        " ".join((page.extract_text() or "").split()) for page in PdfReader(result.path).pages
    )
    assert "Hoe vroeg ouders het centrum bereiken" in text
    assert "In 2 van de 5 IKO-zaken van ouders werd de teruggeleidingsprocedure" in text
    assert "lagen (mediaan) 20 dagen" in text
