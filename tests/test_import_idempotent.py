"""Issue #11 point 17: re-importing is idempotent, for every record type the export writes.

An export imports into a freshly initialised database (its administrator is the
same record as the one `init` made), a second import changes nothing ("ongewijzigd"),
and a record that differs from the stored one still needs --update.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from ikodesk.errors import ValidationError
from ikodesk.models import User
from ikodesk.models.enums import Role
from ikodesk.services import exchange, figures, users
from ikodesk.services.actors import Actor
from ikodesk.services.demo import DEMO_PASSWORD
from ikodesk.services.exchange import unchanged
from ikodesk.services.exchange.walls import RECORD_TYPES as WALL_TYPES
from ikodesk.storage import Database
from tests.conftest import ADMIN_PASSWORD, TEST_PASSPHRASE
from tests.support import family as F
from tests.support import records as R
from tests.support.approver import add_second_admin
from tests.support.backends import Backend, export_all
from tests.support.office import ADMIN

ENV = {"IKODESK_PASSPHRASE": TEST_PASSPHRASE}
KH = Actor.key_holder()
MANAGER = "directie"


def run_import(cli, db: Path, src: Path, *extra: str):  # type: ignore[no-untyped-def]
    """`ikodesk import` as an administrator (import needs one: issue #11 point 1)."""
    return cli(
        ["--db", db, "--user", "beheer", "import", src, *extra],
        env={**ENV, "IKODESK_PASSWORD": ADMIN_PASSWORD},
    )


def run_export(  # type: ignore[no-untyped-def]
    cli, db: Path, dest: Path, password: str = ADMIN_PASSWORD, passphrase: str = TEST_PASSPHRASE
):
    """`ikodesk export` as the administrator `beheer` (export needs one), approved by a
    second administrator (four eyes)."""
    approver = add_second_admin(db, passphrase)
    return cli(
        ["--db", db, "--user", "beheer", "export", dest],
        env={**ENV, "IKODESK_PASSWORD": password, **approver},
    )


def _fresh(path: Path, name: str | None = "F. Beheerder") -> Database:
    """A database as `init` leaves it: one administrator with a password."""
    db, _ = Database.create(path, passphrase=TEST_PASSPHRASE)
    with db.transaction() as s:
        named = {"name": name} if name else {}
        users.create_user(s, KH, "beheer", Role.ADMIN, password=ADMIN_PASSWORD, **named)
    return db


def _every_type() -> list[dict[str, Any]]:
    """Records of every type the format has, two of each where the type allows."""
    second_case = R.case(ref="2024-L2-00018", summary="Tweede zaak.\nMet twee regels.")
    return [
        *R.full_file(),
        second_case,
        {**R.CONTACT, "case": "2024-L2-00018", "summary": None},
        {**R.CONTACT, "at": "2024-03-06T09:00"},
        {**R.ACTIVITY, "title": "Tweede werkbezoek", "x": {"bron": "oud systeem"}},
        {"type": "historical_figure", "year": 2022, "key": "cases.line1", "value": 4800.5},
        {**R.MEDIATION, "ref": "M2024-008", "x": {"parents": [{"relation": "mother"}]}},
        # The father's case: a conflict pair with the mother's, and its walls.
        F.FATHER_CASE,
        {
            "type": "case_opening",
            "user": "tmeijer",
            "case": R.ABDUCTION_CASE["ref"],
            "first_at": "2024-03-05T11:00",
        },
    ]


def _load_every_type(backend: Backend) -> None:
    records = _every_type()
    if backend.is_server:
        # By design the server takes no format-1.2 wall records (it finds conflicts and
        # puts walls itself; `server migrate` moves an office with its decisions).
        with pytest.raises(ValidationError, match="server migrate"):
            backend.load(*records)
        records = [r for r in records if r["type"] not in WALL_TYPES]
    backend.load(*records)


def _import(db: Database, recs: list[dict[str, Any]], update: bool = False):  # type: ignore[no-untyped-def]
    with db.transaction() as s:
        return exchange.import_lines(s, KH, exchange_lines(recs), update=update)


def exchange_lines(recs: list[dict[str, Any]]) -> list[str]:
    return [exchange.json_line(r) for r in recs]


def _export(db: Database) -> list[dict[str, Any]]:
    with db.session() as s:
        return list(exchange.export_records(s, KH))


def _figures(db: Database) -> str:
    with db.session() as s:
        return repr([figures.compute_figures(s, KH, y) for y in (2022, 2023, 2024)])


def _backend_figures(backend: Backend) -> str:
    manager = backend.as_(MANAGER)
    with manager.session() as s:
        return repr([figures.compute_figures(s, manager.actor, y) for y in (2022, 2023, 2024)])


def _counts(counted: dict[str, int]) -> dict[str, int]:
    return {k: n for k, n in counted.items() if n}


# An import changes no dossier the server already has (see the refusals below).
NOT_DOSSIERS = ("user", "mediator", "activity", "historical_figure")


def test_every_record_type_has_an_exported_form_to_compare() -> None:
    # Conflicts, walls and openings compare themselves (exchange.walls).
    assert set(unchanged.INCOMING) | set(WALL_TYPES) == set(exchange.RECORD_TYPES)


def test_an_export_reimports_unchanged_for_every_record_type(
    backend: Backend, tmp_path: Path
) -> None:
    backend.add_users((MANAGER, Role.MANAGER))
    _load_every_type(backend)
    exported = export_all(backend)
    kinds = Counter(r["type"] for r in exported)
    # The export holds every record type of the format: a new type must come here too.
    # (No case was opened across a wall on the server: the opening was not imported.)
    expected = set(exchange.RECORD_TYPES) - ({"case_opening"} if backend.is_server else set())
    assert set(kinds) == expected, kinds

    # Into a fresh file whose administrator is the exported one (as `init` made it).
    (admin,) = [r for r in exported if r["type"] == "user" and r["username"] == ADMIN]
    target = _fresh(tmp_path / "nieuw.db", admin.get("name"))
    with target.session() as s:
        admin_hash = s.scalar(select(User.password_hash).where(User.username == "beheer"))
    first = _import(target, exported)
    assert first.skipped["user"] == 1  # the administrator made by init: identical
    assert _export(target) == exported
    figures_after_first = _figures(target)

    again = _import(target, exported)
    assert _counts(again.skipped) == dict(kinds), (dict(again.created), dict(again.updated))
    assert not any(again.created.values()) and not any(again.updated.values())
    assert _export(target) == exported
    assert _figures(target) == figures_after_first == _backend_figures(backend)
    with target.session() as s:  # an identical user record leaves the password alone
        assert s.scalar(select(User.password_hash).where(User.username == "beheer")) == admin_hash
    # And with --update nothing is rewritten either.
    assert not any(_import(target, exported, update=True).updated.values())
    target.close()

    # Into the backend it came from.
    if backend.is_server:
        # By design the server's import adds new dossiers only (its administrator
        # reads none to compare): the export's cases are refused, nothing changes...
        with pytest.raises(ValidationError, match="staat al op de kantoorserver"):
            backend.load(*exported)
        assert export_all(backend) == exported
        # ...and what is no dossier re-imports unchanged, as on a file.
        rest = [r for r in exported if r["type"] in NOT_DOSSIERS]
        again = backend.load(*rest)
        assert _counts(again.skipped) == {k: kinds[k] - (k == "user") for k in NOT_DOSSIERS}
    else:
        again = backend.load(*exported)
        assert _counts(again.skipped) == {**kinds, "user": kinds["user"] - 1}
    assert not any(again.created.values()) and not any(again.updated.values())
    assert export_all(backend) == exported


CHANGES = [
    ("user", {"type": "user", "username": "jdevries", "name": "Iemand Anders", "role": "jurist"}),
    ("mediator", {**R.MEDIATOR, "cbfm": False}),
    ("case", R.case(summary="Andere samenvatting.")),
    ("mediation", {**R.MEDIATION, "referred_by": "lawyer"}),
    ("historical_figure", {**R.HISTORICAL, "value": 1}),
]


@pytest.mark.parametrize(("kind", "changed"), CHANGES, ids=[c[0] for c in CHANGES])
def test_a_differing_record_still_needs_update(
    backend: Backend, kind: str, changed: dict[str, Any]
) -> None:
    _load_every_type(backend)
    before = export_all(backend)
    if backend.is_server and kind in ("case", "mediation"):
        # By design the server's import adds new dossiers only, --update or not: its
        # administrator reads no dossier to compare or replace. Its own message says so.
        for update in (False, True):
            with pytest.raises(ValidationError, match="staat al op de kantoorserver"):
                backend.load(changed, update=update)
        assert export_all(backend) == before
        return
    with pytest.raises(ValidationError, match="bestaat al in de database"):
        backend.load(changed)
    assert export_all(backend) == before
    assert backend.load(changed, update=True).updated[kind] == 1
    assert export_all(backend) != before


def test_records_without_a_reference_are_not_imported_twice(backend: Backend) -> None:
    _load_every_type(backend)
    other_contact = {**R.CONTACT, "minutes": 16}
    if backend.is_server:
        # By design: a contact moment comes onto the server only with its new case
        # (the server cannot tell whether a stored case has it without reading it).
        for contact in (R.CONTACT, other_contact):
            with pytest.raises(ValidationError, match="staat al op de kantoorserver"):
                backend.load(R.ACTIVITY, contact)
        result = backend.load(R.ACTIVITY, {**R.ACTIVITY, "title": "Derde werkbezoek"})
        assert result.skipped["activity"] == 1 and result.created["activity"] == 1
        return
    result = backend.load(R.CONTACT, R.ACTIVITY, other_contact)
    assert result.skipped["contact"] == 1 and result.skipped["activity"] == 1
    assert result.created["contact"] == 1  # a different contact is a new one


@pytest.mark.slow
def test_cli_demo_export_imports_into_a_fresh_init_twice(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    demo = tmp_path / "demo.db"
    res = cli(["--db", demo, "demo", "--years", "2024", "--scale", "0.03"], env=ENV)
    assert res.code == 0, res.err
    dump = tmp_path / "demo.jsonl"
    assert run_export(cli, demo, dump, DEMO_PASSWORD).code == 0
    fresh = tmp_path / "nieuw.db"
    res = cli(
        ["--db", fresh, "init", "--admin", "beheer", "--name", "F. Beheerder"],
        env={**ENV, "IKODESK_PASSWORD": ADMIN_PASSWORD},
    )
    assert res.code == 0, res.err
    res = run_import(cli, fresh, dump)
    assert res.code == 0, res.err
    assert "1 gebruiker ongewijzigd" in res.out  # beheer; the others (and tweede) are new
    res = run_import(cli, fresh, dump)
    assert res.code == 0, res.err
    assert "nieuw" not in res.out and "bijgewerkt" not in res.out, res.out
    assert "ongewijzigd" in res.out
    again = tmp_path / "again.jsonl"
    assert run_export(cli, fresh, again).code == 0
    original = [json.loads(x) for x in dump.read_text(encoding="utf-8").splitlines()]
    assert [json.loads(x) for x in again.read_text(encoding="utf-8").splitlines()] == original
