"""`ikodesk retention ...` (issue #18): policy, holds, dry run, the approved run, the register."""

from __future__ import annotations

import json
from pathlib import Path

from pypdf import PdfReader

from tests.conftest import ADMIN_PASSWORD, TEST_PASSPHRASE
from tests.support import records as R

ENV = {"IKODESK_PASSPHRASE": TEST_PASSPHRASE}
ADMIN = {**ENV, "IKODESK_PASSWORD": ADMIN_PASSWORD}
SECOND_PW = "Groene-Kikker-Springt-4411"


def _database(cli, tmp_path: Path) -> Path:
    db = tmp_path / "r.db"
    assert cli(["--db", db, "init", "--admin", "beheer"], env=ADMIN).code == 0
    res = cli(
        [
            "--db",
            db,
            "--user",
            "beheer",
            "user",
            "add",
            "tweede",
            "--role",
            "admin",
            "--password-stdin",
        ],
        env=ADMIN,
        stdin=SECOND_PW + "\n",
    )
    assert res.code == 0, res.err
    data = tmp_path / "cases.jsonl"
    records = [
        *R.full_file(),
        R.case(ref="2024-L2-00077", opened="2024-04-01", closed="2024-06-01"),
    ]
    data.write_text("\n".join(json.dumps(r) for r in records) + "\n", encoding="utf-8")
    res = cli(["--db", db, "--user", "beheer", "import", data], env=ADMIN)
    assert res.code == 0, res.err
    return db


def test_policy_hold_dry_run_run_and_register(cli, tmp_path: Path) -> None:
    db = _database(cli, tmp_path)
    base = ["--db", db, "--user", "beheer", "retention"]
    res = cli([*base, "policy"], env=ADMIN)
    assert res.code == 0 and "NIET BEVESTIGD" in res.out and "Lijn 1" in res.out

    assert cli([*base, "hold", "2024-L2-00077", "--reason", "Procedure"], env=ADMIN).code == 0
    res = cli([*base, "run", "--as-of", "2035-01-01", "--dry-run"], env=ADMIN)
    assert res.code == 0, res.err
    assert "Proefrun: er is niets veranderd." in res.out
    assert "bewaarplicht: niet verwijderd" in res.out
    assert "2024-L2-00077" not in res.out
    assert "1 zaken en 1 mediations te verwijderen" in res.out and "verwijderbaar vanaf" in res.out

    # Without a second administrator: refused, exit 3.
    res = cli([*base, "run", "--as-of", "2035-01-01"], env=ADMIN)
    assert res.code == 3, res.out + res.err
    res = cli(
        [
            "--db",
            db,
            "--user",
            "beheer",
            "--approver",
            "tweede",
            "retention",
            "run",
            "--as-of",
            "2035-01-01",
        ],
        env={**ADMIN, "IKODESK_APPROVER_PASSWORD": SECOND_PW},
    )
    assert res.code == 0, res.err
    assert "Goedgekeurd door tweede" in res.out

    res = cli([*base, "register"], env=ADMIN)
    assert res.code == 0 and "goedgekeurd door tweede" in res.out
    pdf = tmp_path / "register.pdf"
    assert cli([*base, "register", "--pdf", pdf], env=ADMIN).code == 0
    assert "Vernietigingsregister" in PdfReader(pdf).pages[0].extract_text()
    res = cli([*base, "policy"], env=ADMIN)
    assert "NIET BEVESTIGD" not in res.out and "beheer + tweede" in res.out
    res = cli(["--db", db, "audit", "verify"], env=ENV)
    assert res.code == 0, res.out + res.err
