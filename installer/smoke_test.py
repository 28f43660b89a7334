"""Smoke test of a built ikodesk bundle: it starts, opens an encrypted database, exits 0.

    QT_QPA_PLATFORM=offscreen python installer/smoke_test.py dist/ikodesk/ikodesk

Runs the frozen executable (not the source tree) with a throw-away home
directory and a keyring backend that cannot reach the machine's keyring;
prints the bundle size and the cold start time to the login window.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run(exe: Path, args: list[str], env: dict[str, str], timeout: float = 120) -> str:
    proc = subprocess.run(
        [str(exe), *args], capture_output=True, text=True, env=env, timeout=timeout
    )
    if proc.returncode != 0:
        raise SystemExit(
            f"FAILED: ikodesk {' '.join(args)} -> exit {proc.returncode}\n"
            f"{proc.stdout}\n{proc.stderr}"
        )
    return proc.stdout


def dir_size_mb(path: Path) -> float:
    # Links inside the bundle point at files counted already.
    files = (f for f in path.rglob("*") if f.is_file() and not f.is_symlink())
    return sum(f.stat().st_size for f in files) / 1e6


def main() -> int:
    exe = Path(sys.argv[1]).resolve()
    version = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp)
        env = {
            **os.environ,
            "HOME": str(home),
            "XDG_DATA_HOME": str(home / "data"),
            "XDG_STATE_HOME": str(home / "state"),
            "XDG_CONFIG_HOME": str(home / "config"),
            "PYTHON_KEYRING_BACKEND": "keyring.backends.null.Keyring",
            "IKODESK_PASSPHRASE": "smoke-test-wachtwoordzin",
            "IKODESK_PASSWORD": "smoke-test-wachtwoord",
            "QT_QPA_PLATFORM": "offscreen",
        }
        out = run(exe, ["--version"], env)
        assert out.strip() == f"ikodesk {version}", out
        print(f"ok  --version: {out.strip()}")

        db = home / "smoke.db"
        run(exe, ["--db", str(db), "init", "--admin", "beheer"], env)
        assert not db.read_bytes().startswith(b"SQLite format 3"), "database not encrypted"
        print("ok  init: encrypted database created")

        # Figures are an audited view: the administrator made by init logs in.
        out = run(
            exe, ["--db", str(db), "--user", "beheer", "figures", "--year", "2030", "--json"], env
        )
        figures = json.loads(out)
        # An empty database has no complete year of records (issue #14): no figure, not 0.
        assert figures["year"] == 2030 and figures["cases"]["total"] is None, figures
        print("ok  figures --year 2030: empty year, exit 0")

        # A dossier prints: ReportLab, the fonts and pyphen's Dutch dictionary are
        # in the bundle (a missing dictionary makes the print fail, never guess).
        sys.path.insert(0, str(ROOT))
        from tests.support import records as R

        source = home / "dossier.jsonl"
        source.write_text(
            "\n".join(json.dumps(r) for r in (*R.USERS, R.ABDUCTION_CASE, R.CONTACT)) + "\n",
            encoding="utf-8",
        )
        run(exe, ["--db", str(db), "--user", "beheer", "import", str(source)], env)
        jurist_password = "Groene-Egel-Rent-4821"
        subprocess.run(
            [
                str(exe),
                "--db",
                str(db),
                "--user",
                "beheer",
                "user",
                "set-password",
                "jdevries",
                "--password-stdin",
            ],
            env=env,
            input=jurist_password + "\n",
            text=True,
            check=True,
            timeout=120,
            capture_output=True,
        )
        printed = home / "dossier.pdf"
        run(
            exe,
            [
                "--db",
                str(db),
                "--user",
                "jdevries",
                "case",
                "print",
                R.ABDUCTION_CASE["ref"],
                "-o",
                str(printed),
            ],
            {**env, "IKODESK_PASSWORD": jurist_password},
        )
        assert printed.read_bytes().startswith(b"%PDF"), "no dossier PDF"
        print("ok  case print: the dossier PDF, hyphenation dictionary included")

        probe = home / "startup.txt"
        started = time.perf_counter()
        proc = subprocess.Popen(
            [str(exe), "--db", str(db)],
            env={**env, "IKODESK_STARTUP_PROBE": str(probe)},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        while not probe.exists() and proc.poll() is None and time.perf_counter() - started < 60:
            time.sleep(0.01)
        elapsed = time.perf_counter() - started
        proc.wait(timeout=30)
        if not probe.exists():
            raise SystemExit(
                f"FAILED: the login window was not shown\n{proc.stderr.read().decode()}"
            )
        assert proc.returncode == 0, proc.returncode
        print(f"ok  cold start to the login window: {elapsed:.2f} s (target <= 2 s)")
    print(f"bundle size: {dir_size_mb(exe.parent):.0f} MB (target <= 250 MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
