"""Fixtures for tests that need a real PostgreSQL server (a throwaway cluster per test run)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.office import Office, init_template, new_office
from tests.support.pg_cluster import Cluster, start_cluster


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[Cluster]:
    """One cluster for the whole run, started on first use and removed at the end."""
    cluster = start_cluster()
    try:
        yield cluster
    finally:
        cluster.stop()


@pytest.fixture(scope="session")
def office_template(pg_cluster: Cluster) -> Cluster:
    """`ikodesk server init` once per run, into the template the offices copy."""
    init_template(pg_cluster)
    return pg_cluster


@pytest.fixture
def office(office_template: Cluster) -> Iterator[Office]:
    """A fresh, initialised office server database with its first administrator."""
    made = new_office(office_template)
    try:
        yield made
    finally:
        made.close()
