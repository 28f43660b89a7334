"""The destruction register as a PDF for the privacy officer (functionaris gegevensbescherming).

One summary table of every retention run, then per run what it removed per
code and the periods it applied, with the hash over the references it covered.
No personal data and no references: the register proves what was destroyed,
when, by whom and with whose approval, without keeping what it destroyed.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Flowable, Paragraph

from ikodesk.models.enums import CaseCode, line_of
from ikodesk.models.labels import label
from ikodesk.reports.document import ReportInfo, write_pdf
from ikodesk.reports.layout import (
    CONTENT_WIDTH,
    block,
    data_table,
    esc,
    gap,
    heading,
    no_data,
    para,
    styles,
    subheading,
)
from ikodesk.services.destruction_register import RegisterRow
from ikodesk.services.nlformat import counted
from ikodesk.services.retention import MEDIATION, SCOPES

TITLE = "Vernietigingsregister"


def scope_label(scope: str) -> str:
    """How a scope reads: "Lijn 2 – Preventie", "Mediationverzoeken"."""
    if scope == MEDIATION:
        return "Mediationverzoeken"
    try:
        code = CaseCode(scope)
    except ValueError:
        return scope
    return f"Lijn {line_of(code)} – {label(code)}"


def _d(day: date) -> str:
    return day.strftime("%d-%m-%Y")


def _n(value: int) -> str:
    return f"{value:,}".replace(",", ".")


def _summary(rows: list[RegisterRow]) -> Flowable:
    table: list[list[str]] = [
        [
            "Nr.",
            "Uitgevoerd",
            "Peildatum",
            "Door",
            "Goedgekeurd door",
            "Zaken",
            "Mediations",
            "Zoektermen",
        ]
    ]
    for r in rows:
        table.append(
            [
                str(r.run_id),
                r.run_at.strftime("%d-%m-%Y %H:%M"),
                _d(r.as_of),
                r.run_by,
                r.approved_by,
                _n(r.cases),
                _n(r.mediations),
                _n(r.search_terms),
            ]
        )
    w = CONTENT_WIDTH
    widths = [0.06 * w, 0.15 * w, 0.13 * w, 0.11 * w, 0.16 * w, 0.09 * w, 0.15 * w, 0.15 * w]
    return data_table(table, widths, numeric_from=5)


def _run_detail(r: RegisterRow) -> list[Flowable]:
    st = styles()
    mono = ParagraphStyle("hash", parent=st.small, fontName="DejaVuSans", fontSize=7.5)
    table: list[list[str]] = [["Soort", "Bewaartermijn", "Geanonimiseerd"]]
    for scope in SCOPES:
        n = r.counts.get(scope, 0)
        years = r.periods.get(scope)
        table.append([scope_label(scope), f"{years} jaar" if years is not None else "–", _n(n)])
    table.append(["Totaal", "", _n(r.cases + r.mediations)])
    w = CONTENT_WIDTH
    return [
        block(
            subheading(f"Run {r.run_id}: peildatum {_d(r.as_of)}"),
            para(
                f"Uitgevoerd op {esc(r.run_at.strftime('%d-%m-%Y om %H:%M'))} door "
                f"<b>{esc(r.run_by)}</b>, goedgekeurd door <b>{esc(r.approved_by)}</b>. "
                f"{counted(r.cases, 'zaak', 'zaken')} en "
                f"{counted(r.mediations, 'mediationverzoek', 'mediationverzoeken')} "
                "geanonimiseerd; "
                f"{counted(r.search_terms, 'bewaarde zoekterm', 'bewaarde zoektermen')} uit het "
                "auditlog verwijderd."
            ),
        ),
        data_table(table, [0.6 * w, 0.2 * w, 0.2 * w], total_row=True),
        gap(4),
        Paragraph(
            "SHA-256 over de gesorteerde kenmerken (één per regel): "
            f"<font name='DejaVuSans'>{esc(r.refs_hash)}</font>",
            mono,
        ),
        gap(8),
    ]


def build(rows: list[RegisterRow], target: Path) -> Path:
    """Write the register to `target` (atomically, owner-only); returns the path."""
    story: list[Flowable] = [
        heading(TITLE),
        para(
            "Dit register legt vast welke persoonsgegevens ikodesk na afloop van de "
            "bewaartermijn heeft verwijderd: wanneer, door wie, met wiens goedkeuring en "
            "hoeveel zaken per soort. Het bevat zelf geen persoonsgegevens en geen "
            "zaakkenmerken; de hash per run maakt het mogelijk later na te gaan of een "
            "gegeven lijst kenmerken precies die run was. Feiten die de jaarcijfers dragen "
            "(code, data, land, kanten, leeftijden van kinderen, contactkanalen en minuten) "
            "blijven bewaard; de jaarcijfers veranderen niet."
        ),
        gap(4),
    ]
    if not rows:
        story.append(no_data("Er is nog geen bewaartermijnrun uitgevoerd."))
    else:
        story.append(_summary(rows))
        story.append(gap(10))
        for r in rows:
            story.extend(_run_detail(r))
    info = ReportInfo(title=TITLE, subject="AVG: vernietiging na bewaartermijn", cover=False)
    return write_pdf(target, info, story).path
