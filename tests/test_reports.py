"""The PDF report builders: empty years, progress, atomic writes, fonts, charts, formats.

No database: the builders take figures already computed (an empty year's, from a file,
as the key holder); only the first test, an empty year's report, reads its figures from
both backends (`backend`, as a manager's own login). The figures themselves are
tests/test_figures.py and tests/test_reporting.py, on both backends.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader
from reportlab.platypus import BaseDocTemplate, KeepTogether, Paragraph, Spacer

from ikodesk.models.enums import Role
from ikodesk.reports import charts
from ikodesk.reports.annual import build_annual_report
from ikodesk.reports.layout import glue_headings, heading, styles
from ikodesk.reports.mediation import build_mediation_report
from ikodesk.services import nlformat
from ikodesk.services.actors import Actor
from ikodesk.services.figures import report_figures
from ikodesk.storage import Database
from tests.support.backends import Backend

BUILDERS = [build_annual_report, build_mediation_report]


@pytest.fixture
def empty_year(db: Database) -> dict[str, Any]:
    with db.session() as s:
        return report_figures(s, Actor.key_holder(), 2030)


def _text(pdf: Path) -> str:
    return "\n".join(page.extract_text() or "" for page in PdfReader(pdf).pages)


@pytest.mark.parametrize("build", BUILDERS)
def test_a_year_without_any_data_still_gives_a_report(
    build: Any, backend: Backend, tmp_path: Path
) -> None:
    backend.add_users(("directie", Role.MANAGER))
    manager = backend.as_("directie")
    with manager.session() as s:
        figures = report_figures(s, manager.actor, 2030)
    result = build(figures, tmp_path / "leeg.pdf", generated_on=date(2031, 1, 15))
    assert result.path == tmp_path / "leeg.pdf" and result.pages >= 2
    text = _text(result.path)
    assert "2030" in text and "Geen gegevens" in text
    assert "15 januari 2031" in text
    assert f"Pagina {result.pages} van {result.pages}" in text


@pytest.mark.parametrize("build", BUILDERS)
def test_progress_rises_to_the_total(
    build: Any, empty_year: dict[str, Any], tmp_path: Path
) -> None:
    calls: list[tuple[int, int]] = []
    build(empty_year, tmp_path / "r.pdf", progress=lambda done, total: calls.append((done, total)))
    assert len(calls) > 3
    assert all(total == 100 for _, total in calls)
    done = [d for d, _ in calls]
    assert done == sorted(done) and done[-1] == 100


@pytest.mark.parametrize("build", BUILDERS)
def test_a_failed_build_leaves_no_file_and_keeps_the_old_one(
    build: Any, empty_year: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "out").mkdir()
    target = tmp_path / "out" / "jaarverslag.pdf"
    target.write_bytes(b"%PDF-1.4 old report")

    def broken(self: Any, *args: Any, **kwargs: Any) -> None:
        out = self.filename  # the helper's open temporary file (or a path)
        if hasattr(out, "write"):
            out.write(b"half a PDF")
        else:
            Path(out).write_bytes(b"half a PDF")
        raise OSError("schijf vol")

    monkeypatch.setattr(BaseDocTemplate, "build", broken)
    with pytest.raises(OSError):
        build(empty_year, target)
    assert target.read_bytes() == b"%PDF-1.4 old report"
    assert [p.name for p in target.parent.iterdir()] == ["jaarverslag.pdf"]


def test_the_fonts_are_embedded(empty_year: dict[str, Any], tmp_path: Path) -> None:
    result = build_annual_report(empty_year, tmp_path / "r.pdf")
    fonts: set[str] = set()
    for page in PdfReader(result.path).pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            assert font["/Subtype"] == "/TrueType"
            assert "/FontFile2" in font["/FontDescriptor"]  # the font program is in the file
            fonts.add(str(font["/BaseFont"]).split("+")[-1])
    assert fonts == {"DejaVuSans", "DejaVuSans-Bold"}


def test_four_year_charts_leave_out_years_without_figures() -> None:
    drawing = charts.year_bars(
        [2021, 2022, 2023, 2024],
        [("Lijn 1", [None, 5, None, 7]), ("Lijn 2", [None, 1, None, None])],
    )
    assert drawing is not None
    chart = charts.source(drawing).contents[0]
    assert chart.categoryAxis.categoryNames == ["2022", "2024"]
    assert chart.data == [[5, 7], [1, None]]
    assert charts.year_bars([2021, 2022], [("a", [None, None])]) is None


def test_chart_labels_use_dutch_numbers() -> None:
    drawing = charts.grouped_bars(["2024"], [("Zaken", [10829])])
    chart = charts.source(drawing).contents[0]
    assert chart.barLabelFormat(10829) == "10.829"
    assert chart.valueAxis.labelTextFormat(12500) == "12.500"
    rates = charts.source(
        charts.grouped_bars(["2021"], [("Geslaagd", [37.5])], percent=True)
    ).contents[0]
    assert rates.barLabelFormat(37.5) == "37,5%" and rates.valueAxis.valueMax == 100


def test_country_names_are_never_clipped() -> None:
    long_name = "Bosnië en Herzegovina"
    drawing = charts.ranked_bars([(long_name, 3), ("Polen", 20)])
    assert drawing is not None
    chart = charts.source(drawing).contents[0]
    from reportlab.pdfbase.pdfmetrics import stringWidth

    assert chart.x >= stringWidth(long_name, "DejaVuSans", 8) + 6
    assert chart.x + chart.width <= drawing.width


def test_a_heading_is_kept_with_the_block_after_it() -> None:
    h = heading("Preventiezaken")
    body = KeepTogether([Spacer(1, 10), Paragraph("tabel", styles().body)])
    glued = glue_headings([h, body, Paragraph("los", styles().body)])
    assert isinstance(glued[0], KeepTogether)
    assert glued[0]._content[0] is h and len(glued) == 2


def test_dutch_number_formats() -> None:
    assert nlformat.number(10829) == "10.829"
    assert nlformat.number(1234567) == "1.234.567"
    assert nlformat.number(37.5) == "37,5"
    assert nlformat.number(1234.5) == "1.234,5"
    assert nlformat.number(48.0) == "48"
    assert nlformat.number(None) == "–"
    assert nlformat.percent(48) == "48%"
    assert nlformat.change(62) == "+62%" and nlformat.change(-9) == "-9%"
    assert nlformat.change(0) == "0%" and nlformat.change(None) == "–"
    assert nlformat.long_date(date(2024, 2, 9)) == "9 februari 2024"


def test_the_first_pass_only_lays_out_and_the_pdf_is_the_same(
    empty_year: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The table of contents' first pass draws nothing (issue #16, point 4), yet the
    PDF is byte for byte what drawing every pass wrote: same pages, same contents'
    page numbers, same outline."""
    from reportlab import rl_config
    from reportlab.platypus import Flowable

    from ikodesk.reports import document

    monkeypatch.setattr(rl_config, "invariant", 1)  # no creation date, a fixed file id
    drawn_per_pass: list[int] = []
    draw = Flowable.drawOn

    def counting_draw(self: Flowable, *args: Any, **kwargs: Any) -> None:
        drawn_per_pass[-1] += 1
        draw(self, *args, **kwargs)

    build_doc = document._Document.build

    def counting_build(self: Any, *args: Any, **kwargs: Any) -> None:
        drawn_per_pass.append(0)
        build_doc(self, *args, **kwargs)

    monkeypatch.setattr(Flowable, "drawOn", counting_draw)
    monkeypatch.setattr(document._Document, "build", counting_build)
    made = date(2025, 1, 10)
    fast = build_annual_report(empty_year, tmp_path / "fast.pdf", generated_on=made)
    passes = list(drawn_per_pass)
    monkeypatch.setattr(document._Document, "layout_first_pass", False)
    drawn_per_pass.clear()
    slow = build_annual_report(empty_year, tmp_path / "slow.pdf", generated_on=made)

    assert len(passes) >= 2  # a table of contents: more than one pass
    assert passes[0] == 0 and all(n > 0 for n in passes[1:])
    assert drawn_per_pass[0] > 0  # every pass drew before
    assert fast.pages == slow.pages > 2
    assert fast.path.read_bytes() == slow.path.read_bytes()
