"""The use cases of the reports screen: the figures, and a report as a PDF."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ikodesk.services import reporting
from ikodesk.services.actors import Actor
from ikodesk.services.reporting import Builder, MadeReport, Progress, ReportKind
from ikodesk.storage import Database


class ReportUseCases:
    """Reports own their units of work (services.reporting): they get the database."""

    def __init__(self, db: Database) -> None:
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
    ) -> MadeReport:
        """Require and audit REPORT_PRINT, compute the figures, build the PDF at `target`."""
        return reporting.make_report(
            self._db, actor, kind, year, compare, target, build=build, progress=progress
        )
