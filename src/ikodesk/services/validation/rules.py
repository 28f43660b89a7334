"""The rules across the fields of a record: case codes, date order, the mediation states.

`case_rules` and `mediation_rules` return every problem of a record (empty
when valid). The exchange import checks every record with them, the case
service and the mediation workflow (services/mediation) check the state each
form or step leads to, so the import and the application can never disagree
about what a valid case or mediation is. The hostile-input rules
(`input_rules`) are applied here too.
"""

from __future__ import annotations

import itertools
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any

from ikodesk.models.cases import age_in_years
from ikodesk.models.enums import (
    CLOCK_CODES,
    CaseCode,
    CloseReason,
    Direction,
    Intake,
    MediationStatus,
    Outcome,
    ParentRelation,
    ReferredBy,
    Taker,
    line_of,
)
from ikodesk.services import input_rules
from ikodesk.services.validation.fields import choices
from ikodesk.services.validation.records import (
    CLOCK_DATE_FIELDS,
    MAX_CHILD_AGE,
    CaseData,
    ChildData,
    FieldProblem,
    MediationData,
    MediationParentData,
)

MAX_MEDIATION_PARENTS = 2
# Children are heard in a child interview (kindgesprek) from this age on.
INTERVIEW_MIN_AGE = 3


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


def case_rules(case: CaseData, known_countries: Collection[str]) -> list[FieldProblem]:
    """The rules that span fields of a case, in field order. Empty when valid."""
    problems: list[FieldProblem] = []
    add = problems.append
    code = case.code
    if line_of(code) != case.line:
        add(
            FieldProblem(
                "code",
                f'code "{code.value}" hoort bij lijn {line_of(code)}, niet bij lijn {case.line}',
            )
        )
    if case.closed is not None:
        if case.close_reason is None:
            add(
                FieldProblem(
                    "close_reason",
                    f'verplicht wanneer "closed" is ingevuld (een van: {choices(CloseReason)})',
                )
            )
        if case.closed < case.opened:
            add(
                FieldProblem(
                    "closed",
                    f"sluitdatum {case.closed.isoformat()} ligt vóór de "
                    f"openingsdatum {case.opened.isoformat()}",
                )
            )
    elif case.close_reason is not None:
        add(FieldProblem("close_reason", 'alleen toegestaan wanneer "closed" is ingevuld'))
    rule = code_rule(code)
    ctx = f' bij code "{code.value}"'
    if case.country is None:
        if rule.country_required:
            add(FieldProblem("country", f"ontbreekt: verplicht{ctx}"))
    elif case.country == "NL":
        add(FieldProblem("country", 'mag niet "NL" zijn: vul het andere land in'))
    elif case.country not in known_countries:
        add(
            FieldProblem(
                "country",
                f'onbekende landcode "{case.country}" (verwacht ISO 3166-1 alpha-2, bijv. "PL")',
            )
        )
    _check_optional_choice(add, "direction", case.direction, rule.directions, True, ctx)
    _check_optional_choice(add, "taker", case.taker, rule.takers, rule.taker_required, ctx)
    _check_optional_choice(add, "mover", case.mover, rule.movers, True, ctx)
    for i, child in enumerate(case.children):
        path = f"children[{i}]"
        if child.birth_date is None and child.age is None:
            add(FieldProblem(f"{path}.birth_date", 'verwacht "birth_date" of "age"'))
        elif child.birth_date is not None and child.age is not None:
            add(FieldProblem(f"{path}.age", 'geef "birth_date" óf "age", niet beide'))
        elif child.birth_date is not None:
            if child.birth_date > case.opened:
                add(
                    FieldProblem(
                        f"{path}.birth_date",
                        f"geboortedatum {child.birth_date.isoformat()} ligt na de "
                        f"openingsdatum {case.opened.isoformat()}",
                    )
                )
            elif age_in_years(child.birth_date, case.opened) > MAX_CHILD_AGE:
                add(
                    FieldProblem(
                        f"{path}.birth_date", "het kind was op de openingsdatum al meerderjarig"
                    )
                )
        elif child.age is not None and not 0 <= child.age <= MAX_CHILD_AGE:
            add(FieldProblem(f"{path}.age", f"leeftijd moet tussen 0 en {MAX_CHILD_AGE} liggen"))
    problems.extend(clock_date_problems(case))
    problems.extend(FieldProblem(p, m) for p, m in input_rules.case_problems(case))
    return problems


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
    ctx: str,
) -> None:
    if not allowed:
        if value is not None:
            add(FieldProblem(name, f"niet toegestaan{ctx}"))
        return
    if value is None:
        if required_if_allowed:
            add(FieldProblem(name, f"ontbreekt: verplicht{ctx} (een van: {choices(allowed)})"))
    elif value not in allowed:
        add(
            FieldProblem(
                name,
                f'ongeldige waarde "{value.value}"{ctx} (verwacht een van: {choices(allowed)})',
            )
        )


# --- mediations ---------------------------------------------------------------


def _hearing_problems(m: MediationData) -> list[FieldProblem]:
    """The court hearing: a court-referred mediation's, on or after the request date."""
    if m.court_hearing is None:
        return []
    if m.referred_by is not ReferredBy.COURT:
        return [
            FieldProblem("court_hearing", 'alleen bij een verwijzing door de rechter ("court")')
        ]
    if m.court_hearing < m.requested:
        return [
            FieldProblem(
                "court_hearing",
                f"zitting {m.court_hearing.isoformat()} ligt vóór de aanvraagdatum "
                f"{m.requested.isoformat()}",
            )
        ]
    message = input_rules.event_problem(m.court_hearing, "zitting", future=True)
    return [FieldProblem("court_hearing", message)] if message else []


def parent_rules(
    parents: list[MediationParentData],
    requested: date,
    known_countries: Collection[str] | None,
    prefix: str = "parents",
) -> list[FieldProblem]:
    """The rules of a mediation's parents. Empty when valid."""
    problems: list[FieldProblem] = []
    if len(parents) > MAX_MEDIATION_PARENTS:
        problems.append(
            FieldProblem(prefix, f"hoogstens {MAX_MEDIATION_PARENTS} ouders per mediation")
        )
    for i, p in enumerate(parents):
        path = f"{prefix}[{i}]"
        if p.birth_date is not None and p.birth_date > requested:
            problems.append(
                FieldProblem(f"{path}.birth_date", "geboortedatum ligt na de aanvraagdatum")
            )
        if (
            p.country is not None
            and known_countries is not None
            and p.country not in known_countries
        ):
            problems.append(
                FieldProblem(
                    f"{path}.country",
                    f'onbekende landcode "{p.country}" (verwacht ISO 3166-1 alpha-2, bijv. "PL")',
                )
            )
    return problems


def _kids(n: int) -> str:
    return "geen kind" if n == 0 else "1 kind" if n == 1 else f"{n} kinderen"


def may_be_at_least(child: ChildData, age: int, requested: date, on: date) -> bool:
    """Whether a child of a mediation requested on `requested` can be `age` or older on `on`.

    A child known by age only (whole years at the request date) gets the
    benefit of the doubt: it may have had a birthday since.
    """
    if child.birth_date is not None:
        return child.birth_date <= on and age_in_years(child.birth_date, on) >= age
    if child.age is None:
        return False
    elapsed = (on - requested).days
    upper = child.age + (0 if elapsed <= 0 else -(-elapsed // 365))
    return upper >= age


def mediation_rules(
    m: MediationData, known_countries: Collection[str] | None = None
) -> list[FieldProblem]:
    """The mediation state machine and date order. Empty when valid.

    The exchange import checks every record with these rules, and the
    mediation workflow (services.mediation.workflow) checks the state each step
    leads to, so the two can never disagree about what a valid mediation is.
    """
    problems: list[FieldProblem] = []
    add = problems.append
    started_states = (MediationStatus.RUNNING, MediationStatus.ENDED)
    if m.status in started_states:
        if m.started is None:
            add(FieldProblem("started", f'verplicht bij status "{m.status.value}"'))
    elif m.started is not None:
        add(
            FieldProblem(
                "started",
                f'niet toegestaan bij status "{m.status.value}" (alleen bij running of ended)',
            )
        )
    if m.not_started_reason is not None and m.status is not MediationStatus.NOT_STARTED:
        add(FieldProblem("not_started_reason", 'alleen toegestaan bij status "not_started"'))
    if m.status in (MediationStatus.REQUESTED, MediationStatus.NOT_STARTED) and m.intake:
        add(FieldProblem("intake", "niet toegestaan: de mediation is niet gestart"))
    if m.status is MediationStatus.ENDED:
        if m.ended is None:
            add(FieldProblem("ended", 'verplicht bij status "ended" (de einddatum)'))
        if m.intake is None:
            add(FieldProblem("intake", 'verplicht bij status "ended" (suitable of not_suitable)'))
        elif m.intake is Intake.SUITABLE and m.outcome is None:
            add(
                FieldProblem(
                    "outcome",
                    "verplicht bij een afgeronde, geschikte mediation "
                    f"(een van: {choices(Outcome)})",
                )
            )
    elif m.ended is not None:
        add(FieldProblem("ended", 'alleen toegestaan bij status "ended"'))
    if m.outcome is not None:
        if m.status is not MediationStatus.ENDED:
            add(FieldProblem("outcome", 'alleen toegestaan bij status "ended"'))
        elif m.intake is Intake.NOT_SUITABLE:
            add(
                FieldProblem("outcome", "niet toegestaan: de mediation was niet geschikt na intake")
            )
    if m.failure_reasons and m.outcome is not Outcome.NO_AGREEMENT:
        add(FieldProblem("failure_reasons", 'alleen toegestaan bij outcome "no_agreement"'))
    if len(set(m.failure_reasons)) != len(m.failure_reasons):
        add(FieldProblem("failure_reasons", "bevat een reden twee keer"))
    if len(set(m.mediators)) != len(m.mediators):
        add(FieldProblem("mediators", "bevat een mediator twee keer"))
    for name, day in (("started", m.started), ("special_curator", m.special_curator)):
        if day is not None and day < m.requested:
            add(
                FieldProblem(
                    name, f"{day.isoformat()} ligt vóór de aanvraagdatum {m.requested.isoformat()}"
                )
            )
    if m.ended is not None and m.started is not None and m.ended < m.started:
        add(
            FieldProblem(
                "ended",
                f"einddatum {m.ended.isoformat()} ligt vóór de startdatum {m.started.isoformat()}",
            )
        )
    if m.child_interviews and m.status in (MediationStatus.REQUESTED, MediationStatus.NOT_STARTED):
        add(FieldProblem("child_interviews", "niet toegestaan: de mediation is niet gestart"))
    for i, interview in enumerate(m.child_interviews):
        if interview.children < 1:
            add(
                FieldProblem(
                    f"child_interviews[{i}].children", "minstens 1 kind gehoord per kindgesprek"
                )
            )
        if m.started is not None and interview.date < m.started:
            add(
                FieldProblem(
                    f"child_interviews[{i}].date",
                    f"{interview.date.isoformat()} ligt vóór de startdatum {m.started.isoformat()}",
                )
            )
        if m.ended is not None and interview.date > m.ended:
            add(
                FieldProblem(
                    f"child_interviews[{i}].date",
                    f"{interview.date.isoformat()} ligt na de einddatum {m.ended.isoformat()}",
                )
            )
    for i, child in enumerate(m.children):
        if child.birth_date is None and child.age is None:
            add(FieldProblem(f"children[{i}].birth_date", 'verwacht "birth_date" of "age"'))
        elif child.birth_date is not None and child.age is not None:
            add(FieldProblem(f"children[{i}].age", 'geef "birth_date" óf "age", niet beide'))
        elif child.birth_date is not None and child.birth_date > m.requested:
            add(FieldProblem(f"children[{i}].birth_date", "geboortedatum ligt na de aanvraagdatum"))
    if m.intake is Intake.NOT_SUITABLE and m.status is MediationStatus.RUNNING:
        add(
            FieldProblem(
                "intake",
                "een mediation die na de intake niet geschikt is, loopt niet door: "
                'status "ended" met een einddatum, zonder uitkomst',
            )
        )
    if m.children:
        # Without registered children there is nothing to check the count against.
        for i, interview in enumerate(m.child_interviews):
            eligible = sum(
                may_be_at_least(c, INTERVIEW_MIN_AGE, m.requested, interview.date)
                for c in m.children
            )
            if interview.children > eligible:
                add(
                    FieldProblem(
                        f"child_interviews[{i}].children",
                        f"{_kids(interview.children)} gehoord, maar op "
                        f"{interview.date.isoformat()} {'zijn' if eligible > 1 else 'is'} "
                        f"in deze mediation {_kids(eligible)} {INTERVIEW_MIN_AGE} jaar of "
                        f"ouder (kindgesprekken zijn vanaf {INTERVIEW_MIN_AGE} jaar)",
                    )
                )
    problems.extend(_hearing_problems(m))
    problems.extend(parent_rules(m.parents, m.requested, known_countries))
    problems.extend(FieldProblem(p, msg) for p, msg in input_rules.mediation_problems(m))
    return problems
