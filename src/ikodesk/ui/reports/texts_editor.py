"""Rapportages › Teksten: the annual report's chapters a manager writes per year (issue #14).

One chapter at a time: its text for the year, saved through the service
(REPORT_TEXT_WRITE, audited). The previous year's text is offered as a start;
an empty text leaves the chapter out of the report.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ikodesk.models.enums import Action
from ikodesk.services.application import Application
from ikodesk.services.report_texts import ChapterText
from ikodesk.ui.common.messages import show_error
from ikodesk.ui.context import AppContext


class TextsEditor(QWidget):
    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.year: int | None = None
        self.texts: dict[str, ChapterText] = {}
        self.may_write = ctx.can(Action.REPORT_TEXT_WRITE)
        layout = QVBoxLayout(self)
        intro = QLabel(
            self.tr(
                "Teksten van het jaarverslag. Een leeg hoofdstuk komt niet in het rapport. "
                'Een lege regel begint een nieuwe alinea, een regel die met "- " begint is '
                "een opsommingsteken."
            )
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        row = QHBoxLayout()
        chapter_label = QLabel(self.tr("&Hoofdstuk"))
        self.chapter = QComboBox()
        self.chapter.setObjectName("chapter")
        chapter_label.setBuddy(self.chapter)
        self.chapter.currentIndexChanged.connect(lambda _i: self._show_chapter())
        row.addWidget(chapter_label)
        row.addWidget(self.chapter, 1)
        layout.addLayout(row)
        self.editor = QPlainTextEdit()
        self.editor.setObjectName("chapterText")
        self.editor.setTabChangesFocus(True)
        self.editor.setReadOnly(not self.may_write)
        layout.addWidget(self.editor, 1)
        buttons = QHBoxLayout()
        self.previous_button = QPushButton()
        self.previous_button.setObjectName("usePreviousText")
        self.previous_button.clicked.connect(self.use_previous)
        self.save_button = QPushButton(self.tr("Tekst op&slaan"))
        self.save_button.setObjectName("saveText")
        self.save_button.clicked.connect(self.save)
        for b in (self.previous_button, self.save_button):
            b.setVisible(self.may_write)
        buttons.addWidget(self.previous_button)
        buttons.addStretch(1)
        buttons.addWidget(self.save_button)
        layout.addLayout(buttons)
        self.status = QLabel()
        self.status.setObjectName("textStatus")
        self.status.setWordWrap(True)
        layout.addWidget(self.status)

    def load(self, year: int) -> None:
        self.year = year
        worker, actor = self.ctx.worker, self.ctx.actor

        def job(app: Application) -> list[ChapterText]:
            return app.reports.chapter_texts(actor, year)

        def done(texts: list[ChapterText]) -> None:
            if year != self.year:
                return
            current = self.chapter.currentData()
            self.texts = {t.chapter: t for t in texts}
            self.chapter.blockSignals(True)
            self.chapter.clear()
            for t in texts:
                mark = "" if t.text else self.tr(" (leeg)")
                self.chapter.addItem(t.title + mark, t.chapter)
            index = self.chapter.findData(current)
            self.chapter.setCurrentIndex(max(index, 0))
            self.chapter.blockSignals(False)
            self._show_chapter()

        worker.call(job, done, lambda e: show_error(self, e), owner=self)

    def _show_chapter(self) -> None:
        text = self.texts.get(self.chapter.currentData())
        if text is None or self.year is None:
            return
        self.editor.setPlainText(text.text)
        self.previous_button.setText(self.tr("Tekst van {0} overnemen").format(self.year - 1))
        self.previous_button.setEnabled(bool(text.previous))
        if text.changed_at is not None:
            self.status.setText(
                self.tr("Laatst gewijzigd op {0} door {1}.").format(
                    text.changed_at.strftime("%d-%m-%Y %H:%M"), text.changed_by
                )
            )
        elif text.previous:
            self.status.setText(
                self.tr("Nog geen tekst voor {0}; de tekst van {1} kan als begin dienen.").format(
                    self.year, self.year - 1
                )
            )
        else:
            self.status.setText(self.tr("Nog geen tekst voor {0}.").format(self.year))

    def use_previous(self) -> None:
        text = self.texts.get(self.chapter.currentData())
        if text is not None and text.previous:
            self.editor.setPlainText(text.previous)
            self.status.setText(
                self.tr("De tekst van {0} is overgenomen; pas hem aan en sla hem op.").format(
                    (self.year or 1) - 1
                )
            )

    def save(self) -> None:
        if self.year is None:
            return
        year, chapter = self.year, str(self.chapter.currentData())
        body = self.editor.toPlainText()
        worker, actor = self.ctx.worker, self.ctx.actor

        def job(app: Application) -> None:
            app.reports.save_chapter_text(actor, year, chapter, body)

        def done(_r: Any) -> None:
            self.load(year)
            self.status.setText(self.tr("Opgeslagen."))

        worker.call(job, done, lambda e: show_error(self, e), owner=self)
