"""Issue #17: the deadlines list (policy, walls, audit), `ikodesk deadlines`, the reference
data of acceding states, and exchange format 1.1's dates through import and export.

The service tests run on both backends (`backend`: an encrypted file, the office
server), every user as their own login; the command line too (`--db` a file or the
server's address).
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select, update

from ikodesk.errors import AccessDenied, InputError, ValidationError
from ikodesk.models import AuditEntry, Country
from ikodesk.models.enums import ClockKind
from ikodesk.services import access, cases, deadlines, exchange, users
from ikodesk.services.actors import Actor
from ikodesk.services.validation import case_rules, mediation_rules, parse_case, parse_mediation
from ikodesk.storage import Database
from tests.conftest import TEST_PASSPHRASE
from tests.support import family as F
from tests.support import records as R
from tests.support.backends import Backend

KH = Actor.key_holder()
AS_OF = date(2024, 4, 10)

# The mother's case (jdevries), open: removed on 1 March, nothing filed yet.
MOTHER = R.case(closed=..., close_reason=..., removal_date="2024-03-01")
# The father's case (kvisser), the other side of the same family: proceedings filed.
FATHER = F.father_case(removal_date="2024-03-01", proceedings_started="2024-04-02")


@pytest.fixture
def family(backend: Backend) -> Backend:
    backend.load(*F.STAFF, MOTHER, FATHER)
    return backend


def _listed(backend: Backend, username: str, **kw: Any) -> list[deadlines.DeadlineRow]:
    user = backend.as_(username)
    with user.session() as s:
        return deadlines.list_deadlines(s, user.actor, as_of=AS_OF, **kw)


def test_each_jurist_lists_the_clocks_of_their_own_cases(family: Backend) -> None:
    mother = _listed(family, "jdevries", everything=True)
    assert [(r.ref, r.clock, r.due, r.child) for r in mother] == [
        (F.MOTHER_REF, ClockKind.ART12_ONE_YEAR, date(2025, 3, 1), None),
        (F.MOTHER_REF, ClockKind.ART4_AGE16, date(2033, 9, 1), 0),
    ]
    father = _listed(family, "kvisser", everything=True)
    assert [(r.ref, r.clock, r.due, r.days_left) for r in father] == [
        (F.FATHER_REF, ClockKind.ART11_SIX_WEEKS, date(2024, 5, 14), 34),
        (F.FATHER_REF, ClockKind.ART4_AGE16, date(2033, 9, 1), 3431),
    ]
    assert "Brussel IIb" in father[0].basis  # Poland and the Netherlands: both EU
    # Within 60 days (the default) and within 30.
    assert [r.clock for r in _listed(family, "kvisser")] == [ClockKind.ART11_SIX_WEEKS]
    assert _listed(family, "kvisser", within=30) == []
    assert _listed(family, "jdevries") == []


def test_the_admin_lists_every_case_and_management_only_counts(family: Backend) -> None:
    admin = _listed(family, "beheer", everything=True)
    assert {r.ref for r in admin} == {F.MOTHER_REF, F.FATHER_REF}
    # The same clocks as their handlers list (on the server the 16th birthdays come
    # from the server: neither the administrator nor management reads a birth date).
    handlers = [*_listed(family, "jdevries", everything=True)]
    handlers += _listed(family, "kvisser", everything=True)
    assert sorted(admin, key=repr) == sorted(handlers, key=repr)
    directie = family.as_("directie")
    manager = directie.actor
    with directie.session() as s, pytest.raises(AccessDenied):
        deadlines.list_deadlines(s, manager, as_of=AS_OF)
    with directie.session() as s, pytest.raises(AccessDenied):
        deadlines.count_due_soon(s, manager, as_of=AS_OF)
    if family.is_server:
        # The server counts management's clocks on its own day only (a day either way):
        # totals on days of one's choosing spell out the children's 16th birthdays.
        with directie.session() as s, pytest.raises(InputError, match="van vandaag"):
            deadlines.count_deadlines(s, manager, as_of=AS_OF)
        return
    with directie.session() as s:
        counts = {c.clock: c for c in deadlines.count_deadlines(s, manager, as_of=AS_OF)}
    assert counts[ClockKind.ART11_SIX_WEEKS].running == 1
    assert counts[ClockKind.ART11_SIX_WEEKS].within_30 == 0
    assert counts[ClockKind.ART12_ONE_YEAR].running == 1
    assert counts[ClockKind.ART4_AGE16].running == 2  # Ola, in both cases
    for username in ("mediation", "tmeijer"):
        user = family.as_(username)
        with user.session() as s, pytest.raises(AccessDenied):
            deadlines.list_deadlines(s, user.actor, as_of=AS_OF)


# Four children in one open case (removed 1 March 2024), 16 on AS_OF (10 April) minus
# 9 days, plus 5, plus 21 and in 2030: one Art. 4 clock in each of management's counts.
BIRTHDAYS = ["2008-04-01", "2008-04-15", "2008-05-01", "2014-06-01"]
FOUR_CHILDREN = R.case(
    closed=...,
    close_reason=...,
    removal_date="2024-03-01",
    children=[{"first_name": f"Kind{i}", "birth_date": b} for i, b in enumerate(BIRTHDAYS)],
)


def four_children_as_of(day: date) -> dict[str, Any]:
    """FOUR_CHILDREN moved so that `day` stands where AS_OF stands for it (management
    on the server counts on the server's day only)."""
    shift = day - AS_OF

    def moved(text: str) -> str:
        return (date.fromisoformat(text) + shift).isoformat()

    return R.case(
        closed=...,
        close_reason=...,
        opened=moved(FOUR_CHILDREN["opened"]),
        removal_date=moved("2024-03-01"),
        children=[
            {"first_name": f"Kind{i}", "birth_date": moved(b)} for i, b in enumerate(BIRTHDAYS)
        ],
    )


def test_management_counts_each_art4_clock_where_it_falls(backend: Backend) -> None:
    """On the server management gets no birthday, only where the clock falls (overdue,
    7 days, 30 days, later): the counts must be those of the file, which reads them.
    Counted today (the only day the server counts for management), on both."""
    today = date.today()
    backend.load(*F.STAFF, four_children_as_of(today))
    directie = backend.as_("directie")
    with directie.session() as s:
        counts = {c.clock: c for c in deadlines.count_deadlines(s, directie.actor, as_of=today)}
    art4 = counts[ClockKind.ART4_AGE16]
    assert (art4.overdue, art4.within_7, art4.within_30, art4.running) == (1, 1, 2, 4)
    # The administrator's list has the real due dates (references and clocks, no names).
    admin = backend.as_("beheer")
    with admin.session() as s:
        listed = deadlines.list_deadlines(s, admin.actor, as_of=today, everything=True)
    assert [r.due for r in listed if r.clock is ClockKind.ART4_AGE16] == [
        day + (today - AS_OF)
        for day in (date(2024, 4, 1), date(2024, 4, 15), date(2024, 5, 1), date(2030, 6, 1))
    ]


def test_overdue_clocks_are_listed_and_counted(family: Backend) -> None:
    kvisser = family.as_("kvisser").actor
    later = date(2024, 6, 1)
    with family.as_("kvisser").session() as s:
        rows = deadlines.list_deadlines(s, kvisser, as_of=later, within=0)
        soon = deadlines.count_due_soon(s, kvisser, as_of=later)
    assert [(r.clock, r.days_left) for r in rows] == [(ClockKind.ART11_SIX_WEEKS, -18)]
    assert soon == 1


def test_a_walled_jurist_never_sees_the_other_sides_clocks(backend: Backend) -> None:
    """An import does not refuse a walled handler: jdevries handles both sides."""
    backend.load(*F.STAFF, MOTHER, F.father_case(**{**FATHER, "handler": "jdevries"}))
    jdevries = backend.as_("jdevries")
    mother_id, father_id = backend.case_id(F.MOTHER_REF), backend.case_id(F.FATHER_REF)
    with backend.inspect() as s:
        uid = jdevries.actor.user_id or 0
        walled = {cid for cid in (mother_id, father_id) if access.is_walled(s, uid, cid)}
    assert len(walled) == 1, "jdevries stands on one side of the pair"
    walled_ref = F.MOTHER_REF if walled == {mother_id} else F.FATHER_REF
    listed = {r.ref for r in _listed(backend, "jdevries", everything=True)}
    assert walled_ref not in listed and len(listed) == 1
    # The login line counts only what the list shows: the father's clock is overdue by
    # 1 June, the mother's is not due for months.
    with jdevries.session() as s:
        soon = deadlines.count_due_soon(s, jdevries.actor, as_of=date(2024, 6, 1))
    assert soon == (0 if walled_ref == F.FATHER_REF else 1)
    # The admin lists both: references and clocks only.
    listed = {r.ref for r in _listed(backend, "beheer", everything=True)}
    assert listed == {F.MOTHER_REF, F.FATHER_REF}


def test_every_list_is_audited(family: Backend) -> None:
    _listed(family, "kvisser", within=10)
    kvisser = family.as_("kvisser")
    with kvisser.session() as s:  # the login line's count: like a list page, not audited
        assert deadlines.count_due_soon(s, kvisser.actor, as_of=AS_OF) == 0
    with family.inspect() as s:
        entries = list(
            s.execute(
                select(AuditEntry.username, AuditEntry.action, AuditEntry.detail).where(
                    AuditEntry.action == "deadlines.view"
                )
            )
        )
    assert [(u, a) for u, a, _d in entries] == [("kvisser", "deadlines.view")]
    assert "binnen 10 dagen" in (entries[0][2] or "")


@pytest.mark.slow
def test_cli_json_shape(family: Backend, cli: Any) -> None:
    env = {"IKODESK_PASSWORD": F.PASSWORD}
    if family.office is not None:
        where: object = family.office.url
    else:
        assert family.db is not None
        with family.db.transaction() as s:
            for name in ("jdevries", "kvisser", "directie"):
                users.set_password(s, KH, name, F.PASSWORD)
        where = family.db.path
        family.db.close()
        env["IKODESK_PASSPHRASE"] = TEST_PASSPHRASE
    base = ["--db", where, "--user"]
    result = cli([*base, "jdevries", "deadlines", "--as-of", "2024-04-10", "--all", "--json"], env)
    assert result.code == 0, result.err
    assert json.loads(result.out) == [
        {"ref": F.MOTHER_REF, "clock": "art12_one_year", "due": "2025-03-01", "days_left": 325},
        {
            "ref": F.MOTHER_REF,
            "clock": "art4_age16",
            "due": "2033-09-01",
            "days_left": 3431,
            "child": 0,
        },
    ]
    result = cli([*base, "kvisser", "deadlines", "--as-of", "2024-06-01", "--json"], env)
    assert json.loads(result.out) == [
        {"ref": F.FATHER_REF, "clock": "art11_six_weeks", "due": "2024-05-14", "days_left": -18}
    ]
    text = cli([*base, "kvisser", "deadlines", "--as-of", "2024-06-01"], env)
    assert "14-05-2024" in text.out and "18 dagen verlopen" in text.out
    refused = cli([*base, "directie", "deadlines", "--json"], env)
    assert refused.code == 3 and "Geen toegang" in refused.err
    counts = cli(
        [*base, "directie", "deadlines", "--counts", "--json", "--as-of", "2024-04-10"], env
    )
    if family.is_server:
        # Management counts on the server's day only: today the six weeks are over.
        assert counts.code == 2 and "van vandaag" in counts.err
        today = date.today().isoformat()
        counts = cli([*base, "directie", "deadlines", "--counts", "--json", "--as-of", today], env)
    assert counts.code == 0, counts.err
    assert json.loads(counts.out)["art11_six_weeks"] == {
        "overdue": int(family.is_server),
        "within_7": 0,
        "within_30": 0,
        "running": 1,
    }
    shown = cli([*base, "kvisser", "case", "show", F.FATHER_REF], env)
    assert "Ontvoering:   01-03-2024" in shown.out and "Procedure:    02-04-2024" in shown.out
    both = cli([*base, "jdevries", "deadlines", "--all", "--within", "5"], env)
    assert both.code == 1  # --all and --within exclude each other


# --- reference data: acceding states --------------------------------------------------


def test_acceding_states_are_marked_without_a_guessed_dutch_acceptance(backend: Backend) -> None:
    with backend.inspect() as s:
        acceded = set(s.scalars(select(Country.iso2).where(Country.hague_acceded.is_(True))))
        accepted = s.scalar(select(func.count()).where(Country.hague_nl_acceptance.is_not(None)))
    assert {"PL", "HU", "MX", "RU", "BW"} <= acceded
    assert not acceded & {"NL", "DE", "FR", "US", "GB", "HR"}  # ratified or succeeded
    assert accepted == 0  # none established yet: the check says "onbekend"


# --- exchange format 1.1 -------------------------------------------------------------


def test_case_dates_and_court_hearing_survive_export_and_import(
    backend: Backend, tmp_path: Path
) -> None:
    """Imported as the administrator; exported by the test's own look (on the server
    no login reads every row without a second administrator's approval)."""
    case = R.case(
        closed=...,
        close_reason=...,
        removal_date="2024-03-01",
        proceedings_started="2024-03-20",
        decision_first_instance="2024-05-01",
        appeal_ready="2024-06-03",
    )
    mediation = {**R.MEDIATION, "court_hearing": "2024-05-14"}
    records = [*R.USERS, R.MEDIATOR, R.MEDIATOR2, case, mediation]
    backend.load(*records)
    with backend.inspect() as s:
        first = list(exchange.export_records(s, KH))
    by_type = {r["type"]: r for r in first}
    for key in ("removal_date", "proceedings_started", "decision_first_instance", "appeal_ready"):
        assert by_type["case"][key] == case[key]
    assert by_type["mediation"]["court_hearing"] == "2024-05-14"
    second, _ = Database.create(tmp_path / "second.db", passphrase=TEST_PASSPHRASE)
    try:
        with second.transaction() as s:
            exchange.import_lines(s, KH, [json.dumps(r) for r in first])
        with second.session() as s:
            again = list(exchange.export_records(s, KH))
    finally:
        second.close()
    assert again == first
    # Importing the export again into the first database changes nothing. The office
    # server refuses it instead, by design: an import only adds cases there (the
    # administrator's login cannot read a stored case to compare it with the file).
    if backend.is_server:
        with pytest.raises(ValidationError, match="staat al op de kantoorserver"):
            backend.load(*first)
        return
    result = backend.load(*first)
    assert not result.created.get("case") and not result.updated.get("case")
    assert result.skipped.get("case") == 1


def _case_problems(**changes: Any) -> dict[str, str]:
    data = parse_case(R.case(**changes))
    return {p.field: p.message for p in case_rules(data, {"PL", "TR"})}


def test_case_dates_are_validated() -> None:
    assert _case_problems(removal_date="2024-03-01", proceedings_started="2024-03-20") == {}
    assert "na de openingsdatum" in _case_problems(removal_date="2024-03-06")["removal_date"]
    assert (
        "vóór de ontvoering"
        in _case_problems(removal_date="2024-03-01", proceedings_started="2024-02-20")[
            "proceedings_started"
        ]
    )
    assert (
        "vóór de start"
        in _case_problems(proceedings_started="2024-03-20", decision_first_instance="2024-03-19")[
            "decision_first_instance"
        ]
    )
    assert "vóór 1990" in _case_problems(removal_date="1989-12-31")["removal_date"]
    assert "toekomst" in _case_problems(appeal_ready="2999-01-01")["appeal_ready"]
    contact = _case_problems(
        code="international_contact", direction="child_abroad", taker=..., removal_date="2024-03-01"
    )
    assert "niet toegestaan" in contact["removal_date"]
    family = _case_problems(
        code="family_abduction", taker="family_member", removal_date="2024-03-01"
    )
    assert family == {}


def test_the_court_hearing_is_validated() -> None:
    def problems(**changes: Any) -> dict[str, str]:
        m = parse_mediation({**R.MEDIATION, **changes})
        return {p.field: p.message for p in mediation_rules(m)}

    assert problems(court_hearing="2024-05-14") == {}
    assert "rechter" in problems(court_hearing="2024-05-14", referred_by="lawyer")["court_hearing"]
    assert "vóór de aanvraagdatum" in problems(court_hearing="2024-01-31")["court_hearing"]


def test_the_case_service_refuses_dates_on_a_contact_case(family: Backend) -> None:
    data = parse_case(
        R.case(
            ref="2024-L2-00099",
            closed=...,
            close_reason=...,
            code="international_contact",
            direction="child_abroad",
            taker=...,
            removal_date="2024-03-01",
        )
    )
    jdevries = family.as_("jdevries")
    with jdevries.transaction() as s, pytest.raises(ValidationError) as raised:
        cases.create_case(s, jdevries.actor, data)
    assert "removal_date" in raised.value.errors


def test_the_dutch_acceptance_date_moves_the_check(family: Backend) -> None:
    """With an acceptance date in the reference data, the check answers before/after.

    The administrator keeps the reference data; a jurist's login reads it.
    """
    with family.as_("beheer").transaction() as s:
        s.execute(
            update(Country)
            .where(Country.iso2 == "PL")
            .values(hague_nl_acceptance=date(1993, 3, 15))
        )
    with family.as_("jdevries").session() as s:
        poland = deadlines.listing.treaty_facts(s, ["PL", "NL"])
    check = deadlines.convention_check(
        poland["PL"], poland["NL"].entry_into_force, None, date(1993, 5, 31)
    )
    assert check is not None and check.in_force is deadlines.InForce.NO
    check = deadlines.convention_check(
        poland["PL"], poland["NL"].entry_into_force, None, date(1993, 6, 1)
    )
    assert check is not None and check.in_force is deadlines.InForce.YES
