"""The throwaway cluster itself: it starts, demands passwords, and is not someone else's."""

from __future__ import annotations

import psycopg
import pytest

from tests.support.pg_cluster import SUPERUSER, Cluster


def test_cluster_accepts_the_superuser_with_scram(pg_cluster: Cluster) -> None:
    with psycopg.connect(pg_cluster.url()) as conn:
        row = conn.execute("SHOW password_encryption").fetchone()
        assert row == ("scram-sha-256",)
        listen = conn.execute("SHOW listen_addresses").fetchone()
        assert listen == ("127.0.0.1",)
        assert conn.execute("SELECT current_user").fetchone() == (SUPERUSER,)


def test_cluster_refuses_a_wrong_password(pg_cluster: Cluster) -> None:
    with pytest.raises(psycopg.OperationalError, match="password authentication failed"):
        psycopg.connect(pg_cluster.url(password="wrong"), connect_timeout=5).close()
