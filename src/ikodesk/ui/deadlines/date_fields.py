"""The date fields of issue #17's new dates (the case's clock dates, the court hearing).

One factory, so that the shared date widget of issue #15 (ui.common.fields) can take
their place in one line; until then they are the empty-able `DateField` the forms use.
"""

from __future__ import annotations

from ikodesk.ui.common.fields import DateField


def clock_date_field(name: str) -> DateField:
    """An optional date typed as dd-mm-jjjj, with `name` as its object name."""
    field = DateField()
    field.setObjectName(name)
    return field
