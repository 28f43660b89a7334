"""Every enumeration has a Dutch and an English label.

No database: the enumerations' labels.
"""

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
                "import",  # an audit action: the same word in both
            }, (m, nl)


def test_line2_figures_carry_the_code_label_not_the_parents_section() -> None:
    from ikodesk.services.figure_labels import figure_label

    assert figure_label("line2.international_contact.parent") == (
        "Lijn 2 › Internationale omgang › Ouders"
    )
    assert figure_label("international_contact.parent_cases") == (
        "Internationale omgang (ouders) › Zaken van ouders"
    )
