"""The seed's 2024 annual report, reproduced from a reference dataset through the real CLI.

tests/support/reference_2024.py builds records consistent with every 2024
figure the seed states (and notes where the seed contradicts itself). Here
`ikodesk figures --year 2024 --json` must print those figures, `--compare 2023`
the seed's changes, and the annual and mediation PDFs must contain them.

File-only: the reference year through the CLI on a file; the same 2024 volumes move to the
server with equal figures in tests/pg/test_server_migrate.py.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from pypdf import PdfReader

from ikodesk.models.enums import Role
from ikodesk.services import exchange, users
from ikodesk.services.actors import Actor
from ikodesk.services.figure_keys import ALL_KEYS
from ikodesk.services.figures import flatten, report_figures
from ikodesk.storage import Database
from tests.conftest import TEST_PASSPHRASE
from tests.support import reference_2024 as ref
from tests.support.records import lines
from tests.support.shape import leaf_keys

pytestmark = pytest.mark.slow  # The full reference year, its figures and its PDF.

# Figures and reports are audited views of the centre's work: a manager logs in.
MANAGER = "cijfers"
MANAGER_PASSWORD = "Telling-per-kwartaal-voor-directie-9"
ENV = {"IKODESK_PASSPHRASE": TEST_PASSPHRASE, "IKODESK_PASSWORD": MANAGER_PASSWORD}


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, ref.ReferenceData]]:
    data = ref.build()
    path = tmp_path_factory.mktemp("reference") / "ikodesk.db"
    db, _ = Database.create(path, passphrase=TEST_PASSPHRASE)
    try:
        with db.transaction() as session:
            exchange.import_lines(session, Actor.key_holder(), lines(*data.records))
            users.create_user(
                session, Actor.key_holder(), MANAGER, Role.MANAGER, password=MANAGER_PASSWORD
            )
    finally:
        db.close()
    yield path, data


def _text(pdf: Path) -> str:
    return "\n".join(page.extract_text() or "" for page in PdfReader(pdf).pages)


def test_figures_json_reproduces_the_seed(cli, reference) -> None:
    path, data = reference
    res = cli(["--db", path, "--user", MANAGER, "figures", "--year", "2024", "--json"], env=ENV)
    assert res.code == 0, res.err
    printed = json.loads(res.out)
    assert printed["year"] == 2024
    actual = flatten(printed, ref.EXPECTED_2024)
    assert actual == ref.EXPECTED_2024
    niko = printed["mediation"]["outcomes"]["niko"]
    assert niko["full_agreement"] + niko["mirror_agreement"] == 9  # the seed's "9 agreements"
    # Every key of the spec, in the spec's order, and nothing of the lists lost.
    assert list(leaf_keys(printed)) == ["year", *ALL_KEYS]
    assert list(printed["line2"]) == list(ref.LINE2)
    assert printed["abduction"]["ages"]["outgoing"] == {
        str(a): n for a, n in sorted(data.ages["outgoing"].items())
    }
    assert printed["abduction"]["ages"]["incoming"] == {
        str(a): n for a, n in sorted(data.ages["incoming"].items())
    }
    # "Turkije en Marokko bovenaan"; ties (12, 12) and (10, 10) by ISO code.
    assert printed["prevention"]["countries"] == [
        [iso, n] for iso, n in sorted(ref.PREVENTION_COUNTRIES, key=lambda e: (-e[1], e[0]))
    ]
    assert printed["prevention"]["countries"][12:16] == [
        ["IN", 12],
        ["NG", 12],
        ["GH", 10],
        ["SR", 10],
    ]
    # Poland on top of both directions.
    assert printed["abduction"]["countries"]["outgoing"][0] == ["PL", 20]
    assert printed["abduction"]["countries"]["incoming"][0] == ["PL", 12]
    assert [a["date"] for a in printed["activities"]] == [d for d, *_ in ref.ACTIVITIES]
    assert printed["activities"][3]["title"].endswith("(mr. Coşkun Çörüz)")


def test_figures_compare_prints_the_seeds_changes(cli, reference) -> None:
    path, _ = reference
    res = cli(
        [
            "--db",
            path,
            "--user",
            MANAGER,
            "figures",
            "--year",
            "2024",
            "--compare",
            "2023",
            "--json",
        ],
        env=ENV,
    )
    assert res.code == 0, res.err
    printed = json.loads(res.out)
    assert (printed["year"], printed["compare"]) == (2024, 2023)
    assert flatten(printed["change_pct"], ref.EXPECTED_CHANGE) == ref.EXPECTED_CHANGE
    # 2023 has no detailed records: previous comes from the historical figures,
    # and a figure the old reports did not give is null, as are the lists.
    assert printed["previous"]["cases"]["total"] == 6683
    assert printed["previous"]["mediation"]["success_rate"]["all"] == 51
    assert printed["previous"]["cases"]["line2_carried_over"] is None
    assert printed["change_pct"]["cases"]["line2_carried_over"] is None
    assert printed["previous"]["prevention"]["countries"] is None
    assert "countries" not in printed["change_pct"]["prevention"]


def test_the_readable_table_uses_dutch_number_format(cli, reference) -> None:
    path, _ = reference
    res = cli(
        ["--db", path, "--user", MANAGER, "figures", "--year", "2024", "--compare", "2023"], env=ENV
    )
    assert res.code == 0, res.err
    assert "Jaarcijfers 2024 vergeleken met 2023" in res.out
    totals = next(line for line in res.out.splitlines() if line.strip().startswith("Totaal"))
    assert totals.split() == ["Totaal", "10.829", "6.683", "+62%"]
    success = next(ln for ln in res.out.splitlines() if ln.strip().startswith("Alle"))
    # A success rate changes in percentage points, not in percent (issue #14).
    assert success.split() == ["Alle", "48%", "51%", "-3", "procentpunt"]
    assert "Turkije 112, Marokko 97" in res.out


def test_the_annual_report_pdf_contains_the_seeds_figures(cli, reference, tmp_path: Path) -> None:
    path, _ = reference
    pdf = tmp_path / "jaarverslag.pdf"
    res = cli(
        ["--db", path, "--user", MANAGER, "report", "annual", "--year", "2024", "-o", pdf], env=ENV
    )
    assert res.code == 0, res.err
    assert "Jaarverslag 2024 geschreven" in res.out
    text = _text(pdf)
    for figure in (
        "10.829",  # cases
        "6.683",  # cases 2023 (historical)
        "+62%",
        "9.008",
        "1.821",
        "1.573",
        "248",
        "24.270",  # contact moments
        "16.444",
        "7.088",
        "12.112",
        "12.158",
        "12.779",
        "83%",  # Line 1 share
        "17%",
        "509",  # prevention
        "490",
        "146",  # relocation consent
        "217",
        "148",  # abduction
        "200",
        "74%",  # taker mother
        "26%",
        "-9%",  # overview: abduction
        "+105%",
        "-13%",  # 116000 hotline: 7 against 8, half away from zero
        "48%",  # mediation success rate
        "20%",
        "69%",
        "37,5%",  # 2021 success rate (historical, with a decimal)
    ):
        assert figure in text, figure
    for name in ("Polen", "Turkije", "Marokko", "Verenigde Staten", "Çörüz", "Łucja Öztürk"):
        assert name in text, name
    assert "Pagina 2 van" in text and "Jaarverslag 2024" in text
    assert "9 februari 2024" in text
    # Figures are never printed in the English format.
    assert "10,829" not in text and "24,270" not in text


def test_the_mediation_report_pdf(cli, reference, tmp_path: Path) -> None:
    path, _ = reference
    pdf = tmp_path / "mediation.pdf"
    res = cli(
        ["--db", path, "--user", MANAGER, "report", "mediation", "--year", "2024", "-o", pdf],
        env=ENV,
    )
    assert res.code == 0, res.err
    text = _text(pdf)
    for figure in ("Mediationcijfers 2024", "38", "48%", "20%", "69%", "47%", "Kindgesprekken"):
        assert figure in text, figure
    # Failure reasons, counted per reason.
    cells = [ln.strip() for ln in text.splitlines()]
    row = cells.index("Te hoog opgelopen emoties")
    assert cells[row + 1 : row + 4] == ["5", "2", "7"]  # IKO, NIKO, total


def test_report_figures_add_trend_and_failure_reasons(reference) -> None:
    db = Database.open(reference[0], passphrase=TEST_PASSPHRASE)
    try:
        with db.session() as session:
            data = report_figures(session, Actor.key_holder(), 2024)
    finally:
        db.close()
    assert data["compare"] == 2023
    assert flatten(data["current"], ref.EXPECTED_2024) == ref.EXPECTED_2024
    assert data["trend"]["years"] == [2021, 2022, 2023, 2024]
    values = data["trend"]["values"]
    assert values["cases.line1"] == [4016, 4851, 5199, 9008]
    assert values["contacts.by_channel.form"] == [None, None, None, 738]
    assert values["mediation.success_rate.all"] == [37.5, 38, 51, 48]
    assert values["abduction.taker.mother"] == [110, None, None, 109]
    failure = data["failure_reasons"]
    assert {k: failure[k] for k in ("iko", "niko")} == ref.EXPECTED_FAILURE_REASONS
    assert failure["all"]["emotions"] == 7
    assert data["country_names"]["PL"] == "Polen" and data["country_names"]["TR"] == "Turkije"
    json.dumps(data)  # plain JSON all the way down, for the desktop client
