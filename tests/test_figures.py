"""The counting rules of spec/annual-figures.md, one focused test each.

Every test that reads a database runs on both backends (`backend`: an encrypted
file, the office server); the figures are computed as the manager `directie`.
"""

from __future__ import annotations

import json
from datetime import date
from fractions import Fraction
from typing import Any

import pytest
from sqlalchemy import update

from ikodesk.errors import AccessDenied
from ikodesk.models import Country
from ikodesk.models.enums import LINE2_CODES, Role
from ikodesk.services import app_settings
from ikodesk.services.figure_keys import ALL_KEYS, LIST_KEYS, SCALAR_KEYS
from ikodesk.services.figures import (
    change_pct,
    compare_figures,
    compute_figures,
    figure_value,
    flatten,
    percent,
    report_figures,
    round_half_away,
)
from tests.conftest import TEST_PASSPHRASE
from tests.support.backends import As, Backend
from tests.support.office import ADMIN, PASSWORD
from tests.support.shape import leaf_keys

USERS = [
    {"type": "user", "username": "jdevries", "name": "J. de Vries", "role": "jurist"},
    {"type": "user", "username": "tmeijer", "name": "T. Meijer", "role": "student"},
]


def line1(ref: str, opened: str, **fields: Any) -> dict[str, Any]:
    rec: dict[str, Any] = {
        "type": "case",
        "ref": ref,
        "line": 1,
        "code": "travel_consent",
        "opened": opened,
        "handler": "tmeijer",
        "requester": {"kind": "parent", "relation": "mother"},
    }
    rec.update(fields)
    return rec


def line2(ref: str, opened: str, code: str = "other_advice", **fields: Any) -> dict[str, Any]:
    rec: dict[str, Any] = {
        "type": "case",
        "ref": ref,
        "line": 2,
        "code": code,
        "opened": opened,
        "handler": "jdevries",
        "requester": {"kind": "parent", "relation": "mother"},
    }
    rec.update(fields)
    return rec


def abduction(ref: str, opened: str, country: str = "PL", **fields: Any) -> dict[str, Any]:
    base = {
        "country": country,
        "direction": "outgoing",
        "taker": "father",
        "requester": {"kind": "parent", "relation": "mother", "side": "left_behind"},
    }
    return line2(ref, opened, "international_abduction", **{**base, **fields})


def contact(case: str, at: str, channel: str = "phone", party: str = "parent") -> dict[str, Any]:
    return {
        "type": "contact",
        "case": case,
        "at": at,
        "channel": channel,
        "party": party,
        "handler": "jdevries",
    }


MANAGER = "directie"


@pytest.fixture
def db(backend: Backend) -> Backend:
    """The backend, with the manager who reads the figures (named `db` as before)."""
    backend.add_users((MANAGER, Role.MANAGER))
    return backend


def load(db: Backend, *records: dict[str, Any]) -> None:
    db.load(*USERS, *records, update=True)


def figures(db: Backend, year: int) -> dict[str, Any]:
    manager = db.as_(MANAGER)
    with manager.session() as s:
        return compute_figures(s, manager.actor, year)


def value(db: Backend, year: int, key: str) -> Any:
    return figure_value(figures(db, year), key)


# --- shape --------------------------------------------------------------------------


def test_an_empty_year_has_every_key_in_the_spec_order(db: Backend) -> None:
    result = figures(db, 2024)
    assert list(leaf_keys(result)) == ["year", *ALL_KEYS]
    assert result["year"] == 2024
    assert list(result["line2"]) == [c.value for c in LINE2_CODES]
    assert all(
        part == {"parent": 0, "third_party": 0, "total": 0} for part in result["line2"].values()
    )
    scalars = flatten(result)
    assert scalars.pop("mediation.success_rate.all") is None  # no mediation ended: no rate
    assert scalars.pop("mediation.success_rate.iko") is None
    assert scalars.pop("mediation.success_rate.niko") is None
    # No removal date registered: no median (issue #17).
    assert scalars.pop("abduction.median_days_removal_to_opening") is None
    assert set(scalars.values()) == {0}
    assert result["abduction"]["ages"] == {"outgoing": {}, "incoming": {}}
    assert result["activities"] == []
    # The JSON the CLI prints keeps this order.
    assert list(json.loads(json.dumps(result))) == [
        "year",
        *dict.fromkeys(k.split(".")[0] for k in ALL_KEYS),
    ]


def test_every_historical_key_is_a_figure_the_service_produces(db: Backend) -> None:
    produced = set(leaf_keys(figures(db, 2024)))
    assert set(SCALAR_KEYS) <= produced
    assert produced - set(SCALAR_KEYS) == {"year", *LIST_KEYS}


# --- years ----------------------------------------------------------------------------


def test_year_boundaries_cases_by_opened_contacts_by_at(db: Backend) -> None:
    load(
        db,
        line1("2023-L1-00001", "2023-12-31"),
        line1("2024-L1-00001", "2024-01-01"),
        line1("2024-L1-00002", "2024-12-31"),
        line1("2025-L1-00001", "2025-01-01"),
        # A contact counts in the year of its moment, not of its case's opening.
        contact("2023-L1-00001", "2023-12-31T23:59"),
        contact("2023-L1-00001", "2024-01-01T00:00", channel="email"),
        contact("2024-L1-00002", "2024-12-31T23:59:59", channel="form", party="family"),
        contact("2024-L1-00002", "2025-01-01T00:00"),
    )
    f2024 = figures(db, 2024)
    assert f2024["cases"]["total"] == f2024["cases"]["line1"] == 2
    assert f2024["contacts"]["total"] == 2
    assert f2024["contacts"]["by_channel"] == {"phone": 0, "email": 1, "form": 1}
    assert f2024["contacts"]["by_line"] == {"line1": 2, "line2": 0}
    assert f2024["contacts"]["by_channel_party"]["form"]["family"] == 1
    assert value(db, 2023, "cases.total") == 1
    assert value(db, 2023, "contacts.total") == 1
    assert value(db, 2025, "contacts.total") == 1


def test_carried_over_cases_count_once_in_the_year_they_were_opened(db: Backend) -> None:
    load(
        db,
        line2("A", "2024-03-01", closed="2024-12-31", close_reason="resolved"),
        line2("B", "2024-03-01", closed="2025-01-01", close_reason="informed"),
        line2("C", "2024-11-01"),  # still open
        line2("D", "2023-11-01", closed="2024-02-01", close_reason="resolved"),
        line1("E", "2024-05-05", closed="2025-01-02", close_reason="informed"),
    )
    cases = figures(db, 2024)["cases"]
    assert cases == {
        "total": 4,
        "line1": 1,
        "line2": 3,
        "line2_closed_in_year": 1,
        "line2_carried_over": 2,
    }
    # The case carried over from 2023 counts in 2023 only.
    assert value(db, 2023, "cases.line2_carried_over") == 1
    assert value(db, 2025, "cases.line2") == 0


# --- requesters, children, ages ---------------------------------------------------------


def test_parent_or_third_party_by_requester_kind_and_which_sections_count_whom(
    db: Backend,
) -> None:
    professional = {"kind": "professional", "organisation_type": "police"}
    family = {"kind": "family", "relation": "grandparent"}
    kids = [{"age": 3}, {"age": 7}]
    load(
        db,
        abduction("A1", "2024-02-01", children=kids),
        abduction("A2", "2024-02-01", requester=professional, children=kids),
        abduction("A3", "2024-02-01", requester=family, country="EG", children=kids),
        line2("P1", "2024-03-01", "prevention", country="TR", children=kids),
        line2("P2", "2024-03-01", "prevention", country="MA", requester=family, children=kids),
        line2(
            "F1",
            "2024-04-01",
            "family_abduction",
            country="MA",
            direction="outgoing",
            requester=professional,
            children=[{"age": 1}],
        ),
    )
    f = figures(db, 2024)
    assert f["line2"]["international_abduction"] == {"parent": 1, "third_party": 2, "total": 3}
    assert f["line2"]["prevention"] == {"parent": 1, "third_party": 1, "total": 2}
    # abduction.* and prevention.children: parents only.
    assert f["abduction"]["parent_cases"] == 1
    assert f["abduction"]["children"] == 2
    assert f["abduction"]["countries"]["outgoing"] == [["PL", 1]]
    assert f["prevention"]["children"] == 2
    # prevention.countries and family_abduction.*: every requester.
    assert f["prevention"]["countries"] == [["MA", 1], ["TR", 1]]
    assert f["family_abduction"] == {"cases": 1, "children": 1}


def test_children_are_counted_per_case(db: Backend) -> None:
    same_child = [{"first_name": "Ola", "last_name": "Kowalska", "birth_date": "2017-09-01"}]
    load(
        db,
        abduction("A1", "2024-03-05", children=same_child),
        # The other parent asks too: a second case about the same child.
        abduction(
            "A2",
            "2024-04-01",
            requester={"kind": "parent", "relation": "father", "side": "taking"},
            children=same_child,
        ),
    )
    f = figures(db, 2024)
    assert f["abduction"]["children"] == 2
    assert f["abduction"]["direction"]["outgoing"]["children"] == 2
    assert f["abduction"]["requester"] == {
        "left_behind": {"mother": 1, "father": 0},
        "taking": {"mother": 0, "father": 1},
    }


def test_ages_in_whole_years_at_the_opening_date(db: Backend) -> None:
    load(
        db,
        abduction(
            "A1",
            "2024-06-15",
            children=[
                {"birth_date": "2014-06-15"},  # tenth birthday on the opening day: 10
                {"birth_date": "2014-06-16"},  # birthday the day after: still 9
                {"birth_date": "2024-06-15"},  # born that day: 0
                {"age": 4},  # only the age was registered, for the opening date
            ],
        ),
        # Born on 29 February: in a year without one, the birthday counts on 1 March.
        abduction("A2", "2023-02-28", children=[{"birth_date": "2020-02-29"}]),
        abduction("A3", "2023-03-01", children=[{"birth_date": "2020-02-29"}]),
        abduction(
            "A4",
            "2024-06-15",
            direction="incoming",
            children=[{"birth_date": "2007-06-16"}],  # turns 17 tomorrow: 16
        ),
    )
    ages = figures(db, 2024)["abduction"]["ages"]
    assert ages == {"outgoing": {"0": 1, "4": 1, "9": 1, "10": 1}, "incoming": {"16": 1}}
    assert list(ages["outgoing"]) == ["0", "4", "9", "10"]  # by age, not as text
    assert value(db, 2023, "abduction.ages.outgoing") == {"2": 1, "3": 1}


def test_abroad_cases_have_no_ages_and_no_hague_split(db: Backend) -> None:
    load(db, abduction("A1", "2024-01-10", direction="abroad", country="ES", children=[{"age": 5}]))
    f = figures(db, 2024)["abduction"]
    assert f["direction"]["abroad"] == {"cases": 1, "children": 1}
    assert f["ages"] == {"outgoing": {}, "incoming": {}}
    assert f["countries"] == {"outgoing": [], "incoming": []}


# --- Hague status -----------------------------------------------------------------------


def test_hague_status_on_the_opening_date(db: Backend) -> None:
    # Barbados: party since 1 October 2019 (resources/countries).
    load(
        db,
        abduction("B1", "2019-09-30", country="BB"),
        abduction("B2", "2019-10-01", country="BB"),
        abduction("E1", "2019-10-01", country="EG"),  # not a party
        abduction("R1", "2019-10-01", country="RS", direction="incoming"),  # party, date unknown
    )
    direction = figures(db, 2019)["abduction"]["direction"]
    assert direction["outgoing"] == {"cases": 3, "children": 0, "hague": 1, "non_hague": 2}
    # A party whose entry into force is unknown counts as a party.
    assert direction["incoming"] == {"cases": 1, "children": 0, "hague": 1, "non_hague": 0}


def test_hague_status_follows_the_reference_data(db: Backend) -> None:
    load(db, abduction("T1", "2024-05-01", country="TR"))
    assert value(db, 2024, "abduction.direction.outgoing.hague") == 1
    with db.alter() as s:  # an entry into force after the opening date (reference data)
        s.execute(
            update(Country)
            .where(Country.iso2 == "TR")
            .values(hague_entry_into_force=date(2024, 5, 2))
        )
    assert value(db, 2024, "abduction.direction.outgoing.non_hague") == 1


# --- country lists --------------------------------------------------------------------------


def test_country_lists_highest_first_ties_by_iso_code(db: Backend) -> None:
    recs = [
        line2(f"P{i}", "2024-01-02", "prevention", country=iso)
        for i, iso in enumerate(["PL", "DE", "TR", "PL", "DE", "BE", "TR", "TR", "AF"])
    ]
    load(db, *recs)
    assert value(db, 2024, "prevention.countries") == [
        ["TR", 3],
        ["DE", 2],
        ["PL", 2],
        ["AF", 1],
        ["BE", 1],
    ]


def test_relocation_requester_self_or_other_parent_and_directions(db: Backend) -> None:
    def reloc(ref: str, relation: str, mover: str, direction: str, country: str) -> dict[str, Any]:
        return line2(
            ref,
            "2024-02-02",
            "relocation_consent",
            requester={"kind": "parent", "relation": relation},
            mover=mover,
            direction=direction,
            country=country,
            children=[{"age": 2}],
        )

    load(
        db,
        reloc("R1", "mother", "mother", "outgoing", "ES"),
        reloc("R2", "mother", "father", "outgoing", "ES"),
        reloc("R3", "father", "father", "incoming", "GB"),
        reloc("R4", "father", "mother", "outgoing", "DE"),
        reloc("R5", "father", "mother", "outgoing", "DE"),
    )
    rc = figures(db, 2024)["relocation_consent"]
    assert rc["parent_cases"] == 5 and rc["children"] == 5
    assert rc["mover"] == {"mother": 3, "father": 2}
    assert rc["requester"] == {
        "mother": {"self": 1, "other_parent": 1},
        "father": {"self": 1, "other_parent": 2},
    }
    assert rc["countries"] == {"outgoing": [["DE", 2], ["ES", 2]], "incoming": [["GB", 1]]}


# --- mediation ------------------------------------------------------------------------------


def _mediation(ref: str, kind: str, **fields: Any) -> dict[str, Any]:
    rec: dict[str, Any] = {"type": "mediation", "ref": ref, "kind": kind, "requested": "2024-01-10"}
    rec.update(fields)
    return rec


def test_mediation_requests_by_requested_outcomes_by_ended(db: Backend) -> None:
    ended = {"status": "ended", "started": "2024-11-01", "intake": "suitable"}
    load(
        db,
        # Requested in 2024, ended in 2025: a request of 2024, an outcome of 2025.
        _mediation("M1", "iko", **ended, ended="2025-01-05", outcome="full_agreement"),
        _mediation(
            "M2",
            "iko",
            **ended,
            ended="2024-12-31",
            outcome="no_agreement",
            failure_reasons=["emotions", "opposed_positions"],
        ),
        _mediation(
            "M3",
            "niko",
            requested="2023-12-01",
            status="ended",
            started="2023-12-10",
            intake="suitable",
            ended="2024-01-10",
            outcome="mirror_agreement",
            child_interviews=[
                {"date": "2023-12-20", "children": 2},
                {"date": "2024-01-03", "children": 1},
            ],
        ),
        _mediation(
            "M4",
            "niko",
            status="not_started",
            not_started_reason="geen reactie",
            special_curator="2024-02-01",
        ),
        _mediation(
            "M5",
            "niko",
            status="ended",
            started="2024-02-01",
            intake="not_suitable",
            ended="2024-02-10",
        ),
        _mediation("M6", "iko", status="requested"),  # not yet decided
    )
    m = figures(db, 2024)["mediation"]
    assert m["requests"] == {"total": 5, "iko": 3, "niko": 2}
    assert m["started"] == {"iko": 2, "niko": 1}
    assert m["not_started"] == {"iko": 0, "niko": 1}
    assert m["not_suitable"] == {"iko": 0, "niko": 1}
    assert m["special_curator"] == 1
    assert m["outcomes"]["iko"] == {"full_agreement": 0, "mirror_agreement": 0, "no_agreement": 1}
    assert m["outcomes"]["niko"] == {"full_agreement": 0, "mirror_agreement": 1, "no_agreement": 0}
    assert m["success_rate"] == {"all": 50, "iko": 0, "niko": 100}
    assert m["child_interviews"] == {"total": 1, "iko": 0, "niko": 1, "children": 1}
    assert value(db, 2025, "mediation.outcomes.iko.full_agreement") == 1
    assert value(db, 2025, "mediation.requests.total") == 0
    manager = db.as_(MANAGER)
    with manager.session() as s:
        data = report_figures(s, manager.actor, 2024)
    assert data["failure_reasons"]["iko"] == {
        "emotions": 1,
        "opposed_positions": 1,
        "third_party_influence": 0,
        "other": 0,
    }


def test_a_success_rate_of_one_in_eight_rounds_half_away_from_zero(db: Backend) -> None:
    ended = {
        "status": "ended",
        "started": "2024-02-01",
        "intake": "suitable",
        "ended": "2024-03-01",
    }
    recs = [_mediation("M0", "iko", **ended, outcome="full_agreement")]
    recs += [_mediation(f"M{i}", "iko", **ended, outcome="no_agreement") for i in range(1, 8)]
    load(db, *recs)
    assert value(db, 2024, "mediation.success_rate.iko") == 13  # 12.5%; round() would give 12


# --- percentages ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "rounded"),
    [
        (Fraction(1, 2), 1),
        (Fraction(5, 2), 3),
        (Fraction(-5, 2), -3),
        (Fraction(-1, 2), -1),
        (Fraction(249, 100), 2),
        (Fraction(0), 0),
        (Fraction(7, 2), 4),
    ],
)
def test_round_half_away_from_zero(value: Fraction, rounded: int) -> None:
    assert round_half_away(value) == rounded


def test_percentages_and_changes() -> None:
    assert change_pct(201, 200) == 1  # +0.5%
    assert change_pct(205, 200) == 3  # +2.5%
    assert change_pct(195, 200) == -3  # -2.5%
    assert change_pct(7, 8) == -13  # -12.5%: the seed's 116000 hotline row
    assert change_pct(10829, 6683) == 62
    assert change_pct(5, 0) is None  # a change against 0 is null
    assert change_pct(0, 0) is None
    assert change_pct(5, None) is None and change_pct(None, 5) is None
    assert change_pct(48, 37.5) == 28
    assert change_pct(0.3, 0.1) == 200  # exact decimals, not binary neighbours
    assert percent(11, 23) == 48 and percent(1, 8) == 13 and percent(3, 0) is None


# --- comparison and historical figures ---------------------------------------------------------


def _historical(year: int, key: str, value: float) -> dict[str, Any]:
    return {"type": "historical_figure", "year": year, "key": key, "value": value}


def test_published_figures_first_then_records_from_the_complete_year(db: Backend) -> None:
    """Issue #14, point 1: a published figure is what its year is; records count only for
    the other keys and only from the year the records are complete."""
    load(
        db,
        line1("L1", "2024-01-05"),  # Line 1 in January: 2024 is the first complete year
        line1("L2", "2024-03-02"),
        line1("L3", "2023-12-20"),  # December only: 2023 is not complete
        line2("C1", "2023-11-20"),  # a carried-over Line 2 case never makes a year complete
        _historical(2023, "cases.line1", 4),
        _historical(2023, "mediation.success_rate.all", 37.5),
        _historical(2022, "cases.line1", 8),
    )
    manager, admin = db.as_(MANAGER), db.as_(ADMIN)
    with manager.session() as s:
        result = compare_figures(s, manager.actor, 2024, 2023)
        trend = report_figures(s, manager.actor, 2024)["trend"]
    assert result["current"]["cases"]["line1"] == 2
    assert result["previous"]["cases"]["line1"] == 4  # published, not the one record
    assert result["change_pct"]["cases"]["line1"] == -50
    assert result["difference"]["cases"]["line1"] == -2
    # 2023's records are incomplete: a key without a published figure is unknown.
    assert result["previous"]["cases"]["total"] is None
    assert result["previous"]["cases"]["line2"] is None
    assert result["change_pct"]["cases"]["total"] is None
    assert result["previous"]["prevention"]["countries"] is None
    assert result["previous"]["mediation"]["success_rate"]["all"] == 37.5
    assert trend["years"] == [2021, 2022, 2023, 2024]
    assert trend["values"]["cases.line1"] == [None, 8, 4, 2]
    assert trend["values"]["cases.line2"] == [None, None, None, 0]

    # An administrator moves "registratie volledig vanaf" back to 2023: its records now
    # count for the keys without a published figure; the published ones still win.
    with admin.transaction() as s:
        app_settings.set_records_complete_from(s, admin.actor, 2023)
    with manager.session() as s:
        result = compare_figures(s, manager.actor, 2024, 2023)
    assert result["previous"]["cases"]["line1"] == 4
    assert result["previous"]["cases"]["line2"] == 1
    assert result["previous"]["prevention"]["countries"] == []
    assert result["previous"]["mediation"]["success_rate"]["all"] == 37.5


def test_the_default_complete_year_needs_line1_in_january(db: Backend) -> None:
    # The manager reads it with the figures, the administrator in Beheer's settings:
    # both see the same year (on the server neither reads a name).
    manager, admin = db.as_(MANAGER), db.as_(ADMIN)

    def state(who: As) -> app_settings.RecordsComplete:
        with who.session() as s:
            return app_settings.records_complete(s)

    assert state(manager).year is None and state(admin).year is None  # no records at all
    load(db, line2("C1", "2023-01-10"), line1("L1", "2024-02-01"), line1("L2", "2025-01-31"))
    for who in (manager, admin):
        assert state(who) == app_settings.RecordsComplete(2025, False, 2025)
    with admin.transaction() as s:
        app_settings.set_records_complete_from(s, admin.actor, 2024)
    for who in (manager, admin):
        assert state(who) == app_settings.RecordsComplete(2024, True, 2025)
    with admin.transaction() as s:
        app_settings.set_records_complete_from(s, admin.actor, None)
    assert state(manager).year == state(admin).year == 2025


def test_change_against_zero_is_null(db: Backend) -> None:
    load(db, line1("L1", "2024-03-01"), line1("L0", "2023-01-03"))
    manager = db.as_(MANAGER)
    with manager.session() as s:
        result = compare_figures(s, manager.actor, 2024, 2023)
    assert result["previous"]["cases"]["line2"] == 0
    assert result["change_pct"]["cases"]["line2"] is None
    assert result["difference"]["cases"]["line2"] == 0
    assert result["change_pct"]["cases"]["line1"] == 0
    assert "activities" not in result["change_pct"] and "year" not in result["change_pct"]


# --- access ------------------------------------------------------------------------------------


@pytest.mark.parametrize("username", [MANAGER, ADMIN])
def test_managers_and_admins_may_see_figures(db: Backend, username: str) -> None:
    who = db.as_(username)
    with who.session() as s:
        assert compute_figures(s, who.actor, 2024)["year"] == 2024


@pytest.mark.parametrize("role", [Role.STUDENT, Role.JURIST, Role.MEDIATION])
def test_other_roles_may_not(db: Backend, role: Role) -> None:
    db.add_users(("iemand", role))
    who = db.as_("iemand")
    with who.session() as s, pytest.raises(AccessDenied):
        compare_figures(s, who.actor, 2024, 2023)
    with who.session() as s, pytest.raises(AccessDenied):
        report_figures(s, who.actor, 2024)


def test_the_cli_refuses_a_jurist_and_serves_a_manager(cli: Any, db: Backend) -> None:
    db.add_users(("jurist1", Role.JURIST))
    if db.is_server:
        assert db.office is not None
        where, env = db.office.url, {"IKODESK_PASSWORD": PASSWORD}
    else:
        assert db.db is not None
        where, env = (
            db.db.path,
            {"IKODESK_PASSPHRASE": TEST_PASSPHRASE, "IKODESK_PASSWORD": PASSWORD},
        )
        db.db.close()
    res = cli(["--db", where, "--user", "jurist1", "figures", "--year", "2024"], env=env)
    assert res.code == 3 and "Geen toegang" in res.err
    res = cli(["--db", where, "--user", MANAGER, "figures", "--year", "2024", "--json"], env=env)
    # An empty database has no complete year of records: the figures are unknown.
    assert res.code == 0 and json.loads(res.out)["cases"]["total"] is None
    res = cli(["--db", where, "--user", MANAGER, "figures", "--year", "24"], env=env)
    assert res.code == 1  # a usage error: not a year
