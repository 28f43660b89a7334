"""The counts of one year, part by part, each from SQL aggregates on the detailed records.

Each `_part(session, period, flat)` fills its keys of the flat figures; the
counting rules are in the package docstring. `assembling.compute_figures`
calls them all.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from fractions import Fraction
from typing import Any

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    String,
    Table,
    TextClause,
    and_,
    bindparam,
    select,
    text,
)
from sqlalchemy.orm import Session

from ikodesk.models import Case, ConflictStatus, Contact, Country, Mediation
from ikodesk.models.enums import (
    CaseCode,
    MediationStatus,
    Outcome,
    RequesterKind,
)
from ikodesk.services import access
from ikodesk.services.access import Action
from ikodesk.services.actors import Actor
from ikodesk.services.backend import on_server
from ikodesk.services.deadlines.clocks import add_years
from ikodesk.services.exchange.rows import table_of
from ikodesk.services.figure_keys import (
    CHANNELS,
    FAILURE_REASONS,
    LIST_KEYS,
    PARTIES,
)
from ikodesk.services.figures.values import percent, round_half_away

# The tables for Core statements elsewhere (assembling); the counts below are fixed SQL.
_CASES: Table = table_of(Case)
_CONTACTS: Table = table_of(Contact)
_COUNTRIES: Table = table_of(Country)
_MEDIATIONS: Table = table_of(Mediation)

_COUNTRY_KEYS = tuple(k for k in LIST_KEYS if "countries" in k.split("."))
_POTENTIAL_SIDES = ("potential_left_behind", "potential_taking")
_ABDUCTION_SIDES = ("left_behind", "taking")
_PARENTS = ("mother", "father")
# --- the computation ----------------------------------------------------------------------


@dataclass(frozen=True)
class _Year:
    year: int

    @property
    def start(self) -> date:
        return date(self.year, 1, 1)

    @property
    def end(self) -> date:
        return date(self.year + 1, 1, 1)

    @property
    def start_at(self) -> datetime:
        return datetime(self.year, 1, 1)

    @property
    def end_at(self) -> datetime:
        return datetime(self.year + 1, 1, 1)


def _in_year(column: Any, period: _Year) -> Any:
    return and_(column >= period.start, column < period.end)


def _countries(counter: Counter[str]) -> list[list[Any]]:
    """[[iso2, count], ...]: highest count first, ties by ISO code."""
    return [[iso, n] for iso, n in sorted(counter.items(), key=lambda kv: (-kv[1], kv[0])) if n]


def _sql(sql: str, **binds: Any) -> TextClause:
    """A fixed statement whose bind parameters carry their types (a date binds as the
    dialect stores it), so that its first run in a process compiles nothing but the
    placeholders: the Core constructs took ~30 ms to compile on each first call."""
    return text(sql).bindparams(*(bindparam(name, type_=kind) for name, kind in binds.items()))


def _dates(period: _Year) -> dict[str, date]:
    return {"start": period.start, "end": period.end}


# The year's cases by line, each count on its own: the two totals from the covering
# index ix_cases_line_code_opened alone (`code IN (every code)`, a closed set by the
# CHECK constraint casecode, changes no count but lets SQLite seek it by line, code and
# the year's dates), only the closed count reads the rows, of Line 2 cases alone. One
# count with FILTERs over the year's cases read every case row of the year.
_CASE_TOTALS = _sql(
    "SELECT (SELECT count(*) FROM cases WHERE line = 1 AND opened >= :start AND opened < :end"
    " AND code IN ('travel_consent', 'international_abduction', 'international_contact',"
    " 'international_child_protection', 'prevention', 'relocation_consent',"
    " 'domestic_contact_noncompliance', 'holiday_consent_refused', 'lawful_relocation',"
    " 'family_abduction', 'missing_child_hotline', 'other_advice', 'no_substantive_advice')),"
    " (SELECT count(*) FROM cases WHERE line = 2 AND opened >= :start AND opened < :end"
    " AND code IN ('travel_consent', 'international_abduction', 'international_contact',"
    " 'international_child_protection', 'prevention', 'relocation_consent',"
    " 'domestic_contact_noncompliance', 'holiday_consent_refused', 'lawful_relocation',"
    " 'family_abduction', 'missing_child_hotline', 'other_advice', 'no_substantive_advice')),"
    " (SELECT count(*) FROM cases WHERE line = 2 AND opened >= :start AND opened < :end"
    " AND closed IS NOT NULL AND closed < :end"
    " AND code IN ('travel_consent', 'international_abduction', 'international_contact',"
    " 'international_child_protection', 'prevention', 'relocation_consent',"
    " 'domestic_contact_noncompliance', 'holiday_consent_refused', 'lawful_relocation',"
    " 'family_abduction', 'missing_child_hotline', 'other_advice', 'no_substantive_advice'))",
    start=Date,
    end=Date,
)


def _case_totals(session: Session, period: _Year, flat: dict[str, Any]) -> None:
    line1, line2, closed = session.execute(_CASE_TOTALS, _dates(period)).one()
    flat["cases.line1"] = line1
    flat["cases.line2"] = line2
    flat["cases.total"] = line1 + line2  # a case's line is 1 or 2 (CHECK ck_cases_line)
    flat["cases.line2_closed_in_year"] = closed
    flat["cases.line2_carried_over"] = line2 - closed


# count(*) FILTER (WHERE ...): one pass over the rows, no sorter for a GROUP BY. The
# counts have a handful of fixed groups (lines, channels, parties: closed sets by CHECK
# constraints); counting each group in one scan is several times cheaper than sorting
# the year's rows into groups (SQLite builds a temp B-tree for a GROUP BY that no index
# orders). PostgreSQL knows FILTER too. The contacts come from the covering index
# ix_contacts_at_cover; only their case's line needs the case.
_CHANNEL_PARTY = tuple((channel, party) for channel in CHANNELS for party in PARTIES)
_COUNTS = (
    "SELECT count(*), count(*) FILTER (WHERE {line2}),"
    " count(*) FILTER (WHERE channel = 'phone' AND party = 'parent'),"
    " count(*) FILTER (WHERE channel = 'phone' AND party = 'family'),"
    " count(*) FILTER (WHERE channel = 'phone' AND party = 'professional'),"
    " count(*) FILTER (WHERE channel = 'email' AND party = 'parent'),"
    " count(*) FILTER (WHERE channel = 'email' AND party = 'family'),"
    " count(*) FILTER (WHERE channel = 'email' AND party = 'professional'),"
    " count(*) FILTER (WHERE channel = 'form' AND party = 'parent'),"
    " count(*) FILTER (WHERE channel = 'form' AND party = 'family'),"
    " count(*) FILTER (WHERE channel = 'form' AND party = 'professional')"
    " FROM {source}"
    " WHERE contacts.at >= :start AND contacts.at < :end"
)
_CONTACT_TOTALS = _sql(
    _COUNTS.format(
        line2="cases.line = 2", source="contacts JOIN cases ON cases.id = contacts.case_id"
    ),
    start=DateTime,
    end=DateTime,
)
# The same counts on the office server: PostgreSQL joined by hashing every case of
# every year (a sequential scan, 4x the file's time on ten years) and evaluated the
# eleven FILTERs row by row; the Line 2 cases' ids, hashed once, and one hash
# aggregate over (channel, party, Line 2) take a third of that.
_CONTACT_GROUPS_SERVER = _sql(
    "SELECT channel, party, contacts.case_id IN (SELECT id FROM cases WHERE line = 2),"
    " count(*) FROM contacts WHERE contacts.at >= :start AND contacts.at < :end"
    " GROUP BY 1, 2, 3",
    start=DateTime,
    end=DateTime,
)


def _grouped_totals(session: Session, times: dict[str, datetime]) -> list[int]:
    """The server's groups summed into the row _CONTACT_TOTALS gives on a file."""
    out = [0] * (2 + len(_CHANNEL_PARTY))
    where = {pair: i for i, pair in enumerate(_CHANNEL_PARTY, start=2)}
    for channel, party, line2, n in session.execute(_CONTACT_GROUPS_SERVER, times):
        out[0] += n
        out[1] += n if line2 else 0
        out[where[(channel, party)]] += n
    return out


def _contact_totals(session: Session, period: _Year, flat: dict[str, Any]) -> None:
    """Contact moments by channel and party and by their case's line."""
    times = {"start": period.start_at, "end": period.end_at}
    if on_server(session):
        total, line2, *counts = _grouped_totals(session, times)
    else:
        total, line2, *counts = session.execute(_CONTACT_TOTALS, times).one()
    flat["contacts.total"] = total
    flat["contacts.by_line.line1"] = total - line2  # a case's line is 1 or 2
    flat["contacts.by_line.line2"] = line2
    for (channel, party), n in zip(_CHANNEL_PARTY, counts, strict=True):
        flat[f"contacts.by_channel_party.{channel}.{party}"] = n
        flat[f"contacts.by_channel.{channel}"] += n


# Every code (a closed set: CHECK constraint casecode), spelled out. Filtering on it
# changes no count but lets SQLite seek ix_cases_line_code_opened by line, code and the
# year's dates; on `line` alone it read every Line 2 case of every year from the table.
# Party to the 1980 Convention on the opening date (the CASE below): a party whose date
# of entry into force is unknown (NULL) counts as a party: the reference data marks it
# as one, and guessing "not yet" would move its cases to the non-Hague column.
# `cases.code IN (every code)` (a closed set: CHECK constraint casecode) changes no
# count but lets SQLite seek ix_cases_line_code_opened by line, code and the year's
# dates; on `line` alone it read every Line 2 case of every year from the table.
_LINE2 = _sql(
    "SELECT persons.kind, persons.relation, persons.side, cases.code, cases.direction,"
    " cases.taker, cases.mover, cases.country,"
    " CASE WHEN countries.hague_party = :yes AND (countries.hague_entry_into_force IS NULL"
    " OR countries.hague_entry_into_force <= cases.opened) THEN 1 ELSE 0 END AS hague,"
    " count(*)"
    " FROM cases JOIN persons ON persons.case_id = cases.id AND persons.role = 'requester'"
    " LEFT OUTER JOIN countries ON countries.iso2 = cases.country"
    " WHERE cases.line = 2 AND cases.opened >= :start AND cases.opened < :end"
    " AND cases.code IN ('travel_consent', 'international_abduction', 'international_contact',"
    " 'international_child_protection', 'prevention', 'relocation_consent',"
    " 'domestic_contact_noncompliance', 'holiday_consent_refused', 'lawful_relocation',"
    " 'family_abduction', 'missing_child_hotline', 'other_advice', 'no_substantive_advice')"
    " GROUP BY persons.kind, persons.relation, persons.side, cases.code, cases.direction,"
    " cases.taker, cases.mover, cases.country,"
    " CASE WHEN countries.hague_party = :yes AND (countries.hague_entry_into_force IS NULL"
    " OR countries.hague_entry_into_force <= cases.opened) THEN 1 ELSE 0 END",
    start=Date,
    end=Date,
    yes=Boolean,
)


def _line2(session: Session, period: _Year, flat: dict[str, Any]) -> None:
    """Line 2 cases by code and requester, with the details each section reports."""
    countries: dict[str, Counter[str]] = defaultdict(Counter)
    for (
        kind,
        relation,
        side,
        code,
        direction,
        taker,
        mover,
        country,
        is_hague,
        n,
    ) in session.execute(_LINE2, {**_dates(period), "yes": True}):
        parent = kind == RequesterKind.PARENT
        flat[f"line2.{code}.{'parent' if parent else 'third_party'}"] += n
        flat[f"line2.{code}.total"] += n
        if code == CaseCode.PREVENTION:
            if country:
                countries["prevention.countries"][country] += n
            if parent and relation in _PARENTS:
                flat[f"prevention.requester.{relation}"] += n
                if side in _POTENTIAL_SIDES:
                    flat[f"prevention.parents.{relation}.{side}"] += n
        elif code == CaseCode.FAMILY_ABDUCTION:
            flat["family_abduction.cases"] += n
        elif not parent:
            continue  # the other sections describe what parents asked
        elif code == CaseCode.RELOCATION_CONSENT:
            flat["relocation_consent.parent_cases"] += n
            if mover in _PARENTS:
                flat[f"relocation_consent.mover.{mover}"] += n
            if relation in _PARENTS and mover in _PARENTS:
                who = "self" if relation == mover else "other_parent"
                flat[f"relocation_consent.requester.{relation}.{who}"] += n
            if country and direction in ("outgoing", "incoming"):
                countries[f"relocation_consent.countries.{direction}"][country] += n
        elif code == CaseCode.INTERNATIONAL_ABDUCTION:
            flat["abduction.parent_cases"] += n
            if taker in _PARENTS:
                flat[f"abduction.taker.{taker}"] += n
            if side in _ABDUCTION_SIDES and relation in _PARENTS:
                flat[f"abduction.requester.{side}.{relation}"] += n
            if direction in ("outgoing", "incoming", "abroad"):
                flat[f"abduction.direction.{direction}.cases"] += n
            if direction in ("outgoing", "incoming"):
                # A case without a country (never valid for this code) is not "Hague".
                flat[f"abduction.direction.{direction}.{'hague' if is_hague else 'non_hague'}"] += n
                if country:
                    countries[f"abduction.countries.{direction}"][country] += n
        elif code == CaseCode.INTERNATIONAL_CONTACT:
            flat["international_contact.parent_cases"] += n
            if relation in _PARENTS:
                flat[f"international_contact.requester.{relation}"] += n
            if country and direction in ("child_abroad", "parent_abroad"):
                countries[f"international_contact.countries.{direction}"][country] += n
    for key in _COUNTRY_KEYS:
        flat[key] = _countries(countries[key])


_CHILDREN = _sql(
    "SELECT cases.code, CASE WHEN persons.kind = 'parent' THEN 1 ELSE 0 END AS parent,"
    " cases.direction, count(*)"
    " FROM cases JOIN persons ON persons.case_id = cases.id AND persons.role = 'requester'"
    " JOIN children ON children.case_id = cases.id"
    " WHERE cases.line = 2 AND cases.opened >= :start AND cases.opened < :end"
    " AND cases.code IN"
    " ('prevention', 'relocation_consent', 'international_abduction', 'family_abduction')"
    " GROUP BY cases.code, CASE WHEN persons.kind = 'parent' THEN 1 ELSE 0 END,"
    " cases.direction",
    start=Date,
    end=Date,
)


def _children(session: Session, period: _Year, flat: dict[str, Any]) -> None:
    for code, parent, direction, n in session.execute(_CHILDREN, _dates(period)):
        if code == CaseCode.FAMILY_ABDUCTION:
            flat["family_abduction.children"] += n
        elif not parent:
            continue
        elif code == CaseCode.PREVENTION:
            flat["prevention.children"] += n
        elif code == CaseCode.RELOCATION_CONSENT:
            flat["relocation_consent.children"] += n
        else:
            flat["abduction.children"] += n
            if direction in ("outgoing", "incoming", "abroad"):
                flat[f"abduction.direction.{direction}.children"] += n


_AGES = _sql(
    "SELECT cases.direction, child_ages.age, count(*)"
    " FROM cases JOIN persons ON persons.case_id = cases.id AND persons.role = 'requester'"
    " JOIN child_ages ON child_ages.case_id = cases.id"
    " WHERE cases.line = 2 AND cases.opened >= :start AND cases.opened < :end"
    " AND cases.code = 'international_abduction' AND persons.kind = 'parent'"
    " AND cases.direction IN ('outgoing', 'incoming')"
    " GROUP BY cases.direction, child_ages.age",
    start=Date,
    end=Date,
)


def _ages(session: Session, period: _Year, flat: dict[str, Any]) -> None:
    """Children of parents' outgoing and incoming abduction cases by age at opening.

    From the `child_ages` view (migration 0007): the age at opening by the model's
    rule (models.age_in_years) in SQL, so that counting needs no birth date (on
    the office server a manager may count ages but not read birth dates).
    """
    ages: dict[str, Counter[int]] = defaultdict(Counter)
    for direction, age, n in session.execute(_AGES, _dates(period)):
        if age is not None:
            ages[str(direction)][int(age)] += n
    for direction in ("outgoing", "incoming"):
        counted = ages[direction]
        flat[f"abduction.ages.{direction}"] = {str(a): counted[a] for a in sorted(counted)}


_TIMING = _sql(
    "SELECT cases.opened, cases.removal_date, cases.proceedings_started"
    " FROM cases JOIN persons ON persons.case_id = cases.id AND persons.role = 'requester'"
    " WHERE cases.line = 2 AND cases.opened >= :start AND cases.opened < :end"
    " AND cases.code = 'international_abduction' AND persons.kind = 'parent'"
    " AND cases.removal_date IS NOT NULL",
    start=Date,
    end=Date,
).columns(opened=Date, removal_date=Date, proceedings_started=Date)


def _abduction_timing(session: Session, period: _Year, flat: dict[str, Any]) -> None:
    """How early parents reach the centre (exchange format 1.1's dates).

    Of the parent-requested abduction cases opened in the year: how many had return
    proceedings started at most one year after the removal (a year after 29 February
    is 28 February), and the median of the days from the removal to the opening,
    whole days, half away from zero; null without a case with a removal date.
    """
    days: list[int] = []
    within = 0
    for opened, removal, started in session.execute(_TIMING, _dates(period)):
        days.append((opened - removal).days)
        within += started is not None and started <= add_years(removal, 1)
    flat["abduction.filed_within_one_year"] = within
    flat["abduction.median_days_removal_to_opening"] = median_days(days)


def median_days(days: list[int]) -> int | None:
    """The median, whole days rounded half away from zero; None for no values."""
    if not days:
        return None
    ordered = sorted(days)
    mid = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[mid]
    return round_half_away(Fraction(ordered[mid - 1] + ordered[mid], 2))


# The mediation counts in one statement (each part on its own date's index), each row
# tagged with its part: requests by kind, status and intake; outcomes by kind; special
# curators appointed; child interviews held by kind, with the children heard.
_MEDIATION = _sql(
    "SELECT 'request', kind, status, intake, count(*), 0 FROM mediations"
    " WHERE requested >= :start AND requested < :end GROUP BY kind, status, intake"
    " UNION ALL SELECT 'outcome', kind, outcome, NULL, count(*), 0 FROM mediations"
    " WHERE ended >= :start AND ended < :end AND outcome IS NOT NULL GROUP BY kind, outcome"
    " UNION ALL SELECT 'curator', NULL, NULL, NULL, count(*), 0 FROM mediations"
    " WHERE special_curator >= :start AND special_curator < :end"
    " UNION ALL SELECT 'interview', mediations.kind, NULL, NULL, count(*),"
    " coalesce(sum(child_interviews.children), 0)"
    " FROM child_interviews JOIN mediations ON mediations.id = child_interviews.mediation_id"
    " WHERE child_interviews.date >= :start AND child_interviews.date < :end"
    " GROUP BY mediations.kind",
    start=Date,
    end=Date,
)


def _mediation(session: Session, period: _Year, flat: dict[str, Any]) -> None:
    flat["mediation.special_curator"] = 0
    for part, kind, status, intake, n, children in session.execute(_MEDIATION, _dates(period)):
        if part == "request":
            flat["mediation.requests.total"] += n
            flat[f"mediation.requests.{kind}"] += n
            if status in (MediationStatus.RUNNING, MediationStatus.ENDED):
                flat[f"mediation.started.{kind}"] += n
            elif status == MediationStatus.NOT_STARTED:
                flat[f"mediation.not_started.{kind}"] += n
            if intake == "not_suitable":
                flat[f"mediation.not_suitable.{kind}"] += n
        elif part == "outcome":
            flat[f"mediation.outcomes.{kind}.{status}"] += n  # the outcome, in that column
        elif part == "curator":
            flat["mediation.special_curator"] += n
        else:
            flat["mediation.child_interviews.total"] += n
            flat[f"mediation.child_interviews.{kind}"] += n
            flat["mediation.child_interviews.children"] += int(children)

    def rate(kinds: tuple[str, ...]) -> int | None:
        ok = sum(
            flat[f"mediation.outcomes.{k}.{o}"]
            for k in kinds
            for o in (Outcome.FULL_AGREEMENT.value, Outcome.MIRROR_AGREEMENT.value)
        )
        failed = sum(flat[f"mediation.outcomes.{k}.{Outcome.NO_AGREEMENT.value}"] for k in kinds)
        return percent(ok, ok + failed)

    flat["mediation.success_rate.all"] = rate(("iko", "niko"))
    flat["mediation.success_rate.iko"] = rate(("iko",))
    flat["mediation.success_rate.niko"] = rate(("niko",))


_CONFLICTS = _sql(
    "SELECT status, count(*) FROM conflict_pairs"
    " WHERE detected >= :start AND detected < :end GROUP BY status",
    start=DateTime,
    end=DateTime,
)


def _conflicts(session: Session, period: _Year, flat: dict[str, Any]) -> None:
    """Conflict pairs detected in the year, by how they stand now (no references, no names)."""
    part = {
        ConflictStatus.CONFLICT.value: "walled",
        ConflictStatus.REVIEW.value: "under_review",
        ConflictStatus.DISMISSED.value: "not_conflict",
    }
    times = {"start": period.start_at, "end": period.end_at}
    for status, n in session.execute(_CONFLICTS, times):
        flat["conflicts.detected"] += n
        flat[f"conflicts.{part[str(status)]}"] += n


_ACTIVITIES_OF_YEAR = _sql(
    "SELECT activities.date, activities.kind, activities.organisation, activities.title"
    " FROM activities WHERE activities.date >= :start AND activities.date < :end"
    " ORDER BY activities.date, activities.id",
    start=Date,
    end=Date,
).columns(date=Date, kind=String, organisation=String, title=String)


def _activities(session: Session, period: _Year) -> list[dict[str, Any]]:
    return [
        {
            "date": day.isoformat(),
            "kind": str(kind),
            "organisation": organisation,
            "title": title,
        }
        for day, kind, organisation, title in session.execute(_ACTIVITIES_OF_YEAR, _dates(period))
    ]


def failure_reasons(session: Session, actor: Actor, year: int) -> dict[str, dict[str, int]]:
    """Why mediations that ended in `year` without agreement failed.

    `{"all": {reason: n}, "iko": {...}, "niko": {...}}` with every reason of
    `figure_keys.FAILURE_REASONS`; a mediation with two reasons counts for both.
    """
    access.require(
        session, actor, Action.FIGURES_VIEW, object_ref=str(year), detail="redenen mislukking"
    )
    m = _MEDIATIONS.c
    # A few dozen rows a year; JSON lists cannot be grouped on every database.
    stmt = select(m.kind, m.failure_reasons).where(
        _in_year(m.ended, _Year(year)), m.outcome == Outcome.NO_AGREEMENT.value
    )
    out = {k: dict.fromkeys(FAILURE_REASONS, 0) for k in ("all", "iko", "niko")}
    for kind, reasons in session.execute(stmt):
        for reason in set(reasons or ()):
            if reason in out["all"]:
                out["all"][reason] += 1
                out[str(kind)][reason] += 1
    return out
