"""Languages of the client: Dutch (the source strings) and English (Qt Linguist).

The Dutch UI needs no translation file at all. English comes from
`resources/i18n/ikodesk_en.qm`; when a source checkout has only the `.ts`,
it is compiled with pyside6-lrelease into the user's cache directory.
"""

from __future__ import annotations

import logging
import shutil
import subprocess
import sys
from enum import StrEnum
from pathlib import Path

import platformdirs
from PySide6.QtCore import QCoreApplication, QLocale, QSettings, QTranslator

from ikodesk.models.labels import label
from ikodesk.resources import resource_path

log = logging.getLogger(__name__)

LANGUAGES = {"nl": "Nederlands", "en": "English"}
SETTINGS_KEY = "ui/language"

_current = "nl"
_translators: list[QTranslator] = []


def settings() -> QSettings:
    return QSettings("ikodesk", "ikodesk")


def saved_language() -> str:
    value = settings().value(SETTINGS_KEY, "nl")
    return value if value in LANGUAGES else "nl"


def save_language(lang: str) -> None:
    settings().setValue(SETTINGS_KEY, lang if lang in LANGUAGES else "nl")


def current_language() -> str:
    return _current


def enum_label(member: StrEnum) -> str:
    """The label of a domain value in the UI's language."""
    return label(member, _current)


def _lrelease() -> str | None:
    found = shutil.which("pyside6-lrelease")
    if found:
        return found
    candidate = Path(sys.executable).with_name("pyside6-lrelease")
    return str(candidate) if candidate.exists() else None


def qm_file(lang: str) -> Path | None:
    """The compiled translation for `lang`, compiling the .ts when needed."""
    shipped = resource_path("i18n", f"ikodesk_{lang}.qm")
    source = resource_path("i18n", f"ikodesk_{lang}.ts")
    if shipped.is_file() and (
        not source.is_file() or shipped.stat().st_mtime >= source.stat().st_mtime
    ):
        return shipped
    if not source.is_file():
        return None
    cached = platformdirs.user_cache_path("ikodesk", appauthor=False) / f"ikodesk_{lang}.qm"
    if cached.is_file() and cached.stat().st_mtime >= source.stat().st_mtime:
        return cached
    tool = _lrelease()
    if tool is None:
        log.warning("no pyside6-lrelease to compile %s", source)
        return None
    cached.parent.mkdir(parents=True, exist_ok=True)
    try:
        subprocess.run(
            [tool, str(source), "-qm", str(cached)], check=True, capture_output=True, timeout=60
        )
    except (OSError, subprocess.SubprocessError):
        log.exception("compiling %s failed", source)
        return None
    return cached if cached.is_file() else None


def apply_language(lang: str) -> str:
    """Install the translators for `lang`; returns the language in effect."""
    global _current
    app = QCoreApplication.instance()
    assert app is not None
    for t in _translators:
        app.removeTranslator(t)
    _translators.clear()
    _current = "nl"
    QLocale.setDefault(QLocale(QLocale.Language.Dutch, QLocale.Country.Netherlands))
    if lang == "en":
        path = qm_file("en")
        translator = QTranslator(app)
        if path is not None and translator.load(str(path)):
            app.installTranslator(translator)
            _translators.append(translator)
            _current = "en"
            QLocale.setDefault(QLocale(QLocale.Language.English, QLocale.Country.UnitedKingdom))
    # Qt's own dialogs (buttons of message boxes, file dialogs) in the same language.
    qt_translator = QTranslator(app)
    from PySide6.QtCore import QLibraryInfo

    qt_dir = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    if qt_translator.load(f"qtbase_{_current}", qt_dir):
        app.installTranslator(qt_translator)
        _translators.append(qt_translator)
    return _current
