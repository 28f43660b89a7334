"""The names of the annual figures (spec/annual-figures.md) that hold one number.

Historical figures are keyed by these names; the figures service produces
exactly these keys (plus the lists: countries, ages, activities).
"""

from __future__ import annotations

from ikodesk.models.enums import LINE2_CODES

CHANNELS = ("phone", "email", "form")
PARTIES = ("parent", "family", "professional")
PARENTS = ("mother", "father")
MEDIATION_KINDS = ("iko", "niko")
OUTCOMES = ("full_agreement", "mirror_agreement", "no_agreement")


def _scalar_keys() -> tuple[str, ...]:
    keys: list[str] = [
        "cases.total",
        "cases.line1",
        "cases.line2",
        "cases.line2_closed_in_year",
        "cases.line2_carried_over",
        "contacts.total",
    ]
    keys += [f"contacts.by_channel.{c}" for c in CHANNELS]
    keys += ["contacts.by_line.line1", "contacts.by_line.line2"]
    keys += [f"contacts.by_channel_party.{c}.{p}" for c in CHANNELS for p in PARTIES]
    keys += [
        f"line2.{code.value}.{part}"
        for code in LINE2_CODES
        for part in ("parent", "third_party", "total")
    ]
    keys.append("prevention.children")
    keys += [
        f"prevention.parents.{rel}.{side}"
        for rel in PARENTS
        for side in ("potential_left_behind", "potential_taking")
    ]
    keys += ["relocation_consent.parent_cases", "relocation_consent.children"]
    keys += [f"relocation_consent.mover.{rel}" for rel in PARENTS]
    keys += [
        f"relocation_consent.requester.{rel}.{who}"
        for rel in PARENTS
        for who in ("self", "other_parent")
    ]
    keys += ["abduction.parent_cases", "abduction.children"]
    keys += [f"abduction.taker.{rel}" for rel in PARENTS]
    keys += [
        f"abduction.requester.{side}.{rel}" for side in ("left_behind", "taking") for rel in PARENTS
    ]
    keys += [
        f"abduction.direction.{d}.{m}"
        for d in ("outgoing", "incoming", "abroad")
        for m in ("cases", "children")
    ]
    keys += [
        f"abduction.direction.{d}.{h}"
        for d in ("outgoing", "incoming")
        for h in ("hague", "non_hague")
    ]
    keys += ["family_abduction.cases", "family_abduction.children"]
    keys += ["international_contact.parent_cases"]
    keys += [f"international_contact.requester.{rel}" for rel in PARENTS]
    keys += [f"mediation.requests.{k}" for k in ("total", *MEDIATION_KINDS)]
    for part in ("started", "not_started", "not_suitable"):
        keys += [f"mediation.{part}.{k}" for k in MEDIATION_KINDS]
    keys.append("mediation.special_curator")
    keys += [f"mediation.outcomes.{k}.{o}" for k in MEDIATION_KINDS for o in OUTCOMES]
    keys += [f"mediation.success_rate.{k}" for k in ("all", *MEDIATION_KINDS)]
    keys += [f"mediation.child_interviews.{k}" for k in ("total", *MEDIATION_KINDS, "children")]
    return tuple(keys)


SCALAR_KEYS: tuple[str, ...] = _scalar_keys()
SCALAR_KEY_SET: frozenset[str] = frozenset(SCALAR_KEYS)
