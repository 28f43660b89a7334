"""A throwaway PostgreSQL cluster for the tests: initdb in a temporary folder, a free port.

The tests never use a server that happens to be running. The cluster belongs to
the test run: created with `initdb` (scram-sha-256 for every connection, TCP on
127.0.0.1 only, its socket in the cluster's own folder) and removed afterwards.
`initdb` refuses to run as root (CI runs as root), so under root the cluster runs
as an unprivileged system user (`postgres` by default, IKODESK_TEST_PG_OSUSER).
"""

from __future__ import annotations

import glob
import os
import pwd
import secrets
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

SUPERUSER = "postgres"


class ClusterUnavailable(RuntimeError):
    """The PostgreSQL server binaries are missing or the cluster could not start."""


def find_bindir() -> Path:
    """The folder of initdb/pg_ctl: $IKODESK_TEST_PG_BINDIR, Debian's layout, or PATH."""
    explicit = os.environ.get("IKODESK_TEST_PG_BINDIR")
    candidates = [explicit] if explicit else []
    candidates += sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True)
    on_path = shutil.which("initdb")
    if on_path:
        candidates.append(str(Path(on_path).resolve().parent))
    for candidate in candidates:
        if candidate and (Path(candidate) / "initdb").is_file():
            return Path(candidate)
    raise ClusterUnavailable(
        "PostgreSQL server binaries (initdb, pg_ctl) not found: `make test` installs "
        "Debian's postgresql package, or set IKODESK_TEST_PG_BINDIR."
    )


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Cluster:
    """A running cluster; `url()` builds SQLAlchemy/psycopg URLs for it."""

    bindir: Path
    root: Path
    port: int
    superuser_password: str
    os_user: str | None
    host: str = "127.0.0.1"

    @property
    def datadir(self) -> Path:
        return self.root / "data"

    def url(
        self,
        database: str = "postgres",
        user: str = SUPERUSER,
        password: str | None = None,
        driver: str = "postgresql",
    ) -> str:
        secret = self.superuser_password if password is None and user == SUPERUSER else password
        auth = f"{user}:{secret}@" if secret else f"{user}@"
        return f"{driver}://{auth}{self.host}:{self.port}/{database}"

    def _run(self, *args: str) -> subprocess.CompletedProcess[str]:
        command = [str(self.bindir / args[0]), *args[1:]]
        if self.os_user is not None:
            command = ["runuser", "-u", self.os_user, "--", *command]
        return subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)

    def _start(self) -> subprocess.CompletedProcess[str]:
        return self._run(
            "pg_ctl",
            "start",
            "-D",
            str(self.datadir),
            "-w",
            "-t",
            "60",
            "-l",
            str(self.root / "server.log"),
            "-o",
            f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off "
            "-c password_encryption=scram-sha-256",
        )

    @contextmanager
    def down(self) -> Iterator[None]:
        """The server stopped for the block: every connection dropped, none accepted.

        Started again afterwards on the same port (well under a second); the tests
        that follow in this run find it as it was.
        """
        self._run("pg_ctl", "stop", "-D", str(self.datadir), "-m", "fast", "-w")
        try:
            yield
        finally:
            result = self._start()
            if result.returncode != 0:
                raise ClusterUnavailable(f"pg_ctl start failed: {result.stderr.strip()}")

    def stop(self) -> None:
        self._run("pg_ctl", "stop", "-D", str(self.datadir), "-m", "immediate", "-w")
        shutil.rmtree(self.root, ignore_errors=True)


def start_cluster() -> Cluster:
    """initdb + pg_ctl start on a free port; raises ClusterUnavailable with the server's words."""
    bindir = find_bindir()
    os_user: str | None = None
    if os.geteuid() == 0:
        os_user = os.environ.get("IKODESK_TEST_PG_OSUSER", "postgres")
        try:
            account = pwd.getpwnam(os_user)
        except KeyError as exc:
            raise ClusterUnavailable(
                f"running as root, but the system user {os_user!r} for the test cluster is missing"
            ) from exc
    root = Path(tempfile.mkdtemp(prefix="ikodesk-pg-"))
    root.chmod(0o700)
    if os_user is not None:
        os.chown(root, account.pw_uid, account.pw_gid)
    password = secrets.token_urlsafe(24)
    pwfile = root / "pwfile"
    pwfile.write_text(password + "\n", encoding="utf-8")
    pwfile.chmod(0o600)
    if os_user is not None:
        os.chown(pwfile, account.pw_uid, account.pw_gid)
    cluster = Cluster(bindir, root, free_port(), password, os_user)
    initdb = (
        "initdb",
        "-D",
        str(cluster.datadir),
        "-U",
        SUPERUSER,
        "--pwfile",
        str(pwfile),
        "--auth-local=scram-sha-256",
        "--auth-host=scram-sha-256",
        "--encoding=UTF8",
        "--locale=C.UTF-8",
        "--no-sync",
    )
    for name, step in (("initdb", lambda: cluster._run(*initdb)), ("pg_ctl", cluster._start)):
        result = step()
        if result.returncode != 0:
            log = root / "server.log"
            tail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
            shutil.rmtree(root, ignore_errors=True)
            raise ClusterUnavailable(
                f"{name} failed ({result.returncode}): {result.stderr.strip()}\n{tail}"
            )
    pwfile.unlink()
    return cluster
