"""Errors the user can fix read as plain Dutch; bugs get the crash dialog and the log."""

from __future__ import annotations

import errno
import logging

import pytest
from PySide6.QtWidgets import QMessageBox, QWidget
from pytestqt.qtbot import QtBot
from sqlalchemy.exc import OperationalError

from ikodesk.errors import ValidationError, WrongKeyError
from ikodesk.ui.common.messages import show_error, user_message
from ikodesk.ui.common.problems import humanize


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


def test_validation_messages_use_the_forms_words() -> None:
    message = (
        'ontbreekt: verplicht bij code "international_abduction" '
        "(een van: outgoing, incoming, abroad)"
    )
    assert (
        humanize(message) == "Ontbreekt: verplicht (een van: Uitgaand, Inkomend, Buiten Nederland)"
    )
    assert humanize("geboortedatum 2024-03-05 ligt na de openingsdatum 2024-01-02") == (
        "Geboortedatum 05-03-2024 ligt na de openingsdatum 02-01-2024"
    )
    assert humanize('verwacht "birth_date" of "age"') == 'Verwacht "geboortedatum" of "leeftijd"'
    # The mediation workflow's words: status and outcome labels, Dutch field names.
    assert humanize('alleen toegestaan bij outcome "no_agreement"') == (
        'Alleen toegestaan bij uitkomst "Geen overeenkomst"'
    )
    assert humanize('verplicht bij status "ended" (de einddatum)') == (
        'Verplicht bij status "Afgerond" (de einddatum)'
    )
    assert humanize("op 2024-04-10 is in deze mediation 1 kind 3 jaar") == (
        "Op 10-04-2024 is in deze mediation 1 kind 3 jaar"
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
