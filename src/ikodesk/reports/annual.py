"""The annual report: `ikodesk report annual --year YYYY -o FILE.pdf`.

Follows the structure of the centre's annual report: cover (logo, "Jaarverslag
YYYY", where the figures come from); contents; Voorwoord; Algemene uitleg
(the manager's texts and the Conflictzaken); cases and contact moments with
the previous year; contacts by channel and party; intensity; the Line 2
sections (prevention, relocation consent, international abduction with
directions and Hague status, family abduction, international contact); the
Line 1 / Line 2 overview; mediation (pool, meetings, figures, reasons of
failure); activities; Bijzondere leerstoel and projects; on request the
erratum of a frozen year. The texts around the numbers are in
`reports.annual_texts`. The Line 2 chapters are in
`reports.annual_line2`; what the chapters share in `reports.annual_parts`.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import Any

from reportlab.lib.units import cm
from reportlab.platypus import Flowable

from ikodesk.models.enums import LINE2_CODES, ActivityKind, CaseCode
from ikodesk.models.labels import label
from ikodesk.reports import annual_texts, charts
from ikodesk.reports.annual_line2 import Line2Chapters
from ikodesk.reports.annual_parts import COMPARE_COLS as _COMPARE_COLS
from ikodesk.reports.annual_parts import n as _n
from ikodesk.reports.document import BuiltReport, ReportInfo, gc_paused, write_pdf
from ikodesk.reports.layout import (
    CONTENT_WIDTH,
    Progress,
    block,
    cover_break,
    data_table,
    esc,
    gap,
    heading,
    para,
    styles,
    subheading,
    tiles,
)
from ikodesk.reports.mediation import (
    failure_section,
    interviews_section,
    outcomes_section,
    requests_section,
)
from ikodesk.reports.view import FigureView
from ikodesk.services import nlformat
from ikodesk.services.figures import percent

_ACTIVITY_ORDER = (
    ActivityKind.WORK_VISIT,
    ActivityKind.TRAINING_GIVEN,
    ActivityKind.LAWYER_MEETING,
    ActivityKind.WORKING_GROUP,
    ActivityKind.EXPERTISE,
    ActivityKind.OTHER,
)
_ACTIVITY_HEADINGS = {
    ActivityKind.WORK_VISIT: "Werkbezoeken",
    ActivityKind.TRAINING_GIVEN: "Trainingen en lezingen gegeven",
    ActivityKind.LAWYER_MEETING: "Advocatenbijeenkomsten",
    ActivityKind.WORKING_GROUP: "Werkgroepen",
    ActivityKind.EXPERTISE: "Deskundigheidsbevordering",
    ActivityKind.OTHER: "Overige activiteiten",
}


class _Annual(Line2Chapters):
    def __init__(self, view: FigureView) -> None:
        self.v = view
        self.y = view.year

    # -- cover ------------------------------------------------------------------------
    def cover(self) -> list[Flowable]:
        v, st = self.v, styles()
        logo = annual_texts.cover_logo(v)
        return [
            gap(1.5 * cm) if logo else gap(4.5 * cm),
            *([logo, gap(1.4 * cm)] if logo else []),
            para(esc(f"Jaarverslag {self.y}"), st.cover_title),
            gap(4),
            para("Centrum Internationale Kinderontvoering", st.cover_sub),
            para("en Mediation Bureau", st.cover_sub),
            gap(1.2 * cm),
            tiles(
                [
                    (v.n("cases.total"), v.nl("cases.total", "zaak", "zaken")),
                    (
                        v.n("contacts.total"),
                        v.nl("contacts.total", "contactmoment", "contactmomenten"),
                    ),
                    (
                        v.n("cases.line2"),
                        v.nl("cases.line2", "nieuwe tweedelijnszaak", "nieuwe tweedelijnszaken"),
                    ),
                    (
                        nlformat.percent(v.cur("mediation.success_rate.all")),
                        "slagingspercentage mediation",
                    ),
                ]
            ),
            gap(1.0 * cm),
            para(
                esc(
                    f"De cijfers over {self.y} zijn vergeleken met {v.compare}. Cijfers van jaren "
                    "van vóór de huidige registratie komen uit eerdere jaarverslagen (omgerekend "
                    "naar de indeling in eerste- en tweedelijnszaken van 2024)."
                ),
                st.small,
            ),
            *annual_texts.sources_note(v),
            *cover_break(),
        ]

    # -- chapters around the numbers ----------------------------------------------------
    def contents(self) -> list[Flowable]:
        return annual_texts.toc()

    def foreword(self) -> list[Flowable]:
        return annual_texts.chapter(self.v, "foreword")

    def general(self) -> list[Flowable]:
        parts = [
            annual_texts.chapter(self.v, key, level=2)
            for key in ("clients", "case_classes", "contact_channels")
        ]
        return [
            heading("Algemene uitleg"),
            *(f for p in parts for f in p),
            *annual_texts.conflicts(self.v),
        ]

    def closing(self) -> list[Flowable]:
        return annual_texts.chapter(self.v, "chair") + annual_texts.chapter(self.v, "projects")

    def erratum(self) -> list[Flowable]:
        return annual_texts.erratum(self.v)

    # -- totals ---------------------------------------------------------------------
    def totals(self) -> list[Flowable]:
        v, y = self.v, self.y
        rows = [
            v.compare_header(),
            v.comparison_row("Zaken totaal", "cases.total"),
            v.comparison_row("Lijn 1 (toestemming vakantie)", "cases.line1"),
            v.comparison_row("Lijn 2 (nieuwe zaken)", "cases.line2"),
            v.comparison_row(f"– afgesloten in {y}", "cases.line2_closed_in_year"),
            v.comparison_row(f"– meegenomen naar {y + 1}", "cases.line2_carried_over"),
            v.comparison_row("Contactmomenten", "contacts.total"),
        ]
        return [
            heading("Totaal aantal zaken en contactmomenten"),
            subheading("Zaken"),
            para(
                f"In {y} {v.nl('cases.total', 'is', 'zijn')} er in totaal "
                f"<b>{v.n('cases.total')}</b> {v.nl('cases.total', 'zaak', 'zaken')} "
                f"geregistreerd{esc(v.versus('cases.total'))}. Daarvan "
                f"{v.nl('cases.line1', 'was', 'waren')} er {v.n('cases.line1')} "
                f"{v.nl('cases.line1', 'eerstelijnszaak', 'eerstelijnszaken')} met de code "
                f"‘toestemming vakantie’{esc(v.versus('cases.line1'))}, en "
                f"{v.nl('cases.line2', 'werd', 'werden')} er {v.n('cases.line2')} nieuwe "
                f"{v.nl('cases.line2', 'tweedelijnszaak', 'tweedelijnszaken')} "
                f"geopend{esc(v.versus('cases.line2'))}."
            ),
            para(
                f"Van deze {v.n('cases.line2')} "
                f"{v.nl('cases.line2', 'tweedelijnszaak', 'tweedelijnszaken')} "
                f"{v.nl('cases.line2_closed_in_year', 'werd', 'werden')} er "
                f"{v.n('cases.line2_closed_in_year')} in hetzelfde jaar afgesloten, omdat de "
                "situatie was opgelost, de ouder voldoende geïnformeerd was of niet meer "
                f"bereikbaar was. {v.n('cases.line2_carried_over')} "
                f"{v.nl('cases.line2_carried_over', 'zaak', 'zaken')} uit {y} "
                f"{v.nl('cases.line2_carried_over', 'is', 'zijn')} meegenomen naar {y + 1} voor "
                f"verdere behandeling; {v.nl('cases.line2_carried_over', 'die telt', 'zij tellen')}"
                f" in {y + 1} niet opnieuw mee als nieuwe zaak."
            ),
            block(gap(2), data_table(rows, _COMPARE_COLS)),
            v.trend_chart(
                "Aantal zaken {years}",
                [("Lijn 1", "cases.line1"), ("Lijn 2", "cases.line2")],
            ),
        ]

    # -- contacts -------------------------------------------------------------------
    def contacts(self) -> list[Flowable]:
        v, y = self.v, self.y
        channels = (("phone", "Telefoon"), ("email", "E-mail"), ("form", "Contactformulier"))
        parties = ("parent", "family", "professional")
        rows: list[list[str]] = [
            [
                "Kanaal",
                "Ouders",
                "Familie en kennissen",
                "Professionals",
                f"Totaal {y}",
                str(v.compare),
                "Verschil",
            ]
        ]
        for channel, text in channels:
            rows.append(
                [
                    text,
                    *(v.n(f"contacts.by_channel_party.{channel}.{p}") for p in parties),
                    v.n(f"contacts.by_channel.{channel}"),
                    _n(v.prev(f"contacts.by_channel.{channel}")),
                    nlformat.change(v.change(f"contacts.by_channel.{channel}")),
                ]
            )
        rows.append(
            [
                "Totaal",
                *(
                    _n(
                        sum(
                            int(v.cur(f"contacts.by_channel_party.{c}.{p}") or 0)
                            for c, _ in channels
                        )
                    )
                    for p in parties
                ),
                v.n("contacts.total"),
                _n(v.prev("contacts.total")),
                nlformat.change(v.change("contacts.total")),
            ]
        )
        w = 2.05 * cm
        cols = [CONTENT_WIDTH - 6 * w, w, w, w, w, w, w]
        phone_contacts = v.count(
            "contacts.by_channel.phone", "telefonische contact", "telefonische contacten"
        )
        return [
            heading("Contactmomenten"),
            para(
                f"In {y} {v.nl('contacts.total', 'was', 'waren')} er "
                f"{v.count('contacts.total', 'contactmoment', 'contactmomenten', bold=True)}"
                f"{esc(v.versus('contacts.total'))}. Daarvan waren er "
                f"{v.n('contacts.by_channel.phone')} telefonisch (ook Skype/Teams), "
                f"{v.n('contacts.by_channel.email')} per e-mail en "
                f"{v.n('contacts.by_channel.form')} via het contactformulier. Ouders worden "
                "niet op kantoor ontvangen."
            ),
            para(
                f"Van {v.nl('contacts.by_channel.phone', 'het', 'de')} {phone_contacts} waren er "
                f"{v.n('contacts.by_channel_party.phone.parent')} met ouders, "
                f"{v.n('contacts.by_channel_party.phone.family')} met familie en kennissen en "
                f"{v.n('contacts.by_channel_party.phone.professional')} met professionals. Van "
                f"{v.nl('contacts.by_channel.email', 'het', 'de')} "
                f"{v.count('contacts.by_channel.email', 'e-mailcontact', 'e-mailcontacten')} "
                "waren er "
                f"{v.n('contacts.by_channel_party.email.parent')} met ouders, "
                f"{v.n('contacts.by_channel_party.email.family')} met familie en kennissen en "
                f"{v.n('contacts.by_channel_party.email.professional')} met professionals. Van "
                f"{v.nl('contacts.by_channel.form', 'het', 'de')} "
                f"{v.count('contacts.by_channel.form', 'contactformulier', 'contactformulieren')} "
                "kwamen er "
                f"{v.n('contacts.by_channel_party.form.parent')} van ouders, "
                f"{v.n('contacts.by_channel_party.form.family')} van familie en kennissen en "
                f"{v.n('contacts.by_channel_party.form.professional')} van professionals."
            ),
            block(
                para("Contactmomenten per kanaal en partij", styles().caption),
                data_table(rows, cols, total_row=True),
            ),
            v.trend_chart(
                "Aantal contactmomenten {years}",
                [
                    ("Telefoon", "contacts.by_channel.phone"),
                    ("E-mail", "contacts.by_channel.email"),
                    ("Contactformulier", "contacts.by_channel.form"),
                ],
            ),
        ]

    # -- intensity ------------------------------------------------------------------
    def intensity(self) -> list[Flowable]:
        v = self.v
        total_cases, total_contacts = v.cur("cases.total"), v.cur("contacts.total")

        def per_case(contacts: float, cases: float | None) -> str:
            if not cases:
                return nlformat.MISSING
            return nlformat.number(round(contacts / cases, 1))

        rows = [["", "Zaken", "Aandeel", "Contactmomenten", "Aandeel", "Per nieuwe zaak"]]
        for line in (1, 2):
            cases, contacts = v.cur(f"cases.line{line}"), v.cur(f"contacts.by_line.line{line}")
            rows.append(
                [
                    f"Lijn {line}",
                    _n(cases),
                    nlformat.percent(percent(cases, total_cases)),
                    _n(contacts),
                    nlformat.percent(percent(contacts, total_contacts)),
                    per_case(contacts, cases),
                ]
            )
        rows.append(["Totaal", _n(total_cases), "", _n(total_contacts), "", ""])
        w = 2.6 * cm
        chart = charts.grouped_bars(
            ["Zaken", "Contactmomenten"],
            [
                ("Lijn 1", [v.cur("cases.line1"), v.cur("contacts.by_line.line1")]),
                ("Lijn 2", [v.cur("cases.line2"), v.cur("contacts.by_line.line2")]),
            ],
            height=170,
        )
        return [
            heading("Intensiviteit"),
            para(
                f"Van het totaal van {v.count('cases.total', 'zaak', 'zaken')} betrof "
                f"{v.pct_of('cases.line1', 'cases.total')} Lijn 1-zaken en "
                f"{v.pct_of('cases.line2', 'cases.total')} Lijn 2-zaken. Het aantal "
                f"contactmomenten in Lijn 1 en Lijn 2 was {v.n('contacts.by_line.line1')} en "
                f"{v.n('contacts.by_line.line2')}. Lijn 2-zaken zijn complex en "
                "tijdsintensief: per zaak zijn er veel meer contactmomenten nodig."
            ),
            block(gap(2), data_table(rows, [CONTENT_WIDTH - 5 * w, w, w, w, w, w], total_row=True)),
            block(para(f"Zaken en contactmomenten per lijn, {self.y}", styles().caption), chart),
            para(
                "Contactmomenten tellen in het jaar waarin ze plaatsvonden, ook als de zaak in "
                "een eerder jaar is geopend.",
                styles().note,
            ),
        ]

    def overview(self) -> list[Flowable]:
        v, y, c = self.v, self.y, str(self.v.compare)
        line1 = [
            v.compare_header("Soort zaak"),
            v.comparison_row(label(CaseCode.TRAVEL_CONSENT), "cases.line1"),
        ]
        head = [
            ["Soort zaak", c, "", "", str(y), "", "", "Verschil"],
            ["", "Ouders", "Derden", "Totaal", "Ouders", "Derden", "Totaal", ""],
        ]
        rows: list[list[str]] = []
        sums = {"cur": [0, 0], "prev": [0, 0]}
        prev_complete = True
        for code in LINE2_CODES:
            key = f"line2.{code.value}"
            prev = [v.prev(f"{key}.parent"), v.prev(f"{key}.third_party")]
            cur = [v.cur(f"{key}.parent") or 0, v.cur(f"{key}.third_party") or 0]
            for i in range(2):
                sums["cur"][i] += cur[i]
                if prev[i] is None:
                    prev_complete = False
                else:
                    sums["prev"][i] += prev[i]
            rows.append(
                [
                    label(code),
                    _n(prev[0]),
                    _n(prev[1]),
                    _n(v.prev(f"{key}.total")),
                    _n(cur[0]),
                    _n(cur[1]),
                    _n(v.cur(f"{key}.total")),
                    nlformat.change(v.change(f"{key}.total")),
                ]
            )
        rows.append(
            [
                "Totaal",
                _n(sums["prev"][0]) if prev_complete else nlformat.MISSING,
                _n(sums["prev"][1]) if prev_complete else nlformat.MISSING,
                _n(v.prev("cases.line2")),
                _n(sums["cur"][0]),
                _n(sums["cur"][1]),
                v.n("cases.line2"),
                nlformat.change(v.change("cases.line2")),
            ]
        )
        w = 1.55 * cm
        cols = [CONTENT_WIDTH - 6 * w - 1.75 * cm, w, w, w, w, w, w, 1.75 * cm]
        spans = [((1, 0), (3, 0)), ((4, 0), (6, 0)), ((0, 0), (0, 1)), ((7, 0), (7, 1))]
        table = data_table(head + rows, cols, header_rows=2, total_row=True, spans=spans)
        return [
            heading("Overzicht eerstelijns- en tweedelijnszaken"),
            block(
                subheading("Eerstelijnszaken (Lijn 1)"),
                data_table(line1, _COMPARE_COLS),
            ),
            block(subheading("Tweedelijnszaken (Lijn 2)"), table),
            para(
                "Een zaak telt in het jaar waarin ze is geopend. Ouders en derden (professionals, "
                "familie en kennissen) naar de hoofdbetrokkene van de zaak. Een streepje: geen "
                "gegevens over dat jaar.",
                styles().note,
            ),
        ]

    # -- mediation --------------------------------------------------------------------
    def mediation(self) -> list[Flowable]:
        v = self.v
        return [
            heading("Mediation"),
            *annual_texts.chapter(v, "mediator_pool", level=2),
            *annual_texts.chapter(v, "mediator_meetings", level=2),
            subheading("Crossborder mediations"),
            *requests_section(v),
            subheading("Uitkomsten"),
            *outcomes_section(v),
            subheading("Redenen van niet slagen"),
            *failure_section(v, v.data["failure_reasons"]),
            subheading("Kindgesprekken"),
            *interviews_section(v),
        ]

    # -- activities -------------------------------------------------------------------
    def activities(self) -> list[Flowable]:
        items: list[Mapping[str, Any]] = self.v.cur("activities") or []
        out: list[Flowable] = [heading("Activiteiten")]
        if not items:
            out.append(para(esc(f"Er zijn voor {self.y} geen activiteiten geregistreerd.")))
            return out
        out.append(
            para(
                esc(
                    f"In {self.y} deelde het Centrum IKO zijn expertise onder meer via "
                    "werkbezoeken, trainingen, lezingen en bijeenkomsten, en hield het zijn eigen "
                    "kennis op peil:"
                )
            )
        )
        w_date = 3.5 * cm
        w_org = 4.6 * cm
        for kind in _ACTIVITY_ORDER:
            of_kind = [i for i in items if i["kind"] == kind.value]
            if not of_kind:
                continue
            rows: list[list[str]] = [["Datum", "Organisatie", "Onderwerp"]]
            for item in of_kind:
                rows.append(
                    [
                        nlformat.long_date(date.fromisoformat(item["date"])),
                        item.get("organisation") or "",
                        item["title"],
                    ]
                )
            table = data_table(
                rows, [w_date, w_org, CONTENT_WIDTH - w_date - w_org], numeric_from=99
            )
            out.append(block(subheading(_ACTIVITY_HEADINGS[kind]), table))
        return out


def build_annual_report(
    data: Mapping[str, Any],
    path: Path,
    *,
    progress: Progress | None = None,
    generated_on: date | None = None,
) -> BuiltReport:
    """Write the annual report of `data["year"]` to `path` (PDF, atomically).

    `data` is `services.figures.report_figures(...)`: the report only formats
    the figures computed there. `progress(done, total)` is called while
    building (from the calling thread: run it in a worker for a progress bar).
    """
    view = FigureView(data)
    report = _Annual(view)
    info = ReportInfo(
        title=f"Jaarverslag {view.year}",
        subject=f"Jaarverslag {view.year} van het Centrum Internationale Kinderontvoering",
        generated_on=generated_on,
    )
    sections = (
        report.cover,
        report.contents,
        report.foreword,
        report.general,
        report.totals,
        report.contacts,
        report.intensity,
        report.prevention,
        report.relocation,
        report.abduction,
        report.international_contact,
        report.overview,
        report.mediation,
        report.activities,
        report.closing,
        report.erratum,
    )
    story: list[Flowable] = []
    with gc_paused():
        for i, section in enumerate(sections, start=1):
            story += section()
            if progress:
                progress(i * 25 // len(sections), 100)
        return write_pdf(path, info, story, progress, done_before=25)
