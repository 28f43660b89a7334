"""`ikodesk mediation ...` and `ikodesk mediator ...`: output, JSON, exit codes, roles."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ikodesk.models.enums import Role
from ikodesk.services import users
from ikodesk.services.actors import Actor
from ikodesk.storage import Database
from tests.conftest import ADMIN_PASSWORD, TEST_PASSPHRASE
from tests.support.mediation_dataset import build_2024

pytestmark = pytest.mark.slow  # Every test loads the 2024 mediation seed and runs the CLI on it.

ENV = {"IKODESK_PASSPHRASE": TEST_PASSPHRASE}
PASSWORDS = {
    "bureau": "Paarse-Kat-Leest-6420",
    "directie": "Grijze-Wolk-Regent-3579",
    "jurist1": "Lila-Tulp-Bloeit-8024",
}


@pytest.fixture
def dbfile(cli, tmp_path: Path) -> Path:
    path = tmp_path / "m.db"
    res = cli(
        ["--db", path, "init", "--admin", "beheer"],
        env={**ENV, "IKODESK_PASSWORD": ADMIN_PASSWORD},
    )
    assert res.code == 0, res.err
    db = Database.open(path, passphrase=TEST_PASSPHRASE)
    try:
        with db.transaction() as s:
            holder = Actor.key_holder()
            for name, role in (
                ("bureau", Role.MEDIATION),
                ("directie", Role.MANAGER),
                ("jurist1", Role.JURIST),
            ):
                users.create_user(s, holder, name, role, password=PASSWORDS[name])
            staff = users.authenticate(s, "bureau", PASSWORDS["bureau"])
            build_2024(s, staff)
    finally:
        db.close()
    return path


def as_user(cli, dbfile: Path, user: str, *args: object):
    return cli(
        ["--db", dbfile, "--user", user, *args], env={**ENV, "IKODESK_PASSWORD": PASSWORDS[user]}
    )


def test_the_status_list_as_text_and_json(cli, dbfile: Path) -> None:
    res = as_user(cli, dbfile, "bureau", "mediation", "list", "--year", "2024", "--kind", "iko")
    assert res.code == 0, res.err
    lines = res.out.splitlines()
    assert lines[0].split()[:4] == ["Ref", "Soort", "Aangevraagd", "Status"]
    assert lines[-1] == "21 mediations."
    assert sum("Niet voortgezet" in ln for ln in lines) == 10
    # The one still running at the end of 2024 ended in January 2025.
    assert sum("Afgerond" in ln for ln in lines) == 11

    res = as_user(
        cli, dbfile, "bureau", "mediation", "list", "--year", "2024", "--status", "ended", "--json"
    )
    assert res.code == 0, res.err
    rows = json.loads(res.out)
    assert len(rows) == 11 + 15  # every started request of 2024 has ended by now
    assert {r["status"] for r in rows} == {"ended"}
    first = rows[0]
    assert set(first) >= {"ref", "kind", "requested", "status", "mediators", "outcome"}
    assert first["requested"].startswith("2024-") and isinstance(first["mediators"], list)

    res = as_user(cli, dbfile, "bureau", "mediation", "list", "--mediator", "e. oud")
    assert res.code == 0 and res.out.strip() == "Geen mediations gevonden."
    res = as_user(cli, dbfile, "bureau", "mediation", "list", "--mediator", "X. Niemand")
    assert res.code == 2 and res.err.strip() == 'Fout: Onbekende mediator "X. Niemand".'


def test_one_mediation_as_text_and_json(cli, dbfile: Path) -> None:
    res = as_user(cli, dbfile, "bureau", "mediation", "list", "--year", "2024", "--json")
    ref = next(
        r["ref"]
        for r in json.loads(res.out)
        if r["outcome"] == "mirror_agreement" and r["kind"] == "iko"
    )
    res = as_user(cli, dbfile, "bureau", "mediation", "show", ref)
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
    res = as_user(cli, dbfile, "bureau", "mediation", "show", ref, "--json")
    detail = json.loads(res.out)
    assert (detail["ref"], detail["status"], detail["outcome"]) == (
        ref,
        "ended",
        "mirror_agreement",
    )
    assert len(detail["mediators"]) == 2 and detail["parents"][0]["relation"] == "mother"

    res = as_user(cli, dbfile, "bureau", "mediation", "show", "M1999-001")
    assert res.code == 2 and res.err.strip() == 'Fout: Mediation "M1999-001" bestaat niet.'


def test_reminders(cli, dbfile: Path) -> None:
    res = as_user(cli, dbfile, "bureau", "mediation", "reminders")
    assert res.code == 0, res.err
    assert res.out.startswith("Geen herinneringen")


def test_the_pool_on_the_command_line(cli, dbfile: Path) -> None:
    res = as_user(
        cli, dbfile, "bureau", "mediator", "add", "R. de Wit", "--languages", "NL, pl", "--cbfm"
    )
    assert res.code == 0, res.err
    assert res.out.strip() == "Mediator R. de Wit toegevoegd (talen: nl, pl, CBFM-gecertificeerd)."
    res = as_user(cli, dbfile, "bureau", "mediator", "add", "r. de wit", "--languages", "nl")
    assert res.code == 2
    assert res.err.strip() == 'Fout: veld "name": Er is al een mediator met de naam "r. de wit".'
    res = as_user(cli, dbfile, "bureau", "mediator", "add", "S. Berg", "--languages", "nl,xx1")
    assert res.code == 2 and 'ongeldige taalcode "xx1"' in res.err

    res = as_user(cli, dbfile, "bureau", "mediator", "list", "--year", "2024")
    assert res.code == 0, res.err
    lines = res.out.splitlines()
    assert lines[0].split()[-3:] == ["Mediations", "in", "2024"]
    wit = next(ln for ln in lines if ln.startswith("R. de Wit"))
    assert wit.split()[-4:] == ["ja", "nl,pl", "ja", "0"]
    res = as_user(cli, dbfile, "bureau", "mediator", "list", "--year", "2024", "--json")
    loads = {r["name"]: r["caseload"] for r in json.loads(res.out)}
    # Two mediators on each of the 26 mediations started in 2024; the 2023 one
    # ended in 2023 and the 2025 one started in 2025, so neither counts.
    assert sum(loads.values()) == 2 * 26
    assert loads["E. Oud"] == 0 and loads["R. de Wit"] == 0


def test_roles_and_exit_codes(cli, dbfile: Path) -> None:
    res = as_user(cli, dbfile, "directie", "mediator", "list")
    assert res.code == 0, res.err  # management sees the caseload (an aggregate)
    for args in (
        ("mediation", "list"),
        ("mediation", "show", "M2024-001"),
        ("mediation", "reminders"),
    ):
        res = as_user(cli, dbfile, "directie", *args)
        assert res.code == 3 and res.err.startswith("Fout: Geen toegang"), args
    for args in (
        ("mediation", "list"),
        ("mediator", "list"),
        ("mediator", "add", "X", "--languages", "nl"),
    ):
        res = as_user(cli, dbfile, "jurist1", *args)
        assert res.code == 3 and "Geen toegang" in res.err, args
    # Usage errors: exit 1.
    assert as_user(cli, dbfile, "bureau", "mediation", "list", "--kind", "iko2").code == 1
    assert as_user(cli, dbfile, "bureau", "mediation").code == 1
    assert as_user(cli, dbfile, "bureau", "mediator", "add", "Y. Zonder").code == 1
