"""What issue #11 point 12 found unlogged: viewing figures and `mediation show`.

(Failed logins: tests/test_logins.py.) Each test counts the audit entries.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from ikodesk.models import AuditEntry
from ikodesk.models.enums import Role
from ikodesk.services import figures, mediation, users
from ikodesk.services.actors import Actor
from ikodesk.storage import Database
from tests.conftest import ADMIN_PASSWORD, TEST_PASSPHRASE
from tests.support.mediation_dataset import build_2024

ENV = {"IKODESK_PASSPHRASE": TEST_PASSPHRASE}
BUREAU_PW = "Paarse-Kat-Leest-6420"
MANAGER_PW = "Grijze-Wolk-Regent-3579"


def _count(db: Database) -> int:
    with db.session() as s:
        return int(s.scalar(select(func.count()).select_from(AuditEntry)) or 0)


def _last(db: Database) -> AuditEntry:
    with db.session() as s:
        entry = s.scalars(select(AuditEntry).order_by(AuditEntry.id.desc())).first()
        assert entry is not None
        return entry


@pytest.fixture
def staffed(db: Database) -> tuple[Actor, Actor, str]:
    with db.transaction() as s:
        kh = Actor.key_holder()
        b = users.create_user(s, kh, "bureau", Role.MEDIATION, password=BUREAU_PW)
        m = users.create_user(s, kh, "directie", Role.MANAGER, password=MANAGER_PW)
        bureau = Actor(b.id, b.username, b.role)
        done = build_2024(s, bureau)
        return bureau, Actor(m.id, m.username, m.role), done[0].ref


def test_viewing_figures_is_audited(db: Database, staffed: tuple[Actor, Actor, str]) -> None:
    _bureau, manager, _ref = staffed
    before = _count(db)
    with db.session() as s:
        figures.compute_figures(s, manager, 2024)
    assert _count(db) == before + 1
    entry = _last(db)
    assert (entry.action, entry.username, entry.object_type, entry.object_ref) == (
        "figures.view",
        "directie",
        "figures",
        "2024",
    )


def test_mediation_show_is_audited_with_its_reference(
    db: Database, staffed: tuple[Actor, Actor, str]
) -> None:
    bureau, _manager, ref = staffed
    before = _count(db)
    with db.session() as s:
        detail = mediation.get_mediation_by_ref(s, bureau, ref)
    assert _count(db) == before + 1
    entry = _last(db)
    assert (entry.action, entry.object_type, entry.object_ref) == (
        "mediation.read",
        "mediation",
        ref,
    )
    # The desktop client opens a mediation by its id: the same reference is logged.
    with db.session() as s:
        mediation.get_mediation(s, bureau, detail.id)
    assert _count(db) == before + 2 and _last(db).object_ref == ref


def test_cli_figures_and_mediation_show_are_audited(
    cli, db: Database, staffed: tuple[Actor, Actor, str]
) -> None:
    _bureau, _manager, ref = staffed
    path: Path = db.path
    db.close()
    res = cli(
        ["--db", path, "--user", "directie", "figures", "--year", "2024"],
        env={**ENV, "IKODESK_PASSWORD": MANAGER_PW},
    )
    assert res.code == 0, res.err
    res = cli(
        ["--db", path, "--user", "bureau", "mediation", "show", ref],
        env={**ENV, "IKODESK_PASSWORD": BUREAU_PW},
    )
    assert res.code == 0, res.err
    again = Database.open(path, passphrase=TEST_PASSPHRASE)
    try:
        with again.session() as s:
            rows = list(s.scalars(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(2)))
    finally:
        again.close()
    assert [(e.action, e.object_ref) for e in rows] == [
        ("mediation.read", ref),
        ("figures.view", "2024"),
    ]


def test_admin_password_constant_is_strong() -> None:
    from ikodesk.services.passwords import password_problem

    assert password_problem(ADMIN_PASSWORD, username="beheer") is None
