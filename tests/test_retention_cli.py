"""`ikodesk retention ...` (issue #18): policy, holds, dry run, the approved run, the register.

Runs on both backends (an encrypted file, the office server: `--db URL --user NAME`,
each administrator their own login; the run there is the server's own function).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pypdf import PdfReader

from tests.support import records as R
from tests.support.backends import Backend
from tests.support.cli_on import BackendCli, cli_on

SECOND_PW = "Groene-Kikker-Springt-4411"


def _database(run: BackendCli, tmp_path: Path) -> None:
    res = run.as_(
        "beheer",
        "user",
        "add",
        "tweede",
        "--role",
        "admin",
        "--password-stdin",
        stdin=SECOND_PW + "\n",
    )
    assert res.code == 0, res.err
    data = tmp_path / "cases.jsonl"
    records = [
        *R.full_file(),
        R.case(ref="2024-L2-00077", opened="2024-04-01", closed="2024-06-01"),
    ]
    data.write_text("\n".join(json.dumps(r) for r in records) + "\n", encoding="utf-8")
    res = run.as_("beheer", "import", data)
    assert res.code == 0, res.err


def test_policy_hold_dry_run_run_and_register(backend: Backend, cli: Any, tmp_path: Path) -> None:
    run = cli_on(backend, cli)
    _database(run, tmp_path)

    def retention(*args: object, **kw: Any) -> Any:
        return run.as_("beheer", "retention", *args, **kw)

    res = retention("policy")
    assert res.code == 0 and "NIET BEVESTIGD" in res.out and "Lijn 1" in res.out

    assert retention("hold", "2024-L2-00077", "--reason", "Procedure").code == 0
    res = retention("run", "--as-of", "2035-01-01", "--dry-run")
    assert res.code == 0, res.err
    assert "Proefrun: er is niets veranderd." in res.out
    assert "bewaarplicht: niet verwijderd" in res.out
    assert "2024-L2-00077" not in res.out
    assert "1 zaak en 1 mediation te verwijderen" in res.out and "verwijderbaar vanaf" in res.out

    # Without a second administrator: refused, exit 3.
    res = retention("run", "--as-of", "2035-01-01")
    assert res.code == 3, res.out + res.err
    res = run.as_(
        "beheer",
        "--approver",
        "tweede",
        "retention",
        "run",
        "--as-of",
        "2035-01-01",
        env={"IKODESK_APPROVER_PASSWORD": SECOND_PW},
    )
    assert res.code == 0, res.err
    assert "Goedgekeurd door tweede" in res.out

    res = retention("register")
    assert res.code == 0 and "goedgekeurd door tweede" in res.out
    pdf = tmp_path / "register.pdf"
    assert retention("register", "--pdf", pdf).code == 0
    assert "Vernietigingsregister" in PdfReader(pdf).pages[0].extract_text()
    res = retention("policy")
    assert "NIET BEVESTIGD" not in res.out and "beheer + tweede" in res.out
    res = run.maintenance("audit", "verify")
    assert res.code == 0, res.out + res.err
