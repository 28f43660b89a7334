"""The annual report: `ikodesk report annual --year YYYY -o FILE.pdf`.

Follows the structure of the centre's annual report: cover; cases and contact
moments with the previous year; contacts by channel and party; intensity; the
Line 2 sections (prevention, relocation consent, international abduction with
directions and Hague status, family abduction, international contact); the
Line 1 / Line 2 overview; mediation; activities.
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
from ikodesk.reports import charts
from ikodesk.reports.layout import (
    CONTENT_WIDTH,
    BuiltReport,
    Progress,
    ReportInfo,
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
    write_pdf,
)
from ikodesk.reports.mediation import interviews_section, outcomes_section, requests_section
from ikodesk.reports.view import FigureView
from ikodesk.services import nlformat
from ikodesk.services.figures import percent

_NUM = 2.4 * cm
_COMPARE_COLS = [CONTENT_WIDTH - 3 * _NUM, _NUM, _NUM, _NUM]
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


def _n(value: Any) -> str:
    return nlformat.number(value)


class _Annual:
    def __init__(self, view: FigureView) -> None:
        self.v = view
        self.y = view.year
        self.years = f"{view.trend_years[0]}–{view.trend_years[-1]}"

    def _compare_header(self, first: str = "") -> list[str]:
        return [first, str(self.v.compare), str(self.y), "Verschil"]

    # -- cover ------------------------------------------------------------------------
    def cover(self) -> list[Flowable]:
        v, st = self.v, styles()
        return [
            gap(4.5 * cm),
            para(esc(f"Jaarcijfers {self.y}"), st.cover_title),
            gap(4),
            para("Centrum Internationale Kinderontvoering", st.cover_sub),
            para("en Mediation Bureau", st.cover_sub),
            gap(1.2 * cm),
            tiles(
                [
                    (v.n("cases.total"), "zaken"),
                    (v.n("contacts.total"), "contactmomenten"),
                    (v.n("cases.line2"), "nieuwe tweedelijnszaken"),
                    (
                        nlformat.percent(v.cur("mediation.success_rate.all")),
                        "slagingspercentage mediation",
                    ),
                ]
            ),
            gap(1.0 * cm),
            para(
                esc(
                    f"Alle cijfers over {self.y} komen uit de registratie in ikodesk en zijn "
                    f"vergeleken met {v.compare}. Cijfers van jaren van vóór de huidige "
                    "registratie komen uit eerdere jaarverslagen (omgerekend naar de indeling "
                    "in eerste- en tweedelijnszaken van 2024)."
                ),
                st.small,
            ),
            *cover_break(),
        ]

    # -- totals ---------------------------------------------------------------------
    def totals(self) -> list[Flowable]:
        v, y = self.v, self.y
        rows = [
            self._compare_header(),
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
                f"In {y} zijn er in totaal <b>{v.n('cases.total')}</b> zaken geregistreerd"
                f"{esc(v.versus('cases.total'))}. Daarvan waren er {v.n('cases.line1')} "
                "eerstelijnszaken met de code ‘toestemming vakantie’"
                f"{esc(v.versus('cases.line1'))}, en werden er {v.n('cases.line2')} nieuwe "
                f"tweedelijnszaken geopend{esc(v.versus('cases.line2'))}."
            ),
            para(
                f"Van deze {v.n('cases.line2')} tweedelijnszaken werden er "
                f"{v.n('cases.line2_closed_in_year')} in hetzelfde jaar afgesloten, omdat de "
                "situatie was opgelost, de ouder voldoende geïnformeerd was of niet meer "
                f"bereikbaar was. {v.n('cases.line2_carried_over')} zaken uit {y} zijn "
                f"meegenomen naar {y + 1} voor verdere behandeling; zij tellen in {y + 1} niet "
                "opnieuw mee als nieuwe zaak."
            ),
            block(gap(2), data_table(rows, _COMPARE_COLS)),
            v.trend_chart(
                f"Aantal zaken {self.years}",
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
        return [
            heading("Contactmomenten"),
            para(
                f"In {y} waren er <b>{v.n('contacts.total')}</b> contactmomenten"
                f"{esc(v.versus('contacts.total'))}. Daarvan waren er "
                f"{v.n('contacts.by_channel.phone')} telefonisch (ook Skype/Teams), "
                f"{v.n('contacts.by_channel.email')} per e-mail en "
                f"{v.n('contacts.by_channel.form')} via het contactformulier. Ouders worden "
                "niet op kantoor ontvangen."
            ),
            para(
                f"Van de {v.n('contacts.by_channel.phone')} telefonische contacten waren er "
                f"{v.n('contacts.by_channel_party.phone.parent')} met ouders, "
                f"{v.n('contacts.by_channel_party.phone.family')} met familie en kennissen en "
                f"{v.n('contacts.by_channel_party.phone.professional')} met professionals. Van de "
                f"{v.n('contacts.by_channel.email')} e-mailcontacten waren er "
                f"{v.n('contacts.by_channel_party.email.parent')} met ouders, "
                f"{v.n('contacts.by_channel_party.email.family')} met familie en kennissen en "
                f"{v.n('contacts.by_channel_party.email.professional')} met professionals. Van de "
                f"{v.n('contacts.by_channel.form')} contactformulieren kwamen er "
                f"{v.n('contacts.by_channel_party.form.parent')} van ouders, "
                f"{v.n('contacts.by_channel_party.form.family')} van familie en kennissen en "
                f"{v.n('contacts.by_channel_party.form.professional')} van professionals."
            ),
            block(
                para("Contactmomenten per kanaal en partij", styles().caption),
                data_table(rows, cols, total_row=True),
            ),
            v.trend_chart(
                f"Aantal contactmomenten {self.years}",
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

        def per_case(contacts: Any, cases: Any) -> str:
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
                f"Van het totaal van {v.n('cases.total')} zaken betrof "
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

    # -- prevention -----------------------------------------------------------------
    def prevention(self) -> list[Flowable]:
        v, y = self.v, self.y
        rows = [["Hoofdbetrokkene", "Potentieel achterblijvend", "Potentieel meenemend", "Totaal"]]
        unknown_side = False
        for rel, text in (("mother", "Moeder"), ("father", "Vader")):
            lb = v.cur(f"prevention.parents.{rel}.potential_left_behind") or 0
            tk = v.cur(f"prevention.parents.{rel}.potential_taking") or 0
            total = v.cur(f"prevention.requester.{rel}") or 0
            unknown_side = unknown_side or total != lb + tk
            rows.append([text, _n(lb), _n(tk), _n(total)])
        w = 3.4 * cm
        out: list[Flowable] = [
            heading("Preventiezaken"),
            para(
                f"In {y} zijn er <b>{v.n('line2.prevention.total')}</b> preventiezaken "
                f"geregistreerd{esc(v.versus('line2.prevention.total'))}: in "
                f"{v.n('line2.prevention.parent')} zaken zochten ouders contact en in "
                f"{v.n('line2.prevention.third_party')} zaken derden. Ouders zochten in "
                f"{v.n('line2.prevention.parent')} gevallen contact"
                f"{esc(v.versus('line2.prevention.parent'))}. In deze zaken waren "
                f"<b>{v.n('prevention.children')}</b> kinderen betrokken"
                f"{esc(v.versus('prevention.children'))}."
            ),
            para(
                f"{v.n('prevention.requester.mother')} moeders namen contact op met het Centrum "
                f"IKO: {v.n('prevention.parents.mother.potential_left_behind')} als potentieel "
                "achterblijvende ouder en "
                f"{v.n('prevention.parents.mother.potential_taking')} als potentieel meenemende "
                f"ouder. {v.n('prevention.requester.father')} vaders namen contact op: "
                f"{v.n('prevention.parents.father.potential_left_behind')} als potentieel "
                "achterblijvende ouder en "
                f"{v.n('prevention.parents.father.potential_taking')} als potentieel meenemende "
                "ouder."
            ),
            block(
                para("Preventiezaken van ouders naar hoofdbetrokkene en kant", styles().caption),
                data_table(rows, [CONTENT_WIDTH - 3 * w, w, w, w]),
                para("Bij een deel van de zaken is geen kant geregistreerd.", styles().note)
                if unknown_side
                else None,
            ),
            v.trend_chart(
                f"Preventiezaken van ouders {self.years}",
                [
                    ("Vader", "prevention.requester.father"),
                    ("Moeder", "prevention.requester.mother"),
                ],
            ),
            v.country_chart(
                "Landen waarnaar vanuit Nederland dreiging van internationale kinderontvoering "
                "werd ervaren (alle preventiezaken)",
                "prevention.countries",
            ),
        ]
        return out

    # -- relocation consent -----------------------------------------------------------
    def relocation(self) -> list[Flowable]:
        v, y = self.v, self.y
        k = "relocation_consent"
        rows = [["Hoofdbetrokkene", "Wil zelf verhuizen", "Andere ouder wil verhuizen", "Totaal"]]
        for rel, text in (("mother", "Moeder"), ("father", "Vader")):
            own = v.cur(f"{k}.requester.{rel}.self")
            other = v.cur(f"{k}.requester.{rel}.other_parent")
            rows.append([text, _n(own), _n(other), _n((own or 0) + (other or 0))])
        w = 3.4 * cm
        mothers = (v.cur(f"{k}.requester.mother.self") or 0) + (
            v.cur(f"{k}.requester.mother.other_parent") or 0
        )
        fathers = (v.cur(f"{k}.requester.father.self") or 0) + (
            v.cur(f"{k}.requester.father.other_parent") or 0
        )
        return [
            heading("Toestemming vertrekzaken"),
            para(
                f"In {y} werden <b>{v.n(f'{k}.parent_cases')}</b> zaken van ouders "
                f"geregistreerd over toestemming voor vertrek{esc(v.versus(f'{k}.parent_cases'))}. "
                f"Daarbij waren {v.n(f'{k}.children')} kinderen betrokken"
                f"{esc(v.versus(f'{k}.children'))}. In {v.n(f'{k}.mover.mother')} zaken wilde de "
                f"moeder met het kind naar een ander land verhuizen, in "
                f"{v.n(f'{k}.mover.father')} zaken de vader."
            ),
            para(
                f"Van de {_n(mothers)} moeders die contact opnamen, wilden er "
                f"{v.n(f'{k}.requester.mother.self')} zelf met het kind verhuizen en vroegen er "
                f"{v.n(f'{k}.requester.mother.other_parent')} advies omdat de vader met het kind "
                f"wilde verhuizen. Van de {_n(fathers)} vaders wilden er "
                f"{v.n(f'{k}.requester.father.self')} zelf met het kind verhuizen en vroegen er "
                f"{v.n(f'{k}.requester.father.other_parent')} advies omdat het kind met de "
                "moeder zou verhuizen."
            ),
            block(
                para(
                    "Toestemming vertrek: wie wil verhuizen, naar hoofdbetrokkene", styles().caption
                ),
                data_table(rows, [CONTENT_WIDTH - 3 * w, w, w, w]),
            ),
            v.trend_chart(
                f"Toestemming vertrek: ouder die wil verhuizen, {self.years}",
                [("Vader", f"{k}.mover.father"), ("Moeder", f"{k}.mover.mother")],
            ),
            v.country_chart(
                "Landen waarnaar ouders vanuit Nederland willen verhuizen",
                f"{k}.countries.outgoing",
            ),
            v.country_chart(
                "Landen waarvandaan ouders naar Nederland willen verhuizen",
                f"{k}.countries.incoming",
            ),
        ]

    # -- abduction --------------------------------------------------------------------
    def abduction(self) -> list[Flowable]:
        v, y = self.v, self.y
        a = "abduction"
        side_rows = [["Contact opgenomen door", "Moeder", "Vader", "Totaal"]]
        for side, text in (
            ("left_behind", "Achterblijvende ouder"),
            ("taking", "Meenemende ouder"),
        ):
            m, f = v.cur(f"{a}.requester.{side}.mother"), v.cur(f"{a}.requester.{side}.father")
            side_rows.append([text, _n(m), _n(f), _n((m or 0) + (f or 0))])
        lb = sum(int(v.cur(f"{a}.requester.left_behind.{r}") or 0) for r in ("mother", "father"))
        tk = sum(int(v.cur(f"{a}.requester.taking.{r}") or 0) for r in ("mother", "father"))
        dir_rows = [["Richting", "Zaken", "Kinderen", "HKOV-land", "Niet-HKOV-land"]]
        for d, text in (
            ("outgoing", "Uitgaand (vanuit Nederland)"),
            ("incoming", "Inkomend (naar Nederland)"),
            ("abroad", "Buiten Nederland"),
        ):
            dir_rows.append(
                [
                    text,
                    v.n(f"{a}.direction.{d}.cases"),
                    v.n(f"{a}.direction.{d}.children"),
                    v.n(f"{a}.direction.{d}.hague") if d != "abroad" else "",
                    v.n(f"{a}.direction.{d}.non_hague") if d != "abroad" else "",
                ]
            )
        dir_rows.append(["Totaal", v.n(f"{a}.parent_cases"), v.n(f"{a}.children"), "", ""])
        w = 2.6 * cm
        bullets = [
            f"• <b>{v.n(f'{a}.direction.outgoing.cases')}</b> uitgaande IKO-zaken waarbij "
            f"{v.n(f'{a}.direction.outgoing.children')} kinderen vanuit Nederland naar het "
            f"buitenland werden meegenomen: in {v.n(f'{a}.direction.outgoing.hague')} gevallen "
            f"naar een HKOV-land en in {v.n(f'{a}.direction.outgoing.non_hague')} gevallen naar "
            "een niet-HKOV-land;",
            f"• <b>{v.n(f'{a}.direction.incoming.cases')}</b> inkomende IKO-zaken waarbij "
            f"{v.n(f'{a}.direction.incoming.children')} kinderen vanuit het buitenland naar "
            f"Nederland werden meegenomen: in {v.n(f'{a}.direction.incoming.hague')} gevallen "
            f"vanuit een HKOV-land en in {v.n(f'{a}.direction.incoming.non_hague')} gevallen "
            "vanuit een niet-HKOV-land;",
            f"• <b>{v.n(f'{a}.direction.abroad.cases')}</b> IKO-zaken buiten Nederland met een "
            "Nederlandse connectie (de ouder of het kind heeft de Nederlandse nationaliteit of "
            f"een andere binding met Nederland), met {v.n(f'{a}.direction.abroad.children')} "
            "kinderen.",
        ]
        bullet_style = styles().body.clone("bullet", leftIndent=12, firstLineIndent=-8)
        return [
            heading("Internationale kinderontvoeringszaken"),
            para(
                f"In {y} werden <b>{v.n(f'{a}.parent_cases')}</b> internationale "
                "kinderontvoeringszaken (IKO-zaken) geregistreerd waarin de achtergebleven of de "
                f"meenemende ouder contact opnam{esc(v.versus(f'{a}.parent_cases'))}. Daarbij "
                f"waren <b>{v.n(f'{a}.children')}</b> kinderen betrokken"
                f"{esc(v.versus(f'{a}.children'))}."
            ),
            para(
                f"In {v.pct_of(f'{a}.taker.mother', f'{a}.parent_cases')} van de zaken is de "
                "moeder de meenemende ouder, in "
                f"{v.pct_of(f'{a}.taker.father', f'{a}.parent_cases')} van de zaken de vader. "
                f"In {_n(lb)} zaken nam de achtergebleven ouder contact op, in {_n(tk)} zaken de "
                "meenemende ouder."
            ),
            block(gap(2), data_table(side_rows, [CONTENT_WIDTH - 3 * w, w, w, w])),
            v.trend_chart(
                f"Aantal betrokken kinderen {self.years}", [("Kinderen", f"{a}.children")]
            ),
            v.trend_chart(
                f"Internationale kinderontvoeringszaken naar meenemende ouder, {self.years}",
                [("Vader", f"{a}.taker.father"), ("Moeder", f"{a}.taker.mother")],
            ),
            subheading("Richting en HKOV-landen"),
            para(f"Van de {v.n(f'{a}.parent_cases')} IKO-zaken van ouders betrof het:"),
            *(para(b, bullet_style) for b in bullets),
            block(
                gap(2),
                data_table(dir_rows, [CONTENT_WIDTH - 4 * w, w, w, w, w], total_row=True),
                para(
                    "HKOV-land: partij bij het Haags Kinderontvoeringsverdrag 1980 op de "
                    "openingsdatum van de zaak.",
                    styles().note,
                ),
            ),
            v.country_chart(
                "Landen waarnaar kinderen werden ontvoerd vanuit Nederland (uitgaande IKO-zaken)",
                f"{a}.countries.outgoing",
            ),
            v.age_chart(
                "Leeftijden van de betrokken kinderen bij uitgaande IKO-zaken",
                f"{a}.ages.outgoing",
            ),
            v.country_chart(
                "Landen waarvandaan kinderen naar Nederland werden ontvoerd (inkomende IKO-zaken)",
                f"{a}.countries.incoming",
            ),
            v.age_chart(
                "Leeftijden van de betrokken kinderen bij inkomende IKO-zaken",
                f"{a}.ages.incoming",
            ),
            subheading("Ontvoering door familie"),
            para(
                f"In {y} werden {v.n('family_abduction.cases')} zaken gemeld waarin een familielid "
                "de meenemer was (ouders en derden samen). Deze zaken worden sinds 2024 apart "
                f"geregistreerd. Bij deze zaken waren {v.n('family_abduction.children')} kinderen "
                "betrokken."
            ),
        ]

    # -- international contact ---------------------------------------------------------
    def international_contact(self) -> list[Flowable]:
        v, y = self.v, self.y
        k = "international_contact"
        return [
            heading("Internationale omgangszaken"),
            para(
                f"In {y} waren er <b>{v.n(f'{k}.parent_cases')}</b> internationale omgangszaken "
                f"van ouders{esc(v.versus(f'{k}.parent_cases'))}. In "
                f"{v.n(f'{k}.requester.father')} zaken zochten vaders advies, in "
                f"{v.n(f'{k}.requester.mother')} zaken moeders."
            ),
            v.trend_chart(
                f"Internationale omgangszaken van ouders {self.years}",
                [("Vader", f"{k}.requester.father"), ("Moeder", f"{k}.requester.mother")],
            ),
            v.country_chart(
                "Land van de gewone verblijfplaats van het kind waarmee de ouder in Nederland "
                "omgang wenst",
                f"{k}.countries.child_abroad",
            ),
            v.country_chart(
                "Landen waar de ouder woont die omgang wenst met het kind dat in Nederland woont",
                f"{k}.countries.parent_abroad",
            ),
        ]

    # -- overview ---------------------------------------------------------------------
    def overview(self) -> list[Flowable]:
        v, y, c = self.v, self.y, str(self.v.compare)
        line1 = [
            ["Soort zaak", c, str(y), "Verschil"],
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
        return [
            heading("Mediation"),
            subheading("Crossborder mediations"),
            *requests_section(self.v),
            subheading("Uitkomsten"),
            *outcomes_section(self.v),
            subheading("Kindgesprekken"),
            *interviews_section(self.v),
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
        title=f"Jaarcijfers {view.year}",
        subject=f"Jaarcijfers {view.year} van het Centrum Internationale Kinderontvoering",
        generated_on=generated_on,
    )
    sections = (
        report.cover,
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
    )
    story: list[Flowable] = []
    for i, section in enumerate(sections, start=1):
        story += section()
        if progress:
            progress(i * 25 // len(sections), 100)
    return write_pdf(path, info, story, progress, done_before=25)
