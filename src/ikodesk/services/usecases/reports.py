"""The use cases of the reports screen: the figures, and a report as a PDF."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ikodesk.services import app_settings, report_texts, reporting
from ikodesk.services.actors import Actor
from ikodesk.services.figures.freezing import Frozen
from ikodesk.services.reporting import Builder, MadeReport, Progress, ReportKind, YearState
from ikodesk.storage import OpenDatabase


class ReportUseCases:
    """Reports own their units of work (services.reporting): they get the database."""

    def __init__(self, db: OpenDatabase) -> None:
        self._db = db

    def figures(self, actor: Actor, year: int, compare: int | None) -> dict[str, Any]:
        """The figures the reports screen shows (audited as `figures.view`)."""
        return reporting.screen_figures(self._db, actor, year, compare)

    def make(
        self,
        actor: Actor,
        kind: ReportKind,
        year: int,
        compare: int | None,
        target: Path,
        *,
        build: Builder,
        progress: Progress | None = None,
        erratum: bool = False,
    ) -> MadeReport:
        """Require and audit REPORT_PRINT, compute the figures, build the PDF at `target`."""
        return reporting.make_report(
            self._db,
            actor,
            kind,
            year,
            compare,
            target,
            build=build,
            progress=progress,
            erratum=erratum,
        )

    # -- published figures and the report's chapters (issue #14) -------------------------
    def year_state(self, actor: Actor, year: int) -> YearState:
        return reporting.year_state(self._db, actor, year)

    def freeze(self, actor: Actor, year: int, *, replace: bool = False) -> Frozen:
        return reporting.freeze(self._db, actor, year, replace=replace)

    def chapter_texts(self, actor: Actor, year: int) -> list[report_texts.ChapterText]:
        return reporting.chapter_texts(self._db, actor, year)

    def save_chapter_text(self, actor: Actor, year: int, chapter: str, text: str) -> None:
        reporting.save_chapter_text(self._db, actor, year, chapter, text)

    def settings(self) -> tuple[app_settings.RecordsComplete, bytes | None]:
        """ "Registratie volledig vanaf" and the cover logo (Beheer)."""
        with self._db.session() as s:
            return app_settings.records_complete(s), app_settings.report_logo(s)

    def set_complete_from(self, actor: Actor, year: int | None) -> None:
        with self._db.transaction() as s:
            app_settings.set_records_complete_from(s, actor, year)

    def set_logo(self, actor: Actor, image: bytes | None) -> None:
        with self._db.transaction() as s:
            app_settings.set_report_logo(s, actor, image)
