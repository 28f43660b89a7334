"""Fixtures for tests that need a real PostgreSQL server (a throwaway cluster per test run)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.pg_cluster import Cluster, start_cluster


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[Cluster]:
    """One cluster for the whole run, started on first use and removed at the end."""
    cluster = start_cluster()
    try:
        yield cluster
    finally:
        cluster.stop()
