"""The rules across the fields of a mediation: the state machine, date order, parents.

`mediation_rules` returns every problem of a mediation (empty when valid). The
exchange import checks every record with it and the mediation workflow
(services.mediation.workflow) checks the state each step leads to, so the two can
never disagree about what a valid mediation is.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date

from ikodesk.errors import QT_TRANSLATE_NOOP
from ikodesk.models.cases import age_in_years
from ikodesk.models.enums import Intake, MediationStatus, Outcome, ReferredBy
from ikodesk.services import input_rules
from ikodesk.services.validation.records import (
    ChildData,
    FieldProblem,
    InterviewData,
    MediationData,
    MediationParentData,
)
from ikodesk.services.validation.rules import child_problem, unknown_country
from ikodesk.services.wording import Choices, FieldName, Kids

MAX_MEDIATION_PARENTS = 2
# Children are heard in a child interview (kindgesprek) from this age on.
INTERVIEW_MIN_AGE = 3


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
            FieldProblem(
                prefix,
                QT_TRANSLATE_NOOP("services", "hoogstens {max} ouders per mediation"),
                max=MAX_MEDIATION_PARENTS,
            )
        )
    for i, p in enumerate(parents):
        path = f"{prefix}[{i}]"
        if p.birth_date is not None and p.birth_date > requested:
            problems.append(_born_after_request(f"{path}.birth_date"))
        if (
            p.country is not None
            and known_countries is not None
            and p.country not in known_countries
        ):
            problems.append(unknown_country(f"{path}.country", p.country))
    return problems


def _born_after_request(path: str) -> FieldProblem:
    return FieldProblem(
        path, QT_TRANSLATE_NOOP("services", "geboortedatum ligt na de aanvraagdatum")
    )


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
    ended_status = MediationStatus.ENDED
    if m.status in started_states:
        if m.started is None:
            add(
                FieldProblem(
                    "started",
                    QT_TRANSLATE_NOOP("services", 'verplicht bij status "{status}"'),
                    status=m.status,
                )
            )
    elif m.started is not None:
        add(
            FieldProblem(
                "started",
                QT_TRANSLATE_NOOP(
                    "services",
                    'niet toegestaan bij status "{status}" (alleen bij {running} of {ended})',
                ),
                status=m.status,
                running=MediationStatus.RUNNING,
                ended=ended_status,
            )
        )
    if m.not_started_reason is not None and m.status is not MediationStatus.NOT_STARTED:
        add(_only_with_status("not_started_reason", MediationStatus.NOT_STARTED))
    if m.status in (MediationStatus.REQUESTED, MediationStatus.NOT_STARTED) and m.intake:
        add(_not_started("intake"))
    if m.status is MediationStatus.ENDED:
        if m.ended is None:
            add(
                FieldProblem(
                    "ended",
                    QT_TRANSLATE_NOOP("services", 'verplicht bij status "{status}" (de einddatum)'),
                    status=ended_status,
                )
            )
        if m.intake is None:
            add(
                FieldProblem(
                    "intake",
                    QT_TRANSLATE_NOOP(
                        "services", 'verplicht bij status "{status}" ({suitable} of {not_suitable})'
                    ),
                    status=ended_status,
                    suitable=Intake.SUITABLE,
                    not_suitable=Intake.NOT_SUITABLE,
                )
            )
        elif m.intake is Intake.SUITABLE and m.outcome is None:
            add(
                FieldProblem(
                    "outcome",
                    QT_TRANSLATE_NOOP(
                        "services",
                        "verplicht bij een afgeronde, geschikte mediation (een van: {choices})",
                    ),
                    choices=Choices(Outcome),
                )
            )
    elif m.ended is not None:
        add(_only_with_status("ended", ended_status))
    if m.outcome is not None:
        if m.status is not MediationStatus.ENDED:
            add(_only_with_status("outcome", ended_status))
        elif m.intake is Intake.NOT_SUITABLE:
            add(
                FieldProblem(
                    "outcome",
                    QT_TRANSLATE_NOOP(
                        "services", "niet toegestaan: de mediation was niet geschikt na intake"
                    ),
                )
            )
    if m.failure_reasons and m.outcome is not Outcome.NO_AGREEMENT:
        add(
            FieldProblem(
                "failure_reasons",
                QT_TRANSLATE_NOOP("services", 'alleen toegestaan bij {outcome} "{value}"'),
                outcome=FieldName("outcome"),
                value=Outcome.NO_AGREEMENT,
            )
        )
    if len(set(m.failure_reasons)) != len(m.failure_reasons):
        add(
            FieldProblem(
                "failure_reasons", QT_TRANSLATE_NOOP("services", "bevat een reden twee keer")
            )
        )
    if len(set(m.mediators)) != len(m.mediators):
        add(
            FieldProblem("mediators", QT_TRANSLATE_NOOP("services", "bevat een mediator twee keer"))
        )
    for name, day in (("started", m.started), ("special_curator", m.special_curator)):
        if day is not None and day < m.requested:
            add(
                FieldProblem(
                    name,
                    QT_TRANSLATE_NOOP("services", "{day} ligt vóór de aanvraagdatum {requested}"),
                    day=day,
                    requested=m.requested,
                )
            )
    if m.ended is not None and m.started is not None and m.ended < m.started:
        add(
            FieldProblem(
                "ended",
                QT_TRANSLATE_NOOP(
                    "services", "einddatum {ended} ligt vóór de startdatum {started}"
                ),
                ended=m.ended,
                started=m.started,
            )
        )
    if m.child_interviews and m.status in (MediationStatus.REQUESTED, MediationStatus.NOT_STARTED):
        add(_not_started("child_interviews"))
    for i, interview in enumerate(m.child_interviews):
        if interview.children < 1:
            add(
                FieldProblem(
                    f"child_interviews[{i}].children",
                    QT_TRANSLATE_NOOP("services", "minstens 1 kind gehoord per kindgesprek"),
                )
            )
        if m.started is not None and interview.date < m.started:
            add(
                FieldProblem(
                    f"child_interviews[{i}].date",
                    QT_TRANSLATE_NOOP("services", "{day} ligt vóór de startdatum {started}"),
                    day=interview.date,
                    started=m.started,
                )
            )
        if m.ended is not None and interview.date > m.ended:
            add(
                FieldProblem(
                    f"child_interviews[{i}].date",
                    QT_TRANSLATE_NOOP("services", "{day} ligt na de einddatum {ended}"),
                    day=interview.date,
                    ended=m.ended,
                )
            )
    for i, child in enumerate(m.children):
        problem = child_problem(child, f"children[{i}]")
        if problem is not None:
            add(problem)
        elif child.birth_date is not None and child.birth_date > m.requested:
            add(_born_after_request(f"children[{i}].birth_date"))
    if m.intake is Intake.NOT_SUITABLE and m.status is MediationStatus.RUNNING:
        add(
            FieldProblem(
                "intake",
                QT_TRANSLATE_NOOP(
                    "services",
                    "een mediation die na de intake niet geschikt is, loopt niet door: "
                    'status "{status}" met een einddatum, zonder uitkomst',
                ),
                status=ended_status,
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
                add(_too_many_heard(f"child_interviews[{i}].children", interview, eligible))
    problems.extend(_hearing_problems(m))
    problems.extend(parent_rules(m.parents, m.requested, known_countries))
    problems.extend(wording.at(p) for p, wording in input_rules.mediation_problems(m))
    return problems


def _only_with_status(name: str, status: MediationStatus) -> FieldProblem:
    return FieldProblem(
        name,
        QT_TRANSLATE_NOOP("services", 'alleen toegestaan bij status "{status}"'),
        status=status,
    )


def _not_started(name: str) -> FieldProblem:
    return FieldProblem(
        name, QT_TRANSLATE_NOOP("services", "niet toegestaan: de mediation is niet gestart")
    )


def _too_many_heard(path: str, interview: InterviewData, eligible: int) -> FieldProblem:
    """More children heard than the mediation has children of interview age on that day."""
    if eligible > 1:
        template = QT_TRANSLATE_NOOP(
            "services",
            "{heard} gehoord, maar op {day} zijn in deze mediation {eligible} {min_age} jaar "
            "of ouder (kindgesprekken zijn vanaf {min_age} jaar)",
        )
    else:
        template = QT_TRANSLATE_NOOP(
            "services",
            "{heard} gehoord, maar op {day} is in deze mediation {eligible} {min_age} jaar "
            "of ouder (kindgesprekken zijn vanaf {min_age} jaar)",
        )
    return FieldProblem(
        path,
        template,
        heard=Kids(interview.children),
        day=interview.date,
        eligible=Kids(eligible),
        min_age=INTERVIEW_MIN_AGE,
    )


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
                "zitting {hearing} ligt vóór de aanvraagdatum {requested}",
                hearing=m.court_hearing,
                requested=m.requested,
            )
        ]
    message = input_rules.event_problem(m.court_hearing, "zitting", future=True)
    return [FieldProblem("court_hearing", message)] if message else []
