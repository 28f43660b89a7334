"""The destruction register's run summary agrees with its counts: "1 zaak", "2 zaken".

No database: the register's PDF is printed from rows in memory (the rows from both backends
are tests/test_retention.py).
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest
from pypdf import PdfReader

from ikodesk.reports import destruction_register
from ikodesk.services.destruction_register import RegisterRow


def _row(run_id: int, cases: int, mediations: int, search_terms: int) -> RegisterRow:
    return RegisterRow(
        run_id=run_id,
        run_at=datetime(2025, 3, 1, 9, 30),
        as_of=date(2025, 3, 1),
        run_by="beheer",
        approved_by="tweede",
        counts={"prevention": cases, "mediation": mediations},
        cases=cases,
        mediations=mediations,
        search_terms=search_terms,
        refs_hash="0" * 64,
        periods={"prevention": 7, "mediation": 7},
    )


@pytest.mark.parametrize(
    ("counts", "summary"),
    [
        ((1, 1, 1), "1 zaak en 1 mediationverzoek geanonimiseerd; 1 bewaarde zoekterm uit"),
        ((2, 0, 3), "2 zaken en 0 mediationverzoeken geanonimiseerd; 3 bewaarde zoektermen uit"),
    ],
)
def test_a_runs_summary_agrees_with_its_counts(
    counts: tuple[int, int, int], summary: str, tmp_path: Path
) -> None:
    pdf = destruction_register.build([_row(1, *counts)], tmp_path / "register.pdf")
    text = " ".join(" ".join((p.extract_text() or "").split()) for p in PdfReader(pdf).pages)
    assert summary in text
