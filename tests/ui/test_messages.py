"""Errors the user can fix read as plain Dutch; bugs get the crash dialog and the log."""

from __future__ import annotations

import errno
import logging
from datetime import date

import pytest
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget
from pytestqt.qtbot import QtBot
from sqlalchemy.exc import OperationalError

from ikodesk.errors import FieldProblem, ValidationError, WrongKeyError
from ikodesk.models.enums import (
    CaseCode,
    FailureReason,
    Intake,
    MediationKind,
    MediationStatus,
    Outcome,
)
from ikodesk.services.validation import (
    CaseData,
    ChildData,
    InterviewData,
    MediationData,
    PersonData,
    case_rules,
    mediation_rules,
)
from ikodesk.ui import i18n
from ikodesk.ui.common.messages import show_error, user_message
from ikodesk.ui.common.problems import problem_text


def test_plain_messages_for_what_the_user_can_fix() -> None:
    assert user_message(WrongKeyError("De sleutel is onjuist.")) == "De sleutel is onjuist."
    assert "schijf is vol" in (user_message(OSError(errno.ENOSPC, "No space left")) or "")
    full = OperationalError("INSERT", {}, Exception("database or disk is full"))
    assert "schijf is vol" in (user_message(full) or "")
    assert "Geen toegang" in (user_message(PermissionError(13, "denied", "/x.db")) or "")
    assert user_message(ValidationError({"at": "ligt vóór de openingsdatum"})) == (
        "Ligt vóór de openingsdatum."
    )
    assert user_message(KeyError("bug")) is None


def _problem(problems: list[FieldProblem], field: str) -> FieldProblem:
    return next(p for p in problems if p.field == field)


def test_validation_messages_use_the_forms_words() -> None:
    """The services' template, its parameters in the form's words; the Dutch sentence of the
    command line is left as it was (#12.4: no regular expressions rewrite it)."""
    case = CaseData(
        ref=None,
        line=2,
        code=CaseCode.INTERNATIONAL_ABDUCTION,
        opened=date(2024, 1, 2),
        handler="jdevries",
        requester=PersonData(),
        children=[ChildData(birth_date=date(2024, 3, 5)), ChildData()],
        country="PL",
    )
    found = case_rules(case, {"PL"})
    direction = _problem(found, "direction")
    assert direction.message == (
        'ontbreekt: verplicht bij code "international_abduction" '
        "(een van: outgoing, incoming, abroad)"
    )
    # Next to the field the code is in view: the form's shorter template.
    assert problem_text(direction) == (
        "Ontbreekt: verplicht (een van: Uitgaand, Inkomend, Buiten Nederland)"
    )
    born = _problem(found, "children[0].birth_date")
    assert born.message == "geboortedatum 2024-03-05 ligt na de openingsdatum 2024-01-02"
    assert problem_text(born) == "Geboortedatum 05-03-2024 ligt na de openingsdatum 02-01-2024"
    either = _problem(found, "children[1].birth_date")
    assert problem_text(either) == 'Verwacht "geboortedatum" of "leeftijd"'

    # The mediation workflow's words: status and outcome labels, Dutch field names.
    mediation = MediationData(
        ref="M2024-001",
        kind=MediationKind.IKO,
        requested=date(2024, 1, 2),
        status=MediationStatus.ENDED,
        started=date(2024, 2, 1),
        intake=Intake.SUITABLE,
        outcome=Outcome.FULL_AGREEMENT,
        failure_reasons=[next(iter(FailureReason))],
        children=[ChildData(age=1)],
        child_interviews=[InterviewData(date(2024, 4, 10), 2)],
    )
    found = mediation_rules(mediation)
    assert problem_text(_problem(found, "failure_reasons")) == (
        'Alleen toegestaan bij uitkomst "Geen overeenkomst"'
    )
    ended = _problem(found, "ended")
    assert problem_text(ended) == 'Verplicht bij status "Afgerond" (de einddatum)'
    heard = _problem(found, "child_interviews[0].children")
    assert heard.message.startswith(
        "2 kinderen gehoord, maar op 2024-04-10 is in deze mediation geen kind 3 jaar"
    )
    assert problem_text(heard).startswith(
        "2 kinderen gehoord, maar op 10-04-2024 is in deze mediation geen kind 3 jaar"
    )


def test_validation_messages_are_translated(qtbot: QtBot) -> None:
    problem = FieldProblem(
        "closed",
        "sluitdatum {closed} ligt vóór de openingsdatum {opened}",
        closed=date(2024, 1, 1),
        opened=date(2024, 3, 5),
    )
    assert i18n.apply_language("en") == "en"
    try:
        assert problem_text(problem) == (
            "Closing date 01-01-2024 is before the opening date 05-03-2024"
        )
        # Outside a form (a message line), the services' parameters as they are.
        refused = ValidationError([problem])
        assert user_message(refused) == (
            "Closing date 2024-01-01 is before the opening date 2024-03-05."
        )
    finally:
        i18n.apply_language("nl")
    assert user_message(ValidationError([problem])) == (
        "Sluitdatum 2024-01-01 ligt vóór de openingsdatum 2024-03-05."
    )


def test_a_bug_gets_the_crash_dialog_and_goes_to_the_log(
    qtbot: QtBot, caplog: pytest.LogCaptureFixture
) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)
    with caplog.at_level(logging.ERROR, logger="ikodesk"):
        box = show_error(parent, KeyError("een bug"))
    assert box.icon() == QMessageBox.Icon.Critical
    assert "logbestand" in box.text() and "Traceback" not in box.text()
    assert any("unexpected error" in r.message for r in caplog.records)
    box.close()
    plain = show_error(parent, WrongKeyError("De sleutel is onjuist."))
    assert plain.icon() == QMessageBox.Icon.Warning and plain.text() == "De sleutel is onjuist."
    plain.close()


def test_a_busy_database_reads_as_busy_with_nothing_written(qtbot: QtBot) -> None:
    """Issue #11, point 16: "database is locked" is no crash, but "bezet"."""
    import sqlcipher3

    from ikodesk.errors import DatabaseBusy

    locked = OperationalError("INSERT", {}, sqlcipher3.OperationalError("database is locked"))
    for exc in (DatabaseBusy(), locked):
        message = user_message(exc) or ""
        assert "bezet" in message and "niets opgeslagen" in message
    parent = QWidget()
    qtbot.addWidget(parent)
    box = show_error(parent, DatabaseBusy())
    assert "bezet" in box.text() and box.icon() is QMessageBox.Icon.Warning
    box.close()


def test_while_the_office_server_is_gone_one_box_says_so(qtbot: QtBot) -> None:
    """Every screen's work fails alike when the server is gone (a list refreshing, a search,
    a clock): the user gets one box, brought up to date, not one per failed job."""
    from ikodesk.errors import ServerUnavailable
    from ikodesk.storage.server.connection import LOST, UNREACHABLE

    def visible() -> list[QMessageBox]:
        return [
            w
            for w in QApplication.topLevelWidgets()
            if isinstance(w, QMessageBox) and w.isVisible()
        ]

    first, second = QWidget(), QWidget()
    for w in (first, second):
        qtbot.addWidget(w)
        w.show()
    gone = ServerUnavailable(LOST, server="db.kantoor:6543/ikodesk")
    box = show_error(first, gone)
    assert show_error(second, gone) is box
    later = ServerUnavailable(UNREACHABLE, server="db.kantoor:6543/ikodesk", reason="weigert")
    assert show_error(first, later) is box
    assert "niet bereikbaar (weigert)" in box.text()
    assert len(visible()) == 1
    # Another kind of failure still gets its own box.
    other = show_error(first, WrongKeyError("De sleutel is onjuist."))
    assert other is not box and len(visible()) == 2
    other.close()
    # Once the user closed it, the next failure opens a box again.
    box.close()
    qtbot.waitUntil(lambda: not visible())
    again = show_error(second, gone)
    assert again.isVisible() and "verbroken" in again.text()
    again.close()
