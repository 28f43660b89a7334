"""The PDF of one dossier: the case, its people, children and contact moments.

The case is read through the policy with Action.CASE_PRINT (services.reporting), so a walled
dossier is refused before anything is drawn. The text font is embedded
(DejaVu Sans from resources/fonts) so names like "Öztürk" print as written.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from enum import StrEnum
from io import BytesIO
from pathlib import Path

from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    CondPageBreak,
    Flowable,
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)
from sqlalchemy.orm import Session

from ikodesk.models import Case, Person
from ikodesk.models.enums import FamilyRelation, ParentRelation
from ikodesk.models.labels import label
from ikodesk.reports.document import PageDecoration, numbered_canvas
from ikodesk.reports.layout import (
    FONT,
    FONT_BOLD,
    GREY,
    LIGHT_GREY,
    NAVY,
    TEXT,
    register_fonts,
    soft_hyphens,
)
from ikodesk.services import reporting, users
from ikodesk.services.actors import Actor
from ikodesk.storage import files

MARGIN_X = 18 * mm
CONTENT_WIDTH_MM = 174  # A4 less the margins
# Table cells: 3 pt either side, which the text width of a column (for hyphenation)
# leaves out.
_PAD = 3
_CELL_PADDING = 2 * _PAD
RED = colors.HexColor("#9B1C1C")


def _styles() -> dict[str, ParagraphStyle]:
    base = ParagraphStyle(
        "base", fontName=FONT, fontSize=9.5, leading=12.5, alignment=TA_LEFT, textColor=TEXT
    )
    cell = ParagraphStyle("cell", parent=base, fontSize=8.5, leading=10.5)
    return {
        "base": base,
        "title": ParagraphStyle("title", parent=base, fontName=FONT_BOLD, fontSize=16, leading=20),
        "sub": ParagraphStyle("sub", parent=base, fontSize=10.5, textColor=GREY),
        "h": ParagraphStyle(
            "h", parent=base, fontName=FONT_BOLD, fontSize=11.5, leading=15, spaceBefore=8
        ),
        "cell": cell,
        "cell_key": ParagraphStyle("cell_key", parent=cell, textColor=GREY),
        "cell_head": ParagraphStyle("cell_head", parent=cell, fontName=FONT_BOLD),
        "badge": ParagraphStyle("badge", parent=base, fontName=FONT_BOLD, textColor=RED),
    }


def _d(value: date | None) -> str:
    return value.strftime("%d-%m-%Y") if value else "–"


def _t(value: datetime) -> str:
    return value.strftime("%d-%m-%Y %H:%M")


def _l(value: StrEnum | None) -> str:
    return label(value) if value is not None else "–"


def _relation(value: str | None) -> str:
    if not value:
        return "–"
    for enum in (ParentRelation, FamilyRelation):
        try:
            return label(enum(value))
        except ValueError:
            continue
    return value


def _esc(text: str | None) -> str:
    if not text:
        return "–"
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _cell(text: str | None, style: ParagraphStyle, width_mm: float) -> Paragraph:
    """A table cell `width_mm` wide: words wrap at spaces, and a word too long for the
    column breaks at a Dutch syllable, with a hyphen (`layout.soft_hyphens`)."""
    width = width_mm * mm - _CELL_PADDING
    return Paragraph(_esc(soft_hyphens(text or "", width, style.fontName, style.fontSize)), style)


def _facts(rows: Sequence[tuple[str, str]], st: dict[str, ParagraphStyle]) -> Table:
    widths = (45, CONTENT_WIDTH_MM - 45)
    data = [[_cell(k, st["cell_key"], widths[0]), _cell(v, st["cell"], widths[1])] for k, v in rows]
    table = Table(data, colWidths=[w * mm for w in widths], hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), FONT),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), _PAD),
                ("RIGHTPADDING", (0, 0), (-1, -1), _PAD),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
                ("TOPPADDING", (0, 0), (-1, -1), 2),
            ]
        )
    )
    return table


def _grid(
    header: Sequence[str],
    rows: Sequence[Sequence[str]],
    widths: Sequence[float],
    st: dict[str, ParagraphStyle],
) -> Table:
    data = [[_cell(h, st["cell_head"], w) for h, w in zip(header, widths, strict=True)]]
    data += [[_cell(c, st["cell"], w) for c, w in zip(row, widths, strict=True)] for row in rows]
    table = Table(data, colWidths=[w * mm for w in widths], repeatRows=1, hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), FONT),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LINEBELOW", (0, 0), (-1, 0), 0.6, NAVY),
                ("LINEBELOW", (0, 1), (-1, -1), 0.25, LIGHT_GREY),
                ("LEFTPADDING", (0, 0), (-1, -1), _PAD),
                ("RIGHTPADDING", (0, 0), (-1, -1), _PAD),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
                ("TOPPADDING", (0, 0), (-1, -1), 2),
            ]
        )
    )
    return table


def _section(title: str, body: Flowable, st: dict[str, ParagraphStyle]) -> Flowable:
    """A heading with a short block (facts): moved to the next page together."""
    return KeepTogether([Paragraph(title, st["h"]), body])


def _long_section(title: str, body: Flowable, st: dict[str, ParagraphStyle]) -> list[Flowable]:
    """A heading with a block that may run over pages (a table, the summary): it starts
    on this page when the heading and a few lines fit, never a heading alone at the foot."""
    return [CondPageBreak(30 * mm), Paragraph(title, st["h"]), body]


def _person(p: Person | None, st: dict[str, ParagraphStyle]) -> Flowable:
    if p is None:
        return Paragraph("Niet geregistreerd.", st["base"])
    rows = [
        ("Soort", _l(p.kind)),
        ("Relatie", _relation(p.relation)),
    ]
    if p.side is not None:
        rows.append(("Kant", _l(p.side)))
    if p.organisation_type is not None or p.organisation:
        rows.append(("Organisatie", f"{_l(p.organisation_type)} {p.organisation or ''}".strip()))
    rows += [
        ("Naam", p.display_name or "–"),
        ("Geboortedatum", _d(p.birth_date)),
        ("Telefoon", p.phone or "–"),
        ("E-mail", p.email or "–"),
    ]
    return _facts(rows, st)


def dossier_flowables(case: Case, in_conflict: bool) -> list[Flowable]:
    """The pages' content for a case already read through the policy. (Who printed it,
    when, and the page numbers are on every page: `render_dossier`.)"""
    register_fonts()
    st = _styles()
    story: list[Flowable] = [
        Paragraph(f"Dossier {_esc(case.ref)}", st["title"]),
        Paragraph(f"{_l(case.code)} · lijn {case.line}", st["sub"]),
        Spacer(1, 3 * mm),
    ]
    if in_conflict:
        story.append(
            Paragraph(
                "Conflictzaak: deze zaak staat in conflict met een zaak van de andere ouder.",
                st["badge"],
            )
        )
    country = case.country_ref.name_nl if case.country_ref is not None else None
    facts = [
        ("Referentie", case.ref),
        ("Code", _l(case.code)),
        ("Behandelaar", case.handler.display_name),
        ("Geopend", _d(case.opened)),
        ("Gesloten", f"{_d(case.closed)} ({_l(case.close_reason)})" if case.closed else "–"),
        ("Land", country or "–"),
        ("Richting", _l(case.direction)),
        ("Meenemer", _l(case.taker)),
        ("Verhuizende ouder", _l(case.mover)),
    ]
    story += [
        _section("Zaak", _facts(facts, st), st),
        _section("Aanvrager", _person(case.requester, st), st),
        _section("Andere ouder", _person(case.other_parent, st), st),
    ]
    children: Flowable = Paragraph("Geen kinderen geregistreerd.", st["base"])
    if case.children:
        children = _grid(
            ["Naam", "Geboortedatum", "Leeftijd bij opening"],
            [
                [
                    " ".join(x for x in (k.first_name, k.last_name) if x) or "–",
                    _d(k.birth_date),
                    str(k.age_on(case.opened)) if k.age_on(case.opened) is not None else "–",
                ]
                for k in case.children
            ],
            [80, 47, 47],
            st,
        )
    story += _long_section("Kinderen", children, st)
    story += _long_section("Samenvatting", Paragraph(_esc(case.summary), st["base"]), st)
    contacts: Flowable = Paragraph("Geen contactmomenten.", st["base"])
    if case.contacts:
        contacts = _grid(
            ["Moment", "Kanaal", "Met", "Behandelaar", "Min.", "Samenvatting"],
            [
                [
                    _t(c.at),
                    _l(c.channel),
                    _l(c.party),
                    c.handler.display_name,
                    str(c.minutes) if c.minutes is not None else "–",
                    c.summary or "",
                ]
                for c in case.contacts
            ],
            # The moment and the labels fit whole (a long channel name breaks at a
            # syllable); the summary takes the rest.
            [30, 20, 24, 24, 10, 66],
            st,
        )
    story += _long_section("Contactmomenten", contacts, st)
    return story


def _page_decoration(ref: str, printed_by: str, printed_at: datetime) -> PageDecoration:
    """Header and footer of every page: confidential, the reference, who printed it
    and when, page N of M."""
    printed = f"Afgedrukt door {printed_by} op {printed_at.strftime('%d-%m-%Y %H:%M')}"

    def decorate(canvas: Canvas, page: int, total: int) -> None:
        width, height = A4
        canvas.setStrokeColor(LIGHT_GREY)
        canvas.setLineWidth(0.5)
        top = height - 11 * mm
        canvas.setFont(FONT_BOLD, 8)
        canvas.setFillColor(RED)
        canvas.drawString(MARGIN_X, top, "Vertrouwelijk")
        canvas.setFont(FONT, 8)
        canvas.setFillColor(GREY)
        canvas.drawRightString(width - MARGIN_X, top, f"Centrum IKO · dossier {ref}")
        canvas.line(MARGIN_X, top - 2 * mm, width - MARGIN_X, top - 2 * mm)
        bottom = 10 * mm
        canvas.line(MARGIN_X, bottom + 3.5 * mm, width - MARGIN_X, bottom + 3.5 * mm)
        canvas.setFont(FONT, 7.5)
        canvas.drawString(MARGIN_X, bottom, printed)
        canvas.drawRightString(width - MARGIN_X, bottom, f"Pagina {page} van {total}")

    return decorate


def render_dossier(
    case: Case, in_conflict: bool, printed_by: str, printed_at: datetime | None = None
) -> bytes:
    """The dossier PDF of a case already read through the policy (services.reporting).

    `printed_by` is the user as users are named (`User.display_name`); `printed_at`
    defaults to now. Both are on every page, with "Pagina N van M".
    """
    buffer = BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=MARGIN_X,
        rightMargin=MARGIN_X,
        topMargin=20 * mm,
        bottomMargin=20 * mm,
        title=f"Dossier {case.ref}",
        author="ikodesk",
        lang="nl-NL",
        initialFontName=FONT,  # no Helvetica at all: every glyph from the embedded font
    )
    decorate = _page_decoration(case.ref, printed_by, printed_at or datetime.now())
    doc.build(dossier_flowables(case, in_conflict), canvasmaker=numbered_canvas(decorate))
    return buffer.getvalue()


def dossier_pdf(session: Session, actor: Actor, case_id: int) -> bytes:
    """The dossier PDF of one case; AccessDenied/CaseWalled before anything is built."""
    case, in_conflict = reporting.dossier_case(session, actor, case_id)
    return render_dossier(case, in_conflict, users.display_name(session, actor))


def write_dossier_pdf(session: Session, actor: Actor, case_id: int, path: Path) -> Path:
    """Write the dossier PDF atomically, readable by the owner only."""
    data = dossier_pdf(session, actor, case_id)
    return files.write_private_bytes(Path(path), data)
