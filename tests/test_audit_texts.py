"""Issue #15, point 10: counts in audit texts in Dutch ("1 record", "66.431 records").

The import's entry is read on both backends (`backend`: an encrypted file, the office server).
"""

from __future__ import annotations

from sqlalchemy import select

from ikodesk.models import AuditEntry
from ikodesk.services.conflicts import DetectionResult
from ikodesk.services.nlformat import counted
from tests.support import records as R
from tests.support.backends import Backend


def test_a_count_with_its_noun() -> None:
    assert counted(1, "record", "records") == "1 record"
    assert counted(0, "zaak", "zaken") == "0 zaken"
    assert counted(66431, "record", "records") == "66.431 records"
    assert counted(1_234_567, "zaak", "zaken") == "1.234.567 zaken"


def test_the_import_is_audited_in_dutch_counts(backend: Backend) -> None:
    backend.load(R.USERS[0])
    with backend.inspect() as s:
        detail = s.scalar(select(AuditEntry.detail).where(AuditEntry.action == "import"))
    assert detail == "1 record, 0 zaken nieuw, 0 bijgewerkt; 0 conflicten, 0 ter beoordeling"


def test_a_conflict_scan_says_one_conflict() -> None:
    assert DetectionResult([(1, 2)], [], 5).summary() == "1 conflict, 0 ter beoordeling"
    many = DetectionResult([(i, i + 1) for i in range(1200)], [(1, 3)], 9)
    assert many.summary() == "1.200 conflicten, 1 ter beoordeling"
