"""Issue #14: Afdrukken in the case window writes the same dossier PDF as `case print`."""

from __future__ import annotations

import os
from pathlib import Path

from pypdf import PdfReader
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from ikodesk.models import AuditEntry, Case
from ikodesk.services.actors import Actor
from ikodesk.storage import Database
from ikodesk.ui.common.worker import DbWorker
from ikodesk.ui.main_window import MainWindow
from tests.ui.conftest import in_session, make_ctx

REF = "2024-L2-00017"  # the abduction case of tests.support.records, handled by jdevries


def test_afdrukken_writes_the_dossier_pdf(
    qtbot: QtBot,
    sample_cases: Database,
    people: dict[str, Actor],
    worker: DbWorker,
    tmp_path: Path,
) -> None:
    window = MainWindow(make_ctx(worker, sample_cases, people["jdevries"], "J. de Vries"))
    qtbot.addWidget(window)
    window.show()
    # A new case has nothing to print yet.
    new = window.open_case(None)
    qtbot.waitUntil(lambda: new.handler.count() > 0)
    assert not new.print_button.isVisibleTo(new)
    new.close()

    case_id = in_session(worker, lambda s: s.scalar(select(Case.id).where(Case.ref == REF)))
    form = window.open_case(case_id)
    qtbot.waitUntil(lambda: form.ref == REF and not form.is_loading(), timeout=20_000)
    assert form.print_button.isVisibleTo(form)
    folder = os.environ.get("IKODESK_SHOTS")
    if folder:
        form.grab().save(str(Path(folder) / "zaak-afdrukken.png"))

    target = tmp_path / "dossier.pdf"
    form.print_dossier(target)
    qtbot.waitUntil(lambda: form.printed_path == target, timeout=30_000)
    assert "Dossier opgeslagen als PDF" in form.message.text()
    text = "\n".join(page.extract_text() or "" for page in PdfReader(target).pages)
    assert "Vertrouwelijk" in text and REF in text
    assert "Afgedrukt door J. de Vries op" in text and "Pagina 1 van 1" in text
    # Printed through the policy: audited like `case print`.
    printed = in_session(
        worker,
        lambda s: list(
            s.scalars(select(AuditEntry.object_ref).where(AuditEntry.action == "case.print"))
        ),
    )
    assert printed == [REF]
