"""What guards a case window against conflicts: told while typing, and closed when walled.

`FamilyWatch` asks the services (`conflicts.check_family`, on the worker) while
the case is typed whether it is a family the centre knows, by the rules of the
automatic detection; the notice shows above the form at once, and the handler
choice leaves out whoever stands on the other side. The form never learns
more than the notice: no names, no reference of a walled case.

`WallWatch` notices that the window's own case has become walled for its user
(a conflict found by someone's save, a handover after the typing check) and
has the window drop the personal data it shows and close.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QWidget

from ikodesk.errors import ServerUnavailable
from ikodesk.services import conflicts
from ikodesk.services.conflicts import FamilyMatch, FamilyNotice
from ikodesk.services.validation import CaseData
from ikodesk.ui.common.changes import OpChanges
from ikodesk.ui.common.messages import show_error
from ikodesk.ui.context import AppContext

CHECK_DELAY_MS = 500
NOTICE_STYLE = (
    "QWidget#familyNotice { background: #fff1d6; border: 1px solid #e0b050; border-radius: 4px; }"
    "QLabel { color: #5a3a00; }"
)


class FamilyNoticeBar(QWidget):
    """The notice above the form, with "Zaak openen" for the person's own earlier case."""

    open_requested = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("familyNotice")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)  # its own background
        self.setStyleSheet(NOTICE_STYLE)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 6)
        self.text = QLabel()
        self.text.setObjectName("familyNoticeText")
        self.text.setWordWrap(True)
        self.open_button = QPushButton(self.tr("Zaak &openen"))
        self.open_button.setObjectName("openFamilyCase")
        self.open_button.clicked.connect(self._open)
        layout.addWidget(self.text, 1)
        layout.addWidget(self.open_button)
        self.notice = FamilyNotice()
        self.hide()

    def show_notice(self, notice: FamilyNotice) -> None:
        self.notice = notice
        message = notice.message
        self.text.setText(QCoreApplication.translate("services", message) if message else "")
        if notice.ref:
            self.text.setText(self.text.text() + " (" + notice.ref + ")")
        self.open_button.setVisible(notice.case_id is not None)
        self.setVisible(notice.match is not FamilyMatch.NONE)

    def _open(self) -> None:
        if self.notice.case_id is not None:
            self.open_requested.emit(self.notice.case_id)


class FamilyWatch(QObject):
    """Checks the typed family after a pause, once it could match; shows what it may."""

    answered = Signal(object)  # the FamilyNotice shown

    def __init__(
        self,
        ctx: AppContext,
        bar: FamilyNoticeBar,
        record: Callable[[], tuple[CaseData | None, int | None]],
        exclude: Callable[[frozenset[str]], None],
        parent: QObject | None = None,
    ) -> None:
        """`record`: the typed record and the case id (None: not readable yet);
        `exclude`: applies the handlers to leave out."""
        super().__init__(parent)
        self.ctx = ctx
        self.bar = bar
        self.record = record
        self.exclude = exclude
        self.notice = FamilyNotice()
        self._asked: Any = None  # what the last question was about
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(CHECK_DELAY_MS)
        self._timer.timeout.connect(self.check)

    def schedule(self) -> None:
        self._timer.start()

    def check(self) -> None:
        self._timer.stop()
        data, case_id = self.record()
        if data is None or not conflicts.complete_enough(data):
            self._asked = None
            self._show(FamilyNotice())
            return
        key = _family_key(data)
        if key == self._asked:
            # The same family as asked last: the answer stands (another handler may have
            # been chosen meanwhile, so the choice is checked against it again).
            self.exclude(self.notice.excluded_handlers)
            return
        self._asked = key
        actor = self.ctx.actor

        def done(notice: FamilyNotice) -> None:
            if key == self._asked:
                self._show(notice)

        def failed(exc: BaseException) -> None:
            if key == self._asked:
                self._asked = None  # not answered: asked again at the next pause
            if not isinstance(exc, ServerUnavailable):  # the form's own line says that one
                show_error(None, exc)

        self.ctx.worker.call(
            lambda app: app.cases.check_family(actor, data, case_id), done, failed, owner=self.bar
        )

    def _show(self, notice: FamilyNotice) -> None:
        changed = notice != self.notice
        self.notice = notice
        self.bar.show_notice(notice)
        self.exclude(notice.excluded_handlers)
        if changed:
            self.answered.emit(notice)


def _family_key(data: CaseData) -> tuple[Any, ...]:
    """What the check looks at, to ask once per family typed (not per keystroke elsewhere)."""
    r, o = data.requester, data.other_parent
    person = (r.kind, r.relation, r.side, r.first_name, r.last_name, r.birth_date, r.phone, r.email)
    other = (o.relation, o.first_name, o.last_name, o.birth_date) if o else None
    kids = tuple((c.first_name, c.last_name, c.birth_date, c.age) for c in data.children)
    return (data.opened, person, other, kids)


class WallWatch(QObject):
    """Notices that the window's case is now walled for its user; then `walled` fires."""

    walled = Signal()

    def __init__(self, ctx: AppContext, window: QWidget, case_id: Callable[[], int | None]) -> None:
        super().__init__(window)
        self.ctx = ctx
        self.window = window
        self.case_id = case_id
        ctx.worker.changed.connect(self._data_changed)
        # Another workstation may have found the conflict: ask again when the window
        # comes to the front.
        window.installEventFilter(self)

    def _data_changed(self, changes: OpChanges) -> None:
        if changes.cases or changes.conflicts:
            self.check()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.window and event.type() == QEvent.Type.WindowActivate:
            self.check()
        return super().eventFilter(watched, event)

    def check(self) -> None:
        case_id = self.case_id()
        if case_id is None:
            return
        actor = self.ctx.actor

        def done(walled: bool) -> None:
            # Not when the window has closed meanwhile (a save that handed the case over
            # closes it itself, and says so).
            saving = bool(getattr(self.window, "_saving", False))  # its answer will tell
            if walled and self.case_id() == case_id and self.window.isVisible() and not saving:
                self.walled.emit()

        def failed(exc: BaseException) -> None:
            # The server gone: asked again at the next change or activation (and the
            # server keeps its walls itself); the form's own line says it is gone.
            if not isinstance(exc, ServerUnavailable):
                show_error(None, exc)

        self.ctx.worker.call(
            lambda app: app.cases.walled_for(actor, case_id), done, failed, owner=self.window
        )
