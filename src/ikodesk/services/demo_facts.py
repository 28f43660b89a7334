"""What the start of the demo needs to know about it, without its generator.

The desktop's first window and the command line's opening (issue #16) need the
demo's passphrase, its steps and its accounts, not the generator and the import
behind `services.demo` (which re-exports these names).
"""

from __future__ import annotations

from ikodesk.services.demo_tables import USERS

DEMO_PASSWORD = "ikodesk-demo"  # fictitious data only; shown in the README
# The demo database's passphrase: public by design, it holds fictitious data only.
DEMO_PASSPHRASE = "ikodesk-demo"

# The demo's steps as the progress dialog shows them: (stage, first %, last %).
DEMO_STEPS: tuple[tuple[str, int, int], ...] = (
    ("aanmaken", 0, 3),
    ("lezen", 3, 28),
    ("controleren", 28, 60),
    ("schrijven", 60, 97),
)


def overall_percent(stage: str, done: int, total: int) -> tuple[int, int]:
    """(step number from 1, percent of the whole) for a step's progress."""
    for number, (name, first, last) in enumerate(DEMO_STEPS, start=1):
        if name == stage:
            share = min(done / total, 1.0) if total > 0 else 0.0
            return number, first + int((last - first) * share)
    return len(DEMO_STEPS), DEMO_STEPS[-1][2]


# The roles in the order the demo's login lists them: the daily work first.
_ACCOUNT_ORDER = ("jurist", "student", "mediation", "manager", "admin")


def demo_accounts() -> list[tuple[str, str]]:
    """One demo account per role, (username, role), for the login screen of the demo."""
    seen: dict[str, str] = {}
    for username, _name, role in USERS:
        seen.setdefault(role, username)
    return [(seen[role], role) for role in _ACCOUNT_ORDER if role in seen]
