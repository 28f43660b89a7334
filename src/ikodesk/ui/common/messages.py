"""How errors reach the user: plain Dutch for what they can fix, a crash dialog for bugs."""

from __future__ import annotations

import errno
import logging
import sys
import traceback
from collections.abc import Callable
from types import TracebackType

import shiboken6
from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from ikodesk.errors import AccessDenied, IkodeskError, ServerUnavailable, ValidationError, fill
from ikodesk.services.failures import disk_full, known_failure, log_dir
from ikodesk.ui.common.problems import field_message

log = logging.getLogger(__name__)


def service_text(exc: IkodeskError) -> str:
    """A service's message in the language of the UI: its template translated, then filled.

    The services raise a Dutch template with parameters (ikodesk.errors); the template
    is the source text of the translation (context "services"), so no sentence is
    ever taken apart again here.
    """
    return fill(QCoreApplication.translate("services", exc.template), exc.params)


def user_message(exc: BaseException) -> str | None:
    """A plain sentence for an error the user can fix; None for a bug."""
    if isinstance(exc, ValidationError):
        # In a form the field is obvious; its message alone reads as a sentence.
        text = field_message(exc)
        return text[:1].upper() + text[1:] + "."
    if isinstance(exc, IkodeskError):
        return service_text(exc)
    # A damaged file, a database another program keeps locked: the services' words.
    failure = known_failure(exc)
    if failure is not None:
        return service_text(failure)
    if isinstance(exc, OSError) and exc.errno == errno.ENOSPC:
        return QCoreApplication.translate(
            "messages", "De schijf is vol. Maak ruimte vrij en probeer het opnieuw."
        )
    if isinstance(exc, PermissionError):
        return QCoreApplication.translate(
            "messages", "Geen toegang tot het bestand {0}. Kies een andere map."
        ).format(exc.filename or "")
    if disk_full(exc):
        return QCoreApplication.translate(
            "messages", "De schijf is vol. Maak ruimte vrij en probeer het opnieuw."
        )
    if isinstance(exc, OSError) and exc.filename:
        return QCoreApplication.translate(
            "messages", "Het bestand {0} kan niet worden gebruikt: {1}."
        ).format(exc.filename, exc.strerror or "")
    return None


def save_failed_text(exc: BaseException) -> str | None:
    """`user_message` for a save that failed; when the office server went away, also
    that nothing typed is lost (saving again tries again). None for a bug."""
    message = user_message(exc)
    if message is not None and isinstance(exc, ServerUnavailable):
        kept = QCoreApplication.translate(
            "messages", "Niet opgeslagen; uw invoer staat nog in dit venster."
        )
        return f"{kept} {message}"
    return message


def inform(
    parent: QWidget | None,
    title: str,
    text: str,
    icon: QMessageBox.Icon = QMessageBox.Icon.Information,
    on_close: Callable[[], None] | None = None,
) -> QMessageBox:
    """A non-blocking message box (no nested event loop)."""
    box = QMessageBox(icon, title, text, QMessageBox.StandardButton.Ok, parent)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.setWindowModality(Qt.WindowModality.WindowModal)
    if on_close is not None:
        box.finished.connect(lambda _result: on_close())
    box.open()
    return box


# The one open "server cannot be reached" box. While the office server is gone every
# screen's work fails alike (a list refreshing, a search, a clock): one box says so,
# however many jobs failed, and each later failure only brings it up to date.
_server_box: list[QMessageBox] = []


def _open_server_box() -> QMessageBox | None:
    while _server_box:
        box = _server_box[-1]
        if shiboken6.isValid(box) and box.isVisible():
            return box
        _server_box.pop()
    return None


def show_error(parent: QWidget | None, exc: BaseException) -> QMessageBox:
    """Show an error: its plain message, or the crash dialog when it is a bug."""
    message = user_message(exc)
    if message is None:
        return show_crash(parent, exc)
    if isinstance(exc, ServerUnavailable):
        box = _open_server_box()
        if box is not None:
            box.setText(message)
            return box
        box = inform(
            parent,
            QCoreApplication.translate("messages", "Niet gelukt"),
            message,
            QMessageBox.Icon.Warning,
        )
        _server_box.append(box)
        return box
    if isinstance(exc, AccessDenied):
        # The policy's own message (it never names what is behind a wall).
        title = QCoreApplication.translate("messages", "Geen toegang")
    else:
        title = QCoreApplication.translate("messages", "Niet gelukt")
    return inform(parent, title, message, QMessageBox.Icon.Warning)


def show_crash(parent: QWidget | None, exc: BaseException) -> QMessageBox:
    log.error(
        "unexpected error",
        exc_info=(type(exc), exc, exc.__traceback__),
    )
    text = QCoreApplication.translate(
        "messages",
        "Er ging iets mis in ikodesk. Uw gegevens zijn niet verloren, maar de laatste "
        "handeling is mogelijk niet uitgevoerd. Meld dit aan de beheerder; de details "
        "staan in het logbestand in {0}.",
    ).format(log_dir())
    box = QMessageBox(
        QMessageBox.Icon.Critical,
        QCoreApplication.translate("messages", "Onverwachte fout"),
        text,
        QMessageBox.StandardButton.Ok,
        parent,
    )
    box.setDetailedText("".join(traceback.format_exception_only(type(exc), exc)))
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.open()
    return box


def install_crash_handler() -> None:
    """Uncaught exceptions (bugs) go to the log and a crash dialog, never a bare traceback."""

    def hook(kind: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        if issubclass(kind, KeyboardInterrupt):
            sys.__excepthook__(kind, exc, tb)
            return
        if QApplication.instance() is None:
            sys.__excepthook__(kind, exc, tb)
            return
        message = user_message(exc)
        if message is not None:
            inform(
                None,
                QCoreApplication.translate("messages", "Niet gelukt"),
                message,
                QMessageBox.Icon.Warning,
            )
        else:
            show_crash(None, exc.with_traceback(tb))

    sys.excepthook = hook


def ask(
    parent: QWidget | None,
    title: str,
    text: str,
    buttons: QMessageBox.StandardButton,
    on_answer: Callable[[QMessageBox.StandardButton], None],
    default: QMessageBox.StandardButton = QMessageBox.StandardButton.NoButton,
) -> QMessageBox:
    """A non-blocking question; `on_answer(button)` runs when it is answered."""
    box = QMessageBox(QMessageBox.Icon.Question, title, text, buttons, parent)
    box.setObjectName("question")
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.setWindowModality(Qt.WindowModality.WindowModal)
    if default != QMessageBox.StandardButton.NoButton:
        box.setDefaultButton(default)

    def finished() -> None:
        clicked = box.clickedButton()
        answer = (
            box.standardButton(clicked)
            if clicked is not None
            else QMessageBox.StandardButton.Cancel
        )
        on_answer(answer)

    box.finished.connect(lambda _r: finished())
    box.open()
    return box
