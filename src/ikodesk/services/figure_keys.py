"""The names of the annual figures (spec/annual-figures.md), in the spec's order.

`ALL_KEYS` is the shape of `ikodesk figures --json`: every dotted key below
`year`, in the order the JSON lists them. `SCALAR_KEYS` are the keys that hold
one number: historical figures are keyed by these names, and year-over-year
changes are computed for them. `LIST_KEYS` hold country lists, age
distributions and the activities: they are never historical and have no
year-over-year change.

Additions to the spec, produced and accepted as historical keys like the
others (the four-year charts of the annual report need them):

- `prevention.requester.{mother,father}`: parent-requested prevention cases by
  requester relation, whatever side was recorded (the seed's four-year
  "Preventie advieszaken vader/moeder" chart; before 2024 no side was
  recorded, so `prevention.parents.*` cannot hold those years).
- `conflicts.{detected,walled,under_review,not_conflict}`: conflict pairs
  detected in the year (by the date they were detected) and how they stand:
  walled (a conflict), still under review (walled provisionally), or decided
  not to be a conflict. The seed's "Conflictzaken" chapter (issue #14).
"""

from __future__ import annotations

from ikodesk.models.enums import LINE2_CODES

CHANNELS = ("phone", "email", "form")
PARTIES = ("parent", "family", "professional")
PARENTS = ("mother", "father")
MEDIATION_KINDS = ("iko", "niko")
OUTCOMES = ("full_agreement", "mirror_agreement", "no_agreement")
FAILURE_REASONS = ("emotions", "opposed_positions", "third_party_influence", "other")
ABDUCTION_DIRECTIONS = ("outgoing", "incoming", "abroad")
HAGUE_DIRECTIONS = ("outgoing", "incoming")
RELOCATION_DIRECTIONS = ("outgoing", "incoming")
CONTACT_DIRECTIONS = ("child_abroad", "parent_abroad")
CONFLICT_PARTS = ("detected", "walled", "under_review", "not_conflict")

# Marks a key holding a list or a distribution rather than one number.
_LIST = "list"
_SCALAR = "scalar"


def _keys() -> list[tuple[str, str]]:
    keys: list[tuple[str, str]] = []

    def scalars(*names: str) -> None:
        keys.extend((n, _SCALAR) for n in names)

    def lists(*names: str) -> None:
        keys.extend((n, _LIST) for n in names)

    scalars(
        "cases.total",
        "cases.line1",
        "cases.line2",
        "cases.line2_closed_in_year",
        "cases.line2_carried_over",
        "contacts.total",
    )
    scalars(*(f"contacts.by_channel.{c}" for c in CHANNELS))
    scalars("contacts.by_line.line1", "contacts.by_line.line2")
    scalars(*(f"contacts.by_channel_party.{c}.{p}" for c in CHANNELS for p in PARTIES))
    scalars(
        *(
            f"line2.{code.value}.{part}"
            for code in LINE2_CODES
            for part in ("parent", "third_party", "total")
        )
    )
    scalars("prevention.children")
    scalars(
        *(
            f"prevention.parents.{rel}.{side}"
            for rel in PARENTS
            for side in ("potential_left_behind", "potential_taking")
        )
    )
    scalars(*(f"prevention.requester.{rel}" for rel in PARENTS))  # addition, see above
    lists("prevention.countries")
    scalars("relocation_consent.parent_cases", "relocation_consent.children")
    scalars(*(f"relocation_consent.mover.{rel}" for rel in PARENTS))
    scalars(
        *(
            f"relocation_consent.requester.{rel}.{who}"
            for rel in PARENTS
            for who in ("self", "other_parent")
        )
    )
    lists(*(f"relocation_consent.countries.{d}" for d in RELOCATION_DIRECTIONS))
    scalars("abduction.parent_cases", "abduction.children")
    scalars(*(f"abduction.taker.{rel}" for rel in PARENTS))
    scalars(
        *(
            f"abduction.requester.{side}.{rel}"
            for side in ("left_behind", "taking")
            for rel in PARENTS
        )
    )
    for d in ABDUCTION_DIRECTIONS:
        scalars(f"abduction.direction.{d}.cases", f"abduction.direction.{d}.children")
        if d in HAGUE_DIRECTIONS:
            scalars(f"abduction.direction.{d}.hague", f"abduction.direction.{d}.non_hague")
    lists(*(f"abduction.countries.{d}" for d in HAGUE_DIRECTIONS))
    lists(*(f"abduction.ages.{d}" for d in HAGUE_DIRECTIONS))
    # Exchange format 1.1's dates: how early parents reach the centre (issue #17).
    scalars("abduction.filed_within_one_year", "abduction.median_days_removal_to_opening")
    scalars("family_abduction.cases", "family_abduction.children")
    scalars("international_contact.parent_cases")
    scalars(*(f"international_contact.requester.{rel}" for rel in PARENTS))
    lists(*(f"international_contact.countries.{d}" for d in CONTACT_DIRECTIONS))
    scalars(*(f"mediation.requests.{k}" for k in ("total", *MEDIATION_KINDS)))
    for part in ("started", "not_started", "not_suitable"):
        scalars(*(f"mediation.{part}.{k}" for k in MEDIATION_KINDS))
    scalars("mediation.special_curator")
    scalars(*(f"mediation.outcomes.{k}.{o}" for k in MEDIATION_KINDS for o in OUTCOMES))
    scalars(*(f"mediation.success_rate.{k}" for k in ("all", *MEDIATION_KINDS)))
    scalars(*(f"mediation.child_interviews.{k}" for k in ("total", *MEDIATION_KINDS, "children")))
    scalars(*(f"conflicts.{k}" for k in CONFLICT_PARTS))  # addition, see above
    lists("activities")
    return keys


_ORDERED = _keys()
ALL_KEYS: tuple[str, ...] = tuple(k for k, _ in _ORDERED)
SCALAR_KEYS: tuple[str, ...] = tuple(k for k, kind in _ORDERED if kind == _SCALAR)
SCALAR_KEY_SET: frozenset[str] = frozenset(SCALAR_KEYS)
LIST_KEYS: tuple[str, ...] = tuple(k for k, kind in _ORDERED if kind == _LIST)
# Success rates are percentages, not counts (old reports gave them with decimals).
RATE_KEYS: frozenset[str] = frozenset(k for k in SCALAR_KEYS if ".success_rate." in k)
# Figures of the Mediation Bureau: its records may start in another year than the cases'.
MEDIATION_PREFIX = "mediation."

# Every key and every group of keys ("abduction.direction.outgoing", "line2.prevention").
_KNOWN: frozenset[str] = frozenset(
    ".".join(key.split(".")[:n]) for key in ALL_KEYS for n in range(1, key.count(".") + 2)
)


def is_known(key: str) -> bool:
    """True when `key` names a figure or a group of figures."""
    return key in _KNOWN


def checked(key: str) -> str:
    """`key` itself when it names a figure (or a group); KeyError for a typo.

    The report builders and the reports screen read every figure through this,
    so a misspelt key fails loudly instead of printing a dash for "no data".
    """
    if key not in _KNOWN:
        raise KeyError(f"unknown figure key: {key!r}")
    return key
