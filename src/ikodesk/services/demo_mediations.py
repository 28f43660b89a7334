"""The demo's mediation requests: volumes, workflow and outcomes of the 2024 report.

Part of the demo generator (services.demo): `mediations` draws the facts from the
generator's `rng`, `mediation_people` the parents and the children's names from
its `texts` (so names never change the figures).
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from ikodesk.models import age_in_years
from ikodesk.services.demo_tables import FIRST_F, FIRST_M, LAST, MEDIATORS

if TYPE_CHECKING:
    from ikodesk.services.demo import DemoGenerator


def mediation_people(texts: random.Random, med: dict[str, Any], requested: date) -> None:
    """The parents (in `x.parents`, as exports carry them) and the children's names."""
    origin = texts.choice(["nl", "nl", "pl", "tr", "ma", "other"])
    family = texts.choice(LAST[origin])
    country = {"pl": "PL", "tr": "TR", "ma": "MA"}.get(origin, "NL")
    parents = []
    for relation, names in (("mother", FIRST_F), ("father", FIRST_M)):
        parent: dict[str, Any] = {
            "relation": relation,
            "first_name": texts.choice(names[origin]),
            "last_name": family if relation == "father" else texts.choice(LAST[origin]),
            "country": "NL" if relation == "mother" else country,
        }
        if texts.random() < 0.7:
            age = texts.randint(26, 48)
            parent["birth_date"] = (requested - timedelta(days=age * 365 + 100)).isoformat()
        parents.append(parent)
    med["x"] = {"parents": parents}
    firsts = texts.sample(FIRST_F[origin] + FIRST_M[origin], len(med["children"]))
    for child, first in zip(med["children"], firsts, strict=True):
        child["first_name"] = first  # siblings have names of their own
        child["last_name"] = family


def court_hearing(clock_rng: random.Random, med: dict[str, Any]) -> None:
    """The court's hearing of a court-referred request (exchange format 1.1).

    The mediation runs in the weeks before the hearing on the return request: most
    sessions end days before it, a few run past it (the Bureau sees those).
    """
    if med["referred_by"] != "court":
        return
    requested = date.fromisoformat(med["requested"])
    hearing = requested + timedelta(days=clock_rng.randint(21, 45))
    if "ended" in med:
        started, ended = date.fromisoformat(med["started"]), date.fromisoformat(med["ended"])
        if clock_rng.random() < 0.1:
            hearing = started + timedelta(days=clock_rng.randint(0, (ended - started).days))
        else:
            hearing = max(hearing, ended + timedelta(days=clock_rng.randint(1, 10)))
    med["court_hearing"] = hearing.isoformat()


def mediations(gen: DemoGenerator, year: int) -> Iterator[dict[str, Any]]:
    """The mediation requests of a year (volumes of the 2024 report), with their people
    and, for court-referred ones, the hearing (from the generator's `clock_rng`)."""
    for med in _mediations(gen, year):
        court_hearing(gen.clock_rng, med)
        yield med


def _mediations(gen: DemoGenerator, year: int) -> Iterator[dict[str, Any]]:
    rng = gen.rng
    n = 0
    for kind, count in (("iko", 21), ("niko", 17)):
        for _ in range(round(count * gen.scale) or (1 if gen.scale > 0 else 0)):
            requested = gen._day_in(year)
            if requested is None or requested.month == 12:
                continue
            n += 1
            med: dict[str, Any] = {
                "type": "mediation",
                "ref": f"M{year}-{n:03d}",
                "kind": kind,
                "requested": requested.isoformat(),
                "referred_by": rng.choices(["court", "lawyer", "parent", "other"], [6, 2, 2, 0.5])[
                    0
                ],
                "children": [
                    {
                        "birth_date": (
                            requested - timedelta(days=rng.randint(400, 16 * 365))
                        ).isoformat()
                    }
                    for _ in range(rng.choice([1, 1, 2, 3]))
                ],
            }
            mediation_people(gen.texts, med, requested)
            p_start = 11 / 21 if kind == "iko" else 15 / 17
            if rng.random() > p_start:
                med.update(
                    status="not_started",
                    not_started_reason=rng.choice(
                        [
                            "Ouders willen na de regiezitting niet meer deelnemen.",
                            "Een ouder reageert niet meer.",
                        ]
                    ),
                )
                if rng.random() < 0.9:
                    med["special_curator"] = (requested + timedelta(days=14)).isoformat()
                yield med
                continue
            started = requested + timedelta(days=rng.randint(5, 20))
            med["started"] = started.isoformat()
            med["mediators"] = rng.sample([m[0] for m in MEDIATORS], 2)
            ended = started + timedelta(days=rng.randint(3, 40))
            if (gen.until is not None and ended > gen.until) or ended.year > year:
                med.update(status="running", intake="suitable")
                yield med
                continue
            med.update(status="ended", ended=ended.isoformat())
            if kind == "niko" and rng.random() < 2 / 15:
                med["intake"] = "not_suitable"
                yield med
                continue
            med["intake"] = "suitable"
            p_success = 0.2 if kind == "iko" else 9 / 13
            if rng.random() < p_success:
                med["outcome"] = rng.choice(["full_agreement", "mirror_agreement"])
            else:
                med["outcome"] = "no_agreement"
                med["failure_reasons"] = rng.sample(
                    ["emotions", "opposed_positions", "third_party_influence"],
                    rng.randint(1, 2),
                )
            if rng.random() < 0.45:
                day = started + timedelta(days=rng.randint(0, (ended - started).days))
                # Children are heard from the age of three.
                heard = sum(
                    age_in_years(date.fromisoformat(c["birth_date"]), day) >= 3
                    for c in med["children"]
                )
                if heard:
                    med["child_interviews"] = [
                        {"date": day.isoformat(), "children": rng.randint(1, heard)}
                    ]
            yield med
