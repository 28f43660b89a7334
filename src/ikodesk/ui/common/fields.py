"""Input fields the forms share: Dutch dates that may stay empty, countries by Dutch name."""

from __future__ import annotations

import re
import unicodedata
from datetime import date

from PySide6.QtCore import QEvent, QObject, QStringListModel, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QApplication,
    QCompleter,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QWidget,
)

from ikodesk.ui.common.texts import format_day
from ikodesk.ui.context import CountryInfo

_DATE = re.compile(r"\s*(\d{1,2})[-./ ](\d{1,2})[-./ ](\d{4})\s*")
_ISO_DATE = re.compile(r"\s*(\d{4})-(\d{2})-(\d{2})\s*")


def parse_dutch_date(text: str) -> date | None:
    """'5-3-2024', '05.03.2024' or '2024-03-05' as a date; ValueError when not a date."""
    if not text.strip():
        return None
    m = _DATE.fullmatch(text)
    if m:
        return date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
    m = _ISO_DATE.fullmatch(text)
    if m:
        return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    raise ValueError(text)


format_date = format_day  # dd-mm-jjjj (Qt-free, in ui.common.texts)


class DateField(QLineEdit):
    """A date typed as dd-mm-jjjj; may be empty (QDateEdit cannot)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setPlaceholderText(self.tr("dd-mm-jjjj"))
        self.setMaxLength(10)
        width = self.fontMetrics().horizontalAdvance("00-00-00000") + 24
        self.setMinimumWidth(width)
        self.setMaximumWidth(width + 40)

    def value(self) -> date | None:
        """The date, or None when empty; raises ValueError when it is not a date."""
        return parse_dutch_date(self.text())

    def set_value(self, d: date | None) -> None:
        self.setText(format_date(d))


def fold(text: str) -> str:
    """Lower case without diacritics: 'Curaçao' and 'curacao' compare equal."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c)).strip()


class CountryField(QWidget):
    """A country typed by its Dutch name (type-ahead), with an optional Hague badge."""

    changed = Signal()

    def __init__(
        self,
        countries: tuple[CountryInfo, ...],
        *,
        badge: bool = False,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._countries = countries
        self._by_name = {fold(c.name_nl): c for c in countries}
        self._by_name.update(
            {fold(c.name_en): c for c in countries if fold(c.name_en) not in self._by_name}
        )
        self._by_iso = {c.iso2: c for c in countries}
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.edit = QLineEdit()
        self.edit.setObjectName("country")
        self.edit.setPlaceholderText(self.tr("begin te typen: Polen, Turkije, …"))
        self._names = sorted((c.name_nl for c in countries), key=fold)
        model = QStringListModel(self._names, self)
        self.completer = QCompleter(model, self)
        self.completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.completer.setFilterMode(Qt.MatchFlag.MatchStartsWith)
        self.completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.completer.setMaxVisibleItems(12)
        self.edit.setCompleter(self.completer)
        # Tab in the open list: close it, complete what was typed and move on, as the
        # user expects from a type-ahead field (Qt would only close the list).
        popup = self.completer.popup()
        assert popup is not None  # QCompleter makes its default list on the first call
        popup.installEventFilter(self)
        layout.addWidget(self.edit, 1)
        self.badge = QLabel()
        self.badge.setObjectName("hagueBadge")
        self.badge.setVisible(badge)
        self._show_badge = badge
        self._on: date | None = None
        layout.addWidget(self.badge)
        self.setFocusProxy(self.edit)
        self.edit.textChanged.connect(self._text_changed)
        self.edit.editingFinished.connect(self.commit)

    def _text_changed(self) -> None:
        self._update_badge()
        self.changed.emit()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        popup = self.completer.popup()
        if (
            popup is not None
            and watched is popup
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() in (Qt.Key.Key_Tab, Qt.Key.Key_Backtab)
        ):
            popup.hide()
            self.commit()
            QApplication.sendEvent(
                self.edit, QKeyEvent(QEvent.Type.KeyPress, event.key(), event.modifiers())
            )
            return True
        return super().eventFilter(watched, event)

    def commit(self) -> None:
        """Complete a typed beginning to the first country it fits ("Mar" -> Marokko)."""
        text = self.edit.text().strip()
        if not text or self.country() is not None:
            return
        prefix = fold(text)
        match = next((n for n in self._names if fold(n).startswith(prefix)), None)
        if match is not None:
            self.edit.setText(match)

    def country(self) -> CountryInfo | None:
        text = self.edit.text().strip()
        if not text:
            return None
        found = self._by_name.get(fold(text))
        if found is None and len(text) == 2:
            found = self._by_iso.get(text.upper())
        return found

    def iso2(self) -> str | None:
        c = self.country()
        return c.iso2 if c else None

    def is_valid(self) -> bool:
        return not self.edit.text().strip() or self.country() is not None

    def set_iso2(self, iso2: str | None) -> None:
        c = self._by_iso.get(iso2 or "")
        self.edit.setText(c.name_nl if c else (iso2 or ""))

    def clear(self) -> None:
        self.edit.clear()

    def set_reference_date(self, day: date | None) -> None:
        self._on = day
        self._update_badge()

    def _update_badge(self) -> None:
        if not self._show_badge:
            return
        c = self.country()
        if c is None:
            self.badge.setText("")
            self.badge.setStyleSheet("")
            return
        day = self._on or date.today()
        if c.hague_party_on(day):
            since = (
                self.tr(" sinds {0}").format(format_date(c.hague_since)) if c.hague_since else ""
            )
            text = self.tr("HKOV-land{0}").format(since)
            style = "background:#e3f1e3; color:#1d5e20; border-radius:4px; padding:2px 6px;"
        elif c.hague_party:
            text = self.tr("nog geen HKOV-land op {0}").format(format_date(day))
            style = "background:#fff1d6; color:#7a4b00; border-radius:4px; padding:2px 6px;"
        else:
            text = self.tr("geen HKOV-land")
            style = "background:#fde4e4; color:#8a1c1c; border-radius:4px; padding:2px 6px;"
        if c.eu_member:
            text += self.tr(" · EU")
        self.badge.setText(text)
        self.badge.setStyleSheet(style)


def set_row_visible(form: QFormLayout, widget: QWidget, visible: bool) -> None:
    """Show or hide the form row of `widget` (or of the box that wraps it with its error)."""
    container = widget.parentWidget()
    if container is not None and form.indexOf(container) >= 0:
        form.setRowVisible(container, visible)
    elif form.indexOf(widget) >= 0:
        form.setRowVisible(widget, visible)
