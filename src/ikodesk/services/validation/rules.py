"""The rules across the fields of a case: the case codes, date order, children.

`case_rules` returns every problem of a case (empty when valid). The exchange
import checks every record with it and the case service every form, so the import
and the application can never disagree about what a valid case is. The
hostile-input rules (`input_rules`) are applied here too. What a case and a
mediation share (a child's birth date or age, a country code) is here as well;
the mediation rules are in `mediation_rules`.
"""

from __future__ import annotations

import itertools
from collections.abc import Collection
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from ikodesk.errors import QT_TRANSLATE_NOOP
from ikodesk.models.cases import age_in_years
from ikodesk.models.enums import (
    CLOCK_CODES,
    CaseCode,
    CloseReason,
    Direction,
    ParentRelation,
    Taker,
    line_of,
)
from ikodesk.services import input_rules
from ikodesk.services.validation.records import (
    CLOCK_DATE_FIELDS,
    MAX_CHILD_AGE,
    CaseData,
    ChildData,
    FieldProblem,
)
from ikodesk.services.wording import Choices, FieldName

# --- cases -------------------------------------------------------------------


@dataclass(frozen=True)
class CodeRule:
    """What a case code needs: the exchange spec's table, one row."""

    country_required: bool = False
    directions: tuple[Direction, ...] = ()
    takers: tuple[Taker, ...] = ()
    taker_required: bool = False
    movers: tuple[ParentRelation, ...] = ()


_ABDUCTION_DIRECTIONS = (Direction.OUTGOING, Direction.INCOMING, Direction.ABROAD)
CODE_RULES: dict[CaseCode, CodeRule] = {
    CaseCode.INTERNATIONAL_ABDUCTION: CodeRule(
        True, _ABDUCTION_DIRECTIONS, (Taker.MOTHER, Taker.FATHER), taker_required=True
    ),
    CaseCode.FAMILY_ABDUCTION: CodeRule(True, _ABDUCTION_DIRECTIONS, (Taker.FAMILY_MEMBER,)),
    CaseCode.PREVENTION: CodeRule(True),
    CaseCode.RELOCATION_CONSENT: CodeRule(
        True,
        (Direction.OUTGOING, Direction.INCOMING),
        movers=(ParentRelation.MOTHER, ParentRelation.FATHER),
    ),
    CaseCode.INTERNATIONAL_CONTACT: CodeRule(
        True, (Direction.CHILD_ABROAD, Direction.PARENT_ABROAD)
    ),
}
_OPTIONAL_COUNTRY = CodeRule()


def code_rule(code: CaseCode) -> CodeRule:
    return CODE_RULES.get(code, _OPTIONAL_COUNTRY)


def case_rules(
    case: CaseData, known_countries: Collection[str], *, texts_clean: bool = False
) -> list[FieldProblem]:
    """The rules that span fields of a case, in field order. Empty when valid.

    `texts_clean`: see `input_rules.case_problems`.
    """
    problems: list[FieldProblem] = []
    add = problems.append
    code = case.code
    if line_of(code) != case.line:
        add(
            FieldProblem(
                "code",
                QT_TRANSLATE_NOOP(
                    "services", 'code "{code}" hoort bij lijn {code_line}, niet bij lijn {line}'
                ),
                code=code,
                code_line=line_of(code),
                line=case.line,
            )
        )
    if case.closed is not None:
        if case.close_reason is None:
            add(
                FieldProblem(
                    "close_reason",
                    QT_TRANSLATE_NOOP(
                        "services", 'verplicht wanneer "{closed}" is ingevuld (een van: {choices})'
                    ),
                    closed=FieldName("closed"),
                    choices=Choices(CloseReason),
                )
            )
        if case.closed < case.opened:
            add(
                FieldProblem(
                    "closed",
                    QT_TRANSLATE_NOOP(
                        "services", "sluitdatum {closed} ligt vóór de openingsdatum {opened}"
                    ),
                    closed=case.closed,
                    opened=case.opened,
                )
            )
    elif case.close_reason is not None:
        add(
            FieldProblem(
                "close_reason",
                QT_TRANSLATE_NOOP("services", 'alleen toegestaan wanneer "{closed}" is ingevuld'),
                closed=FieldName("closed"),
            )
        )
    rule = code_rule(code)
    if case.country is None:
        if rule.country_required:
            add(
                FieldProblem(
                    "country",
                    QT_TRANSLATE_NOOP("services", 'ontbreekt: verplicht bij code "{code}"'),
                    # Next to the field the code is in view: saying it again reads twice.
                    in_form=QT_TRANSLATE_NOOP("services", "ontbreekt: verplicht"),
                    code=code,
                )
            )
    elif case.country == "NL":
        add(
            FieldProblem(
                "country",
                QT_TRANSLATE_NOOP("services", 'mag niet "NL" zijn: vul het andere land in'),
            )
        )
    elif case.country not in known_countries:
        add(unknown_country("country", case.country))
    _check_optional_choice(add, "direction", case.direction, rule.directions, True, code)
    _check_optional_choice(add, "taker", case.taker, rule.takers, rule.taker_required, code)
    _check_optional_choice(add, "mover", case.mover, rule.movers, True, code)
    for i, child in enumerate(case.children):
        path = f"children[{i}]"
        problem = child_problem(child, path)
        if problem is not None:
            add(problem)
        elif child.birth_date is not None:
            if child.birth_date > case.opened:
                add(
                    FieldProblem(
                        f"{path}.birth_date",
                        QT_TRANSLATE_NOOP(
                            "services", "geboortedatum {born} ligt na de openingsdatum {opened}"
                        ),
                        born=child.birth_date,
                        opened=case.opened,
                    )
                )
            elif age_in_years(child.birth_date, case.opened) > MAX_CHILD_AGE:
                add(
                    FieldProblem(
                        f"{path}.birth_date",
                        QT_TRANSLATE_NOOP(
                            "services", "het kind was op de openingsdatum al meerderjarig"
                        ),
                    )
                )
        elif child.age is not None and not 0 <= child.age <= MAX_CHILD_AGE:
            add(
                FieldProblem(
                    f"{path}.age",
                    QT_TRANSLATE_NOOP("services", "leeftijd moet tussen 0 en {max} liggen"),
                    max=MAX_CHILD_AGE,
                )
            )
    problems.extend(clock_date_problems(case))
    problems.extend(
        wording.at(p) for p, wording in input_rules.case_problems(case, texts_clean=texts_clean)
    )
    return problems


def child_problem(child: ChildData, path: str) -> FieldProblem | None:
    """A child is known by its birth date or its age: one of them, not both."""
    if child.birth_date is None and child.age is None:
        return FieldProblem(
            f"{path}.birth_date",
            QT_TRANSLATE_NOOP("services", 'verwacht "{birth_date}" of "{age}"'),
            birth_date=FieldName("birth_date"),
            age=FieldName("age"),
        )
    if child.birth_date is not None and child.age is not None:
        return FieldProblem(
            f"{path}.age",
            QT_TRANSLATE_NOOP("services", 'geef "{birth_date}" óf "{age}", niet beide'),
            birth_date=FieldName("birth_date"),
            age=FieldName("age"),
        )
    return None


def unknown_country(path: str, iso2: str) -> FieldProblem:
    return FieldProblem(
        path,
        QT_TRANSLATE_NOOP(
            "services", 'onbekende landcode "{iso2}" (verwacht ISO 3166-1 alpha-2, bijv. "PL")'
        ),
        iso2=iso2,
    )


# What each clock date is, in the messages (exchange format 1.1, in the order they happen).
_CLOCK_DATE_NAMES = {
    "removal_date": "de ontvoering",
    "proceedings_started": "de start van de teruggeleidingsprocedure",
    "decision_first_instance": "de beslissing in eerste aanleg",
    "appeal_ready": "de datum waarop het hoger beroep behandeld kan worden",
}


def clock_date_problems(case: CaseData) -> list[FieldProblem]:
    """The dates that start the clocks: only on abduction cases, plausible, in order.

    The removal lies on or before the opening date (a threatened removal is a
    prevention case); the proceedings start on or after the removal, the decision
    follows the proceedings and the appeal the decision.
    """
    given = [(name, getattr(case, name)) for name in CLOCK_DATE_FIELDS]
    given = [(name, day) for name, day in given if day is not None]
    if not given:
        return []
    if case.code not in CLOCK_CODES:
        allowed = " of ".join(f'"{c.value}"' for c in CLOCK_CODES)
        return [
            FieldProblem(
                name, f'niet toegestaan bij code "{case.code.value}" (alleen bij {allowed})'
            )
            for name, _day in given
        ]
    problems: list[FieldProblem] = []
    for name, day in given:
        message = input_rules.event_problem(day, "datum")
        if message:
            problems.append(FieldProblem(name, message))
    removal = case.removal_date
    if removal is not None and removal > case.opened:
        problems.append(
            FieldProblem(
                "removal_date",
                f"datum {removal.isoformat()} ligt na de openingsdatum {case.opened.isoformat()} "
                '(een dreigende ontvoering is een zaak met code "prevention")',
            )
        )
    for (before, first), (name, day) in itertools.pairwise(given):
        if day < first:
            problems.append(
                FieldProblem(
                    name,
                    f"datum {day.isoformat()} ligt vóór {_CLOCK_DATE_NAMES[before]} "
                    f"({first.isoformat()})",
                )
            )
    return problems


def _check_optional_choice(
    add: Any,
    name: str,
    value: StrEnum | None,
    allowed: tuple[StrEnum, ...],
    required_if_allowed: bool,
    code: CaseCode,
) -> None:
    # Each message names the code; next to the field (in_form) the code is in view.
    if not allowed:
        if value is not None:
            add(
                FieldProblem(
                    name,
                    QT_TRANSLATE_NOOP("services", 'niet toegestaan bij code "{code}"'),
                    in_form=QT_TRANSLATE_NOOP("services", "niet toegestaan"),
                    code=code,
                )
            )
        return
    if value is None:
        if required_if_allowed:
            add(
                FieldProblem(
                    name,
                    QT_TRANSLATE_NOOP(
                        "services", 'ontbreekt: verplicht bij code "{code}" (een van: {choices})'
                    ),
                    in_form=QT_TRANSLATE_NOOP(
                        "services", "ontbreekt: verplicht (een van: {choices})"
                    ),
                    code=code,
                    choices=Choices(allowed),
                )
            )
    elif value not in allowed:
        add(
            FieldProblem(
                name,
                QT_TRANSLATE_NOOP(
                    "services",
                    'ongeldige waarde "{value}" bij code "{code}" (verwacht een van: {choices})',
                ),
                in_form=QT_TRANSLATE_NOOP(
                    "services", 'ongeldige waarde "{value}" (verwacht een van: {choices})'
                ),
                value=value,
                code=code,
                choices=Choices(allowed),
            )
        )
