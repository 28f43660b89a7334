"""The country field of every form: a country by any name people use for it, never a guess.

`services.country_names` reads the text (official Dutch and English names,
everyday names and abbreviations from the reference data, diacritics and case
ignored). While typing, a list shows the countries that fit; a text that
names one country exactly, or the beginning of only one, becomes that country
when the field is left (written back as its Dutch name, and said beside the
field while typing: "Engeland → Verenigd Koninkrijk"). A text that fits
several countries stays as typed and is reported with the choices, so the
user picks one: "Amer" is not Amerikaans-Samoa.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QEvent, QModelIndex, QObject, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QFocusEvent, QKeyEvent, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QApplication, QCompleter, QHBoxLayout, QLabel, QLineEdit, QWidget

from ikodesk.services.country_names import CountryMatch, CountryNames, aliases
from ikodesk.ui.common.date_field import ECHO_STYLE
from ikodesk.ui.common.texts import format_day
from ikodesk.ui.context import CountryInfo

ISO_ROLE = Qt.ItemDataRole.UserRole + 1
MAX_NAMED_CHOICES = 4
_BACK_IN_THE_FIELD = (
    Qt.FocusReason.TabFocusReason,
    Qt.FocusReason.BacktabFocusReason,
    Qt.FocusReason.MouseFocusReason,
    Qt.FocusReason.ShortcutFocusReason,
    Qt.FocusReason.OtherFocusReason,
)


class CountryField(QWidget):
    """A country typed by name, with what it understood and an optional Hague badge."""

    changed = Signal()
    # The field's own problem ("" when none): unknown, or several countries fit.
    problem_changed = Signal(str)

    def __init__(
        self,
        countries: tuple[CountryInfo, ...],
        *,
        badge: bool = False,
        unavailable: tuple[CountryInfo, ...] = (),
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._by_iso = {c.iso2: c for c in countries}
        self.names = CountryNames(
            ((c.iso2, c.name_nl, c.name_en) for c in countries),
            aliases(),
            ((c.iso2, c.name_nl, c.name_en) for c in unavailable),
        )
        self._problem = ""
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.edit = QLineEdit()
        self.edit.setObjectName("country")
        self.edit.setPlaceholderText(self.tr("begin te typen: Polen, Turkije, VS, …"))
        self.model = QStandardItemModel(self)
        self.completer = QCompleter(self.model, self)
        self.completer.setWidget(self.edit)
        self.completer.setCompletionMode(QCompleter.CompletionMode.UnfilteredPopupCompletion)
        self.completer.setMaxVisibleItems(12)
        self.completer.activated[QModelIndex].connect(self._chosen)  # type: ignore[index]
        # Tab in the open list: take the highlighted country or what was typed, and move
        # on (Qt would only close the list).
        popup = self.completer.popup()
        assert popup is not None  # QCompleter makes its default list on the first call
        popup.installEventFilter(self)
        self.edit.installEventFilter(self)
        layout.addWidget(self.edit, 1)
        self.echo = QLabel()
        self.echo.setObjectName("countryEcho")
        self.echo.setStyleSheet(ECHO_STYLE)
        layout.addWidget(self.echo)
        self.badge = QLabel()
        self.badge.setObjectName("hagueBadge")
        self.badge.setVisible(badge)
        self._show_badge = badge
        self._on: date | None = None
        layout.addWidget(self.badge)
        # Tab, a label's Alt+letter and setFocus() (the first problem) land in the line edit.
        self.setFocusProxy(self.edit)
        self.setFocusPolicy(self.edit.focusPolicy())
        self.edit.textChanged.connect(self._text_changed)
        self.edit.textEdited.connect(self._edited)
        self.edit.editingFinished.connect(self.commit)

    # -- reading -----------------------------------------------------------------------
    def match(self) -> CountryMatch:
        return self.names.match(self.edit.text())

    def country(self) -> CountryInfo | None:
        """The country typed: named exactly, or the only one whose name begins so."""
        found = self.match().unique
        return self._by_iso.get(found.iso2) if found is not None else None

    def iso2(self) -> str | None:
        c = self.country()
        return c.iso2 if c else None

    def is_valid(self) -> bool:
        return self.problem() is None

    def problem(self) -> str | None:
        """Why the text is no country (unknown, not offered here, several fit); None if it is."""
        if not self.edit.text().strip():
            return None
        m = self.match()
        if m.unique is not None:
            return None
        if m.unavailable is not None:
            return self.tr("{0} kan hier niet: vul het andere land in").format(m.unavailable)
        if m.ambiguous:
            names = [c.name for c in m.choices[:MAX_NAMED_CHOICES]]
            more = "; …" if len(m.choices) > MAX_NAMED_CHOICES else ""
            return self.tr("meerdere landen passen ({0}): kies er een uit de lijst").format(
                "; ".join(names) + more
            )
        return self.tr("onbekend land: kies een land uit de lijst")

    # -- writing -----------------------------------------------------------------------
    def set_iso2(self, iso2: str | None) -> None:
        c = self._by_iso.get(iso2 or "")
        self.edit.setText(c.name_nl if c else (iso2 or ""))
        self._announce(self.problem() or "")

    def clear(self) -> None:
        self.edit.clear()

    def commit(self) -> None:
        """Leaving the field: the country meant, by its Dutch name; or the problem said."""
        found = self.match().unique
        if found is not None and self.edit.text() != found.name:
            self.edit.setText(found.name)
        self._announce(self.problem() or "")

    def reveal_problem(self) -> None:
        """Sent back here as the first problem: a text that fits several countries
        shows them, to pick one with the arrow keys and Enter."""
        popup = self.completer.popup()
        if self.match().ambiguous and not (popup is not None and popup.isVisible()):
            self._fill_choices(self.match())
            self._show_choices()

    def set_reference_date(self, day: date | None) -> None:
        self._on = day
        self._update_badge()

    # -- behaviour ---------------------------------------------------------------------
    def _text_changed(self) -> None:
        self._update_echo()
        self._update_badge()
        if self._problem and self.problem() is None:
            self._announce("")  # valid again: the mark goes at once
        self.changed.emit()

    def _edited(self, text: str) -> None:
        """The user typed: list the countries that fit (none listed for an exact name)."""
        self._fill_choices(self.match())
        if self.model.rowCount() and text.strip():
            self._show_choices()
        else:
            self._hide_popup()

    def _show_choices(self) -> None:
        """Open the list with nothing highlighted: Tab takes a choice only when one was made
        (arrow keys), or when what was typed names one country."""
        self.completer.complete()
        popup = self.completer.popup()
        if popup is not None:
            popup.setCurrentIndex(QModelIndex())
            selection = popup.selectionModel()
            if selection is not None:
                selection.clearSelection()

    def _fill_choices(self, m: CountryMatch) -> None:
        self.model.clear()
        exact = m.exact is not None and self.edit.text().strip() == m.exact.name
        for choice in () if exact else m.choices:
            text = choice.name if choice.via is None else f"{choice.name} — {choice.via}"
            item = QStandardItem(text)
            item.setData(choice.iso2, ISO_ROLE)
            item.setEditable(False)
            self.model.appendRow(item)

    def _chosen(self, index: QModelIndex | QPersistentModelIndex) -> None:
        c = self._by_iso.get(str(index.data(ISO_ROLE)))
        if c is not None:
            self.edit.setText(c.name_nl)
        self._hide_popup()
        self._announce(self.problem() or "")

    def _hide_popup(self) -> None:
        popup = self.completer.popup()
        if popup is not None and popup.isVisible():
            popup.hide()

    def _announce(self, problem: str) -> None:
        if problem != self._problem:
            self._problem = problem
            self.problem_changed.emit(problem)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        popup = self.completer.popup()
        if (
            watched is self.edit
            and isinstance(event, QFocusEvent)
            and event.type() == QEvent.Type.FocusIn
            and event.reason() in _BACK_IN_THE_FIELD
            and self.match().ambiguous
        ):
            # Back in a field that fits several countries (by Tab, a click, its label's
            # Alt+letter, or sent there as the first problem): show them again. Not when
            # the window becomes active again, or the list itself closes.
            self._fill_choices(self.match())
            self._show_choices()
        if (
            popup is not None
            and watched is popup
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() in (Qt.Key.Key_Tab, Qt.Key.Key_Backtab)
        ):
            current = popup.currentIndex()
            if current.isValid():
                self._chosen(current)
            popup.hide()
            self.commit()
            QApplication.sendEvent(
                self.edit, QKeyEvent(QEvent.Type.KeyPress, event.key(), event.modifiers())
            )
            return True
        return super().eventFilter(watched, event)

    # -- what it understood, and the Hague badge ---------------------------------------
    def _update_echo(self) -> None:
        found = self.match().unique
        text = self.edit.text().strip()
        understood = found is not None and text != found.name
        self.echo.setText(f"→ {found.name}" if found is not None and understood else "")

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
            since = self.tr(" sinds {0}").format(format_day(c.hague_since)) if c.hague_since else ""
            text = self.tr("HKOV-land{0}").format(since)
            style = "background:#e3f1e3; color:#1d5e20; border-radius:4px; padding:2px 6px;"
        elif c.hague_party:
            text = self.tr("nog geen HKOV-land op {0}").format(format_day(day))
            style = "background:#fff1d6; color:#7a4b00; border-radius:4px; padding:2px 6px;"
        else:
            text = self.tr("geen HKOV-land")
            style = "background:#fde4e4; color:#8a1c1c; border-radius:4px; padding:2px 6px;"
        if c.eu_member:
            text += self.tr(" · EU")
        self.badge.setText(text)
        self.badge.setStyleSheet(style)
