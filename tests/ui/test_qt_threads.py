"""Guard against a Qt binding that corrupts reference counts with a second Python thread.

PySide6 6.12.0 does (None and True reach a refcount of zero and the process
aborts) when Qt calls release the GIL while another Python thread runs, which
is exactly the desktop client's design: the GUI thread calls Qt while the
database worker runs Python. pyproject.toml excludes it; this test would catch
a version with the same defect.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

SCRIPT = textwrap.dedent(
    """
    import threading, time
    from PySide6.QtCore import QCoreApplication, QObject, QTimer
    app = QCoreApplication([])
    stop = False
    def work():
        while not stop:
            [None for _ in range(1000)]
            [True for _ in range(1000)]
    t = threading.Thread(target=work)
    t.start()
    o, tm = QObject(), QTimer()
    end = time.time() + 2
    while time.time() < end:
        o.setObjectName("x"); tm.setInterval(5); tm.start(); tm.stop()
    stop = True
    t.join()
    print("ok")
    """
)


@pytest.mark.slow
def test_qt_calls_and_a_worker_thread_keep_reference_counts_intact() -> None:
    proc = subprocess.run(
        [sys.executable, "-c", SCRIPT],
        capture_output=True,
        text=True,
        timeout=60,
        env={"QT_QPA_PLATFORM": "offscreen", "PATH": "/usr/bin:/bin"},
    )
    assert proc.returncode == 0 and proc.stdout.strip() == "ok", proc.stderr[-2000:]
