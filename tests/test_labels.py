"""Every enumeration has a Dutch and an English label."""

from __future__ import annotations


def test_every_enum_label_has_dutch_and_english() -> None:
    from enum import StrEnum

    from ikodesk.models import enums, labels

    members = [
        m
        for obj in vars(enums).values()
        if isinstance(obj, type) and issubclass(obj, StrEnum) and obj is not StrEnum
        for m in obj
    ]
    for m in members:
        nl, en = labels.label(m, "nl"), labels.label(m, "en")
        assert nl and en, m
        # English falls back to Dutch only for names that are the same in both.
        if nl == en:
            assert nl in {
                "Jurist",
                "Mediation Bureau",
                "Manager",
                "Professional",
                "IKO",
                "NIKO",
                "E-mail",
            }, (m, nl)
