"""The status texts of the case and mediation windows, as pure functions without Qt.

`ui.mediation.workflow_texts` and `ui.cases.case_status` say in words what the
windows show; they are tested here without a QApplication, and a subprocess
checks that importing them loads no Qt at all.

No database: pure functions of the windows' states.
"""

from __future__ import annotations

import subprocess
import sys
from dataclasses import replace
from datetime import date

from ikodesk.models.enums import (
    FailureReason,
    Intake,
    MediationKind,
    MediationStatus,
    Outcome,
    ReferredBy,
)
from ikodesk.services.mediation import CURATOR_MIN_AGE, MediationDetail
from ikodesk.services.mediation.views import InterviewView, MediatorRef
from ikodesk.ui.cases.case_status import case_status_text
from ikodesk.ui.mediation.workflow_texts import NONE, interviews_text, workflow_texts

REQUESTED = MediationDetail(
    id=1,
    ref="M2024-001",
    kind=MediationKind.IKO,
    requested=date(2024, 3, 5),
    referred_by=None,
    status=MediationStatus.REQUESTED,
    started=None,
    not_started_reason=None,
    special_curator=None,
    intake=None,
    outcome=None,
    ended=None,
    failure_reasons=(),
    parents=(),
    children=(),
    mediators=(),
    interviews=(),
    case=None,
    curator_due=False,
    steps=frozenset(),
)


def test_importing_the_text_functions_loads_no_qt() -> None:
    code = (
        "import sys\n"
        "import ikodesk.ui.mediation.workflow_texts, ikodesk.ui.cases.case_status\n"
        "import ikodesk.ui.common.texts\n"
        "print(sorted(m for m in sys.modules if m.startswith('PySide6')))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[]"


def test_a_request_not_yet_saved() -> None:
    texts = workflow_texts(None)
    assert texts.hint.startswith("Sla de aanvraag op (Ctrl+S)")
    assert (texts.decision, texts.curator, texts.outcome) == (NONE, NONE, NONE)


def test_a_new_request_waits_for_a_decision() -> None:
    texts = workflow_texts(replace(REQUESTED, referred_by=ReferredBy.COURT))
    assert texts.hint == "Aangevraagd op 05-03-2024, verwezen door: rechtbank."
    assert texts.decision.startswith("Nog geen besluit")
    assert texts.curator == "Alleen bij een aanvraag die niet wordt voortgezet."
    assert not texts.curator_warning
    assert texts.mediators == "Nog geen mediators toegewezen."
    assert texts.intake == NONE
    assert texts.interviews == "Nog geen kindgesprekken."
    assert texts.outcome == NONE


def test_not_continued_with_a_curator_due_is_a_warning() -> None:
    d = replace(
        REQUESTED,
        status=MediationStatus.NOT_STARTED,
        not_started_reason="ouder wil niet",
        curator_due=True,
    )
    texts = workflow_texts(d)
    assert texts.decision == "Niet voortgezet: ouder wil niet"
    assert texts.curator.startswith("Nog te benoemen")
    assert f"{CURATOR_MIN_AGE} jaar" in texts.curator
    assert texts.curator_warning
    appointed = workflow_texts(replace(d, curator_due=False, special_curator=date(2024, 4, 1)))
    assert appointed.curator == "Benoemd op 01-04-2024."
    assert appointed.curator_appointed and not appointed.curator_warning
    not_needed = workflow_texts(replace(d, curator_due=False))
    assert not_needed.curator.startswith("Niet nodig")


def test_a_running_mediation_with_mediators_and_interviews() -> None:
    d = replace(
        REQUESTED,
        status=MediationStatus.RUNNING,
        started=date(2024, 3, 10),
        intake=Intake.SUITABLE,
        mediators=(
            MediatorRef(1, "A. Jansen", True, ("nl",), True),
            MediatorRef(2, "B. Peters", False, ("nl",), False),
        ),
        interviews=(InterviewView(1, date(2024, 3, 20), 2), InterviewView(2, date(2024, 4, 2), 1)),
    )
    texts = workflow_texts(d)
    assert texts.decision == "Gestart op 10-03-2024."
    assert texts.mediators == "A. Jansen (CBFM), B. Peters (inactief)"
    assert texts.intake == "Geschikt."
    assert texts.interviews == "2 kindgesprekken, 3 kinderen gehoord."
    assert texts.outcome == "Nog geen uitkomst."
    assert workflow_texts(replace(d, intake=None)).intake == "Nog geen intake."


def test_an_ended_mediation() -> None:
    d = replace(
        REQUESTED,
        status=MediationStatus.ENDED,
        started=date(2024, 3, 10),
        intake=Intake.SUITABLE,
        outcome=Outcome.NO_AGREEMENT,
        ended=date(2024, 6, 1),
        failure_reasons=(FailureReason.EMOTIONS,),
    )
    texts = workflow_texts(d)
    assert texts.outcome == (
        "Geen overeenkomst, beëindigd op 01-06-2024. Redenen: te hoog opgelopen emoties."
    )
    unsuitable = replace(d, intake=Intake.NOT_SUITABLE, outcome=None, failure_reasons=())
    assert workflow_texts(unsuitable).intake == (
        "Niet geschikt: beëindigd op 01-06-2024, zonder uitkomst."
    )


def test_the_texts_go_through_translate_in_the_windows_context() -> None:
    asked: list[tuple[str, str]] = []

    def translate(context: str, text: str) -> str:
        asked.append((context, text))
        return text.upper()

    texts = workflow_texts(replace(REQUESTED, referred_by=ReferredBy.COURT), translate, "en")
    assert {context for context, _ in asked} == {"MediationWindow"}
    assert texts.mediators == "NOG GEEN MEDIATORS TOEGEWEZEN."
    assert "court" in texts.hint  # the domain labels in the asked language
    assert interviews_text(1, 1) == "1 kindgesprek, 1 kind gehoord."


def test_case_status_text() -> None:
    assert case_status_text(True, None, "") == "nog niet opgeslagen"
    assert case_status_text(False, None, "") == "open"
    assert case_status_text(False, date(2024, 3, 5), "advies gegeven") == (
        "gesloten op 05-03-2024 (advies gegeven)"
    )
    assert case_status_text(False, None, "", lambda c, t: f"{c}:{t}") == "CaseWindow:open"
