"""Register N Line 1 calls on an office server as one login (a process of the concurrency test).

python -m tests.support.register_many URL USERNAME PASSWORD N -> prints the references.
"""

from __future__ import annotations

import sys
from datetime import datetime, timedelta

from ikodesk.models.enums import Channel
from ikodesk.services import registrations, users
from ikodesk.services.application import Application
from ikodesk.services.validation import PersonData


def main(url: str, username: str, password: str, n: int) -> None:
    app = Application.connect(url, username, password)
    start = datetime(2024, 1, 2, 9, 0)
    refs = []
    try:
        for i in range(n):
            with app.db.transaction() as s:
                actor = users.authenticate(s, username, password)
                case = registrations.register_line1(
                    s,
                    actor,
                    caller=PersonData(kind="parent", relation="mother", last_name=f"{username}{i}"),
                    channel=Channel.PHONE,
                    at=start + timedelta(minutes=i),
                    country="ES",
                    note="Vakantie",
                )
                refs.append(case.ref)
    finally:
        app.close()
    print("\n".join(refs))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]))
