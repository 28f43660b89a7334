"""The Line 2 chapters of the annual report: prevention, relocation consent,
international abduction (directions, Hague status, family abduction) and
international contact. `reports.annual` puts them in the report's order.
"""

from __future__ import annotations

from reportlab.lib.units import cm
from reportlab.platypus import Flowable

from ikodesk.reports.annual_parts import n as _n
from ikodesk.reports.layout import (
    CONTENT_WIDTH,
    block,
    data_table,
    esc,
    gap,
    heading,
    para,
    styles,
    subheading,
)
from ikodesk.reports.view import FigureView
from ikodesk.services.nlformat import agree, counted


class Line2Chapters:
    """Chapters on the report's view `v` of the figures, for year `y`."""

    v: FigureView
    y: int

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
                f"In {y} {v.nl('line2.prevention.total', 'is', 'zijn')} er "
                + v.count("line2.prevention.total", "preventiezaak", "preventiezaken", bold=True)
                + f" geregistreerd{esc(v.versus('line2.prevention.total'))}: in "
                f"{v.count('line2.prevention.parent', 'zaak', 'zaken')} "
                f"{v.nl('line2.prevention.parent', 'zocht een ouder', 'zochten ouders')} contact "
                f"en in {v.count('line2.prevention.third_party', 'zaak', 'zaken')} derden. "
                f"{v.nl('line2.prevention.parent', 'Een ouder zocht', 'Ouders zochten')} in "
                f"{v.count('line2.prevention.parent', 'geval', 'gevallen')} contact"
                f"{esc(v.versus('line2.prevention.parent'))}. In "
                f"{v.nl('line2.prevention.total', 'deze zaak', 'deze zaken')} "
                f"{v.nl('prevention.children', 'was', 'waren')} "
                f"{v.count('prevention.children', 'kind', 'kinderen', bold=True)} betrokken"
                f"{esc(v.versus('prevention.children'))}."
            ),
            para(
                f"{v.count('prevention.requester.mother', 'moeder', 'moeders')} "
                f"{v.nl('prevention.requester.mother', 'nam', 'namen')} contact op met het Centrum "
                f"IKO: {v.n('prevention.parents.mother.potential_left_behind')} als potentieel "
                "achterblijvende ouder en "
                f"{v.n('prevention.parents.mother.potential_taking')} als potentieel meenemende "
                f"ouder. {v.count('prevention.requester.father', 'vader', 'vaders')} "
                f"{v.nl('prevention.requester.father', 'nam', 'namen')} contact op: "
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
                "Preventiezaken van ouders {years}",
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
                f"In {y} {v.nl(f'{k}.parent_cases', 'werd', 'werden')} "
                f"{v.count(f'{k}.parent_cases', 'zaak', 'zaken', bold=True)} van ouders "
                f"geregistreerd over toestemming voor vertrek{esc(v.versus(f'{k}.parent_cases'))}. "
                f"Daarbij {v.nl(f'{k}.children', 'was', 'waren')} "
                f"{v.count(f'{k}.children', 'kind', 'kinderen')} betrokken"
                f"{esc(v.versus(f'{k}.children'))}. In "
                f"{v.count(f'{k}.mover.mother', 'zaak', 'zaken')} wilde de "
                f"moeder met het kind naar een ander land verhuizen, in "
                f"{v.count(f'{k}.mover.father', 'zaak', 'zaken')} de vader."
            ),
            para(
                f"Van de {counted(mothers, 'moeder die', 'moeders die')} "
                f"{agree(mothers, 'contact opnam', 'contact opnamen')}, "
                f"{v.nl(f'{k}.requester.mother.self', 'wilde', 'wilden')} er "
                f"{v.n(f'{k}.requester.mother.self')} zelf met het kind verhuizen en "
                f"{v.nl(f'{k}.requester.mother.other_parent', 'vroeg', 'vroegen')} er "
                f"{v.n(f'{k}.requester.mother.other_parent')} advies omdat de vader met het kind "
                f"wilde verhuizen. Van de {counted(fathers, 'vader', 'vaders')} "
                f"{v.nl(f'{k}.requester.father.self', 'wilde', 'wilden')} er "
                f"{v.n(f'{k}.requester.father.self')} zelf met het kind verhuizen en "
                f"{v.nl(f'{k}.requester.father.other_parent', 'vroeg', 'vroegen')} er "
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
                "Toestemming vertrek: ouder die wil verhuizen, {years}",
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
        out_, in_, abroad = (f"{a}.direction.{d}" for d in ("outgoing", "incoming", "abroad"))
        bullets = [
            f"• {v.count(f'{out_}.cases', 'uitgaande IKO-zaak', 'uitgaande IKO-zaken', bold=True)} "
            f"waarbij {v.count(f'{out_}.children', 'kind', 'kinderen')} vanuit Nederland naar "
            f"het buitenland {v.nl(f'{out_}.children', 'werd', 'werden')} meegenomen: in "
            f"{v.count(f'{out_}.hague', 'geval', 'gevallen')} naar een HKOV-land en in "
            f"{v.count(f'{out_}.non_hague', 'geval', 'gevallen')} naar een niet-HKOV-land;",
            f"• {v.count(f'{in_}.cases', 'inkomende IKO-zaak', 'inkomende IKO-zaken', bold=True)} "
            f"waarbij {v.count(f'{in_}.children', 'kind', 'kinderen')} vanuit het buitenland "
            f"naar Nederland {v.nl(f'{in_}.children', 'werd', 'werden')} meegenomen: in "
            f"{v.count(f'{in_}.hague', 'geval', 'gevallen')} vanuit een HKOV-land en in "
            f"{v.count(f'{in_}.non_hague', 'geval', 'gevallen')} vanuit een niet-HKOV-land;",
            f"• {v.count(f'{abroad}.cases', 'IKO-zaak', 'IKO-zaken', bold=True)} buiten "
            "Nederland met een Nederlandse connectie (de ouder of het kind heeft de Nederlandse "
            "nationaliteit of een andere binding met Nederland), met "
            f"{v.count(f'{abroad}.children', 'kind', 'kinderen')}.",
        ]
        bullet_style = styles().body.clone("bullet", leftIndent=12, firstLineIndent=-8)
        return [
            heading("Internationale kinderontvoeringszaken"),
            para(
                f"In {y} {v.nl(f'{a}.parent_cases', 'werd', 'werden')} "
                f"<b>{v.n(f'{a}.parent_cases')}</b> internationale "
                + v.nl(
                    f"{a}.parent_cases",
                    "kinderontvoeringszaak (IKO-zaak)",
                    "kinderontvoeringszaken (IKO-zaken)",
                )
                + " geregistreerd waarin de achtergebleven of de "
                f"meenemende ouder contact opnam{esc(v.versus(f'{a}.parent_cases'))}. Daarbij "
                f"{v.nl(f'{a}.children', 'was', 'waren')} "
                f"{v.count(f'{a}.children', 'kind', 'kinderen', bold=True)} betrokken"
                f"{esc(v.versus(f'{a}.children'))}."
            ),
            para(
                f"In {v.pct_of(f'{a}.taker.mother', f'{a}.parent_cases')} van de zaken is de "
                "moeder de meenemende ouder, in "
                f"{v.pct_of(f'{a}.taker.father', f'{a}.parent_cases')} van de zaken de vader. "
                f"In {counted(lb, 'zaak', 'zaken')} nam de achtergebleven ouder contact op, in "
                f"{counted(tk, 'zaak', 'zaken')} de meenemende ouder."
            ),
            block(gap(2), data_table(side_rows, [CONTENT_WIDTH - 3 * w, w, w, w])),
            v.trend_chart("Aantal betrokken kinderen {years}", [("Kinderen", f"{a}.children")]),
            v.trend_chart(
                "Internationale kinderontvoeringszaken naar meenemende ouder, {years}",
                [("Vader", f"{a}.taker.father"), ("Moeder", f"{a}.taker.mother")],
            ),
            subheading("Richting en HKOV-landen"),
            para(
                f"Van de {v.count(f'{a}.parent_cases', 'IKO-zaak', 'IKO-zaken')} van ouders "
                "betrof het:"
            ),
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
            *self._abduction_timing(),
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
                f"In {y} {v.nl('family_abduction.cases', 'werd', 'werden')} "
                f"{v.count('family_abduction.cases', 'zaak', 'zaken')} gemeld waarin een "
                "familielid de meenemer was (ouders en derden samen). Deze zaken worden sinds 2024 "
                "apart geregistreerd. Bij "
                f"{v.nl('family_abduction.cases', 'deze zaak', 'deze zaken')} "
                f"{v.nl('family_abduction.children', 'was', 'waren')} "
                f"{v.count('family_abduction.children', 'kind', 'kinderen')} betrokken."
            ),
        ]

    def _abduction_timing(self) -> list[Flowable]:
        """How early parents reach the centre (the dates of exchange format 1.1)."""
        v, a = self.v, "abduction"
        median = v.cur(f"{a}.median_days_removal_to_opening")
        if median is None:
            timing = (
                "In geen van deze zaken is de datum van de ontvoering vastgelegd, dus de tijd "
                "tussen ontvoering en eerste contact is niet bekend."
            )
        else:
            timing = (
                "Tussen de ontvoering en het eerste contact met het centrum "
                f"{v.nl(f'{a}.median_days_removal_to_opening', 'lag', 'lagen')} (mediaan) "
                f"{v.count(f'{a}.median_days_removal_to_opening', 'dag', 'dagen', bold=True)}"
                f"{esc(v.versus(f'{a}.median_days_removal_to_opening'))}."
            )
        return [
            subheading("Hoe vroeg ouders het centrum bereiken"),
            para(
                f"In <b>{v.n(f'{a}.filed_within_one_year')}</b> van de "
                f"{v.count(f'{a}.parent_cases', 'IKO-zaak', 'IKO-zaken')} van ouders werd de "
                "teruggeleidingsprocedure binnen een jaar na de ontvoering gestart"
                f"{esc(v.versus(f'{a}.filed_within_one_year'))}. {timing}"
            ),
            para(
                "Na een jaar kan de andere ouder aanvoeren dat het kind in zijn nieuwe "
                "omgeving is geworteld (art. 12 HKOV). Alleen zaken waarin de datum van de "
                "ontvoering is vastgelegd, tellen mee.",
                styles().note,
            ),
        ]

    # -- international contact ---------------------------------------------------------
    def international_contact(self) -> list[Flowable]:
        v, y = self.v, self.y
        k = "international_contact"
        return [
            heading("Internationale omgangszaken"),
            para(
                f"In {y} {v.nl(f'{k}.parent_cases', 'was', 'waren')} er "
                + v.count(
                    f"{k}.parent_cases",
                    "internationale omgangszaak",
                    "internationale omgangszaken",
                    bold=True,
                )
                + f" van ouders{esc(v.versus(f'{k}.parent_cases'))}. In "
                f"{v.count(f'{k}.requester.father', 'zaak', 'zaken')} "
                f"{v.nl(f'{k}.requester.father', 'zocht een vader', 'zochten vaders')} advies, in "
                f"{v.count(f'{k}.requester.mother', 'zaak', 'zaken')} "
                f"{v.nl(f'{k}.requester.mother', 'een moeder', 'moeders')}."
            ),
            v.trend_chart(
                "Internationale omgangszaken van ouders {years}",
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
