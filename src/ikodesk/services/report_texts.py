"""The narrative chapters of the annual report, per year (Voorwoord, Algemene uitleg, ...).

A manager writes and edits them in the desktop client (`Action.REPORT_TEXT_WRITE`,
audited); the previous year's text is offered as a start. The annual report
prints each non-empty text in its chapter; an empty text leaves its chapter
out, never a placeholder. Texts are plain text: paragraphs separated by an
empty line, a line starting with "- " is a bullet.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ikodesk.errors import QT_TRANSLATE_NOOP, InputError
from ikodesk.models import ReportText
from ikodesk.services import access
from ikodesk.services.access import Action
from ikodesk.services.actors import Actor
from ikodesk.services.input_rules import text_problem

# The chapters, in the report's order, with their Dutch titles.
CHAPTERS: dict[str, str] = {
    "foreword": "Voorwoord",
    "clients": "Cliënten",
    "case_classes": "Indeling van zaken",
    "contact_channels": "Contactmethoden",
    "mediator_pool": "De pool van mediators",
    "mediator_meetings": "Mediatorsbijeenkomsten",
    "chair": "Bijzondere leerstoel",
    "projects": "Projecten",
}
MAX_TEXT = 20_000


@dataclass(frozen=True)
class ChapterText:
    chapter: str
    title: str
    text: str  # "" when none is written for the year
    previous: str  # the previous year's text ("" when none): offered as a start
    changed_at: datetime | None
    changed_by: str | None


def _rows(session: Session, year: int) -> dict[str, ReportText]:
    return {
        r.chapter: r for r in session.scalars(select(ReportText).where(ReportText.year == year))
    }


def chapter_texts(session: Session, actor: Actor, year: int) -> list[ChapterText]:
    """Every chapter's text of `year` with the previous year's (for the editor)."""
    access.require(session, actor, Action.FIGURES_VIEW, object_ref=str(year), detail="teksten")
    rows, before = _rows(session, year), _rows(session, year - 1)
    out = []
    for chapter, title in CHAPTERS.items():
        row, prev = rows.get(chapter), before.get(chapter)
        out.append(
            ChapterText(
                chapter,
                title,
                row.text if row else "",
                prev.text if prev else "",
                row.changed_at if row else None,
                row.changed_by if row else None,
            )
        )
    return out


def report_texts(session: Session, year: int) -> dict[str, str]:
    """{chapter: text} of `year`, only the non-empty ones (for the report builder)."""
    return {c: r.text for c, r in _rows(session, year).items() if r.text.strip() and c in CHAPTERS}


def set_chapter_text(session: Session, actor: Actor, year: int, chapter: str, text: str) -> None:
    """Write (or with an empty text remove) one chapter's text of `year` (audited)."""
    if chapter not in CHAPTERS:
        raise InputError(
            QT_TRANSLATE_NOOP("services", "Onbekend hoofdstuk: {chapter}."), chapter=chapter
        )
    access.require(
        session,
        actor,
        Action.REPORT_TEXT_WRITE,
        object_ref=f"{year} {chapter}",
        detail=f"{CHAPTERS[chapter]} {year}: {len(text.strip())} tekens",
    )
    text = text.replace("\r\n", "\n").strip()
    if len(text) > MAX_TEXT:
        raise InputError(
            QT_TRANSLATE_NOOP("services", "De tekst is te lang (hoogstens {n} tekens)."), n=MAX_TEXT
        )
    problem = text_problem(text, multiline=True)
    if problem is not None:
        raise InputError(
            QT_TRANSLATE_NOOP("services", "De tekst kan zo niet worden bewaard: {problem}"),
            problem=problem,
        )
    row = session.get(ReportText, (year, chapter))
    if not text:
        if row is not None:
            session.delete(row)
    elif row is None:
        session.add(
            ReportText(
                year=year,
                chapter=chapter,
                text=text,
                changed_at=datetime.now().replace(microsecond=0),
                changed_by=actor.username,
            )
        )
    else:
        row.text = text
        row.changed_at = datetime.now().replace(microsecond=0)
        row.changed_by = actor.username
    session.flush()
