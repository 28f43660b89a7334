"""Several desks at once on one office server: unique references, nothing overwritten."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from ikodesk.errors import ConcurrentChange
from ikodesk.models.enums import Role
from ikodesk.services import cases
from ikodesk.services.validation.parsing import parse_case
from tests.support import records as R
from tests.support.office import PASSWORD, Office

REPO = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_four_desks_register_at_once(office: Office) -> None:
    per_desk = int(os.environ.get("IKODESK_CONCURRENCY_CALLS", "500"))
    desks = [f"student{n}" for n in range(4)]
    for name in desks:
        office.add_user(name, Role.STUDENT)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join((str(REPO / "src"), str(REPO)))}
    procs = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "tests.support.register_many",
                office.url,
                name,
                PASSWORD,
                str(per_desk),
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
            cwd=REPO,
        )
        for name in desks
    ]
    refs: list[str] = []
    for proc in procs:
        out, err = proc.communicate(timeout=1800)
        assert proc.returncode == 0, err[-2000:]
        refs.extend(out.split())
    assert len(refs) == 4 * per_desk
    assert len(set(refs)) == len(refs)
    import psycopg

    with psycopg.connect(office.superuser_url) as conn:
        assert conn.execute("SELECT count(*) FROM cases").fetchone() == (4 * per_desk,)


def test_second_save_of_the_same_case_is_told(office: Office) -> None:
    for name in ("jdevries", "kvisser"):
        office.add_user(name, Role.JURIST)
    first, second = office.app("jdevries"), office.app("kvisser")
    with first.db.transaction() as s:
        case = cases.create_case(s, office.actor(first), parse_case(R.ABDUCTION_CASE))
        case_id, version = case.id, case.version
    # Both open the case (kvisser claims it to read it), both change it.
    with second.db.transaction() as s:
        cases.get_case(s, office.actor(second), case_id)
    changed = parse_case({**R.ABDUCTION_CASE, "summary": "eerste wijziging"})
    with first.db.transaction() as s:
        cases.update_case(s, office.actor(first), case_id, changed, expected_version=version)
    late = parse_case({**R.ABDUCTION_CASE, "summary": "tweede wijziging"})
    with second.db.transaction() as s, pytest.raises(ConcurrentChange) as told:
        cases.update_case(s, office.actor(second), case_id, late, expected_version=version)
    assert "gewijzigd door jdevries om" in told.value.message
    with first.db.session() as s:
        assert cases.get_case(s, office.actor(first), case_id).summary == "eerste wijziging"
