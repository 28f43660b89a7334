"""The one date field of every form: typed as the user says it, read exactly, shown back.

What it accepts is `ui.common.date_text` (``5-3-2024``, ``05.03.2024``,
``05032024``, ``v`` for today; never a two-digit year). Beside the field it
says what it understood ("di 5 maart 2024"); a text it cannot read exactly,
or a date outside the field's plausible range (`DayRange`), is reported by
`problem_changed` (the form shows it under the field) and never becomes a date.
Leaving the field writes a readable date back as dd-mm-jjjj.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from PySide6.QtCore import QCoreApplication, QDate, QLocale, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QSizePolicy, QWidget

from ikodesk.ui.common.date_text import ANY_DAY, DayRange, DayReading, read_day, read_in_range
from ikodesk.ui.common.texts import format_day

ECHO_STYLE = "color: #3d4a5c;"


def _translate(context: str, text: str) -> str:
    return QCoreApplication.translate(context, text)


def long_day(day: date) -> str:
    """A date as the field shows it understood: "di 5 maart 2024" (the UI's language)."""
    return QLocale().toString(QDate(day.year, day.month, day.day), "ddd d MMMM yyyy")


class DateField(QWidget):
    """A date that may stay empty (QDateEdit cannot), read exactly or reported.

    `limits`: the plausible dates (not in the future for an opening, from 1900
    for a birth date, ...); `today` is a function for the tests' sake.
    """

    textChanged = Signal(str)
    editingFinished = Signal()
    # The field's own problem in words ("" when there is none): the form shows it
    # under the field and marks the field, and clears both when it is "".
    problem_changed = Signal(str)

    def __init__(
        self,
        parent: QWidget | None = None,
        *,
        limits: DayRange = ANY_DAY,
        today: Callable[[], date] = date.today,
    ) -> None:
        super().__init__(parent)
        self.limits = limits
        self._today = today
        self._problem = ""  # the problem announced last
        self.edit = QLineEdit()
        self.edit.setPlaceholderText(self.tr("dd-mm-jjjj of v"))
        self.edit.setMaxLength(32)
        width = self.edit.fontMetrics().horizontalAdvance("00-00-00000") + 24
        self.edit.setFixedWidth(width)
        self.edit.setToolTip(
            self.tr("Bijvoorbeeld 5-3-2024, 05.03.2024 of 05032024; v is vandaag.")
        )
        self.echo = QLabel()
        self.echo.setObjectName("dateEcho")
        self.echo.setStyleSheet(ECHO_STYLE)
        self.echo.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.edit)
        layout.addWidget(self.echo, 1)
        # The field takes the keys in its line edit: Tab, a label's Alt+letter and
        # setFocus() all land there (a frame with no focus policy would ignore a buddy).
        self.setFocusProxy(self.edit)
        self.setFocusPolicy(self.edit.focusPolicy())
        self.edit.textChanged.connect(self._text_changed)
        self.edit.editingFinished.connect(self._finished)

    # -- names: the line edit carries the name (the keyboard and the tests find it) ------
    def set_name(self, name: str) -> None:
        """Name the field: its line edit gets `name`, the frame `name` + "Field"."""
        self.setObjectName(f"{name}Field")
        self.edit.setObjectName(name)

    # -- reading -----------------------------------------------------------------------
    def reading(self) -> DayReading:
        return read_in_range(self.edit.text(), self._today(), self.limits, _translate)

    def value(self) -> date | None:
        """The date, or None when empty; ValueError (with the reason) when it is no date."""
        reading = self.reading()
        if reading.problem is not None:
            raise ValueError(reading.problem)
        return reading.day

    def problem(self) -> str | None:
        """Why what was typed is no (plausible) date; None when it is one or empty."""
        return self.reading().problem

    def is_valid(self) -> bool:
        return self.reading().problem is None

    def understood(self) -> str:
        """What the field shows beside it: the date in words ("" when none)."""
        return self.echo.text()

    # -- the QLineEdit a form used to have --------------------------------------------
    def text(self) -> str:
        return self.edit.text()

    def setText(self, text: str) -> None:
        self.edit.setText(text)

    def clear(self) -> None:
        self.edit.clear()

    def set_value(self, day: date | None) -> None:
        self.edit.setText(format_day(day))
        self._announce(self.reading().problem or "")

    def set_limits(self, limits: DayRange) -> None:
        """Another plausible range (the opening date moved); re-checks what is typed."""
        self.limits = limits
        self._text_changed(self.edit.text(), emit=False)

    # -- behaviour ---------------------------------------------------------------------
    def _text_changed(self, text: str, emit: bool = True) -> None:
        reading = self.reading()
        self.echo.setText(long_day(reading.day) if reading.day is not None else "")
        if reading.problem is None:
            self._announce("")
        elif self._announced_while_typing(text):
            self._announce(reading.problem)
        if emit:
            self.textChanged.emit(text)

    def _announced_while_typing(self, text: str) -> bool:
        """A problem shows at once when the text is a whole date (or while not typing).

        "5-3-20" on its way to a date is not yet wrong; "31-02-2024" is.
        """
        if not self.edit.hasFocus():
            return True
        return read_day(text, self._today()).day is not None or bool(self._problem)

    def _finished(self) -> None:
        reading = self.reading()
        if reading.day is not None and self.edit.text() != format_day(reading.day):
            self.edit.setText(format_day(reading.day))  # "v" and "5-3-2024" as dd-mm-jjjj
        self._announce(reading.problem or "")
        self.editingFinished.emit()

    def _announce(self, problem: str) -> None:
        if problem != self._problem:
            self._problem = problem
            self.problem_changed.emit(problem)
