#!/usr/bin/env bash
# The tests start their own throwaway PostgreSQL cluster and need the server
# binaries (initdb, pg_ctl), not a running server. Install Debian's postgresql
# package when they are missing; the package's own cluster is not used.
set -euo pipefail
if ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || command -v initdb >/dev/null 2>&1; then
    exit 0
fi
if [ -n "${IKODESK_TEST_PG_BINDIR:-}" ] && [ -x "$IKODESK_TEST_PG_BINDIR/initdb" ]; then
    exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
    echo "PostgreSQL server binaries are missing: install PostgreSQL (initdb, pg_ctl) or set IKODESK_TEST_PG_BINDIR." >&2
    exit 1
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
echo "Installing Debian's postgresql package for the test cluster..." >&2
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends postgresql >/dev/null
