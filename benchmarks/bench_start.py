"""A fresh `make run`: how long until the login screen, and until the demo is ready.

    .venv/bin/python benchmarks/bench_start.py [--runs 3]

Starts `python -m ikodesk --demo` with a fresh profile (empty user directories, so
the demo database is made anew; offscreen) and times, from the launch of the
process, the login window painted (target: within 5 s, issue #15 point 7) and
the demo database ready to log in (the import of three years of demo data).
It uses the client's own measurement hook (IKODESK_STARTUP_PROBE, ui/main.py).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
TARGET_LOGIN_S = 5.0


def one_run() -> tuple[float, float | None]:
    with tempfile.TemporaryDirectory(prefix="ikodesk-bench-start-") as tmp:
        home = Path(tmp)
        probe = home / "probe.txt"
        env = {
            **os.environ,
            "HOME": str(home),
            "XDG_DATA_HOME": str(home / "data"),
            "XDG_CONFIG_HOME": str(home / "config"),
            "XDG_CACHE_HOME": str(home / "cache"),
            "XDG_STATE_HOME": str(home / "state"),
            "QT_QPA_PLATFORM": "offscreen",
            "PYTHON_KEYRING_BACKEND": "keyring.backends.null.Keyring",
            "IKODESK_STARTUP_PROBE": str(probe),
            "PYTHONPATH": str(REPO / "src"),
        }
        started = time.monotonic()
        proc = subprocess.Popen(
            [sys.executable, "-m", "ikodesk", "--demo"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        login: float | None = None
        ready: float | None = None
        try:
            while ready is None and time.monotonic() - started < 600:
                text = probe.read_text() if probe.exists() else ""
                now = time.monotonic() - started
                if login is None and "login shown" in text:
                    login = now
                if "ready" in text:
                    ready = now
                elif proc.poll() is not None:
                    break  # ended without a new demo (the probe quits at once then)
                time.sleep(0.02)
        finally:
            if proc.poll() is None:
                proc.terminate()
            proc.wait(timeout=120)
        if login is None:
            raise RuntimeError("the login screen never showed")
        return login, ready


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    results = [one_run() for _ in range(args.runs)]
    for i, (login, ready) in enumerate(results, 1):
        made = f"{ready:.1f} s" if ready is not None else "?"
        print(f"run {i}: login screen after {login:.2f} s, demo ready to log in after {made}")
    best = min(r[0] for r in results)
    verdict = "met" if best <= TARGET_LOGIN_S else "NOT met"
    print(f"login screen: best {best:.2f} s (target {TARGET_LOGIN_S:.0f} s: {verdict})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
