"""The command line over walls, conflicts and the audit log (exit codes, messages, leaks).

Every test runs on both backends (an encrypted file, the office server: `--db URL
--user NAME`, each user their own login). The two families are loaded once per
module and backend; each test gets a copy (tests/support/made_once.py).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select, text

from ikodesk.errors import WALL_MESSAGE
from ikodesk.models import AuditEntry
from tests.support import family as F
from tests.support import records as R
from tests.support.backends import Backend
from tests.support.cli_on import BackendCli, cli_on, with_passwords
from tests.support.made_once import Made, copy_of, make

pytestmark = pytest.mark.slow  # Every test loads the two families and runs the CLI on them.


def _fill(backend: Backend) -> None:
    backend.load(
        *F.STAFF, R.ABDUCTION_CASE, R.CONTACT, F.FATHER_CASE, F.FATHER_CONTACT, F.UNRELATED_CASE
    )
    with_passwords(backend)


@pytest.fixture(scope="module", params=["file", "server"])
def _families(request: pytest.FixtureRequest) -> Made:
    return make(request, _fill)


@pytest.fixture
def walled(_families: Made, tmp_path: Path) -> Iterator[Backend]:
    with copy_of(_families, tmp_path) as backend:
        yield backend


@pytest.fixture
def run(walled: Backend, cli: Any) -> BackendCli:
    return cli_on(walled, cli)


def _no_father_data(output: str) -> None:
    for secret in (*F.FATHER_SECRETS, "Piotr", "Kowalsk", "Polen", "PL", "Ola", "1985-07-30"):
        assert secret not in output, secret


def test_case_show_of_the_walled_side_is_exit_3_without_personal_data(run: BackendCli) -> None:
    for extra in ([], ["--json"]):
        res = run.as_("jdevries", "case", "show", F.FATHER_REF, *extra)
        assert res.code == 3
        assert res.err.strip() == f"Fout: {WALL_MESSAGE}"  # the same words on both backends
        assert res.out == ""
        _no_father_data(res.out + res.err)


def test_case_show_of_the_own_side(run: BackendCli) -> None:
    res = run.as_("jdevries", "case", "show", F.MOTHER_REF)
    assert res.code == 0, res.err
    assert "Anna Kowalska" in res.out and "Conflictzaak" in res.out
    assert "Eerste gesprek." in res.out
    res = run.as_("jdevries", "case", "show", F.MOTHER_REF, "--json")
    shown = json.loads(res.out)
    assert shown["ref"] == F.MOTHER_REF and shown["conflict"] is True
    assert shown["requester"]["last_name"] == "Kowalska"


def test_case_show_for_roles_without_dossiers(
    run: BackendCli, walled: Backend, tmp_path: Path
) -> None:
    # The policy's refusal, in its words and audited, on the server too: there the
    # bureau's login may not read a case's columns beyond its basic facts at all.
    out = tmp_path / "uit"
    out.mkdir()
    for user, role in (("beheer", "admin"), ("directie", "manager"), ("mediation", "mediation")):
        for command, action in (("show", "case.read"), ("print", "case.print")):
            extra = ["-o", out / "dossier.pdf"] if command == "print" else []
            res = run.as_(user, "case", command, F.MOTHER_REF, *extra)
            assert res.code == 3
            assert (
                res.err.strip() == f"Fout: Geen toegang: uw rol ({role}) mag dit niet ({action})."
            )
            assert "Kowalska" not in res.out + res.err and not list(out.iterdir())
            with walled.inspect() as s:
                entry = s.scalars(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(1)).one()
                assert (entry.username, entry.action, entry.object_ref, entry.result) == (
                    user,
                    action,
                    F.MOTHER_REF,
                    "refused",
                )


def test_case_print_refuses_the_walled_side_and_embeds_the_font(
    run: BackendCli, tmp_path: Path
) -> None:
    walled_pdf = tmp_path / "vader.pdf"
    res = run.as_("jdevries", "case", "print", F.FATHER_REF, "-o", walled_pdf)
    assert res.code == 3 and res.err.strip() == f"Fout: {WALL_MESSAGE}"
    assert not walled_pdf.exists() and not list(tmp_path.glob("*.partial"))

    pdf = tmp_path / "ozturk.pdf"
    res = run.as_("jdevries", "case", "print", "2024-L2-00040", "-o", pdf)
    assert res.code == 0, res.err
    reader = PdfReader(pdf)
    content = "".join(page.extract_text() for page in reader.pages)
    assert "Mehmet Öztürk" in content and "Çağan Öztürk" in content
    fonts = {
        str(font.get_object()["/BaseFont"])
        for page in reader.pages
        for font in page["/Resources"]["/Font"].values()
    }
    assert any(name.endswith("DejaVuSans") for name in fonts), fonts
    assert all("Helvetica" not in name for name in fonts), fonts
    assert pdf.stat().st_mode & 0o077 == 0


def test_search_hides_the_walled_side_and_notices_it(run: BackendCli) -> None:
    res = run.as_("jdevries", "search", "Kowalski")
    assert res.code == 0, res.err
    assert F.MOTHER_REF in res.out and F.FATHER_REF not in res.out
    assert "Er is iets gevonden achter een conflictmuur" in res.out
    assert "[conflictzaak]" in res.out
    for secret in (*F.FATHER_SECRETS, "Piotr", "Kowalski"):
        assert secret not in res.out
    res = run.as_("kvisser", "search", "Kowalski", "--json")
    found = json.loads(res.out)
    assert [r["ref"] for r in found["results"]] == [F.FATHER_REF]
    assert found["behind_wall"] is True and "hidden" not in found


def test_conflicts_for_admin_and_manager_only(run: BackendCli) -> None:
    for user in ("beheer", "directie"):
        res = run.as_(user, "conflicts", "--json")
        assert res.code == 0, res.err
        (item,) = json.loads(res.out)
        assert item["cases"] == [F.MOTHER_REF, F.FATHER_REF]
        assert "zelfde kinderen" in item["reason"] and item["detected"].startswith("20")
        _no_father_data(item["reason"])
    for user in ("jdevries", "tmeijer"):
        assert run.as_(user, "conflicts").code == 3


def test_review_list_on_the_command_line(run: BackendCli, tmp_path: Path) -> None:
    # A weak match with the Öztürk case: the mother asks too, by name only.
    weak = F.father_case(
        ref="2024-L2-00041",
        requester={
            "kind": "parent",
            "relation": "mother",
            "side": "left_behind",
            "first_name": "Elif",
            "last_name": "Ozturk",
        },
        other_parent=...,
        children=[{"first_name": "Cagan", "last_name": "Ozturk", "age": 9}],
        handler="sbakker",
    )
    data = tmp_path / "weak.jsonl"
    data.write_text("\n".join(R.lines(weak)), encoding="utf-8")
    imported = run.as_("beheer", "import", data)
    assert imported.code == 0, imported.err
    res = run.as_("beheer", "conflicts", "review", "--json")
    assert res.code == 0, res.err
    (item,) = json.loads(res.out)
    assert item["cases"] == ["2024-L2-00040", "2024-L2-00041"]
    assert item["provisional_wall"] is True
    res = run.as_("beheer", "conflicts", "review")
    assert "voorlopige muur" in res.out
    # The provisional wall is up before the decision: sbakker handles the weak side.
    res = run.as_("sbakker", "case", "show", "2024-L2-00040")
    assert res.code == 3 and res.err.strip() == f"Fout: {WALL_MESSAGE}"
    assert run.as_("directie", "conflicts", "review").code == 3
    res = run.as_("beheer", "conflicts", "review", "confirm", str(item["id"]))
    assert res.code == 0, res.err
    assert run.as_("beheer", "conflicts", "review", "dismiss", "9999").code == 2
    res = run.as_("beheer", "conflicts", "--json")
    assert len(json.loads(res.out)) == 2
    res = run.as_("sbakker", "case", "show", "2024-L2-00040")
    assert res.code == 3 and res.err.strip() == f"Fout: {WALL_MESSAGE}"


def test_audit_views_and_verify(run: BackendCli, walled: Backend) -> None:
    run.as_("jdevries", "case", "show", F.FATHER_REF)
    res = run.as_("beheer", "audit", "--case", F.FATHER_REF)
    assert res.code == 0, res.err
    assert "jdevries" in res.out and "geweigerd" in res.out
    res = run.as_("beheer", "audit", "--of-user", "jdevries", "--json")
    entries = json.loads(res.out)
    assert {(e["action"], e["object_ref"], e["result"]) for e in entries} == {
        ("case.read", F.FATHER_REF, "refused")
    }
    assert run.as_("jdevries", "audit").code == 3
    res = run.maintenance("audit", "verify")
    assert res.code == 0 and "intact" in res.out
    assert re.search(r"Kenmerk van de laatste vermelding: [0-9a-f]{64}", res.out)
    if walled.is_server:  # no key holder there: a maintenance command needs a login too
        res = run.cli(["--db", run.where, "audit", "verify"])
        assert res.code == 1 and "geef --user NAAM" in res.err

    # What someone holding the key (the server's superuser) could do: drop the guard, edit.
    on = " ON audit_log" if walled.is_server else ""
    with walled.alter() as s:
        s.execute(text(f"DROP TRIGGER audit_log_no_update{on}"))
        s.execute(text("UPDATE audit_log SET result = 'allowed' WHERE result = 'refused'"))
        bad = s.scalar(select(func.min(AuditEntry.id)).where(AuditEntry.action == "case.read"))
    res = run.maintenance("audit", "verify")
    assert res.code == 2
    assert f"Eerste foute vermelding: {bad}" in res.err


def test_every_action_reads_in_dutch_in_the_audit_listing() -> None:
    from ikodesk.cli.audit_cmds import ACTION_LABELS
    from ikodesk.services.access import Action

    assert {a.value for a in Action} <= set(ACTION_LABELS)
