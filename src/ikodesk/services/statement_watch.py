"""A check run before every SQL statement of an open database (the desktop's thread guard).

The desktop client proves that no statement runs on its GUI thread: it hands a
check to `watch`, which calls it with the statement's first word before the
statement is sent. Each check is installed once per engine.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from typing import Any

from sqlalchemy import Engine, event

Check = Callable[[str], None]

# The checks already installed, per engine (weakly: a closed database's engine may go).
_installed: weakref.WeakKeyDictionary[Engine, list[Check]] = weakref.WeakKeyDictionary()


def watch(engine: Engine, check: Check) -> None:
    """Call `check(first word of the statement)` before every statement on `engine`."""
    checks = _installed.setdefault(engine, [])
    if check in checks:
        return
    checks.append(check)

    @event.listens_for(engine, "before_cursor_execute")
    def _check(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        check(statement.split(None, 1)[0] if statement else "statement")
