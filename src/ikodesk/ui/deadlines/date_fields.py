"""The date fields of issue #17's new dates (the case's clock dates, the court hearing).

One factory: the shared date field of issue #15 (ui.common.date_field), read exactly
or refused at the field, as every date in the forms.
"""

from __future__ import annotations

from ikodesk.ui.common.fields import DateField


def clock_date_field(name: str) -> DateField:
    """An optional date typed as dd-mm-jjjj, with `name` as its object name."""
    field = DateField()
    field.set_name(name)
    return field
