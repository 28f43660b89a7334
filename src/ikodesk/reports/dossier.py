"""The PDF of one dossier: the case, its people, children and contact moments.

The case is read through the policy with Action.CASE_PRINT (services.reporting), so a walled
dossier is refused before anything is drawn. The text font is embedded
(DejaVu Sans from resources/fonts) so names like "Öztürk" print as written.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, datetime
from enum import StrEnum
from io import BytesIO
from pathlib import Path

from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    Flowable,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)
from reportlab.platypus.doctemplate import BaseDocTemplate
from sqlalchemy.orm import Session

from ikodesk.models import Case, Person
from ikodesk.models.enums import FamilyRelation, ParentRelation
from ikodesk.models.labels import label
from ikodesk.resources import resource_path
from ikodesk.services import reporting
from ikodesk.services.actors import Actor
from ikodesk.storage import files

FONT = "DejaVuSans"
FONT_BOLD = "DejaVuSans-Bold"


def _register_fonts() -> None:
    if FONT in pdfmetrics.getRegisteredFontNames():
        return
    pdfmetrics.registerFont(TTFont(FONT, str(resource_path("fonts", "DejaVuSans.ttf"))))
    pdfmetrics.registerFont(TTFont(FONT_BOLD, str(resource_path("fonts", "DejaVuSans-Bold.ttf"))))
    # <b> inside paragraphs must map to the embedded bold face, not to Helvetica-Bold.
    pdfmetrics.registerFontFamily(
        FONT, normal=FONT, bold=FONT_BOLD, italic=FONT, boldItalic=FONT_BOLD
    )


def _styles() -> dict[str, ParagraphStyle]:
    base = ParagraphStyle("base", fontName=FONT, fontSize=9.5, leading=12.5, alignment=TA_LEFT)
    return {
        "base": base,
        "title": ParagraphStyle("title", parent=base, fontName=FONT_BOLD, fontSize=16, leading=20),
        "sub": ParagraphStyle("sub", parent=base, fontSize=10.5, textColor=colors.HexColor("#444")),
        "h": ParagraphStyle(
            "h", parent=base, fontName=FONT_BOLD, fontSize=11.5, leading=15, spaceBefore=8
        ),
        "cell": ParagraphStyle("cell", parent=base, fontSize=8.5, leading=10.5),
        "badge": ParagraphStyle(
            "badge", parent=base, fontName=FONT_BOLD, textColor=colors.HexColor("#9b1c1c")
        ),
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


def _facts(rows: Sequence[tuple[str, str]], st: dict[str, ParagraphStyle]) -> Table:
    data = [[Paragraph(k, st["cell"]), Paragraph(_esc(v), st["cell"])] for k, v in rows]
    table = Table(data, colWidths=[45 * mm, 125 * mm], hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), FONT),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("TEXTCOLOR", (0, 0), (0, -1), colors.HexColor("#555")),
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
    data = [[Paragraph(f"<b>{h}</b>", st["cell"]) for h in header]]
    data += [[Paragraph(_esc(c), st["cell"]) for c in row] for row in rows]
    table = Table(data, colWidths=[w * mm for w in widths], repeatRows=1, hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), FONT),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LINEBELOW", (0, 0), (-1, 0), 0.6, colors.HexColor("#888")),
                ("LINEBELOW", (0, 1), (-1, -1), 0.25, colors.HexColor("#ddd")),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
                ("TOPPADDING", (0, 0), (-1, -1), 2),
            ]
        )
    )
    return table


def _person(p: Person | None, st: dict[str, ParagraphStyle]) -> list[Flowable]:
    if p is None:
        return [Paragraph("Niet geregistreerd.", st["base"])]
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
    return [_facts(rows, st)]


def dossier_flowables(case: Case, in_conflict: bool, printed_by: str) -> list[Flowable]:
    """The pages' content for a case already read through the policy."""
    _register_fonts()
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
    story += [
        Paragraph("Zaak", st["h"]),
        _facts(
            [
                ("Referentie", case.ref),
                ("Code", _l(case.code)),
                ("Behandelaar", case.handler.name or case.handler.username),
                ("Geopend", _d(case.opened)),
                (
                    "Gesloten",
                    f"{_d(case.closed)} ({_l(case.close_reason)})" if case.closed else "open",
                ),
                ("Land", country or "–"),
                ("Richting", _l(case.direction)),
                ("Meenemer", _l(case.taker)),
                ("Verhuizende ouder", _l(case.mover)),
            ],
            st,
        ),
        Paragraph("Aanvrager", st["h"]),
        *_person(case.requester, st),
        Paragraph("Andere ouder", st["h"]),
        *_person(case.other_parent, st),
        Paragraph("Kinderen", st["h"]),
    ]
    if case.children:
        story.append(
            _grid(
                ["Naam", "Geboortedatum", "Leeftijd bij opening"],
                [
                    [
                        " ".join(x for x in (k.first_name, k.last_name) if x) or "–",
                        _d(k.birth_date),
                        str(k.age_on(case.opened)) if k.age_on(case.opened) is not None else "–",
                    ]
                    for k in case.children
                ],
                [80, 45, 45],
                st,
            )
        )
    else:
        story.append(Paragraph("Geen kinderen geregistreerd.", st["base"]))
    story += [Paragraph("Samenvatting", st["h"]), Paragraph(_esc(case.summary), st["base"])]
    story.append(Paragraph("Contactmomenten", st["h"]))
    if case.contacts:
        story.append(
            _grid(
                ["Moment", "Kanaal", "Met", "Behandelaar", "Min.", "Samenvatting"],
                [
                    [
                        _t(c.at),
                        _l(c.channel),
                        _l(c.party),
                        c.handler.username,
                        str(c.minutes) if c.minutes is not None else "–",
                        c.summary or "",
                    ]
                    for c in case.contacts
                ],
                [33, 19, 17, 27, 12, 62],
                st,
            )
        )
    else:
        story.append(Paragraph("Geen contactmomenten.", st["base"]))
    story += [
        Spacer(1, 6 * mm),
        Paragraph(
            f"Afgedrukt door {_esc(printed_by)} op {datetime.now().strftime('%d-%m-%Y %H:%M')}.",
            st["sub"],
        ),
    ]
    return story


def _footer(ref: str) -> Callable[[Canvas, BaseDocTemplate], None]:
    def draw(canvas: Canvas, doc: BaseDocTemplate) -> None:
        canvas.saveState()
        canvas.setFont(FONT, 7.5)
        canvas.setFillColor(colors.HexColor("#666"))
        canvas.drawString(18 * mm, 10 * mm, f"Vertrouwelijk · Centrum IKO · dossier {ref}")
        canvas.drawRightString(A4[0] - 18 * mm, 10 * mm, f"pagina {doc.page}")
        canvas.restoreState()

    return draw


def render_dossier(case: Case, in_conflict: bool, printed_by: str) -> bytes:
    """The dossier PDF of a case already read through the policy (services.reporting)."""
    buffer = BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=16 * mm,
        bottomMargin=18 * mm,
        title=f"Dossier {case.ref}",
        author="ikodesk",
        initialFontName=FONT,  # no Helvetica at all: every glyph from the embedded font
    )
    footer = _footer(case.ref)
    doc.build(
        dossier_flowables(case, in_conflict, printed_by),
        onFirstPage=footer,
        onLaterPages=footer,
    )
    return buffer.getvalue()


def dossier_pdf(session: Session, actor: Actor, case_id: int) -> bytes:
    """The dossier PDF of one case; AccessDenied/CaseWalled before anything is built."""
    case, in_conflict = reporting.dossier_case(session, actor, case_id)
    return render_dossier(case, in_conflict, actor.username)


def write_dossier_pdf(session: Session, actor: Actor, case_id: int, path: Path) -> Path:
    """Write the dossier PDF atomically, readable by the owner only."""
    data = dossier_pdf(session, actor, case_id)
    return files.write_private_bytes(Path(path), data)
