"""Property: export -> import into an empty database gives the same figures,
and the figures always add up (totals are the sums of their parts).

File-only: hypothesis runs many round trips; the round trip on the server is in
tests/test_exchange.py (both backends).
"""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ikodesk.services import exchange
from ikodesk.services.actors import Actor
from ikodesk.services.figure_keys import CHANNELS, PARTIES
from ikodesk.services.figures import compare_figures, compute_figures
from ikodesk.storage import Database
from tests.conftest import TEST_PASSPHRASE
from tests.support.records import lines
from tests.test_exchange import dataset

KEY_HOLDER = Actor.key_holder()
YEARS = range(2021, 2026)
_DAY0 = date(2021, 1, 1)
days = st.integers(0, 1400).map(lambda n: _DAY0 + timedelta(days=n))


@st.composite
def mediation(draw: st.DrawFn, ref: str) -> dict[str, Any]:
    requested = draw(days)
    rec: dict[str, Any] = {
        "type": "mediation",
        "ref": ref,
        "kind": draw(st.sampled_from(["iko", "niko"])),
        "requested": requested.isoformat(),
        "status": draw(st.sampled_from(["requested", "not_started", "running", "ended"])),
    }
    later = st.integers(0, 200).map(lambda n: requested + timedelta(days=n))
    if rec["status"] == "not_started" and draw(st.booleans()):
        rec["special_curator"] = draw(later).isoformat()
    if rec["status"] in ("running", "ended"):
        started = draw(later)
        rec["started"] = started.isoformat()
        rec["intake"] = "suitable"
        if draw(st.booleans()):
            rec["child_interviews"] = [
                {
                    "date": (started + timedelta(days=3)).isoformat(),
                    "children": draw(st.integers(1, 3)),
                }
            ]
    if rec["status"] == "ended":
        rec["ended"] = (
            # on or after the interview (three days after the start)
            date.fromisoformat(rec["started"]) + timedelta(days=draw(st.integers(3, 90)))
        ).isoformat()
        if draw(st.booleans()):
            rec["intake"] = "not_suitable"
        else:
            rec["outcome"] = draw(
                st.sampled_from(["full_agreement", "mirror_agreement", "no_agreement"])
            )
            if rec["outcome"] == "no_agreement":
                rec["failure_reasons"] = draw(
                    st.lists(
                        st.sampled_from(["emotions", "opposed_positions", "other"]), unique=True
                    )
                )
    return rec


@st.composite
def records(draw: st.DrawFn) -> list[dict[str, Any]]:
    recs = draw(dataset())
    recs = [r for r in recs if r["type"] != "mediation"]
    recs += [draw(mediation(f"M{i:03d}")) for i in range(draw(st.integers(0, 5)))]
    present = {(r["year"], r["key"]) for r in recs if r["type"] == "historical_figure"}
    for year in draw(st.lists(st.sampled_from([2021, 2022, 2023]), unique=True, max_size=2)):
        key = draw(st.sampled_from(["cases.total", "cases.line1", "mediation.success_rate.all"]))
        if (year, key) not in present:
            value = draw(st.integers(0, 9000))
            recs.append({"type": "historical_figure", "year": year, "key": key, "value": value})
    return recs


def _check_sums(f: dict[str, Any]) -> None:
    cases, contacts = f["cases"], f["contacts"]
    assert cases["total"] == cases["line1"] + cases["line2"]
    assert cases["line2"] == cases["line2_closed_in_year"] + cases["line2_carried_over"]
    assert cases["line2"] == sum(part["total"] for part in f["line2"].values())
    assert all(p["total"] == p["parent"] + p["third_party"] for p in f["line2"].values())
    assert (
        contacts["total"]
        == sum(contacts["by_channel"].values())
        == sum(contacts["by_line"].values())
    )
    for channel in CHANNELS:
        assert contacts["by_channel"][channel] == sum(
            contacts["by_channel_party"][channel][p] for p in PARTIES
        )
    ab = f["abduction"]
    assert ab["parent_cases"] == f["line2"]["international_abduction"]["parent"]
    assert ab["parent_cases"] == sum(d["cases"] for d in ab["direction"].values())
    assert ab["children"] == sum(d["children"] for d in ab["direction"].values())
    for d in ("outgoing", "incoming"):
        assert (
            ab["direction"][d]["cases"]
            == ab["direction"][d]["hague"] + ab["direction"][d]["non_hague"]
        )
        assert ab["direction"][d]["cases"] == sum(n for _, n in ab["countries"][d])
        assert ab["direction"][d]["children"] == sum(ab["ages"][d].values())
    assert sum(n for _, n in f["prevention"]["countries"]) == f["line2"]["prevention"]["total"]
    m = f["mediation"]
    assert m["requests"]["total"] == m["requests"]["iko"] + m["requests"]["niko"]


@pytest.mark.slow
@settings(
    max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(recs=records())
def test_export_then_import_gives_the_same_figures(
    tmp_path: Path, recs: list[dict[str, Any]]
) -> None:
    a = Database.create(tmp_path / f"{uuid.uuid4().hex}.db", passphrase=TEST_PASSPHRASE)[0]
    b = Database.create(tmp_path / f"{uuid.uuid4().hex}.db", passphrase=TEST_PASSPHRASE)[0]
    try:
        with a.transaction() as s:
            exchange.import_lines(s, KEY_HOLDER, lines(*recs))
        with a.session() as s:
            exported = list(exchange.export_records(s, KEY_HOLDER))
            before = {y: compute_figures(s, KEY_HOLDER, y) for y in YEARS}
            compared = compare_figures(s, KEY_HOLDER, 2024, 2022)
        with b.transaction() as s:
            exchange.import_lines(s, KEY_HOLDER, lines(*exported))
        with b.session() as s:
            assert {y: compute_figures(s, KEY_HOLDER, y) for y in YEARS} == before
            assert compare_figures(s, KEY_HOLDER, 2024, 2022) == compared
        for figures in before.values():
            _check_sums(figures)
    finally:
        a.close()
        b.close()
