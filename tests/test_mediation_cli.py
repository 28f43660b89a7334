"""`ikodesk mediation ...` and `ikodesk mediator ...`: output, JSON, exit codes, roles.

Every test runs on both backends (an encrypted file, the office server: `--db URL
--user NAME`, each user their own login). The 2024 mediation seed is built once per
module and backend, through the workflow as the bureau's login; each test gets a copy.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ikodesk.models.enums import Role
from tests.support.backends import Backend
from tests.support.cli_on import BackendCli, cli_on
from tests.support.made_once import Made, copy_of, make
from tests.support.mediation_dataset import build_2024

pytestmark = pytest.mark.slow  # The 2024 mediation seed, then the CLI on it.


def _fill(backend: Backend) -> None:
    backend.add_users(
        ("bureau", Role.MEDIATION), ("directie", Role.MANAGER), ("jurist1", Role.JURIST)
    )
    bureau = backend.as_("bureau")
    with bureau.transaction() as s:
        build_2024(s, bureau.actor)


@pytest.fixture(scope="module", params=["file", "server"])
def _seed(request: pytest.FixtureRequest) -> Made:
    return make(request, _fill)


@pytest.fixture
def run(_seed: Made, tmp_path: Path, cli: Any) -> Iterator[BackendCli]:
    with copy_of(_seed, tmp_path) as backend:
        yield cli_on(backend, cli)


def test_the_status_list_as_text_and_json(run: BackendCli) -> None:
    res = run.as_("bureau", "mediation", "list", "--year", "2024", "--kind", "iko")
    assert res.code == 0, res.err
    lines = res.out.splitlines()
    assert lines[0].split()[:4] == ["Ref", "Soort", "Aangevraagd", "Status"]
    assert lines[-1] == "21 mediations."
    assert sum("Niet voortgezet" in ln for ln in lines) == 10
    # The one still running at the end of 2024 ended in January 2025.
    assert sum("Afgerond" in ln for ln in lines) == 11

    res = run.as_("bureau", "mediation", "list", "--year", "2024", "--status", "ended", "--json")
    assert res.code == 0, res.err
    rows = json.loads(res.out)
    assert len(rows) == 11 + 15  # every started request of 2024 has ended by now
    assert {r["status"] for r in rows} == {"ended"}
    first = rows[0]
    assert set(first) >= {"ref", "kind", "requested", "status", "mediators", "outcome"}
    assert first["requested"].startswith("2024-") and isinstance(first["mediators"], list)

    res = run.as_("bureau", "mediation", "list", "--mediator", "e. oud")
    assert res.code == 0 and res.out.strip() == "Geen mediations gevonden."
    res = run.as_("bureau", "mediation", "list", "--mediator", "X. Niemand")
    assert res.code == 2 and res.err.strip() == 'Fout: Onbekende mediator "X. Niemand".'


def test_one_mediation_as_text_and_json(run: BackendCli) -> None:
    res = run.as_("bureau", "mediation", "list", "--year", "2024", "--json")
    ref = next(
        r["ref"]
        for r in json.loads(res.out)
        if r["outcome"] == "mirror_agreement" and r["kind"] == "iko"
    )
    res = run.as_("bureau", "mediation", "show", ref)
    assert res.code == 0, res.err
    assert res.out.splitlines()[0] == f"Mediation {ref} (IKO)"
    for expected in (
        "Status:",
        "Afgerond",
        "Moeder:",
        "Vader:",
        "Kind 1:",
        "Mediators:",
        "Intake:",
        "Geschikt",
        "Uitkomst:",
        "Spiegelovereenkomst",
        "Beëindigd:",
    ):
        assert expected in res.out
    res = run.as_("bureau", "mediation", "show", ref, "--json")
    detail = json.loads(res.out)
    assert (detail["ref"], detail["status"], detail["outcome"]) == (
        ref,
        "ended",
        "mirror_agreement",
    )
    assert len(detail["mediators"]) == 2 and detail["parents"][0]["relation"] == "mother"

    res = run.as_("bureau", "mediation", "show", "M1999-001")
    assert res.code == 2 and res.err.strip() == 'Fout: Mediation "M1999-001" bestaat niet.'


def test_reminders(run: BackendCli) -> None:
    res = run.as_("bureau", "mediation", "reminders")
    assert res.code == 0, res.err
    assert res.out.startswith("Geen herinneringen")


def test_the_pool_on_the_command_line(run: BackendCli) -> None:
    res = run.as_("bureau", "mediator", "add", "R. de Wit", "--languages", "NL, pl", "--cbfm")
    assert res.code == 0, res.err
    assert res.out.strip() == "Mediator R. de Wit toegevoegd (talen: nl, pl, CBFM-gecertificeerd)."
    res = run.as_("bureau", "mediator", "add", "r. de wit", "--languages", "nl")
    assert res.code == 2
    assert res.err.strip() == 'Fout: veld "name": Er is al een mediator met de naam "r. de wit".'
    res = run.as_("bureau", "mediator", "add", "S. Berg", "--languages", "nl,xx1")
    assert res.code == 2 and 'ongeldige taalcode "xx1"' in res.err

    res = run.as_("bureau", "mediator", "list", "--year", "2024")
    assert res.code == 0, res.err
    lines = res.out.splitlines()
    assert lines[0].split()[-3:] == ["Mediations", "in", "2024"]
    wit = next(ln for ln in lines if ln.startswith("R. de Wit"))
    assert wit.split()[-4:] == ["ja", "nl,pl", "ja", "0"]
    res = run.as_("bureau", "mediator", "list", "--year", "2024", "--json")
    loads = {r["name"]: r["caseload"] for r in json.loads(res.out)}
    # Two mediators on each of the 26 mediations started in 2024; the 2023 one
    # ended in 2023 and the 2025 one started in 2025, so neither counts.
    assert sum(loads.values()) == 2 * 26
    assert loads["E. Oud"] == 0 and loads["R. de Wit"] == 0


def test_roles_and_exit_codes(run: BackendCli) -> None:
    res = run.as_("directie", "mediator", "list")
    assert res.code == 0, res.err  # management sees the caseload (an aggregate)
    # The policy's refusal in its own words on both backends (the server's row security
    # would refuse too, but with no reason and no audit entry).
    refused = "Fout: Geen toegang: uw rol ({}) mag dit niet ({})."
    for args in (
        ("mediation", "list"),
        ("mediation", "show", "M2024-001"),
        ("mediation", "reminders"),
    ):
        res = run.as_("directie", *args)
        assert res.code == 3, args
        assert res.err.strip() == refused.format("manager", "mediation.read"), args
    for args, action in (
        (("mediation", "list"), "mediation.read"),
        (("mediator", "list"), "mediation.aggregate"),
        (("mediator", "add", "X", "--languages", "nl"), "mediation.write"),
    ):
        res = run.as_("jurist1", *args)
        assert res.code == 3 and res.err.strip() == refused.format("jurist", action), args
    # Usage errors: exit 1.
    assert run.as_("bureau", "mediation", "list", "--kind", "iko2").code == 1
    assert run.as_("bureau", "mediation").code == 1
    assert run.as_("bureau", "mediator", "add", "Y. Zonder").code == 1
