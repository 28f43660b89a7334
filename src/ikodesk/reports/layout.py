"""The house style of ikodesk's PDF reports: fonts, colours, paragraphs, tables, pages.

Reports embed DejaVu Sans from the product's resources, so every name
("Çörüz", "Öztürk", "Łucja") renders and the text stays extractable. The pages
(header, footer, the atomic write) are in `reports.document`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

import pyphen
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import (
    Flowable,
    KeepTogether,
    NextPageTemplate,
    PageBreak,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)
from reportlab.platypus.flowables import HRFlowable

from ikodesk.resources import resource_path

Progress = Callable[[int, int], None]
"""progress(done, total): called while a report is built (for a progress bar)."""

FONT = "DejaVuSans"
FONT_BOLD = "DejaVuSans-Bold"

# One palette for every report: text, table header shading and chart series.
NAVY = colors.HexColor("#1B3A5C")
BLUE = colors.HexColor("#2E75B6")
ORANGE = colors.HexColor("#E07A1F")
LIGHT_BLUE = colors.HexColor("#9DC3E6")
GREEN = colors.HexColor("#5E9E4F")
GREY = colors.HexColor("#6B7280")
LIGHT_GREY = colors.HexColor("#D9DEE5")
HEADER_FILL = colors.HexColor("#DCE6F1")
ZEBRA = colors.HexColor("#F5F8FB")
TEXT = colors.HexColor("#1F2933")
SERIES = (NAVY, ORANGE, LIGHT_BLUE, GREEN)

PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN_X = 2.0 * cm
MARGIN_TOP = 2.4 * cm
MARGIN_BOTTOM = 2.0 * cm
CONTENT_WIDTH = PAGE_WIDTH - 2 * MARGIN_X


@cache
def register_fonts() -> None:
    """Register DejaVu Sans (regular and bold) once per process, as a font family."""
    pdfmetrics.registerFont(TTFont(FONT, str(resource_path("fonts", "DejaVuSans.ttf"))))
    pdfmetrics.registerFont(TTFont(FONT_BOLD, str(resource_path("fonts", "DejaVuSans-Bold.ttf"))))
    pdfmetrics.registerFontFamily(
        FONT, normal=FONT, bold=FONT_BOLD, italic=FONT, boldItalic=FONT_BOLD
    )


HYPHENATION_LANG = "nl_NL"  # pyphen's Dutch dictionary (LibreOffice's hyph_nl_NL.dic)
SOFT_HYPHEN = "\u00ad"
_LETTERS = re.compile(r"[^\W\d_]{5,}")  # a run of letters worth hyphenating


@cache
def _dutch() -> pyphen.Pyphen:
    # A missing dictionary (a bundle built without pyphen's data) fails here, loudly,
    # rather than falling back to breaking words between any two letters.
    return pyphen.Pyphen(lang=HYPHENATION_LANG)


def soft_hyphens(text: str, width: float, font: str, size: float) -> str:
    """`text` for a column `width` points wide: every word too wide for a line of its
    own gets soft hyphens at its Dutch syllables (pyphen's dictionary), so it breaks
    there, with a hyphen; everything else wraps between words as it would.

    (ReportLab's own `hyphenationLang` breaks words that would fit on the next line,
    and when no syllable fits what is left of a line it splits between any two letters;
    soft hyphens move such a word to the next line and break it there.)
    """
    dictionary = _dutch()

    def word(match: re.Match[str]) -> str:
        token = match.group(0)
        if pdfmetrics.stringWidth(token, font, size) <= width:
            return token
        return _LETTERS.sub(lambda m: str(dictionary.inserted(m.group(0), SOFT_HYPHEN)), token)

    return re.sub(r"\S+", word, text)


@dataclass(frozen=True)
class Styles:
    body: ParagraphStyle
    small: ParagraphStyle
    note: ParagraphStyle
    h1: ParagraphStyle
    h2: ParagraphStyle
    caption: ParagraphStyle
    cell: ParagraphStyle
    cell_bold: ParagraphStyle
    cell_right: ParagraphStyle
    cell_head: ParagraphStyle
    cell_head_right: ParagraphStyle
    cell_head_centre: ParagraphStyle
    cover_title: ParagraphStyle
    cover_sub: ParagraphStyle
    tile_value: ParagraphStyle
    tile_label: ParagraphStyle


@cache
def styles() -> Styles:
    register_fonts()
    body = ParagraphStyle(
        "body", fontName=FONT, fontSize=9.5, leading=13.5, textColor=TEXT, spaceAfter=6
    )
    cell = ParagraphStyle("cell", parent=body, fontSize=8.5, leading=10.5, spaceAfter=0)
    return Styles(
        body=body,
        small=ParagraphStyle("small", parent=body, fontSize=8, leading=10, textColor=GREY),
        note=ParagraphStyle(
            "note", parent=body, fontSize=8, leading=10.5, textColor=GREY, spaceBefore=2
        ),
        h1=ParagraphStyle(
            "h1",
            parent=body,
            fontName=FONT_BOLD,
            fontSize=16,
            leading=20,
            textColor=NAVY,
            spaceBefore=14,
            spaceAfter=8,
            keepWithNext=1,
        ),
        h2=ParagraphStyle(
            "h2",
            parent=body,
            fontName=FONT_BOLD,
            fontSize=11.5,
            leading=15,
            textColor=NAVY,
            spaceBefore=10,
            spaceAfter=4,
            keepWithNext=1,
        ),
        caption=ParagraphStyle(
            "caption",
            parent=body,
            fontName=FONT_BOLD,
            fontSize=9,
            leading=12,
            textColor=NAVY,
            spaceBefore=6,
            spaceAfter=2,
            keepWithNext=1,
        ),
        cell=cell,
        cell_bold=ParagraphStyle("cell_bold", parent=cell, fontName=FONT_BOLD),
        cell_right=ParagraphStyle("cell_right", parent=cell, alignment=TA_RIGHT),
        cell_head=ParagraphStyle("cell_head", parent=cell, fontName=FONT_BOLD, textColor=NAVY),
        cell_head_right=ParagraphStyle(
            "cell_head_right", parent=cell, fontName=FONT_BOLD, textColor=NAVY, alignment=TA_RIGHT
        ),
        cell_head_centre=ParagraphStyle(
            "cell_head_centre",
            parent=cell,
            fontName=FONT_BOLD,
            textColor=NAVY,
            alignment=TA_CENTER,
        ),
        cover_title=ParagraphStyle(
            "cover_title",
            parent=body,
            fontName=FONT_BOLD,
            fontSize=30,
            leading=36,
            textColor=NAVY,
            alignment=TA_LEFT,
        ),
        cover_sub=ParagraphStyle(
            "cover_sub", parent=body, fontSize=14, leading=19, textColor=BLUE, spaceAfter=4
        ),
        tile_value=ParagraphStyle(
            "tile_value", parent=body, fontName=FONT_BOLD, fontSize=20, leading=24, textColor=NAVY
        ),
        tile_label=ParagraphStyle(
            "tile_label", parent=body, fontSize=8.5, leading=11, textColor=GREY, spaceAfter=0
        ),
    )


def esc(text: object) -> str:
    """Text for a Paragraph (which reads a little XML): escape &, < and >."""
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def para(text: str, style: ParagraphStyle | None = None) -> Paragraph:
    """A paragraph of already escaped mark-up (<b> allowed)."""
    return Paragraph(text, style or styles().body)


def heading(text: str) -> Paragraph:
    return Paragraph(esc(text), styles().h1)


def subheading(text: str) -> Paragraph:
    return Paragraph(esc(text), styles().h2)


def block(*flowables: Flowable | None) -> KeepTogether:
    """Flowables kept on one page (a caption with its chart, a heading with its table)."""
    return KeepTogether([f for f in flowables if f is not None])


def no_data(text: str = "Geen gegevens beschikbaar.") -> Paragraph:
    return Paragraph(esc(text), styles().note)


# --- tables -----------------------------------------------------------------------------


Cell = str | Flowable
"""A table cell as the builders give it: text (wrapped into a paragraph) or a flowable."""


def data_table(
    rows: Sequence[Sequence[Cell]],
    col_widths: Sequence[float],
    *,
    header_rows: int = 1,
    total_row: bool = False,
    numeric_from: int = 1,
    spans: Sequence[tuple[tuple[int, int], tuple[int, int]]] = (),
) -> Table:
    """A table in the house style: shaded header, light rules, numbers right-aligned.

    Cells may be strings (wrapped into paragraphs here) or flowables. Columns
    from `numeric_from` on are right-aligned; `total_row` sets the last row bold.
    """
    st = styles()
    # A header spanning several columns (a year over its columns) is centred.
    centred = {start for start, end in spans if end[0] > start[0] and start[1] < header_rows}
    cells: list[list[Flowable]] = []
    for r, row in enumerate(rows):
        is_head = r < header_rows
        is_total = total_row and r == len(rows) - 1
        out: list[Flowable] = []
        for c, value in enumerate(row):
            if not isinstance(value, str):
                out.append(value)
                continue
            right = c >= numeric_from
            if is_head and (c, r) in centred:
                style = st.cell_head_centre
            elif is_head:
                style = st.cell_head_right if right else st.cell_head
            elif is_total:
                style = ParagraphStyle(
                    "total", parent=st.cell_right if right else st.cell, fontName=FONT_BOLD
                )
            else:
                style = st.cell_right if right else st.cell
            out.append(Paragraph(esc(value), style))
        cells.append(out)
    widths = _fit_widths(rows, col_widths, header_rows, spans, numeric_from)
    table = Table(cells, colWidths=widths, repeatRows=header_rows, hAlign="LEFT")
    commands: list[tuple[Any, ...]] = [
        ("FONTNAME", (0, 0), (-1, -1), FONT),  # the cell default would be Helvetica
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
        ("LEFTPADDING", (0, 0), (-1, -1), 5),
        ("RIGHTPADDING", (0, 0), (-1, -1), 5),
        ("BACKGROUND", (0, 0), (-1, header_rows - 1), HEADER_FILL),
        ("LINEBELOW", (0, header_rows - 1), (-1, header_rows - 1), 0.8, NAVY),
        ("ROWBACKGROUNDS", (0, header_rows), (-1, -1), [colors.white, ZEBRA]),
        ("LINEBELOW", (0, header_rows), (-1, -1), 0.25, LIGHT_GREY),
    ]
    if total_row:
        commands += [
            ("LINEABOVE", (0, -1), (-1, -1), 0.8, NAVY),
            ("BACKGROUND", (0, -1), (-1, -1), HEADER_FILL),
        ]
    for start, end in spans:
        commands.append(("SPAN", start, end))
    table.setStyle(TableStyle(commands))
    return table


_CELL_PADDING = 10  # LEFTPADDING + RIGHTPADDING of data_table


def _fit_widths(
    rows: Sequence[Sequence[Cell]],
    col_widths: Sequence[float],
    header_rows: int,
    spans: Sequence[tuple[tuple[int, int], tuple[int, int]]],
    numeric_from: int,
) -> list[float]:
    """Widen columns whose words or numbers would not fit (no word or number is
    ever broken inside), taking the room from the first, text column."""
    spanned = {
        (c, r)
        for (c0, r0), (c1, r1) in spans
        for c in range(c0, c1 + 1)
        for r in range(r0, r1 + 1)
        if c1 > c0
    }
    widths = list(col_widths)
    need = [0.0] * len(widths)
    for r, row in enumerate(rows):
        font = FONT_BOLD if r < header_rows else FONT
        for c, value in enumerate(row):
            if not isinstance(value, str) or (c, r) in spanned:
                continue
            numeric = r >= header_rows and c >= numeric_from
            words = [value] if numeric else value.split()
            for word in words:
                need[c] = max(need[c], pdfmetrics.stringWidth(word, font, 8.5) + _CELL_PADDING + 2)
    extra = sum(max(0.0, need[c] - widths[c]) for c in range(1, len(widths)))
    if extra and widths[0] - extra >= need[0]:
        for c in range(1, len(widths)):
            widths[c] = max(widths[c], need[c])
        widths[0] -= extra
    return widths


def _kept(block: KeepTogether) -> list[Flowable]:
    """The flowables a KeepTogether holds (reportlab keeps them in `_content`, a list)."""
    content: list[Flowable] = block._content  # type: ignore[attr-defined]  # not in the stubs
    return list(content)


def glue_headings(story: Sequence[Flowable]) -> list[Flowable]:
    """Keep every heading (a flowable with keepWithNext) on the page of what follows.

    ReportLab does not join a heading to a following KeepTogether block, so a
    heading could end up alone at the bottom of a page; join them here.
    """
    out: list[Flowable] = []
    pending: list[Flowable] = []
    for flowable in story:
        if getattr(flowable, "getKeepWithNext", lambda: False)() and isinstance(
            flowable, Paragraph
        ):
            pending.append(flowable)
            continue
        if pending:
            content = _kept(flowable) if isinstance(flowable, KeepTogether) else [flowable]
            out.append(KeepTogether([*pending, *content]))
            pending = []
        else:
            out.append(flowable)
    out.extend(pending)
    return out


def tiles(items: Sequence[tuple[str, str]], width: float = CONTENT_WIDTH) -> Table:
    """Key figures as tiles: a big number with a label under it."""
    st = styles()
    cols = len(items)
    cells = [
        [
            [Paragraph(esc(value), st.tile_value), Paragraph(esc(text), st.tile_label)]
            for value, text in items
        ]
    ]
    table = Table(cells, colWidths=[width / cols] * cols, hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), FONT),
                ("BACKGROUND", (0, 0), (-1, -1), HEADER_FILL),
                ("LINEBEFORE", (1, 0), (-1, -1), 2, colors.white),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("TOPPADDING", (0, 0), (-1, -1), 8),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 9),
                ("LEFTPADDING", (0, 0), (-1, -1), 9),
            ]
        )
    )
    return table


def cover_break() -> list[Flowable]:
    """End the cover page: the rest of the story goes on content pages."""
    return [NextPageTemplate("content"), PageBreak()]


def rule() -> HRFlowable:
    return HRFlowable(width="100%", thickness=0.6, color=LIGHT_GREY, spaceBefore=4, spaceAfter=8)


def gap(height: float = 6) -> Spacer:
    return Spacer(1, height)
