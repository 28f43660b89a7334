"""The annual report's totals agree with their numbers: "1 zaak is", "2 zaken zijn".

On both backends (`backend`: an encrypted file, the office server), read by a manager.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader

from ikodesk.models.enums import Role
from ikodesk.reports.annual import build_annual_report
from ikodesk.services.figures import report_figures
from tests.support import records as R
from tests.support.backends import Backend

LINE1 = {
    "type": "case",
    "ref": "2024-L1-00001",
    "line": 1,
    "code": "travel_consent",
    "opened": "2024-01-08",  # a Line 1 call in January: 2024's records are complete
    "handler": "tmeijer",
    "requester": {"kind": "parent", "relation": "mother"},
}
OPEN_LINE2 = R.case(closed=..., close_reason=...)  # opened 5 March 2024, still open


def _text(backend: Backend, tmp_path: Path, *records: dict[str, object]) -> str:
    backend.load(*R.USERS, *records)
    backend.add_users(("directie", Role.MANAGER))
    manager = backend.as_("directie")
    with manager.session() as s:
        data = report_figures(s, manager.actor, 2024)
    result = build_annual_report(data, tmp_path / "jaar.pdf", generated_on=date(2025, 1, 10))
    pages = PdfReader(result.path).pages
    return " ".join(" ".join((p.extract_text() or "").split()) for p in pages)


@pytest.mark.slow
def test_one_of_each_is_said_in_the_singular(backend: Backend, tmp_path: Path) -> None:
    text = _text(backend, tmp_path, LINE1, OPEN_LINE2)
    assert "In 2024 zijn er in totaal 2 zaken geregistreerd" in text
    assert "Daarvan was er 1 eerstelijnszaak met de code ‘toestemming vakantie’" in text
    assert "en werd er 1 nieuwe tweedelijnszaak geopend" in text
    assert "Van deze 1 tweedelijnszaak werden er 0 in hetzelfde jaar afgesloten" in text
    assert "1 zaak uit 2024 is meegenomen naar 2025 voor verdere behandeling; die telt" in text
    assert "1 eerstelijnszaken" not in text and "1 tweedelijnszaken" not in text
