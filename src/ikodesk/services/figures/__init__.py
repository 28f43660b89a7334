"""The annual figures (spec/annual-figures.md): computed once, from SQL aggregates.

Every figure the annual report, the mediation report, `ikodesk figures` and the
desktop client's reports screen show comes from here, so they cannot disagree.
All results are plain JSON-serialisable dicts and lists.

Public API (each call checks `Action.FIGURES_VIEW` through the access policy):

- `compute_figures(session, actor, year)`: the figures of one year, nested
  exactly as the spec's keys (see `figure_keys.ALL_KEYS` for the order).
- `compare_figures(session, actor, year, compare_year)`:
  `{"year", "compare", "current", "previous", "change_pct"}`.
- `report_figures(session, actor, year, compare_year=None, erratum=False)`:
  everything the reports print: the comparison, four-year series for the
  charts, the sources per year, Dutch country names, the mediation failure
  reasons (and on request the erratum of a frozen year).
- `year_figures(session, actor, year)`: what a year *is*: its published
  figures first (`published`), records for the other keys from the year the
  records are complete ("registratie volledig vanaf").
- `freeze_year`, `figures_diff`, `freeze_versions`: freezing a year and what
  changed since (`freezing`).

Helpers for presenting them: `figure_value(figures, "cases.total")`,
`flatten(figures)`, `percent(part, whole)`, `change_pct(current, previous)`.

Counting rules (the spec's, made precise):

- A case counts in the year of `opened`, a contact in the year of `at`, a
  mediation request in the year of `requested`, an outcome in the year of
  `ended`, a special curator in the year it was appointed, a child interview
  in the year it was held. Years are compared as half-open ranges
  (`opened >= 1 Jan AND opened < 1 Jan next year`) so the indexes are used.
- parent vs third_party: the requester's kind (`professional` and `family`
  are third parties).
- Children count per case; an age is in whole years at the case's opening
  date (from the birth date, or the `age` registered for that date).
- Hague status: the country's entry into force on or before the opening date.
- Percentages are rounded half away from zero; a change against 0 is null.

The package is split by job: `counting` computes the counts of one year part
by part (each from SQL aggregates), `assembling` puts them together (one
year, a comparison, the trend, what the reports print: computed once, here),
`values` presents them (percentages, changes, dotted keys).
"""

from ikodesk.services.figures.assembling import (
    TREND_YEARS,
    compare_figures,
    compute_figures,
    difference,
    has_detailed_records,
    report_figures,
)
from ikodesk.services.figures.counting import failure_reasons
from ikodesk.services.figures.freezing import (
    FreezeVersion,
    Frozen,
    figures_diff,
    freeze_versions,
    freeze_year,
)
from ikodesk.services.figures.published import (
    Published,
    published,
    records_complete,
    year_figures,
    year_source,
)
from ikodesk.services.figures.values import (
    Figures,
    change_pct,
    figure_value,
    flatten,
    percent,
    round_half_away,
)

__all__ = [
    "TREND_YEARS",
    "Figures",
    "FreezeVersion",
    "Frozen",
    "Published",
    "change_pct",
    "compare_figures",
    "compute_figures",
    "difference",
    "failure_reasons",
    "figure_value",
    "figures_diff",
    "flatten",
    "freeze_versions",
    "freeze_year",
    "has_detailed_records",
    "percent",
    "published",
    "records_complete",
    "report_figures",
    "round_half_away",
    "year_figures",
    "year_source",
]
