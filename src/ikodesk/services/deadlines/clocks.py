"""The Hague 1980 and Brussels IIb clocks of one abduction case: pure date arithmetic.

Exchange format 1.1 defines them (spec: "Additions (version 1.1)"); a clock
exists only when the date it counts from is present, and only while the case
is open. Nothing here touches the database or Qt: the case window computes the
clocks of the form it shows as the user types, the deadlines list and
`ikodesk deadlines` compute them from stored cases, all with `clocks_of`.

| clock | due | runs while |
|---|---|---|
| `art12_one_year` | removal + 1 year | no proceedings started yet |
| `art4_age16` | each child's 16th birthday | removal known, birthday after it |
| `art11_six_weeks` | proceedings started + 42 days | no first-instance decision yet |
| `b2b_appeal_six_weeks` | appeal ready + 42 days | both states EU, not Denmark |

A year after 29 February is 28 February; a 16th birthday on 29 February falls
on 28 February in a common year (`add_years`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from ikodesk.errors import QT_TRANSLATE_NOOP
from ikodesk.models.enums import CLOCK_CODES, CaseCode, ClockKind, Direction

SIX_WEEKS = timedelta(days=42)
CONVENTION_AGE_LIMIT = 16
# The case window's colours and the login line: amber within 30 days, red within 7
# days and once overdue.
SOON_DAYS = 30
URGENT_DAYS = 7
# Brussels IIb (Regulation 2019/1111) binds every EU member state except Denmark.
NOT_BRUSSELS_IIB = frozenset({"DK"})
# Clocks of the same due date are listed in this order.
CLOCK_ORDER = {kind: i for i, kind in enumerate(ClockKind)}


def add_years(day: date, years: int) -> date:
    """`day` moved by whole calendar years; 29 February becomes 28 February in a
    common year (the spec's rule for the one-year mark and the 16th birthday)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February into a common year
        return day.replace(year=day.year + years, day=28)


@dataclass(frozen=True, slots=True)
class TreatyFacts:
    """What the clocks and the Art. 35 check need of the other state (reference data)."""

    iso2: str
    hague_party: bool
    entry_into_force: date | None  # the state's own; None: party, date unknown
    eu_member: bool
    acceded: bool = False  # acceded under Art. 38 (rather than ratified)
    nl_acceptance: date | None = None  # the Netherlands' acceptance deposited (Art. 38)

    @property
    def brussels_iib(self) -> bool:
        """Bound by Brussels IIb: an EU member state other than Denmark."""
        return self.eu_member and self.iso2 not in NOT_BRUSSELS_IIB


@dataclass(frozen=True, slots=True)
class ClockFacts:
    """The facts of a case the clocks count from (a form's values or a stored case)."""

    code: CaseCode
    closed: date | None = None
    country: str | None = None
    direction: Direction | None = None
    removal_date: date | None = None
    proceedings_started: date | None = None
    decision_first_instance: date | None = None
    appeal_ready: date | None = None
    # The children's birth dates by their position on the case (None: unknown).
    birth_dates: tuple[date | None, ...] = ()


@dataclass(frozen=True, slots=True)
class Clock:
    """One running clock: what it is, when it is due, and why (Dutch templates)."""

    kind: ClockKind
    due: date
    counts_from: date
    basis: str  # the legal basis, Dutch (QT_TRANSLATE_NOOP "services")
    explanation: str  # what happens at the due date, Dutch (idem)
    child: int | None = None  # per-child clocks: the child's 0-based position

    def days_left(self, as_of: date) -> int:
        """Days from `as_of` to the due date; negative once overdue."""
        return (self.due - as_of).days

    def sort_key(self) -> tuple[date, int, int]:
        return (self.due, CLOCK_ORDER[self.kind], -1 if self.child is None else self.child)


# The legal basis of each clock and what its date means, in Dutch; the desktop client
# translates them (context "services"), the command line prints them as they are.
BASIS: dict[ClockKind, str] = {
    ClockKind.ART12_ONE_YEAR: QT_TRANSLATE_NOOP("services", "art. 12 HKOV"),
    ClockKind.ART4_AGE16: QT_TRANSLATE_NOOP("services", "art. 4 HKOV"),
    ClockKind.ART11_SIX_WEEKS: QT_TRANSLATE_NOOP("services", "art. 11 HKOV"),
    ClockKind.B2B_APPEAL_SIX_WEEKS: QT_TRANSLATE_NOOP("services", "art. 24 lid 3 Brussel IIb"),
}
BASIS_ART11_EU = QT_TRANSLATE_NOOP("services", "art. 11 HKOV en art. 24 lid 2 Brussel IIb")
EXPLANATION: dict[ClockKind, str] = {
    ClockKind.ART12_ONE_YEAR: QT_TRANSLATE_NOOP(
        "services",
        "Een jaar na de ontvoering. Wordt de teruggeleidingsprocedure daarna gestart, dan kan "
        "de andere ouder aanvoeren dat het kind in zijn nieuwe omgeving is geworteld: start "
        "de procedure vóór deze datum.",
    ),
    ClockKind.ART4_AGE16: QT_TRANSLATE_NOOP(
        "services",
        "Op de 16e verjaardag van het kind houdt het Verdrag op voor dit kind: daarna kan "
        "de rechter de terugkeer niet meer op grond van het Verdrag bevelen.",
    ),
    ClockKind.ART11_SIX_WEEKS: QT_TRANSLATE_NOOP(
        "services",
        "De rechter hoort binnen zes weken na het begin van de procedure te beslissen; "
        "daarna kan de centrale autoriteit om de redenen van de vertraging vragen.",
    ),
    ClockKind.B2B_APPEAL_SIX_WEEKS: QT_TRANSLATE_NOOP(
        "services",
        "Tussen twee EU-lidstaten (niet Denemarken) beslist de beroepsrechter binnen zes "
        "weken nadat alle procedurele stappen zijn gezet, tenzij dat door uitzonderlijke "
        "omstandigheden onmogelijk is.",
    ),
}


def _clock(kind: ClockKind, due: date, counts_from: date, child: int | None = None) -> Clock:
    return Clock(kind, due, counts_from, BASIS[kind], EXPLANATION[kind], child)


def both_brussels_iib(facts: ClockFacts, country: TreatyFacts | None) -> bool:
    """The Netherlands and the other state both bound by Brussels IIb.

    For an abduction between two other states (`abroad`) ikodesk knows only one
    of them, so it cannot say: no Brussels IIb clock then.
    """
    return (
        country is not None
        and country.brussels_iib
        and facts.direction in (Direction.OUTGOING, Direction.INCOMING)
    )


def clocks_of(facts: ClockFacts, country: TreatyFacts | None = None) -> list[Clock]:
    """The running clocks of a case, soonest first (none for a closed or other case)."""
    if facts.closed is not None or facts.code not in CLOCK_CODES:
        return []
    clocks: list[Clock] = []
    removal = facts.removal_date
    if removal is not None:
        if facts.proceedings_started is None:
            clocks.append(_clock(ClockKind.ART12_ONE_YEAR, add_years(removal, 1), removal))
        for child, born in enumerate(facts.birth_dates):
            if born is None:
                continue
            birthday = add_years(born, CONVENTION_AGE_LIMIT)
            if birthday > removal:
                clocks.append(_clock(ClockKind.ART4_AGE16, birthday, born, child))
    eu = both_brussels_iib(facts, country)
    started = facts.proceedings_started
    if started is not None and facts.decision_first_instance is None:
        clock = _clock(ClockKind.ART11_SIX_WEEKS, started + SIX_WEEKS, started)
        if eu:
            clock = Clock(
                clock.kind, clock.due, clock.counts_from, BASIS_ART11_EU, clock.explanation
            )
        clocks.append(clock)
    ready = facts.appeal_ready
    if ready is not None and eu:
        clocks.append(_clock(ClockKind.B2B_APPEAL_SIX_WEEKS, ready + SIX_WEEKS, ready))
    return sorted(clocks, key=Clock.sort_key)


class Urgency(StrEnum):
    """How a clock is shown: calm, soon (amber, within 30 days), urgent (red, within 7
    days or overdue)."""

    CALM = "calm"
    SOON = "soon"
    URGENT = "urgent"


def urgency(days_left: int) -> Urgency:
    if days_left <= URGENT_DAYS:
        return Urgency.URGENT
    if days_left <= SOON_DAYS:
        return Urgency.SOON
    return Urgency.CALM
