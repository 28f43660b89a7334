"""A generator of realistic, entirely fictitious data for demos and benchmarks.

It yields exchange-format records, so demo data enters the database through
the same import as real data. Volumes follow the centre's 2024 annual report
(about 9,000 Line 1 and 1,800 Line 2 cases and 24,000 contact moments a
year); a small share of abduction cases has a second case from the other
parent of the same family, so conflict detection has something to find.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

# The demo's light facts live in demo_facts (the start needs them without the
# generator); re-exported here.
from ikodesk.models import Case, ConflictPair, User, WallClaim
from ikodesk.services import demo_mediations
from ikodesk.services.actors import Actor
from ikodesk.services.demo_facts import DEMO_PASSPHRASE as DEMO_PASSPHRASE
from ikodesk.services.demo_facts import DEMO_PASSWORD as DEMO_PASSWORD
from ikodesk.services.demo_facts import DEMO_STEPS as DEMO_STEPS
from ikodesk.services.demo_facts import demo_accounts as demo_accounts
from ikodesk.services.demo_facts import overall_percent as overall_percent
from ikodesk.services.demo_tables import (
    ABDUCTION_COUNTRIES,
    ACTIVITIES,
    FAMILY_RELATIONS,
    FIRST_F,
    FIRST_M,
    HISTORICAL,
    JURISTS,
    LAST,
    LINE1_CONTACTS_PER_CASE,
    LINE1_PER_YEAR,
    LINE1_SUMMARIES,
    LINE2_2024,
    LINE2_CONTACTS_PER_CASE,
    LINE2_SUMMARIES,
    MEDIATORS,
    ORG_TYPES,
    ORIGIN_OF_COUNTRY,
    PREVENTION_COUNTRIES,
    RELOCATION_COUNTRIES,
    STUDENTS,
    TRAVEL_COUNTRIES,
    USERS,
)
from ikodesk.services.exchange import ImportResult, Progress, import_lines, json_line
from ikodesk.services.passwords import hash_password
from ikodesk.storage import Database


def _weighted(rng: random.Random, weights: dict[str, int]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


class DemoGenerator:
    """Yields exchange-format records for the requested years (deterministic by seed)."""

    def __init__(self, seed: int = 2024, scale: float = 1.0, until: date | None = None) -> None:
        self.rng = random.Random(seed)
        # Texts and names that only make the demo look real (contact summaries, the
        # people of a mediation) come from a generator of their own: the cases, dates
        # and counts stay those of `rng`, and so do the figures.
        self.texts = random.Random(seed * 7919 + 15)
        # The dates that start the Hague and Brussels IIb clocks (issue #17) and the
        # court hearings of mediations come from a third generator: adding them left
        # every case, date and outcome drawn from `rng` as it was.
        self.clock_rng = random.Random(seed * 6007 + 29)
        self.scale = scale
        self.until = until
        self.conflict_pairs = 0

    # -- people ---------------------------------------------------------------
    def _origin(self, country: str | None) -> str:
        if country in ORIGIN_OF_COUNTRY and self.rng.random() < 0.7:
            return ORIGIN_OF_COUNTRY[country]
        return self.rng.choice(["nl", "nl", "nl", "pl", "tr", "ma", "other"])

    def _person(self, relation: str, origin: str, opened: date) -> dict[str, Any]:
        rng = self.rng
        first = rng.choice(FIRST_F[origin] if relation == "mother" else FIRST_M[origin])
        age = rng.randint(24, 50)
        born = opened - timedelta(days=age * 365 + rng.randint(0, 364))
        person: dict[str, Any] = {
            "relation": relation,
            "first_name": first,
            "last_name": rng.choice(LAST[origin]),
        }
        if rng.random() < 0.8:
            person["birth_date"] = born.isoformat()
        if rng.random() < 0.7:
            person["phone"] = f"06-{rng.randint(10000000, 99999999)}"
        return person

    def _children(self, n: int, last_name: str, origin: str, opened: date) -> list[dict[str, Any]]:
        rng = self.rng
        kids: list[dict[str, Any]] = []
        for _ in range(n):
            age_days = rng.randint(60, 17 * 365)
            first = rng.choice(FIRST_F[origin] + FIRST_M[origin])
            if rng.random() < 0.85:
                kids.append(
                    {
                        "first_name": first,
                        "last_name": last_name,
                        "birth_date": (opened - timedelta(days=age_days)).isoformat(),
                    }
                )
            else:
                kids.append({"age": age_days // 365})
        return kids

    # -- records --------------------------------------------------------------
    def records(self, years: list[int], *, with_history: bool = True) -> Iterator[dict[str, Any]]:
        for username, name, role in USERS:
            yield {"type": "user", "username": username, "name": name, "role": role}
        for name, cbfm, langs in MEDIATORS:
            yield {
                "type": "mediator",
                "name": name,
                "cbfm": cbfm,
                "languages": langs,
                "active": True,
            }
        for year in years:
            yield from self.year(year)
        if with_history:
            for year, figures in HISTORICAL.items():
                if year in years:
                    continue
                for key, value in figures.items():
                    yield {
                        "type": "historical_figure",
                        "year": year,
                        "key": key,
                        "value": int(value) if float(value).is_integer() else value,
                    }

    def _day_in(self, year: int) -> date | None:
        day = date(year, 1, 1) + timedelta(days=self.rng.randint(0, 364))
        if self.until is not None and day > self.until:
            return None
        return day

    def year(self, year: int) -> Iterator[dict[str, Any]]:
        rng = self.rng
        seq = {1: 0, 2: 0}
        line1 = round(LINE1_PER_YEAR * self.scale)
        calls: list[tuple[date, list[dict[str, Any]]]] = []
        for _ in range(line1):
            opened = self._day_in(year)
            if opened is None:
                continue
            calls.append((opened, self._line1_case("", opened)))
        # Numbered in the order they came in: the Line 1 lists read in date order.
        for _opened, records in sorted(calls, key=lambda c: c[0]):
            seq[1] += 1
            yield from _numbered(records, f"{year}-L1-{seq[1]:05d}")
        for code, (parents, third) in LINE2_2024.items():
            for is_parent, count in ((True, parents), (False, third)):
                for _ in range(round(count * self.scale)):
                    opened = self._day_in(year)
                    if opened is None:
                        continue
                    seq[2] += 1
                    ref = f"{year}-L2-{seq[2]:05d}"
                    records = self._line2_case(ref, code, opened, is_parent)
                    yield from records
                    if code == "international_abduction" and is_parent and rng.random() < 0.06:
                        seq[2] += 1
                        yield from self._mirror_case(f"{year}-L2-{seq[2]:05d}", records[0])
        yield from self._mediations(year)
        for mmdd, kind, org, title in ACTIVITIES:
            day = date.fromisoformat(f"{year}-{mmdd}") if mmdd != "02-29" else date(year, 2, 28)
            if self.until is None or day <= self.until:
                yield {
                    "type": "activity",
                    "date": day.isoformat(),
                    "kind": kind,
                    "organisation": org,
                    "title": title,
                }

    def _contacts(
        self, ref: str, opened: date, closed: date | None, n: int, party: str, handlers: list[str]
    ) -> list[dict[str, Any]]:
        rng = self.rng
        out = []
        last = closed or min(opened + timedelta(days=90), self.until or date.max)
        span = max((last - opened).days, 0)
        for i in range(n):
            day = opened if i == 0 else opened + timedelta(days=rng.randint(0, span))
            at = datetime(day.year, day.month, day.day, rng.randint(9, 16), rng.randint(0, 59))
            r = rng.random()
            channel = "phone" if r < 0.68 else ("email" if r < 0.97 else "form")
            p = party if rng.random() < 0.9 else rng.choice(["parent", "family", "professional"])
            contact: dict[str, Any] = {
                "type": "contact",
                "case": ref,
                "at": at.strftime("%Y-%m-%dT%H:%M"),
                "channel": channel,
                "party": p,
                "handler": rng.choice(handlers),
                "minutes": rng.choice([5, 10, 10, 15, 20, 30, 45]),
            }
            if self.texts.random() < 0.85:
                line1 = ref == "" or "-L1-" in ref
                contact["summary"] = self.texts.choice(
                    LINE1_SUMMARIES if line1 else LINE2_SUMMARIES
                )
            out.append(contact)
        return out

    def _closing(
        self, opened: date, p_closed: float, mean_days: float
    ) -> tuple[str | None, str | None]:
        rng = self.rng
        if rng.random() > p_closed:
            return None, None
        closed = opened + timedelta(days=int(rng.expovariate(1 / mean_days)))
        if closed.year != opened.year and rng.random() < 0.7:
            closed = date(opened.year, 12, 31)
        if self.until is not None and closed > self.until:
            return None, None
        reason = rng.choices(["resolved", "informed", "unreachable", "other"], [3, 6, 1, 0.2])[0]
        return closed.isoformat(), reason

    def _line1_case(self, ref: str, opened: date) -> list[dict[str, Any]]:
        rng = self.rng
        country = _weighted(rng, TRAVEL_COUNTRIES) if rng.random() < 0.8 else None
        origin = self._origin(country)
        r = rng.random()
        if r < 0.85:
            kind, party = "parent", "parent"
            requester: dict[str, Any] = {
                "kind": "parent",
                **self._person(rng.choice(["mother", "father"]), origin, opened),
            }
            requester.pop("birth_date", None)
        elif r < 0.93:
            kind, party = "family", "family"
            requester = {"kind": "family", "relation": _weighted(rng, FAMILY_RELATIONS)}
        else:
            kind, party = "professional", "professional"
            requester = {"kind": "professional", "organisation_type": _weighted(rng, ORG_TYPES)}
        del kind
        closed, reason = self._closing(opened, 0.97, 2)
        handler = rng.choice(STUDENTS)
        case: dict[str, Any] = {
            "type": "case",
            "ref": ref,
            "line": 1,
            "code": "travel_consent",
            "opened": opened.isoformat(),
            "handler": handler,
            "requester": requester,
        }
        if closed:
            case["closed"], case["close_reason"] = closed, reason
        if country:
            case["country"] = country
        n = 1 + (rng.random() < LINE1_CONTACTS_PER_CASE - 1) + (rng.random() < 0.05)
        return [
            case,
            *self._contacts(
                ref, opened, None if not closed else date.fromisoformat(closed), n, party, [handler]
            ),
        ]

    def _line2_case(
        self, ref: str, code: str, opened: date, is_parent: bool
    ) -> list[dict[str, Any]]:
        rng = self.rng
        case: dict[str, Any] = {
            "type": "case",
            "ref": ref,
            "line": 2,
            "code": code,
            "opened": opened.isoformat(),
        }
        country: str | None = None
        if code in ("international_abduction", "family_abduction"):
            country = _weighted(rng, ABDUCTION_COUNTRIES)
            case["direction"] = rng.choices(["outgoing", "incoming", "abroad"], [88, 42, 18])[0]
            if code == "international_abduction":
                case["taker"] = "mother" if rng.random() < 0.74 else "father"
            elif rng.random() < 0.8:
                case["taker"] = "family_member"
        elif code == "prevention":
            country = _weighted(rng, PREVENTION_COUNTRIES)
        elif code == "relocation_consent":
            country = _weighted(rng, RELOCATION_COUNTRIES)
            case["direction"] = "outgoing" if rng.random() < 0.75 else "incoming"
            case["mover"] = "mother" if rng.random() < 0.8 else "father"
        elif code == "international_contact":
            country = _weighted(rng, RELOCATION_COUNTRIES)
            case["direction"] = rng.choice(["child_abroad", "parent_abroad"])
        elif rng.random() < 0.4:
            country = _weighted(rng, ABDUCTION_COUNTRIES)
        if country:
            case["country"] = country
        origin = self._origin(country)
        relation = rng.choice(["mother", "father"])
        if code == "international_abduction" and "taker" in case:
            # The requester is mostly the left-behind parent: the other one took the child.
            left_behind = rng.random() < 134 / 148
            taker = case["taker"]
            relation = ("father" if taker == "mother" else "mother") if left_behind else taker
        parent = self._person(relation, origin, opened)
        other_relation = "father" if relation == "mother" else "mother"
        if is_parent:
            requester: dict[str, Any] = {"kind": "parent", **parent}
            side = self._side(code, case, relation)
            if side:
                requester["side"] = side
            party = "parent"
        elif rng.random() < 0.75:
            requester = {
                "kind": "professional",
                "organisation_type": _weighted(rng, ORG_TYPES),
                "last_name": rng.choice(LAST["nl"]),
            }
            party = "professional"
        else:
            requester = {
                "kind": "family",
                "relation": _weighted(rng, FAMILY_RELATIONS),
                "first_name": rng.choice(FIRST_F[origin] + FIRST_M[origin]),
                "last_name": parent["last_name"],
            }
            party = "family"
        case["requester"] = requester
        if rng.random() < 0.7:
            case["other_parent"] = self._person(other_relation, origin, opened)
        n_children = rng.choices([0, 1, 2, 3, 4], [4, 60, 26, 8, 2])[0]
        if (
            code
            in ("international_abduction", "prevention", "relocation_consent", "family_abduction")
            and n_children == 0
        ):
            n_children = 1
        family_name = (
            parent["last_name"]
            if relation == "father"
            else (case.get("other_parent", {}).get("last_name", parent["last_name"]))
        )
        case["children"] = self._children(n_children, family_name, origin, opened)
        handler = rng.choice(JURISTS)
        case["handler"] = handler
        closed, reason = self._closing(opened, 0.97, 40)
        if closed:
            case["closed"], case["close_reason"] = closed, reason
        if code in ("international_abduction", "family_abduction"):
            self._clock_dates(case, opened, date.fromisoformat(closed) if closed else None)
        if rng.random() < 0.3:
            case["summary"] = rng.choice(
                [
                    "Ouder vraagt advies over de mogelijkheden van teruggeleiding.",
                    "Informatie gegeven over de HKOV-procedure en de Centrale Autoriteit.",
                    "Advies over toestemming van de andere ouder en het toestemmingsformulier.",
                    "Doorverwezen naar een gespecialiseerde advocaat (D.I.A.L.).",
                    "Preventieve signalering en paspoortmaatregelen besproken.",
                ]
            )
        n = 1 + int(rng.expovariate(1 / (LINE2_CONTACTS_PER_CASE - 1)))
        contacts = self._contacts(
            ref, opened, date.fromisoformat(closed) if closed else None, n, party, [handler]
        )
        return [case, *contacts]

    def _clock_dates(self, case: dict[str, Any], opened: date, closed: date | None) -> None:
        """The removal and the return proceedings of an abduction case (exchange format 1.1).

        Most parents reach the centre within weeks of the removal, some after months,
        a few after more than a year (a retention noticed late). Proceedings follow in
        about half the cases, a first-instance decision in most of those, an appeal in
        some. No date lies after the case was closed or after the demo's day.

        A case still open on the demo's day (the centre is working on it: the removal
        date is known) gets dates that make its clocks run around that day
        (`_open_case_dates`), so a demo made today has clocks overdue, due within days,
        within weeks and months ahead.
        """
        r = self.clock_rng
        if closed is None and self.until is not None:
            self._open_case_dates(case, opened, self.until)
            return
        if r.random() < 0.12:  # the requester could not say when
            return
        u = r.random()
        if u < 0.5:
            days = r.randint(0, 45)
        elif u < 0.85:
            days = r.randint(46, 300)
        else:
            days = r.randint(301, 540)
        removal = opened - timedelta(days=days)
        case["removal_date"] = removal.isoformat()
        last = closed or opened + timedelta(days=365)
        if r.random() > 0.5:
            return
        started = opened + timedelta(days=r.randint(3, 70))
        if started > last:
            return
        case["proceedings_started"] = started.isoformat()
        if r.random() > 0.75:
            return
        decided = started + timedelta(days=r.randint(25, 75))
        if decided > last:
            return
        case["decision_first_instance"] = decided.isoformat()
        if r.random() > 0.3:
            return
        ready = decided + timedelta(days=r.randint(20, 60))
        if ready <= last:
            case["appeal_ready"] = ready.isoformat()

    def _open_case_dates(self, case: dict[str, Any], opened: date, today: date) -> None:
        """Clock dates of a case open on the demo's day (`today`)."""
        r = self.clock_rng
        # The one-year mark from a month ago to eleven months ahead: some parents come
        # late, and the demo shows every colour (overdue, red, amber, green).
        low, high = r.choices([(-30, -1), (0, 7), (8, 30), (31, 330)], [20, 20, 30, 30])[0]
        removal = today - timedelta(days=365 - r.randint(low, high))
        if removal > opened:
            removal = opened - timedelta(days=r.randint(0, 45))
        case["removal_date"] = removal.isoformat()
        self._open_case_proceedings(case, opened, removal, today)

    def _open_case_proceedings(
        self, case: dict[str, Any], opened: date, removal: date, today: date
    ) -> None:
        """The return proceedings of a case open on the demo's day, if any."""
        r = self.clock_rng
        if (today - opened).days > 90:
            # Open this long: because return proceedings are under way.
            started = max(opened, removal) + timedelta(days=r.randint(3, 60))
            case["proceedings_started"] = started.isoformat()
            decided = started + timedelta(days=r.randint(25, 60))
            late = (today - started).days <= 100 and r.random() < 0.5
            if decided > today or late:
                return  # no decision yet; the six weeks may be over (courts run late)
            case["decision_first_instance"] = decided.isoformat()
            # An appeal the court of appeal can hear since recently (decided within six
            # weeks after that, the case would mostly be closed by now).
            ready = today - timedelta(days=r.randint(0, 50))
            if r.random() < 0.35 and ready >= decided + timedelta(days=14):
                case["appeal_ready"] = ready.isoformat()
        elif r.random() < 0.45:
            # Filed in the last weeks: the six weeks run (a few are just over).
            started = today - timedelta(days=r.randint(0, 50))
            if started >= max(opened, removal):
                case["proceedings_started"] = started.isoformat()

    def _side(self, code: str, case: dict[str, Any], relation: str) -> str | None:
        rng = self.rng
        if code == "international_abduction":
            return "taking" if case.get("taker") == relation else "left_behind"
        if code == "prevention":
            return "potential_taking" if rng.random() < 12 / 341 else "potential_left_behind"
        if code == "relocation_consent":
            return "potential_taking" if case.get("mover") == relation else "potential_left_behind"
        if code in ("family_abduction", "lawful_relocation"):
            return "left_behind"
        return None

    def _mirror_case(self, ref: str, case: dict[str, Any]) -> list[dict[str, Any]]:
        """The other parent of the same family asks for advice too: a conflict pair."""
        rng = self.rng
        self.conflict_pairs += 1
        opened = date.fromisoformat(case["opened"]) + timedelta(days=rng.randint(1, 40))
        if self.until is not None and opened > self.until:
            opened = date.fromisoformat(case["opened"])
        req = case["requester"]
        other = case.get("other_parent") or self._person(
            "father" if req["relation"] == "mother" else "mother", "nl", opened
        )
        side = "taking" if req.get("side") == "left_behind" else "left_behind"
        mirrored: dict[str, Any] = {
            **{k: v for k, v in case.items() if k not in ("closed", "close_reason", "summary")},
            "ref": ref,
            "opened": opened.isoformat(),
            "requester": {"kind": "parent", **other, "side": side},
            "other_parent": {k: v for k, v in req.items() if k not in ("kind", "side")},
            "handler": rng.choice([j for j in JURISTS if j != case["handler"]]),
        }
        # A little spelling drift between registrations by different people.
        kids = []
        for kid in case.get("children", []):
            kid = dict(kid)
            if "first_name" in kid and rng.random() < 0.3:
                kid["first_name"] = kid["first_name"].lower()
            kids.append(kid)
        mirrored["children"] = kids
        # The same removal; the proceedings as the other parent's open case knows them.
        for key in ("proceedings_started", "decision_first_instance", "appeal_ready"):
            mirrored.pop(key, None)
        if "removal_date" in mirrored and self.until is not None:
            removal = date.fromisoformat(mirrored["removal_date"])
            self._open_case_proceedings(mirrored, opened, removal, self.until)
        return [mirrored, *self._contacts(ref, opened, None, 2, "parent", [mirrored["handler"]])]

    def _mediations(self, year: int) -> Iterator[dict[str, Any]]:
        return demo_mediations.mediations(self, year)


def _numbered(records: list[dict[str, Any]], ref: str) -> list[dict[str, Any]]:
    """A case and its contact moments with their reference."""
    for record in records:
        record["ref" if record["type"] == "case" else "case"] = ref
    return records


# Records of one full year at scale 1.0 (tests/test_demo_data.py: 34,988 for 2024).
RECORDS_PER_YEAR = 35_000


# The steps of making the demo database, with their share of the whole (in %): creating
# the file, reading (and making) the records, checking them, writing them.
def estimated_records(years: list[int], scale: float, until: date) -> int:
    """About how many records the demo of these years holds (for the progress bar)."""
    days = 0
    for year in years:
        start = date(year, 1, 1)
        end = min(date(year, 12, 31), until)
        days += max((end - start).days + 1, 0)
    return max(int(RECORDS_PER_YEAR * scale * days / 365), 1)


def populate(
    db: Database,
    years: list[int] | None = None,
    *,
    scale: float = 1.0,
    until: date | None = None,
    progress: Progress | None = None,
) -> ImportResult:
    """Fill an empty database with demo data; every demo user gets DEMO_PASSWORD.

    `progress(stage, done, total)` reports every step with a total, so a bar can show
    a percentage from the start (the reading step's total is an estimate).
    """
    until = until or date.today()
    years = years or list(range(2024, until.year + 1))
    generator = DemoGenerator(seed=2024, scale=scale, until=until)
    estimate = estimated_records(years, scale, until)

    def staged(stage: str, done: int, total: int) -> None:
        if progress is not None:
            progress(stage, done, total if total > 0 else max(estimate, done + 1))

    def made() -> Iterator[str]:
        # The making of the records is the second step ("lezen": the import takes the
        # lines as they come, then reads and checks them in one pass, "controleren").
        for n, record in enumerate(generator.records(years), start=1):
            if n % 10_000 == 0:
                staged("lezen", n, 0)
            yield json_line(record)

    lines = made()

    password_hash = hash_password(DEMO_PASSWORD)
    with db.transaction() as session:
        result = import_lines(session, Actor.key_holder(), lines, progress=staged)
        session.execute(update(User).values(password_hash=password_hash))
        found_when_registered(session)
    return result


def found_when_registered(session: Session) -> None:
    """Date the demo's conflict pairs, and the sides they put users on, to the day the
    later case of each pair was registered.

    The demo is made in one go, so the family matching finds every pair today. An
    office that had worked with ikodesk all along would have found each one when the
    other parent's case came in; dated today, every report of a demo year would show
    an empty Conflictzaken table. (A real import keeps its detection moments: a move
    carries them in its `conflict` records.)
    """
    pairs = session.execute(
        select(ConflictPair.id, ConflictPair.case_a_id, ConflictPair.case_b_id)
    ).all()
    case_ids = {c for _, a, b in pairs for c in (a, b)}
    opened = dict(session.execute(select(Case.id, Case.opened).where(Case.id.in_(case_ids))).all())
    for pair_id, a, b in pairs:
        # In office hours, spread over the day (the same every time for the same demo).
        at = datetime.combine(max(opened[a], opened[b]), time(9)) + timedelta(
            minutes=pair_id * 47 % 480
        )
        session.execute(update(ConflictPair).where(ConflictPair.id == pair_id).values(detected=at))
        session.execute(update(WallClaim).where(WallClaim.pair_id == pair_id).values(at=at))
