"""What every group of use cases shares: the open database, one transaction per call."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Concatenate, ParamSpec, Protocol, TypeVar

from sqlalchemy.orm import Session

P = ParamSpec("P")
T = TypeVar("T")


class Transactions(Protocol):
    """An open database as the use cases need it (storage.Database, either backend)."""

    def transaction(self) -> AbstractContextManager[Session]: ...


class UseCases:
    """A group of use cases on one open database."""

    def __init__(self, db: Transactions) -> None:
        self._db = db

    def _run(
        self, fn: Callable[Concatenate[Session, P], T], /, *args: P.args, **kwargs: P.kwargs
    ) -> T:
        """`fn(session, ...)` in one transaction: committed on success, rolled back on error.

        Reads run in a transaction too: the policy records what was read (the audit
        log), and a transaction takes the write lock before the first read.
        """
        with self._db.transaction() as session:
            return fn(session, *args, **kwargs)
