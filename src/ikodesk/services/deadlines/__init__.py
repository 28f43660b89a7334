"""The Hague 1980 and Brussels IIb clocks of abduction cases (issue #17).

- `clocks`: the clocks of one case from its dates, pure date arithmetic
  (`clocks_of`, `add_years`, `urgency`), each with its legal basis and a short
  explanation in Dutch;
- `treaty`: the Art. 35 check, not a clock: was the Convention in force between
  the Netherlands and the other state on the removal date (`convention_check`,
  counting the Dutch acceptance of an accession, Art. 38);
- `listing`: the running clocks of the open cases a user may list
  (`list_deadlines`, the policy decides and audits) and the counts per clock
  for management (`count_deadlines`).

No Qt, no printing: the case window, the Termijnen page and `ikodesk
deadlines` all compute with these.
"""

from ikodesk.services.deadlines.clocks import (
    SOON_DAYS,
    URGENT_DAYS,
    Clock,
    ClockFacts,
    TreatyFacts,
    Urgency,
    add_years,
    clocks_of,
    urgency,
)
from ikodesk.services.deadlines.listing import (
    DEFAULT_WITHIN_DAYS,
    DeadlineCount,
    DeadlineRow,
    clock_facts,
    count_deadlines,
    count_due_soon,
    list_deadlines,
)
from ikodesk.services.deadlines.treaty import (
    ConventionCheck,
    InForce,
    Reason,
    convention_check,
    third_month_start,
)

__all__ = [
    "DEFAULT_WITHIN_DAYS",
    "SOON_DAYS",
    "URGENT_DAYS",
    "Clock",
    "ClockFacts",
    "ConventionCheck",
    "DeadlineCount",
    "DeadlineRow",
    "InForce",
    "Reason",
    "TreatyFacts",
    "Urgency",
    "add_years",
    "clock_facts",
    "clocks_of",
    "convention_check",
    "count_deadlines",
    "count_due_soon",
    "list_deadlines",
    "third_month_start",
    "urgency",
]
