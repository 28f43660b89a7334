"""What issue #11 point 12 found unlogged: viewing figures and `mediation show`.

(Failed logins: tests/test_logins.py.) Each test counts the audit entries.
"""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select

from ikodesk.models import AuditEntry
from ikodesk.models.enums import Role
from ikodesk.services import figures, mediation
from tests.conftest import ADMIN_PASSWORD, TEST_PASSPHRASE
from tests.support.backends import As, Backend
from tests.support.mediation_dataset import build_2024
from tests.support.office import PASSWORD


def _count(db: Backend) -> int:
    with db.inspect() as s:
        return int(s.scalar(select(func.count()).select_from(AuditEntry)) or 0)


def _last(db: Backend, n: int = 1) -> list[AuditEntry]:
    with db.inspect() as s:
        return list(s.scalars(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(n)))


@pytest.fixture
def staffed(backend: Backend) -> tuple[As, As, str]:
    """The mediation bureau's 2024 (registered by `bureau` itself) and a manager."""
    backend.add_users(("bureau", Role.MEDIATION), ("directie", Role.MANAGER))
    bureau = backend.as_("bureau")
    with bureau.transaction() as s:
        done = build_2024(s, bureau.actor)
    return bureau, backend.as_("directie"), done[0].ref


def test_viewing_figures_is_audited(backend: Backend, staffed: tuple[As, As, str]) -> None:
    _bureau, manager, _ref = staffed
    before = _count(backend)
    with manager.session() as s:
        figures.compute_figures(s, manager.actor, 2024)
    assert _count(backend) == before + 1
    (entry,) = _last(backend)
    assert (entry.action, entry.username, entry.object_type, entry.object_ref) == (
        "figures.view",
        "directie",
        "figures",
        "2024",
    )


def test_mediation_show_is_audited_with_its_reference(
    backend: Backend, staffed: tuple[As, As, str]
) -> None:
    bureau, _manager, ref = staffed
    before = _count(backend)
    with bureau.session() as s:
        detail = mediation.get_mediation_by_ref(s, bureau.actor, ref)
    assert _count(backend) == before + 1
    (entry,) = _last(backend)
    assert (entry.action, entry.object_type, entry.object_ref) == (
        "mediation.read",
        "mediation",
        ref,
    )
    # The desktop client opens a mediation by its id: the same reference is logged.
    with bureau.session() as s:
        mediation.get_mediation(s, bureau.actor, detail.id)
    assert _count(backend) == before + 2 and _last(backend)[0].object_ref == ref


def test_cli_figures_and_mediation_show_are_audited(
    cli: Any, backend: Backend, staffed: tuple[As, As, str]
) -> None:
    _bureau, _manager, ref = staffed
    env = {"IKODESK_PASSWORD": PASSWORD}
    if backend.office is not None:
        where = backend.office.url
    else:
        assert backend.db is not None
        where, env = str(backend.db.path), {**env, "IKODESK_PASSPHRASE": TEST_PASSPHRASE}
        backend.db.close()
    res = cli(["--db", where, "--user", "directie", "figures", "--year", "2024"], env=env)
    assert res.code == 0, res.err
    res = cli(["--db", where, "--user", "bureau", "mediation", "show", ref], env=env)
    assert res.code == 0, res.err
    if backend.db is not None:  # (the test's look opens the file again)
        backend.db = type(backend.db).open(backend.db.path, passphrase=TEST_PASSPHRASE)
    try:
        assert [(e.action, e.object_ref) for e in _last(backend, 2)] == [
            ("mediation.read", ref),
            ("figures.view", "2024"),
        ]
    finally:
        if backend.db is not None:
            backend.db.close()


def test_admin_password_constant_is_strong() -> None:
    from ikodesk.services.passwords import password_problem

    assert password_problem(ADMIN_PASSWORD, username="beheer") is None
