"""The PDF document of a report: page templates, header and footer, the atomic write.

The house style (fonts, colours, paragraphs, tables) is in `reports.layout`; this
module puts a story on pages: a cover, content pages with the title and year in
the header and "Pagina x van y" in the footer, written atomically and owner-only.
"""

import gc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Literal

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import cm
from reportlab.pdfbase.pdfdoc import PDFDocument
from reportlab.pdfgen import canvas as rl_canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    PageTemplate,
    Paragraph,
)
from reportlab.platypus.tableofcontents import TableOfContents

from ikodesk.reports.layout import (
    CONTENT_WIDTH,
    FONT,
    FONT_BOLD,
    GREY,
    LIGHT_GREY,
    MARGIN_BOTTOM,
    MARGIN_TOP,
    MARGIN_X,
    NAVY,
    ORANGE,
    PAGE_HEIGHT,
    PAGE_WIDTH,
    Progress,
    glue_headings,
    register_fonts,
)
from ikodesk.services import nlformat
from ikodesk.storage import files


@dataclass(frozen=True)
class BuiltReport:
    """What a report builder wrote: the PDF and its number of pages."""

    path: Path
    pages: int


@dataclass(frozen=True)
class ReportInfo:
    title: str  # e.g. "Jaarcijfers 2024"
    subject: str
    organisation: str = "Centrum Internationale Kinderontvoering"
    generated_on: date | None = None
    cover: bool = True  # the first page is a cover without header and footer


PageDecoration = Callable[[rl_canvas.Canvas, int, int], None]
"""decorate(canvas, page, total): draws a page's header and footer once the total is known."""


def numbered_canvas(
    decorate: PageDecoration, pages_out: list[int] | None = None
) -> type[rl_canvas.Canvas]:
    """A canvas class (for `build(canvasmaker=...)`) that keeps every page until the
    document is finished, then calls `decorate(canvas, page, total)` on each: ReportLab's
    two-pass recipe for "Pagina x van y". The total is appended to `pages_out`."""

    class NumberedCanvas(rl_canvas.Canvas):
        # reportlab's own page-count recipe: a private Canvas method the stubs leave out.
        # An annotation only (nothing is defined here), so the inherited method runs.
        _startPage: Callable[[], None]
        _doc: PDFDocument  # the canvas's document (also private, also not in the stubs)

        def __init__(self, *args: Any, **kwargs: Any) -> None:  # passed through unchanged
            super().__init__(*args, **kwargs)
            self._page_states: list[dict[str, object]] = []
            self._first_page_ref: int = self._doc.pageCounter

        def showPage(self) -> None:
            self._page_states.append(dict(self.__dict__))
            self._startPage()
            # The page is written only in save(); until then the document would name
            # every page "Page1", and every bookmark, outline entry and contents link
            # would lead to the first page. Count on as the real showPage does.
            self._doc.pageCounter += 1
            self._doc.inObject = None

        def save(self) -> None:
            total = len(self._page_states)
            if pages_out is not None:
                pages_out.append(total)
            self._doc.pageCounter = self._first_page_ref
            for state in self._page_states:
                self.__dict__.update(state)
                self.saveState()
                decorate(self, self.getPageNumber(), total)
                self.restoreState()
                super().showPage()
            super().save()

    return NumberedCanvas


def _canvas_class(info: ReportInfo, pages_out: list[int]) -> type[rl_canvas.Canvas]:
    """A canvas that draws the report's header and footer once the number of pages is known."""
    made = nlformat.long_date(info.generated_on or date.today())

    def decorate(canv: rl_canvas.Canvas, page: int, total: int) -> None:
        if info.cover and page == 1:
            return
        top = PAGE_HEIGHT - 1.3 * cm
        canv.setFillColor(NAVY)
        canv.setFont(FONT_BOLD, 8.5)
        canv.drawString(MARGIN_X, top, info.title)
        canv.setFont(FONT, 8.5)
        canv.setFillColor(GREY)
        canv.drawRightString(PAGE_WIDTH - MARGIN_X, top, info.organisation)
        canv.setStrokeColor(LIGHT_GREY)
        canv.setLineWidth(0.6)
        canv.line(MARGIN_X, top - 5, PAGE_WIDTH - MARGIN_X, top - 5)
        bottom = 1.15 * cm
        canv.line(MARGIN_X, bottom + 10, PAGE_WIDTH - MARGIN_X, bottom + 10)
        canv.setFont(FONT, 8)
        canv.drawString(MARGIN_X, bottom, f"Opgesteld met ikodesk op {made}")
        canv.drawRightString(PAGE_WIDTH - MARGIN_X, bottom, f"Pagina {page} van {total}")

    return numbered_canvas(decorate, pages_out)


def _cover_background(canv: rl_canvas.Canvas, _doc: BaseDocTemplate) -> None:
    canv.saveState()
    canv.setFillColor(NAVY)
    canv.rect(0, PAGE_HEIGHT - 1.2 * cm, PAGE_WIDTH, 1.2 * cm, stroke=0, fill=1)
    canv.setFillColor(ORANGE)
    canv.rect(0, PAGE_HEIGHT - 1.45 * cm, PAGE_WIDTH, 0.25 * cm, stroke=0, fill=1)
    canv.setFillColor(NAVY)
    canv.rect(0, 0, PAGE_WIDTH, 0.6 * cm, stroke=0, fill=1)
    canv.restoreState()


def _skip_drawing(*_args: Any, **_kwargs: Any) -> None:
    """A flowable's drawOn while a pass only lays out."""


class _Frame(Frame):
    """A frame that can lay flowables out without drawing them.

    The table of contents needs a pass that only learns on which page each chapter
    starts; nothing drawn in it is written. While `layout_only` is set, `_add` does
    everything it does (wrap, split, move down the frame) except the drawing, which
    is most of a pass's time (charts, tables, paragraphs): issue #16, point 4.
    """

    layout_only = False

    def _add(self, flowable: Flowable, canv: rl_canvas.Canvas, trySplit: int = 0) -> Literal[0, 1]:
        if not self.layout_only:
            return super().add(flowable, canv, trySplit)
        # Frame._add calls flowable.drawOn(...): shadow it on this instance for the
        # call only, so the flowable is placed exactly as it would be, but not drawn.
        flowable.__dict__["drawOn"] = _skip_drawing
        try:
            return super().add(flowable, canv, trySplit)
        finally:
            del flowable.__dict__["drawOn"]

    add = _add  # Frame binds `add` to its own _add; the document calls `add`


def _content_frame(template_id: str) -> Frame:
    return _Frame(
        MARGIN_X,
        MARGIN_BOTTOM,
        CONTENT_WIDTH,
        PAGE_HEIGHT - MARGIN_TOP - MARGIN_BOTTOM,
        id=template_id,
        leftPadding=0,
        rightPadding=0,
        topPadding=0,
        bottomPadding=0,
    )


class _Document(BaseDocTemplate):
    """Chapter headings (style h1) go into the table of contents and the PDF's outline.

    With a table of contents (`multiBuild`), the first pass only lays out (see
    `_Frame`): it is never the pass that is written, since the contents are never
    complete after it (ReportLab compares them with the previous pass's, and there
    is none). Every later pass draws, so the pass written is drawn whatever the
    number of passes.
    """

    layout_first_pass = True
    _passes = 0

    def build(self, flowables: list[Flowable], *args: Any, **kwargs: Any) -> None:
        self._passes += 1
        layout_only = (
            self.layout_first_pass and self._passes == 1 and bool(self._indexing_flowables())
        )
        for template in self.pageTemplates:
            for frame in template.frames:
                if isinstance(frame, _Frame):
                    frame.layout_only = layout_only
        self._layout_only = layout_only
        super().build(flowables, *args, **kwargs)

    def _indexing_flowables(self) -> list[Flowable]:
        return list(getattr(self, "_indexingFlowables", None) or [])

    def _allSatisfied(self) -> int:
        # A pass that drew nothing cannot be the one written.
        if getattr(self, "_layout_only", False):
            return 0
        return int(super()._allSatisfied())  # type: ignore[misc]  # private, not in the stubs

    def afterFlowable(self, flowable: Flowable) -> None:
        if isinstance(flowable, Paragraph) and flowable.style.name == "h1":
            text = flowable.getPlainText()
            key = f"chapter-{self.page}-{abs(hash(text))}"
            self.canv.bookmarkPage(key)
            self.canv.addOutlineEntry(text, key, level=0, closed=True)
            self.notify("TOCEntry", (0, text, self.page, key))


@contextmanager
def gc_paused() -> Iterator[None]:
    """No cyclic garbage collection while a report is built.

    Building one allocates hundreds of thousands of small objects (drawings,
    paragraph fragments, table cells), so the collector ran its full passes
    over every live object of the process (SQLAlchemy, ReportLab, the models)
    again and again: 0.1-0.2 s of the annual report. The report's own garbage
    is collected by reference counting and by the next pass after it.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def write_pdf(
    path: Path,
    info: ReportInfo,
    story: list[Flowable],
    progress: Progress | None = None,
    done_before: int = 0,
    total: int = 100,
) -> BuiltReport:
    """Lay out `story` into `path`, atomically; returns the path and the page count.

    With a cover, the story starts on the cover page and must switch with
    `NextPageTemplate("content")` + `PageBreak()` (see `cover_break`).
    """
    register_fonts()
    target = Path(path)
    pages: list[int] = []
    templates = []
    if info.cover:
        templates.append(
            PageTemplate(id="cover", frames=[_content_frame("cover")], onPage=_cover_background)
        )
    templates.append(PageTemplate(id="content", frames=[_content_frame("content")]))
    # Written through storage.files: owner-only, atomic, never through a planted link.
    with gc_paused(), files.safe_output(target) as fh:
        doc = _Document(
            fh,
            pagesize=A4,
            pageTemplates=templates,
            leftMargin=MARGIN_X,
            rightMargin=MARGIN_X,
            topMargin=MARGIN_TOP,
            bottomMargin=MARGIN_BOTTOM,
            title=info.title,
            subject=info.subject,
            author=info.organisation,
            creator="ikodesk",
            lang="nl-NL",
            displayDocTitle=1,
            # Otherwise every page references Helvetica, a font the PDF does not embed.
            initialFontName=FONT,
            initialFontSize=9.5,
        )
        if progress is not None:
            estimate = [1]
            reported = [done_before]

            def on_progress(kind: str, value: int) -> None:
                if kind == "SIZE_EST":
                    estimate[0] = max(int(value), 1)
                elif kind == "PROGRESS":
                    # Split flowables grow the list, so the raw count may step back:
                    # a progress bar only ever moves forward.
                    share = min(int(value), estimate[0]) / estimate[0]
                    done = max(reported[0], done_before + int((total - done_before - 1) * share))
                    if done != reported[0]:
                        reported[0] = done
                        progress(done, total)

            doc.setProgressCallBack(on_progress)
        laid_out = glue_headings(story)
        if any(isinstance(f, TableOfContents) for f in laid_out):
            # A second pass fills in the page numbers of the table of contents; only the
            # last pass is written.
            doc.multiBuild(laid_out, canvasmaker=_canvas_class(info, pages))
        else:
            doc.build(laid_out, canvasmaker=_canvas_class(info, pages))
    if progress is not None:
        progress(total, total)
    return BuiltReport(target, pages[-1] if pages else 0)
