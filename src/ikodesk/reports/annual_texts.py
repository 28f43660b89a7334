"""The chapters of the annual report around the numbers (issue #14).

The narrative texts a manager writes per year (`services.report_texts`:
Voorwoord, Algemene uitleg, the Mediation Bureau's pool and meetings,
Bijzondere leerstoel, projects), the Conflictzaken chapter, the note on which
years come from which source, the erratum of a frozen year, the table of
contents. An empty text leaves its chapter out: never a placeholder.
"""

from __future__ import annotations

import base64
import io
from collections.abc import Mapping, Sequence
from datetime import datetime
from itertools import groupby
from typing import Any

from reportlab.lib.units import cm
from reportlab.lib.utils import ImageReader
from reportlab.platypus import Flowable, Image, PageBreak, TableStyle
from reportlab.platypus.tableofcontents import TableOfContents

from ikodesk.reports.annual_parts import COMPARE_COLS
from ikodesk.reports.layout import (
    CONTENT_WIDTH,
    FONT,
    block,
    data_table,
    esc,
    heading,
    para,
    styles,
    subheading,
)
from ikodesk.reports.view import FigureView, years_label
from ikodesk.services import nlformat
from ikodesk.services.figure_keys import RATE_KEYS
from ikodesk.services.figure_labels import figure_label
from ikodesk.services.figures import difference
from ikodesk.services.report_texts import CHAPTERS

_BULLETS = ("- ", "• ", "* ")


def text_flowables(text: str) -> list[Flowable]:
    """Paragraphs of a manager's plain text: an empty line starts a paragraph, a line
    starting with "- " is a bullet; everything is escaped (no mark-up from the text)."""
    st = styles()
    bullet = st.body.clone("text_bullet", leftIndent=12, firstLineIndent=-8, spaceAfter=3)
    out: list[Flowable] = []
    for chunk in text.replace("\r\n", "\n").split("\n\n"):
        lines = [ln.rstrip() for ln in chunk.strip("\n").split("\n") if ln.strip()]
        plain: list[str] = []
        for line in lines:
            if line.lstrip().startswith(_BULLETS):
                if plain:
                    out.append(para("<br/>".join(esc(p) for p in plain)))
                    plain = []
                out.append(para("• " + esc(line.lstrip()[2:].strip()), bullet))
            else:
                plain.append(line.strip())
        if plain:
            out.append(para("<br/>".join(esc(p) for p in plain)))
    return out


def chapter(view: FigureView, key: str, *, level: int = 1) -> list[Flowable]:
    """The text of chapter `key` under its title, or nothing when no text was written."""
    text = view.texts.get(key, "").strip()
    if not text:
        return []
    title = CHAPTERS[key]
    return [heading(title) if level == 1 else subheading(title), *text_flowables(text)]


def toc() -> list[Flowable]:
    """The table of contents (filled in by the document's second pass)."""
    st = styles()
    # Every style named, or the table would reference Helvetica, which the PDF does not embed.
    contents = TableOfContents(
        tableStyle=TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), FONT),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
            ]
        )
    )
    contents.levelStyles = [
        st.body.clone("toc1", fontName=FONT, fontSize=10, leading=15, leftIndent=0),
    ]
    contents.dotsMinLevel = 0
    title = para("Inhoud", st.h1.clone("toc_title", keepWithNext=0))
    return [title, contents, PageBreak()]


def cover_logo(view: FigureView, max_height: float = 2.6 * cm) -> Flowable | None:
    """The centre's logo (set in Beheer) scaled to fit, or None."""
    if not view.logo:
        return None
    raw = base64.b64decode(view.logo)
    width, height = ImageReader(io.BytesIO(raw)).getSize()
    scale = min(max_height / height, (CONTENT_WIDTH / 2) / width)
    image = Image(io.BytesIO(raw), width=width * scale, height=height * scale)
    image.hAlign = "LEFT"
    return image


# --- sources ---------------------------------------------------------------------------------


def _source_text(source: Mapping[str, Any]) -> str:
    if source["frozen_at"]:
        at = datetime.fromisoformat(source["frozen_at"])
        return f"vastgesteld op {nlformat.long_date(at.date())} door {source['frozen_by']}"
    if source["published"] and source["records"]:
        return "gepubliceerde cijfers uit eerdere jaarverslagen, aangevuld uit de registratie"
    if source["published"]:
        return "gepubliceerde cijfers uit eerdere jaarverslagen"
    if source["records"]:
        return "registratie in ikodesk"
    return "geen gegevens"


def sources_lines(view: FigureView) -> list[str]:
    """ "2021–2023: gepubliceerde cijfers ...", "2024: registratie in ikodesk", one per run
    of consecutive years from the same source."""
    described = [(s["year"], _source_text(s)) for s in view.sources]
    lines: list[str] = []
    for text, run in groupby(described, key=lambda d: d[1]):
        years = [y for y, _ in run]
        # Only consecutive years share a line ("2021–2023"), as the label says.
        chunk: list[int] = []
        for y in years:
            if chunk and y != chunk[-1] + 1:
                lines.append(f"{years_label(chunk)}: {text}")
                chunk = []
            chunk.append(y)
        lines.append(f"{years_label(chunk)}: {text}")
    return lines


def sources_note(view: FigureView, complete_from: int | None = None) -> list[Flowable]:
    st = styles()
    out: list[Flowable] = [
        para(
            "Waar de cijfers vandaan komen. Gepubliceerde cijfers van een jaar (uit een eerder "
            "jaarverslag of bij het vaststellen van het jaar) gaan voor; de registratie telt "
            "alleen voor de overige cijfers en alleen vanaf het jaar waarin ze volledig is. "
            "Een streepje: geen gegevens.",
            st.small,
        )
    ]
    out += [para("• " + esc(line), st.small) for line in sources_lines(view)]
    return out


# --- conflict cases ----------------------------------------------------------------------------


def conflicts(view: FigureView) -> list[Flowable]:
    """Conflictzaken: the pairs the system detected in the year and how they stand."""
    v, y = view, view.year
    rows = [
        v.compare_header("Conflictparen"),
        v.comparison_row("Gevonden in het jaar", "conflicts.detected"),
        v.comparison_row("– afgeschermd als conflictzaak", "conflicts.walled"),
        v.comparison_row("– nog in beoordeling (voorlopig afgeschermd)", "conflicts.under_review"),
        v.comparison_row("– na beoordeling geen conflict", "conflicts.not_conflict"),
    ]
    return [
        subheading("Conflictzaken"),
        para(
            "Zaken conflicteren wanneer zowel de meenemende als de achterblijvende ouder contact "
            "opneemt met het Centrum IKO. Om beide ouders neutraal te kunnen adviseren, worden "
            "zij door verschillende zaakbehandelaars geholpen, die elkaars dossier niet kunnen "
            "inzien. ikodesk herkent dezelfde familie in verschillende zaken automatisch, ook "
            "als de gegevens iets anders zijn gespeld, markeert de zaken als conflictzaak en "
            "schermt ze af; een twijfelachtige overeenkomst wordt voorlopig afgeschermd tot "
            "een beheerder haar heeft beoordeeld. De telling hieronder komt automatisch uit de "
            "registratie, zonder referenties of namen."
        ),
        block(
            para(
                f"In {y} vond het systeem "
                f"{v.count('conflicts.detected', 'conflictpaar', 'conflictparen', bold=True)}"
                f"{esc(v.versus('conflicts.detected'))}: {v.n('conflicts.walled')} "
                f"{v.nl('conflicts.walled', 'is', 'zijn')} als conflictzaak afgeschermd, "
                f"{v.n('conflicts.not_conflict')} "
                f"{v.nl('conflicts.not_conflict', 'bleek', 'bleken')} na beoordeling geen "
                f"conflict en {v.n('conflicts.under_review')} "
                f"{v.nl('conflicts.under_review', 'wordt', 'worden')} nog beoordeeld."
            ),
            data_table(rows, COMPARE_COLS),
        ),
    ]


# --- erratum -----------------------------------------------------------------------------------


def erratum(view: FigureView, keys: Sequence[str] | None = None) -> list[Flowable]:
    """The erratum page of a frozen year: every figure that changed since it was frozen.

    `keys` limits it to some figures (the mediation report: the mediation figures).
    """
    diff = view.erratum
    if diff is None:
        return []
    at = datetime.fromisoformat(diff["frozen_at"])
    changes = {
        k: c
        for k, c in diff["changes"].items()
        if keys is None or any(k.startswith(p) for p in keys)
    }
    st = styles()
    out: list[Flowable] = [
        PageBreak(),
        heading("Erratum"),
        para(
            esc(
                f"De cijfers over {diff['year']} zijn vastgesteld op "
                f"{nlformat.long_date(at.date())} om {at:%H:%M}. Dit rapport toont de "
                "vastgestelde cijfers. Late registraties en correcties hebben de registratie "
                "van dat jaar sindsdien veranderd"
                + (":" if changes else "; geen van de cijfers in dit rapport is daardoor anders.")
            )
        ),
    ]
    if not changes:
        return out
    rows: list[list[str]] = [["Cijfer", "Vastgesteld", "Nu", "Verschil"]]
    for key, pair in changes.items():
        fmt = nlformat.percent if key in RATE_KEYS else nlformat.number
        delta = difference(pair["now"], pair["frozen"])
        shown = nlformat.points(delta) if key in RATE_KEYS else nlformat.signed(delta)
        rows.append([figure_label(key), fmt(pair["frozen"]), fmt(pair["now"]), shown])
    w = 2.4 * cm
    out.append(data_table(rows, [CONTENT_WIDTH - 3 * w, w, w, w]))
    out.append(
        para(
            "Vastgesteld: het cijfer zoals het is gepubliceerd. Nu: wat de registratie vandaag "
            "geeft. Wie de cijfers opnieuw vaststelt, bewaart de eerdere versie.",
            st.note,
        )
    )
    return out
