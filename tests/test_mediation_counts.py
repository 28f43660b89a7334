"""The workflow produces what the `mediation.*` counting rules need.

The seed's 2024 dataset (tests/support/mediation_dataset.py) is built through
the workflow; then every `mediation.*` key is counted by hand, in plain SQL
written from the rules of spec/annual-figures.md, and compared with the
seed's numbers. The figures service must give the same on the same dataset.

Every test runs on both backends (`backend`: an encrypted file, the office
server): the bureau's login builds the dataset, a manager's login asks for the
figures, and the hand counts are the test's own look (`backend.inspect()`).
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from ikodesk.models.enums import MediationStatus, Role
from ikodesk.services import mediation as med
from ikodesk.services.figure_keys import SCALAR_KEYS
from ikodesk.services.figures import compute_figures
from tests.support.backends import As, Backend
from tests.support.mediation_dataset import (
    EXPECTED_2023,
    EXPECTED_2024,
    EXPECTED_2025,
    build_2024,
)
from tests.support.shape import leaf_keys

pytestmark = pytest.mark.slow  # Every test loads the 2024 mediation seed.

KINDS = ("iko", "niko")
OUTCOMES = ("full_agreement", "mirror_agreement", "no_agreement")


def _count(session: Session, sql: str, **params: object) -> int:
    return int(session.execute(text(sql), params).scalar_one())


def _rate(success: int, total: int) -> int | None:
    if total == 0:
        return None
    return int((Decimal(100 * success) / Decimal(total)).quantize(Decimal(1), ROUND_HALF_UP))


def hand_counts(session: Session, year: int) -> dict[str, int | None]:
    """Every `mediation.*` key, counted in SQL straight from the spec's rules."""
    y = str(year)
    c: dict[str, int | None] = {}
    if session.get_bind().dialect.name == "postgresql":
        in_year = "to_char({col}, 'YYYY') = :y"
    else:
        in_year = "strftime('%Y', {col}) = :y"
    requested = in_year.format(col="requested")
    for kind in KINDS:
        k = {"y": y, "kind": kind}
        c[f"mediation.requests.{kind}"] = _count(
            session, f"SELECT count(*) FROM mediations WHERE kind = :kind AND {requested}", **k
        )
        c[f"mediation.started.{kind}"] = _count(
            session,
            "SELECT count(*) FROM mediations WHERE kind = :kind AND "
            f"status IN ('running', 'ended') AND started IS NOT NULL AND {requested}",
            **k,
        )
        c[f"mediation.not_started.{kind}"] = _count(
            session,
            "SELECT count(*) FROM mediations WHERE kind = :kind AND status = 'not_started' "
            f"AND {requested}",
            **k,
        )
        c[f"mediation.not_suitable.{kind}"] = _count(
            session,
            "SELECT count(*) FROM mediations WHERE kind = :kind AND intake = 'not_suitable' "
            f"AND {requested}",
            **k,
        )
        for outcome in OUTCOMES:
            c[f"mediation.outcomes.{kind}.{outcome}"] = _count(
                session,
                "SELECT count(*) FROM mediations WHERE kind = :kind AND outcome = :outcome "
                f"AND {in_year.format(col='ended')}",
                outcome=outcome,
                **k,
            )
        c[f"mediation.child_interviews.{kind}"] = _count(
            session,
            "SELECT count(*) FROM child_interviews i JOIN mediations m ON m.id = i.mediation_id "
            f"WHERE m.kind = :kind AND {in_year.format(col='i.date')}",
            **k,
        )
    c["mediation.requests.total"] = _count(
        session, f"SELECT count(*) FROM mediations WHERE {requested}", y=y
    )
    c["mediation.special_curator"] = _count(
        session,
        f"SELECT count(*) FROM mediations WHERE {in_year.format(col='special_curator')}",
        y=y,
    )
    c["mediation.child_interviews.total"] = _count(
        session, f"SELECT count(*) FROM child_interviews WHERE {in_year.format(col='date')}", y=y
    )
    c["mediation.child_interviews.children"] = _count(
        session,
        "SELECT coalesce(sum(children), 0) FROM child_interviews "
        f"WHERE {in_year.format(col='date')}",
        y=y,
    )

    def outcomes(kinds: tuple[str, ...]) -> tuple[int, int]:
        success = sum(
            c[f"mediation.outcomes.{k}.{o}"] or 0
            for k in kinds
            for o in ("full_agreement", "mirror_agreement")
        )
        return success, success + sum(c[f"mediation.outcomes.{k}.no_agreement"] or 0 for k in kinds)

    c["mediation.success_rate.all"] = _rate(*outcomes(KINDS))
    for kind in KINDS:
        c[f"mediation.success_rate.{kind}"] = _rate(*outcomes((kind,)))
    return c


@pytest.fixture
def built(backend: Backend) -> As:
    """The 2024 dataset, registered and committed by the mediation bureau's login."""
    backend.add_users(("wbureau", Role.MEDIATION))
    bureau = backend.as_("wbureau")
    with bureau.transaction() as session:
        build_2024(session, bureau.actor)
    return bureau


def _hand_counts(backend: Backend, year: int) -> dict[str, int | None]:
    with backend.inspect() as session:
        return hand_counts(session, year)


def test_the_seed_numbers_of_2024(backend: Backend, built: As) -> None:
    assert set(EXPECTED_2024) == {k for k in SCALAR_KEYS if k.startswith("mediation.")}
    assert _hand_counts(backend, 2024) == EXPECTED_2024


def test_the_figures_service_gives_the_seed_numbers(backend: Backend, built: As) -> None:
    """What the reports screen and the PDF print: the same numbers, from the figures service.

    Asked by a manager's login: on the server it counts without reading a name.
    """
    backend.add_users(("directie", Role.MANAGER))
    manager = backend.as_("directie")
    with manager.session() as session:
        printed = compute_figures(session, manager.actor, 2024)
    flat = {key: _leaf(printed, key) for key in leaf_keys(printed) if key.startswith("mediation.")}
    assert flat == EXPECTED_2024
    assert flat == _hand_counts(backend, 2024)


def _leaf(figures: dict[str, object], key: str) -> object:
    value: object = figures
    for part in key.split("."):
        assert isinstance(value, dict)
        value = value[part]
    return value


@pytest.mark.parametrize(
    ("year", "expected"), [(2023, EXPECTED_2023), (2025, EXPECTED_2025)], ids=["2023", "2025"]
)
def test_the_years_around_it_count_only_their_own(
    backend: Backend, built: As, year: int, expected: dict[str, int]
) -> None:
    counts = _hand_counts(backend, year)
    assert {k: counts[k] for k in expected} == expected


def test_the_dataset_keeps_the_curator_agreement(built: As) -> None:
    """Every not-continued request with a child of three or older got its curator."""
    with built.session() as session:
        assert med.curator_reminders(session, built.actor) == []
        rows = med.list_mediations(
            session, built.actor, year=2024, status=MediationStatus.NOT_STARTED
        )
    without = [r for r in rows if r.special_curator is None]
    assert len(rows) == 12 and len(without) == 1 and not without[0].curator_due


def test_a_change_through_the_workflow_moves_the_counts(backend: Backend, built: As) -> None:
    """The hand counts follow the data: reopening and starting a request moves it."""
    actor = built.actor
    with built.transaction() as session:
        row = next(
            r
            for r in med.list_mediations(
                session, actor, year=2024, status=MediationStatus.NOT_STARTED
            )
            if r.special_curator is None
        )
        med.reopen_request(session, actor, row.id)
        med.start_mediation(session, actor, row.id, row.requested)
    counts = _hand_counts(backend, 2024)
    assert (counts["mediation.started.iko"], counts["mediation.not_started.iko"]) == (12, 9)
    assert counts["mediation.requests.iko"] == 21
