"""Service messages are translated as templates with parameters, never rewritten (#12.4).

The services raise a Dutch template with named parameters (ikodesk.errors);
the desktop client translates the template and fills in the parameters; the
command line keeps printing the Dutch sentence.
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import QCoreApplication
from pytestqt.qtbot import QtBot
from sqlalchemy.orm import Session

from ikodesk.errors import AccessDenied, IkodeskError, InputError
from ikodesk.services import access, users
from ikodesk.services.access import Action
from ikodesk.services.actors import Actor
from ikodesk.services.application import Application
from ikodesk.storage import Database
from ikodesk.ui import i18n
from ikodesk.ui.common.messages import show_error, user_message
from ikodesk.ui.common.worker import DbWorker
from tests.ui.conftest import in_session


def _refusal(worker: DbWorker, fn: object) -> IkodeskError:
    def run(s: Session) -> IkodeskError:
        with pytest.raises(IkodeskError) as caught:
            fn(s)  # type: ignore[operator]
        return caught.value

    return in_session(worker, run)


@pytest.fixture
def english(qtbot: QtBot):  # type: ignore[no-untyped-def]
    assert i18n.apply_language("en") == "en"
    yield
    i18n.apply_language("nl")


def test_the_template_is_the_dutch_sentence_with_its_parameters() -> None:
    exc = InputError("Mogelijke conflictzaak {number} is al beoordeeld.", number=7)
    assert exc.message == str(exc) == "Mogelijke conflictzaak 7 is al beoordeeld."
    assert exc.template == "Mogelijke conflictzaak {number} is al beoordeeld."
    assert exc.params == {"number": 7}
    # A plain message (no parameters) is left as it is, braces included.
    assert InputError("verwacht een object {...}").message == "verwacht een object {...}"


def test_a_service_refusal_shows_in_dutch(
    qtbot: QtBot, db: Database, people: dict[str, Actor], worker: DbWorker
) -> None:
    worker.adopt_app(Application(db))
    student = people["tmeijer"]
    exc = _refusal(worker, lambda s: access.require(s, student, Action.USER_MANAGE))
    assert isinstance(exc, AccessDenied)
    assert user_message(exc) == exc.message
    assert exc.message.startswith("Geen toegang: uw rol (student) mag dit niet (")


def test_a_service_refusal_shows_in_english_when_the_ui_is_english(
    qtbot: QtBot, db: Database, people: dict[str, Actor], worker: DbWorker, english: None
) -> None:
    worker.adopt_app(Application(db))
    student, admin = people["tmeijer"], people["beheer"]
    refused = _refusal(worker, lambda s: access.require(s, student, Action.USER_MANAGE))
    text = user_message(refused) or ""
    assert text.startswith("No access: your role (student) may not do this ("), text
    # The CLI's text stays Dutch: only the desktop client translates.
    assert refused.message.startswith("Geen toegang")

    own = _refusal(worker, lambda s: users.set_active(s, admin, "beheer", False))
    assert user_message(own) == "You cannot deactivate your own account."
    box = show_error(None, own)
    qtbot.addWidget(box)
    assert box.text() == "You cannot deactivate your own account."
    assert box.windowTitle() == "Did not work"

    # A message with parameters: the template is translated, then filled in.
    missing = _refusal(worker, lambda s: users.get_user(s, "niemand"))
    assert user_message(missing) == 'User "niemand" does not exist.'
    assert QCoreApplication.translate("services", missing.template) != missing.template
