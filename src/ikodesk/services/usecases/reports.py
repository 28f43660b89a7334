"""The use cases of reports: the figures, a report or a dossier as a PDF, published figures."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import Session

from ikodesk.services import app_settings, figures, reference, report_texts, reporting
from ikodesk.services.actors import Actor
from ikodesk.services.figures.freezing import Frozen
from ikodesk.services.reporting import (
    Builder,
    DossierRenderer,
    MadeReport,
    Progress,
    ReportKind,
    YearState,
)
from ikodesk.services.usecases.base import UseCases

if TYPE_CHECKING:
    from ikodesk.storage import OpenDatabase  # (at run time it would load psycopg)


@dataclass(frozen=True)
class FigureTable:
    """A year's figures as the command line's table shows them."""

    figures: dict[str, Any]  # figures.year_figures, or figures.compare_figures
    country_names: dict[str, str]  # iso2 -> Dutch name, every country


class ReportUseCases(UseCases):
    """Reports own their units of work (services.reporting): they get the database."""

    def __init__(self, db: OpenDatabase) -> None:
        super().__init__(db)
        self._open = db

    def figures(self, actor: Actor, year: int, compare: int | None) -> dict[str, Any]:
        """The figures the reports screen shows (audited as `figures.view`)."""
        return reporting.screen_figures(self._open, actor, year, compare)

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
            self._open,
            actor,
            kind,
            year,
            compare,
            target,
            build=build,
            progress=progress,
            erratum=erratum,
        )

    def print_dossier(
        self, actor: Actor, ref: str, target: Path, *, render: DossierRenderer
    ) -> Path:
        """The dossier PDF of case `ref` at `target` (CASE_PRINT: audited, walls apply)."""
        return reporting.print_dossier(self._open, actor, ref, target, render=render)

    def table(self, actor: Actor, year: int, compare: int | None) -> FigureTable:
        """A year's figures (as it is: published, else the records), or compared with
        another year, with the countries' Dutch names."""

        def run(s: Session) -> FigureTable:
            if compare is None:
                result = figures.year_figures(s, actor, year)
            else:
                result = figures.compare_figures(s, actor, year, compare)
            return FigureTable(result, {c.iso2: c.name_nl for c in reference.countries(s)})

        return self._run(run)

    # -- published figures and the report's chapters (issue #14) -------------------------
    def year_state(self, actor: Actor, year: int) -> YearState:
        return reporting.year_state(self._open, actor, year)

    def freeze(self, actor: Actor, year: int, *, replace: bool = False) -> Frozen:
        return reporting.freeze(self._open, actor, year, replace=replace)

    def diff(self, actor: Actor, year: int) -> dict[str, Any]:
        """What changed in `year`'s figures since it was frozen (figures.figures_diff)."""
        return self._run(figures.figures_diff, actor, year)

    def records_complete(self, actor: Actor) -> app_settings.RecordsComplete:
        """From which year the records are complete, for those who see figures."""
        return self._run(figures.records_complete, actor)

    def chapter_texts(self, actor: Actor, year: int) -> list[report_texts.ChapterText]:
        return reporting.chapter_texts(self._open, actor, year)

    def save_chapter_text(self, actor: Actor, year: int, chapter: str, text: str) -> None:
        reporting.save_chapter_text(self._open, actor, year, chapter, text)

    def settings(self) -> tuple[app_settings.RecordsComplete, bytes | None]:
        """ "Registratie volledig vanaf" and the cover logo (Beheer)."""
        with self._open.session() as s:
            return app_settings.records_complete(s), app_settings.report_logo(s)

    def set_complete_from(self, actor: Actor, year: int | None) -> None:
        self._run(app_settings.set_records_complete_from, actor, year)

    def set_logo(self, actor: Actor, image: bytes | None) -> None:
        self._run(app_settings.set_report_logo, actor, image)
