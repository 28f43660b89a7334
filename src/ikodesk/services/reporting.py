"""Reports as use cases: the policy and the audit come first, then the PDF is built.

Every report, from the desktop client or the command line, is made here:

- `make_report`: the annual report and the Mediation Bureau's report. It
  requires (and so audits) `Action.REPORT_PRINT`, computes the figures
  (`figures.report_figures`, itself audited as `figures.view`) and only then
  hands them to the builder.
- `print_dossier`: one dossier, read through the policy with `Action.CASE_PRINT`
  (walls apply) before anything is drawn, written owner-only.

The builders themselves (reportlab) are in `ikodesk.reports`, a layer above
this one; the front-ends pass the one for their kind (`reports.catalogue`).
This module owns the session: front-ends hand over the database object and
receive a path and a page count, never ORM objects.
"""

from __future__ import annotations

import base64
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from sqlalchemy.orm import Session

from ikodesk.models import Case
from ikodesk.services import (
    access,
    app_settings,
    cases,
    conflicts,
    figures,
    report_texts,
    users,
)
from ikodesk.services.access import Action
from ikodesk.services.actors import Actor
from ikodesk.storage import files

if TYPE_CHECKING:
    from ikodesk.storage import OpenDatabase  # (at run time it would load psycopg)

Progress = Callable[[int, int], None]
# Of a report's progress (0-100): computing the figures takes this share, the PDF the rest.
FIGURES_SHARE = 30


class ReportKind(StrEnum):
    ANNUAL = "annual"
    MEDIATION = "mediation"


# How a report is named in the audit entry's detail and in file names (Dutch).
REPORT_NAMES: dict[ReportKind, str] = {
    ReportKind.ANNUAL: "jaarcijfers",
    ReportKind.MEDIATION: "mediationcijfers",
}


class Built(Protocol):
    @property
    def path(self) -> Path: ...

    @property
    def pages(self) -> int: ...


class Builder(Protocol):
    def __call__(
        self, data: Mapping[str, Any], path: Path, *, progress: Progress | None = None
    ) -> Built: ...


# Draws one dossier: the case (read through the policy), whether it is in a
# conflict, who prints it (as users are named: `User.display_name`); returns the PDF's bytes.
DossierRenderer = Callable[[Case, bool, str], bytes]


@dataclass(frozen=True)
class MadeReport:
    path: Path
    pages: int


def screen_figures(
    db: OpenDatabase, actor: Actor, year: int, compare: int | None
) -> dict[str, Any]:
    """The figures the reports screen shows (audited as `figures.view` by the figures)."""
    with db.transaction() as session:
        return figures.report_figures(session, actor, year, compare)


@dataclass(frozen=True)
class YearState:
    """A year as the reports screen shows it: where its figures come from, and for a
    frozen year what changed since (`figures.figures_diff`)."""

    year: int
    source: dict[str, Any]  # figures.year_source
    diff: dict[str, Any] | None  # None when the year is not frozen
    complete_from: int | None  # "registratie volledig vanaf"


def year_state(db: OpenDatabase, actor: Actor, year: int) -> YearState:
    with db.session() as session:
        complete = figures.records_complete(session, actor)
        source = figures.year_source(session, year)
        diff = figures.figures_diff(session, actor, year) if source["frozen_at"] else None
    return YearState(year, source, diff, complete.year)


def freeze(db: OpenDatabase, actor: Actor, year: int, *, replace: bool = False) -> figures.Frozen:
    """Freeze `year` (FIGURES_FREEZE, audited); see `figures.freeze_year`."""
    with db.transaction() as session:
        return figures.freeze_year(session, actor, year, replace=replace)


def chapter_texts(db: OpenDatabase, actor: Actor, year: int) -> list[report_texts.ChapterText]:
    with db.session() as session:
        return report_texts.chapter_texts(session, actor, year)


def save_chapter_text(db: OpenDatabase, actor: Actor, year: int, chapter: str, text: str) -> None:
    """Write one chapter's text of `year` (REPORT_TEXT_WRITE, audited)."""
    with db.transaction() as session:
        report_texts.set_chapter_text(session, actor, year, chapter, text)


def make_report(
    db: OpenDatabase,
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
    """Require and audit REPORT_PRINT, compute the figures, then build the PDF at `target`.

    AccessDenied is raised before any figure is computed or any file written.
    With `erratum` (a frozen year only) the report ends with what changed since
    the year was frozen. The annual report also gets the year's chapter texts
    and the cover logo (`texts`, `logo`: base64). `progress(done, 100)` moves
    from the first step: 1 when the figures are being computed, FIGURES_SHARE
    when they are, then the builder's own steps up to 100.
    """
    with db.session() as session:
        detail = f"{REPORT_NAMES[kind]} {year}" + (" met erratum" if erratum else "")
        access.require(session, actor, Action.REPORT_PRINT, detail=detail)
        if progress is not None:
            progress(1, 100)
        data = figures.report_figures(session, actor, year, compare, erratum=erratum)
        data["texts"] = report_texts.report_texts(session, year)
        logo = app_settings.report_logo(session)
        data["logo"] = base64.b64encode(logo).decode("ascii") if logo else None
    if progress is None:
        built = build(data, target)
    else:
        report = progress  # (a name mypy keeps narrowed inside the function below)
        report(FIGURES_SHARE, 100)

        def building(done: int, total: int) -> None:
            report(FIGURES_SHARE + done * (100 - FIGURES_SHARE) // max(total, 1), 100)

        built = build(data, target, progress=building)
    return MadeReport(built.path, built.pages)


def dossier_case(session: Session, actor: Actor, case_id: int) -> tuple[Case, bool]:
    """The case to print, read with CASE_PRINT (audited; walls apply), and whether it
    is in a conflict (the PDF says so)."""
    case = cases.get_case(session, actor, case_id, Action.CASE_PRINT)
    return case, bool(conflicts.conflict_case_ids(session, [case.id]))


def print_dossier(
    db: OpenDatabase, actor: Actor, ref: str, target: Path, *, render: DossierRenderer
) -> Path:
    """Write the dossier PDF of case `ref` to `target`, atomically and owner-only."""
    with db.transaction() as session:
        case, in_conflict = dossier_case(session, actor, cases.case_id_of(session, ref))
        data = render(case, in_conflict, users.display_name(session, actor))
        return files.write_private_bytes(Path(target), data)
