"""The Mediation Bureau's report: `ikodesk report mediation --year YYYY -o FILE.pdf`.

Requests (IKO/NIKO), how they went on (started, not continued, not suitable,
special curators), outcomes and success rates with their four-year trend,
child interviews and the reasons mediations failed. The mediation sections
are shared with the annual report.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import Any

from reportlab.lib.units import cm
from reportlab.platypus import Flowable

from ikodesk.reports import annual_texts
from ikodesk.reports.annual_parts import COMPARE_COLS
from ikodesk.reports.document import BuiltReport, ReportInfo, write_pdf
from ikodesk.reports.layout import (
    CONTENT_WIDTH,
    Progress,
    block,
    data_table,
    esc,
    gap,
    heading,
    para,
    styles,
    subheading,
    tiles,
)
from ikodesk.reports.view import FigureView
from ikodesk.services import nlformat
from ikodesk.services.figure_keys import FAILURE_REASONS
from ikodesk.services.figure_labels import part_label
from ikodesk.services.figures import change_pct
from ikodesk.services.nlformat import agree, counted

KINDS = ("iko", "niko")
_COLS4 = [CONTENT_WIDTH - 3 * 2.6 * cm, 2.6 * cm, 2.6 * cm, 2.6 * cm]


def _n(value: float | None) -> str:
    return nlformat.number(value)


def _sum(view: FigureView, keys: list[str]) -> int:
    return sum(int(view.cur(k) or 0) for k in keys)


def requests_section(view: FigureView) -> list[Flowable]:
    y = view.year
    not_suitable = _sum(view, [f"mediation.not_suitable.{k}" for k in KINDS])
    out: list[Flowable] = [
        para(
            f"In {y} ontving het Mediation Bureau "
            f"{view.count('mediation.requests.total', 'verzoek', 'verzoeken', bold=True)} "
            f"voor crossborder mediation{esc(view.versus('mediation.requests.total'))}: "
            f"{view.n('mediation.requests.iko')} in internationale kinderontvoeringszaken (IKO) "
            f"en {view.n('mediation.requests.niko')} in andere internationale familiezaken (NIKO)."
        ),
        para(
            f"Van {view.nl('mediation.requests.iko', 'het', 'de')} "
            f"{view.count('mediation.requests.iko', 'IKO-verzoek', 'IKO-verzoeken')} "
            f"{view.nl('mediation.started.iko', 'werd', 'werden')} er "
            f"{view.count('mediation.started.iko', 'mediation', 'mediations')} opgestart en "
            f"{view.count('mediation.not_started.iko', 'verzoek', 'verzoeken')} niet voortgezet. "
            f"Van {view.nl('mediation.requests.niko', 'het', 'de')} "
            f"{view.count('mediation.requests.niko', 'NIKO-verzoek', 'NIKO-verzoeken')} "
            f"{view.nl('mediation.started.niko', 'werd', 'werden')} er "
            f"{view.n('mediation.started.niko')} opgestart en "
            f"{view.n('mediation.not_started.niko')} niet voortgezet. Na de intake met de "
            f"mediators {agree(not_suitable, 'bleek', 'bleken')} "
            f"{counted(not_suitable, 'opgestart verzoek', 'opgestarte verzoeken')} "
            "niet geschikt voor crossborder mediation "
            f"({view.n('mediation.not_suitable.iko')} IKO, "
            f"{view.n('mediation.not_suitable.niko')} NIKO)."
        ),
        para(
            f"In {y} heeft het Mediation Bureau {view.n('mediation.special_curator')} keer een "
            "bijzondere curator benoemd (bij verzoeken die niet werden voortgezet, voor "
            "kinderen ouder dan drie jaar)."
        ),
    ]
    rows: list[list[str]] = [
        [f"Verzoeken ontvangen in {y}", "IKO", "NIKO", f"Totaal {y}", str(view.compare), "Verschil"]
    ]
    for part in ("requests", "started", "not_started", "not_suitable"):
        keys = [f"mediation.{part}.{k}" for k in KINDS]
        prev = [view.prev(k) for k in keys]
        total_prev = None if None in prev else sum(prev)
        total = _sum(view, keys)
        rows.append(
            [
                part_label(part),
                view.n(keys[0]),
                view.n(keys[1]),
                _n(total),
                _n(total_prev),
                nlformat.change(change_pct(total, total_prev)),
            ]
        )
    rows.append(
        [
            "Bijzondere curatoren benoemd",
            "",
            "",
            view.n("mediation.special_curator"),
            _n(view.prev("mediation.special_curator")),
            nlformat.change(view.change("mediation.special_curator")),
        ]
    )
    w = 2.2 * cm
    out.append(block(gap(2), data_table(rows, [CONTENT_WIDTH - 5 * w, w, w, w, w, w])))
    return out


def outcomes_section(view: FigureView, *, with_niko_chart: bool = False) -> list[Flowable]:
    y = view.year
    ok_all = _sum(
        view,
        [
            f"mediation.outcomes.{k}.{o}"
            for k in KINDS
            for o in ("full_agreement", "mirror_agreement")
        ],
    )
    failed_all = _sum(view, [f"mediation.outcomes.{k}.no_agreement" for k in KINDS])
    ok_iko = _sum(
        view, [f"mediation.outcomes.iko.{o}" for o in ("full_agreement", "mirror_agreement")]
    )
    ended_iko = ok_iko + int(view.cur("mediation.outcomes.iko.no_agreement") or 0)
    out: list[Flowable] = [
        para(
            f"Van de mediations die in {y} zijn afgerond, "
            f"{agree(ok_all, 'eindigde', 'eindigden')} er {_n(ok_all)} met een "
            f"volledige overeenkomst of een spiegelovereenkomst en {_n(failed_all)} zonder "
            f"overeenkomst. Dat is een slagingspercentage van "
            f"<b>{nlformat.percent(view.cur('mediation.success_rate.all'))}</b>"
            f"{esc(_versus_rate(view, 'mediation.success_rate.all'))}. In IKO-zaken "
            f"{agree(ok_iko, 'slaagde', 'slaagden')} {_n(ok_iko)} van de "
            f"{counted(ended_iko, 'mediation', 'mediations')} "
            f"({nlformat.percent(view.cur('mediation.success_rate.iko'))}), in NIKO-zaken "
            f"{nlformat.percent(view.cur('mediation.success_rate.niko'))}."
        )
    ]
    rows: list[list[str]] = [[f"Afgerond in {y}", "IKO", "NIKO", "Totaal"]]
    for outcome in ("full_agreement", "mirror_agreement", "no_agreement"):
        iko = view.cur(f"mediation.outcomes.iko.{outcome}")
        niko = view.cur(f"mediation.outcomes.niko.{outcome}")
        rows.append([part_label(outcome), _n(iko), _n(niko), _n((iko or 0) + (niko or 0))])
    rows.append(
        [
            "Slagingspercentage",
            nlformat.percent(view.cur("mediation.success_rate.iko")),
            nlformat.percent(view.cur("mediation.success_rate.niko")),
            nlformat.percent(view.cur("mediation.success_rate.all")),
        ]
    )
    out.append(block(gap(2), data_table(rows, _COLS4, total_row=True)))
    out.append(
        para(
            "Slagingspercentage: geslaagde mediations (volledige overeenkomst of "
            "spiegelovereenkomst) gedeeld door alle mediations die in het jaar met of zonder "
            "overeenkomst zijn afgerond.",
            styles().note,
        )
    )
    out.append(
        view.trend_chart(
            "Slagingspercentage mediation {years}",
            [("Geslaagd", "mediation.success_rate.all")],
            percent_values=True,
            with_complement="Niet geslaagd",
        )
    )
    out.append(
        view.trend_chart(
            "Slagingspercentage IKO {years}",
            [("Geslaagd", "mediation.success_rate.iko")],
            percent_values=True,
            with_complement="Niet geslaagd",
        )
    )
    if with_niko_chart:
        out.append(
            view.trend_chart(
                "Slagingspercentage NIKO {years}",
                [("Geslaagd", "mediation.success_rate.niko")],
                percent_values=True,
                with_complement="Niet geslaagd",
            )
        )
    return out


def _versus_rate(view: FigureView, key: str) -> str:
    """ " (in 2023: 51%, -3 procentpunt)": a rate changes in percentage points."""
    prev = view.prev(key)
    if prev is None:
        return ""
    points = view.difference(key)
    return f" (in {view.compare}: {nlformat.percent(prev)}" + (
        f", {nlformat.points(points)})" if points is not None else ")"
    )


def interviews_section(view: FigureView) -> list[Flowable]:
    y = view.year
    text = [
        para(
            f"In {y} {view.nl('mediation.child_interviews.total', 'werd', 'werden')} "
            + view.count(
                "mediation.child_interviews.total", "kindgesprek", "kindgesprekken", bold=True
            )
            + f" gevoerd{esc(view.versus('mediation.child_interviews.total'))}, met in totaal "
            f"{view.count('mediation.child_interviews.children', 'kind', 'kinderen')} "
            "(vanaf drie jaar): "
            f"{view.n('mediation.child_interviews.iko')} in IKO-zaken en "
            f"{view.n('mediation.child_interviews.niko')} in NIKO-zaken."
        )
    ]
    rows = [
        view.compare_header(),
        view.comparison_row("Kindgesprekken", "mediation.child_interviews.total"),
        view.comparison_row("– in IKO-zaken", "mediation.child_interviews.iko"),
        view.comparison_row("– in NIKO-zaken", "mediation.child_interviews.niko"),
        view.comparison_row("Kinderen gehoord", "mediation.child_interviews.children"),
    ]
    return [block(*text, data_table(rows, COMPARE_COLS))]


def failure_section(view: FigureView, reasons: Mapping[str, Mapping[str, int]]) -> list[Flowable]:
    failed = _sum(view, [f"mediation.outcomes.{k}.no_agreement" for k in KINDS])
    text = [
        para(
            f"Van de {counted(failed, 'mediation die', 'mediations die')} in {view.year} "
            f"zonder overeenkomst {agree(failed, 'eindigde', 'eindigden')}, "
            "is vastgelegd waarom ouders er niet in slaagden tot een overeenkomst te komen. "
            "Een mediation kan meer dan één reden hebben."
        )
    ]
    rows: list[list[str]] = [["Reden", "IKO", "NIKO", "Totaal"]]
    for reason in FAILURE_REASONS:
        rows.append(
            [
                part_label(reason),
                _n(reasons["iko"][reason]),
                _n(reasons["niko"][reason]),
                _n(reasons["all"][reason]),
            ]
        )
    return [block(*text, data_table(rows, _COLS4))]


def build_mediation_report(
    data: Mapping[str, Any],
    path: Path,
    *,
    progress: Progress | None = None,
    generated_on: date | None = None,
) -> BuiltReport:
    """Write the Mediation Bureau's report of `data["year"]` to `path` (PDF, atomically).

    `data` is `services.figures.report_figures(...)`. `progress(done, total)`
    is called while building (from the calling thread).
    """
    view = FigureView(data)
    y = view.year
    info = ReportInfo(
        title=f"Mediationcijfers {y}",
        subject=f"Cijfers van het Mediation Bureau over {y}",
        generated_on=generated_on,
        cover=False,
    )
    st = styles()
    started = _sum(view, [f"mediation.started.{k}" for k in KINDS])
    story: list[Flowable] = [
        para(esc(f"Mediationcijfers {y}"), st.cover_title),
        para(
            "Mediation Bureau – crossborder mediation bij internationale familieconflicten",
            st.cover_sub,
        ),
        gap(8),
        tiles(
            [
                (
                    view.n("mediation.requests.total"),
                    view.nl("mediation.requests.total", "verzoek", "verzoeken"),
                ),
                (_n(started), agree(started, "mediation opgestart", "mediations opgestart")),
                (nlformat.percent(view.cur("mediation.success_rate.all")), "slagingspercentage"),
                (
                    view.n("mediation.child_interviews.total"),
                    view.nl("mediation.child_interviews.total", "kindgesprek", "kindgesprekken"),
                ),
            ]
        ),
        gap(10),
    ]
    if progress:
        progress(5, 100)
    story += [heading("Verzoeken en verloop"), *requests_section(view)]
    story += [
        heading("Uitkomsten en slagingspercentage"),
        *outcomes_section(view, with_niko_chart=True),
    ]
    if progress:
        progress(15, 100)
    story += [heading("Redenen van niet slagen"), *failure_section(view, data["failure_reasons"])]
    story += [heading("Kindgesprekken"), *interviews_section(view)]
    story += [
        subheading("Toelichting"),
        para(
            "Een verzoek telt in het jaar waarin het is ontvangen; een uitkomst in het jaar "
            "waarin de mediation is afgerond; een kindgesprek in het jaar waarin het is "
            "gevoerd; een bijzondere curator in het jaar van benoeming. "
            f"Vergelijkingen met {view.compare} komen uit de gepubliceerde cijfers van dat jaar "
            "of uit de registratie (zie hieronder).",
            st.note,
        ),
    ]
    story += annual_texts.sources_note(view)
    story += annual_texts.erratum(view, keys=("mediation.",))
    if progress:
        progress(25, 100)
    return write_pdf(path, info, story, progress, done_before=25)
