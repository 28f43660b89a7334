"""Was the 1980 Convention in force between the Netherlands and the other state on the
removal date? (Art. 35: it applies only to removals after its entry into force
between the two states.) A check, not a clock.

- A state that ratified (or succeeded, or to which a party extended the
  Convention): in force between the two from the later of the two entries into
  force.
- A state that acceded (Art. 38): only between it and the states that accepted
  the accession, from the first day of the third calendar month after the
  acceptance was deposited. For the Netherlands' acceptance that deposit date is
  in the reference data (`Country.hague_nl_acceptance`); where it is not known
  the answer is "onbekend", never a guess.

The annual figures' hague/non_hague split keeps using the state's own entry into
force (services.figures); this check is for the case window.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from ikodesk.models.enums import Direction
from ikodesk.services.deadlines.clocks import TreatyFacts


class InForce(StrEnum):
    YES = "yes"
    NO = "no"
    UNKNOWN = "unknown"


class Reason(StrEnum):
    """Why: the case window turns each into a plain Dutch sentence."""

    IN_FORCE = "in_force"  # since `since`
    NOT_PARTY = "not_party"  # the other state is no party
    BEFORE_NETHERLANDS = "before_netherlands"  # removal before 1 Sep 1990 (`since`)
    BEFORE_STATE = "before_state"  # removal before the state's own entry into force
    BEFORE_ACCEPTANCE = "before_acceptance"  # acceded; removal before NL's acceptance took effect
    STATE_DATE_UNKNOWN = "state_date_unknown"  # party, entry into force unknown
    ACCEPTANCE_UNKNOWN = "acceptance_unknown"  # acceded; NL's acceptance not in the data


@dataclass(frozen=True, slots=True)
class ConventionCheck:
    in_force: InForce
    reason: Reason
    since: date | None = None  # from when it applies between the two, where known


def third_month_start(deposit: date) -> date:
    """The first day of the third calendar month after `deposit` (Art. 38 and 43)."""
    month = deposit.month + 3
    return date(deposit.year + (month - 1) // 12, (month - 1) % 12 + 1, 1)


def convention_check(
    country: TreatyFacts | None,
    netherlands_since: date | None,
    direction: Direction | None,
    removal_date: date | None,
) -> ConventionCheck | None:
    """The Art. 35 check for a removal to or from `country`; None when it does not apply
    (no removal date or country, or an abduction between two other states)."""
    if removal_date is None or country is None or direction is Direction.ABROAD:
        return None
    if not country.hague_party:
        return ConventionCheck(InForce.NO, Reason.NOT_PARTY)
    if netherlands_since is not None and removal_date < netherlands_since:
        return ConventionCheck(InForce.NO, Reason.BEFORE_NETHERLANDS, netherlands_since)
    own = country.entry_into_force
    if own is None:
        return ConventionCheck(InForce.UNKNOWN, Reason.STATE_DATE_UNKNOWN)
    if removal_date < own:
        return ConventionCheck(InForce.NO, Reason.BEFORE_STATE, own)
    since = max(own, netherlands_since or own)
    if country.acceded:
        if country.nl_acceptance is None:
            return ConventionCheck(InForce.UNKNOWN, Reason.ACCEPTANCE_UNKNOWN)
        since = max(since, third_month_start(country.nl_acceptance))
        if removal_date < since:
            return ConventionCheck(InForce.NO, Reason.BEFORE_ACCEPTANCE, since)
    return ConventionCheck(InForce.YES, Reason.IN_FORCE, since)
