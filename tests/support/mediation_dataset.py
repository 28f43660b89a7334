"""A dataset with the seed report's 2024 mediation numbers, built through the workflow.

`build_2024(session, actor)` registers every request and takes it through the
mediation workflow (services/mediation/), as the bureau would. The
`mediation.*` figures of spec/annual-figures.md computed on it must then be
`EXPECTED_2024`, the seed's numbers:

- 38 requests in 2024: 21 IKO, 17 NIKO.
- IKO: 11 started, 10 not continued. Of the 11 started, 10 ended in 2024
  (2 mirror agreements, 8 without agreement) and one was still running on
  31 December: requested in November, it ends in January 2025 and its
  outcome counts in 2025. That is how the seed's "11 started" and "2 + 8
  outcomes" fit together under the rule "an outcome counts in the year it
  ended".
- NIKO: 15 started, 2 not continued. Of the 15 started, 2 were not suitable
  at the intake (they started, so they count among the 15, and ended
  without outcome), 13 ended with an outcome: 9 agreements (the seed gives
  only the sum; modelled as 6 full and 3 mirror) and 4 without.
- Success rate: 11 / 23 = 48% overall, 2 / 10 = 20% IKO, 9 / 13 = 69% NIKO.
- 12 special curators appointed in 2024. A curator counts in the year of
  its date, not of the request: 10 were appointed for 2024 requests (8 IKO,
  2 NIKO) and 2 in January 2024 for requests of late 2023. Of the other two
  2024 IKO requests not continued, one got its curator in January 2025
  (requested mid-December) and one only had a child under three, for whom
  the agreement does not apply.
- 16 child interviews in 2024 (9 IKO, 7 NIKO) hearing 21 children (IKO 12,
  NIKO 9); the IKO mediation running into 2025 had a second interview in
  January 2025.

Records of 2023 and 2025 around the year check the year boundaries; their
own counts are `EXPECTED_2023` and `EXPECTED_2025` (the keys a test can
state without choosing a convention for an empty success rate).

Shared with the figures service's tests: compute the figures on this dataset
and compare them with these dictionaries.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy.orm import Session

from ikodesk.models.enums import (
    FailureReason,
    Intake,
    MediationKind,
    Outcome,
    ParentRelation,
    ReferredBy,
)
from ikodesk.services import mediation as med
from ikodesk.services import mediators
from ikodesk.services.actors import Actor
from ikodesk.services.mediation import MediationDetail, RequestData
from ikodesk.services.validation import ChildData, MediationParentData

IKO, NIKO = MediationKind.IKO, MediationKind.NIKO
FULL, MIRROR, NONE = Outcome.FULL_AGREEMENT, Outcome.MIRROR_AGREEMENT, Outcome.NO_AGREEMENT

EXPECTED_2024: dict[str, int] = {
    "mediation.requests.total": 38,
    "mediation.requests.iko": 21,
    "mediation.requests.niko": 17,
    "mediation.started.iko": 11,
    "mediation.started.niko": 15,
    "mediation.not_started.iko": 10,
    "mediation.not_started.niko": 2,
    "mediation.not_suitable.iko": 0,
    "mediation.not_suitable.niko": 2,
    "mediation.special_curator": 12,
    "mediation.outcomes.iko.full_agreement": 0,
    "mediation.outcomes.iko.mirror_agreement": 2,
    "mediation.outcomes.iko.no_agreement": 8,
    "mediation.outcomes.niko.full_agreement": 6,
    "mediation.outcomes.niko.mirror_agreement": 3,
    "mediation.outcomes.niko.no_agreement": 4,
    "mediation.success_rate.all": 48,
    "mediation.success_rate.iko": 20,
    "mediation.success_rate.niko": 69,
    "mediation.child_interviews.total": 16,
    "mediation.child_interviews.iko": 9,
    "mediation.child_interviews.niko": 7,
    "mediation.child_interviews.children": 21,
}

EXPECTED_2023: dict[str, int] = {
    "mediation.requests.total": 4,
    "mediation.requests.iko": 2,
    "mediation.requests.niko": 2,
    "mediation.started.iko": 1,
    "mediation.started.niko": 0,
    "mediation.not_started.iko": 1,
    "mediation.not_started.niko": 2,
    "mediation.not_suitable.iko": 0,
    "mediation.not_suitable.niko": 0,
    "mediation.special_curator": 1,
    "mediation.outcomes.iko.full_agreement": 1,
    "mediation.outcomes.iko.mirror_agreement": 0,
    "mediation.outcomes.iko.no_agreement": 0,
    "mediation.success_rate.all": 100,
    "mediation.success_rate.iko": 100,
    "mediation.child_interviews.total": 1,
    "mediation.child_interviews.iko": 1,
    "mediation.child_interviews.niko": 0,
    "mediation.child_interviews.children": 1,
}

EXPECTED_2025: dict[str, int] = {
    "mediation.requests.total": 1,
    "mediation.requests.iko": 0,
    "mediation.requests.niko": 1,
    "mediation.started.niko": 1,
    "mediation.special_curator": 1,
    "mediation.outcomes.iko.no_agreement": 1,
    "mediation.success_rate.all": 0,
    "mediation.success_rate.iko": 0,
    "mediation.child_interviews.total": 1,
    "mediation.child_interviews.iko": 1,
    "mediation.child_interviews.children": 1,
}

POOL: list[tuple[str, list[str], bool, bool]] = [
    ("M. Jansen", ["nl", "pl"], True, True),
    ("K. Nowak", ["pl", "en"], False, True),
    ("A. Yıldız", ["nl", "tr"], True, True),
    ("S. El Amrani", ["nl", "ar", "fr"], True, True),
    ("J. Müller", ["de", "nl"], False, True),
    ("E. Oud", ["nl"], True, False),
]
_FIRST_NAMES = ["Ola", "Zoë", "Emir", "Lina", "Çağan", "Noah", "Maja", "Yasmin", "Łucja", "Sem"]
_FAMILIES = [
    ("Kowalska", "Kowalski", "PL"),
    ("Öztürk", "Öztürk", "TR"),
    ("El Idrissi", "Benali", "MA"),
    ("Schmidt", "Schmidt", "DE"),
    ("de Vries", "Nowak", "PL"),
]
_REASONS = [
    [FailureReason.EMOTIONS],
    [FailureReason.OPPOSED_POSITIONS],
    [FailureReason.THIRD_PARTY_INFLUENCE, FailureReason.EMOTIONS],
    [FailureReason.OTHER],
]


@dataclass(frozen=True)
class Plan:
    """One request and what happens to it, in workflow terms."""

    kind: MediationKind
    requested: date
    child_ages: tuple[int, ...]  # whole years at the request date
    started: date | None = None
    not_continued: str | None = None
    curator: date | None = None
    intake: Intake | None = None
    ended: date | None = None
    outcome: Outcome | None = None
    interviews: tuple[tuple[date, int], ...] = ()
    referred_by: ReferredBy = ReferredBy.COURT


def _born(requested: date, age: int) -> date:
    """A birth date that makes a child `age` on `requested` (its birthday a month before)."""
    day = requested - timedelta(days=30)
    try:
        return day.replace(year=day.year - age)
    except ValueError:  # 29 February
        return day.replace(year=day.year - age, day=28)


def plans() -> list[Plan]:
    """Every request of the dataset, by request date."""
    out: list[Plan] = []
    d = date
    # IKO 2024, started and ended in 2024: 2 mirror agreements, 8 without.
    for i in range(10):
        requested = d(2024, 1 + i, 5)
        started = requested + timedelta(days=14)
        heard = 2 if i < 3 else 1
        out.append(
            Plan(
                IKO,
                requested,
                (6, 4) if heard == 2 else ((9, 2) if i % 2 else (7,)),
                started=started,
                intake=Intake.SUITABLE,
                ended=started + timedelta(days=45),
                outcome=MIRROR if i < 2 else NONE,
                # 8 interviews here (11 children), the ninth on the running one.
                interviews=((started + timedelta(days=20), heard),) if i < 8 else (),
            )
        )
    # IKO 2024 still running on 31 December; it ends without agreement in 2025.
    out.append(
        Plan(
            IKO,
            d(2024, 11, 4),
            (8,),
            started=d(2024, 11, 18),
            intake=Intake.SUITABLE,
            ended=d(2025, 1, 20),
            outcome=NONE,
            interviews=((d(2024, 12, 5), 1), (d(2025, 1, 9), 1)),
        )
    )
    # IKO 2024 not continued: 8 curators in 2024, one in 2025, one child under three.
    for i in range(8):
        requested = d(2024, 1 + i, 12)
        out.append(
            Plan(
                IKO,
                requested,
                ((3,), (5,), (10, 1), (12,))[i % 4],
                not_continued="Ouders willen na de regiezitting niet meer deelnemen.",
                curator=requested + timedelta(days=21),
            )
        )
    out.append(
        Plan(
            IKO,
            d(2024, 12, 16),
            (4,),
            not_continued="Een ouder reageert niet meer.",
            curator=d(2025, 1, 10),
        )
    )
    out.append(Plan(IKO, d(2024, 9, 12), (1,), not_continued="Een ouder reageert niet meer."))
    # NIKO 2024 started: 2 not suitable at the intake.
    for requested in (d(2024, 2, 20), d(2024, 6, 20)):
        started = requested + timedelta(days=10)
        out.append(
            Plan(
                NIKO,
                requested,
                (7,),
                started=started,
                intake=Intake.NOT_SUITABLE,
                ended=started + timedelta(days=14),
                referred_by=ReferredBy.LAWYER,
            )
        )
    # NIKO 2024 started and ended: 6 full, 3 mirror, 4 without agreement; 7 interviews.
    for i in range(13):
        requested = d(2024, 1, 8) + timedelta(days=21 * i)
        started = requested + timedelta(days=10)
        heard = 2 if i < 2 else 1
        out.append(
            Plan(
                NIKO,
                requested,
                (8, 5) if heard == 2 else (6,),
                started=started,
                intake=Intake.SUITABLE,
                ended=started + timedelta(days=40),
                outcome=FULL if i < 6 else MIRROR if i < 9 else NONE,
                interviews=((started + timedelta(days=20), heard),) if i < 7 else (),
                referred_by=(ReferredBy.PARENT, ReferredBy.LAWYER, ReferredBy.COURT)[i % 3],
            )
        )
    # NIKO 2024 not continued, both with a curator in 2024.
    for requested, ages in ((d(2024, 3, 18), (6,)), (d(2024, 7, 22), (12, 9))):
        out.append(
            Plan(
                NIKO,
                requested,
                ages,
                not_continued="Ouders hebben zelf een regeling getroffen.",
                curator=requested + timedelta(days=21),
                referred_by=ReferredBy.PARENT,
            )
        )
    # Around the year: 2023 requests, two with a curator in January 2024.
    out += [
        Plan(
            IKO,
            d(2023, 3, 1),
            (7,),
            started=d(2023, 3, 15),
            intake=Intake.SUITABLE,
            ended=d(2023, 5, 1),
            outcome=FULL,
            interviews=((d(2023, 4, 1), 1),),
        ),
        Plan(NIKO, d(2023, 10, 2), (9,), not_continued="Geen reactie.", curator=d(2023, 11, 1)),
        Plan(IKO, d(2023, 11, 20), (6,), not_continued="Geen reactie.", curator=d(2024, 1, 8)),
        Plan(NIKO, d(2023, 12, 4), (4,), not_continued="Geen reactie.", curator=d(2024, 1, 15)),
        Plan(NIKO, d(2025, 1, 20), (5,), started=d(2025, 2, 1)),
    ]
    return sorted(out, key=lambda p: p.requested)


def build_2024(session: Session, actor: Actor) -> list[MediationDetail]:
    """Build the dataset through the workflow; returns the mediations as they end up."""
    pool = [
        mediators.add_mediator(session, actor, name, langs, cbfm=cbfm, active=active).id
        for name, langs, cbfm, active in POOL
    ]
    active = pool[:5]
    done: list[MediationDetail] = []
    for n, plan in enumerate(plans()):
        mother, father, country = _FAMILIES[n % len(_FAMILIES)]
        detail = med.register_request(
            session,
            actor,
            RequestData(
                kind=plan.kind,
                requested=plan.requested,
                referred_by=plan.referred_by,
                parents=[
                    MediationParentData(
                        ParentRelation.MOTHER, "Moeder", mother, date(1984 + n % 10, 3, 1), "NL"
                    ),
                    MediationParentData(ParentRelation.FATHER, "Vader", father, None, country),
                ],
                children=[
                    ChildData(
                        first_name=_FIRST_NAMES[(n + k) % len(_FIRST_NAMES)],
                        last_name=father,
                        birth_date=_born(plan.requested, age),
                    )
                    for k, age in enumerate(plan.child_ages)
                ],
            ),
        )
        mid = detail.id
        if plan.not_continued is not None:
            detail = med.not_continue(session, actor, mid, plan.not_continued)
            if plan.curator is not None:
                detail = med.appoint_special_curator(session, actor, mid, plan.curator)
        elif plan.started is not None:
            detail = med.start_mediation(session, actor, mid, plan.started)
            pair = [active[n % 5], active[(n + 2) % 5]]
            detail = med.assign_mediators(session, actor, mid, pair).detail
            if plan.intake is Intake.NOT_SUITABLE:
                detail = med.record_intake(session, actor, mid, plan.intake, ended=plan.ended)
            elif plan.intake is Intake.SUITABLE:
                detail = med.record_intake(session, actor, mid, plan.intake)
            for day, heard in plan.interviews:
                detail = med.add_child_interview(session, actor, mid, day, heard)
            if plan.outcome is not None:
                assert plan.ended is not None
                reasons = _REASONS[n % len(_REASONS)] if plan.outcome is NONE else []
                detail = med.record_outcome(session, actor, mid, plan.outcome, plan.ended, reasons)
        done.append(detail)
    return done
