"""Issue #14 on the reference year: published figures first, freezing, what changed since.

The database is the seed's 2024 (tests/support/reference_2024.py): records
complete from 2024, 40 Line 2 cases opened in late 2023, and 2023's figures
imported as published `historical_figure`s. Everything goes through the real
command line as a manager, and the PDFs are read back.

Every test runs on both backends: the reference year is imported once per
backend (an encrypted file; an office server database, as its administrator),
and a test that changes it gets a copy (of the file; of the server database,
`CREATE DATABASE ... TEMPLATE`).
"""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ikodesk.models import AuditEntry, HistoricalFigure, HistoricalFigureVersion
from ikodesk.models.enums import Role
from ikodesk.services import exchange, users
from ikodesk.services.actors import Actor
from ikodesk.services.figure_keys import SCALAR_KEYS
from ikodesk.storage import Database
from tests.conftest import TEST_PASSPHRASE
from tests.support import reference_2024 as ref
from tests.support.approver import APPROVER_ENV, SECOND_ADMIN, SECOND_PASSWORD, add_second_admin
from tests.support.backends import Backend, copy_office
from tests.support.office import Office, new_office
from tests.support.pg_cluster import Cluster
from tests.support.records import lines

pytestmark = pytest.mark.slow  # the full reference year, frozen and reported

MANAGER, MANAGER_PASSWORD = "cijfers", "Telling-per-kwartaal-voor-directie-9"
ADMIN, ADMIN_PASSWORD = "beheer", "Paarse-Olifant-Danst-1987"


@dataclass
class Place:
    """One database holding the reference year: a file, or an office server database."""

    file: Path | None = None
    office: Office | None = None

    @property
    def db(self) -> str:
        """What `--db` names."""
        return str(self.file) if self.office is None else self.office.url

    def env(self, password: str) -> dict[str, str]:
        if self.office is not None:
            return {"IKODESK_PASSWORD": password}
        return {"IKODESK_PASSPHRASE": TEST_PASSPHRASE, "IKODESK_PASSWORD": password}

    @property
    def manager_env(self) -> dict[str, str]:
        return self.env(MANAGER_PASSWORD)

    @property
    def admin_env(self) -> dict[str, str]:
        return self.env(ADMIN_PASSWORD)

    @contextmanager
    def as_admin(self) -> Iterator[tuple[Session, Actor]]:
        """A transaction as the administrator (on a file: the key holder)."""
        if self.office is None:
            assert self.file is not None
            with Database.open(self.file, passphrase=TEST_PASSPHRASE) as db, db.transaction() as s:
                yield s, Actor.key_holder()
            return
        app = self.office.admin()
        try:
            actor = self.office.actor(app)
            with app.db.transaction() as s:
                yield s, actor
        finally:
            app.close()

    @contextmanager
    def inspect(self) -> Iterator[Session]:
        """The test's own unrestricted look (the file, or the server's superuser)."""
        if self.office is None:
            assert self.file is not None
            with Database.open(self.file, passphrase=TEST_PASSPHRASE) as db, db.session() as s:
                yield s
            return
        backend = Backend("server", office=self.office)
        try:
            with backend.inspect() as s:
                yield s
        finally:
            backend.close()

    def add_second_admin(self) -> dict[str, str]:
        """The approver of four-eyes actions (issue #18), as the environment names them."""
        if self.office is None:
            assert self.file is not None
            return add_second_admin(self.file)
        self.office.add_user(SECOND_ADMIN, Role.ADMIN, password=SECOND_PASSWORD)
        return APPROVER_ENV


def _load_reference(place: Place) -> None:
    with place.as_admin() as (s, actor):
        exchange.import_lines(s, actor, lines(*ref.build().records))
        users.create_user(s, actor, MANAGER, Role.MANAGER, password=MANAGER_PASSWORD)
        if place.office is None:  # (on the server `server init` made the administrator)
            users.create_user(s, actor, ADMIN, Role.ADMIN, password=ADMIN_PASSWORD)


@pytest.fixture(scope="module", params=["file", "server"])
def reference(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Place:
    if request.param == "server":
        cluster: Cluster = request.getfixturevalue("office_template")
        place = Place(office=new_office(cluster))
        _load_reference(place)
        return place
    path = tmp_path_factory.mktemp("reference") / "ikodesk.db"
    Database.create(path, passphrase=TEST_PASSPHRASE)[0].close()
    place = Place(file=path)
    _load_reference(place)
    return place


@pytest.fixture
def copy(reference: Place, tmp_path: Path) -> Iterator[Place]:
    """A copy of the reference database for a test that changes it."""
    if reference.office is not None:
        office = copy_office(reference.office)
        try:
            yield Place(office=office)
        finally:
            office.close()
        return
    assert reference.file is not None
    target = tmp_path / "ikodesk.db"
    for f in reference.file.parent.glob(reference.file.name + "*"):
        shutil.copy(f, tmp_path / f.name.replace(reference.file.name, target.name))
    yield Place(file=target)


def _text(pdf: Path) -> str:
    return "\n".join(page.extract_text() or "" for page in PdfReader(pdf).pages)


def _json(cli: Any, place: Place, *args: object) -> dict[str, Any]:
    res = cli(["--db", place.db, "--user", MANAGER, *args], env=place.manager_env)
    assert res.code == 0, res.err
    return json.loads(res.out)


def test_carried_over_cases_do_not_make_a_year(cli, reference: Place) -> None:
    """The 40 cases of late 2023 neither replace nor add to 2023's published figures."""
    res = cli(
        ["--db", reference.db, "--user", MANAGER, "figures", "complete-from"],
        env=reference.manager_env,
    )
    assert res.code == 0 and "Registratie volledig vanaf: 2024" in res.out
    printed = _json(cli, reference, "figures", "--year", "2024", "--compare", "2023", "--json")
    assert printed["previous"]["cases"]["total"] == 6683
    assert printed["previous"]["cases"]["line2"] == 1484
    assert printed["previous"]["line2"]["prevention"]["total"] == 392
    assert printed["previous"]["contacts"]["by_channel"]["form"] is None  # no figure, no records
    changes = {k: printed["change_pct"][k.split(".")[0]] for k in ("cases.total",)}
    assert changes["cases.total"]["total"] == 62
    assert printed["difference"]["cases"]["line1"] == 3809  # "3.809 meer"
    assert printed["difference"]["cases"]["line2"] == 337
    # The same 2023 on its own: published figures, "–" for the rest.
    year_2023 = _json(cli, reference, "figures", "--year", "2023", "--json")
    assert year_2023["cases"]["line1"] == 5199
    assert year_2023["cases"]["line2_carried_over"] is None


def test_the_2024_report_compares_with_2023_as_the_seed(
    cli, reference: Place, tmp_path: Path
) -> None:
    pdf = tmp_path / "jaarverslag.pdf"
    res = cli(
        ["--db", reference.db, "--user", MANAGER, "report", "annual", "--year", "2024", "-o", pdf],
        env=reference.manager_env,
    )
    assert res.code == 0, res.err
    text = _text(pdf)
    for shown in ("+62%", "+73%", "+23%", "+91%", "3.809 meer", "337 meer", "11.537 meer"):
        assert shown in text, shown
    # Each change on its own row and in its own sentence, against the published 2023.
    flat = " ".join(text.split())
    for row in (
        "Zaken totaal 6.683 10.829 +4.146 +62%",
        "Lijn 1 (toestemming vakantie) 5.199 9.008 +3.809 +73%",
        "Lijn 2 (nieuwe zaken) 1.484 1.821 +337 +23%",
        "Contactmomenten 12.733 24.270 +11.537 +91%",
        "10.829 zaken geregistreerd, tegenover 6.683 in 2023 (+62%, 4.146 meer)",
        "9.008 eerstelijnszaken met de code ‘toestemming vakantie’, tegenover 5.199 in 2023 "
        "(+73%, 3.809 meer)",
        "1.821 nieuwe tweedelijnszaken geopend, tegenover 1.484 in 2023 (+23%, 337 meer)",
        "24.270 contactmomenten, tegenover 12.733 in 2023 (+91%, 11.537 meer)",
    ):
        assert row in flat, row
    assert "26.973" not in text and "40 zaken" not in text
    # The charts name the years they show: 2021-2024 for the cases, 2024 alone for the
    # contact form, which earlier years did not register apart.
    assert "Aantal zaken 2021–2024" in text
    # Which years come from which source.
    assert "2021–2023: gepubliceerde cijfers" in text
    assert "2024: registratie in ikodesk" in text


def test_the_annual_report_has_its_chapters_headers_and_contents(
    cli, reference: Place, tmp_path: Path
) -> None:
    pdf = tmp_path / "jaarverslag.pdf"
    res = cli(
        ["--db", reference.db, "--user", MANAGER, "report", "annual", "--year", "2024", "-o", pdf],
        env=reference.manager_env,
    )
    assert res.code == 0, res.err
    reader = PdfReader(pdf)
    pages = [page.extract_text() or "" for page in reader.pages]
    total = len(pages)
    # The cover: the title, no header or footer.
    assert pages[0].startswith("Jaarverslag 2024") and "Pagina" not in pages[0]
    # Every other page: the report and the centre in the header, "Pagina N van M" below.
    for number, text in enumerate(pages[1:], start=2):
        assert "Jaarverslag 2024" in text and "Centrum Internationale Kinderontvoering" in text
        assert re.findall(r"Pagina (\d+) van (\d+)", text) == [(str(number), str(total))]
    # The chapters, in the PDF's outline, each leading to the page its heading is on...
    outline = [(o.title, reader.get_destination_page_number(o) + 1) for o in reader.outline]
    titles = [title for title, _page in outline]
    for chapter in ("Algemene uitleg", "Totaal aantal zaken en contactmomenten", "Mediation"):
        assert chapter in titles, chapter
    assert len(set(page for _title, page in outline)) > len(outline) // 2  # not all on one
    for title, page in outline:
        assert title in pages[page - 1], (title, page)
    # ...and in the contents on page 2, in that order and with the same page numbers.
    contents = " ".join(pages[1].split())
    assert contents.startswith("Inhoud")
    places = [contents.index(title) for title in titles]
    assert places == sorted(places)
    assert re.findall(r"\.\s*(\d+)\b", contents) == [str(page) for _title, page in outline]
    # The chapters the centre's own report has: conflict cases, reasons mediation failed.
    assert "Conflictzaken" in pages[dict(outline)["Algemene uitleg"] - 1]
    assert "Redenen van niet slagen" in "\n".join(pages)


def test_freeze_then_the_2025_report_compares_with_the_frozen_2024(
    cli, copy: Place, tmp_path: Path
) -> None:
    res = cli(
        ["--db", copy.db, "--user", MANAGER, "figures", "freeze", "--year", "2024"],
        env=copy.manager_env,
    )
    assert res.code == 0, res.err
    assert "De cijfers van 2024 zijn vastgesteld" in res.out and "door cijfers" in res.out
    # Freezing again needs --replace.
    res = cli(
        ["--db", copy.db, "--user", MANAGER, "figures", "freeze", "--year", "2024"],
        env=copy.manager_env,
    )
    assert res.code == 2 and "al vastgesteld" in res.err and "--replace" in res.err
    # A year whose records are not complete cannot be frozen from them.
    res = cli(
        ["--db", copy.db, "--user", MANAGER, "figures", "freeze", "--year", "2023"],
        env=copy.manager_env,
    )
    assert res.code == 2 and "niet volledig" in res.err

    # Nothing changed yet.
    assert _json(cli, copy, "figures", "diff", "--year", "2024", "--json")["changes"] == {}

    # A late registration of 2024 and a correction: the records change, 2024 does not.
    late = {
        "type": "case",
        "ref": "2024-L1-99999",
        "line": 1,
        "code": "travel_consent",
        "opened": "2024-12-30",
        "handler": "tmeijer",
        "requester": {"kind": "parent", "relation": "father"},
    }
    with copy.as_admin() as (s, actor):
        exchange.import_lines(s, actor, lines(late))
    diff = _json(cli, copy, "figures", "diff", "--year", "2024", "--json")
    assert list(diff) == ["year", "frozen_at", "changes"]
    assert diff["year"] == 2024 and diff["frozen_at"][:4] == "2026"
    assert diff["changes"] == {
        "cases.total": {"frozen": 10829, "now": 10830},
        "cases.line1": {"frozen": 9008, "now": 9009},
    }
    res = cli(
        ["--db", copy.db, "--user", MANAGER, "figures", "diff", "--year", "2024"],
        env=copy.manager_env,
    )
    assert "Zaken › Totaal" in res.out and "10.829" in res.out and "10.830" in res.out

    # What 2024 *is* stays the frozen figure, for 2024 and for 2025's comparison.
    assert _json(cli, copy, "figures", "--year", "2024", "--json")["cases"]["total"] == 10829
    compared = _json(cli, copy, "figures", "--year", "2025", "--compare", "2024", "--json")
    assert compared["previous"]["cases"]["total"] == 10829
    assert compared["current"]["cases"]["line1"] == 1  # the record of 1 January 2025
    pdf = tmp_path / "jaarverslag-2025.pdf"
    res = cli(
        ["--db", copy.db, "--user", MANAGER, "report", "annual", "--year", "2025", "-o", pdf],
        env=copy.manager_env,
    )
    assert res.code == 0, res.err
    text = _text(pdf)
    assert "tegenover 10.829 in 2024" in text
    assert "2024: vastgesteld op" in text and "door cijfers" in text

    # The 2024 report with its erratum page.
    pdf = tmp_path / "jaarverslag-2024.pdf"
    argv = ["--db", copy.db, "--user", MANAGER, "report", "annual", "--year", "2024"]
    res = cli([*argv, "--erratum", "-o", pdf], env=copy.manager_env)
    assert res.code == 0, res.err
    last = PdfReader(pdf).pages[-1].extract_text()
    assert "Erratum" in last and "10.829" in last and "10.830" in last and "9.009" in last

    # Freezing again with --replace keeps the earlier version.
    res = cli(
        ["--db", copy.db, "--user", MANAGER, "figures", "freeze", "--year", "2024", "--replace"],
        env=copy.manager_env,
    )
    assert res.code == 0 and "opnieuw vastgesteld" in res.out and "bewaard" in res.out
    assert _json(cli, copy, "figures", "diff", "--year", "2024", "--json")["changes"] == {}
    with copy.inspect() as s:
        old = s.scalar(
            select(HistoricalFigureVersion.value).where(
                HistoricalFigureVersion.year == 2024,
                HistoricalFigureVersion.key == "cases.total",
            )
        )
        now = s.get(HistoricalFigure, (2024, "cases.total"))
        freezes = s.scalar(
            select(func.count())
            .select_from(AuditEntry)
            .where(AuditEntry.action == "figures.freeze", AuditEntry.result == "allowed")
        )
    assert old == 10829 and now is not None and now.value == 10830
    assert now.frozen_by == MANAGER
    # Every attempt the policy allowed is audited: two freezes and the two refused by
    # the rules (already frozen, records not complete).
    assert freezes == 4


def test_frozen_figures_survive_an_export_and_import(cli, copy: Place, tmp_path: Path) -> None:
    res = cli(
        ["--db", copy.db, "--user", ADMIN, "figures", "freeze", "--year", "2024"],
        env=copy.admin_env,
    )
    assert res.code == 0, res.err
    dump = tmp_path / "alles.jsonl"
    approver = copy.add_second_admin()
    res = cli(
        ["--db", copy.db, "--user", ADMIN, "export", dump], env={**copy.admin_env, **approver}
    )
    assert res.code == 0, res.err
    records = [json.loads(line) for line in dump.read_text(encoding="utf-8").splitlines()]
    frozen = [r for r in records if r["type"] == "historical_figure" and r["year"] == 2024]
    assert {r["key"] for r in frozen} <= set(SCALAR_KEYS) and len(frozen) > 100
    assert all(r["frozen_by"] == ADMIN and r["frozen_at"][:4] == "2026" for r in frozen)
    imported_2023 = [r for r in records if r["type"] == "historical_figure" and r["year"] == 2023]
    assert imported_2023 and all("frozen_at" not in r for r in imported_2023)

    # Imported into a new file (from the server too: an office server imports no
    # conflict or wall records, its own detection decides; `server migrate` moves
    # an office with them).
    other = tmp_path / "nieuw.db"
    env = Place(file=other).manager_env
    db, _ = Database.create(other, passphrase=TEST_PASSPHRASE)
    try:
        with db.transaction() as s:
            exchange.import_lines(
                s, Actor.key_holder(), dump.read_text(encoding="utf-8").splitlines()
            )
            users.create_user(
                s, Actor.key_holder(), "directie2", Role.MANAGER, password=MANAGER_PASSWORD
            )
    finally:
        db.close()
    res = cli(
        ["--db", other, "--user", "directie2", "figures", "diff", "--year", "2024", "--json"],
        env=env,
    )
    assert res.code == 0, res.err
    assert json.loads(res.out)["changes"] == {}
    res = cli(
        ["--db", other, "--user", "directie2", "figures", "freeze", "--year", "2024"], env=env
    )
    assert res.code == 2 and "door beheer" in res.err  # still frozen, by whom it was
