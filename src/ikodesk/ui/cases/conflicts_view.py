"""Conflict cases for the administrator and management: the conflict list and the review list.

References only, never dossier contents: the services give `ConflictInfo`
(two references, the reason in Dutch, when it was found, two flags). The
administrator decides on weak matches here (confirm: the two cases become a
walled pair; dismiss: not one family, the provisional wall is lifted), each
after a confirmation, by keyboard as well as by mouse. Until then a weak
match walls both cases provisionally, and the review list says so.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtGui import QBrush
from PySide6.QtWidgets import (
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ikodesk.models.enums import Action
from ikodesk.services.application import Application
from ikodesk.services.approvals import ApproverCredentials
from ikodesk.services.conflicts import ConflictInfo
from ikodesk.services.usecases.conflicts import ConflictLists
from ikodesk.ui.cases import conflict_badge
from ikodesk.ui.common.approval_dialog import ApprovalDialog
from ikodesk.ui.common.changes import CONFLICTS
from ikodesk.ui.common.messages import ask, show_error
from ikodesk.ui.common.tables import Index, ListModel, plain_table
from ikodesk.ui.common.titles import title_label
from ikodesk.ui.common.worker import AppJob
from ikodesk.ui.context import AppContext


def _when(info: ConflictInfo) -> str:
    return info.detected.strftime("%d-%m-%Y %H:%M")


class ConflictsModel(ListModel):
    """Conflict pairs: references, reason, when found, what needs attention."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.headers = [
            QCoreApplication.translate("ConflictsModel", "Zaak"),
            QCoreApplication.translate("ConflictsModel", "Andere zaak"),
            QCoreApplication.translate("ConflictsModel", "Gevonden"),
            QCoreApplication.translate("ConflictsModel", "Let op"),
            QCoreApplication.translate("ConflictsModel", "Reden"),
        ]

    @staticmethod
    def flags_text(info: ConflictInfo) -> str:
        flags = []
        if info.handover:
            flags.append(QCoreApplication.translate("ConflictsModel", "overdracht nodig"))
        if info.both_sides:
            flags.append(QCoreApplication.translate("ConflictsModel", "iemand zag beide kanten"))
        return "; ".join(flags)

    def cells(self, info: ConflictInfo) -> list[str]:
        return [info.cases[0], info.cases[1], _when(info), self.flags_text(info), info.reason]

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        info: ConflictInfo = self.items[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == 3:
                return self.flags_tooltip(info)
            if column == 4:
                return info.reason
        if role == Qt.ItemDataRole.ForegroundRole and column == 3:
            return QBrush(conflict_badge.FOREGROUND)
        return super().data(index, role)

    @staticmethod
    def flags_tooltip(info: ConflictInfo) -> str | None:
        tips = []
        if info.handover:
            tips.append(
                QCoreApplication.translate(
                    "ConflictsModel",
                    "Overdracht nodig: de behandelaar van een van beide zaken staat aan de "
                    "andere kant van de muur (bijvoorbeeld na een import). Wijs de zaak toe "
                    "aan een andere behandelaar.",
                )
            )
        if info.both_sides:
            tips.append(
                QCoreApplication.translate(
                    "ConflictsModel",
                    "Iemand heeft beide dossiers ingezien voordat het conflict bekend was. "
                    "Die persoon blijft aan de kant die hij of zij het eerst zag.",
                )
            )
        return "\n\n".join(tips) or None


class ReviewModel(ListModel):
    """Weak matches waiting for the administrator's decision."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.headers = [
            QCoreApplication.translate("ReviewModel", "Zaak"),
            QCoreApplication.translate("ReviewModel", "Andere zaak"),
            QCoreApplication.translate("ReviewModel", "Gevonden"),
            QCoreApplication.translate("ReviewModel", "Punten"),
            QCoreApplication.translate("ReviewModel", "Reden"),
        ]

    def cells(self, info: ConflictInfo) -> list[str]:
        return [info.cases[0], info.cases[1], _when(info), str(info.score), info.reason]

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.ToolTipRole and index.isValid() and index.column() == 4:
            return self.items[index.row()].reason
        if role == Qt.ItemDataRole.TextAlignmentRole and index.isValid() and index.column() == 3:
            return int(Qt.AlignmentFlag.AlignCenter)
        return super().data(index, role)


class ConflictsPanel(QWidget):
    """The conflict list (admin, manager) and the review list (admin)."""

    loaded = Signal()
    decided = Signal(str)  # what was decided, as the status bar says it

    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.can_review = ctx.can(Action.CONFLICTS_REVIEW)
        self._loaded = False
        self._busy = False
        char = self.fontMetrics().averageCharWidth()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        intro = QLabel(
            self.tr(
                "Zaken van dezelfde familie waarin beide ouders advies vragen. Ze worden "
                "automatisch gevonden en afgeschermd: wie de ene zaak behandelt of heeft "
                "ingezien, kan de andere niet openen. Hier staan alleen de referenties, "
                "nooit de inhoud van de dossiers."
            )
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)

        self.conflicts_box = QGroupBox(self.tr("Conflictzaken"))
        cv = QVBoxLayout(self.conflicts_box)
        self.conflicts_model = ConflictsModel(self)
        self.conflicts_view = plain_table(self.conflicts_model, "conflicts", (15, 15, 18, 24), char)
        cv.addWidget(self.conflicts_view)
        # The whole reason of the current row (the column cuts it off; no mouse needed).
        self.conflict_detail = _detail_label("conflictDetail")
        cv.addWidget(self.conflict_detail)
        layout.addWidget(self.conflicts_box, 5)
        self.conflicts_view.selectionModel().currentRowChanged.connect(
            lambda *_a: self._show_detail(
                self.conflicts_view, self.conflicts_model, self.conflict_detail
            )
        )

        self.review_model = ReviewModel(self)
        self.review_view: QTableView | None = None
        self.review_box: QGroupBox | None = None
        if self.can_review:
            self.review_box = QGroupBox(self.tr("Te beoordelen"))
            rv = QVBoxLayout(self.review_box)
            hint = QLabel(
                self.tr(
                    "Zwakke overeenkomsten (bijvoorbeeld alleen namen, geen geboortedata). "
                    "Tot u beslist staat er een voorlopige muur: wie de ene zaak behandelt "
                    "of heeft ingezien, kan de andere niet openen. Bevestig als het om "
                    "dezelfde familie gaat: de muur blijft dan staan, en dat kan niet "
                    "ongedaan worden gemaakt. Wijs af als het niet zo is: dan gaat de "
                    "voorlopige muur weg."
                )
            )
            hint.setWordWrap(True)
            hint.setStyleSheet("color: #595959;")
            rv.addWidget(hint)
            self.review_view = plain_table(self.review_model, "reviews", (15, 15, 18, 7), char)
            rv.addWidget(self.review_view)
            self.review_detail = _detail_label("reviewDetail")
            rv.addWidget(self.review_detail)
            buttons = QHBoxLayout()
            self.confirm_button = QPushButton(self.tr("Be&vestigen: zelfde familie…"))
            self.confirm_button.setObjectName("confirmReview")
            self.dismiss_button = QPushButton(self.tr("A&fwijzen: geen zelfde familie…"))
            self.dismiss_button.setObjectName("dismissReview")
            self.confirm_button.clicked.connect(self.confirm_selected)
            self.dismiss_button.clicked.connect(self.dismiss_selected)
            buttons.addWidget(self.confirm_button)
            buttons.addWidget(self.dismiss_button)
            buttons.addStretch(1)
            rv.addLayout(buttons)
            layout.addWidget(self.review_box, 3)
            self.review_view.selectionModel().currentRowChanged.connect(self._review_changed)

        bottom = QHBoxLayout()
        self.status = QLabel()
        self.status.setObjectName("conflictsStatus")
        self.status.setWordWrap(True)
        self.refresh_button = QPushButton(self.tr("Ver&nieuwen"))
        self.refresh_button.setObjectName("refreshConflicts")
        self.refresh_button.clicked.connect(self.refresh)
        bottom.addWidget(self.status, 1)
        bottom.addWidget(self.refresh_button)
        layout.addLayout(bottom)
        self._update_buttons()

    # -- loading ----------------------------------------------------------------------
    def activate(self) -> None:
        if not self._loaded:
            self._loaded = True
            self.refresh()

    def refresh(self) -> None:
        actor, review = self.ctx.actor, self.can_review

        self.ctx.worker.call(
            lambda app: app.conflicts.lists(actor, reviews=review),
            self._lists_loaded,
            lambda e: show_error(self, e),
            self,
        )

    def _lists_loaded(self, lists: ConflictLists) -> None:
        # What needs the administrator (a handover, someone on both sides) first, then
        # newest first as the service gives them.
        self.conflicts_model.set_items(
            sorted(lists.conflicts, key=lambda i: not (i.handover or i.both_sides))
        )
        if lists.conflicts:
            self.conflicts_view.setCurrentIndex(self.conflicts_model.index(0, 0))
        else:
            self.conflict_detail.clear()
        self.conflicts_box.setTitle(self.tr("Conflictzaken ({0})").format(len(lists.conflicts)))
        if lists.reviews is not None and self.review_box is not None:
            self.review_model.set_items(lists.reviews)
            self.review_box.setTitle(self.tr("Te beoordelen ({0})").format(len(lists.reviews)))
            if self.review_view is not None and lists.reviews:
                self.review_view.setCurrentIndex(self.review_model.index(0, 0))
            elif not lists.reviews:
                self.review_detail.setText(self.tr("Niets te beoordelen."))
        self._update_buttons()
        self.loaded.emit()

    def _review_changed(self) -> None:
        assert self.review_view is not None
        self._show_detail(self.review_view, self.review_model, self.review_detail)
        self._update_buttons()

    def _show_detail(self, view: QTableView, model: ListModel, label: QLabel) -> None:
        index = view.currentIndex()
        if not index.isValid() or index.row() >= model.rowCount():
            label.clear()
            return
        info: ConflictInfo = model.items[index.row()]
        text = self.tr("{0} en {1}: {2}.").format(info.cases[0], info.cases[1], info.reason)
        flags = ConflictsModel.flags_tooltip(info)
        if flags:
            text += "\n" + flags.replace("\n\n", " ")
        if info.provisional_wall:
            text += "\n" + self.tr(
                "Voorlopige muur: beide zaken zijn van elkaar afgeschermd tot u beslist."
            )
        label.setText(text)

    # -- deciding on weak matches -----------------------------------------------------
    def selected_review(self) -> ConflictInfo | None:
        if self.review_view is None:
            return None
        index = self.review_view.currentIndex()
        if not index.isValid() or index.row() >= self.review_model.rowCount():
            return None
        info: ConflictInfo = self.review_model.items[index.row()]
        return info

    def _update_buttons(self) -> None:
        if not self.can_review:
            return
        enabled = self.selected_review() is not None and not self._busy
        self.confirm_button.setEnabled(enabled)
        self.dismiss_button.setEnabled(enabled)

    def confirm_selected(self) -> QMessageBox | None:
        info = self.selected_review()
        if info is None:
            return None
        a, b = info.cases
        return self._ask(
            info,
            self.tr("Conflictzaak bevestigen"),
            self.tr(
                "Horen {0} en {1} bij dezelfde familie? Na bevestigen zijn de twee zaken "
                "een conflictzaak: de voorlopige muur blijft staan, wie de ene behandelt "
                "of heeft ingezien, kan de andere niet openen. Dit kan niet ongedaan "
                "worden gemaakt."
            ).format(a, b),
            confirm=True,
        )

    def dismiss_selected(self) -> QMessageBox | None:
        info = self.selected_review()
        if info is None:
            return None
        a, b = info.cases
        return self._ask(
            info,
            self.tr("Overeenkomst afwijzen"),
            self.tr(
                "Horen {0} en {1} niet bij dezelfde familie? Na afwijzen verdwijnt de "
                "overeenkomst van de lijst en gaat de voorlopige muur weg: beide zaken "
                "zijn dan weer voor iedereen met toegang te openen. Alleen een sterke "
                "overeenkomst maakt er later nog een conflictzaak van."
            ).format(a, b),
            confirm=False,
        )

    def _ask(self, info: ConflictInfo, title: str, text: str, *, confirm: bool) -> QMessageBox:
        def answered(button: QMessageBox.StandardButton) -> None:
            if button == QMessageBox.StandardButton.Yes:
                self._decide(info, confirm)

        # No is the default: walls only go up, a confirmation cannot be taken back.
        self.question = ask(
            self,
            title,
            text,
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            answered,
            QMessageBox.StandardButton.No,
        )
        return self.question

    def _decide(self, info: ConflictInfo, confirm: bool) -> None:
        actor, pair_id = self.ctx.actor, info.id
        a, b = info.cases
        if confirm:
            said = self.tr("Bevestigd: {0} en {1} zijn een conflictzaak (afgeschermd).").format(
                a, b
            )
        else:
            said = self.tr(
                "Afgewezen: {0} en {1} zijn geen zelfde familie; de voorlopige muur is weg."
            ).format(a, b)

        def job(app: Application) -> None:
            app.conflicts.confirm(actor, pair_id)

        def done(_r: Any) -> None:
            self._busy = False
            self.status.setStyleSheet("color: #1d5e20;")
            self.status.setText(said)
            self.decided.emit(said)
            self.refresh()

        if not confirm:
            # Lifting a wall: a second administrator approves at this moment (four eyes).
            def lift(creds: ApproverCredentials) -> AppJob:
                return lambda app: app.conflicts.dismiss(actor, pair_id, creds)

            self.approval = ApprovalDialog(
                self.ctx,
                self,
                QCoreApplication.translate(
                    "ConflictsPanel",
                    "Afwijzen: {0} en {1} zijn geen zelfde familie; de voorlopige muur gaat weg.",
                ).format(a, b),
                lift,
                changes=CONFLICTS,
            )
            self.approval.stored.connect(done)
            self.approval.open()
            return

        def failed(exc: BaseException) -> None:
            self._busy = False
            self._update_buttons()
            show_error(self, exc)
            self.refresh()  # someone else may have decided meanwhile

        self._busy = True
        self._update_buttons()
        self.ctx.worker.call(job, done, failed, owner=self, changes=CONFLICTS)


def _detail_label(name: str) -> QLabel:
    label = QLabel()
    label.setObjectName(name)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


class ConflictsPage(QWidget):
    """The conflict list as a page of its own (management has no Beheer page)."""

    decided = Signal(str)  # what was decided, for the status bar

    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        layout = QVBoxLayout(self)
        title = title_label(self.tr("Conflictzaken"))
        layout.addWidget(title)
        self.panel = ConflictsPanel(ctx)
        self.panel.decided.connect(self.decided)
        layout.addWidget(self.panel, 1)

    def activate(self) -> None:
        self.panel.activate()
